"""evaluate(replicate_cache=...): cached replicates are reused, new ones computed, and the results are
identical to an evaluation without a cache."""

import numpy as np

from mlcore.eval import get_task
from mlcore.eval.evaluator import evaluate
from mlcore.eval.tasks import GroundTruth


class DictCache:
    def __init__(self):
        self.store, self.gets, self.puts = {}, 0, 0

    def get(self, plan, metric, entry):
        self.gets += 1
        return self.store.get((plan.seed, plan.n_resamples, metric, entry))

    def put(self, plan, metric, entry, values, point):
        self.puts += 1
        self.store[(plan.seed, plan.n_resamples, metric, entry)] = np.array(values)


def test_cache_reuses_existing_entries_and_matches_a_fresh_evaluation():
    rng = np.random.default_rng(3)
    y = rng.integers(0, 2, 300)
    truth = GroundTruth(tuple(f"c{i}" for i in range(300)), y)
    preds = {f"e{k}": y * rng.normal(1 + k / 4, 1, 300) + rng.normal(0, 1, 300) for k in range(4)}
    settings = {"metrics": ["auc", "average_precision"], "bootstrap": {"n_resamples": 300, "seed": 11}}
    cache = DictCache()
    evaluate(get_task("binary"), truth, {k: preds[k] for k in ("e0", "e1", "e2")}, replicate_cache=cache, **settings)
    assert cache.puts == 6
    with_cache = evaluate(get_task("binary"), truth, preds, replicate_cache=cache, **settings)
    assert cache.puts == 8  # only the new entry's two metrics were computed
    fresh = evaluate(get_task("binary"), truth, preds, **settings)
    assert with_cache.to_dict()["results"] == fresh.to_dict()["results"]
    assert with_cache.to_dict()["pairwise"] == fresh.to_dict()["pairwise"]
