from django.contrib import admin

from .models import Case, Challenge, Phase


class PhaseInline(admin.TabularInline):
    model = Phase
    extra = 0
    fields = ("slug", "title", "task_type", "metrics")


@admin.register(Challenge)
class ChallengeAdmin(admin.ModelAdmin):
    list_display = ("slug", "title", "created_at")
    inlines = [PhaseInline]


@admin.register(Phase)
class PhaseAdmin(admin.ModelAdmin):
    list_display = ("__str__", "task_type", "created_at")


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    list_display = ("case_id", "phase", "order", "subset")
    list_filter = ("phase", "subset")
