"""Container submissions on the platform side (no Docker engine needed): which uploads a phase takes,
archives refused in the request with the inspection's messages, trial runs and their own limits, who
sees a run's log, the container job's queue (per phase) and the watchdog re-sending a lost one, the
cases' inputs a container sees, and a phase without inputs failing as the platform's fault."""

import io
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from challenges.models import DataFile
from submissions import container_runs, container_tasks
from submissions.models import FailureCause, Status, Submission
from submissions.watchdog import run_watchdog
from tests.platform.factories import UserFactory
from tests.platform.submissions.container_helpers import archive, container_phase
from tests.platform.submissions.helpers import GOOD_CSV, client_for, participant, stored
from tests.platform.submissions.phases import binary_phase

pytestmark = pytest.mark.django_db
@pytest.fixture
def sent(monkeypatch):
    """Messages of container jobs: [(submission id, queue)] (nothing reaches a broker)."""
    messages = []
    monkeypatch.setattr(container_tasks.run_container_submission, "apply_async",
                        lambda args, queue, **kw: messages.append((args[0], queue)))
    return messages


def post_image(user, phase, content=None, field="image", **data):
    upload = SimpleUploadedFile("algo.tar", archive() if content is None else content)
    return client_for(user).post(f"/api/phases/{phase.pk}/submissions/", {field: upload, **data}, format="multipart")


def test_a_container_phase_takes_an_archive_and_queues_it_on_its_queue(sent, django_capture_on_commit_callbacks):
    cpu, gpu = container_phase(), container_phase(gpu=True)
    user = participant(cpu.challenge)
    participant(gpu.challenge, user=user)
    with django_capture_on_commit_callbacks(execute=True):
        a = post_image(user, cpu)
        b = post_image(user, gpu, field="file", kind="container")  # the other spelling
    assert a.status_code == 201 and b.status_code == 201, (a.json(), b.json())
    assert a.json()["kind"] == "container" and a.json()["status"] == "queued" and a.json()["run_log"] is None
    assert sent == [(a.json()["id"], "containers-cpu"), (b.json()["id"], "containers-gpu")]


def test_kinds_a_phase_does_not_take_are_refused():
    predictions_only, container_only = binary_phase(), container_phase()
    user = participant(predictions_only.challenge)
    participant(container_only.challenge, user=user)
    refused = post_image(user, predictions_only)
    assert refused.status_code == 400 and refused.json()["code"] == "kind_not_accepted"
    assert "prediction files only" in refused.json()["detail"]
    csv = client_for(user).post(f"/api/phases/{container_only.pk}/submissions/",
                                {"file": SimpleUploadedFile("p.csv", GOOD_CSV)}, format="multipart")
    assert csv.status_code == 400 and "container images only" in csv.json()["detail"]
    assert Submission.objects.count() == 0


@pytest.mark.parametrize("extra, tags, code, words", [
    ({"Volumes": {"/data": {}}}, ("team/algo:v1",), "declares_volumes", "VOLUME /data"),
    ({"Cmd": None}, ("team/algo:v1",), "no_command", "neither ENTRYPOINT nor CMD"),
    ({}, ("podium/base:latest",), "reserved_tag", "reserved for the platform"),
])
def test_archives_are_refused_in_the_request_with_the_inspections_message(sent, extra, tags, code, words):
    phase = container_phase()
    user = participant(phase.challenge)
    resp = post_image(user, phase, archive(extra, tags))
    assert resp.status_code == 400, resp.json()
    assert [p["code"] for p in resp.json()["problems"]] == [code] and words in resp.json()["problems"][0]["message"]
    assert Submission.objects.count() == 0 and sent == []


def test_an_oversized_or_unreadable_archive_is_refused():
    phase = container_phase(container={"max_image_mb": 1})
    user = participant(phase.challenge)
    big = post_image(user, phase, b"\0" * (1024**2 + 1))
    assert big.status_code == 400 and big.json()["problems"][0]["code"] == "archive_too_large"
    junk = post_image(user, phase, b"not a tar at all" * 100)
    assert junk.status_code == 400 and junk.json()["problems"][0]["code"] in ("archive_corrupt", "manifest_missing")
    assert "docker save" in junk.json()["problems"][0]["message"]


