"""Team pages: the challenge's teams, creating one, a team's page with invitations."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render

from . import roles, teams
from .forms import InviteForm, TeamForm
from .models import Challenge, Invitation, Team


def team_list(request, slug):
    challenge = get_object_or_404(Challenge, slug=slug)
    form = TeamForm(request.POST or None)
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"/accounts/login/?next={request.path}")
        if not roles.is_participant(request.user, challenge):
            messages.error(request, "only registered participants create teams")
        elif form.is_valid():
            try:
                team = teams.create_team(request.user, challenge, form.cleaned_data["name"])
                return redirect("team-page", pk=team.pk)
            except teams.TeamError as exc:
                messages.error(request, str(exc))
    return render(request, "challenges/teams.html", {
        "challenge": challenge, "teams": challenge.teams.prefetch_related("memberships__user"), "form": form,
        "my_team": roles.team_of(request.user, challenge),
        "can_create": roles.is_participant(request.user, challenge) and not roles.team_of(request.user, challenge),
        "invitations": Invitation.objects.filter(invitee=request.user, team__challenge=challenge, status="open")
        if request.user.is_authenticated else [],
    })


def team_page(request, pk):
    team = get_object_or_404(Team.objects.select_related("challenge"), pk=pk)
    is_member = roles.team_of(request.user, team.challenge) == team
    form = InviteForm(request.POST or None)
    if request.method == "POST":
        if not is_member:
            messages.error(request, "only members of this team may invite")
        elif form.is_valid():
            try:
                teams.invite(team, request.user, form.cleaned_data["username"])
                messages.success(request, f"invited {form.cleaned_data['username']}")
            except teams.TeamError as exc:
                messages.error(request, str(exc))
        return redirect("team-page", pk=pk)
    return render(request, "challenges/team.html", {
        "team": team, "members": team.memberships.select_related("user"), "is_member": is_member, "form": form,
        "invitations": team.invitations.select_related("invitee") if is_member else [],
    })


@login_required
def answer_invitation(request, pk):
    invitation = get_object_or_404(Invitation, pk=pk, invitee=request.user)
    if request.method == "POST":
        try:
            teams.respond(invitation, request.POST.get("accept") == "yes")
        except teams.TeamError as exc:
            messages.error(request, str(exc))
    return redirect("team-list", slug=invitation.team.challenge.slug)
