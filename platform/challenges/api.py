"""DRF API: challenges, phases, bundle import/export, registrations, data downloads, teams."""

from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from . import registration, roles, teams
from .access import require_login, require_organizer, require_participant, require_staff_or_creator
from .bundle_export import export_zip
from .bundles import BundleError, import_bundle
from .models import Challenge, DataFile, Invitation, Phase, Registration, Team
from .serializers import (
    ChallengeSerializer,
    DataFileSerializer,
    InvitationSerializer,
    PhaseSerializer,
    RegistrationSerializer,
    TeamSerializer,
)


def _body(request) -> dict:
    """The request's fields; a body that is not an object (a JSON list, a string) has none."""
    return request.data if hasattr(request.data, "get") else {}


class ChallengeList(APIView):
    permission_classes = [AllowAny]

    def get(self, request):
        return Response(ChallengeSerializer(Challenge.objects.prefetch_related("phases", "organizers"), many=True).data)


class ChallengeDetail(APIView):
    permission_classes = [AllowAny]

    def get(self, request, slug):
        return Response(ChallengeSerializer(get_object_or_404(Challenge, slug=slug)).data)


class ChallengeImport(APIView):
    """POST a bundle zip (multipart field `bundle`); the importer becomes an organizer."""

    permission_classes = [AllowAny]

    def post(self, request):
        require_staff_or_creator(request.user)
        upload = request.FILES.get("bundle")
        if upload is None:
            return Response({"detail": "send the bundle zip as the multipart field 'bundle'", "problems": []}, status=400)
        try:
            challenge = import_bundle(upload, owner=request.user)
        except BundleError as exc:
            return Response({"detail": f"the bundle was refused: {len(exc.problems)} problem(s)",
                             "problems": [p.to_dict() for p in exc.problems]}, status=400)
        return Response(ChallengeSerializer(challenge).data, status=status.HTTP_201_CREATED)


