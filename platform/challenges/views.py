"""Challenge pages: overview, terms and registration, data, organizers' editing and bundle import."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.forms import modelformset_factory
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render

from . import registration, roles
from .bundles import BundleError, import_bundle
from .forms import BundleUploadForm, ChallengeForm, PhaseForm
from .models import Challenge, DataFile, Phase, Registration


def home(request):
    return render(request, "challenges/home.html", {"challenges": Challenge.objects.prefetch_related("phases")})


def challenge_detail(request, slug):
    challenge = get_object_or_404(Challenge, slug=slug)
    return render(request, "challenges/challenge.html", {
        "challenge": challenge, "phases": challenge.phases.all(),
        "registration": roles.registration(request.user, challenge),
        "is_organizer": roles.is_organizer(request.user, challenge),
        "team": roles.team_of(request.user, challenge),
    })


def terms(request, slug):
    """The terms; POST with accept_terms registers the signed-in user."""
    challenge = get_object_or_404(Challenge, slug=slug)
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"/accounts/login/?next={request.path}")
        if request.POST.get("accept_terms") != "on":
            messages.error(request, "tick the box to accept the terms")
        elif not roles.registration(request.user, challenge):
            registration.register(request.user, challenge, accepted_terms=True)
            messages.success(request, "registered" + (": the organizers will review your registration" if challenge.requires_approval else ""))
        return redirect("challenge-detail", slug=slug)
    return render(request, "challenges/terms.html", {"challenge": challenge, "registration": roles.registration(request.user, challenge)})


@login_required
def data(request, slug):
    challenge = get_object_or_404(Challenge, slug=slug)
    if not roles.may_download_data(request.user, challenge):
        raise PermissionDenied("register to the challenge and accept its terms to download its data")
    files = challenge.data_files.select_related("phase")
    if not roles.is_organizer(request.user, challenge):
        files = files.exclude(kind=DataFile.Kind.HIDDEN_INPUT)
    return render(request, "challenges/data.html", {"challenge": challenge, "files": files})


@login_required
def edit(request, slug):
    challenge = get_object_or_404(Challenge, slug=slug)
    if not roles.is_organizer(request.user, challenge):
        raise PermissionDenied("only organizers edit a challenge")
    # edit_only: the form edits the challenge's phases; new phases come from bundles, never from here.
    PhaseFormSet = modelformset_factory(Phase, form=PhaseForm, extra=0, edit_only=True)
    form = ChallengeForm(request.POST or None, instance=challenge)
    phases = PhaseFormSet(request.POST or None, queryset=challenge.phases.all(), prefix="phases")
    if request.method == "POST" and form.is_valid() and phases.is_valid():
        form.save()
        phases.save()
        messages.success(request, "saved")
        return redirect("challenge-detail", slug=slug)
    return render(request, "challenges/edit.html", {"challenge": challenge, "form": form, "phases": phases})


@login_required
def registrations(request, slug):
    challenge = get_object_or_404(Challenge, slug=slug)
    if not roles.is_organizer(request.user, challenge):
        raise PermissionDenied("only organizers see registrations")
    if request.method == "POST":
        pk = request.POST.get("registration", "")
        if not pk.isdigit():
            messages.error(request, f"expected a registration id; found {pk!r}")
            return HttpResponseRedirect(request.path)
        try:
            registration.decide(get_object_or_404(Registration, pk=int(pk), challenge=challenge),
                                request.POST.get("decision"), request.user)
        except registration.RegistrationError as exc:
            messages.error(request, str(exc))
        return HttpResponseRedirect(request.path)
    return render(request, "challenges/registrations.html", {"challenge": challenge, "registrations": challenge.registrations.select_related("user")})


@login_required
def new_challenge(request):
    if not roles.can_create_challenges(request.user):
        raise PermissionDenied("only staff create challenges")
    form = BundleUploadForm(request.POST or None, request.FILES or None)
    problems = []
    if request.method == "POST" and form.is_valid():
        try:
            challenge = import_bundle(request.FILES["bundle"], owner=request.user)
        except BundleError as exc:
            problems = exc.problems
        else:
            return redirect("challenge-detail", slug=challenge.slug)
    return render(request, "challenges/new.html", {"form": form, "problems": problems}, status=400 if problems else 200)
