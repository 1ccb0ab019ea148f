"""A phase's leaderboard from its scored submissions (the statistics issue adds CIs and ranks)."""

from submissions.models import Status


def counted_entries(phase):
    """Each participant's latest succeeded submission (baselines are listed too)."""
    latest = {}
    for sub in phase.submissions.filter(status=Status.SUCCEEDED).select_related("creator").order_by("created_at"):
        latest[sub.creator_id] = sub
    return list(latest.values())


def leaderboard(phase) -> dict:
    """JSON-ready leaderboard: rows sorted by the primary metric in its direction."""
    task = phase.task
    primary = task.metric(phase.primary_metric)
    entries = counted_entries(phase)
    sign = -1 if primary.higher_is_better else 1
    entries.sort(key=lambda s: (sign * s.scores[primary.name], s.created_at))
    rows, rank, previous = [], 0, None
    for i, sub in enumerate(entries, start=1):
        value = sub.scores[primary.name]
        rank = rank if value == previous else i
        previous = value
        rows.append({
            "rank": rank, "submission": sub.pk, "participant": sub.creator.username,
            "is_baseline": sub.is_baseline, "method": sub.method_description,
            "scores": sub.scores, "created_at": sub.created_at.isoformat(),
        })
    return {
        "phase": phase.pk, "challenge": phase.challenge.slug, "task": phase.task_type,
        "metrics": [{"name": m, "higher_is_better": task.metric(m).higher_is_better} for m in phase.metrics],
        "primary_metric": primary.name, "cases": len(phase.case_ids), "entries": rows,
    }
