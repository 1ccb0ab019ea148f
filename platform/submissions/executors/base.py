"""The executor seam: run one algorithm image on prepared inputs under limits, return what happened.

`Executor.run(image, inputs_dir, outputs_dir, limits) -> RunResult` is the one entry point; the Docker
implementation lives in `docker_executor.py`. Nothing here imports Django or the docker SDK.
"""

from __future__ import annotations

import abc
import enum
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

#: Seconds between two calls of a run's heartbeat callback.
HEARTBEAT_S = 15.0
GiB = 1024**3
MiB = 1024**2
KiB = 1024


class Reason(enum.StrEnum):
    """Why a run ended. The value is a stable code; `message` is what a person reads."""

    COMPLETED = "completed"
    NONZERO_EXIT = "nonzero_exit"
    TIME_LIMIT = "time_limit"
    OUT_OF_MEMORY = "out_of_memory"
    PIDS_LIMIT = "pids_limit"
    NETWORK_UNREACHABLE = "network_unreachable"
    READ_ONLY_FILESYSTEM = "read_only_filesystem"
    OUTPUT_TOO_LARGE = "output_too_large"
    OUTPUT_INVALID = "output_invalid"
    IMAGE_INVALID = "image_invalid"
    CANCELLED = "cancelled"
    PLATFORM_ERROR = "platform_error"

    @property
    def message(self) -> str:
        return _MESSAGES[self]

    @property
    def platform_fault(self) -> bool:
        """True when the platform, not the participant's algorithm, caused the failure (no quota used)."""
        return self is Reason.PLATFORM_ERROR


_MESSAGES = {
    Reason.COMPLETED: "the algorithm exited with status 0",
    Reason.NONZERO_EXIT: "the algorithm exited with a non-zero status; see the log tail",
    Reason.TIME_LIMIT: "the algorithm ran past the phase's time limit and was stopped",
    Reason.OUT_OF_MEMORY: "the algorithm used more memory than the phase allows and was killed (out of memory)",
    Reason.PIDS_LIMIT: "the algorithm tried to start more processes or threads than the phase allows",
    Reason.NETWORK_UNREACHABLE: "the algorithm tried to reach the network; containers run without any network",
    Reason.READ_ONLY_FILESYSTEM: (
        "the algorithm tried to write outside /output and /tmp; the rest of the filesystem, /input included, "
        "is read-only"
    ),
    Reason.OUTPUT_TOO_LARGE: "the algorithm wrote more to /output than the phase allows; its outputs were discarded",
    Reason.OUTPUT_INVALID: "the algorithm's outputs do not match the phase's prediction format",
    Reason.IMAGE_INVALID: "the image cannot run in the sandbox (see the problems listed for the archive)",
    Reason.CANCELLED: "the run was cancelled before the algorithm finished",
    Reason.PLATFORM_ERROR: "the run failed because of a platform error; it does not count against your limits",
}


@dataclass(frozen=True)
class RunLimits:
    """Resource limits of one run.

    time_limit_s: wall time from start to kill, seconds. memory_bytes: RAM, also the memory+swap cap
    (no swap); tmpfs writes (/tmp, /dev/shm, /output) count towards it. cpus: CPU quota in cores.
    pids: processes plus threads. tmp_bytes: size of the /tmp tmpfs. output_bytes: size of /output.
    output_files: most files and folders /output may hold. log_tail_bytes: size of the returned log tail.
    """

    time_limit_s: float = 1200.0
    memory_bytes: int = 4 * GiB
    cpus: float = 1.0
    pids: int = 128
    tmp_bytes: int = 256 * MiB
    output_bytes: int = 1 * GiB
    output_files: int = 100_000
    log_tail_bytes: int = 64 * KiB

    def __post_init__(self):
        for name in ("time_limit_s", "memory_bytes", "cpus", "pids", "tmp_bytes", "output_bytes", "output_files", "log_tail_bytes"):
            value = getattr(self, name)
            if not value > 0:
                raise ValueError(f"RunLimits.{name} must be positive, found {value!r}")
        if self.memory_bytes < 6 * MiB:
            raise ValueError(f"RunLimits.memory_bytes must be at least 6 MiB (Docker's minimum), found {self.memory_bytes}")


@dataclass
class RunResult:
    """What one run produced.

    exit_code: the container's exit status (None when it never started). reason: why it ended.
    logs_tail: the last `limits.log_tail_bytes` of stdout and stderr (may show hidden inputs: organizers
    only, except for trial runs on public cases). duration: the container's own run time in seconds
    (engine's start to finish). outputs: files copied to `outputs_dir`, relative paths.
    detail: one line that adds to `reason.message` (e.g. the exit code, which limit). timings: seconds
    spent per step of the executor (create, start, wait, collect, remove), for benchmarks.
    """

    exit_code: int | None
    reason: Reason
    logs_tail: str
    duration: float
    outputs: list[str] = field(default_factory=list)
    output_bytes: int = 0
    skipped_outputs: list[str] = field(default_factory=list)
    detail: str = ""
    run_id: str = ""
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def succeeded(self) -> bool:
        return self.reason is Reason.COMPLETED

    @property
    def message(self) -> str:
        return f"{self.reason.message} ({self.detail})" if self.detail else self.reason.message

    def to_dict(self) -> dict:
        return {
            "exit_code": self.exit_code,
            "reason": self.reason.value,
            "message": self.message,
            "duration": self.duration,
            "outputs": list(self.outputs),
            "output_bytes": self.output_bytes,
            "skipped_outputs": list(self.skipped_outputs),
            "run_id": self.run_id,
        }


class SandboxError(RuntimeError):
    """The platform could not set up or tear down a run (not the participant's fault)."""


class Executor(abc.ABC):
    """Runs an algorithm image: /input read-only from `inputs_dir`, /output copied to `outputs_dir`."""

    @abc.abstractmethod
    def run(self, image: str, inputs_dir: str | Path, outputs_dir: str | Path, limits: RunLimits, *,
            run_id: str | None = None, command: list[str] | None = None,
            heartbeat: Callable[[], bool | None] | None = None) -> RunResult:
        """Run `image` (an id or tag already on the engine) once; never raises for the algorithm's faults.

        heartbeat: called about every HEARTBEAT_S seconds while the container runs (e.g. to refresh the
        job's heartbeat in the database); returning False stops the run (Reason.CANCELLED).
        """
