"""Submission and re-score job serializers. What a reader sees depends on their role: scores only when
the phase shows them, per-case values only to organizers or where the organizer published them."""

from rest_framework import serializers

from challenges import roles
from challenges.models import Phase

from .evaluation import per_case_scores
from .models import RescoreJob, Submission


def scores_visible(phase, user, organizer: bool | None = None) -> bool:
    if organizer if organizer is not None else roles.is_organizer(user, phase.challenge):
        return True
    if phase.leaderboard_visibility == Phase.Visibility.HIDDEN:
        return False
    return not (phase.leaderboard_visibility == Phase.Visibility.PRIVATE_UNTIL_END and not phase.has_ended())


def visible_scores(sub, user, organizer: bool | None = None) -> dict | None:
    """What a reader sees of a submission's scores: organizers, and everyone once the phase has ended,
    the scores on all cases; participants while it runs, the scores on the public cases only (None when
    the phase shows no scores)."""
    organizer = roles.is_organizer(user, sub.phase.challenge) if organizer is None else organizer
    if not scores_visible(sub.phase, user, organizer):
        return None
    return sub.scores if organizer or sub.phase.has_ended() else sub.public_scores


def per_case_visible(phase, user, organizer: bool | None = None) -> bool:
    organizer = roles.is_organizer(user, phase.challenge) if organizer is None else organizer
    return organizer or (phase.publish_per_case and scores_visible(phase, user, organizer))


def run_log_visible(sub, user, organizer: bool | None = None) -> bool:
    """A container run's log tail: organizers always; the team only for a trial run on public sample
    cases (a run on hidden cases could print hidden inputs)."""
    organizer = roles.is_organizer(user, sub.phase.challenge) if organizer is None else organizer
    return organizer or sub.is_trial


class SubmissionSerializer(serializers.ModelSerializer):
    phase = serializers.PrimaryKeyRelatedField(read_only=True)
    creator = serializers.StringRelatedField()
    team = serializers.StringRelatedField()
    scores = serializers.SerializerMethodField()
    per_case = serializers.SerializerMethodField()
    counts_against_limits = serializers.BooleanField(read_only=True)

    class Meta:
        model = Submission
        fields = ["id", "phase", "creator", "team", "kind", "status", "error_message", "failure_cause",
                  "counts_against_limits", "scores", "per_case", "method_description", "code_url", "paper_url",
                  "is_baseline", "is_trial", "run_reason", "is_final", "hidden_reason", "disqualified_reason", "attempts",
                  "created_at", "queued_at", "started_at", "finished_at"]
        read_only_fields = fields

    def _user(self):
        request = self.context.get("request")
        return request.user if request else None

    def _organizer(self, sub) -> bool:
        """Whether the reader organizes the submission's challenge (asked once per challenge per response)."""
        cache = self.context.setdefault("_organizer_of", {})
        if sub.phase.challenge_id not in cache:
            cache[sub.phase.challenge_id] = roles.is_organizer(self._user(), sub.phase.challenge)
        return cache[sub.phase.challenge_id]

    def get_scores(self, sub):
        return visible_scores(sub, self._user(), self._organizer(sub))

    def get_per_case(self, sub):
        if not self.context.get("with_per_case") or not per_case_visible(sub.phase, self._user(), self._organizer(sub)):
            return None
        return per_case_scores(sub, public_only=not (self._organizer(sub) or sub.phase.has_ended()))

    def to_representation(self, sub):
        data = super().to_representation(sub)
        if sub.kind == Submission.Kind.CONTAINER:
            data["run_log"] = sub.run_log if run_log_visible(sub, self._user(), self._organizer(sub)) else None
        if self._organizer(sub):
            data.update(worker=sub.worker, heartbeat_at=sub.heartbeat_at and sub.heartbeat_at.isoformat(),
                        deadline_at=sub.deadline_at and sub.deadline_at.isoformat())
        return data


class ModerationSerializer(serializers.Serializer):
    """Organizers hide or disqualify with a stated reason; an empty string lifts it."""

    hidden_reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    disqualified_reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)

    def validate(self, attrs):
        if not attrs:
            raise serializers.ValidationError("send hidden_reason and/or disqualified_reason (an empty string lifts it)")
        return attrs


class RescoreJobSerializer(serializers.ModelSerializer):
    phase = serializers.PrimaryKeyRelatedField(read_only=True)
    created_by = serializers.StringRelatedField()
    progress = serializers.FloatField(read_only=True)

    class Meta:
        model = RescoreJob
        fields = ["id", "phase", "created_by", "reason", "status", "total", "done", "failed", "progress", "errors",
                  "attempts", "created_at", "finished_at"]
        read_only_fields = fields
