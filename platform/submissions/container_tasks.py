"""The container job: run a submitted image on the phase's cases in the sandbox, then score its outputs
exactly like an uploaded predictions file.

`run_container_submission` is sent to `containers-cpu` or `containers-gpu` (`container_runs.queue_for`).
It claims the row (deadline: the phase's time limit plus PODIUM_CONTAINER_SLACK_S), keeps a heartbeat,
inspects and loads the archive (cached by image id), runs it with `run_algorithm` (the executor kills it
at the time limit; a lost or cancelled job stops the container), stores the log tail and the outputs,
validates them with the phase's Task and scores them (`evaluation.score_submission_file`). Trial runs
see the public sample cases, are validated but not scored. A platform fault is retried (re-queued) up
to PODIUM_MAX_ATTEMPTS and never consumes the team's quota.

Each worker process consuming a container queue reaps what an earlier process of the same node left
(`worker_ready`); `container_maintenance` (beat, and a thread in those workers) removes containers past
their deadline and prunes unused cached images.
"""

from __future__ import annotations

import io
import logging
import shutil
import tempfile
import threading
import zipfile
from pathlib import Path

from celery import shared_task
from celery.signals import worker_ready, worker_shutdown
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.utils import timezone

from mlcore.eval import InvalidInput

from . import container_runs, evaluation
from .executors import QUEUE_CPU, QUEUE_GPU, Reason, executor_for_queue
from .models import FailureCause, Status, Submission
from .tasks import (
    PLATFORM_FAILURE,
    Heartbeat,
    claim_submission,
    finish_submission,
    register_job_sender,
    worker_id,
)

log = logging.getLogger(__name__)
ACTIVE = (Status.RUNNING, Status.SCORING)
_executors: dict[str, object] = {}


def executor(queue: str, worker: str):
    """This process's executor for `queue` (GPUs passed through on containers-gpu only)."""
    key = f"{queue}|{worker}"
    if key not in _executors:
        _executors[key] = executor_for_queue(queue, worker_id=worker)
    return _executors[key]


def send_container_job(sub: Submission) -> None:
    """Send the container job's message to the phase's queue (short-lived, like every job message). No
    countdown, ever: an ETA message sits unexecuted in a late-acking solo worker."""
    # The hard time limit (prefork pools) lies past the job's deadline: the executor kills the container
    # at the phase's limit itself; a Celery kill would skip its clean-up (left to reap_orphans).
    run_container_submission.apply_async((sub.pk,), queue=container_runs.queue_for(sub.phase),
                                         expires=settings.PODIUM_MESSAGE_EXPIRES_S,
                                         time_limit=container_runs.job_deadline(sub.phase).total_seconds() + 60)


register_job_sender(Submission.Kind.CONTAINER, send_container_job)


def _fail(pk, worker, reason: Reason | str, message: str, log_tail: str = "", platform: bool = False) -> bool:
    cause = FailureCause.PLATFORM if platform else FailureCause.PARTICIPANT
    if platform:
        message = f"{message}\n{PLATFORM_FAILURE}"
    return finish_submission(pk, worker, Status.FAILED, failure_cause=cause, error_message=message,
                             run_reason=str(getattr(reason, "value", reason)), run_log=log_tail)


