"""Inspect a `docker save` archive (tar or tar.gz) before anything is loaded into the engine.

`inspect_archive(path)` reads the archive once, as a stream, and returns an `ArchiveReport` with every
problem found (`mlcore.eval.problems.Problem`: code, message). The upload view refuses the archive when
`report.problems` is not empty; `report.image_id` (sha256 of the image config) is the cache key
`image_cache.load_image` uses.

Decisions on image configuration (documented in containers/README.md):
- VOLUME: refused. Docker creates a writable anonymous volume for each declared path, which would give
  the container writable, unlimited storage despite the read-only root filesystem.
- no ENTRYPOINT and no CMD: refused; the platform runs the image as it is and passes no command.
- USER: never refused, always overridden: every container runs as 65534:65534 (nobody). An image that
  declares USER root is therefore not root when it runs. Files the algorithm reads must be world-readable.
- OS other than linux, architecture other than the workers' (amd64), more than 127 layers (overlay2's
  limit): refused. Tags in the platform's own namespace (`podium/...`): refused, so that loading an
  archive can never re-point one of the platform's images.
- ENV, WORKDIR, EXPOSE, HEALTHCHECK: allowed (EXPOSE is moot without a network), listed as notes.
"""

from __future__ import annotations

import hashlib
import json
import os
import posixpath
import tarfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from mlcore.eval.problems import Problem

GiB = 1024**3
#: grand-challenge.org's cap on algorithm images.
DEFAULT_MAX_ARCHIVE_BYTES = 10 * GiB
#: Largest member whose content is kept for parsing (manifest and config JSON are a few KiB).
SMALL_MEMBER_BYTES = 4 * 1024**2
MAX_LAYERS = 127
RESERVED_PREFIXES = ("podium/", "docker.io/podium/")


@dataclass
class ArchiveReport:
    """What `inspect_archive` found. `problems` empty means the archive may be loaded."""

    path: str
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    image_id: str | None = None
    repo_tags: list[str] = field(default_factory=list)
    config: dict = field(default_factory=dict)
    archive_bytes: int = 0
    uncompressed_bytes: int = 0
    layers: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    def add(self, code: str, message: str) -> None:
        self.problems.append(Problem(code, message))


def inspect_archive(path: str | Path, *, max_archive_bytes: int = DEFAULT_MAX_ARCHIVE_BYTES,
                    max_uncompressed_bytes: int | None = None, architecture: str = "amd64") -> ArchiveReport:
    """Check a `docker save` archive: size, structure, manifest, config. Never raises for a bad archive.

    max_archive_bytes: limit on the file as uploaded (compressed or not). max_uncompressed_bytes: limit on
    the sum of member sizes (default: the same as max_archive_bytes; guards against gzip bombs).
    architecture: the workers' CPU architecture, in Docker's words (amd64, arm64).
    """
    report = ArchiveReport(path=str(path))
    try:
        report.archive_bytes = os.path.getsize(path)
    except OSError as exc:
        report.add("archive_unreadable", f"cannot read the archive: {exc.strerror}")
        return report
    if report.archive_bytes > max_archive_bytes:
        report.add("archive_too_large", f"the archive is {report.archive_bytes} bytes; the limit is {max_archive_bytes} bytes")
        return report
    members = _read_members(path, report, max_uncompressed_bytes or max_archive_bytes)
    if report.problems:
        return report
    manifest = _manifest(members, report)
    if manifest is None:
        return report
    config = _config(manifest, members, report)
    if config is not None:
        report.config = config
        _check_config(config, report, architecture)
    return report


def _read_members(path, report: ArchiveReport, max_uncompressed: int) -> dict[str, bytes | None]:
    """Member name -> content (small regular files) or None; problems for unreadable or unsafe archives."""
    members: dict[str, bytes | None] = {}
    try:
        with tarfile.open(path, "r:*") as tar:
            for info in tar:
                name = posixpath.normpath(info.name.removeprefix("./") or ".")
                if info.name.startswith("/") or name == ".." or name.startswith("../"):
                    report.add("archive_unsafe_path", f"the archive holds a path outside itself: {info.name!r}")
                    return members
                report.uncompressed_bytes += max(info.size, 0)
                if report.uncompressed_bytes > max_uncompressed:
                    report.add("archive_too_large", f"the archive unpacks to more than {max_uncompressed} bytes")
                    return members
                content = None
                if info.isreg() and info.size <= SMALL_MEMBER_BYTES:
                    content = tar.extractfile(info).read()
                members[name] = content
                if info.issym() or info.islnk():
                    members[name] = members.get(posixpath.normpath(posixpath.join(posixpath.dirname(name), info.linkname)
                                                                   if info.issym() else info.linkname))
    except (tarfile.TarError, EOFError, zlib.error, OSError) as exc:
        report.add("archive_corrupt", "the file is not a readable tar or tar.gz archive "
                   f"(expected the output of `docker save IMAGE -o image.tar`): {exc}")
        return members
    if not members:
        report.add("archive_corrupt", "the archive is empty (expected the output of `docker save IMAGE -o image.tar`)")
    return members