class ChallengeExport(APIView):
    permission_classes = [AllowAny]

    def get(self, request, slug):
        challenge = get_object_or_404(Challenge, slug=slug)
        require_organizer(request.user, challenge)
        response = HttpResponse(export_zip(challenge), content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="{challenge.slug}-bundle.zip"'
        return response


class PhaseList(APIView):
    permission_classes = [AllowAny]

    def get(self, request, slug):
        return Response(PhaseSerializer(get_object_or_404(Challenge, slug=slug).phases.all(), many=True).data)


class PhaseDetail(APIView):
    permission_classes = [AllowAny]

    def get(self, request, pk):
        return Response(PhaseSerializer(get_object_or_404(Phase, pk=pk)).data)


class PhaseGroundTruth(APIView):
    """The hidden ground truth: organizers only."""

    permission_classes = [AllowAny]

    def get(self, request, pk):
        phase = get_object_or_404(Phase, pk=pk)
        require_organizer(request.user, phase.challenge)
        return FileResponse(phase.ground_truth.open("rb"), as_attachment=True, filename=phase.ground_truth.name.rsplit("/", 1)[-1])


class MyRegistration(APIView):
    """GET my registration; POST {"accept_terms": true} to register (approved at once unless the
    challenge requires the organizers' approval)."""

    permission_classes = [AllowAny]

    def get(self, request, slug):
        challenge = get_object_or_404(Challenge, slug=slug)
        require_login(request.user)
        reg = roles.registration(request.user, challenge)
        return Response(RegistrationSerializer(reg).data if reg else {"status": "not registered"})

    def post(self, request, slug):
        challenge = get_object_or_404(Challenge, slug=slug)
        require_login(request.user)
        accepted = str(_body(request).get("accept_terms", "")).lower() in ("true", "1", "yes", "on")
        try:
            reg = registration.register(request.user, challenge, accepted)
        except registration.RegistrationError as exc:
            return Response({"detail": f"{exc}: send accept_terms=true" if not accepted else str(exc)}, status=400)
        return Response(RegistrationSerializer(reg).data, status=201)


class RegistrationList(APIView):
    permission_classes = [AllowAny]

    def get(self, request, slug):
        challenge = get_object_or_404(Challenge, slug=slug)
        require_organizer(request.user, challenge)
        return Response(RegistrationSerializer(challenge.registrations.select_related("user"), many=True).data)


class RegistrationDecision(APIView):
    """POST {"decision": "approve" | "reject"}: organizers only."""

    permission_classes = [AllowAny]

    def post(self, request, pk):
        reg = get_object_or_404(Registration, pk=pk)
        require_organizer(request.user, reg.challenge)
        try:
            return Response(RegistrationSerializer(registration.decide(reg, _body(request).get("decision"), request.user)).data)
        except registration.RegistrationError as exc:
            return Response({"detail": str(exc)}, status=400)


class DataList(APIView):
    permission_classes = [AllowAny]

    def get(self, request, slug):
        challenge = get_object_or_404(Challenge, slug=slug)
        require_participant(request.user, challenge)
        files = challenge.data_files.select_related("phase")
        if not roles.is_organizer(request.user, challenge):
            files = files.exclude(kind=DataFile.Kind.HIDDEN_INPUT)
        return Response(DataFileSerializer(files, many=True).data)


class DataDownload(APIView):
    permission_classes = [AllowAny]

    def get(self, request, pk):
        data = get_object_or_404(DataFile, pk=pk)
        if data.kind == DataFile.Kind.HIDDEN_INPUT:
            require_organizer(request.user, data.challenge)
        require_participant(request.user, data.challenge)
        return FileResponse(data.file.open("rb"), as_attachment=True, filename=data.name.rsplit("/", 1)[-1])


def _team_error(exc):
    return Response({"detail": str(exc)}, status=400)


class TeamList(APIView):
    """GET the teams (names and members are public); POST {"name": ...} to create one (participants)."""

    permission_classes = [AllowAny]

    def get(self, request, slug):
        challenge = get_object_or_404(Challenge, slug=slug)
        return Response(TeamSerializer(challenge.teams.all(), many=True).data)

    def post(self, request, slug):
        challenge = get_object_or_404(Challenge, slug=slug)
        require_participant(request.user, challenge)
        if roles.is_organizer(request.user, challenge) and not roles.is_participant(request.user, challenge):
            return Response({"detail": "organizers do not form teams; register as a participant first"}, status=403)
        try:
            team = teams.create_team(request.user, challenge, _body(request).get("name"))
        except teams.TeamError as exc:
            return _team_error(exc)
        return Response(TeamSerializer(team).data, status=201)


class TeamDetail(APIView):
    permission_classes = [AllowAny]

    def get(self, request, pk):
        return Response(TeamSerializer(get_object_or_404(Team, pk=pk)).data)


class TeamInvitations(APIView):
    """POST {"username": ...}: a member invites a participant."""

    permission_classes = [AllowAny]

    def post(self, request, pk):
        team = get_object_or_404(Team, pk=pk)
        require_login(request.user)
        if roles.team_of(request.user, team.challenge) != team:
            return Response({"detail": "only members of this team may invite"}, status=403)
        try:
            invitation = teams.invite(team, request.user, _body(request).get("username", ""))
        except teams.TeamError as exc:
            return _team_error(exc)
        return Response(InvitationSerializer(invitation).data, status=201)


class InvitationResponse(APIView):
    """POST {"accept": true|false}: the invitee answers."""

    permission_classes = [AllowAny]

    def post(self, request, pk):
        invitation = get_object_or_404(Invitation, pk=pk)
        require_login(request.user)
        if invitation.invitee != request.user:
            return Response({"detail": "only the invited user may answer this invitation"}, status=403)
        accept = str(_body(request).get("accept", "")).lower() in ("true", "1", "yes", "on")
        try:
            return Response(InvitationSerializer(teams.respond(invitation, accept)).data)
        except teams.TeamError as exc:
            return _team_error(exc)


class TeamLeave(APIView):
    permission_classes = [AllowAny]

    def post(self, request, pk):
        team = get_object_or_404(Team, pk=pk)
        require_login(request.user)
        try:
            teams.leave(request.user, team)
        except teams.TeamError as exc:
            return Response({"detail": str(exc)}, status=403)
        return Response({"detail": f"you left {team.name}"})
