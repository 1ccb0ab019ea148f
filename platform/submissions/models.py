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
    worker = models.CharField(max_length=200, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"submission {self.pk} ({self.status})"

    def move_to(self, status: str, **fields) -> None:
        """Change state (caller holds the row lock and saves); refuses transitions the machine lacks."""
        if status not in TRANSITIONS.get(self.status, set()):
            raise IllegalTransition(f"submission {self.pk}: {self.status} -> {status} is not allowed")
        self.status = status
        if status in TERMINAL:
            self.finished_at = timezone.now()
        for key, value in fields.items():
            setattr(self, key, value)
