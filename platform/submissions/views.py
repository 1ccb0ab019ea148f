"""Submission API and pages: upload, my submissions (live status), final choice, moderation, cancel,
re-scoring a phase. Every permission check goes through `challenges.roles`."""

from django.db import transaction
from django.http import Http404, HttpResponseForbidden
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from rest_framework import permissions, status
from rest_framework.response import Response
from rest_framework.views import APIView

from challenges import roles
from challenges.models import Phase

from .evaluation import per_case_scores
from .limits import check_limits, check_permission
from .models import TERMINAL, RescoreJob, Status, Submission
from .serializers import (
    ModerationSerializer,
    RescoreJobSerializer,
    SubmissionSerializer,
    per_case_visible,
    run_log_visible,
    visible_scores,
)
from .services import create_submission
from .tasks import rescore_targets, send_rescore


def entrant_submissions(phase, user):
    """The submissions a participant sees for a phase: their team's, or their own without a team."""
    return phase.submissions.of_entrant(roles.team_of(user, phase.challenge), user).select_related("phase__challenge", "team", "creator")


def visible_submission(user, pk) -> Submission:
    """A submission its entrant (creator or team member) or an organizer may read; else 404."""
    sub = get_object_or_404(Submission.objects.select_related("phase__challenge", "team", "creator"), pk=pk)
    challenge = sub.phase.challenge
    if roles.is_organizer(user, challenge) or sub.creator_id == user.pk:
        return sub
    team = roles.team_of(user, challenge)
    if team is not None and sub.team_id == team.pk:
        return sub
    raise Http404


def submitted_upload(files, data):
    """(upload, kind) of a submission request: an image archive in the field `image` (or in `file` with
    `kind=container`) is a container submission; a `file` otherwise is a predictions file."""
    if files.get("image") is not None or str(data.get("kind", "")).lower() == Submission.Kind.CONTAINER:
        return files.get("image") or files.get("file"), Submission.Kind.CONTAINER
    return files.get("file"), Submission.Kind.PREDICTIONS


class PhaseSubmissions(APIView):
    """POST a predictions file (multipart `file`) or an image archive (`image`, a `docker save` tar or
    tar.gz; or `file` with `kind=container`; `trial=true` for a trial run on the public sample cases),
    optional `method_description`, `code_url`, `paper_url`, `is_baseline` for organizers; GET my (my
    team's) submissions, or with `?all=1` every submission of the phase (organizers)."""

    permission_classes = [permissions.IsAuthenticated]

    def get(self, request, phase_id):
        phase = get_object_or_404(Phase.objects.select_related("challenge"), pk=phase_id)
        if request.query_params.get("all") in ("1", "true"):
            if not roles.is_organizer(request.user, phase.challenge):
                return Response({"detail": "only organizers see every submission of a phase"}, status=403)
            subs = phase.submissions.select_related("phase__challenge", "team", "creator")
        else:
            subs = entrant_submissions(phase, request.user)
        return Response(SubmissionSerializer(subs, many=True, context={"request": request}).data)

    def post(self, request, phase_id):
        phase = get_object_or_404(Phase.objects.select_related("challenge"), pk=phase_id)
        upload, kind = submitted_upload(request.FILES, request.data)
        outcome = create_submission(request.user, phase, upload, request.data, kind=kind)
        if outcome.submission is None:
            resp = Response(outcome.body, status=outcome.status)
            if "retry_after_s" in outcome.body:
                resp["Retry-After"] = str(outcome.body["retry_after_s"])
            return resp
        return Response(SubmissionSerializer(outcome.submission, context={"request": request}).data, status=status.HTTP_201_CREATED)


class SubmissionDetail(APIView):
    permission_classes = [permissions.IsAuthenticated]

    def get(self, request, pk):
        sub = visible_submission(request.user, pk)
        return Response(SubmissionSerializer(sub, context={"request": request, "with_per_case": True}).data)


