"""Who someone is in a challenge. Roles: anonymous, registered user, participant (approved
registration), team member, organizer, staff. Every permission check goes through these functions."""

from __future__ import annotations

from .people import Registration, TeamMembership


def is_staff(user) -> bool:
    return bool(user and user.is_authenticated and user.is_staff)


def is_organizer(user, challenge) -> bool:
    if not (user and user.is_authenticated):
        return False
    return is_staff(user) or challenge.organizers.filter(pk=user.pk).exists()


def registration(user, challenge):
    if not (user and user.is_authenticated):
        return None
    return Registration.objects.filter(challenge=challenge, user=user).first()


def is_participant(user, challenge) -> bool:
    """An approved registration (terms accepted and, where required, approved by organizers)."""
    reg = registration(user, challenge)
    return reg is not None and reg.status == Registration.Status.APPROVED


def may_download_data(user, challenge) -> bool:
    return is_organizer(user, challenge) or is_participant(user, challenge)


def team_of(user, challenge):
    if not (user and user.is_authenticated):
        return None
    m = TeamMembership.objects.filter(challenge=challenge, user=user).select_related("team").first()
    return m.team if m else None


def can_create_challenges(user) -> bool:
    return bool(user and user.is_authenticated and (user.is_staff or user.has_perm("challenges.add_challenge")))
