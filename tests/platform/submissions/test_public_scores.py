"""While a phase runs, participants see their scores on the public cases only; organizers, and everyone
after the end, see the scores on all cases. Values checked against scikit-learn."""

from datetime import timedelta

import pandas as pd
import pytest
from django.utils import timezone
from rest_framework.test import APIClient
from sklearn.metrics import roc_auc_score

from leaderboard.compute import subset_case_ids
from tests.platform.leaderboard.helpers import scored_demo_phase

pytestmark = pytest.mark.django_db


def auc_on(bundle, entry_file, case_ids=None) -> float:
    frame = pd.read_csv(bundle / "hidden" / "truth.csv").merge(pd.read_csv(entry_file), on="case_id")
    if case_ids is not None:
        frame = frame[frame.case_id.isin(case_ids)]
    return roc_auc_score(frame["label"], frame["score"])


def test_participants_see_public_case_scores_until_the_phase_ends(tmp_path, django_user_model):
    phase, bundle, files, subs = scored_demo_phase(tmp_path, metrics=("auc",))
    alice = subs["alice"]
    public = subset_case_ids(phase, "public")
    organizer = django_user_model.objects.create_user("org")
    phase.challenge.organizers.add(organizer)
    mine, theirs = APIClient(), APIClient()
    mine.force_authenticate(alice.creator)
    theirs.force_authenticate(organizer)
    url = f"/api/submissions/{alice.pk}/"
    assert mine.get(url).json()["scores"]["auc"] == pytest.approx(auc_on(bundle, files["alice"], public), abs=1e-12)
    assert theirs.get(url).json()["scores"]["auc"] == pytest.approx(auc_on(bundle, files["alice"]), abs=1e-12)
    assert auc_on(bundle, files["alice"], public) != auc_on(bundle, files["alice"])
    phase.closes_at = timezone.now() - timedelta(seconds=1)
    phase.save()
    assert mine.get(url).json()["scores"]["auc"] == pytest.approx(auc_on(bundle, files["alice"]), abs=1e-12)


def test_published_per_case_values_cover_public_cases_until_the_end():
    from challenges.models import Case
    from submissions.models import Status
    from submissions.tasks import score_submission
    from tests.platform.factories import UserFactory
    from tests.platform.submissions.helpers import client_for, participant, stored
    from tests.platform.submissions.phases import CORPUS, segmentation_phase

    phase = segmentation_phase(publish_per_case=True)
    Case.objects.filter(phase=phase, case_id="c2").update(subset="private")
    user, organizer = participant(phase.challenge), UserFactory()
    phase.challenge.organizers.add(organizer)
    sub = stored(phase, user, status=Status.QUEUED, content=(CORPUS / "segmentation" / "truth.zip").read_bytes())
    assert score_submission.run(sub.pk) == "succeeded"
    assert client_for(user).get(f"/api/submissions/{sub.pk}/").json()["per_case"]["case_ids"] == ["c1", "c3"]
    assert client_for(organizer).get(f"/api/submissions/{sub.pk}/").json()["per_case"]["case_ids"] == ["c1", "c2", "c3"]
