"""Each hostile image ends with the right reason, leaves nothing behind, and the engine keeps working:
an example run right after (or during) it still produces correct predictions."""

import hashlib
import json
import threading
from dataclasses import replace

import pytest

from submissions.executors import Reason

from .conftest import LIMITS, leftover_containers

pytestmark = pytest.mark.services

EXPECTED_C1 = 1.0 / (1.0 + 2.718281828459045 ** -(0.9 * 14.0 - 12.0 * 0.1 - 12.0))


def tree_digest(folder):
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*"))
            if p.is_file()}


def assert_example_still_works(executor, images, inputs, tmp_path, name="after"):
    result = executor.run(images["examples/binary-classifier"], inputs, tmp_path / f"out-{name}", LIMITS)
    assert result.reason is Reason.COMPLETED, result.logs_tail
    lines = (tmp_path / f"out-{name}" / "predictions.csv").read_text().splitlines()
    assert lines[0] == "case_id,score" and lines[1].startswith("c1,")
    assert float(lines[1].split(",")[1]) == pytest.approx(EXPECTED_C1, rel=1e-12)


def run_hostile(executor, images, name, inputs, tmp_path, limits=LIMITS):
    return executor.run(images[f"hostile/{name}"], inputs, tmp_path / f"out-{name}", limits)


@pytest.mark.parametrize("name, reason, evidence", [
    ("network", Reason.NETWORK_UNREACHABLE, "Network is unreachable"),
    ("write-outside", Reason.READ_ONLY_FILESYSTEM, "every write outside /output was refused"),
    ("memory-hog", Reason.OUT_OF_MEMORY, "holding"),
    ("huge-output", Reason.OUTPUT_TOO_LARGE, "No space left on device"),
])
def test_hostile_image_ends_with_its_reason(name, reason, evidence, executor, images, docker_client, worker_id,
                                            binary_inputs, tmp_path):
    inputs, _ = binary_inputs
    before = tree_digest(inputs)
    result = run_hostile(executor, images, name, inputs, tmp_path)
    assert result.reason is reason, (result.reason, result.detail, result.logs_tail)
    assert evidence in result.logs_tail
    assert "REACHABLE:" not in result.logs_tail and "ESCAPED" not in result.logs_tail
    assert tree_digest(inputs) == before  # /input is untouched
    assert leftover_containers(docker_client, worker_id) == []
    assert_example_still_works(executor, images, inputs, tmp_path)
    assert leftover_containers(docker_client, worker_id) == []


def test_memory_hog_is_killed_near_its_limit(executor, images, binary_inputs, tmp_path):
    inputs, _ = binary_inputs
    result = run_hostile(executor, images, "memory-hog", inputs, tmp_path)
    assert result.reason is Reason.OUT_OF_MEMORY and result.exit_code == 137
    held = [int(line.split()[1]) for line in result.logs_tail.splitlines() if line.startswith("holding")]
    assert max(held) < LIMITS.memory_bytes >> 20  # it never held more than its 256 MiB limit (no swap)


def test_huge_output_is_discarded(executor, images, binary_inputs, tmp_path):
    inputs, _ = binary_inputs
    result = run_hostile(executor, images, "huge-output", inputs, tmp_path)
    assert result.reason is Reason.OUTPUT_TOO_LARGE
    assert result.outputs == [] and list((tmp_path / "out-huge-output").iterdir()) == []
    assert LIMITS.output_bytes - 256 * 1024 <= result.output_bytes <= LIMITS.output_bytes


def test_never_exits_is_killed_at_the_time_limit(executor, images, docker_client, worker_id, binary_inputs, tmp_path):
    inputs, _ = binary_inputs
    result = run_hostile(executor, images, "never-exits", inputs, tmp_path, replace(LIMITS, time_limit_s=2))
    assert result.reason is Reason.TIME_LIMIT and result.exit_code == 137
    assert 2.0 <= result.duration < 4.0
    assert "sleeping forever" in result.logs_tail
    assert leftover_containers(docker_client, worker_id) == []
    assert_example_still_works(executor, images, inputs, tmp_path)


