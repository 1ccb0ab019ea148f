from tests.platform.permissions.rules import OK, Rule

RULES = [
    Rule("phase-leaderboard", "GET", lambda w: f"/api/phases/{w.phase.pk}/leaderboard/", {}, others=OK),
    Rule("leaderboard-page", "GET", lambda w: f"/challenges/{w.challenge.slug}/{w.phase.slug}/leaderboard/", {}, others=OK),
]
