"""Image archives are inspected before loading: valid `docker save` output passes, everything else is
refused with a specific message; loading is cached by image id; unused cached images are pruned."""

import gzip
import hashlib
import io
import json
import tarfile
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from submissions.executors import ArchiveRefused, inspect_archive, load_image, prune_images
from submissions.executors.image_cache import cache_tag


def build_and_save(client, tmp_path, dockerfile, name):
    """A tiny FROM-scratch image, saved with `docker save`; returns (archive path, image id, tag)."""
    context = tmp_path / f"ctx-{name}"
    context.mkdir()
    (context / "hello.txt").write_text("hello\n")
    (context / "Dockerfile").write_text(dockerfile)
    tag = f"podium-test/archive-{name}-{uuid.uuid4().hex[:8]}:v1"
    image, _ = client.images.build(path=str(context), tag=tag, rm=True, network_mode="none")
    archive = tmp_path / f"{name}.tar"
    with open(archive, "wb") as handle:
        for chunk in client.images.get(tag).save(named=True):
            handle.write(chunk)
    return archive, image.id, tag


@pytest.fixture(scope="module")
def saved(docker_client, tmp_path_factory):
    """name -> (archive, image id, tag) for the valid image and the refused variants."""
    tmp = tmp_path_factory.mktemp("archives")
    recipes = {
        "valid": 'FROM scratch\nCOPY hello.txt /hello.txt\nCMD ["/hello"]\n',
        "volume": 'FROM scratch\nCOPY hello.txt /hello.txt\nVOLUME /data /scratch\nCMD ["/hello"]\n',
        "nocmd": "FROM scratch\nCOPY hello.txt /hello.txt\n",
        "root": 'FROM scratch\nCOPY hello.txt /hello.txt\nUSER root\nCMD ["/hello"]\n',
    }
    made = {name: build_and_save(docker_client, tmp, recipe, name) for name, recipe in recipes.items()}
    yield made
    for _, image_id, _ in made.values():
        try:
            docker_client.images.remove(image_id, force=True)
        except Exception:  # noqa: BLE001 - a test may have removed it already
            pass


def codes(report):
    return [p.code for p in report.problems]


def rewrite(src, dst, change):
    """Copy a tar member by member; `change(name, data)` returns new bytes, or None to drop the member."""
    with tarfile.open(src) as tin, tarfile.open(dst, "w") as tout:
        for info in tin:
            data = tin.extractfile(info).read() if info.isreg() else None
            if info.isreg():
                data = change(info.name, data)
                if data is None:
                    continue
                info.size = len(data)
            tout.addfile(info, io.BytesIO(data) if data is not None else None)
    return dst


pytestmark = pytest.mark.services


def test_valid_archive_passes_as_tar_and_tar_gz(saved, tmp_path):
    archive, image_id, tag = saved["valid"]
    report = inspect_archive(archive)
    assert report.ok and report.problems == [] and report.notes == []
    assert report.image_id == image_id and report.repo_tags == [tag] and report.layers == 1
    assert report.config["config"]["Cmd"] == ["/hello"]
    gz = tmp_path / "valid.tar.gz"
    gz.write_bytes(gzip.compress(archive.read_bytes()))
    report_gz = inspect_archive(gz)
    assert report_gz.ok and report_gz.image_id == image_id and report_gz.archive_bytes < report.archive_bytes


def test_volume_is_refused_with_the_paths_and_the_reason(saved):
    report = inspect_archive(saved["volume"][0])
    assert codes(report) == ["declares_volumes"]
    message = report.problems[0].message
    assert "VOLUME /data, /scratch" in message and "read-only root filesystem" in message


def test_missing_entrypoint_and_cmd_is_refused(saved):
    report = inspect_archive(saved["nocmd"][0])
    assert codes(report) == ["no_command"] and "neither ENTRYPOINT nor CMD" in report.problems[0].message


def test_user_root_is_overridden_not_refused(saved):
    report = inspect_archive(saved["root"][0])
    assert report.ok and len(report.notes) == 1 and "USER root is ignored" in report.notes[0]


