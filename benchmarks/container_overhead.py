"""Benchmark: the platform's overhead per container job, beside a bare `docker run` of the same image.

Run:  .venv/bin/python benchmarks/container_overhead.py                 (10 jobs of 24 cases, cold load too)
      .venv/bin/python benchmarks/container_overhead.py --jobs 20 --no-cold-load --no-task

A job, with the image already cached, is what a container worker does after dequeuing it: prepare
/input (one file per case and manifest.json), DockerExecutor.run (mount the /output tmpfs, create,
start, wait, read state and logs, copy /output out, remove, unmount), then collect_outputs. Its
overhead is that wall time minus the container's own run time (the engine's StartedAt to FinishedAt).
"+ scoring" adds mlcore's Task validation of predictions.csv and the AUC, i.e. dequeue to scored.
Then the same jobs through the platform's own Celery task, `run_container_submission`, called in-process
on stored submissions (database rows, claim, heartbeat thread, archive inspection and cached load, the
phase's inputs, outputs stored, Task validation, scoring): its wall time minus the container's run time.

Reference, timed in the same run and alternating with the jobs: `docker run --rm` by the CLI, same image,
same command (the image's entrypoint), the same folders bound at /input and /output, no sandbox flags.

First load: an archive of the example image made unique (its own rootfs layer, so no layer is already
on the engine) is inspected (`inspect_archive`) and loaded (`load_image`); then loaded again, which is a
cache hit. The figures are printed separately from the per-job overhead.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "platform"), str(ROOT)]

from submissions.algorithm_io import collect_outputs, prepare_inputs  # noqa: E402
from submissions.executors import DockerExecutor, RunLimits, inspect_archive, load_image  # noqa: E402

IMAGE = "examples/binary-classifier"
LIMITS = RunLimits(time_limit_s=120, memory_bytes=512 * 1024**2, cpus=1.0, pids=128,
                   output_bytes=64 * 1024**2, tmp_bytes=64 * 1024**2)


def build_module():
    spec = importlib.util.spec_from_file_location("podium_container_build", ROOT / "containers" / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def case_files(n: int) -> dict[str, bytes]:
    return {f"case_{i:04d}": json.dumps({"mean_radius": 10 + i % 15, "mean_texture": 20.0, "mean_smoothness": 0.1,
                                         "worst_concavity": 0.05 * (i % 7)}).encode() for i in range(n)}


def platform_job(executor, tag, cases, work: Path, score) -> dict:
    t0 = time.perf_counter()  # job dequeued
    prepare_inputs(work / "in", cases, task="binary", suffix=".json")
    t_prepared = time.perf_counter()
    result = executor.run(tag, work / "in", work / "out", LIMITS)
    collected = collect_outputs(work / "out", list(cases), task="binary")
    t_collected = time.perf_counter()
    assert result.succeeded and collected.ok, (result.message, result.logs_tail, collected.problems)
    score(collected.predictions_csv)
    t_scored = time.perf_counter()
    return {"prepare": t_prepared - t0, **result.timings, "run": result.duration,
            "total": t_collected - t0, "overhead": t_collected - t0 - result.duration,
            "scored_overhead": t_scored - t0 - result.duration}


def bare_run(tag, cases, work: Path) -> float:
    prepare_inputs(work / "in", cases, task="binary", suffix=".json")
    (work / "out").mkdir(mode=0o777)
    os.chmod(work / "out", 0o777)
    t0 = time.perf_counter()
    subprocess.run(["docker", "run", "--rm", "-v", f"{work / 'in'}:/input:ro", "-v", f"{work / 'out'}:/output", tag],
                   check=True, capture_output=True)
    elapsed = time.perf_counter() - t0
    assert (work / "out" / "predictions.csv").exists()
    return elapsed


def cold_load(client, build, tmp: Path) -> dict:
    """Build a unique copy of the example (its rootfs ADDed, not imported: a new layer), save it,
    remove it, then time inspection and the first and second load_image."""
    base_tar = build.cache_dir() / f"base-{build.base_hash()[:16]}.tar"
    context = tmp / "cold"
    context.mkdir()
    os.link(base_tar, context / "rootfs.tar") if base_tar.stat().st_dev == context.stat().st_dev else \
        shutil.copy(base_tar, context / "rootfs.tar")
    shutil.copy(ROOT / "containers" / IMAGE / "predict.py", context / "predict.py")
    (context / "Dockerfile").write_text(
        f'FROM scratch\nADD rootfs.tar /\nLABEL org.podium.bench="{uuid.uuid4().hex}"\nUSER 65534:65534\n'
        'COPY predict.py /opt/algorithm/predict.py\nENTRYPOINT ["python3", "/opt/algorithm/predict.py"]\n')
    tag = f"podium-bench/cold-{uuid.uuid4().hex[:8]}:v1"
    image, _ = client.images.build(path=str(context), tag=tag, rm=True, network_mode="none")
    archive = tmp / "cold.tar"
    with open(archive, "wb") as handle:
        for chunk in image.save(named=True):
            handle.write(chunk)
    client.images.remove(image.id, force=True)
    repository = f"podium-bench/cache-{uuid.uuid4().hex[:8]}"
    try:
        t0 = time.perf_counter()
        report = inspect_archive(archive)
        inspect_s = time.perf_counter() - t0
        assert report.ok, report.problems
        first = load_image(client, archive, report, repository=repository)
        t0 = time.perf_counter()
        second = load_image(client, archive, inspect_archive(archive), repository=repository)
        second_total = time.perf_counter() - t0
        assert first.loaded and not second.loaded
    finally:
        client.images.remove(report.image_id, force=True)
    return {"bytes": archive.stat().st_size, "inspect": inspect_s, "load": first.seconds,
            "again": second.seconds, "again_total": second_total}


def save_participant_archive(client, tag: str, path: Path) -> Path:
    """`docker save` of the image under a participant's tag (uploads tagged podium/... are refused)."""
    own = f"bench-team/{uuid.uuid4().hex[:8]}:v1"
    client.images.get(tag).tag(own)
    try:
        with open(path, "wb") as handle:
            for chunk in client.images.get(own).save(named=own):
                handle.write(chunk)
    finally:
        client.images.remove(own, noprune=True)
    return path


