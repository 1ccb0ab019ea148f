"""Organizer pages: editing a challenge on the web, importing a bundle by web form; Markdown is sanitised."""

import io
import zipfile

import pytest

from challenges.demo import build_bundle
from challenges.models import Challenge
from tests.platform.permissions.world import build_world

pytestmark = pytest.mark.django_db


def zipped(folder) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for f in folder.rglob("*"):
            if f.is_file():
                zf.write(f, f.relative_to(folder))
    return buffer.getvalue()


def test_organizer_edits_texts_and_phase_dates(client):
    w = build_world()
    client.force_login(w.users["organizer"])
    form = {
        "title": "Renamed", "description": "# Welcome\n<script>alert(1)</script>", "terms": "Be kind.",
        "phases-TOTAL_FORMS": "1", "phases-INITIAL_FORMS": "1", "phases-0-id": str(w.phase.pk),
        "phases-0-title": "Final test", "phases-0-opens_at": "2027-01-01 00:00", "phases-0-closes_at": "2026-12-01 00:00",
        "phases-0-leaderboard_visibility": "public", "phases-0-limit_per_day": "3", "phases-0-limit_total": "10",
        "phases-0-limit_concurrent": "1",
    }
    page = client.post(f"/challenges/{w.challenge.slug}/edit/", form)
    assert page.status_code == 200 and "the phase must close after it opens" in page.content.decode()
    form["phases-0-closes_at"] = "2027-02-01 00:00"
    assert client.post(f"/challenges/{w.challenge.slug}/edit/", form).status_code == 302
    w.phase.refresh_from_db()
    assert (w.phase.title, w.phase.limit_per_day, w.phase.closes_at.month) == ("Final test", 3, 2)
    html = client.get(f"/challenges/{w.challenge.slug}/").content.decode()
    assert "<h1>Welcome</h1>" in html and "<script>alert(1)</script>" not in html


def test_bundle_import_by_web_form(client, tmp_path, django_user_model):
    staff = django_user_model.objects.create_user("admin", is_staff=True)
    client.force_login(staff)
    bundle = build_bundle(tmp_path / "b")
    (bundle / "challenge.yaml").write_text((bundle / "challenge.yaml").read_text().replace("task: binary", "task: binry"))
    page = client.post("/challenges/new/", {"bundle": io.BytesIO(zipped(bundle))})
    assert page.status_code == 400 and "phases[0].task: unknown task type &#x27;binry&#x27;" in page.content.decode()
    (bundle / "challenge.yaml").write_text((bundle / "challenge.yaml").read_text().replace("task: binry", "task: binary"))
    upload = io.BytesIO(zipped(bundle))
    upload.name = "bundle.zip"
    resp = client.post("/challenges/new/", {"bundle": upload})
    assert resp.status_code == 302
    challenge = Challenge.objects.get(slug="breast-cancer")
    assert list(challenge.organizers.all()) == [staff] and challenge.phases.get().cases.count() == 200
