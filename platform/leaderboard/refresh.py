"""Coalesced, incremental recomputation of leaderboards.

A new result marks the phase's leaderboard pending (one UPDATE) and, if it was not pending already,
queues one `refresh_leaderboard` task once the transaction commits; the task clears the mark when it
starts. A burst of results thus triggers one recomputation, or two when results arrive while one runs.
(No countdown: ETA messages sit unexecuted in a late-acking solo worker.) The computation runs outside any
transaction and never locks submissions; it ends with one upsert of each snapshot, so pages keep
answering from the previous snapshot meanwhile.
"""

from __future__ import annotations

import json
import logging
from datetime import timedelta

from celery import shared_task
from django.db import transaction
from django.db.models import Q
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone

from challenges.models import Phase
from submissions.models import Status, Submission

from .compute import build
from .models import LeaderboardState, Snapshot, Subset

log = logging.getLogger(__name__)
STALE_PENDING_S = 300  # a recomputation takes seconds; a mark this old lost its message


def request_refresh(phase_id: int) -> bool:
    """Mark the leaderboard pending; queue a recomputation unless one is already pending."""
    LeaderboardState.objects.get_or_create(phase_id=phase_id)
    now = timezone.now()
    # Pending for long means the message was lost (a broker down at commit): claim the mark again.
    stale = Q(pending=True, requested_at__lt=now - timedelta(seconds=STALE_PENDING_S))
    marked = LeaderboardState.objects.filter(Q(phase_id=phase_id) & (Q(pending=False) | stale)).update(pending=True, requested_at=now)
    if marked:
        transaction.on_commit(
            lambda: refresh_leaderboard.apply_async((phase_id,), queue="scoring"),
            robust=True)
    return bool(marked)


@receiver(post_save, sender=Phase)
def _phase_saved(sender, instance, created=False, **kwargs):
    """Metrics, dates, visibility or publication changed: the stored documents must follow."""
    if not created:
        request_refresh(instance.pk)


@receiver(post_save, sender=Submission)
def _submission_saved(sender, instance, update_fields=None, **kwargs):
    relevant = {"status", "is_final", "hidden_reason", "disqualified_reason", "scores"}
    if instance.is_trial or update_fields is not None and not relevant & set(update_fields):
        return  # trial runs never reach a leaderboard; heartbeats and the like change nothing on it
    if instance.status == Status.SUCCEEDED or instance.hidden_reason or instance.disqualified_reason:
        request_refresh(instance.phase_id)


def recompute(phase: Phase) -> list[Snapshot]:
    """Compute and store both subsets' snapshots now (also used by tests and benchmarks)."""
    saved = []
    for subset in (Subset.PUBLIC, Subset.PRIVATE):
        built = build(phase, subset)
        if built is None:
            Snapshot.objects.filter(phase=phase, subset=subset).delete()
            continue
        snapshot, _ = Snapshot.objects.update_or_create(phase=phase, subset=subset, defaults={
            "document": json.dumps(built["document"], allow_nan=False),
            "statistics": json.dumps(built["statistics"], allow_nan=False),
            "figures": json.dumps(built["figures"]), "organizer_figures": json.dumps(built["organizer_figures"]),
            "n_entries": built["n_entries"], "computed_at": timezone.now(), "duration_s": built["duration_s"],
        })
        saved.append(snapshot)
    return saved


@shared_task(acks_late=True, name="leaderboard.refresh_leaderboard")
def refresh_leaderboard(phase_id: int) -> str:
    LeaderboardState.objects.filter(phase_id=phase_id).update(pending=False)
    phase = Phase.objects.select_related("challenge").get(pk=phase_id)
    try:
        snapshots = recompute(phase)
    except Exception as exc:  # the previous snapshot stays; the error is shown to organizers
        log.exception("leaderboard of phase %s failed", phase_id)
        LeaderboardState.objects.filter(phase_id=phase_id).update(last_error=f"{type(exc).__name__}: {exc}"[:2000])
        return "failed"
    LeaderboardState.objects.filter(phase_id=phase_id).update(computed_at=timezone.now(), last_error="")
    return f"{len(snapshots)} snapshot(s)"
