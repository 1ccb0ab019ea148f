"""A dying worker leaves no container behind once reaped; GPU workers ask the engine for GPUs, CPU
workers do not (checked on the create arguments and on what the engine recorded)."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from docker.types import DeviceRequest

from submissions.executors import QUEUE_CPU, QUEUE_GPU, DockerExecutor, RunLimits, executor_for_queue
from submissions.executors.docker_executor import LABEL_RUN

from .conftest import LIMITS, ROOT, leftover_containers

WORKER = """
import sys
sys.path[:0] = [{platform!r}, {root!r}]
import docker
from submissions.executors import DockerExecutor, RunLimits
worker_id, work_dir, image, inputs, outputs = sys.argv[1:]
executor = DockerExecutor(docker.from_env(), worker_id=worker_id, work_dir=work_dir)
executor.run(image, inputs, outputs, RunLimits(time_limit_s=300, memory_bytes=64 * 1024**2))
"""


def wait_until(condition, seconds=30.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if value := condition():
            return value
        time.sleep(0.1)
    raise AssertionError(f"condition not met within {seconds} s")


@pytest.mark.services
def test_reap_orphans_removes_what_a_killed_worker_left(images, docker_client, worker_id, binary_inputs, tmp_path):
    inputs, _ = binary_inputs
    script = tmp_path / "worker.py"
    script.write_text(WORKER.format(platform=str(ROOT / "platform"), root=str(ROOT)))
    work_dir = tmp_path / "runs"
    worker = subprocess.Popen([sys.executable, str(script), worker_id, str(work_dir), images["hostile/never-exits"],
                               str(inputs), str(tmp_path / "out")])
    try:
        running = wait_until(lambda: [c for c in leftover_containers(docker_client, worker_id) if c.status == "running"])
    finally:
        os.kill(worker.pid, signal.SIGKILL)  # the worker dies without any chance to clean up
        worker.wait(timeout=30)
    time.sleep(0.5)
    orphan = leftover_containers(docker_client, worker_id)
    assert [c.id for c in orphan] == [running[0].id] and orphan[0].status == "running"
    stage = work_dir / worker_id / orphan[0].labels[LABEL_RUN]
    assert os.path.ismount(stage)

    # Another process of the same worker starts: it reaps before taking jobs.
    removed = DockerExecutor(docker_client, worker_id=worker_id, work_dir=work_dir).reap_orphans()
    assert removed == [running[0].id]
    assert leftover_containers(docker_client, worker_id) == []
    assert not stage.exists()


@pytest.mark.services
def test_reap_expired_removes_containers_past_their_deadline(images, docker_client, worker_id, binary_inputs, tmp_path):
    inputs, _ = binary_inputs
    executor = DockerExecutor(docker_client, worker_id=worker_id, work_dir=tmp_path / "runs")
    stage = tmp_path / "stage"
    stage.mkdir()
    # A container created the way a run creates it, whose worker then vanished before starting or removing it.
    container = docker_client.containers.create(**executor.container_options(
        images["hostile/never-exits"], inputs, stage, LIMITS, "run-x"))
    try:
        now = time.time()
        assert executor.reap_expired(now=now, worker_id=worker_id) == []  # deadline not reached
        removed = executor.reap_expired(now=now + LIMITS.time_limit_s + 61, worker_id=worker_id)
        assert removed == [container.id]
        assert leftover_containers(docker_client, worker_id) == []
    finally:
        executor.reap_orphans()


def test_device_requests_for_gpu_queue_only(tmp_path):
    options = {}
    for queue in (QUEUE_CPU, QUEUE_GPU):
        executor = executor_for_queue(queue, client=object(), worker_id="w", work_dir=tmp_path)
        options[queue] = executor.container_options("img", tmp_path, tmp_path, RunLimits(), "run-1")
    assert options[QUEUE_GPU]["device_requests"] == [DeviceRequest(count=-1, capabilities=[["gpu"]])]
    assert "device_requests" not in options[QUEUE_CPU]
    # Everything else is the same sandbox.
    assert {k: v for k, v in options[QUEUE_GPU].items() if k not in ("device_requests", "labels")} == \
        {k: v for k, v in options[QUEUE_CPU].items() if k not in ("labels",)}
    with pytest.raises(ValueError, match="unknown container queue"):
        executor_for_queue("scoring", client=object())


@pytest.mark.services
def test_engine_records_gpu_requests_and_sandbox_settings(images, docker_client, worker_id, tmp_path):
    """Create (not start: this engine has no GPU runtime) one container per queue and read back what the
    engine stored."""
    inputs = tmp_path / "in"
    inputs.mkdir(mode=0o755)
    host = {}
    config = {}
    for queue in (QUEUE_CPU, QUEUE_GPU):
        executor = executor_for_queue(queue, client=docker_client, worker_id=worker_id, work_dir=tmp_path)
        container = docker_client.containers.create(**executor.container_options(
            images["examples/binary-classifier"], inputs, tmp_path, LIMITS, f"run-{queue}"))
        try:
            container.reload()
            host[queue], config[queue] = container.attrs["HostConfig"], container.attrs["Config"]
        finally:
            container.remove(force=True)
    gpu = host[QUEUE_GPU]["DeviceRequests"]
    assert len(gpu) == 1 and gpu[0]["Count"] == -1 and gpu[0]["Capabilities"] == [["gpu"]]
    assert not host[QUEUE_CPU]["DeviceRequests"]
    for queue in (QUEUE_CPU, QUEUE_GPU):
        h = host[queue]
        assert h["NetworkMode"] == "none" and h["ReadonlyRootfs"] is True and h["Init"] is True
        assert h["Memory"] == h["MemorySwap"] == LIMITS.memory_bytes
        assert h["PidsLimit"] == LIMITS.pids and h["NanoCpus"] == int(LIMITS.cpus * 1e9)
        assert h["CapDrop"] == ["ALL"] and h["SecurityOpt"] == ["no-new-privileges"]
        assert config[queue]["User"] == "65534:65534"
        mounts = {m["Target"]: m for m in h["Mounts"]}
        assert set(mounts) == {"/input", "/output"} and mounts["/input"]["ReadOnly"] is True
        assert Path(mounts["/input"]["Source"]) == inputs.resolve()
        assert list(h["Tmpfs"]) == ["/tmp"] and f"size={LIMITS.tmp_bytes}" in h["Tmpfs"]["/tmp"]
    assert leftover_containers(docker_client, worker_id) == []