class SubmissionFinal(APIView):
    """POST {"is_final": true|false}: the entrant marks (or unmarks) its final, scored submission."""

    permission_classes = [permissions.IsAuthenticated]

    def post(self, request, pk):
        sub = visible_submission(request.user, pk)
        team = roles.team_of(request.user, sub.phase.challenge)
        own = sub.team_id == team.pk if team else (sub.team_id is None and sub.creator_id == request.user.pk)
        if not own:
            return Response({"detail": "only the submission's team (or its author, without a team) chooses its final submission"}, status=403)
        final = str(request.data.get("is_final", "true")).lower() in ("1", "true", "yes", "on")
        if final and sub.is_trial:
            return Response({"detail": "a trial run is never ranked and cannot be final", "code": "trial_run"}, status=400)
        if final and sub.status != Status.SUCCEEDED:
            return Response({"detail": f"only a scored submission can be final; this one is {sub.status}", "code": "not_scored"}, status=400)
        with transaction.atomic():
            if final:
                sub.phase.submissions.of_entrant(team, sub.creator).exclude(pk=sub.pk).update(is_final=False)
            sub.is_final = final
            sub.save(update_fields=["is_final"])  # post_save: the leaderboard refreshes
        return Response(SubmissionSerializer(sub, context={"request": request}).data)


class SubmissionModeration(APIView):
    """POST {"hidden_reason": "...", "disqualified_reason": "..."} (organizers); "" lifts it."""

    permission_classes = [permissions.IsAuthenticated]

    def post(self, request, pk):
        sub = visible_submission(request.user, pk)
        if not roles.is_organizer(request.user, sub.phase.challenge):
            return Response({"detail": "only organizers hide or disqualify submissions"}, status=403)
        form = ModerationSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        if sub.is_trial and form.validated_data.get("hidden_reason", "x").strip() == "":
            return Response({"detail": "a trial run stays hidden from the leaderboard", "code": "trial_run"}, status=400)
        for field, value in form.validated_data.items():
            setattr(sub, field, value.strip())
        sub.save(update_fields=list(form.validated_data))
        return Response(SubmissionSerializer(sub, context={"request": request}).data)


class SubmissionCancel(APIView):
    """POST: the entrant or an organizer cancels an unfinished submission (it does not count)."""

    permission_classes = [permissions.IsAuthenticated]

    def post(self, request, pk):
        visible_submission(request.user, pk)
        with transaction.atomic():
            sub = Submission.objects.select_for_update().get(pk=pk)
            if sub.status in TERMINAL:
                return Response({"detail": f"the submission already finished ({sub.status})", "code": "finished"}, status=409)
            sub.move_to(Status.CANCELLED, error_message=f"cancelled by {request.user.username}")
            sub.save()
        return Response(SubmissionSerializer(sub, context={"request": request}).data)


class PhaseRescore(APIView):
    """Organizers: GET the phase's re-score jobs; POST {"reason": "..."} starts one (202)."""

    permission_classes = [permissions.IsAuthenticated]

    def _phase(self, request, phase_id):
        phase = get_object_or_404(Phase.objects.select_related("challenge"), pk=phase_id)
        return phase, roles.is_organizer(request.user, phase.challenge)

    def get(self, request, phase_id):
        phase, organizer = self._phase(request, phase_id)
        if not organizer:
            return Response({"detail": "only organizers re-score a phase"}, status=403)
        return Response(RescoreJobSerializer(phase.rescore_jobs.all(), many=True).data)

    def post(self, request, phase_id):
        phase, organizer = self._phase(request, phase_id)
        if not organizer:
            return Response({"detail": "only organizers re-score a phase"}, status=403)
        job = start_rescore(phase, request.user, str(request.data.get("reason", ""))[:2000])
        return Response(RescoreJobSerializer(job).data, status=status.HTTP_202_ACCEPTED)


def start_rescore(phase, user, reason: str) -> RescoreJob:
    with transaction.atomic():
        job = RescoreJob.objects.create(phase=phase, created_by=user, reason=reason, total=rescore_targets(phase).count(),
                                        queued_at=timezone.now())
        transaction.on_commit(lambda: send_rescore(job.pk), robust=True)
    return job


