"""Team rules: one team per participant per challenge; only participants create, join or invite."""

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction

from . import roles
from .models import Invitation, Team, TeamMembership


class TeamError(ValueError):
    pass


def create_team(user, challenge, name: str) -> Team:
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise TeamError("a team name of 1 to 100 characters is required")
    if roles.team_of(user, challenge):
        raise TeamError(f"you are already in team {roles.team_of(user, challenge).name!r} of this challenge")
    try:
        with transaction.atomic():
            team = Team.objects.create(challenge=challenge, name=name, created_by=user)
            TeamMembership.objects.create(team=team, challenge=challenge, user=user)
    except IntegrityError:
        raise TeamError(f"a team named {name!r} already exists in this challenge") from None
    return team


def invite(team: Team, inviter, username: str) -> Invitation:
    invitee = get_user_model().objects.filter(username=username).first()
    if invitee is None:
        raise TeamError(f"no user named {username!r}")
    if not roles.is_participant(invitee, team.challenge):
        raise TeamError(f"{username} is not a registered participant of this challenge")
    if roles.team_of(invitee, team.challenge):
        raise TeamError(f"{username} is already in a team of this challenge")
    return Invitation.objects.create(team=team, invitee=invitee, invited_by=inviter)


def respond(invitation: Invitation, accept: bool) -> Invitation:
    if invitation.status != Invitation.Status.OPEN:
        raise TeamError(f"this invitation is already {invitation.status}")
    challenge = invitation.team.challenge
    with transaction.atomic():
        if accept:
            if roles.team_of(invitation.invitee, challenge):
                raise TeamError("you are already in a team of this challenge: leave it first")
            TeamMembership.objects.create(team=invitation.team, challenge=challenge, user=invitation.invitee)
        invitation.status = Invitation.Status.ACCEPTED if accept else Invitation.Status.DECLINED
        invitation.save()
    return invitation


def leave(user, team: Team) -> None:
    deleted, _ = TeamMembership.objects.filter(team=team, user=user).delete()
    if not deleted:
        raise TeamError("you are not a member of this team")