def test_corrupt_and_truncated_archives_are_refused(saved, tmp_path):
    noise = tmp_path / "noise.tar"
    noise.write_bytes(hashlib.sha256(b"x").digest() * 4000)
    data = saved["valid"][0].read_bytes()
    truncated_gz = tmp_path / "cut.tar.gz"
    truncated_gz.write_bytes(gzip.compress(data)[: len(gzip.compress(data)) // 2])
    empty = tmp_path / "empty.tar"
    empty.write_bytes(b"")
    for path in (noise, truncated_gz, empty):
        report = inspect_archive(path)
        assert codes(report) == ["archive_corrupt"], (path.name, report.problems)
        assert "docker save" in report.problems[0].message


def test_missing_manifest_is_refused(saved, tmp_path):
    path = rewrite(saved["valid"][0], tmp_path / "nomanifest.tar", lambda name, data: None if name == "manifest.json" else data)
    report = inspect_archive(path)
    assert codes(report) == ["manifest_missing"] and "docker save" in report.problems[0].message


def test_oversize_archive_is_refused_before_reading(saved, tmp_path):
    archive = saved["valid"][0]
    size = archive.stat().st_size
    report = inspect_archive(archive, max_archive_bytes=size - 1)
    assert codes(report) == ["archive_too_large"]
    assert report.problems[0].message == f"the archive is {size} bytes; the limit is {size - 1} bytes"
    # A small tar.gz that unpacks past the limit (a gzip bomb) is refused too.
    bomb = tmp_path / "bomb.tar.gz"
    with tarfile.open(bomb, "w:gz") as tar:
        info = tarfile.TarInfo("zeros")
        info.size = 50 * 1024**2
        tar.addfile(info, io.BytesIO(bytes(info.size)))
    assert bomb.stat().st_size < 1024**2
    report = inspect_archive(bomb, max_archive_bytes=10 * 1024**2)
    assert codes(report) == ["archive_too_large"] and "unpacks to more than" in report.problems[0].message


def test_unsafe_paths_tampered_config_and_reserved_tags_are_refused(saved, tmp_path):
    archive = saved["valid"][0]
    unsafe = tmp_path / "unsafe.tar"
    with tarfile.open(unsafe, "w") as tar:
        info = tarfile.TarInfo("../evil")
        tar.addfile(info, io.BytesIO(b""))
    assert codes(inspect_archive(unsafe)) == ["archive_unsafe_path"]

    def tamper(name, data):
        if name.endswith(".json") and name != "manifest.json" and "/" not in name:
            return data.replace(b'"/hello"', b'"/hellp"')
        return data
    assert codes(inspect_archive(rewrite(archive, tmp_path / "tampered.tar", tamper))) == ["config_digest_mismatch"]

    def retag(name, data):
        if name == "manifest.json":
            manifest = json.loads(data)
            manifest[0]["RepoTags"] = ["podium/base:latest"]
            return json.dumps(manifest).encode()
        return data
    report = inspect_archive(rewrite(archive, tmp_path / "retagged.tar", retag))
    assert codes(report) == ["reserved_tag"] and "podium/base:latest" in report.problems[0].message


def test_load_is_cached_by_image_id_and_prune_removes_unused(saved, docker_client):
    import docker.errors

    archive, image_id, tag = saved["valid"]
    repository = f"podium-test/cache-{uuid.uuid4().hex[:8]}"
    docker_client.images.remove(image_id, force=True)  # as on a worker that never saw it
    with pytest.raises(docker.errors.ImageNotFound):
        docker_client.images.get(image_id)

    first = load_image(docker_client, archive, repository=repository)
    assert first.loaded is True and first.image_id == image_id
    image = docker_client.images.get(image_id)
    assert image.tags == [cache_tag(image_id, repository)]  # the participant's own tag was removed
    second = load_image(docker_client, archive, repository=repository)
    assert second.loaded is False and second.image_id == image_id

    now = datetime.now(UTC)
    assert prune_images(docker_client, max_age=timedelta(days=7), now=now, repository=repository) == []
    assert prune_images(docker_client, max_age=timedelta(days=7), max_total_bytes=0, now=now,
                        repository=repository) == [image_id]
    with pytest.raises(docker.errors.ImageNotFound):
        docker_client.images.get(image_id)
    third = load_image(docker_client, archive, repository=repository)
    assert third.loaded is True
    assert prune_images(docker_client, max_age=timedelta(days=7), now=now + timedelta(days=8),
                        repository=repository) == [image_id]


def to_blob_layout(src, dst):
    """Rewrite a docker 20.10 archive the way docker 25+ saves: ./blobs/sha256/<digest>, oci-layout."""
    with tarfile.open(src) as tin:
        files = {i.name: tin.extractfile(i).read() for i in tin if i.isreg()}
    manifest = json.loads(files["manifest.json"])[0]
    blobs = {}
    for key in ("Config",):
        blobs[manifest[key]] = files[manifest[key]]
    for layer in manifest["Layers"]:
        blobs[layer] = files[layer]
    renamed = {old: f"blobs/sha256/{hashlib.sha256(data).hexdigest()}" for old, data in blobs.items()}
    new_manifest = [{"Config": renamed[manifest["Config"]], "RepoTags": manifest["RepoTags"],
                     "Layers": [renamed[layer] for layer in manifest["Layers"]]}]
    entries = {renamed[old]: data for old, data in blobs.items()}
    entries["manifest.json"] = json.dumps(new_manifest).encode()
    entries["oci-layout"] = b'{"imageLayoutVersion":"1.0.0"}'
    with tarfile.open(dst, "w") as tout:
        for name, data in entries.items():
            info = tarfile.TarInfo(f"./{name}")
            info.size = len(data)
            tout.addfile(info, io.BytesIO(data))
    return dst


def test_docker_25_blob_layout_passes_and_loads(saved, docker_client, tmp_path):
    archive, image_id, _ = saved["root"]
    blob = to_blob_layout(archive, tmp_path / "blobs.tar")
    report = inspect_archive(blob)
    assert report.ok and report.image_id == image_id
    docker_client.images.remove(image_id, force=True)
    loaded = load_image(docker_client, blob, report, repository=f"podium-test/cache-{uuid.uuid4().hex[:8]}")
    assert loaded.loaded and docker_client.images.get(image_id).id == image_id
    docker_client.images.remove(image_id, force=True)


def test_refused_archive_is_never_loaded(saved, docker_client):
    archive, image_id, _ = saved["volume"]
    with pytest.raises(ArchiveRefused) as refused:
        load_image(docker_client, archive, repository="podium-test/never")
    assert [p.code for p in refused.value.problems] == ["declares_volumes"]
