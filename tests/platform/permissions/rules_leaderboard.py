from tests.platform.permissions.rules import FORBIDDEN, NOT_FOUND, OK, Rule, everyone

ORGANIZERS_ONLY = {"organizer": OK, "staff": OK}
HIDDEN = {"organizer": OK, "staff": OK}

RULES = [
    Rule("phase-leaderboard", "GET", lambda w: f"/api/phases/{w.phase.pk}/leaderboard/", everyone(OK)),
    Rule("phase-leaderboard", "GET", lambda w: f"/api/phases/{w.hidden_phase.pk}/leaderboard/", HIDDEN,
         others=FORBIDDEN, note="(hidden phase)"),
    Rule("phase-leaderboard", "GET", lambda w: f"/api/phases/{w.phase.pk}/leaderboard/?subset=private",
         ORGANIZERS_ONLY, others=FORBIDDEN, note="(private subset while the phase runs)"),
    Rule("phase-leaderboard-csv", "GET", lambda w: f"/api/phases/{w.phase.pk}/leaderboard.csv", everyone(OK)),
    Rule("phase-leaderboard-csv", "GET", lambda w: f"/api/phases/{w.hidden_phase.pk}/leaderboard.csv", HIDDEN,
         others=FORBIDDEN, note="(hidden phase)"),
    Rule("phase-leaderboard-statistics", "GET", lambda w: f"/api/phases/{w.phase.pk}/leaderboard/statistics/", everyone(OK)),
    Rule("phase-leaderboard-statistics", "GET", lambda w: f"/api/phases/{w.hidden_phase.pk}/leaderboard/statistics/",
         HIDDEN, others=FORBIDDEN, note="(hidden phase)"),
    Rule("phase-leaderboard-csv", "GET", lambda w: f"/api/phases/{w.phase.pk}/leaderboard.csv?subset=private",
         ORGANIZERS_ONLY, others=FORBIDDEN, note="(private subset while the phase runs)"),
    Rule("phase-leaderboard-statistics", "GET", lambda w: f"/api/phases/{w.phase.pk}/leaderboard/statistics/?subset=private",
         ORGANIZERS_ONLY, others=FORBIDDEN, note="(private subset while the phase runs)"),
    Rule("leaderboard-page", "GET", lambda w: f"/challenges/{w.challenge.slug}/{w.phase.slug}/leaderboard/?subset=private",
         ORGANIZERS_ONLY, others=FORBIDDEN, note="(private subset while the phase runs)"),
    # organizers only; the world's entries have no stored predictions, so there is nothing to report
    Rule("phase-leaderboard-report", "GET", lambda w: f"/api/phases/{w.phase.pk}/leaderboard/report/",
         {"organizer": NOT_FOUND, "staff": NOT_FOUND}, others=FORBIDDEN),
    Rule("leaderboard-page", "GET", lambda w: f"/challenges/{w.challenge.slug}/{w.phase.slug}/leaderboard/", everyone(OK)),
    Rule("leaderboard-page", "GET", lambda w: f"/challenges/{w.challenge.slug}/hidden/leaderboard/", HIDDEN,
         others=FORBIDDEN, note="(hidden phase)"),
]
