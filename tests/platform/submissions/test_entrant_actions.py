"""What entrants and organizers do with a submission: final choice, hiding and disqualifying with a
reason, cancelling; what participants see (scores when visible, per-case values only when published)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from challenges.models import Phase
from submissions.models import Status
from submissions.tasks import score_submission
from tests.platform.factories import PhaseFactory, UserFactory
from tests.platform.submissions.helpers import client_for, participant, stored, team_with
from tests.platform.submissions.phases import CORPUS, segmentation_phase

pytestmark = pytest.mark.django_db


def test_a_team_marks_one_final_submission():
    phase = PhaseFactory()
    a, b = participant(phase.challenge), participant(phase.challenge)
    team = team_with(phase.challenge, a, b)
    first, second = stored(phase, a, team), stored(phase, b, team)
    queued = stored(phase, a, team, status=Status.QUEUED)
    client = client_for(b)
    assert client.post(f"/api/submissions/{first.pk}/final/", {"is_final": True}, format="json").json()["is_final"] is True
    assert client.post(f"/api/submissions/{second.pk}/final/", {"is_final": True}, format="json").status_code == 200
    first.refresh_from_db(), second.refresh_from_db()
    assert (first.is_final, second.is_final) == (False, True)
    resp = client.post(f"/api/submissions/{queued.pk}/final/", {"is_final": True}, format="json")
    assert resp.status_code == 400 and resp.json()["code"] == "not_scored"
    assert client.post(f"/api/submissions/{second.pk}/final/", {"is_final": False}, format="json").json()["is_final"] is False


def test_organizers_hide_and_disqualify_with_a_reason_and_lift_it():
    phase = PhaseFactory()
    organizer, user = UserFactory(), participant(phase.challenge)
    phase.challenge.organizers.add(organizer)
    sub = stored(phase, user)
    client = client_for(organizer)
    resp = client.post(f"/api/submissions/{sub.pk}/moderation/", {"disqualified_reason": "used the test labels"}, format="json")
    assert resp.status_code == 200 and resp.json()["disqualified_reason"] == "used the test labels"
    mine = client_for(user).get(f"/api/submissions/{sub.pk}/").json()
    assert mine["disqualified_reason"] == "used the test labels"  # the participant sees why
    assert client.post(f"/api/submissions/{sub.pk}/moderation/", {}, format="json").status_code == 400
    client.post(f"/api/submissions/{sub.pk}/moderation/", {"disqualified_reason": "", "hidden_reason": "duplicate"}, format="json")
    sub.refresh_from_db()
    assert (sub.disqualified_reason, sub.hidden_reason) == ("", "duplicate")


def test_cancelling_an_unfinished_submission():
    phase = PhaseFactory()
    user = participant(phase.challenge)
    sub = stored(phase, user, status=Status.QUEUED)
    resp = client_for(user).post(f"/api/submissions/{sub.pk}/cancel/")
    assert resp.status_code == 200 and resp.json()["status"] == "cancelled" and resp.json()["counts_against_limits"] is False
    assert score_submission.run(sub.pk) == "skipped"  # a message still on the broker finds it cancelled


@pytest.mark.parametrize("visibility,ended,visible", [
    (Phase.Visibility.PUBLIC, False, True),
    (Phase.Visibility.PRIVATE_UNTIL_END, False, False),
    (Phase.Visibility.PRIVATE_UNTIL_END, True, True),
    (Phase.Visibility.HIDDEN, True, False),
])
def test_scores_are_shown_when_the_phase_shows_them(visibility, ended, visible):
    closes = timezone.now() + timedelta(days=-1 if ended else 1)
    phase = PhaseFactory(leaderboard_visibility=visibility, closes_at=closes)
    user, organizer = participant(phase.challenge), UserFactory()
    phase.challenge.organizers.add(organizer)
    sub = stored(phase, user, scores={"auc": 0.75}, public_scores={"auc": 0.7})
    # a participant sees the public cases' scores while the phase runs, all cases' once it has ended
    expected = ({"auc": 0.75} if ended else {"auc": 0.7}) if visible else None
    assert client_for(user).get(f"/api/submissions/{sub.pk}/").json()["scores"] == expected
    assert client_for(organizer).get(f"/api/submissions/{sub.pk}/").json()["scores"] == {"auc": 0.75}


@pytest.mark.parametrize("published", [False, True])
def test_per_case_scores_only_when_published(published):
    phase = segmentation_phase(publish_per_case=published)
    user, organizer = participant(phase.challenge), UserFactory()
    phase.challenge.organizers.add(organizer)
    sub = stored(phase, user, status=Status.QUEUED, content=(CORPUS / "segmentation" / "truth.zip").read_bytes())
    assert score_submission.run(sub.pk) == "succeeded"
    mine = client_for(user).get(f"/api/submissions/{sub.pk}/").json()
    theirs = client_for(organizer).get(f"/api/submissions/{sub.pk}/").json()
    # the prediction is the reference itself: Dice 1 in every case
    assert theirs["per_case"] == {"case_ids": ["c1", "c2", "c3"], "values": {"dice": [1.0, 1.0, 1.0]}}
    assert mine["per_case"] == (theirs["per_case"] if published else None)
    assert client_for(user).get(f"/api/phases/{phase.pk}/submissions/").json()[0]["per_case"] is None  # list: never
    page = client_for(user)
    page.force_login(user)
    html = page.get(f"/submissions/{sub.pk}/").content.decode()
    assert ('id="per-case"' in html) is published and ("not published" in html) is not published
    assert "<td>c2</td><td class=\"num\">1.0000</td>" in html if published else "<td>c2</td>" not in html


def test_the_submit_page_shows_the_form_and_my_submissions():
    phase = PhaseFactory()
    user = participant(phase.challenge)
    client = client_for(user)
    client.force_login(user)
    page = client.get(f"/challenges/{phase.challenge.slug}/{phase.slug}/submit/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="submit-form"' in html and f'data-url="/api/phases/{phase.pk}/submissions/"' in html
    refused = client_for(UserFactory())
    refused.force_login(UserFactory())
    html = refused.get(f"/challenges/{phase.challenge.slug}/{phase.slug}/submit/").content.decode()
    assert 'id="submit-form"' not in html and "register for the challenge" in html


def test_the_rescore_page_starts_a_job_and_shows_its_progress(django_capture_on_commit_callbacks):
    from unittest import mock

    from submissions.models import RescoreJob

    phase = PhaseFactory()
    organizer, user = UserFactory(), participant(PhaseFactory().challenge)
    phase.challenge.organizers.add(organizer)
    for _ in range(3):
        stored(phase, user)
    client = client_for(organizer)
    client.force_login(organizer)
    url = f"/challenges/{phase.challenge.slug}/{phase.slug}/rescore/"
    with mock.patch("submissions.tasks.rescore_phase.apply_async") as send, django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"reason": "fixed the ground truth of c4"}).status_code == 302
    job = RescoreJob.objects.get()
    assert send.call_args.args == ((job.pk,),) and job.total == 3
    RescoreJob.objects.filter(pk=job.pk).update(done=2, status=RescoreJob.State.RUNNING)
    html = client.get(url).content.decode()
    assert "fixed the ground truth of c4" in html and "2 / 3" in html and 'value="2"' in html
    api = client.get(f"/api/rescore-jobs/{job.pk}/").json()
    assert (api["done"], api["total"], api["progress"]) == (2, 3, pytest.approx(2 / 3))


def test_listing_submissions_does_not_query_per_row(django_assert_max_num_queries):
    phase = PhaseFactory()
    user = participant(phase.challenge)
    for _ in range(25):
        stored(phase, user)
    client = client_for(user)
    with django_assert_max_num_queries(12):
        assert len(client.get(f"/api/phases/{phase.pk}/submissions/").json()) == 25