def _json(content: bytes | None, what: str, code: str, report: ArchiveReport):
    try:
        return json.loads(content)
    except (TypeError, ValueError, UnicodeDecodeError) as exc:
        report.add(code, f"{what} is not valid JSON: {exc}")
        return None


def _manifest(members, report: ArchiveReport) -> dict | None:
    if "manifest.json" not in members:
        report.add("manifest_missing", "the archive has no manifest.json; was it made by `docker save IMAGE -o image.tar`? "
                   "(an exported container filesystem, `docker export`, is not an image)")
        return None
    manifest = _json(members["manifest.json"], "manifest.json", "manifest_invalid", report)
    if manifest is None:
        return None
    if not isinstance(manifest, list) or not manifest:
        report.add("manifest_invalid", "manifest.json must list one image; found " + type(manifest).__name__)
        return None
    if len(manifest) > 1:
        report.add("multiple_images", f"the archive holds {len(manifest)} images; submit exactly one")
        return None
    entry = manifest[0]
    if not isinstance(entry, dict) or not isinstance(entry.get("Config"), str) or not isinstance(entry.get("Layers"), list):
        report.add("manifest_invalid", "manifest.json's entry must have Config (a file name) and Layers (a list)")
        return None
    report.repo_tags = [str(t) for t in entry.get("RepoTags") or []]
    report.layers = len(entry["Layers"])
    missing = [layer for layer in entry["Layers"] if posixpath.normpath(layer) not in members]
    if missing:
        report.add("layer_missing", f"manifest.json names {len(missing)} layer(s) the archive does not hold: {', '.join(missing[:3])}")
    reserved = [t for t in report.repo_tags if t.startswith(RESERVED_PREFIXES)]
    if reserved:
        report.add("reserved_tag", f"the image is tagged {', '.join(reserved)}; names starting with 'podium/' are "
                   "reserved for the platform's own images: re-tag it (`docker tag`) before `docker save`")
    if report.layers > MAX_LAYERS:
        report.add("too_many_layers", f"the image has {report.layers} layers; the engine supports at most {MAX_LAYERS}")
    return entry


def _config(entry, members, report: ArchiveReport) -> dict | None:
    name = posixpath.normpath(entry["Config"])
    if name not in members:
        report.add("config_missing", f"manifest.json names the config {entry['Config']}, which the archive does not hold")
        return None
    content = members[name]
    if content is None:
        report.add("config_invalid", f"the image config {entry['Config']} is not a small regular file")
        return None
    digest = hashlib.sha256(content).hexdigest()
    stem = posixpath.basename(name).removesuffix(".json")
    if len(stem) == 64 and stem != digest:
        report.add("config_digest_mismatch", f"the image config {entry['Config']} does not match its digest (sha256 {digest})")
        return None
    report.image_id = f"sha256:{digest}"
    config = _json(content, f"the image config {entry['Config']}", "config_invalid", report)
    if config is not None and not isinstance(config, dict):
        report.add("config_invalid", "the image config must be a JSON object")
        return None
    return config


def _check_config(config: dict, report: ArchiveReport, architecture: str) -> None:
    if config.get("os", "linux") != "linux":
        report.add("wrong_os", f"the image is built for {config.get('os')}; workers run linux")
    arch = config.get("architecture")
    if arch and arch != architecture:
        report.add("wrong_architecture", f"the image is built for {arch}; workers run {architecture} "
                   f"(build with `docker build --platform linux/{architecture}`)")
    run = config.get("config") or {}
    volumes = sorted(run.get("Volumes") or {})
    if volumes:
        report.add("declares_volumes", f"the image declares VOLUME {', '.join(volumes)}: a volume would give the "
                   "container writable storage despite the read-only root filesystem. Remove the VOLUME "
                   "instruction(s); write results to /output and scratch files to /tmp")
    if not run.get("Entrypoint") and not run.get("Cmd"):
        report.add("no_command", "the image has neither ENTRYPOINT nor CMD; the platform runs the image as it is, so it "
                   "must say what to run, e.g. ENTRYPOINT [\"python3\", \"/opt/algorithm/predict.py\"]")
    user = str(run.get("User") or "")
    if user and user not in ("65534", "65534:65534", "nobody", "nobody:nogroup"):
        report.notes.append(f"the image's USER {user} is ignored: algorithms always run as uid:gid 65534:65534 "
                            "(nobody), so the files they read must be world-readable")
    if run.get("ExposedPorts"):
        report.notes.append("EXPOSE is ignored: algorithms run without any network")
