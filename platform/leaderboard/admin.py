from django.contrib import admin

from .models import LeaderboardState, Replicates, Snapshot


@admin.register(Snapshot)
class SnapshotAdmin(admin.ModelAdmin):
    list_display = ("phase", "subset", "n_entries", "computed_at", "duration_s")
    exclude = ("document", "statistics", "figures", "organizer_figures")


@admin.register(LeaderboardState)
class LeaderboardStateAdmin(admin.ModelAdmin):
    list_display = ("phase", "pending", "requested_at", "computed_at")


@admin.register(Replicates)
class ReplicatesAdmin(admin.ModelAdmin):
    list_display = ("submission", "metric", "plan_key", "point", "created_at")
    exclude = ("values",)
