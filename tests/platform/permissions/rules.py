"""The permission matrix: every URL of the site, for every role, with the expected answer.

Each app lists its rules in its own module (`rules_<app>.py`); `ALL_RULES` joins them. A URL name that
no rule covers makes `test_every_url_is_in_the_matrix` fail, so a new endpoint must be listed here.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from tests.platform.permissions.world import ROLES

OK, CREATED, NO_CONTENT, FOUND = 200, 201, 204, 302
BAD, UNAUTH, FORBIDDEN, NOT_FOUND, NOT_ALLOWED = 400, 401, 403, 404, 405


@dataclass
class Rule:
    """url_name: the Django URL name covered; path: world -> URL; expect: role -> status code.

    `others` gives the status for roles not named in `expect`. `data`: world -> request body.
    """

    url_name: str
    method: str
    path: Callable
    expect: dict
    others: int | None = None
    data: Callable | None = None
    format: str = "json"
    note: str = ""
    roles: list = field(default_factory=lambda: list(ROLES))

    def expected(self, role: str) -> int:
        return self.expect.get(role, self.others)

    @property
    def id(self) -> str:
        return f"{self.method} {self.url_name}{(' ' + self.note) if self.note else ''}"


def everyone(status: int) -> dict:
    return {role: status for role in ROLES}
