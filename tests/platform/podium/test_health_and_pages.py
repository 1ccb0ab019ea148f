"""/healthz and the pages of the thin path."""

import pytest

from tests.platform.factories import PhaseFactory

pytestmark = pytest.mark.django_db


def test_healthz_reports_each_part(client):
    resp = client.get("/healthz")
    body = resp.json()
    assert set(body) == {"status", "database", "broker", "storage"}
    assert body["database"]["ok"] and body["storage"]["ok"]
    assert resp.status_code == (200 if body["broker"]["ok"] else 503)


def test_home_and_challenge_pages(client):
    phase = PhaseFactory(challenge__title="Kidney tumours", challenge__description="**Bold** claim")
    assert "Kidney tumours" in client.get("/").content.decode()
    page = client.get(f"/challenges/{phase.challenge.slug}/").content.decode()
    assert "<strong>Bold</strong> claim" in page and f"/challenges/{phase.challenge.slug}/test/leaderboard/" in page


def test_api_docs_are_served_without_a_cdn(client):
    page = client.get("/api/docs/").content.decode()
    assert "swagger-ui" in page and "cdn." not in page and "jsdelivr" not in page
    assert client.get("/api/schema/").status_code == 200
