"""Who may submit and how often: roles, dates, limits per UTC day / in total / at once per team, the
time to retry, and which submissions count (not cancelled ones, not the platform's failures)."""

from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from challenges.models import Registration
from submissions.models import FailureCause, Status, Submission
from tests.platform.factories import PhaseFactory, UserFactory
from tests.platform.submissions.helpers import GOOD_CSV, client_for, participant, stored, team_with

pytestmark = pytest.mark.django_db


def upload(client, phase, **data):
    with mock.patch("submissions.tasks.score_submission.apply_async"):
        return client.post(f"/api/phases/{phase.pk}/submissions/", {"file": SimpleUploadedFile("p.csv", GOOD_CSV), **data},
                           format="multipart")


def next_midnight_utc() -> datetime:
    today = datetime.now(UTC).date()
    return datetime(today.year, today.month, today.day, tzinfo=UTC) + timedelta(days=1)


def test_daily_limit_refuses_with_the_time_to_retry():
    phase = PhaseFactory(limit_per_day=2, limit_concurrent=0)
    client = client_for(participant(phase.challenge))
    assert [upload(client, phase).status_code for _ in range(2)] == [201, 201]
    before = datetime.now(UTC)
    resp = upload(client, phase)
    assert resp.status_code == 429
    body = resp.json()
    midnight = next_midnight_utc()
    assert body["code"] == "daily_limit" and body["used"] == 2 and body["limit"] == 2
    assert datetime.fromisoformat(body["retry_at"]) == midnight
    # seconds to wait, rounded up: between (midnight - after) and (midnight - before) + 1
    assert (midnight - datetime.now(UTC)).total_seconds() - 1 <= body["retry_after_s"] <= (midnight - before).total_seconds() + 1
    assert resp["Retry-After"] == str(body["retry_after_s"])
    assert midnight.isoformat() in body["detail"]
    assert Submission.objects.count() == 2


def test_submissions_of_earlier_days_do_not_count_today():
    phase = PhaseFactory(limit_per_day=1, limit_concurrent=0)
    user = participant(phase.challenge)
    old = stored(phase, user)
    Submission.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=1, minutes=1))
    assert upload(client_for(user), phase).status_code == 201


@pytest.mark.parametrize("status,cause,counts", [
    (Status.FAILED, FailureCause.PLATFORM, False),
    (Status.CANCELLED, FailureCause.NONE, False),
    (Status.FAILED, FailureCause.PARTICIPANT, True),
    (Status.SUCCEEDED, FailureCause.NONE, True),
])
def test_platform_failures_and_cancelled_jobs_do_not_count(status, cause, counts):
    phase = PhaseFactory(limit_per_day=1, limit_total=0, limit_concurrent=0)
    user = participant(phase.challenge)
    previous = stored(phase, user, status=status, failure_cause=cause)
    assert previous.counts_against_limits is counts
    resp = upload(client_for(user), phase)
    assert resp.status_code == (429 if counts else 201), resp.json()


def test_a_platform_failure_while_scoring_gives_the_quota_back(settings):
    phase = PhaseFactory(limit_per_day=1, limit_concurrent=0)
    user = participant(phase.challenge)
    client = client_for(user)
    first = upload(client, phase).json()["id"]
    from submissions.tasks import score_submission

    with mock.patch("submissions.tasks.score_submission_file", side_effect=OSError("storage unavailable")):
        assert score_submission.run(first) == "failed"
    sub = Submission.objects.get(pk=first)
    assert (sub.status, sub.failure_cause) == (Status.FAILED, FailureCause.PLATFORM)
    assert "does not count against your limits" in sub.error_message
    assert upload(client, phase).status_code == 201


def test_total_limit():
    phase = PhaseFactory(limit_per_day=0, limit_total=2, limit_concurrent=0)
    user = participant(phase.challenge)
    stored(phase, user), stored(phase, user)
    resp = upload(client_for(user), phase)
    assert resp.status_code == 403 and resp.json()["code"] == "total_limit" and "retry_at" not in resp.json()


