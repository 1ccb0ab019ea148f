"""Leaderboard cache: one snapshot per phase and case subset, and each entry's bootstrap replicates.

Pages and the API answer from `Snapshot.document` (JSON text, served as is). `Replicates` holds an
entry's (B,) replicates for one metric on one bootstrap plan; the plan's key depends only on the seed,
B, the case list and the strata, so a new entry costs its own replicates and nothing else.
"""

from django.db import models

from challenges.models import Phase


class Subset(models.TextChoices):
    PUBLIC = "public", "public leaderboard (public cases)"
    PRIVATE = "private", "private leaderboard (private cases)"


class LeaderboardState(models.Model):
    """Coalesces recomputation: `pending` is set once per burst of new results."""

    phase = models.OneToOneField(Phase, related_name="leaderboard_state", on_delete=models.CASCADE)
    pending = models.BooleanField(default=False)
    requested_at = models.DateTimeField(null=True, blank=True)
    computed_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    def __str__(self):
        return f"leaderboard state of {self.phase}"


class Snapshot(models.Model):
    phase = models.ForeignKey(Phase, related_name="leaderboard_snapshots", on_delete=models.CASCADE)
    subset = models.CharField(max_length=8, choices=Subset.choices)
    document = models.TextField(help_text="JSON served by the API: one row per entry with CIs, ranks, tiers")
    statistics = models.TextField(help_text="the full Evaluation JSON (pairwise tests, rank counts)")
    figures = models.TextField(help_text="plotly figures (JSON) that participants may see")
    organizer_figures = models.TextField(help_text="every figure, per-case values and ROC curves included")
    n_entries = models.PositiveIntegerField(default=0)
    computed_at = models.DateTimeField()
    duration_s = models.FloatField(default=0)

    class Meta:
        unique_together = [("phase", "subset")]

    def __str__(self):
        return f"{self.phase} {self.subset} leaderboard ({self.n_entries} entries)"


class Replicates(models.Model):
    submission = models.ForeignKey("submissions.Submission", related_name="replicates", on_delete=models.CASCADE)
    plan_key = models.CharField(max_length=64, help_text="hash of seed, B, case ids and strata")
    metric = models.CharField(max_length=64)
    point = models.FloatField(null=True)
    values = models.BinaryField(help_text="(B,) float64 replicates")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        unique_together = [("submission", "plan_key", "metric")]