def test_fork_bomb_is_contained_while_another_run_succeeds(executor, images, docker_client, worker_id, binary_inputs,
                                                           tmp_path):
    inputs, _ = binary_inputs
    outcome = {}
    bomb = threading.Thread(target=lambda: outcome.setdefault("r", run_hostile(executor, images, "fork-bomb", inputs, tmp_path)))
    bomb.start()
    try:
        # While the bomb holds its 64 pids, another submission runs normally on the same engine.
        for _ in range(40):
            if leftover_containers(docker_client, worker_id):
                break
            threading.Event().wait(0.05)
        assert_example_still_works(executor, images, inputs, tmp_path, name="during")
    finally:
        bomb.join(timeout=60)
    result = outcome["r"]
    assert result.reason is Reason.PIDS_LIMIT, (result.detail, result.logs_tail)
    assert "fork refused: [Errno 11] Resource temporarily unavailable" in result.logs_tail
    assert leftover_containers(docker_client, worker_id) == []


def test_ground_truth_is_not_visible(executor, images, binary_inputs, tmp_path):
    inputs, _ = binary_inputs
    secret = "SECRET-TRUTH-7f3a"
    truth = tmp_path / "phase" / "ground_truth" / "labels.csv"  # where a worker keeps it, beside the inputs
    truth.parent.mkdir(parents=True)
    truth.write_text(f"case_id,label\nc1,1\nc2,0\n# {secret}\n")
    result = run_hostile(executor, images, "ground-truth-seeker", inputs, tmp_path)
    assert result.reason is Reason.NONZERO_EXIT and result.exit_code == 1
    findings_path = tmp_path / "out-ground-truth-seeker" / "findings.json"
    findings = json.loads(findings_path.read_text())
    assert findings["candidates"] == [] and findings["environment"] == {}
    assert findings["input"] == ["c1.json", "c2.json", "manifest.json"]
    assert secret not in findings_path.read_text() and secret not in result.logs_tail
    # The only host folders mounted into the container are /input and /output.
    system = ("/proc", "/sys", "/dev", "/etc/resolv.conf", "/etc/hostname", "/etc/hosts", "/sbin/docker-init",
              "/usr/sbin/docker-init")
    mounted = {m["mount_point"] for m in findings["mounts"]} - {"/", "/tmp"}
    assert {m for m in mounted if not m.startswith(system)} == {"/input", "/output"}


PROBE = r"""
import json, os
status = dict(line.split(":\t", 1) for line in open("/proc/self/status").read().splitlines() if ":\t" in line)
mounts = {}
for line in open("/proc/self/mountinfo"):
    fields = line.split()
    mounts[fields[4]] = fields[5].split(",")[0]
def read(path):
    try:
        return open(path).read().strip()
    except OSError as exc:
        return f"error {exc.errno}"
def size(path):
    st = os.statvfs(path)
    return st.f_blocks * st.f_frsize
print(json.dumps({
    "uid": os.getuid(), "gid": os.getgid(), "groups": os.getgroups(),
    "cap_eff": status["CapEff"].strip(), "cap_bnd": status["CapBnd"].strip(), "no_new_privs": status["NoNewPrivs"].strip(),
    "mounts": mounts, "net": sorted(os.listdir("/sys/class/net")), "pid1": read("/proc/1/cmdline").split("\0")[0],
    "mem": read("/sys/fs/cgroup/memory/memory.limit_in_bytes"), "memsw": read("/sys/fs/cgroup/memory/memory.memsw.limit_in_bytes"),
    "pids": read("/sys/fs/cgroup/pids/pids.max"), "quota": read("/sys/fs/cgroup/cpu/cpu.cfs_quota_us"),
    "period": read("/sys/fs/cgroup/cpu/cpu.cfs_period_us"), "tmp": size("/tmp"), "output": size("/output"),
    "home": os.environ.get("HOME"),
}))
"""


