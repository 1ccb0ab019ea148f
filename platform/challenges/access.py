"""Permission checks shared by the API and the pages: raise the right DRF error for each role."""

from rest_framework.exceptions import NotAuthenticated, PermissionDenied

from . import roles


def require_login(user):
    if not (user and user.is_authenticated):
        raise NotAuthenticated("log in first (session or 'Authorization: Token ...')")


def require_organizer(user, challenge):
    require_login(user)
    if not roles.is_organizer(user, challenge):
        raise PermissionDenied(f"only the organizers of {challenge.slug} may do this")


def require_participant(user, challenge):
    require_login(user)
    if not roles.may_download_data(user, challenge):
        reg = roles.registration(user, challenge)
        state = "your registration awaits the organizers' approval" if reg and reg.status == "pending" else \
            "your registration was rejected" if reg else "register and accept the terms first"
        raise PermissionDenied(f"only registered participants of {challenge.slug} may do this: {state}")


def require_staff_or_creator(user):
    require_login(user)
    if not roles.can_create_challenges(user):
        raise PermissionDenied("only staff or users allowed to create challenges may import a bundle")
