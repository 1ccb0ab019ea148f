"""Registration rules, shared by the pages and the API: register after accepting the terms; organizers
approve or reject."""

from django.utils import timezone

from . import roles
from .people import Registration

DECISIONS = {"approve": Registration.Status.APPROVED, "reject": Registration.Status.REJECTED}


class RegistrationError(ValueError):
    pass


def register(user, challenge, accepted_terms: bool) -> Registration:
    """A new registration, approved at once unless the challenge requires the organizers' approval."""
    if not accepted_terms:
        raise RegistrationError("registration requires accepting the terms")
    if roles.registration(user, challenge):
        raise RegistrationError("you are already registered to this challenge")
    return Registration.objects.create(
        challenge=challenge, user=user, accepted_terms_at=timezone.now(),
        status=Registration.Status.PENDING if challenge.requires_approval else Registration.Status.APPROVED)


def decide(registration: Registration, decision, organizer) -> Registration:
    """Apply an organizer's decision, 'approve' or 'reject'."""
    if decision not in DECISIONS:
        raise RegistrationError(f"expected decision 'approve' or 'reject'; found {decision!r}")
    registration.status = DECISIONS[decision]
    registration.decided_by = organizer
    registration.save()
    return registration