def test_concurrent_limit_names_the_unfinished_submissions():
    phase = PhaseFactory(limit_concurrent=1)
    user = participant(phase.challenge)
    running = stored(phase, user, status=Status.RUNNING)
    resp = upload(client_for(user), phase)
    assert resp.status_code == 429 and resp.json()["code"] == "concurrent_limit"
    assert resp.json()["unfinished"] == [running.pk] and str(running.pk) in resp.json()["detail"]


def test_a_team_shares_its_limits_and_records_the_team():
    phase = PhaseFactory(limit_per_day=1, limit_concurrent=0)
    a, b, solo = (participant(phase.challenge) for _ in range(3))
    team = team_with(phase.challenge, a, b)
    resp = upload(client_for(a), phase)
    assert resp.status_code == 201 and Submission.objects.get(pk=resp.json()["id"]).team == team
    refused = upload(client_for(b), phase)
    assert refused.status_code == 429 and "team team" in refused.json()["detail"]
    # a participant without a team has a quota of their own
    assert upload(client_for(solo), phase).status_code == 201


@pytest.mark.parametrize("limits, code", [({"limit_per_day": 1}, "daily_limit"), ({"limit_total": 1}, "total_limit"),
                                           ({"limit_concurrent": 1}, "concurrent_limit")])
def test_leaving_a_team_or_moving_to_another_gives_no_fresh_quota(limits, code):
    """A person's usage is the larger of their team's and their own (made in any team)."""
    from challenges import teams

    phase = PhaseFactory(**{"limit_per_day": 0, "limit_total": 0, "limit_concurrent": 0, **limits})
    a, b, c = (participant(phase.challenge) for _ in range(3))
    first = team_with(phase.challenge, a, b)
    resp = upload(client_for(a), phase)
    assert resp.status_code == 201 and Submission.objects.get(pk=resp.json()["id"]).team == first
    teams.leave(a, first)
    alone = upload(client_for(a), phase)  # solo now: their own submission in the team still counts
    assert alone.json()["code"] == code and alone.json()["detail"].startswith("you "), alone.json()
    assert upload(client_for(b), phase).json()["code"] == code  # the team's count is unchanged
    team_with(phase.challenge, a, c, name="other")
    moved = upload(client_for(a), phase)
    assert moved.json()["code"] == code and moved.json()["detail"].startswith("you "), moved.json()
    assert upload(client_for(c), phase).status_code == 201  # their new teammate's quota is the team's
    assert Submission.objects.count() == 2


def test_phase_dates_refuse_with_the_dates():
    now = timezone.now()
    later = PhaseFactory(opens_at=now + timedelta(days=2))
    client = client_for(participant(later.challenge))
    resp = upload(client, later)
    assert resp.status_code == 403 and resp.json()["code"] == "phase_not_open"
    assert datetime.fromisoformat(resp.json()["opens_at"]) == later.opens_at
    assert 2 * 86400 - 5 <= resp.json()["retry_after_s"] <= 2 * 86400 + 1
    closed = PhaseFactory(closes_at=now - timedelta(hours=1))
    resp = upload(client_for(participant(closed.challenge)), closed)
    assert resp.status_code == 403 and resp.json()["code"] == "phase_closed"
    assert datetime.fromisoformat(resp.json()["closes_at"]) == closed.closes_at


@pytest.mark.parametrize("status,why", [(Registration.Status.PENDING, "awaits the organizers' approval"),
                                        (Registration.Status.REJECTED, "was not approved")])
def test_only_approved_participants_submit(status, why):
    phase = PhaseFactory()
    resp = upload(client_for(participant(phase.challenge, status=status)), phase)
    assert resp.status_code == 403 and resp.json()["code"] == "not_participant" and why in resp.json()["detail"]
    resp = upload(client_for(UserFactory()), phase)
    assert resp.status_code == 403 and "register for the challenge" in resp.json()["detail"]


