"""Every endpoint and page, for every role: the allowed and refused answers.

`test_every_url_is_in_the_matrix` fails for any URL name that no rule covers, so an endpoint added
later fails the matrix until it is listed in a `rules_<app>.py` module.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.test import APIClient

from tests.platform.permissions import rules_challenges, rules_leaderboard, rules_podium, rules_submissions
from tests.platform.permissions.world import ROLES, build_world

ALL_RULES = rules_podium.RULES + rules_challenges.RULES + rules_submissions.RULES + rules_leaderboard.RULES
# Django's admin has its own staff-only permission system; one rule covers its entry point.
EXEMPT_NAMESPACES = {"admin"}


def url_names(resolver=None, namespace=None):
    resolver = resolver or get_resolver()
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            if p.namespace in EXEMPT_NAMESPACES:
                continue
            yield from url_names(p, p.namespace or namespace)
        elif isinstance(p, URLPattern):
            yield f"{namespace}:{p.name}" if namespace else p.name


def test_every_url_is_in_the_matrix():
    covered = {r.url_name for r in ALL_RULES}
    unnamed_or_missing = sorted(str(n) for n in url_names() if n not in covered)
    assert unnamed_or_missing == [], f"URLs without a permission rule: {unnamed_or_missing}"


def test_every_rule_names_every_role():
    for rule in ALL_RULES:
        missing = [r for r in ROLES if rule.expected(r) is None]
        assert not missing, f"{rule.id}: no expected answer for {missing}"


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda r: r.id)
def test_permission(rule, role):
    world = build_world()
    client = APIClient()
    if world.users[role] is not None:
        client.force_login(world.users[role])
    data = rule.data(world) if rule.data else None
    resp = client.generic(rule.method, rule.path(world)) if data is None and rule.method == "GET" else \
        getattr(client, rule.method.lower())(rule.path(world), data, format=rule.format)
    expected = rule.expected(role)
    allowed = expected if isinstance(expected, tuple) else (expected,)
    body = resp.content[:300] if resp.get("Content-Type", "").startswith(("application/json", "text/plain")) else b""
    assert resp.status_code in allowed, f"{rule.id} as {role}: expected {expected}, got {resp.status_code} {body!r}"
