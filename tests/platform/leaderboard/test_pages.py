"""Leaderboard API, CSV and page from the cached snapshot; visibility by phase settings."""

import csv
import io
import json
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from leaderboard.models import Snapshot
from leaderboard.refresh import recompute
from tests.platform.leaderboard.helpers import scored_demo_phase

pytestmark = pytest.mark.django_db


def test_api_csv_and_page_show_intervals_from_the_snapshot(tmp_path, client):
    phase, _, _, _ = scored_demo_phase(tmp_path)
    recompute(phase)
    doc = json.loads(Snapshot.objects.get(phase=phase, subset="public").document)
    api = client.get(f"/api/phases/{phase.pk}/leaderboard/").json()
    assert api == doc and len(api["rows"]) == 4
    best = api["rows"][0]
    assert best["metrics"]["auc"]["ci_low"] <= best["metrics"]["auc"]["estimate"] <= best["metrics"]["auc"]["ci_high"]
    rows = list(csv.DictReader(io.StringIO(client.get(f"/api/phases/{phase.pk}/leaderboard.csv").content.decode())))
    assert [r["entry"] for r in rows] == [r["entry"] for r in api["rows"]]
    assert float(rows[0]["auc_ci_low"]) == best["metrics"]["auc"]["ci_low"]
    page = client.get(f"/challenges/{phase.challenge.slug}/test/leaderboard/").content.decode()
    assert f"{best['metrics']['auc']['estimate']:.3f}" in page and "/static/plotly/plotly.min.js" in page
    assert 'data-figure="forest_auc"' in page and 'data-figure="roc"' not in page  # no ROC while the phase runs
    assert client.get("/static/plotly/plotly.min.js").status_code == 200


def test_private_leaderboard_is_revealed_when_the_phase_ends(tmp_path, client):
    phase, _, _, _ = scored_demo_phase(tmp_path, metrics=("auc",))
    recompute(phase)
    url = f"/api/phases/{phase.pk}/leaderboard/"
    assert client.get(url + "?subset=private").status_code == 403
    phase.closes_at = timezone.now() - timedelta(minutes=1)
    phase.save()
    recompute(phase)
    private = client.get(url).json()
    assert private["subset"] == "private" and private["n_cases"] == 100
    page = client.get(f"/challenges/{phase.challenge.slug}/test/leaderboard/").content.decode()
    assert 'data-figure="roc"' in page


def test_private_until_end_hides_everything_before_the_end(tmp_path, client):
    phase, _, _, _ = scored_demo_phase(tmp_path, metrics=("auc",))
    phase.leaderboard_visibility = "private_until_end"
    phase.save()
    recompute(phase)
    assert client.get(f"/api/phases/{phase.pk}/leaderboard/").status_code == 403
    assert client.get(f"/challenges/{phase.challenge.slug}/test/leaderboard/").status_code == 403


def test_a_warm_api_read_makes_no_database_query(tmp_path, client, settings, django_assert_num_queries):
    phase, _, _, _ = scored_demo_phase(tmp_path, metrics=("auc",))
    recompute(phase)
    settings.PODIUM_HOT_CACHE_SECONDS = 60
    first = client.get(f"/api/phases/{phase.pk}/leaderboard/").json()
    with django_assert_num_queries(0):
        again = client.get(f"/api/phases/{phase.pk}/leaderboard/").json()
    assert again == first and len(first["rows"]) == 4


def test_organizers_download_a_self_contained_report(tmp_path, client, django_user_model):
    phase, _, _, subs = scored_demo_phase(tmp_path, metrics=("auc",))
    organizer = django_user_model.objects.create_user("org")
    phase.challenge.organizers.add(organizer)
    url = f"/api/phases/{phase.pk}/leaderboard/report/?subset=public"
    client.force_login(subs["alice"].creator)
    assert client.get(url).status_code == 403
    client.force_login(organizer)
    resp = client.get(url)
    html = resp.content.decode()
    assert resp.status_code == 200 and resp["Content-Disposition"].endswith('-public-report.html"')
    assert not re.search(r"<script[^>]+src=[\"']?https?://", html)  # nothing loaded from elsewhere
    assert "Plotly.newPlot" in html and len(html) > 1_000_000  # plotly.js is inside the file
    assert all(name in html for name in ("alice", "bob", "carol", "dave"))
