from django.shortcuts import get_object_or_404, render

from .models import Challenge


def home(request):
    return render(request, "challenges/home.html", {"challenges": Challenge.objects.prefetch_related("phases")})


def challenge_detail(request, slug):
    challenge = get_object_or_404(Challenge, slug=slug)
    return render(request, "challenges/challenge.html", {"challenge": challenge, "phases": challenge.phases.all()})
