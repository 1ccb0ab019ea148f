"""A container worker is SIGKILLed while its container runs: the container it leaves running is removed
when the worker node starts again (`worker_ready` -> `reap_orphans`), the watchdog re-queues the job
(its heartbeat stopped) and the new process runs it once more to its own end (here: the time limit of a
never-exiting image), with two attempts and no container left behind.

Workers run with short heartbeat settings (the environment variables production reads) so the watchdog
notices the lost heartbeat in seconds.
"""

import os
import signal
import socket
import time

import pytest
from django.core.files import File

from submissions import container_tasks
from submissions.executors.docker_executor import LABEL_RUN, LABEL_WORKER
from submissions.models import FailureCause, Status, Submission
from tests.e2e.workers import start_worker, stop
from tests.platform.containers.conftest import docker_client, images, save_archive  # noqa: F401  (fixtures)
from tests.platform.submissions.container_helpers import container_phase
from tests.platform.submissions.helpers import participant, stored

pytestmark = [pytest.mark.e2e, pytest.mark.services]


def wait_for(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := predicate():
            return value
        time.sleep(0.1)
    raise AssertionError(f"{what} did not happen within {timeout:.0f} s")


def test_a_killed_container_worker_leaves_no_container_and_the_job_runs_again(
        postgres, redis_broker, images, docker_client, artifacts_dir, monkeypatch):  # noqa: F811
    monkeypatch.setenv("PODIUM_HEARTBEAT_INTERVAL_S", "0.5")
    monkeypatch.setenv("PODIUM_HEARTBEAT_STALE_S", "3")
    monkeypatch.setenv("PODIUM_WATCHDOG_INTERVAL_S", "1")
    phase = container_phase()
    phase.time_limit_s = 6
    phase.save()
    sub = stored(phase, participant(phase.challenge), kind="container", status=Status.QUEUED, content=b"")
    with open(save_archive(docker_client, images["hostile/never-exits"]), "rb") as fh:
        sub.file.save("algo.tar", File(fh), save=True)
    node = f"lossy@{socket.gethostname()}"

    def containers():
        return docker_client.containers.list(all=True, filters={"label": f"{LABEL_WORKER}={node}"})

    first = start_worker(f"{artifacts_dir}/worker1.log", queues="containers-cpu", name="lossy")
    try:
        container_tasks.send_container_job(sub)
        running = wait_for(lambda: [c for c in containers() if c.status == "running"], 30, "the container's start")
        os.kill(first.pid, signal.SIGKILL)  # no clean-up of any kind
        first.wait(timeout=30)
    finally:
        stop(first)
    assert [c.id for c in containers()] == [running[0].id]  # left running by the dead worker
    assert running[0].labels[LABEL_RUN] == f"sub{sub.pk}-try1"

    second = start_worker(f"{artifacts_dir}/worker2.log", queues="containers-cpu", name="lossy")
    try:
        wait_for(lambda: running[0].id not in {c.id for c in containers()}, 15, "reaping the orphan at worker start")
        done = wait_for(lambda: Submission.objects.filter(pk=sub.pk, status__in=[Status.FAILED, Status.SUCCEEDED]).first(),
                        60, "the second run")
        assert second.poll() is None
    finally:
        stop(second)
    assert done.status == Status.FAILED and done.run_reason == "time_limit", done.error_message
    assert done.failure_cause == FailureCause.PARTICIPANT and done.attempts == 2
    assert containers() == []
