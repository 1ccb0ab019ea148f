"""Run an algorithm image in a Docker sandbox on the docker SDK.

Every run: no network, uid:gid 65534:65534, read-only root filesystem, tmpfs /tmp, memory = memory+swap,
pids limit, CPU quota, all capabilities dropped, no-new-privileges, an init process (reaps zombies,
forwards signals), /input bound read-only, /output a size-limited tmpfs on the host (see
`output_stage`), a wall-time limit enforced by killing the container. Ground truth is never mounted:
the only host paths a container sees are `inputs_dir` and its own /output stage.

Containers carry labels (run id, worker id, deadline) so that `reap_orphans(worker_id)` at worker start
and `reap_expired()` from a periodic watchdog remove any container a dying worker left behind.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import socket
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from . import output_stage
from .base import HEARTBEAT_S, Executor, Reason, RunLimits, RunResult, SandboxError

log = logging.getLogger(__name__)

LABEL_MANAGED = "org.podium.managed"
LABEL_RUN = "org.podium.run-id"
LABEL_WORKER = "org.podium.worker-id"
LABEL_DEADLINE = "org.podium.deadline"
SANDBOX_USER = "65534:65534"
#: Seconds between checks of the container's cgroup while waiting for it to exit.
POLL_S = 1.0
#: Seconds after its deadline before `reap_expired` removes a container.
REAP_GRACE_S = 60.0
#: json-file log driver options: caps what a container can write to the worker's disk through its logs.
LOG_OPTIONS = {"max-size": "10m", "max-file": "1"}

_NETWORK = re.compile(r"Network is unreachable|Temporary failure in name resolution|No route to host|"
                      r"Could not resolve host|Name or service not known")
_READ_ONLY = re.compile(r"Read-only file system")
_FORK = re.compile(r"fork.{0,40}Resource temporarily unavailable|Cannot fork|can't start new thread|"
                   r"BlockingIOError: \[Errno 11\]")
_EXEC_FAILED = re.compile(r"exec .{0,200} failed|executable file not found|not found|Permission denied")
_SAFE = re.compile(r"[^A-Za-z0-9_.-]")


def parse_engine_time(value: str | None) -> datetime | None:
    """Docker's RFC 3339 timestamps with nanoseconds -> aware datetime (microseconds kept)."""
    if not value or value.startswith("0001-"):
        return None
    match = re.match(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)", value)
    if not match:
        return None
    base, frac, zone = match.groups()
    frac = (frac or "0")[:6].ljust(6, "0")
    return datetime.fromisoformat(f"{base}.{frac}{'+00:00' if zone == 'Z' else zone}")


def classify(exit_code: int | None, *, oom_killed: bool, timed_out: bool, fork_failures: int,
             output_full: bool, logs: str, cancelled: bool = False) -> tuple[Reason, str]:
    """The reason a run ended and a detail line, from what the engine and the cgroup reported.

    Order: the engine's verdicts (OOM kill, fork failures counted by the pids cgroup, our time-limit
    kill, a full /output) come before what the log tail suggests (network, read-only filesystem).
    """
    failed = timed_out or exit_code != 0
    if cancelled:
        return Reason.CANCELLED, "stopped by the platform (heartbeat said to stop)"
    if oom_killed:
        return Reason.OUT_OF_MEMORY, f"exit code {exit_code}, killed by the kernel's out-of-memory killer"
    if failed and (fork_failures or _FORK.search(logs)):
        seen = f"{fork_failures} fork failure(s) counted" if fork_failures else "fork failures in the log"
        return Reason.PIDS_LIMIT, f"{seen}; " + ("stopped at the time limit" if timed_out else f"exit code {exit_code}")
    if timed_out:
        return Reason.TIME_LIMIT, "killed at the time limit"
    if output_full:
        return Reason.OUTPUT_TOO_LARGE, f"exit code {exit_code}; /output reached its size or file-count limit"
    if exit_code == 0:
        return Reason.COMPLETED, ""
    if _NETWORK.search(logs):
        return Reason.NETWORK_UNREACHABLE, f"exit code {exit_code}"
    if _READ_ONLY.search(logs):
        return Reason.READ_ONLY_FILESYSTEM, f"exit code {exit_code}"
    if exit_code == 137:
        return Reason.NONZERO_EXIT, "exit code 137: killed by SIGKILL"
    if exit_code in (126, 127) and _EXEC_FAILED.search(logs):
        return Reason.NONZERO_EXIT, f"exit code {exit_code}: the image's ENTRYPOINT/CMD could not be executed"
    return Reason.NONZERO_EXIT, f"exit code {exit_code}"


