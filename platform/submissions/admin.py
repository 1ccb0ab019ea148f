from django.contrib import admin

from .models import RescoreJob, Submission


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    """Organizers hide or disqualify a submission by writing the reason (an empty reason lifts it)."""

    list_display = ("id", "phase", "creator", "team", "status", "failure_cause", "is_final", "is_baseline",
                    "hidden", "disqualified", "created_at", "finished_at")
    list_filter = ("status", "failure_cause", "is_baseline", "is_final", "phase")
    search_fields = ("creator__username", "team__name", "method_description")
    fields = ("phase", "creator", "team", "kind", "file", "method_description", "code_url", "paper_url", "is_baseline",
              "is_final", "hidden_reason", "disqualified_reason", "status", "error_message", "failure_cause", "scores",
              "worker", "heartbeat_at", "attempts", "queued_at", "deadline_at", "created_at", "started_at", "finished_at")
    readonly_fields = ("phase", "creator", "team", "kind", "file", "status", "error_message", "failure_cause", "scores",
                       "worker", "heartbeat_at", "attempts", "queued_at", "deadline_at", "created_at", "started_at", "finished_at")

    @admin.display(boolean=True)
    def hidden(self, obj):
        return bool(obj.hidden_reason)

    @admin.display(boolean=True)
    def disqualified(self, obj):
        return bool(obj.disqualified_reason)


@admin.register(RescoreJob)
class RescoreJobAdmin(admin.ModelAdmin):
    list_display = ("id", "phase", "created_by", "status", "done", "failed", "total", "created_at", "finished_at")
    list_filter = ("status", "phase")
    readonly_fields = ("phase", "created_by", "status", "total", "done", "failed", "errors", "worker", "heartbeat_at",
                       "queued_at", "attempts", "created_at", "finished_at")
