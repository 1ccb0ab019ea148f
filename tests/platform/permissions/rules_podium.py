from tests.platform.permissions.rules import OK, Rule, everyone

RULES = [
    Rule("healthz", "GET", lambda w: "/healthz", {}, others=OK),
    Rule("schema", "GET", lambda w: "/api/schema/", everyone(OK)),
    Rule("api-docs", "GET", lambda w: "/api/docs/", everyone(OK)),
]