def _cgroup_file(container_id: str, name: str) -> Path | None:
    """The container's pids cgroup file (cgroup v1 or v2, cgroupfs or systemd driver), if visible here."""
    for candidate in (f"/sys/fs/cgroup/pids/docker/{container_id}", f"/sys/fs/cgroup/docker/{container_id}",
                      f"/sys/fs/cgroup/system.slice/docker-{container_id}.scope",
                      f"/sys/fs/cgroup/pids/system.slice/docker-{container_id}.scope"):
        path = Path(candidate, name)
        if path.exists():
            return path
    return None


def fork_failures(container_id: str) -> int:
    """How many times the pids limit refused a fork or clone in the container (0 when unknown)."""
    path = _cgroup_file(container_id, "pids.events")
    try:
        text = path.read_text() if path else ""
    except OSError:
        return 0
    match = re.search(r"^max (\d+)", text, re.M)
    return int(match.group(1)) if match else 0


QUEUE_CPU = "containers-cpu"
QUEUE_GPU = "containers-gpu"


def executor_for_queue(queue: str, client=None, **options) -> DockerExecutor:
    """The executor a worker consuming `queue` uses: GPUs passed through on `containers-gpu` only."""
    if queue not in (QUEUE_CPU, QUEUE_GPU):
        raise ValueError(f"unknown container queue {queue!r}; expected {QUEUE_CPU} or {QUEUE_GPU}")
    return DockerExecutor(client, gpus=queue == QUEUE_GPU, **options)


def default_work_dir() -> Path:
    """Where /output stages are mounted: $PODIUM_RUN_DIR, else <tmp>/podium-runs."""
    return Path(os.environ.get("PODIUM_RUN_DIR") or Path(tempfile.gettempdir()) / "podium-runs")