def task_jobs(client, tag: str, n_jobs: int, n_cases: int, tmp: Path) -> list[dict]:
    """The platform's real job, in-process: `run_container_submission` on a stored submission of a
    container phase (SQLite unless DATABASE_URL is set): claim, heartbeat thread, inspect and load the
    archive (a cache hit), inputs from the phase's DataFile, the run, outputs stored, Task validation,
    scoring, finish. Total = the task's wall time; the container's own run time is the engine's."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from _django import setup

    setup()
    from django.contrib.auth import get_user_model
    from django.core.files import File
    from django.core.files.base import ContentFile
    from django.utils import timezone

    from challenges.models import Case, Challenge, DataFile, Phase
    from submissions import algorithm_io, container_tasks
    from submissions.models import Status, Submission

    ids = [f"case_{i:04d}" for i in range(n_cases)]
    truth = "case_id,label\n" + "".join(f"{c},{i % 2}\n" for i, c in enumerate(ids))
    inputs = "case_id,mean_radius,mean_texture,mean_smoothness,worst_concavity\n" + "".join(
        f"{c},{10 + i % 15},20.0,0.1,{0.05 * (i % 7)}\n" for i, c in enumerate(ids))
    challenge = Challenge.objects.create(slug=f"bench-{uuid.uuid4().hex[:8]}", title="container overhead")
    phase = Phase.objects.create(challenge=challenge, slug="p", title="p", task_type="binary", metrics=["auc"],
                                 ground_truth=ContentFile(truth.encode(), name="truth.csv"), submission_kinds="container",
                                 limit_per_day=0, limit_total=0, limit_concurrent=0, time_limit_s=120,
                                 task_options={"container": {"memory_mb": 512, "output_mb": 64}})
    Case.objects.bulk_create(Case(phase=phase, case_id=c, order=i) for i, c in enumerate(ids))
    DataFile.objects.create(challenge=challenge, phase=phase, kind="public_input", name="inputs.csv",
                            file=ContentFile(inputs.encode(), name="inputs.csv"))
    user = get_user_model().objects.create(username=f"bench-{uuid.uuid4().hex[:8]}")
    archive = save_participant_archive(client, tag, tmp / "algorithm.tar")
    durations = []
    real_run = algorithm_io.run_algorithm

    def recording_run(*args, **kwargs):
        run = real_run(*args, **kwargs)
        durations.append(run.result.duration)
        return run

    algorithm_io.run_algorithm = recording_run
    jobs = []
    try:
        for k in range(n_jobs + 1):  # the first one warms caches (and loads nothing: the image is on the engine)
            sub = Submission(phase=phase, creator=user, kind="container", status=Status.QUEUED, queued_at=timezone.now())
            with open(archive, "rb") as handle:
                sub.file.save("algorithm.tar", File(handle), save=True)
            t0 = time.perf_counter()  # job dequeued
            outcome = container_tasks.run_container_submission(sub.pk)
            total = time.perf_counter() - t0
            sub.refresh_from_db()
            assert outcome == "succeeded", (outcome, sub.error_message)
            if k:
                jobs.append({"total": total, "run": durations[-1], "overhead": total - durations[-1]})
    finally:
        algorithm_io.run_algorithm = real_run
    return jobs


def main(argv=None) -> int:
    import docker

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=10)
    parser.add_argument("--cases", type=int, default=24)
    parser.add_argument("--no-cold-load", action="store_true", help="skip the first-load measurement")
    parser.add_argument("--no-task", action="store_true", help="skip the jobs through the platform's Celery task")
    args = parser.parse_args(argv)
    client = docker.from_env()
    build = build_module()
    tag = build.ensure_images(client, [IMAGE], log=lambda *_: None)[IMAGE]

    from mlcore.eval import get_task  # imported before any clock starts

    task = get_task("binary")
    cases = case_files(args.cases)
    truth = task.make_truth(tuple(cases), [i % 2 for i in range(args.cases)])

    def score(path):
        values = task.read_predictions(path, truth.case_ids)
        return task.score(truth, values)

    executor = DockerExecutor(client, worker_id=f"bench-{uuid.uuid4().hex[:8]}")
    jobs, bare = [], []
    with tempfile.TemporaryDirectory(prefix="podium-bench-") as tmp:
        tmp = Path(tmp)
        for k in range(args.jobs + 1):  # the first pair warms caches and is dropped
            job = platform_job(executor, tag, cases, tmp / f"job{k}", score)
            b = bare_run(tag, cases, tmp / f"bare{k}")
            if k:
                jobs.append(job)
                bare.append(b)
        tasks = [] if args.no_task else task_jobs(client, tag, args.jobs, args.cases, tmp)
        cold = None if args.no_cold_load else cold_load(client, build, tmp)
    executor.reap_orphans()

    def row(label, values, note=""):
        print(f"{label:<44} {statistics.median(values):>8.3f} {min(values):>8.3f} {max(values):>8.3f}  {note}")

    print(f"\nContainer job overhead, image cached: {args.jobs} jobs of {args.cases} cases, {tag}, "
          f"docker engine {client.version()['Version']}, {os.cpu_count()} CPUs")
    print(f"{'step (seconds)':<44} {'median':>8} {'min':>8} {'max':>8}")
    print("-" * 72)
    for step, label in (("prepare", "prepare /input"), ("stage", "mount /output tmpfs"), ("create", "create container"),
                        ("start", "start container"), ("wait", "wait (includes the algorithm's run)"),
                        ("collect", "state, logs, copy /output, collect_outputs*"), ("remove", "remove container, unmount")):
        row(label, [j.get(step, 0.0) for j in jobs])
    row("container's own run time (engine)", [j["run"] for j in jobs])
    row("platform total: dequeued -> outputs collected", [j["total"] for j in jobs])
    row("PLATFORM OVERHEAD = total - own run time", [j["overhead"] for j in jobs], "target < 1 s")
    row("  + Task validation and AUC (-> scored)", [j["scored_overhead"] for j in jobs])
    row("reference: bare `docker run --rm` (CLI), wall", bare)
    ratio = statistics.median(j["total"] for j in jobs) / statistics.median(bare)
    print(f"\nplatform total / bare docker run = {ratio:.2f} (medians); overhead "
          f"{statistics.median(j['overhead'] for j in jobs):.3f} s vs the 1 s target")
    print("* collect_outputs itself is timed in 'platform total' (it runs after the executor returns)")
    if tasks:
        print(f"\nThe platform's job, run_container_submission in-process ({args.jobs} jobs, database "
              f"{os.environ.get('DATABASE_URL', 'SQLite').split('@')[-1]}): claim, heartbeat, inspect + cached load of "
              "the archive, inputs from the phase, run, outputs stored, Task validation, AUC, finish")
        row("task wall time: dequeued -> scored", [j["total"] for j in tasks])
        row("container's own run time (engine)", [j["run"] for j in tasks])
        row("PLATFORM OVERHEAD per job (dequeue -> scored)", [j["overhead"] for j in tasks], "target < 1 s")
        row("reference: bare `docker run --rm` (CLI), wall", bare)
    if cold:
        print(f"\nFirst load (separate from the per-job overhead): archive {cold['bytes'] / 2**20:.0f} MiB tar, "
              "no layer on the engine before")
        print(f"  inspect_archive {cold['inspect']:.2f} s; load_image (docker load) {cold['load']:.2f} s; "
              f"second load_image: cache hit in {cold['again']:.3f} s ({cold['again_total']:.2f} s with inspection)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
