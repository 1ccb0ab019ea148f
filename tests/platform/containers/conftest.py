"""Fixtures for the sandbox tests: a real Docker engine, the recipe images (built once, cached by
recipe hash), an executor with a worker id of its own, and input folders."""

import importlib.util
import json
import tempfile
import uuid
from pathlib import Path

import pytest

from submissions.algorithm_io import prepare_inputs
from submissions.executors import DockerExecutor, RunLimits
from submissions.executors.docker_executor import LABEL_WORKER
from tests.conftest import require_service

ROOT = Path(__file__).resolve().parents[3]

#: Small limits so that the hostile images hit them fast; the examples need far less.
LIMITS = RunLimits(time_limit_s=30, memory_bytes=256 * 1024**2, cpus=1.0, pids=64, tmp_bytes=16 * 1024**2,
                   output_bytes=8 * 1024**2, output_files=1000, log_tail_bytes=16 * 1024)


def _load_build_module():
    spec = importlib.util.spec_from_file_location("podium_container_build", ROOT / "containers" / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def docker_client():
    try:
        import docker

        client = docker.from_env(timeout=30)
        client.ping()
    except Exception as exc:  # noqa: BLE001 - any failure means no usable engine
        require_service("Docker engine", False, f"{exc} (start one with `bash scripts/services.sh`)")
    return client


@pytest.fixture(scope="session")
def images(docker_client):
    """Recipe name -> tag; builds only what is not cached (the first build takes about a minute)."""
    return _load_build_module().ensure_images(docker_client, log=lambda *_: None)


@pytest.fixture
def worker_id():
    return f"test-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def executor(docker_client, worker_id, tmp_path):
    ex = DockerExecutor(docker_client, worker_id=worker_id, work_dir=tmp_path / "runs")
    yield ex
    ex.reap_orphans()


def leftover_containers(client, worker_id):
    return client.containers.list(all=True, filters={"label": f"{LABEL_WORKER}={worker_id}"})


@pytest.fixture
def binary_inputs(tmp_path):
    """Two cases of features (JSON and CSV) as /input; returns (folder, features by case)."""
    features = {"c1": {"mean_radius": 14.0, "mean_smoothness": 0.1}, "c2": {"mean_radius": 20.0}}
    folder = tmp_path / "in-binary"
    prepare_inputs(folder, {k: json.dumps(v).encode() for k, v in features.items()}, task="binary", suffix=".json")
    return folder, features


#: `docker save` archives of the recipe images, cached by image id (a second test run saves nothing).
ARCHIVE_CACHE = Path(tempfile.gettempdir()) / "podium-test-archives"


def save_archive(client, tag: str) -> Path:
    """A `docker save` tar of an image under a participant's tag (podium/... tags are refused at upload),
    as an uploaded archive would be; cached in ARCHIVE_CACHE by image id."""
    image = client.images.get(tag)
    path = ARCHIVE_CACHE / f"{image.id.removeprefix('sha256:')[:16]}.tar"
    if path.exists():
        return path
    ARCHIVE_CACHE.mkdir(parents=True, exist_ok=True)
    own = f"team-test/{tag.split('/', 1)[1].split(':')[0]}:v1"
    image.tag(own)
    partial = path.with_suffix(f".{uuid.uuid4().hex[:8]}.part")
    try:
        with open(partial, "wb") as out:
            for chunk in client.images.get(own).save(named=own):
                out.write(chunk)
        partial.rename(path)
    finally:
        client.images.remove(own, noprune=True)
        partial.unlink(missing_ok=True)
    return path
