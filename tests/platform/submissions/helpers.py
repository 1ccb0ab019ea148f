"""Helpers for submission tests: approved participants, teams, stored submissions."""

from django.core.files.base import ContentFile
from django.utils import timezone
from rest_framework.test import APIClient

from challenges.models import Registration, Team, TeamMembership
from submissions.models import Status, Submission
from tests.platform.factories import UserFactory

GOOD_CSV = b"case_id,score\nc1,0.9\nc2,0.8\nc3,0.7\nc4,0.1\nc5,0.4\nc6,0.5\n"


def participant(challenge, status=Registration.Status.APPROVED, user=None):
    user = user or UserFactory()
    Registration.objects.create(challenge=challenge, user=user, status=status, accepted_terms_at=timezone.now())
    return user


def team_with(challenge, *users, name="team"):
    team = Team.objects.create(challenge=challenge, name=name, created_by=users[0])
    for u in users:
        TeamMembership.objects.create(team=team, challenge=challenge, user=u)
    return team


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def stored(phase, user, team=None, status=Status.SUCCEEDED, content=GOOD_CSV, **fields) -> Submission:
    sub = Submission(phase=phase, creator=user, team=team, status=status, **fields)
    sub.file.save("p.csv", ContentFile(content), save=False)
    sub.save()
    return sub