def test_trial_runs_have_their_own_limits_and_never_count_or_rank(sent, django_capture_on_commit_callbacks):
    phase = container_phase(container={"trial_cases": 2, "trial_runs_per_day": 2})
    phase.limit_total = 1
    phase.save()
    user = participant(phase.challenge)
    assert post_image(user, phase).status_code == 201  # uses the phase's only submission
    assert post_image(user, phase).json()["code"] == "total_limit"
    with django_capture_on_commit_callbacks(execute=True):
        trial = post_image(user, phase, trial="true")
    assert trial.status_code == 201, trial.json()
    body = trial.json()
    assert body["is_trial"] and body["hidden_reason"] and not body["is_baseline"]
    assert post_image(user, phase, trial="true").json()["code"] == "concurrent_limit"  # one unfinished trial at a time
    Submission.objects.filter(pk=body["id"]).update(status=Status.SUCCEEDED)
    assert post_image(user, phase, trial="true").status_code == 201
    Submission.objects.filter(is_trial=True).update(status=Status.SUCCEEDED)
    daily = post_image(user, phase, trial="true")
    assert daily.status_code == 429 and daily.json()["code"] == "daily_limit" and "trial runs" in daily.json()["detail"]
    assert container_runs.trial_case_ids(phase) == ["c1", "c2"]

    client = client_for(user)
    final = client.post(f"/api/submissions/{body['id']}/final/", {"is_final": True}, format="json")
    assert final.status_code == 400 and final.json()["code"] == "trial_run"
    organizer = UserFactory()
    phase.challenge.organizers.add(organizer)
    lift = client_for(organizer).post(f"/api/submissions/{body['id']}/moderation/", {"hidden_reason": ""}, format="json")
    assert lift.status_code == 400 and Submission.objects.get(pk=body["id"]).hidden_reason


def test_a_phase_without_trial_cases_refuses_trial_runs():
    phase = container_phase(container={"trial_cases": 0})
    resp = post_image(participant(phase.challenge), phase, trial="true")
    assert resp.status_code == 400 and resp.json()["code"] == "no_trial_cases"


def test_run_logs_go_to_organizers_and_trial_logs_to_the_team_too():
    phase = container_phase()
    user, organizer = participant(phase.challenge), UserFactory()
    phase.challenge.organizers.add(organizer)
    hidden = stored(phase, user, kind="container", run_log="case c1: 17.99 (hidden input)", status=Status.FAILED)
    trial = stored(phase, user, kind="container", is_trial=True, run_log="scored 5 cases")
    mine, theirs = client_for(user), client_for(organizer)
    assert mine.get(f"/api/submissions/{hidden.pk}/").json()["run_log"] is None
    assert theirs.get(f"/api/submissions/{hidden.pk}/").json()["run_log"] == "case c1: 17.99 (hidden input)"
    assert mine.get(f"/api/submissions/{trial.pk}/").json()["run_log"] == "scored 5 cases"
    assert all(s["run_log"] is None for s in mine.get(f"/api/phases/{phase.pk}/submissions/").json() if s["id"] == hidden.pk)
    mine.force_login(user)
    assert "17.99" not in mine.get(f"/submissions/{hidden.pk}/").content.decode()
    assert "scored 5 cases" in mine.get(f"/submissions/{trial.pk}/").content.decode()
    theirs.force_login(organizer)
    assert "17.99" in theirs.get(f"/submissions/{hidden.pk}/").content.decode()


def test_case_inputs_split_a_table_per_case_and_read_a_zip():
    phase = container_phase()
    cases = container_runs.case_inputs(phase, ["c2", "c1"])
    assert cases == {"c2": (b"mean_radius,mean_texture\n13.54,14.36\n", ".csv"),
                     "c1": (b"mean_radius,mean_texture\n17.99,10.38\n", ".csv")}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("cases/c1.nii.gz", b"one")
        z.writestr("cases/c2.nii.gz", b"two")
    DataFile.objects.create(challenge=phase.challenge, phase=phase, kind="training", name="images.zip",
                            file=ContentFile(buffer.getvalue(), name="images.zip"))
    phase.task_options = {"container": {"inputs": "images.zip"}}
    assert container_runs.case_inputs(phase, ["c1", "c2"]) == {"c1": (b"one", ".nii.gz"), "c2": (b"two", ".nii.gz")}
    with pytest.raises(container_runs.InputsMissing, match="lacks 1 case"):
        container_runs.case_inputs(phase, ["c1", "c3"])
    phase.task_options = {}
    assert container_runs.inputs_data_file(phase).name == "inputs.csv"  # the only public_input file
    DataFile.objects.create(challenge=phase.challenge, phase=phase, kind=DataFile.Kind.HIDDEN_INPUT, name="hidden.csv",
                            file=ContentFile(b"case_id,x\nc1,1\n", name="hidden.csv"))
    assert container_runs.case_inputs(phase, ["c1"]) == {"c1": (b"x\n1\n", ".csv")}  # hidden inputs come first
    # A trial run's team sees its whole log: its inputs come from the public_input file only, even when the
    # phase's inputs option names the hidden file.
    public_c1 = {"c1": (b"mean_radius,mean_texture\n17.99,10.38\n", ".csv")}
    assert container_runs.case_inputs(phase, ["c1"], trial=True) == public_c1
    phase.task_options = {"container": {"inputs": "hidden.csv"}}
    assert container_runs.case_inputs(phase, ["c1"]) == {"c1": (b"x\n1\n", ".csv")}
    assert container_runs.case_inputs(phase, ["c1"], trial=True) == public_c1
    phase.data_files.filter(kind=DataFile.Kind.PUBLIC_INPUT).delete()
    with pytest.raises(container_runs.NoTrialInputs, match="no public inputs for trial runs"):
        container_runs.case_inputs(phase, ["c1"], trial=True)


