"""Challenges, their phases and the cases of each phase."""

from functools import cached_property

from django.core.files.storage import storages
from django.db import models


def private_storage():
    return storages["private"]


class Challenge(models.Model):
    slug = models.SlugField(unique=True)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, help_text="Markdown")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return self.title


class Phase(models.Model):
    """One phase of a challenge: a task type, its cases, hidden ground truth and how entries are scored."""

    class TaskType(models.TextChoices):
        BINARY = "binary", "binary classification"

    challenge = models.ForeignKey(Challenge, related_name="phases", on_delete=models.CASCADE)
    slug = models.SlugField()
    title = models.CharField(max_length=200)
    task_type = models.CharField(max_length=32, choices=TaskType.choices)
    metrics = models.JSONField(default=list, help_text="metric names; the first is the primary metric")
    ground_truth = models.FileField(storage=private_storage, upload_to="ground-truth/")
    bootstrap_resamples = models.PositiveIntegerField(default=1000)
    seed = models.PositiveIntegerField(default=1234)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        unique_together = [("challenge", "slug")]
        ordering = ["challenge", "created_at"]

    def __str__(self):
        return f"{self.challenge.slug}/{self.slug}"

    @property
    def primary_metric(self) -> str:
        return self.metrics[0]

    @property
    def task(self):
        from mlcore.eval import get_task

        return get_task(self.task_type)

    @cached_property
    def case_ids(self) -> tuple[str, ...]:
        return tuple(self.cases.order_by("order").values_list("case_id", flat=True))

    def read_truth(self):
        """The hidden ground truth, aligned to this phase's case order (organizers and workers only)."""
        with self.ground_truth.open("rb") as fh:
            truth = self.task.read_truth(fh)
        return truth.subset(self.case_ids)


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
