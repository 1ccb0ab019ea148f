"""mlcore.eval: metrics, tasks, statistics and reports. Plain library: no Django, no torch.

The one scoring entry point is `evaluate(task, truth, predictions_by_entry, metrics, bootstrap, tests,
ranking) -> Evaluation`. The leaderboard's incremental path uses the engine directly:
`BootstrapPlan` (shared resamples), `replicates(plan, statistic)` per entry, and
`compare_entries(points, replicates, ...)` for intervals, rank distributions, tests and tie groups.
"""

from .evaluation import Evaluation
from .evaluator import evaluate
from .problems import InvalidInput, Problem
from .settings import BootstrapSettings, RankingSettings, TestSettings
from .stats.compare import compare_entries
from .stats.engine import jackknife, replicates, replicates_many
from .stats.plan import BootstrapPlan
from .tasks import GroundTruth, Task, get_task

__all__ = ["InvalidInput", "Problem", "GroundTruth", "Task", "get_task", "evaluate", "Evaluation", "BootstrapPlan",
           "replicates", "replicates_many", "jackknife", "compare_entries", "BootstrapSettings", "TestSettings",
           "RankingSettings"]
