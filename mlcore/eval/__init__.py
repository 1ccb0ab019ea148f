"""mlcore.eval: metrics, tasks, statistics and reports. Plain library: no Django, no torch."""

from .problems import InvalidInput, Problem
from .tasks import GroundTruth, Task, get_task

__all__ = ["InvalidInput", "Problem", "GroundTruth", "Task", "get_task"]
