"""Who sees which leaderboard of a phase.

public: the public-subset leaderboard while the phase runs, the private one too once it has ended.
private_until_end: nothing before the end; both after. hidden: organizers only. Organizers see all.
"""

from challenges import roles
from challenges.models import Phase

from .models import Subset


def visible_subsets(user, phase: Phase) -> list[str]:
    if roles.is_organizer(user, phase.challenge):
        return [Subset.PUBLIC, Subset.PRIVATE]
    ended = phase.has_ended()
    mode = phase.leaderboard_visibility
    if mode == Phase.Visibility.HIDDEN:
        return []
    if mode == Phase.Visibility.PRIVATE_UNTIL_END:
        return [Subset.PUBLIC, Subset.PRIVATE] if ended else []
    return [Subset.PUBLIC, Subset.PRIVATE] if ended else [Subset.PUBLIC]


def default_subset(user, phase: Phase) -> str | None:
    subsets = visible_subsets(user, phase)
    if not subsets:
        return None
    return Subset.PRIVATE if phase.has_ended() and Subset.PRIVATE in subsets else subsets[0]
