from django.shortcuts import get_object_or_404, render
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from challenges.models import Phase

from .compute import leaderboard


class PhaseLeaderboard(APIView):
    permission_classes = [AllowAny]

    def get(self, request, phase_id):
        return Response(leaderboard(get_object_or_404(Phase, pk=phase_id)))


def leaderboard_page(request, slug, phase_slug):
    phase = get_object_or_404(Phase.objects.select_related("challenge"), challenge__slug=slug, slug=phase_slug)
    return render(request, "leaderboard/leaderboard.html", {"phase": phase, "board": leaderboard(phase)})
