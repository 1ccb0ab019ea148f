"""Review findings: figures follow the phase's current settings; phase edits refresh the leaderboard;
a lost refresh message does not stall it; `best` selection judges public cases only; responses are
private to their reader; the per-process cache never serves one reader's answer to another."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from leaderboard.entries import select_entries
from leaderboard.models import LeaderboardState
from leaderboard.refresh import recompute, request_refresh
from submissions.models import Submission
from tests.platform.leaderboard.helpers import scored_demo_phase

pytestmark = pytest.mark.django_db


def page(client, phase):
    return client.get(f"/challenges/{phase.challenge.slug}/{phase.slug}/leaderboard/").content.decode()


def test_unpublishing_per_case_values_or_reopening_hides_their_figures_at_once(tmp_path, client):
    phase, _, _, _ = scored_demo_phase(tmp_path, metrics=("brier",))
    phase.publish_per_case, phase.closes_at = True, timezone.now() - timedelta(minutes=1)
    phase.save()
    recompute(phase)
    assert 'data-figure="per_case_brier"' in page(client, phase) and 'data-figure="roc"' in page(client, phase)
    # the snapshot is not recomputed here (the refresh runs on a worker): the page filters at serve time
    phase.publish_per_case, phase.closes_at = False, timezone.now() + timedelta(days=1)
    phase.save()
    html = page(client, phase)
    assert 'data-figure="per_case_brier"' not in html and 'data-figure="roc"' not in html


def test_phase_edits_request_a_refresh_and_a_lost_message_is_sent_again(tmp_path, django_capture_on_commit_callbacks):
    phase, _, _, _ = scored_demo_phase(tmp_path, metrics=("auc",))
    LeaderboardState.objects.filter(phase=phase).update(pending=False)
    with django_capture_on_commit_callbacks() as callbacks:
        phase.title = "Final test"
        phase.save()
    assert len(callbacks) == 1 and LeaderboardState.objects.get(phase=phase).pending
    with django_capture_on_commit_callbacks() as callbacks:
        assert request_refresh(phase.pk) is False  # pending, recently: coalesced
    LeaderboardState.objects.filter(phase=phase).update(requested_at=timezone.now() - timedelta(minutes=10))
    with django_capture_on_commit_callbacks() as callbacks:
        assert request_refresh(phase.pk) is True  # pending for ten minutes: its message was lost
    assert len(callbacks) == 1


def test_best_entry_is_chosen_on_public_cases_only(tmp_path):
    phase, _, _, subs = scored_demo_phase(tmp_path, metrics=("auc",))
    phase.entry_selection = "best"
    phase.save()
    alice = subs["alice"]
    worse_public = Submission.objects.get(pk=subs["bob"].pk)
    worse_public.pk, worse_public.creator = None, alice.creator
    worse_public.scores, worse_public.public_scores = {"auc": 1.0}, {"auc": 0.5}  # best overall, worst in public
    worse_public.save()
    teams, _ = select_entries(phase)
    assert next(s for s in teams if s.creator_id == alice.creator_id).pk == alice.pk


def test_leaderboard_answers_are_private_and_the_cache_keeps_readers_apart(tmp_path, client, settings, django_user_model):
    phase, _, _, _ = scored_demo_phase(tmp_path, metrics=("auc",))
    recompute(phase)
    settings.PODIUM_HOT_CACHE_SECONDS = 60
    organizer = django_user_model.objects.create_user("org")
    phase.challenge.organizers.add(organizer)
    url = f"/api/phases/{phase.pk}/leaderboard/?subset=private"
    client.force_login(organizer)
    resp = client.get(url)
    assert resp.status_code == 200 and json.loads(resp.content)["subset"] == "private"
    assert resp["Cache-Control"] == "private, max-age=0" and "Authorization" in resp["Vary"]
    client.logout()
    assert client.get(url).status_code == 403  # the organizer's cached answer is not served to others
