"""GPU routing at the job level: a container submission of a `gpu: true` phase is sent to `containers-gpu`
and its run asks the engine for the GPUs (a device request); one of a CPU phase goes to `containers-cpu`
and asks for none. The task runs in-process against the real engine, whose `containers.create` calls are
recorded on the way through. This engine has no GPU, so the GPU run fails on the engine's side: a
platform fault, re-queued to `containers-gpu` again and never counted against the team.
"""

import pytest
from django.core.files import File

from submissions import container_tasks
from submissions.executors import executor_for_queue
from submissions.models import FailureCause, Status
from tests.platform.submissions.container_helpers import container_phase
from tests.platform.submissions.helpers import participant, stored

from .conftest import save_archive

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


class RecordingContainers:
    def __init__(self, real, created):
        self._real, self.created = real, created

    def create(self, **options):
        self.created.append(options)
        return self._real.create(**options)

    def __getattr__(self, name):
        return getattr(self._real, name)


class RecordingClient:
    """The real docker client; `containers.create` keyword arguments are recorded."""

    def __init__(self, real):
        self._real, self.created = real, []
        self.containers = RecordingContainers(real.containers, self.created)

    def __getattr__(self, name):
        return getattr(self._real, name)


@pytest.fixture
def recorded(docker_client, monkeypatch, tmp_path):
    client = RecordingClient(docker_client)
    monkeypatch.setattr(container_tasks, "_executors", {})
    monkeypatch.setattr(container_tasks, "executor_for_queue",
                        lambda queue, worker_id: executor_for_queue(queue, client, worker_id=worker_id, work_dir=tmp_path / "runs"))
    return client


@pytest.fixture
def sent(monkeypatch):
    messages = []
    monkeypatch.setattr(container_tasks.run_container_submission, "apply_async",
                        lambda args, queue, **kw: messages.append((args[0], queue)))
    return messages


def submit(phase, archive_path):
    user = participant(phase.challenge)
    sub = stored(phase, user, kind="container", status=Status.QUEUED, content=b"")
    with open(archive_path, "rb") as fh:
        sub.file.save("algo.tar", File(fh), save=True)
    return sub


def test_a_cpu_job_asks_for_no_gpu_and_a_gpu_job_asks_the_engine_for_them(images, docker_client, recorded, sent):
    archive = save_archive(docker_client, images["examples/binary-classifier"])
    cpu_phase, gpu_phase = container_phase(), container_phase(gpu=True)

    cpu = submit(cpu_phase, archive)
    container_tasks.send_container_job(cpu)
    assert container_tasks.run_container_submission(cpu.pk) == "succeeded"
    cpu.refresh_from_db()
    assert cpu.status == Status.SUCCEEDED and set(cpu.scores) == {"auc", "brier"}
    assert len(recorded.created) == 1 and "device_requests" not in recorded.created[0]

    gpu = submit(gpu_phase, archive)
    container_tasks.send_container_job(gpu)
    outcome = container_tasks.run_container_submission(gpu.pk)
    assert len(recorded.created) == 2
    requests = recorded.created[1]["device_requests"]
    assert [(r["Count"], r["Capabilities"]) for r in requests] == [(-1, [["gpu"]])]  # all GPUs, by capability
    # Everything else about the sandbox is the same on both queues.
    same = {k: v for k, v in recorded.created[1].items() if k not in ("device_requests", "labels", "mounts")}
    assert same == {k: v for k, v in recorded.created[0].items() if k not in ("labels", "mounts")}

    gpu.refresh_from_db()
    if outcome == "succeeded":  # an engine with GPUs (not the case on the lent machines)
        assert gpu.status == Status.SUCCEEDED
    else:  # no GPU here: the engine refused; the platform's fault, re-queued to the GPU queue
        assert outcome == "requeued" and gpu.status == Status.QUEUED and gpu.failure_cause == FailureCause.NONE
        assert "failed on the platform's side" in gpu.error_message and "gpu" in gpu.error_message.lower()
    assert sent == [(cpu.pk, "containers-cpu"), (gpu.pk, "containers-gpu")] + \
        ([] if outcome == "succeeded" else [(gpu.pk, "containers-gpu")])