def test_a_phase_with_hidden_inputs_only_refuses_trial_runs(sent):
    phase = container_phase()
    phase.data_files.update(kind=DataFile.Kind.HIDDEN_INPUT)
    user = participant(phase.challenge)
    resp = post_image(user, phase, trial="true")
    assert resp.status_code == 400 and resp.json()["code"] == "no_trial_inputs", resp.json()
    assert "no public inputs for trial runs" in resp.json()["detail"] and Submission.objects.count() == 0
    # A trial queued before the public inputs went away never reads the hidden ones: it fails, not counting.
    sub = stored(phase, user, kind="container", is_trial=True, status=Status.QUEUED, content=archive())
    assert container_tasks.run_container_submission(sub.pk) == "failed"
    sub.refresh_from_db()
    assert sub.status == Status.FAILED and sub.failure_cause == FailureCause.PLATFORM and not sub.counts_against_limits
    assert "trial run refused" in sub.error_message and "no public inputs for trial runs" in sub.error_message


def test_limits_and_queue_come_from_the_phase():
    phase = container_phase(gpu=True, container={"memory_mb": 512, "cpus": 2, "pids": 32, "output_mb": 16})
    phase.time_limit_s = 90
    limits = container_runs.run_limits(phase)
    assert (limits.time_limit_s, limits.memory_bytes, limits.cpus, limits.pids, limits.output_bytes) == \
        (90.0, 512 * 1024**2, 2.0, 32, 16 * 1024**2)
    assert container_runs.queue_for(phase) == "containers-gpu"
    assert container_runs.queue_for(container_phase()) == "containers-cpu"


@pytest.mark.django_db(transaction=True)
def test_the_watchdog_resends_a_lost_container_job_to_its_own_queue(sent, settings):
    phase = container_phase(gpu=True)
    user = participant(phase.challenge)
    stale = timezone.now() - timezone.timedelta(seconds=settings.PODIUM_HEARTBEAT_STALE_S + 5)
    sub = stored(phase, user, kind="container", status=Status.RUNNING, worker="gone@node/pid1", heartbeat_at=stale,
                 attempts=1, started_at=stale, deadline_at=timezone.now() + timezone.timedelta(hours=1))
    acted = run_watchdog()
    assert acted["requeued"] == [sub.pk] and sent == [(sub.pk, "containers-gpu")]


@pytest.mark.django_db(transaction=True)
def test_a_phase_without_inputs_fails_as_the_platforms_fault(sent):
    phase = container_phase()
    phase.data_files.all().delete()
    user = participant(phase.challenge)
    sub = stored(phase, user, kind="container", status=Status.QUEUED, content=archive())
    assert container_tasks.run_container_submission(sub.pk) == "failed"
    sub.refresh_from_db()
    assert sub.status == Status.FAILED and sub.failure_cause == FailureCause.PLATFORM and not sub.counts_against_limits
    assert "expected one public_input (or hidden_input) data file" in sub.error_message and sub.run_reason == "platform_error"


class EndingExecutor:
    """Stands in for the sandbox: every run ends with `result` (no engine)."""

    client = None

    def __init__(self, result):
        self.result = result

    def run(self, image, inputs_dir, outputs_dir, limits, run_id=None, heartbeat=None):
        return self.result


@pytest.fixture
def run_ends(monkeypatch):
    """run_ends(result): container jobs load their image without an engine and their run ends with `result`."""
    from submissions import executors
    from submissions.executors.image_cache import LoadedImage

    monkeypatch.setattr(executors, "load_image", lambda client, path, report: LoadedImage("sha256:x", "podium/x", False, 0.0))
    return lambda result: monkeypatch.setattr(container_tasks, "executor", lambda queue, worker: EndingExecutor(result))


