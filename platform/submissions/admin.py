from django.contrib import admin

from .models import Submission


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    list_display = ("id", "phase", "creator", "status", "created_at", "finished_at")
    list_filter = ("status", "phase")
    readonly_fields = ("worker", "heartbeat_at", "attempts", "scores")
