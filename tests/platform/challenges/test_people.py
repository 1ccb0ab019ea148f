"""Registration, approval, data access and teams through the API, as participants and organizers use them."""

import pytest
from rest_framework.test import APIClient

from challenges.models import Registration, TeamMembership
from tests.platform.permissions.world import build_world

pytestmark = pytest.mark.django_db


def client(user):
    c = APIClient()
    c.force_authenticate(user)
    return c


def test_registration_with_approval_unlocks_the_data():
    w = build_world()  # requires_approval=True
    newcomer = w.users["registered"]
    slug = w.challenge.slug
    assert client(newcomer).post(f"/api/challenges/{slug}/registration/", {"accept_terms": False}).status_code == 400
    reg = client(newcomer).post(f"/api/challenges/{slug}/registration/", {"accept_terms": True}).json()
    assert reg["status"] == "pending"
    refused = client(newcomer).get(f"/api/data/{w.data_file.pk}/download/")
    assert refused.status_code == 403 and "awaits the organizers' approval" in refused.json()["detail"]
    decided = client(w.users["organizer"]).post(f"/api/registrations/{reg['id']}/decision/", {"decision": "approve"})
    assert decided.json()["status"] == "approved"
    download = client(newcomer).get(f"/api/data/{w.data_file.pk}/download/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"case_id,x,label\n"


def test_one_team_per_participant_and_invitations():
    w = build_world()
    slug, alice, bob = w.challenge.slug, w.users["participant"], w.users["team_member"]
    # bob (team_a) invites alice; alice accepts and is then refused a second team
    inv = client(bob).post(f"/api/teams/{w.team_a.pk}/invitations/", {"username": "participant"}).json()
    assert client(alice).post(f"/api/invitations/{inv['id']}/response/", {"accept": True}).json()["status"] == "accepted"
    assert set(client(alice).get(f"/api/teams/{w.team_a.pk}/").json()["members"]) == {"participant", "team_member"}
    second = client(alice).post(f"/api/challenges/{slug}/teams/", {"name": "solo"})
    assert second.status_code == 400 and "already in team 'team_a'" in second.json()["detail"]
    # a user who is not a participant cannot be invited
    refused = client(bob).post(f"/api/teams/{w.team_a.pk}/invitations/", {"username": "registered"})
    assert refused.status_code == 400 and "not a registered participant" in refused.json()["detail"]
    assert TeamMembership.objects.filter(challenge=w.challenge, user=alice).count() == 1


def test_ground_truth_is_served_to_organizers_only():
    w = build_world()
    url = f"/api/phases/{w.phase.pk}/ground-truth/"
    assert b"".join(client(w.users["organizer"]).get(url).streaming_content).startswith(b"case_id,label\nc1,1")
    for role in ("participant", "team_member", "registered"):
        assert client(w.users[role]).get(url).status_code == 403
    assert "ground_truth" not in str(APIClient().get(f"/api/phases/{w.phase.pk}/").json())


def test_every_model_has_an_admin():
    from django.apps import apps
    from django.contrib import admin

    ours = [m for app in ("challenges", "submissions") for m in apps.get_app_config(app).get_models()]
    assert ours and [m.__name__ for m in ours if not admin.site.is_registered(m)] == []


def test_registration_page_registers_and_organizer_page_approves(client):
    w = build_world()
    client.force_login(w.users["registered"])
    resp = client.post(f"/challenges/{w.challenge.slug}/terms/", {"accept_terms": "on"})
    assert resp.status_code == 302
    reg = Registration.objects.get(user=w.users["registered"])
    assert reg.status == "pending"
    client.force_login(w.users["organizer"])
    client.post(f"/challenges/{w.challenge.slug}/registrations/", {"registration": reg.pk, "decision": "approve"})
    reg.refresh_from_db()
    assert reg.status == "approved" and reg.decided_by == w.users["organizer"]


def test_hidden_inputs_are_neither_listed_nor_served_to_participants():
    w = build_world()
    names = [f["name"] for f in client(w.users["participant"]).get(f"/api/challenges/{w.challenge.slug}/data/").json()]
    assert names == ["train.csv"]
    assert client(w.users["participant"]).get(f"/api/data/{w.hidden_data_file.pk}/download/").status_code == 403
    organizer_names = {f["name"] for f in client(w.users["organizer"]).get(f"/api/challenges/{w.challenge.slug}/data/").json()}
    assert organizer_names == {"train.csv", "hidden/inputs.csv"}
