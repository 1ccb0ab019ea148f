from tests.platform.permissions.rules import CREATED, FORBIDDEN, NOT_FOUND, OK, UNAUTH, Rule

RULES = [
    Rule("phase-submissions", "GET", lambda w: f"/api/phases/{w.phase.pk}/submissions/", {"anonymous": UNAUTH}, others=OK),
    Rule("phase-submissions", "POST", lambda w: f"/api/phases/{w.phase.pk}/submissions/", {"anonymous": UNAUTH},
         others=(400, CREATED, FORBIDDEN), note="(no file)"),
    Rule("submission-detail", "GET", lambda w: f"/api/submissions/{w.submission_team_a.pk}/",
         {"anonymous": UNAUTH, "team_member": OK}, others=NOT_FOUND),
]
