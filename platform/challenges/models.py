"""Challenges, their phases, cases and data files. People (registrations, teams) are in `people.py`."""

from functools import cached_property

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.utils import timezone


def private_storage():
    return storages["private"]


class Challenge(models.Model):
    slug = models.SlugField(unique=True)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, help_text="Markdown")
    terms = models.TextField(blank=True, help_text="terms of participation (data-use agreement), Markdown")
    requires_approval = models.BooleanField(default=False, help_text="organizers approve each registration")
    organizers = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="organized_challenges", blank=True)
    bundle_version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return self.title


class Phase(models.Model):
    """One phase of a challenge: task type, cases, hidden ground truth, scoring, limits and dates."""

    class TaskType(models.TextChoices):
        BINARY = "binary", "binary classification"
        MULTICLASS = "multiclass", "multiclass classification"
        REGRESSION = "regression", "regression"
        SEGMENTATION = "segmentation", "segmentation"

    class SubmissionKinds(models.TextChoices):
        PREDICTIONS = "predictions", "prediction files"
        CONTAINER = "container", "container images"
        BOTH = "both", "prediction files and container images"

    class Visibility(models.TextChoices):
        PUBLIC = "public", "public"
        PRIVATE_UNTIL_END = "private_until_end", "private until the phase ends"
        HIDDEN = "hidden", "hidden"

    class Ranking(models.TextChoices):
        # The ranking methods of mlcore.eval (RankingSettings.method).
        AGGREGATE_THEN_RANK = "aggregate_then_rank", "aggregate then rank"
        RANK_THEN_AGGREGATE = "rank_then_aggregate", "rank then aggregate (mean of per-case ranks)"
        TEST_THEN_RANK = "test_then_rank", "test then rank (significant wins after correction)"

    class EntrySelection(models.TextChoices):
        FINAL_OR_LATEST = "final_or_latest", "each team's final submission, else its latest"
        # A team's best entry has an optimistic interval: offered only as the organizers' explicit choice.
        BEST = "best", "each team's best submission on the primary metric (optimistic)"

    challenge = models.ForeignKey(Challenge, related_name="phases", on_delete=models.CASCADE)
    slug = models.SlugField()
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    task_type = models.CharField(max_length=32, choices=TaskType.choices)
    task_options = models.JSONField(default=dict, blank=True, help_text="task settings: classes, labels, spacing ...")
    metrics = models.JSONField(default=list, help_text="metric names; the first is the primary metric")
    ranking = models.CharField(max_length=32, choices=Ranking.choices, default=Ranking.AGGREGATE_THEN_RANK)
    entry_selection = models.CharField(max_length=20, choices=EntrySelection.choices, default=EntrySelection.FINAL_OR_LATEST)
    rank_baselines = models.BooleanField(default=False, help_text="baselines are ranked with the teams (else listed only)")
    ground_truth = models.FileField(storage=private_storage, upload_to="ground-truth/")
    ground_truth_name = models.CharField(max_length=300, blank=True, help_text="file name in the bundle")
    bootstrap_resamples = models.PositiveIntegerField(default=1000)
    seed = models.PositiveIntegerField(default=1234)
    submission_kinds = models.CharField(max_length=16, choices=SubmissionKinds.choices, default=SubmissionKinds.PREDICTIONS)
    limit_per_day = models.PositiveIntegerField(default=5, help_text="submissions per team per UTC day (0: none)")
    limit_total = models.PositiveIntegerField(default=100, help_text="submissions per team in all (0: none)")
    limit_concurrent = models.PositiveIntegerField(default=2, help_text="unfinished submissions per team at once")
    time_limit_s = models.PositiveIntegerField(default=1200, help_text="wall-time limit of a container run")
    opens_at = models.DateTimeField(null=True, blank=True)
    closes_at = models.DateTimeField(null=True, blank=True)
    leaderboard_visibility = models.CharField(max_length=24, choices=Visibility.choices, default=Visibility.PUBLIC)
    publish_per_case = models.BooleanField(default=False, help_text="show per-case scores to participants")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        unique_together = [("challenge", "slug")]
        ordering = ["challenge", "opens_at", "created_at"]

    def __str__(self):
        return f"{self.challenge.slug}/{self.slug}"

    @property
    def primary_metric(self) -> str:
        return self.metrics[0]

    @property
    def task(self):
        """The mlcore.eval Task configured with this phase's task_options (classes, labels, spacing)."""
        from submissions.evaluation import task_for

        return task_for(self)

    @cached_property
    def case_ids(self) -> tuple[str, ...]:
        return tuple(self.cases.order_by("order").values_list("case_id", flat=True))

    def is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return (self.opens_at is None or self.opens_at <= now) and (self.closes_at is None or now < self.closes_at)

    def has_ended(self, now=None) -> bool:
        return self.closes_at is not None and (now or timezone.now()) >= self.closes_at

    def read_truth(self):
        """The hidden ground truth, aligned to this phase's case order (organizers and workers only)."""
        from submissions.evaluation import read_truth

        return read_truth(self)[1]


class Case(models.Model):
    """A case of a phase. `subset` says which leaderboard it counts for."""

    class Subset(models.TextChoices):
        PUBLIC = "public", "public leaderboard"
        PRIVATE = "private", "private leaderboard"

    phase = models.ForeignKey(Phase, related_name="cases", on_delete=models.CASCADE)
    case_id = models.CharField(max_length=200)
    order = models.PositiveIntegerField()
    subset = models.CharField(max_length=8, choices=Subset.choices, default=Subset.PUBLIC)

    class Meta:
        unique_together = [("phase", "case_id"), ("phase", "order")]
        ordering = ["phase", "order"]

    def __str__(self):
        return self.case_id


class DataFile(models.Model):
    """A data file of a challenge: training data and public inputs (participants may download them once
    registered), or hidden inputs for container runs (never served to participants)."""

    class Kind(models.TextChoices):
        TRAINING = "training", "training data"
        PUBLIC_INPUT = "public_input", "public inputs"
        # Inputs of hidden cases for container phases: read by workers, served to organizers only.
        HIDDEN_INPUT = "hidden_input", "hidden inputs (container runs; organizers only)"

    challenge = models.ForeignKey(Challenge, related_name="data_files", on_delete=models.CASCADE)
    phase = models.ForeignKey(Phase, related_name="data_files", on_delete=models.CASCADE, null=True, blank=True)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    name = models.CharField(max_length=300, help_text="path in the bundle")
    file = models.FileField(storage=private_storage, upload_to="data/")
    description = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["challenge", "name"]
        unique_together = [("challenge", "name")]

    def __str__(self):
        return self.name


from .people import Invitation, Registration, Team, TeamMembership  # noqa: E402,F401  (models of this app)
