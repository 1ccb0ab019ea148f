"""Submissions and their job state machine.

pending -> validating -> queued -> running -> scoring -> succeeded | failed | cancelled.
The database is the authority on a job's state; a running job records its worker and a heartbeat.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from challenges.models import Phase, private_storage


class Status(models.TextChoices):
    PENDING = "pending"
    VALIDATING = "validating"
    QUEUED = "queued"
    RUNNING = "running"
    SCORING = "scoring"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"


TERMINAL = {Status.SUCCEEDED, Status.FAILED, Status.CANCELLED}
TRANSITIONS = {
    Status.PENDING: {Status.VALIDATING, Status.CANCELLED, Status.FAILED},
    Status.VALIDATING: {Status.QUEUED, Status.FAILED, Status.CANCELLED},
    Status.QUEUED: {Status.RUNNING, Status.FAILED, Status.CANCELLED},
    # running -> queued: the watchdog re-queues a job whose worker stopped heartbeating.
    Status.RUNNING: {Status.SCORING, Status.QUEUED, Status.FAILED, Status.CANCELLED},
    Status.SCORING: {Status.SUCCEEDED, Status.QUEUED, Status.FAILED, Status.CANCELLED},
}


class IllegalTransition(RuntimeError):
    pass


def upload_path(instance, filename):
    return f"submissions/phase-{instance.phase_id}/{timezone.now():%Y%m%d-%H%M%S}-{filename}"


class FailureCause(models.TextChoices):
    NONE = "", "none"
    PARTICIPANT = "participant", "the submission"  # counts against the team's limits
    PLATFORM = "platform", "the platform"  # never counts against the team's limits


class SubmissionQuerySet(models.QuerySet):
    def counting(self):
        """Submissions that count against limits: not cancelled, not failed through the platform's fault."""
        return self.exclude(status=Status.CANCELLED).exclude(status=Status.FAILED, failure_cause=FailureCause.PLATFORM)

    def unfinished(self):
        return self.exclude(status__in=TERMINAL)

    def of_entrant(self, team, user):
        """A team's submissions, or a solo participant's own (those made without a team)."""
        return self.filter(team=team) if team is not None else self.filter(team__isnull=True, creator=user)


class Submission(models.Model):
    class Kind(models.TextChoices):
        PREDICTIONS = "predictions", "prediction file"
        CONTAINER = "container", "container image"

    phase = models.ForeignKey(Phase, related_name="submissions", on_delete=models.CASCADE)
    creator = models.ForeignKey(settings.AUTH_USER_MODEL, related_name="submissions", on_delete=models.PROTECT)
    team = models.ForeignKey("challenges.Team", related_name="submissions", null=True, blank=True, on_delete=models.PROTECT)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.PREDICTIONS)
    file = models.FileField(storage=private_storage, upload_to=upload_path)
    method_description = models.TextField(blank=True)
    code_url = models.URLField(blank=True)
    paper_url = models.URLField(blank=True)
    is_baseline = models.BooleanField(default=False)
    is_trial = models.BooleanField(default=False, help_text="a container's trial run on the phase's public sample cases: "
                                   "not scored, never on the leaderboard; the team sees its log")
    is_final = models.BooleanField(default=False, help_text="the team's chosen entry for the leaderboard")
    hidden_reason = models.TextField(blank=True, help_text="set by organizers: hidden from the leaderboard")
    disqualified_reason = models.TextField(blank=True, help_text="set by organizers: disqualified")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True)
    error_message = models.TextField(blank=True)
    failure_cause = models.CharField(max_length=12, choices=FailureCause.choices, default=FailureCause.NONE, blank=True)
    deadline_at = models.DateTimeField(null=True, blank=True, help_text="a job still unfinished then is failed")
    # Per-case metric values and counts (segmentation), an .npz written by the scoring task.
    per_case = models.FileField(storage=private_storage, upload_to="per-case/", blank=True)
    # Predictions aligned to the phase's case order (float64 .npy), written by the scoring task.
    predictions = models.FileField(storage=private_storage, upload_to="predictions/", blank=True)
    scores = models.JSONField(default=dict, blank=True)
    # The same metrics on the phase's public cases only: what participants see while the phase runs (scores on
    # all cases would reveal how an entry does on the private leaderboard's cases).
    public_scores = models.JSONField(default=dict, blank=True)
    # Container runs: the algorithm's outputs (predictions.csv, or a zip of label maps), scored like an
    # upload; and the tail of its log (hidden cases: organizers only; trial runs: the team too).
    output_file = models.FileField(storage=private_storage, upload_to="container-outputs/", blank=True)
    run_log = models.TextField(blank=True, help_text="log tail of the container run")
    run_reason = models.CharField(max_length=32, blank=True, help_text="why the container run ended (executors.Reason)")
    scores_updated_at = models.DateTimeField(null=True, blank=True, help_text="when the scores were last computed")
    worker = models.CharField(max_length=200, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    queued_at = models.DateTimeField(null=True, blank=True, help_text="when the scoring message was last sent")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["phase", "team", "created_at"]), models.Index(fields=["status", "heartbeat_at"])]

    def __str__(self):
        return f"submission {self.pk} ({self.status})"

    @property
    def counts_against_limits(self) -> bool:
        """Cancelled jobs and failures caused by the platform never consume a team's quota."""
        if self.status == Status.CANCELLED:
            return False
        return not (self.status == Status.FAILED and self.failure_cause == FailureCause.PLATFORM)

    def move_to(self, status: str, **fields) -> None:
        """Change state (caller holds the row lock and saves); refuses transitions the machine lacks."""
        if status not in TRANSITIONS.get(self.status, set()):
            raise IllegalTransition(f"submission {self.pk}: {self.status} -> {status} is not allowed")
        self.status = status
        if status in TERMINAL:
            self.finished_at = timezone.now()
        for key, value in fields.items():
            setattr(self, key, value)


class RescoreJob(models.Model):
    """Re-scoring every scored submission of a phase after its metrics or ground truth changed.

    Progress is `done` of `total`; a submission is re-scored at most once per job (its
    `scores_updated_at` is later than the job's `created_at`), so a job resumed after a lost worker
    continues where it stopped.
    """

    class State(models.TextChoices):
        QUEUED = "queued"
        RUNNING = "running"
        SUCCEEDED = "succeeded"
        FAILED = "failed"

    phase = models.ForeignKey(Phase, related_name="rescore_jobs", on_delete=models.CASCADE)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, related_name="+", on_delete=models.PROTECT)
    reason = models.TextField(blank=True, help_text="what changed (metrics, ground truth)")
    status = models.CharField(max_length=12, choices=State.choices, default=State.QUEUED, db_index=True)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True, help_text="[{submission, message}] of submissions that could not be re-scored")
    worker = models.CharField(max_length=200, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    queued_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"rescore {self.pk} of {self.phase} ({self.done}/{self.total})"

    @property
    def progress(self) -> float:
        return 1.0 if self.total == 0 else (self.done + self.failed) / self.total
