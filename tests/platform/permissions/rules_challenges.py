"""Challenge, phase, people and data endpoints and pages for every role (see world.py for the roles)."""

from tests.platform.permissions.rules import BAD, CREATED, FORBIDDEN, FOUND, OK, UNAUTH, Rule, everyone

PARTICIPANTS = ("participant", "team_member", "other_team_member")
ORGANIZERS = ("organizer", "staff")


def only(roles, yes, no=FORBIDDEN, anonymous=UNAUTH):
    out = {r: (yes if r in roles else no) for r in ("registered", "pending", *PARTICIPANTS, *ORGANIZERS)}
    out["anonymous"] = anonymous
    return out


def page_only(roles, yes=OK):
    return only(roles, yes, no=FORBIDDEN, anonymous=FOUND)  # anonymous: redirect to the log-in page


RULES = [
    # pages
    Rule("home", "GET", lambda w: "/", everyone(OK)),
    Rule("challenge-detail", "GET", lambda w: f"/challenges/{w.challenge.slug}/", everyone(OK)),
    Rule("challenge-terms", "GET", lambda w: f"/challenges/{w.challenge.slug}/terms/", everyone(OK)),
    Rule("challenge-terms", "POST", lambda w: f"/challenges/{w.challenge.slug}/terms/", everyone(FOUND),
         data=lambda w: {"accept_terms": "on"}, format="multipart", note="(register)"),
    Rule("challenge-data", "GET", lambda w: f"/challenges/{w.challenge.slug}/data/", page_only(PARTICIPANTS + ORGANIZERS)),
    Rule("challenge-edit", "GET", lambda w: f"/challenges/{w.challenge.slug}/edit/", page_only(ORGANIZERS)),
    Rule("challenge-registrations", "GET", lambda w: f"/challenges/{w.challenge.slug}/registrations/", page_only(ORGANIZERS)),
    Rule("challenge-edit", "POST", lambda w: f"/challenges/{w.challenge.slug}/edit/", page_only(ORGANIZERS, OK),
         data=lambda w: {"title": ""}, format="multipart", note="(invalid form: shown again)"),
    Rule("challenge-registrations", "POST", lambda w: f"/challenges/{w.challenge.slug}/registrations/",
         page_only(ORGANIZERS, FOUND), data=lambda w: {"registration": w.pending_registration.pk, "decision": "approve"},
         format="multipart"),
    Rule("team-list", "POST", lambda w: f"/challenges/{w.challenge.slug}/teams/", {"anonymous": FOUND, "participant": FOUND},
         others=OK, data=lambda w: {"name": "newcomers"}, format="multipart", note="(create a team)"),
    Rule("team-page", "POST", lambda w: f"/teams/{w.team_a.pk}/", {"anonymous": FOUND}, others=FOUND,
         data=lambda w: {"username": "participant"}, format="multipart", note="(invite: members only, others get a message)"),
    Rule("challenge-new", "GET", lambda w: "/challenges/new/", page_only(("staff",))),
    Rule("team-list", "GET", lambda w: f"/challenges/{w.challenge.slug}/teams/", everyone(OK)),
    Rule("team-page", "GET", lambda w: f"/teams/{w.team_a.pk}/", everyone(OK)),
    Rule("invitation-answer", "POST", lambda w: f"/invitations/{w.invitation.pk}/answer/",
         {"anonymous": FOUND, "participant": FOUND}, others=404, data=lambda w: {"accept": "no"}, format="multipart"),
    Rule("signup", "GET", lambda w: "/accounts/signup/", everyone(OK)),
    Rule("login", "GET", lambda w: "/accounts/login/", everyone(OK)),
    Rule("logout", "POST", lambda w: "/accounts/logout/", everyone(FOUND)),
    Rule("account", "GET", lambda w: "/accounts/", {"anonymous": FOUND}, others=OK),
    Rule("api-token", "POST", lambda w: "/api/auth/token/", everyone(OK),
         data=lambda w: {"username": "participant", "password": "participant-password"}),
    # API
    Rule("api-challenges", "GET", lambda w: "/api/challenges/", everyone(OK)),
    Rule("api-challenge", "GET", lambda w: f"/api/challenges/{w.challenge.slug}/", everyone(OK)),
    Rule("api-challenge-import", "POST", lambda w: "/api/challenges/import/", only(("staff",), BAD), note="(no bundle)"),
    Rule("api-challenge-export", "GET", lambda w: f"/api/challenges/{w.challenge.slug}/export/", only(ORGANIZERS, OK)),
    Rule("api-phases", "GET", lambda w: f"/api/challenges/{w.challenge.slug}/phases/", everyone(OK)),
    Rule("api-phase", "GET", lambda w: f"/api/phases/{w.phase.pk}/", everyone(OK)),
    Rule("api-phase-ground-truth", "GET", lambda w: f"/api/phases/{w.phase.pk}/ground-truth/", only(ORGANIZERS, OK)),
    Rule("api-registration", "GET", lambda w: f"/api/challenges/{w.challenge.slug}/registration/", {"anonymous": UNAUTH}, others=OK),
    Rule("api-registration", "POST", lambda w: f"/api/challenges/{w.challenge.slug}/registration/",
         {"anonymous": UNAUTH, "registered": CREATED, "organizer": CREATED, "staff": CREATED}, others=BAD,
         data=lambda w: {"accept_terms": True}),
    Rule("api-registrations", "GET", lambda w: f"/api/challenges/{w.challenge.slug}/registrations/", only(ORGANIZERS, OK)),
    Rule("api-registration-decision", "POST", lambda w: f"/api/registrations/{w.pending_registration.pk}/decision/",
         only(ORGANIZERS, OK), data=lambda w: {"decision": "approve"}),
    Rule("api-data", "GET", lambda w: f"/api/challenges/{w.challenge.slug}/data/", only(PARTICIPANTS + ORGANIZERS, OK)),
    Rule("api-data-download", "GET", lambda w: f"/api/data/{w.data_file.pk}/download/", only(PARTICIPANTS + ORGANIZERS, OK)),
    Rule("api-data-download", "GET", lambda w: f"/api/data/{w.hidden_data_file.pk}/download/", only(ORGANIZERS, OK),
         note="(hidden inputs of a container phase)"),
    Rule("api-teams", "GET", lambda w: f"/api/challenges/{w.challenge.slug}/teams/", everyone(OK)),
    Rule("api-teams", "POST", lambda w: f"/api/challenges/{w.challenge.slug}/teams/",
         {**only(PARTICIPANTS, CREATED), "team_member": BAD, "other_team_member": BAD},
         data=lambda w: {"name": "new team"}),
    Rule("api-team", "GET", lambda w: f"/api/teams/{w.team_a.pk}/", everyone(OK)),
    Rule("api-team-invitations", "POST", lambda w: f"/api/teams/{w.team_a.pk}/invitations/",
         {**only(("team_member",), CREATED)}, data=lambda w: {"username": "participant"}),
    Rule("api-team-leave", "POST", lambda w: f"/api/teams/{w.team_a.pk}/leave/", only(("team_member",), OK)),
    Rule("api-invitation-response", "POST", lambda w: f"/api/invitations/{w.invitation.pk}/response/",
         only(("participant",), OK), data=lambda w: {"accept": True}),
]
