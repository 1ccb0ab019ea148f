"""The scoring task, called in-process: state changes, the stored score, idempotence."""

import numpy as np
import pytest
from django.core.files.base import ContentFile

from submissions.models import IllegalTransition, Status, Submission
from submissions.tasks import score_submission
from tests.platform.factories import PhaseFactory, UserFactory

pytestmark = pytest.mark.django_db

# Positives score 0.9, 0.7, 0.4; negatives 0.8, 0.1, 0.5. Pairs where the positive is higher:
# 0.9 beats 3, 0.7 beats 2 (0.1, 0.5), 0.4 beats 1 (0.1): AUC = 6 / 9.
SCORES = "case_id,score\nc1,0.9\nc2,0.8\nc3,0.7\nc4,0.1\nc5,0.4\nc6,0.5\n"


def make_submission(content: str) -> Submission:
    sub = Submission(phase=PhaseFactory(), creator=UserFactory(), status=Status.QUEUED)
    sub.file.save("p.csv", ContentFile(content.encode()), save=False)
    sub.save()
    return sub


def test_scoring_stores_the_auc_and_aligned_predictions():
    sub = make_submission(SCORES)
    assert score_submission.run(sub.pk) == "succeeded"
    sub.refresh_from_db()
    assert sub.status == Status.SUCCEEDED and sub.attempts == 1 and sub.finished_at
    assert sub.scores["auc"] == pytest.approx(6 / 9, abs=1e-12)
    np.testing.assert_array_equal(np.load(sub.predictions.open("rb")), [0.9, 0.8, 0.7, 0.1, 0.4, 0.5])


def test_scoring_twice_leaves_the_first_result():
    sub = make_submission(SCORES)
    score_submission.run(sub.pk)
    first = Submission.objects.get(pk=sub.pk)
    assert score_submission.run(sub.pk) == "skipped"
    again = Submission.objects.get(pk=sub.pk)
    assert (again.status, again.scores, again.attempts, again.finished_at) == (first.status, first.scores, 1, first.finished_at)


def test_a_file_that_became_invalid_fails_with_the_reason():
    sub = make_submission("case_id,score\nc1,0.9\n")
    assert score_submission.run(sub.pk) == "failed"
    sub.refresh_from_db()
    assert sub.status == Status.FAILED and "missing: c2, c3, c4, c5, c6" in sub.error_message
    # it passed validation at upload, so the phase changed since: the platform's failure, not counted
    assert sub.failure_cause == "platform" and not sub.counts_against_limits


def test_state_machine_refuses_skipping_states():
    sub = Submission(status=Status.QUEUED)
    with pytest.raises(IllegalTransition, match="queued -> succeeded"):
        sub.move_to(Status.SUCCEEDED)
    sub.move_to(Status.RUNNING)
    assert sub.status == Status.RUNNING