def test_organizers_submit_baselines_without_limits_and_participants_cannot():
    phase = PhaseFactory(limit_per_day=1, limit_concurrent=1, closes_at=timezone.now() - timedelta(days=1))
    organizer = UserFactory()
    phase.challenge.organizers.add(organizer)
    client = client_for(organizer)
    ids = [upload(client, phase, is_baseline="true").json()["id"] for _ in range(3)]
    assert all(Submission.objects.get(pk=i).is_baseline for i in ids)
    open_phase = PhaseFactory()
    resp = upload(client_for(participant(open_phase.challenge)), open_phase, is_baseline="true")
    assert resp.status_code == 403 and resp.json()["code"] == "baseline_not_allowed"


def test_links_are_checked_and_stored():
    phase = PhaseFactory()
    client = client_for(participant(phase.challenge))
    resp = upload(client, phase, code_url="javascript:alert(1)")
    assert resp.status_code == 400 and resp.json()["problems"][0]["code"] == "bad_url"
    resp = upload(client, phase, code_url="https://github.com/x/y", paper_url="https://arxiv.org/abs/1", method_description="UNet")
    sub = Submission.objects.get(pk=resp.json()["id"])
    assert (sub.code_url, sub.paper_url, sub.method_description) == ("https://github.com/x/y", "https://arxiv.org/abs/1", "UNet")


def test_an_oversized_upload_is_refused_before_its_body_is_read(settings):
    settings.PODIUM_MAX_UPLOAD_BYTES = 1000
    phase = PhaseFactory()
    client = client_for(participant(phase.challenge))
    big = b"case_id,score\n" + b"c1,0.5\n" * 60_000  # 420 kB: over the limit plus the form overhead (256 KiB)
    with mock.patch("django.http.request.HttpRequest._load_post_and_files") as parse:
        resp = client.post(f"/api/phases/{phase.pk}/submissions/", {"file": SimpleUploadedFile("p.csv", big)}, format="multipart")
    assert resp.status_code == 413 and resp.json()["code"] == "file_too_large" and "the limit for a predictions file is 1,000 bytes" in resp.json()["detail"]
    assert not parse.called and Submission.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_uploads_cannot_both_take_the_last_slot():
    """Both requests pass the early limit check and validate at the same time; the entrant's row lock
    makes the second re-check see the first one's submission."""
    import threading

    from django.db import connection

    from submissions import services

    phase = PhaseFactory(limit_per_day=1, limit_concurrent=0)
    a, b = participant(phase.challenge), participant(phase.challenge)
    team_with(phase.challenge, a, b)
    both_validating = threading.Barrier(2, timeout=10)
    real_validate = services.validate_upload

    def validate_together(phase, upload):
        both_validating.wait()
        return real_validate(phase, upload)

    codes = {}

    def submit(user):
        try:
            codes[user.username] = client_for(user).post(
                f"/api/phases/{phase.pk}/submissions/", {"file": SimpleUploadedFile("p.csv", GOOD_CSV)}, format="multipart").status_code
        finally:
            connection.close()

    with mock.patch("submissions.services.validate_upload", side_effect=validate_together), \
            mock.patch("submissions.tasks.score_submission.apply_async"):
        threads = [threading.Thread(target=submit, args=(u,)) for u in (a, b)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=30)
    assert sorted(codes.values()) == [201, 429]
    assert Submission.objects.count() == 1


def test_a_phase_whose_ground_truth_does_not_read_refuses_without_storing():
    from django.core.files.base import ContentFile

    phase = PhaseFactory(ground_truth=ContentFile(b"case_id,label\nc1,7\n", name="truth.csv"))
    resp = upload(client_for(participant(phase.challenge)), phase)
    assert resp.status_code == 503 and resp.json()["code"] == "phase_not_ready"
    assert Submission.objects.count() == 0