def _retry_or_fail(sub: Submission, worker: str, detail: str, log_tail: str = "") -> str:
    """A platform fault: re-queue the job (sent again at once) or, after PODIUM_MAX_ATTEMPTS, fail
    it as the platform's. Neither consumes the team's quota."""
    if sub.attempts >= settings.PODIUM_MAX_ATTEMPTS:
        _fail(sub.pk, worker, Reason.PLATFORM_ERROR, f"the container could not be run {sub.attempts} times: {detail}",
              log_tail, platform=True)
        return "failed"
    with transaction.atomic():
        row = Submission.objects.select_for_update().get(pk=sub.pk)
        if row.worker != worker or row.status not in ACTIVE:
            return "lost"
        row.move_to(Status.QUEUED, worker="", heartbeat_at=None, queued_at=timezone.now(), deadline_at=None,
                    error_message=f"attempt {row.attempts} failed on the platform's side ({detail}); it will run again")
        row.save()
        transaction.on_commit(lambda: send_container_job(row), robust=True)
    log.warning("submission %s: platform fault (%s); re-queued", sub.pk, detail)
    return "requeued"


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, name="submissions.tasks.run_container_submission")
def run_container_submission(self, submission_id: int) -> str:
    """Run and score one container submission; safe to run twice (a held or finished job is left alone)."""
    worker = worker_id(self)
    pre = Submission.objects.select_related("phase").filter(pk=submission_id).first()
    if pre is None:
        return "skipped"
    # The job's deadline covers loading, the run's own time limit and scoring (the watchdog fails it after).
    Submission.objects.filter(pk=submission_id, status__in=(Status.PENDING, Status.QUEUED)).update(
        deadline_at=timezone.now() + container_runs.job_deadline(pre.phase))
    sub = claim_submission(submission_id, worker)
    if sub is None:
        return "skipped"
    queue = container_runs.queue_for(sub.phase)
    work = Path(tempfile.mkdtemp(prefix=f"podium-sub{submission_id}-"))
    try:
        with Heartbeat(Submission, submission_id, worker, ACTIVE) as beat:
            return _run(sub, worker, queue, work, beat)
    except Exception as exc:  # noqa: BLE001 - any other fault is the platform's
        log.exception("container submission %s failed on the platform side", submission_id)
        return _retry_or_fail(sub, worker, f"{type(exc).__name__}: {exc}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _run(sub: Submission, worker: str, queue: str, work: Path, beat) -> str:
    from .executors import ArchiveRefused, SandboxError, inspect_archive, load_image

    phase, pk = sub.phase, sub.pk
    try:
        case_ids = container_runs.trial_case_ids(phase) if sub.is_trial else list(phase.case_ids)
        cases = container_runs.case_inputs(phase, case_ids, trial=sub.is_trial)
    except container_runs.NoTrialInputs as exc:
        _fail(pk, worker, Reason.PLATFORM_ERROR, f"trial run refused: {exc}", platform=True)
        return "failed"
    except container_runs.InputsMissing as exc:
        log.error("%s", exc)
        _fail(pk, worker, Reason.PLATFORM_ERROR, f"this phase's inputs for containers are not set up: {exc}", platform=True)
        return "failed"
    ex = executor(queue, worker.split("/pid")[0])
    with evaluation.local_path(sub.file) as archive:
        report = inspect_archive(archive, max_archive_bytes=container_runs.max_image_bytes(phase))
        if not report.ok:
            problems = "\n".join(f"- [{p.code}] {p.message}" for p in report.problems)
            _fail(pk, worker, Reason.IMAGE_INVALID, f"{Reason.IMAGE_INVALID.message}:\n{problems}")
            return "failed"
        try:
            loaded = load_image(ex.client, archive, report)
        except ArchiveRefused as exc:
            _fail(pk, worker, Reason.IMAGE_INVALID, f"{Reason.IMAGE_INVALID.message}: {exc}")
            return "failed"
        except SandboxError as exc:
            return _retry_or_fail(sub, worker, str(exc))
    sources = work / "cases"
    sources.mkdir()
    for case_id, (content, suffix) in cases.items():
        (sources / f"{case_id}{suffix}").write_bytes(content)
    from .algorithm_io import run_algorithm

    run = run_algorithm(ex, loaded.image_id, {c: sources / f"{c}{suffix}" for c, (_, suffix) in cases.items()},
                        task=phase.task_type, limits=container_runs.run_limits(phase, trial=sub.is_trial),
                        work_dir=work / "run", run_id=f"sub{pk}-try{sub.attempts}", heartbeat=lambda: not beat.lost)
    result = run.result
    log_tail = result.logs_tail
    if result.reason is Reason.CANCELLED:
        return "lost"
    if result.reason.platform_fault:
        return _retry_or_fail(sub, worker, result.message, log_tail)
    if result.reason is Reason.OUTPUT_INVALID:  # the files the Task reads are missing
        _fail_output_invalid(sub, worker, run.outputs.problems, log_tail)
        return "failed"
    if not result.succeeded:
        _fail_run(sub, worker, result, log_tail)
        return "failed"
    return _score(sub, worker, run, case_ids, log_tail)


def _fail_run(sub: Submission, worker: str, result, log_tail: str) -> None:
    """Fail with why the run ended. The result's details (the exit code, which limit) are chosen by the
    algorithm, so on hidden cases they could carry hidden inputs out (an exit code encodes a byte): a
    hidden run's team sees the reason's generic message only, the organizers the details at the end of
    the run log; a trial run's team sees everything."""
    if sub.is_trial:
        _fail(sub.pk, worker, result.reason, f"{result.reason.value}: {result.message}", log_tail)
        return
    _fail(sub.pk, worker, result.reason, f"{result.reason.value}: {result.reason.message}{_log_note(sub)}",
          f"{log_tail}\n--- how the run ended (organizers only) ---\n{result.message}\n")


def _fail_output_invalid(sub: Submission, worker: str, problems, log_tail: str) -> None:
    """Fail with the Task's problems. Their messages quote what the algorithm wrote (file names, values),
    which on hidden cases could carry hidden inputs out: a hidden run's team sees the problem codes only,
    the organizers see the messages too (in the run log); a trial run's team sees everything."""
    head = f"{Reason.OUTPUT_INVALID.value}: {Reason.OUTPUT_INVALID.message}"
    details = "\n".join(f"- [{p.code}] {p.message}" for p in problems)
    if sub.is_trial:
        _fail(sub.pk, worker, Reason.OUTPUT_INVALID, f"{head}:\n{details}", log_tail)
        return
    codes = ", ".join(sorted({p.code for p in problems}))
    _fail(sub.pk, worker, Reason.OUTPUT_INVALID,
          f"{head}: {len(problems)} problem(s) ({codes}). On hidden cases only the problem codes are shown; "
          "the organizers see the details, and a trial run on the public sample cases shows them to you.",
          f"{log_tail}\n--- outputs refused by the phase's Task (organizers only) ---\n{details}\n")


def _log_note(sub: Submission) -> str:
    if sub.is_trial:
        return ""
    return ("\n(the log of a run on hidden cases is shown to the organizers only; start a trial run on the public "
            "sample cases to see your algorithm's log)")


def _outputs_file(phase, run) -> ContentFile:
    """The run's outputs as one stored file: predictions.csv, or a zip of the label maps."""
    if phase.task_type != evaluation.SEGMENTATION:
        return ContentFile(run.outputs.predictions_csv.read_bytes(), name="predictions.csv")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for path in run.outputs.label_maps.values():
            z.write(path, path.name)
    return ContentFile(buffer.getvalue(), name="label-maps.zip")


def _score(sub: Submission, worker: str, run, case_ids, log_tail: str) -> str:
    """Validate the outputs with the phase's Task (as an upload), then score them (hidden runs only)."""
    phase, pk = sub.phase, sub.pk
    Submission.objects.filter(pk=pk, worker=worker, status=Status.RUNNING).update(status=Status.SCORING)
    outputs = _outputs_file(phase, run)
    with tempfile.NamedTemporaryFile(suffix="-" + outputs.name) as tmp:
        tmp.write(outputs.read())
        tmp.flush()
        outputs.seek(0)
        try:
            problems = _validate(phase, tmp.name, case_ids, trial=sub.is_trial)
        except InvalidInput as exc:
            problems = exc.problems
    if problems:
        _fail_output_invalid(sub, worker, problems, log_tail)
        return "failed"
    sub.output_file.save(f"submission-{pk}-{outputs.name}", outputs, save=False)
    fields = dict(output_file=sub.output_file.name, run_log=log_tail, run_reason=Reason.COMPLETED.value, error_message="")
    if sub.is_trial:
        done = finish_submission(pk, worker, Status.SUCCEEDED, **fields)
        return "succeeded" if done else "dropped"
    try:
        scores = evaluation.score_submission_file(sub)
    except InvalidInput as exc:
        _fail_output_invalid(sub, worker, exc.problems, log_tail)
        return "failed"
    done = finish_submission(pk, worker, Status.SUCCEEDED, scores=scores, public_scores=sub.public_scores, scores_updated_at=timezone.now(),
                             predictions=sub.predictions.name or "", per_case=sub.per_case.name or "", **fields)
    log.info("container submission %s scored: %s (run %.1f s)", pk, scores, run.result.duration)
    return "succeeded" if done else "dropped"


def _validate(phase, path: str, case_ids, trial: bool) -> list:
    """Problems (mlcore.eval Problem) of the outputs under the phase's Task: hidden runs exactly as an upload;
    trial runs against the sample cases they saw (table tasks) or the files' presence (segmentation)."""
    if not trial:
        _, problems = evaluation.validate_predictions(phase, path)
        return list(problems)
    if phase.task_type == evaluation.SEGMENTATION:
        return []  # collect_outputs found one label map per case; geometry needs the hidden references
    task = evaluation.task_for(phase)
    with open(path, "rb") as fh:
        if phase.task_type == "multiclass":
            _, problems = task.validate_predictions(fh, list(case_ids))
        else:
            _, problems = task.validate_predictions(fh, list(case_ids), tuple(phase.metrics))
    return list(problems)


# -- worker start and periodic clean-up ---------------------------------------------------------------
def _container_queues(consumer) -> list[str]:
    """The container queues this worker consumes (-Q), in order cpu, gpu."""
    try:
        names = set(consumer.app.amqp.queues.consume_from or consumer.app.amqp.queues)
    except AttributeError:
        return []
    return [q for q in (QUEUE_CPU, QUEUE_GPU) if q in names]


_maintenance_stop = threading.Event()


@worker_ready.connect
def _reap_at_worker_start(sender=None, **kwargs):
    """A worker consuming a container queue removes what an earlier process of this node left behind
    (containers still running, /output stages), before it takes jobs, and starts periodic clean-up."""
    queues = _container_queues(sender)
    if not queues:
        return
    node = getattr(sender, "hostname", None) or "worker"
    for queue in queues:
        try:
            removed = executor(queue, node).reap_orphans()
            if removed:
                log.warning("reaped %d container(s) left by an earlier process of %s", len(removed), node)
        except Exception:  # noqa: BLE001 - no engine: the jobs fail as the platform's, the worker stays up
            log.exception("could not reap orphan containers of %s", node)
    _maintenance_stop.clear()
    threading.Thread(target=_maintenance_loop, args=(queues[0], node), name="podium-container-maintenance", daemon=True).start()


def _maintenance_loop(queue: str, node: str) -> None:
    while not _maintenance_stop.wait(settings.PODIUM_CONTAINER_MAINTENANCE_S):
        try:
            maintain(executor(queue, node))
        except Exception:  # noqa: BLE001
            log.exception("container maintenance failed")
        finally:
            connection.close()


@worker_shutdown.connect
def _stop_maintenance(sender=None, **kwargs):
    _maintenance_stop.set()


def maintain(ex) -> dict:
    """Remove containers past their deadline (any worker's) and prune cached images unused for
    PODIUM_IMAGE_MAX_AGE_S or beyond PODIUM_IMAGE_CACHE_BYTES."""
    from datetime import timedelta

    from .executors import prune_images

    expired = ex.reap_expired()
    pruned = prune_images(ex.client, max_age=timedelta(seconds=settings.PODIUM_IMAGE_MAX_AGE_S),
                          max_total_bytes=settings.PODIUM_IMAGE_CACHE_BYTES)
    if expired or pruned:
        log.info("container maintenance: %d expired container(s) removed, %d image(s) pruned", len(expired), len(pruned))
    return {"expired": expired, "pruned": pruned}


@shared_task(name="submissions.tasks.container_maintenance", ignore_result=True)
def container_maintenance() -> dict:
    """Beat sends this to each container queue: reap expired containers, prune the image cache."""
    return maintain(executor(QUEUE_CPU, "maintenance"))
