from rest_framework import serializers

from .models import Submission


class SubmissionSerializer(serializers.ModelSerializer):
    phase = serializers.PrimaryKeyRelatedField(read_only=True)
    creator = serializers.StringRelatedField()

    class Meta:
        model = Submission
        fields = ["id", "phase", "creator", "status", "error_message", "scores", "method_description",
                  "is_baseline", "created_at", "started_at", "finished_at"]
        read_only_fields = fields
