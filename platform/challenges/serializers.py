from rest_framework import serializers

from .models import Challenge, DataFile, Invitation, Phase, Registration, Team


class PhaseSerializer(serializers.ModelSerializer):
    challenge = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    cases = serializers.SerializerMethodField()
    is_open = serializers.SerializerMethodField()

    class Meta:
        model = Phase
        # Never the ground truth: it is served only by the organizers' own endpoint.
        fields = ["id", "challenge", "slug", "title", "description", "task_type", "task_options", "metrics", "ranking",
                  "bootstrap_resamples", "seed", "submission_kinds", "limit_per_day", "limit_total", "limit_concurrent",
                  "time_limit_s", "opens_at", "closes_at", "is_open", "leaderboard_visibility", "cases"]

    def get_cases(self, phase) -> int:
        return phase.cases.count()

    def get_is_open(self, phase) -> bool:
        return phase.is_open()


class ChallengeSerializer(serializers.ModelSerializer):
    phases = PhaseSerializer(many=True, read_only=True)
    organizers = serializers.SlugRelatedField(slug_field="username", many=True, read_only=True)

    class Meta:
        model = Challenge
        fields = ["slug", "title", "description", "terms", "requires_approval", "organizers", "phases", "created_at"]


class RegistrationSerializer(serializers.ModelSerializer):
    user = serializers.SlugRelatedField(slug_field="username", read_only=True)
    challenge = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Registration
        fields = ["id", "challenge", "user", "status", "accepted_terms_at", "created_at"]


class DataFileSerializer(serializers.ModelSerializer):
    phase = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    size = serializers.SerializerMethodField()
    download = serializers.SerializerMethodField()

    class Meta:
        model = DataFile
        fields = ["id", "name", "kind", "phase", "description", "size", "download"]

    def get_size(self, data) -> int:
        return data.file.size

    def get_download(self, data) -> str:
        return f"/api/data/{data.pk}/download/"


class TeamSerializer(serializers.ModelSerializer):
    challenge = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    members = serializers.SerializerMethodField()

    class Meta:
        model = Team
        fields = ["id", "challenge", "name", "members", "created_at"]

    def get_members(self, team) -> list[str]:
        return [m.user.username for m in team.memberships.select_related("user")]


class InvitationSerializer(serializers.ModelSerializer):
    team = serializers.StringRelatedField()
    invitee = serializers.SlugRelatedField(slug_field="username", read_only=True)
    invited_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Invitation
        fields = ["id", "team", "invitee", "invited_by", "status", "created_at"]
