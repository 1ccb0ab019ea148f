"""Edge cases found in review: few positives with several entries, clustered verdicts, undefined
resamples in rank distributions, a ragged first CSV row, empty case ids in the truth."""

import numpy as np
import pytest

from mlcore.eval import InvalidInput, get_task
from mlcore.eval.evaluator import evaluate
from mlcore.eval.ranking.distribution import rank_distribution
from mlcore.eval.tasks import GroundTruth


def test_two_entries_with_a_single_positive_case_do_not_crash():
    y = np.array([1, 0, 0, 0, 0, 0])
    truth = GroundTruth(tuple(f"c{i}" for i in range(6)), y)
    preds = {"a": np.array([0.9, 0.1, 0.2, 0.3, 0.4, 0.5]), "b": np.array([0.3, 0.1, 0.2, 0.9, 0.4, 0.5])}
    ev = evaluate(get_task("binary"), truth, preds, bootstrap={"n_resamples": 50, "seed": 1})
    assert ev.result("a", "auc")["estimate"] == 1.0 and ev.result("b", "auc")["estimate"] == pytest.approx(0.4)
    assert ev.meta["ranking"]["verdict_test"] == "bootstrap"  # DeLong needs two cases of each class


def test_clustered_cases_are_judged_by_the_bootstrap_not_delong():
    rng = np.random.default_rng(0)
    y = np.repeat(rng.integers(0, 2, 40), 3)  # 40 patients, 3 cases each, one label per patient
    truth = GroundTruth(tuple(f"c{i}" for i in range(120)), y)
    preds = {"a": y + rng.normal(0, 1, 120), "b": y + rng.normal(0, 1.2, 120)}
    groups = tuple(np.repeat(np.arange(40), 3))
    ev = evaluate(get_task("binary"), truth, preds, bootstrap={"n_resamples": 100, "seed": 1, "groups": groups})
    assert ev.meta["ranking"]["verdict_test"] == "bootstrap"


def test_resamples_where_every_entry_is_undefined_are_left_out_of_p_best():
    reps = np.array([[0.9, 0.9, np.nan, np.nan], [0.5, 0.5, np.nan, np.nan]])
    dist = rank_distribution(reps)
    assert dist["p_best"].tolist() == [1.0, 0.0] and dist["rank_counts"].tolist() == [[2, 0], [0, 2]]


def test_a_ragged_first_row_is_reported_not_shifted():
    content = b"case_id,score\nc1,0.1,extra\nc2,0.2\n"
    _, problems = get_task("binary").validate_predictions(content, ["c1", "c2"])
    assert [p.code for p in problems] == ["ragged_row"] and "line 2" in problems[0].message


def test_truth_with_an_empty_case_id_is_refused():
    with pytest.raises(InvalidInput, match="empty case_id"):
        get_task("binary").read_truth(b"case_id,label\n,1\nc2,0\n")


def test_settings_are_checked_before_any_work():
    with pytest.raises(ValueError, match="level: expected a confidence level between 0 and 1, such as 0.95; found 95"):
        evaluate(get_task("binary"), GroundTruth(("a", "b"), np.array([1, 0])), {"e": np.array([0.9, 0.1])},
                 bootstrap={"level": 95})
    from mlcore.eval.settings import TestSettings

    with pytest.raises(ValueError, match="alpha: expected"):
        TestSettings(alpha=5)
    from mlcore.eval.stats.wilcoxon import wilcoxon_test

    with pytest.raises(ValueError, match="alternative must be"):
        wilcoxon_test([1.0, 2.0, 3.0], alternative="bigger")