def test_the_sandbox_as_seen_from_inside(executor, images, binary_inputs, tmp_path):
    """The limits and isolation a container actually gets, read from /proc and the cgroup files inside it."""
    inputs, _ = binary_inputs
    result = executor.run(images["examples/binary-classifier"], inputs, tmp_path / "out", LIMITS,
                          command=["python3", "-c", PROBE])
    assert result.reason is Reason.COMPLETED, result.logs_tail
    seen = json.loads(result.logs_tail.strip().splitlines()[-1])
    assert (seen["uid"], seen["gid"]) == (65534, 65534) and seen["groups"] in ([], [65534])
    assert int(seen["cap_eff"], 16) == 0 and int(seen["cap_bnd"], 16) == 0 and seen["no_new_privs"] == "1"
    assert seen["mounts"]["/"] == "ro" and seen["mounts"]["/input"] == "ro"
    assert seen["mounts"]["/output"] == "rw" and seen["mounts"]["/tmp"] == "rw"
    assert seen["net"] == ["lo"]
    assert seen["pid1"].endswith("docker-init")
    if cgroup_v1 := not seen["mem"].startswith("error"):
        assert int(seen["mem"]) == LIMITS.memory_bytes
        assert seen["memsw"].startswith("error") or int(seen["memsw"]) == LIMITS.memory_bytes
        assert int(seen["pids"]) == LIMITS.pids
        assert int(seen["quota"]) / int(seen["period"]) == pytest.approx(LIMITS.cpus)
    assert cgroup_v1 or seen["mem"].startswith("error")
    assert seen["tmp"] == LIMITS.tmp_bytes and seen["output"] == LIMITS.output_bytes
    assert seen["home"] == "/tmp"


def test_heartbeat_is_called_and_can_cancel_a_run(docker_client, images, worker_id, binary_inputs, tmp_path):
    from submissions.executors import DockerExecutor

    inputs, _ = binary_inputs
    executor = DockerExecutor(docker_client, worker_id=worker_id, work_dir=tmp_path / "runs", heartbeat_s=0.3)
    beats = []

    def heartbeat():
        beats.append(1)
        return len(beats) < 3  # the third beat finds the job cancelled

    result = executor.run(images["hostile/never-exits"], inputs, tmp_path / "out", LIMITS, heartbeat=heartbeat)
    assert result.reason is Reason.CANCELLED and len(beats) == 3
    assert 0.8 <= result.duration < 3.0 and result.outputs == []
    assert leftover_containers(docker_client, worker_id) == []
    failing = executor.run(images["examples/binary-classifier"], inputs, tmp_path / "out2", LIMITS,
                           heartbeat=lambda: 1 / 0)  # a broken heartbeat never breaks the run
    assert failing.reason is Reason.COMPLETED


LINKS = r"""
import os
os.symlink("/etc/shadow", "/output/leak.csv")        # on the worker, this path is the host's /etc/shadow
os.mkdir("/output/sub")
os.symlink("/etc", "/output/sub/etc")
os.mkfifo("/output/pipe")
with open("/output/sub/ok.txt", "w") as handle:
    handle.write("fine\n")
print("planted")
"""


def test_links_and_special_files_in_output_are_never_followed(executor, images, binary_inputs, tmp_path):
    inputs, _ = binary_inputs
    result = executor.run(images["examples/binary-classifier"], inputs, tmp_path / "out", LIMITS,
                          command=["python3", "-c", LINKS])
    assert result.reason is Reason.COMPLETED, result.logs_tail
    assert result.outputs == ["sub/ok.txt"]
    assert sorted(result.skipped_outputs) == ["leak.csv", "pipe", "sub/etc"]
    copied = sorted(str(p.relative_to(tmp_path / "out")) for p in (tmp_path / "out").rglob("*"))
    assert copied == ["sub", "sub/ok.txt"] and (tmp_path / "out" / "sub" / "ok.txt").read_text() == "fine\n"


def test_output_file_count_is_limited(executor, images, binary_inputs, tmp_path):
    inputs, _ = binary_inputs
    many = "import os\nfor i in range(5000):\n    open(f'/output/{i}.npy', 'w').close()\n"
    result = executor.run(images["examples/binary-classifier"], inputs, tmp_path / "out", LIMITS,
                          command=["python3", "-c", many])
    assert result.reason is Reason.OUTPUT_TOO_LARGE and "No space left on device" in result.logs_tail
    assert result.outputs == []
