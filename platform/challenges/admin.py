from django.contrib import admin

from .models import Case, Challenge, DataFile, Invitation, Phase, Registration, Team, TeamMembership


class PhaseInline(admin.TabularInline):
    model = Phase
    extra = 0
    fields = ("slug", "title", "task_type", "metrics", "opens_at", "closes_at", "leaderboard_visibility")
    show_change_link = True


@admin.register(Challenge)
class ChallengeAdmin(admin.ModelAdmin):
    list_display = ("slug", "title", "requires_approval", "created_at")
    filter_horizontal = ("organizers",)
    inlines = [PhaseInline]


@admin.register(Phase)
class PhaseAdmin(admin.ModelAdmin):
    list_display = ("__str__", "task_type", "opens_at", "closes_at", "leaderboard_visibility")
    list_filter = ("task_type", "leaderboard_visibility")


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    list_display = ("case_id", "phase", "order", "subset")
    list_filter = ("phase", "subset")


@admin.register(DataFile)
class DataFileAdmin(admin.ModelAdmin):
    list_display = ("name", "challenge", "phase", "kind")


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = ("user", "challenge", "status", "accepted_terms_at", "decided_by")
    list_filter = ("status", "challenge")
    actions = ["approve", "reject"]

    @admin.action(description="Approve the selected registrations")
    def approve(self, request, queryset):
        queryset.update(status=Registration.Status.APPROVED, decided_by=request.user)

    @admin.action(description="Reject the selected registrations")
    def reject(self, request, queryset):
        queryset.update(status=Registration.Status.REJECTED, decided_by=request.user)


class MembershipInline(admin.TabularInline):
    model = TeamMembership
    extra = 0


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ("name", "challenge", "created_by", "created_at")
    inlines = [MembershipInline]


@admin.register(TeamMembership)
class TeamMembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "team", "challenge", "joined_at")


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ("invitee", "team", "invited_by", "status", "created_at")
