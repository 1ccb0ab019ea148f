"""Container submissions end to end: image archives uploaded over HTTP (`podium submit --image` against a
live server), a real Celery worker on `containers-cpu` running them in the Docker sandbox, scores from
the same Task and metric code as an uploaded file.

The example binary classifier scores 40 breast-cancer cases: its AUC must equal scikit-learn's on the
predictions the fixed model gives (computed here by hand). Hostile images each end failed with their
reason; the worker survives them all and a later good run succeeds. A trial run shows the team its log;
a run on hidden cases shows its log to the organizers only.

Images come from containers/build.py (cached by recipe hash); their `docker save` archives are cached
by image id in <tmp>/podium-test-archives, so a second run of this module saves nothing again.
"""

import io
import math
import socket
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import docker.errors
import numpy as np
import pytest
from django.core.files.base import ContentFile
from rest_framework.authtoken.models import Token
from sklearn.datasets import load_breast_cancer
from sklearn.metrics import roc_auc_score

from challenges.models import Case, DataFile, Phase
from submissions.executors.docker_executor import LABEL_MANAGED, LABEL_WORKER
from submissions.models import FailureCause, Status, Submission
from tests.e2e.workers import start_worker, stop
from tests.platform.containers.conftest import docker_client, images, save_archive  # noqa: F401  (fixtures)
from tests.platform.factories import ChallengeFactory, UserFactory
from tests.platform.submissions.helpers import client_for, participant

pytestmark = [pytest.mark.e2e, pytest.mark.services]
ROOT = Path(__file__).resolve().parents[2]
N_CASES = 40
FEATURES = ["mean_radius", "mean_texture", "mean_smoothness", "worst_concavity", "mean_area"]
#: The example's fixed model (containers/README.md), written out here independently of its code.
WEIGHTS = {"mean_radius": 0.9, "mean_texture": 0.05, "mean_smoothness": -12.0, "worst_concavity": 3.0}
BIAS = -12.0


def podium(*args, timeout=300):
    return subprocess.run([sys.executable, "-m", "mlcore.cli", *args], cwd=ROOT, capture_output=True, text=True, timeout=timeout)


@pytest.fixture
def container_phase(postgres):
    """A container-only binary phase of 40 breast-cancer cases, the first 5 public sample cases for trial
    runs; limits small enough for the hostile images to hit them fast."""
    data = load_breast_cancer()
    rng = np.random.default_rng(3)
    rows = np.sort(rng.choice(len(data.target), N_CASES, replace=False))
    names = [n.replace(" ", "_") for n in data.feature_names]
    ids = [f"case_{i:03d}" for i in range(N_CASES)]
    labels = [int(data.target[r] == 0) for r in rows]  # 1 = malignant
    features = [{f: float(data.data[r, names.index(f)]) for f in FEATURES} for r in rows]
    truth = "case_id,label\n" + "".join(f"{c},{y}\n" for c, y in zip(ids, labels, strict=True))
    inputs = "case_id," + ",".join(FEATURES) + "\n" + "".join(
        f"{c}," + ",".join(repr(x[f]) for f in FEATURES) + "\n" for c, x in zip(ids, features, strict=True))
    phase = Phase.objects.create(
        challenge=ChallengeFactory(), slug="algorithms", title="Algorithm phase", task_type="binary", metrics=["auc", "brier"],
        ground_truth=ContentFile(truth.encode(), name="truth.csv"), submission_kinds=Phase.SubmissionKinds.CONTAINER,
        limit_per_day=0, limit_total=0, limit_concurrent=0, time_limit_s=8,
        task_options={"container": {"memory_mb": 256, "pids": 64, "output_mb": 8, "trial_cases": 5}})
    Case.objects.bulk_create(Case(phase=phase, case_id=c, order=i, subset="public" if i < 20 else "private")
                             for i, c in enumerate(ids))
    DataFile.objects.create(challenge=phase.challenge, phase=phase, kind=DataFile.Kind.PUBLIC_INPUT, name="test_inputs.csv",
                            file=ContentFile(inputs.encode(), name="test_inputs.csv"))
    expected = [1 / (1 + math.exp(-(BIAS + sum(w * x[f] for f, w in WEIGHTS.items())))) for x in features]
    return phase, ids, labels, expected