class DockerExecutor(Executor):
    """The Docker implementation of `Executor`.

    client: a `docker.DockerClient` (default `docker.from_env()`). worker_id: a name stable across
    restarts of this worker (e.g. Celery's node name), written on every container it starts.
    gpus: pass all GPUs to the container (workers on the `containers-gpu` queue). work_dir: where
    the /output stages are mounted (on the engine's host). heartbeat_s: seconds between heartbeat calls.
    """

    def __init__(self, client=None, *, worker_id: str | None = None, gpus: bool = False,
                 work_dir: str | Path | None = None, user: str = SANDBOX_USER, heartbeat_s: float = HEARTBEAT_S):
        if client is None:
            import docker

            client = docker.from_env()
        self.client = client
        self.worker_id = worker_id or socket.gethostname()
        self.gpus = gpus
        self.work_dir = Path(work_dir) if work_dir else default_work_dir()
        self.user = user
        self.heartbeat_s = heartbeat_s

    # -- configuration ---------------------------------------------------------------------------
    def container_options(self, image: str, inputs_dir: Path, stage: Path, limits: RunLimits, run_id: str,
                          command: list[str] | None = None) -> dict:
        """Keyword arguments for `client.containers.create`: the whole sandbox in one place."""
        from docker.types import DeviceRequest, LogConfig, Mount, Ulimit

        deadline = time.time() + limits.time_limit_s
        options = dict(
            image=image, detach=True, hostname="algorithm",
            user=self.user, environment={"HOME": "/tmp"},
            network_mode="none", ipc_mode="private",
            read_only=True,
            tmpfs={"/tmp": f"rw,nosuid,nodev,size={limits.tmp_bytes},mode=1777"},
            shm_size=min(limits.tmp_bytes, 64 * 1024**2),
            mounts=[Mount("/input", str(inputs_dir), type="bind", read_only=True),
                    Mount("/output", str(stage), type="bind", read_only=False)],
            mem_limit=limits.memory_bytes, memswap_limit=limits.memory_bytes,
            pids_limit=limits.pids, nano_cpus=int(limits.cpus * 1e9),
            cap_drop=["ALL"], security_opt=["no-new-privileges"], init=True,
            ulimits=[Ulimit(name="core", soft=0, hard=0)],
            log_config=LogConfig(type="json-file", config=dict(LOG_OPTIONS)),
            labels={LABEL_MANAGED: "1", LABEL_RUN: run_id, LABEL_WORKER: self.worker_id,
                    LABEL_DEADLINE: f"{deadline:.0f}"},
        )
        if command:  # replaces the image's ENTRYPOINT and CMD (tests, benchmarks, trial commands)
            options.update(entrypoint=list(command[:1]), command=list(command[1:]))
        if self.gpus:
            options["device_requests"] = [DeviceRequest(count=-1, capabilities=[["gpu"]])]
        return options

    # -- running -----------------------------------------------------------------------------------
    def run(self, image: str, inputs_dir: str | Path, outputs_dir: str | Path, limits: RunLimits, *,
            run_id: str | None = None, command: list[str] | None = None,
            heartbeat: Callable[[], bool | None] | None = None) -> RunResult:
        """Run `image` on `inputs_dir` (mounted read-only at /input); copy /output into `outputs_dir`.

        command: argv replacing the image's ENTRYPOINT and CMD (default: run the image as it is).
        heartbeat: called about every `heartbeat_s` s while the container runs; returning False kills
        the container and ends the run as Reason.CANCELLED (an exception from it is logged, not raised).

        Returns a RunResult; the algorithm's failures are reasons, not exceptions. Platform failures
        (engine down, image missing) come back as Reason.PLATFORM_ERROR. The container and the /output
        stage are removed before returning, whatever happened.
        """
        import docker.errors
        import requests.exceptions

        run_id = run_id or uuid.uuid4().hex
        inputs_dir, outputs_dir = Path(inputs_dir).resolve(), Path(outputs_dir)
        stage = self.work_dir / _SAFE.sub("_", self.worker_id) / _SAFE.sub("_", run_id)
        timings: dict[str, float] = {}
        container = None

        def failure(reason: Reason, detail: str, exit_code=None) -> RunResult:
            return RunResult(exit_code, reason, "", 0.0, detail=detail, run_id=run_id, timings=timings)

        try:
            problem = self._check_dirs(inputs_dir, outputs_dir)
            if problem:
                return failure(Reason.PLATFORM_ERROR, problem)
            t0 = time.perf_counter()
            if stage.exists():  # left by an earlier attempt of this run id on this worker that died
                output_stage.unmount(stage)
                shutil.rmtree(stage)
            stage.mkdir(parents=True)
            output_stage.mount_tmpfs(stage, limits.output_bytes, limits.output_files, *self._uid_gid())
            timings["stage"] = time.perf_counter() - t0
            t0 = time.perf_counter()
            container = self.client.containers.create(
                **self.container_options(image, inputs_dir, stage, limits, run_id, command))
            timings["create"] = time.perf_counter() - t0
            exit_code, timed_out, forks, cancelled = self._start_and_wait(container, limits, timings, heartbeat)
            t0 = time.perf_counter()
            container.reload()
            state = container.attrs["State"]
            logs = self._logs_tail(container, limits.log_tail_bytes)
            used = output_stage.usage(stage)
            reason, detail = classify(exit_code, oom_killed=bool(state.get("OOMKilled")), timed_out=timed_out,
                                      fork_failures=forks, output_full=used.full, logs=logs, cancelled=cancelled)
            result = RunResult(exit_code, reason, logs, self._duration(state), detail=detail, run_id=run_id,
                               timings=timings)
            if reason not in (Reason.OUTPUT_TOO_LARGE, Reason.CANCELLED):
                copied = output_stage.copy_out(stage, outputs_dir)
                result.outputs, result.output_bytes, result.skipped_outputs = copied.files, copied.total_bytes, copied.skipped
            else:
                outputs_dir.mkdir(parents=True, exist_ok=True)
                result.output_bytes = used.used_bytes
            timings["collect"] = time.perf_counter() - t0
            return result
        except docker.errors.ImageNotFound:
            return failure(Reason.PLATFORM_ERROR, f"image {image} is not loaded on worker {self.worker_id}")
        except (docker.errors.APIError, docker.errors.DockerException, requests.exceptions.RequestException,
                SandboxError, OSError) as exc:
            log.exception("run %s of %s failed on the platform side", run_id, image)
            return failure(Reason.PLATFORM_ERROR, f"{type(exc).__name__}: {exc}")
        finally:
            t0 = time.perf_counter()
            self._cleanup(container, stage, run_id)
            timings["remove"] = time.perf_counter() - t0

    def _start_and_wait(self, container, limits: RunLimits, timings: dict, heartbeat=None
                        ) -> tuple[int | None, bool, int, bool]:
        """Start, wait up to the time limit (killing past it, or when the heartbeat says stop).

        Returns (exit code, timed out, fork failures counted, cancelled)."""
        import requests.exceptions

        t0 = time.perf_counter()
        container.start()
        started = time.perf_counter()
        timings["start"] = started - t0
        deadline = started + limits.time_limit_s
        next_beat = started + self.heartbeat_s
        forks, exit_code, timed_out, cancelled = 0, None, False, False
        while True:
            now = time.perf_counter()
            if now >= deadline:
                timed_out = True
                break
            if heartbeat is not None and now >= next_beat:
                next_beat = now + self.heartbeat_s
                if self._beat(heartbeat) is False:
                    cancelled = True
                    break
            try:
                wait_s = min(POLL_S, deadline - now, max(next_beat - now, 0.0) if heartbeat else POLL_S)
                exit_code = container.wait(timeout=max(0.05, wait_s))["StatusCode"]
                break
            except (requests.exceptions.ReadTimeout, requests.exceptions.ConnectionError):
                forks = max(forks, fork_failures(container.id))
        if timed_out or cancelled:
            forks = max(forks, fork_failures(container.id))
            try:
                container.kill()
            except Exception:  # noqa: BLE001 - it may have exited in between; removal follows anyway
                pass
            exit_code = container.wait(timeout=60)["StatusCode"]
        timings["wait"] = time.perf_counter() - started
        return exit_code, timed_out, forks, cancelled

    @staticmethod
    def _beat(heartbeat) -> bool | None:
        try:
            return heartbeat()
        except Exception:  # noqa: BLE001 - a failed heartbeat must not kill a participant's run
            log.exception("heartbeat callback failed")
            return None

    # -- helpers -----------------------------------------------------------------------------------
    def _uid_gid(self) -> tuple[int, int]:
        uid, _, gid = self.user.partition(":")
        return int(uid), int(gid or uid)

    @staticmethod
    def _check_dirs(inputs_dir: Path, outputs_dir: Path) -> str:
        if not inputs_dir.is_dir():
            return f"inputs_dir {inputs_dir} is not a folder"
        if inputs_dir.stat().st_mode & 0o005 != 0o005:
            return f"inputs_dir {inputs_dir} is not readable by the container user (mode {inputs_dir.stat().st_mode & 0o777:o})"
        if outputs_dir.exists() and any(outputs_dir.iterdir()):
            return f"outputs_dir {outputs_dir} is not empty"
        return ""

    @staticmethod
    def _logs_tail(container, limit: int) -> str:
        raw = container.logs(stdout=True, stderr=True, tail=max(100, limit // 20))
        return raw[-limit:].decode("utf-8", errors="replace")

    @staticmethod
    def _duration(state: dict) -> float:
        started, finished = parse_engine_time(state.get("StartedAt")), parse_engine_time(state.get("FinishedAt"))
        return (finished - started).total_seconds() if started and finished else 0.0

    def _cleanup(self, container, stage: Path, run_id: str) -> None:
        if container is not None:
            try:
                container.remove(force=True, v=True)
            except Exception:  # noqa: BLE001 - logged; reap_orphans removes it at the next worker start
                log.exception("could not remove the container of run %s", run_id)
        if stage.exists():
            output_stage.unmount(stage)
            shutil.rmtree(stage, ignore_errors=True)

    # -- orphans -------------------------------------------------------------------------------------
    def reap_orphans(self, worker_id: str | None = None) -> list[str]:
        """Remove every container (running or not) labelled with `worker_id` (default: this worker's),
        and unmount its stale /output stages. Call once at worker start, before taking jobs."""
        worker_id = worker_id or self.worker_id
        removed = self._remove(self.client.containers.list(all=True, filters={"label": f"{LABEL_WORKER}={worker_id}"}))
        stages = self.work_dir / _SAFE.sub("_", worker_id)
        if stages.is_dir():
            for stage in stages.iterdir():
                output_stage.unmount(stage)
                shutil.rmtree(stage, ignore_errors=True)
        return removed

    def reap_expired(self, now: float | None = None, grace_s: float = REAP_GRACE_S,
                     worker_id: str | None = None) -> list[str]:
        """Remove any Podium container past its deadline plus `grace_s`, whichever worker started it
        (or only `worker_id`'s): for a periodic watchdog, when a worker died and never came back."""
        now = time.time() if now is None else now
        labels = [LABEL_MANAGED] + ([f"{LABEL_WORKER}={worker_id}"] if worker_id else [])
        expired = []
        for container in self.client.containers.list(all=True, filters={"label": labels}):
            deadline = float(container.labels.get(LABEL_DEADLINE, "0") or 0)
            if deadline + grace_s < now:
                expired.append(container)
        return self._remove(expired)

    @staticmethod
    def _remove(containers) -> list[str]:
        removed = []
        for container in containers:
            try:
                container.remove(force=True, v=True)
                removed.append(container.id)
            except Exception:  # noqa: BLE001 - already gone
                log.warning("could not remove orphan container %s", container.id)
        return removed
