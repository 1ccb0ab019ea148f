"""Who may submit to a phase now, and the team's limits (per UTC day, in total, at once).

An entrant is a team, or a participant without a team; a person's usage is never below the count of
their own submissions in the phase (in any team), so leaving or changing teams resets nothing.
Submissions that were cancelled or that failed through the platform's fault never count
(`SubmissionQuerySet.counting`). A refusal says why and, where there is one, when the entrant can
submit again (ISO time and seconds).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from django.utils import timezone

from challenges import roles
from challenges.models import Phase

from .models import Submission


@dataclass(frozen=True)
class Refusal:
    """Why a submission is refused: HTTP status, stable code, message; retry_at when it can be retried."""

    status: int
    code: str
    message: str
    retry_at: datetime | None = None
    now: datetime | None = None
    extra: dict | None = None

    def to_dict(self) -> dict:
        body = {"detail": self.message, "code": self.code, **(self.extra or {})}
        if self.retry_at is not None:
            body["retry_at"] = self.retry_at.isoformat()
            body["retry_after_s"] = max(0, int((self.retry_at - self.now).total_seconds() + 0.999))
        return body


def _iso(dt) -> str | None:
    return dt.isoformat() if dt else None


def next_utc_midnight(now: datetime) -> datetime:
    day = now.astimezone(UTC).date() + timedelta(days=1)
    return datetime.combine(day, time.min, tzinfo=UTC)


def check_permission(user, phase: Phase, now=None, baseline: bool = False, kind: str = "predictions") -> Refusal | None:
    """Role, kind and dates: approved participants while the phase is open; organizers at any time.

    kind: "predictions" or "container"; a phase takes the kinds its `submission_kinds` names."""
    now = now or timezone.now()
    challenge = phase.challenge
    organizer = roles.is_organizer(user, challenge)
    if baseline and not organizer:
        return Refusal(403, "baseline_not_allowed", "only organizers of this challenge may submit baselines")
    if kind == "container" and phase.submission_kinds not in (Phase.SubmissionKinds.CONTAINER, Phase.SubmissionKinds.BOTH):
        return Refusal(400, "kind_not_accepted", f"phase {phase.title} accepts prediction files only, not container images")
    if organizer:
        return None
    if not roles.is_participant(user, challenge):
        reg = roles.registration(user, challenge)
        why = "your registration awaits the organizers' approval" if reg and reg.status == reg.Status.PENDING else \
            "your registration was not approved" if reg else "register for the challenge and accept its terms first"
        return Refusal(403, "not_participant", f"only approved participants of {challenge.title} may submit: {why}")
    if kind != "container" and phase.submission_kinds == Phase.SubmissionKinds.CONTAINER:
        return Refusal(400, "kind_not_accepted", f"phase {phase.title} accepts container images only, not prediction files")
    if phase.opens_at and now < phase.opens_at:
        return Refusal(403, "phase_not_open", f"phase {phase.title} opens at {phase.opens_at.isoformat()}",
                       retry_at=phase.opens_at, now=now, extra={"opens_at": _iso(phase.opens_at), "closes_at": _iso(phase.closes_at)})
    if phase.closes_at and now >= phase.closes_at:
        return Refusal(403, "phase_closed", f"phase {phase.title} closed at {phase.closes_at.isoformat()}",
                       extra={"opens_at": _iso(phase.opens_at), "closes_at": _iso(phase.closes_at)})
    return None


def check_limits(phase: Phase, team, user, now=None) -> Refusal | None:
    """The entrant's limits for `phase` (0 means no limit). Call under the entrant's lock (`lock_entrant`).

    A person's usage is the larger of their team's (or, solo, their own teamless submissions') and all
    the submissions they made themselves in the phase, in any team: leaving a team (or moving to another)
    does not give them a fresh quota."""
    now = now or timezone.now()
    entrant = Submission.objects.filter(phase=phase, is_baseline=False, is_trial=False)
    own = entrant.filter(creator=user)
    entrant = entrant.of_entrant(team, user)

    def who(team_count: int, own_count: int) -> str:
        return f"team {team.name}" if team and team_count >= own_count else "you"

    if phase.limit_concurrent:
        team_running = list(entrant.unfinished().values_list("pk", flat=True))
        own_running = list(own.unfinished().values_list("pk", flat=True))
        running = team_running if len(team_running) >= len(own_running) else own_running
        if len(running) >= phase.limit_concurrent:
            by = who(len(team_running), len(own_running))
            return Refusal(429, "concurrent_limit", f"{by} already {'have' if by == 'you' else 'has'} {len(running)} unfinished "
                           f"submission(s) (ids {', '.join(map(str, running))}); the limit is {phase.limit_concurrent} at once: "
                           "submit again when one has finished", extra={"limit": phase.limit_concurrent, "unfinished": running})
    if phase.limit_total:
        by_team, by_you = entrant.counting().count(), own.counting().count()
        total = max(by_team, by_you)
        if total >= phase.limit_total:
            return Refusal(403, "total_limit", f"{who(by_team, by_you)} used all {phase.limit_total} submissions of this phase",
                           extra={"limit": phase.limit_total, "used": total})
    if phase.limit_per_day:
        midnight = next_utc_midnight(now)
        day = {"created_at__gte": midnight - timedelta(days=1), "created_at__lt": midnight}
        by_team, by_you = entrant.counting().filter(**day).count(), own.counting().filter(**day).count()
        today = max(by_team, by_you)
        if today >= phase.limit_per_day:
            who_today = who(by_team, by_you)
            return Refusal(429, "daily_limit", f"{who_today} made {today} submission(s) today (UTC), the daily limit of this phase; "
                           f"submit again from {midnight.isoformat()}", retry_at=midnight, now=now,
                           extra={"limit": phase.limit_per_day, "used": today})
    return None


def check_trial_limits(phase: Phase, team, user, now=None) -> Refusal | None:
    """Trial runs have their own small limits, apart from the phase's: one unfinished at a time and
    `task_options.container.trial_runs_per_day` (default 3) per UTC day; platform failures never count."""
    from .container_runs import NoTrialInputs, options, trial_case_ids, trial_inputs_data_file

    now = now or timezone.now()
    who = f"team {team.name}" if team else "you"
    if not trial_case_ids(phase):
        return Refusal(400, "no_trial_cases", f"phase {phase.title} has no public sample cases for trial runs")
    try:
        trial_inputs_data_file(phase)
    except NoTrialInputs:
        return Refusal(400, "no_trial_inputs", f"phase {phase.title} has no public inputs for trial runs (trial runs never "
                       "read hidden inputs); the organizers must add a public_input data file to allow them")
    trials = Submission.objects.filter(phase=phase, is_trial=True).of_entrant(team, user)
    running = list(trials.unfinished().values_list("pk", flat=True))
    if running:
        return Refusal(429, "concurrent_limit", f"{who} already {'has' if team else 'have'} an unfinished trial run "
                       f"(id {running[0]}); start another when it has finished", extra={"limit": 1, "unfinished": running})
    per_day = int(options(phase).get("trial_runs_per_day", 3))
    midnight = next_utc_midnight(now)
    today = trials.counting().filter(created_at__gte=midnight - timedelta(days=1), created_at__lt=midnight).count()
    if per_day and today >= per_day:
        return Refusal(429, "daily_limit", f"{who} made {today} trial run(s) today (UTC), the daily limit for trial runs "
                       f"of this phase; start another from {midnight.isoformat()}", retry_at=midnight, now=now,
                       extra={"limit": per_day, "used": today})
    return None


def lock_entrant(phase: Phase, team, user) -> None:
    """Serialise the limit check and the insert of one entrant (call inside a transaction): locks the
    team row, or the participant's registration row."""
    from challenges.models import Registration, Team

    if team is not None:
        Team.objects.select_for_update().filter(pk=team.pk).first()
    else:
        Registration.objects.select_for_update().filter(challenge=phase.challenge, user=user).first()
