"""Submission API: upload predictions to a phase, read a submission's status."""

from django.db import transaction
from django.shortcuts import get_object_or_404
from rest_framework import permissions, status
from rest_framework.response import Response
from rest_framework.views import APIView

from challenges.models import Phase

from .models import Status, Submission
from .serializers import SubmissionSerializer
from .tasks import enqueue_scoring
from .validation import validate_upload


class PhaseSubmissions(APIView):
    """POST a predictions file (multipart field `file`); GET my submissions to this phase."""

    permission_classes = [permissions.IsAuthenticated]

    def get(self, request, phase_id):
        phase = get_object_or_404(Phase, pk=phase_id)
        mine = phase.submissions.filter(creator=request.user)
        return Response(SubmissionSerializer(mine, many=True).data)

    def post(self, request, phase_id):
        phase = get_object_or_404(Phase, pk=phase_id)
        upload = request.FILES.get("file")
        problems = validate_upload(phase, upload)
        if problems:
            return Response(
                {"detail": f"the predictions file was refused: {len(problems)} problem(s)",
                 "problems": [p.to_dict() for p in problems]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        with transaction.atomic():
            sub = Submission(phase=phase, creator=request.user, status=Status.QUEUED,
                             method_description=request.data.get("method_description", ""))
            sub.file.save(upload.name, upload, save=False)
            sub.save()
            enqueue_scoring(sub)
        return Response(SubmissionSerializer(sub).data, status=status.HTTP_201_CREATED)


class SubmissionDetail(APIView):
    permission_classes = [permissions.IsAuthenticated]

    def get(self, request, pk):
        sub = get_object_or_404(Submission, pk=pk, creator=request.user)
        return Response(SubmissionSerializer(sub).data)
