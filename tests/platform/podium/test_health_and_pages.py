"""/healthz and the pages of the thin path."""

import pytest
from django.core.files.base import ContentFile

from submissions.models import Status, Submission
from tests.platform.factories import PhaseFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_healthz_reports_each_part(client):
    resp = client.get("/healthz")
    body = resp.json()
    assert set(body) == {"status", "database", "broker", "storage"}
    assert body["database"]["ok"] and body["storage"]["ok"]
    assert resp.status_code == (200 if body["broker"]["ok"] else 503)


def test_home_challenge_and_leaderboard_pages(client):
    phase = PhaseFactory(challenge__title="Kidney tumours")
    for name, auc in (("ann", 0.71), ("ben", 0.93)):
        sub = Submission(phase=phase, creator=UserFactory(username=name), status=Status.SUCCEEDED, scores={"auc": auc})
        sub.file.save("p.csv", ContentFile(b"x"), save=False)
        sub.save()
    assert "Kidney tumours" in client.get("/").content.decode()
    assert "leaderboard" in client.get(f"/challenges/{phase.challenge.slug}/").content.decode()
    page = client.get(f"/challenges/{phase.challenge.slug}/test/leaderboard/").content.decode()
    assert page.index("ben") < page.index("ann") and "0.9300" in page
    board = client.get(f"/api/phases/{phase.pk}/leaderboard/").json()
    assert [(e["rank"], e["participant"]) for e in board["entries"]] == [(1, "ben"), (2, "ann")]


def test_api_docs_are_served_without_a_cdn(client):
    page = client.get("/api/docs/").content.decode()
    assert "swagger-ui" in page and "cdn." not in page and "jsdelivr" not in page
    assert client.get("/api/schema/").status_code == 200
