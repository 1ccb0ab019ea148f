"""Review findings: /healthz shows details to staff only; bad form and API input gets 400 or a
message, never a 500; the phase formset never creates phases."""

import pytest
from rest_framework.test import APIClient

from challenges.models import Phase
from tests.platform.permissions.world import build_world

pytestmark = pytest.mark.django_db


def test_healthz_details_are_for_staff(client, django_user_model):
    anonymous = client.get("/healthz").json()
    assert set(anonymous["database"]) == {"ok"}
    client.force_login(django_user_model.objects.create_user("ops", is_staff=True))
    assert "vendor" in client.get("/healthz").json()["database"]


def test_bad_input_gets_answers_not_server_errors(client):
    w = build_world()
    client.force_login(w.users["organizer"])
    resp = client.post(f"/challenges/{w.challenge.slug}/registrations/", {"registration": "abc", "decision": "approve"})
    assert resp.status_code == 302
    api = APIClient()
    api.force_authenticate(w.users["registered"])
    resp = api.post(f"/api/challenges/{w.challenge.slug}/registration/", [1, 2], format="json")
    assert resp.status_code == 400 and "accept_terms" in resp.json()["detail"]
    before = Phase.objects.count()
    form = {"title": "T", "description": "", "terms": "", "phases-TOTAL_FORMS": "3", "phases-INITIAL_FORMS": "2",
            "phases-0-id": str(w.phase.pk), "phases-0-title": "A", "phases-0-leaderboard_visibility": "public",
            "phases-0-limit_per_day": "1", "phases-0-limit_total": "1", "phases-0-limit_concurrent": "1",
            "phases-1-id": str(w.hidden_phase.pk), "phases-1-title": "B", "phases-1-leaderboard_visibility": "hidden",
            "phases-1-limit_per_day": "1", "phases-1-limit_total": "1", "phases-1-limit_concurrent": "1",
            "phases-2-title": "injected", "phases-2-leaderboard_visibility": "public", "phases-2-limit_per_day": "1",
            "phases-2-limit_total": "1", "phases-2-limit_concurrent": "1"}
    resp = client.post(f"/challenges/{w.challenge.slug}/edit/", form)
    assert resp.status_code in (200, 302) and Phase.objects.count() == before