@pytest.mark.parametrize("trial", [False, True])
def test_a_hidden_runs_team_sees_the_generic_reason_and_the_organizers_the_exit_code(sent, run_ends, trial):
    from submissions.executors import Reason, RunResult

    phase = container_phase()
    user = participant(phase.challenge)
    run_ends(RunResult(17, Reason.NONZERO_EXIT, "printed 17.99", 1.0, detail="exit code 17"))
    sub = stored(phase, user, kind="container", is_trial=trial, status=Status.QUEUED, content=archive())
    assert container_tasks.run_container_submission(sub.pk) == "failed"
    sub.refresh_from_db()
    assert sub.status == Status.FAILED and sub.failure_cause == FailureCause.PARTICIPANT and sub.run_reason == "nonzero_exit"
    assert sub.error_message.startswith(f"nonzero_exit: {Reason.NONZERO_EXIT.message}")
    assert sub.run_log.startswith("printed 17.99")
    if trial:  # public sample cases: the team sees everything
        assert "exit code 17" in sub.error_message
    else:  # hidden cases: the exit code (the algorithm's choice) stays in the organizers' run log
        assert "17" not in sub.error_message and "shown to the organizers only" in sub.error_message
        assert "exit code 17" in sub.run_log


def test_a_platform_fault_requeues_the_job_at_once_without_a_countdown(run_ends, monkeypatch,
                                                                       django_capture_on_commit_callbacks):
    """An ETA message sits unexecuted in a late-acking solo worker: a re-sent job has no countdown nor eta."""
    from submissions.executors import Reason, RunResult

    options = []
    monkeypatch.setattr(container_tasks.run_container_submission, "apply_async",
                        lambda args, **kw: options.append((args[0], kw)))
    phase = container_phase()
    run_ends(RunResult(None, Reason.PLATFORM_ERROR, "", 0.0, detail="engine unreachable"))
    sub = stored(phase, participant(phase.challenge), kind="container", status=Status.QUEUED, content=archive())
    with django_capture_on_commit_callbacks(execute=True):
        assert container_tasks.run_container_submission(sub.pk) == "requeued"
    sub.refresh_from_db()
    assert sub.status == Status.QUEUED and sub.deadline_at is None and "it will run again" in sub.error_message
    assert [pk for pk, _ in options] == [sub.pk]
    kw = options[0][1]
    assert kw["queue"] == "containers-cpu" and kw.get("countdown") is None and kw.get("eta") is None


def test_the_submit_page_takes_an_image_on_container_phases(sent, django_capture_on_commit_callbacks):
    phase, predictions_only = container_phase(), binary_phase()
    user = participant(phase.challenge)
    participant(predictions_only.challenge, user=user)
    client = client_for(user)
    client.force_login(user)
    url = f"/challenges/{phase.challenge.slug}/{phase.slug}/submit/"
    page = client.get(url).content.decode()
    assert 'name="image"' in page and 'name="trial"' in page and 'name="file"' not in page
    other = client.get(f"/challenges/{predictions_only.challenge.slug}/{predictions_only.slug}/submit/").content.decode()
    assert 'name="image"' not in other and 'name="file"' in other
    with django_capture_on_commit_callbacks(execute=True):
        resp = client.post(url, {"image": SimpleUploadedFile("algo.tar", archive()), "trial": "true"})
    sub = Submission.objects.get()
    assert resp.status_code == 302 and sub.kind == "container" and sub.is_trial and sent == [(sub.pk, "containers-cpu")]
    refused = client.post(url, {"image": SimpleUploadedFile("algo.tar", archive({"Volumes": {"/x": {}}}))})
    assert refused.status_code == 400 and "VOLUME /x" in refused.content.decode()


def test_podium_submit_needs_a_file_or_an_image(capsys):
    from mlcore.cli import main

    assert main(["submit", "--phase", "1", "--url", "http://127.0.0.1:9", "p.csv", "--image", "a.tar"]) == 1
    assert "either a predictions file or --image" in capsys.readouterr().err
    assert main(["submit", "--phase", "1", "--url", "http://127.0.0.1:9", "--trial", "p.csv"]) == 1
    assert "--trial needs --image" in capsys.readouterr().err


def test_container_queues_get_their_maintenance_from_beat_and_workers_reap_only_there():
    from types import SimpleNamespace

    from podium.celery import _beat_schedule

    schedule = _beat_schedule()
    assert {e["options"]["queue"] for k, e in schedule.items() if e["task"] == "submissions.tasks.container_maintenance"} == \
        {"containers-cpu", "containers-gpu"}

    def consumer(*queues):
        return SimpleNamespace(app=SimpleNamespace(amqp=SimpleNamespace(queues=SimpleNamespace(consume_from=dict.fromkeys(queues)))))

    assert container_tasks._container_queues(consumer("scoring")) == []
    assert container_tasks._container_queues(consumer("scoring", "containers-gpu")) == ["containers-gpu"]
