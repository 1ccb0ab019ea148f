"""Leaderboard API (JSON, CSV, statistics, HTML report) and page; all answer from the cached snapshot."""

import csv
import io
import json

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from rest_framework.authentication import TokenAuthentication

from challenges import roles
from challenges.models import Phase

from .compute import public_figures
from .hot_cache import cached
from .models import Snapshot
from .visibility import default_subset, visible_subsets


def _private(response):
    """What a reader may see depends on who they are: no shared cache may keep it."""
    response["Cache-Control"] = "private, max-age=0"
    response["Vary"] = "Cookie, Authorization"
    return response


def _user(request):
    """Session user, or the user of an API token (these plain views skip DRF for speed)."""
    if request.user.is_authenticated or "HTTP_AUTHORIZATION" not in request.META:
        return request.user
    try:
        found = TokenAuthentication().authenticate(request)
    except Exception:
        return request.user
    return found[0] if found else request.user


def _subset(request, user, phase) -> str:
    """The case subset asked for (default: the one the reader sees first); refused when not visible."""
    subset = request.GET.get("subset") or default_subset(user, phase)
    if subset is None:
        raise PermissionDenied("the leaderboard of this phase is not visible to you")
    if subset not in ("public", "private"):
        raise Http404(f"unknown subset {subset!r}: expected public or private")
    if subset not in visible_subsets(user, phase):
        raise PermissionDenied(f"the {subset} leaderboard of this phase is not visible to you")
    return subset


def _snapshot(request, phase, field="document"):
    """(user, subset, snapshot with only `field` loaded): statistics and figures are megabytes."""
    user = _user(request)
    subset = _subset(request, user, phase)
    return user, subset, Snapshot.objects.filter(phase=phase, subset=subset).only("pk", field).first()


def _pending(phase, subset):
    return {"phase": phase.pk, "subset": subset, "status": "pending", "rows": [],
            "detail": "no scored entries yet, or the leaderboard is being computed"}


def _cached_phase(phase_id):
    phase = cached(("phase", phase_id), lambda: Phase.objects.select_related("challenge").filter(pk=phase_id).first())
    if phase is None:
        raise Http404("no such phase")
    return phase


def leaderboard_json(request, phase_id):
    """The hottest read: the cached document, from a per-process cache of at most one second."""
    phase = _cached_phase(phase_id)
    try:
        subset = _subset(request, _user(request), phase)
    except PermissionDenied as exc:
        return JsonResponse({"detail": str(exc)}, status=403)
    document = cached(("document", phase_id, subset), lambda: Snapshot.objects.filter(
        phase_id=phase_id, subset=subset).values_list("document", flat=True).first())
    if document is None:
        return _private(JsonResponse(_pending(phase, subset)))
    return _private(HttpResponse(document, content_type="application/json"))


def leaderboard_statistics(request, phase_id):
    phase = get_object_or_404(Phase, pk=phase_id)
    try:
        _, subset, snap = _snapshot(request, phase, "statistics")
    except PermissionDenied as exc:
        return JsonResponse({"detail": str(exc)}, status=403)
    return _private(HttpResponse(snap.statistics, content_type="application/json") if snap else JsonResponse(_pending(phase, subset)))


def leaderboard_csv(request, phase_id):
    phase = get_object_or_404(Phase, pk=phase_id)
    _, subset, snap = _snapshot(request, phase)
    doc = json.loads(snap.document) if snap else _pending(phase, subset)
    metrics = [m["name"] for m in doc.get("metrics", [])]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["rank", "entry", "team", "participant", "is_baseline", "median_rank", "rank_ci_low", "rank_ci_high",
                     "p_best", "tier", *[f"{m}_{k}" for m in metrics for k in ("estimate", "ci_low", "ci_high")], "submitted"])
    for r in doc["rows"]:
        rank_ci = r["rank_ci"] or [None, None]
        writer.writerow([r["rank"], r["entry"], r["team"], r["participant"], r["is_baseline"], r["median_rank"], *rank_ci,
                         r["p_best"], r["tier"], *[r["metrics"][m][k] for m in metrics for k in ("estimate", "ci_low", "ci_high")],
                         r["created_at"]])
    response = HttpResponse(out.getvalue(), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="{phase.challenge.slug}-{phase.slug}-{subset}-leaderboard.csv"'
    return _private(response)


def leaderboard_report(request, phase_id):
    """A self-contained HTML report (plotly.js inside) for the organizers' challenge paper."""
    from .compute import evaluate_subset
    from .entries import entry_names, select_entries

    phase = get_object_or_404(Phase, pk=phase_id)
    if not roles.is_organizer(_user(request), phase.challenge):
        raise PermissionDenied("the full report, with per-case values, is for organizers")
    subset = request.GET.get("subset") or "public"
    teams, baselines = select_entries(phase)
    ev = evaluate_subset(phase, subset, entry_names(teams + baselines))
    if ev is None:
        raise Http404("no scored entries or no cases in this subset")
    response = HttpResponse(ev.to_html(), content_type="text/html")
    response["Content-Disposition"] = f'attachment; filename="{phase.challenge.slug}-{phase.slug}-{subset}-report.html"'
    return response


def leaderboard_page(request, slug, phase_slug):
    phase = get_object_or_404(Phase.objects.select_related("challenge"), challenge__slug=slug, slug=phase_slug)
    user, subset, snap = _snapshot(request, phase)
    organizer = roles.is_organizer(user, phase.challenge)
    if snap:
        snap = Snapshot.objects.only("document", "figures", "organizer_figures").get(pk=snap.pk)
    doc = json.loads(snap.document) if snap else _pending(phase, subset)
    figures = json.loads(snap.organizer_figures if organizer else snap.figures) if snap else {}
    if not organizer:  # the phase's settings now, not when the snapshot was computed
        figures = {name: fig for name, fig in public_figures(figures, phase.publish_per_case).items()
                   if name != "roc" or phase.has_ended()}
    return render(request, "leaderboard/leaderboard.html", {
        "phase": phase, "doc": doc, "subset": subset, "subsets": visible_subsets(user, phase), "figures": figures,
        "is_organizer": organizer, "metrics": doc.get("metrics", []),
    })