def wait_finished(pks, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        subs = list(Submission.objects.filter(pk__in=pks))
        if all(s.status in (Status.SUCCEEDED, Status.FAILED, Status.CANCELLED) for s in subs):
            return {s.pk: s for s in subs}
        time.sleep(0.2)
    raise AssertionError(f"not finished after {timeout} s: {[(s.pk, s.status) for s in subs]}")


def test_container_submissions_end_to_end(container_phase, redis_broker, live_server, images, docker_client,  # noqa: F811
                                          artifacts_dir):
    phase, ids, labels, expected = container_phase
    user = participant(phase.challenge)
    organizer = UserFactory()
    phase.challenge.organizers.add(organizer)
    token = Token.objects.create(user=user).key
    common = ["submit", "--url", live_server.url, "--token", token, "--phase", str(phase.pk), "--no-progress"]
    t0 = time.monotonic()
    archives = {name: save_archive(docker_client, images[name]) for name in (
        "examples/binary-classifier", "hostile/network", "hostile/memory-hog", "hostile/fork-bomb", "hostile/never-exits",
        "hostile/huge-output", "hostile/bad-predictions")}
    timings = {"archives": time.monotonic() - t0}

    # A container an earlier process of this worker node left running: reaped when the worker starts.
    node = f"containers@{socket.gethostname()}"
    orphan = docker_client.containers.run(images["hostile/never-exits"], [], detach=True, network_mode="none",
                                          labels={LABEL_MANAGED: "1", LABEL_WORKER: node})
    worker = start_worker(f"{artifacts_dir}/worker.log", queues="containers-cpu", name="containers")
    try:
        t0 = time.monotonic()
        good = podium(*common, "--method", "fixed logistic model", "--wait", "--timeout", "120",
                      "--image", str(archives["examples/binary-classifier"]))
        timings["good (upload to scored)"] = time.monotonic() - t0
        assert good.returncode == 0, good.stdout + good.stderr
        hostile = {}
        t0 = time.monotonic()
        for name in ("hostile/network", "hostile/memory-hog", "hostile/fork-bomb", "hostile/never-exits",
                     "hostile/huge-output", "hostile/bad-predictions"):
            sent = podium(*common, "--image", str(archives[name]))
            assert sent.returncode == 0, sent.stderr
            hostile[name] = int(sent.stdout.split()[1].rstrip(":"))
        trial = podium(*common, "--trial", "--wait", "--timeout", "120", "--image", str(archives["examples/binary-classifier"]))
        bad_trial = podium(*common, "--trial", "--wait", "--timeout", "120", "--image", str(archives["hostile/bad-predictions"]))
        after = podium(*common, "--wait", "--timeout", "120", "--image", str(archives["examples/binary-classifier"]))
        finished = wait_finished(list(hostile.values()), 120)
        timings["6 hostile + trial + good"] = time.monotonic() - t0
        assert worker.poll() is None, "the worker died"
        worker_log = Path(f"{artifacts_dir}/worker.log").read_text()
    finally:
        stop(worker)
    print("container e2e timings (s):", {k: round(v, 1) for k, v in timings.items()})

    # The example: scored by the same Task and metrics as an uploaded file; AUC equals scikit-learn's.
    first = Submission.objects.filter(kind="container", is_trial=False).order_by("pk").first()
    assert first.status == Status.SUCCEEDED, first.error_message
    stored = np.genfromtxt(first.output_file.open("rb"), delimiter=",", names=True, dtype=None, encoding="utf-8")
    assert list(stored["case_id"]) == ids
    np.testing.assert_allclose(stored["score"], expected, rtol=1e-12)
    assert first.scores["auc"] == pytest.approx(roc_auc_score(labels, expected), abs=1e-12)
    assert first.scores["brier"] == pytest.approx(np.mean((np.array(expected) - labels) ** 2), abs=1e-12)
    # the team sees the scores on the public cases (the first 20) while the phase runs
    assert f"scores: auc={roc_auc_score(labels[:20], expected[:20]):.4f}" in good.stdout
    assert "scored 40 cases" in first.run_log and first.run_reason == "completed"

    # Hostile images: each failed with its reason, counted against the team (the algorithm's fault).
    reasons = {name: finished[pk].run_reason for name, pk in hostile.items()}
    assert reasons == {"hostile/network": "network_unreachable", "hostile/memory-hog": "out_of_memory",
                       "hostile/fork-bomb": "pids_limit", "hostile/never-exits": "time_limit",
                       "hostile/huge-output": "output_too_large", "hostile/bad-predictions": "output_invalid"}, \
        {n: finished[pk].error_message for n, pk in hostile.items()}
    assert all(finished[pk].status == Status.FAILED and finished[pk].failure_cause == FailureCause.PARTICIPANT
               for pk in hostile.values())
    # The Task's own problems (missing, unknown case ids): codes for the team, details for the organizers,
    # since messages quoting what an algorithm wrote on hidden cases could carry hidden inputs out.
    bad = finished[hostile["hostile/bad-predictions"]]
    assert "missing_cases" in bad.error_message and "not_a_case" not in bad.error_message
    assert "case_000" in bad.run_log and "not_a_case" in bad.run_log
    assert "Network is unreachable" in finished[hostile["hostile/network"]].run_log

    # The worker was unaffected: a later good run succeeded with the same score, nothing left running.
    last = Submission.objects.filter(kind="container", is_trial=False).order_by("-pk").first()
    assert after.returncode == 0 and last.status == Status.SUCCEEDED and last.scores == first.scores
    assert docker_client.containers.list(all=True, filters={"label": f"{LABEL_WORKER}={node}"}) == []
    with pytest.raises(docker.errors.NotFound):
        orphan.reload()  # reaped at worker start
    assert "Traceback" not in worker_log

    # The trial run: 5 public sample cases, not scored, never ranked; the team sees its log.
    run = Submission.objects.filter(is_trial=True).order_by("pk").first()
    assert trial.returncode == 0 and "scored 5 cases" in trial.stdout and "trial run completed" in trial.stdout
    assert run.status == Status.SUCCEEDED and run.scores == {} and run.hidden_reason
    assert client_for(user).get(f"/api/submissions/{run.pk}/").json()["run_log"].strip() == "scored 5 cases"
    # A run on hidden cases: its log goes to the organizers only.
    assert client_for(user).get(f"/api/submissions/{first.pk}/").json()["run_log"] is None
    assert "scored 40 cases" in client_for(organizer).get(f"/api/submissions/{first.pk}/").json()["run_log"]

    # A trial run whose outputs the Task refuses: on public sample cases the team sees every problem.
    assert bad_trial.returncode == 1 and "not_a_case" in bad_trial.stderr and "case_000" in bad_trial.stderr
    assert "wrote 5 rows for 5 cases" in bad_trial.stdout  # its log


def dice(truth, predicted, label):
    t, p = truth == label, predicted == label
    return 2 * np.sum(t & p) / (np.sum(t) + np.sum(p))


def test_segmenter_image_is_scored_like_uploaded_label_maps(postgres, redis_broker, live_server, images,  # noqa: F811
                                                            docker_client, artifacts_dir, tmp_path):  # noqa: F811
    """The segmentation example on 3 volumes: its label maps are validated against the references and
    scored; the phase's Dice equals the mean of the per-case Dice computed here by hand."""
    rng = np.random.default_rng(5)
    ids = ["vol_a", "vol_b", "vol_c"]
    truths, intensities = {}, {}
    for c in ids:
        truth = np.zeros((12, 10, 8), np.uint8)
        truth[2:9, 3:8, 2:6] = 1
        truths[c] = truth
        # Some voxels cross the 0.5 threshold; none reaches 1.5 (label 2, which this phase does not have).
        intensities[c] = np.clip(truth + rng.normal(0, 0.3, truth.shape), -1.0, 1.4)
    predicted = {c: np.digitize(intensities[c], [0.5, 1.5], right=True).astype(np.uint8) for c in ids}
    expected = float(np.mean([dice(truths[c], predicted[c], 1) for c in ids]))

    def npy_zip(arrays):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as z:
            for c, a in arrays.items():
                out = io.BytesIO()
                np.save(out, a)
                z.writestr(f"{c}.npy", out.getvalue())
        return buffer.getvalue()

    phase = Phase.objects.create(
        challenge=ChallengeFactory(), slug="seg", title="Segmentation algorithms", task_type="segmentation", metrics=["dice"],
        task_options={"labels": [1], "container": {"memory_mb": 512}}, ground_truth=ContentFile(npy_zip(truths), name="truth.zip"),
        submission_kinds=Phase.SubmissionKinds.CONTAINER, limit_concurrent=0, time_limit_s=30)
    Case.objects.bulk_create(Case(phase=phase, case_id=c, order=i) for i, c in enumerate(ids))
    DataFile.objects.create(challenge=phase.challenge, phase=phase, kind=DataFile.Kind.PUBLIC_INPUT, name="volumes.zip",
                            file=ContentFile(npy_zip(intensities), name="volumes.zip"))
    user = participant(phase.challenge)
    token = Token.objects.create(user=user).key
    archive = save_archive(docker_client, images["examples/segmenter"])
    worker = start_worker(f"{artifacts_dir}/worker.log", queues="containers-cpu", name="seg")
    try:
        done = podium("submit", "--url", live_server.url, "--token", token, "--phase", str(phase.pk), "--no-progress",
                      "--wait", "--timeout", "120", "--image", str(archive))
    finally:
        stop(worker)
    assert done.returncode == 0, done.stdout + done.stderr
    sub = Submission.objects.get(phase=phase)
    assert sub.status == Status.SUCCEEDED and sub.scores["dice"] == pytest.approx(expected, abs=1e-12)
    assert 0.5 < expected < 1.0  # the noise made the segmentation imperfect
    with zipfile.ZipFile(sub.output_file.open("rb")) as z:  # the stored outputs are the algorithm's label maps
        assert sorted(z.namelist()) == [f"{c}.npy" for c in ids]
        np.testing.assert_array_equal(np.load(io.BytesIO(z.read("vol_b.npy"))), predicted["vol_b"])
