"""A small world with one user per role, for the permission matrix.

Roles: anonymous, registered (signed up, not registered to the challenge), pending (terms accepted,
awaiting approval), participant (approved, no team), team_member (approved, in team A),
other_team_member (approved, in team B), organizer, staff.
"""

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.utils import timezone
from rest_framework.authtoken.models import Token

from challenges.models import DataFile, Invitation, Registration, Team, TeamMembership
from submissions.models import Status, Submission
from tests.platform.factories import PhaseFactory

ROLES = ["anonymous", "registered", "pending", "participant", "team_member", "other_team_member", "organizer", "staff"]


@dataclass
class World:
    users: dict = field(default_factory=dict)
    objects: dict = field(default_factory=dict)

    def __getattr__(self, name):
        try:
            return self.objects[name]
        except KeyError:
            raise AttributeError(name) from None


def build_world() -> World:
    User = get_user_model()
    w = World()
    phase = PhaseFactory(challenge__requires_approval=True)
    challenge = phase.challenge
    hidden = PhaseFactory(challenge=challenge, slug="hidden", leaderboard_visibility="hidden")
    w.objects.update(challenge=challenge, phase=phase, hidden_phase=hidden)
    for role in ROLES[1:]:
        w.users[role] = User.objects.create_user(role, password=f"{role}-password", is_staff=role == "staff")
        Token.objects.create(user=w.users[role])
    w.users["anonymous"] = None
    challenge.organizers.add(w.users["organizer"])
    now = timezone.now()
    for role in ("pending", "participant", "team_member", "other_team_member"):
        status = Registration.Status.PENDING if role == "pending" else Registration.Status.APPROVED
        Registration.objects.create(challenge=challenge, user=w.users[role], status=status, accepted_terms_at=now)
    for key, role in (("team_a", "team_member"), ("team_b", "other_team_member")):
        team = Team.objects.create(challenge=challenge, name=key, created_by=w.users[role])
        TeamMembership.objects.create(team=team, challenge=challenge, user=w.users[role])
        sub = Submission(phase=phase, creator=w.users[role], team=team, status=Status.SUCCEEDED, scores={"auc": 0.8})
        sub.file.save("p.csv", ContentFile(b"case_id,score\n"), save=False)
        sub.save()
        w.objects[key], w.objects[f"submission_{key}"] = team, sub
    w.objects["pending_registration"] = Registration.objects.get(user=w.users["pending"])
    w.objects["invitation"] = Invitation.objects.create(team=w.team_a, invitee=w.users["participant"], invited_by=w.users["team_member"])
    data = DataFile(challenge=challenge, kind=DataFile.Kind.TRAINING, name="train.csv")
    data.file.save("train.csv", ContentFile(b"case_id,x,label\n"), save=False)
    data.save()
    w.objects["data_file"] = data
    hidden = DataFile(challenge=challenge, phase=phase, kind=DataFile.Kind.HIDDEN_INPUT, name="hidden/inputs.csv")
    hidden.file.save("inputs.csv", ContentFile(b"case_id,x\n"), save=False)
    hidden.save()
    w.objects["hidden_data_file"] = hidden
    return w
