"""Which submissions a leaderboard counts: one entry per team (or solo participant), plus baselines."""

from __future__ import annotations

from challenges.models import Phase
from submissions.models import Status


def _owner(sub) -> tuple:
    return ("team", sub.team_id) if sub.team_id else ("user", sub.creator_id)


def select_entries(phase: Phase) -> tuple[list, list]:
    """(team entries, baselines). Per team: its marked final submission, else its latest succeeded one;
    with the organizers' explicit `best` choice, its best on the primary metric. Hidden and disqualified
    submissions and trial runs never count."""
    subs = (phase.submissions.filter(status=Status.SUCCEEDED, hidden_reason="", disqualified_reason="", is_trial=False)
            .select_related("creator", "team").order_by("created_at", "pk"))
    baselines = [s for s in subs if s.is_baseline]
    chosen: dict[tuple, object] = {}
    if phase.entry_selection == Phase.EntrySelection.BEST:
        primary = phase.task.metric(phase.primary_metric)
        sign = 1 if primary.higher_is_better else -1
        # Judged on the public cases only: choosing by all cases would pick on the private ones too.
        for s in subs:
            if s.is_baseline or s.public_scores.get(primary.name) is None:
                continue
            best = chosen.get(_owner(s))
            if best is None or sign * s.public_scores[primary.name] > sign * best.public_scores[primary.name]:
                chosen[_owner(s)] = s
    else:
        for s in subs:  # later ones replace earlier ones; a final one is never replaced
            if s.is_baseline:
                continue
            current = chosen.get(_owner(s))
            if current is None or not current.is_final or s.is_final:
                chosen[_owner(s)] = s
    return list(chosen.values()), baselines


def entry_names(subs) -> dict[str, object]:
    """Unique display names: the team's name, else the participant's; baselines are prefixed."""
    names: dict[str, object] = {}
    for s in subs:
        base = s.team.name if s.team_id else s.creator.username
        name = f"baseline: {s.method_description[:40] or base}" if s.is_baseline else base
        if name in names:
            name = f"{name} (#{s.pk})"
        names[name] = s
    return names