class RescoreJobDetail(APIView):
    permission_classes = [permissions.IsAuthenticated]

    def get(self, request, pk):
        job = get_object_or_404(RescoreJob.objects.select_related("phase__challenge"), pk=pk)
        if not roles.is_organizer(request.user, job.phase.challenge):
            raise Http404
        return Response(RescoreJobSerializer(job).data)


# -- pages ----------------------------------------------------------------------------------------
def _phase_by_slugs(slug, phase_slug):
    return get_object_or_404(Phase.objects.select_related("challenge"), challenge__slug=slug, slug=phase_slug)


def submit_page(request, slug, phase_slug):
    """The phase's submission page: the upload form and my submissions with live status."""
    phase = _phase_by_slugs(slug, phase_slug)
    user = request.user
    context = {"phase": phase, "challenge": phase.challenge, "result": None}
    if request.method == "POST":
        if not user.is_authenticated:
            return HttpResponseForbidden("sign in to submit")
        upload, kind = submitted_upload(request.FILES, request.POST)
        outcome = create_submission(user, phase, upload, request.POST, kind=kind)
        if outcome.submission is not None:
            return redirect(request.path + f"?submitted={outcome.submission.pk}")
        context["result"] = outcome.body
        context["result_status"] = outcome.status
    if user.is_authenticated:
        only_containers = phase.submission_kinds == Phase.SubmissionKinds.CONTAINER
        context["refusal"] = check_permission(user, phase, kind="container" if only_containers else "predictions")
        if context["refusal"] is None and not roles.is_organizer(user, phase.challenge):
            context["limit"] = check_limits(phase, roles.team_of(user, phase.challenge), user)
        context["organizer"] = roles.is_organizer(user, phase.challenge)
        context["team"] = roles.team_of(user, phase.challenge)
    context["accepts_containers"] = phase.submission_kinds in (Phase.SubmissionKinds.CONTAINER, Phase.SubmissionKinds.BOTH)
    context["accepts_predictions"] = phase.submission_kinds != Phase.SubmissionKinds.CONTAINER
    return render(request, "submissions/submit.html", context, status=context.get("result_status", 200))


def submission_page(request, pk):
    """One submission: status (live), scores when visible, the error, per-case values when published."""
    if not request.user.is_authenticated:
        return HttpResponseForbidden("sign in to see your submissions")
    sub = visible_submission(request.user, pk)
    phase = sub.phase
    organizer = roles.is_organizer(request.user, phase.challenge)
    # participants see the public cases' values while the phase runs, like their scores
    per_case = per_case_scores(sub, public_only=not (organizer or phase.has_ended())) \
        if per_case_visible(phase, request.user) else None
    table = None
    if per_case:
        metrics = list(per_case["values"])
        table = {"metrics": metrics, "rows": [(c, [per_case["values"][m][i] for m in metrics]) for i, c in enumerate(per_case["case_ids"])]}
    return render(request, "submissions/detail.html", {
        "sub": sub, "phase": phase, "scores": visible_scores(sub, request.user),
        "per_case": table, "per_case_visible": per_case_visible(phase, request.user),
        "organizer": roles.is_organizer(request.user, phase.challenge),
        "run_log": sub.run_log if run_log_visible(sub, request.user) else None})


def rescore_page(request, slug, phase_slug):
    """Organizers: start a re-score of the phase and watch its progress."""
    phase = _phase_by_slugs(slug, phase_slug)
    if not request.user.is_authenticated:
        return HttpResponseForbidden("sign in as an organizer")
    if not roles.is_organizer(request.user, phase.challenge):
        return HttpResponseForbidden("only organizers re-score a phase")
    if request.method == "POST":
        start_rescore(phase, request.user, request.POST.get("reason", "")[:2000])
        return redirect(request.path)
    return render(request, "submissions/rescore.html", {"phase": phase, "jobs": phase.rescore_jobs.all()[:20]})
