"""Load inspected image archives into the engine once, keyed by image id; prune what is not used.

Every loaded submission image gets one platform tag, `podium/submission:<64 hex of its id>`; the
participant's own tags are removed after loading (two teams may both call their image `algo:latest`).
Each use re-tags the image, which sets the engine's `Metadata.LastTagTime`: that is the "last used"
time `prune_images` reads, kept by the engine itself, so several workers on one node agree on it.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from .base import SandboxError
from .docker_executor import parse_engine_time
from .image_archive import ArchiveReport, inspect_archive

log = logging.getLogger(__name__)

CACHE_REPOSITORY = "podium/submission"


class ArchiveRefused(ValueError):
    """The archive failed inspection; `problems` lists why (each with a code and a message)."""

    def __init__(self, report: ArchiveReport):
        self.report = report
        self.problems = list(report.problems)
        super().__init__("; ".join(p.message for p in self.problems))


@dataclass
class LoadedImage:
    """image_id: the engine's id (run the container with it). tag: the platform's tag.
    loaded: False when the image was already cached. seconds: time spent (inspection excluded)."""

    image_id: str
    tag: str
    loaded: bool
    seconds: float


def cache_tag(image_id: str, repository: str = CACHE_REPOSITORY) -> str:
    return f"{repository}:{image_id.removeprefix('sha256:')}"


def load_image(client, archive_path: str | Path, report: ArchiveReport | None = None, *,
               repository: str = CACHE_REPOSITORY) -> LoadedImage:
    """Make the archive's image available on this engine, loading it only when it is not cached.

    report: the `inspect_archive` report of this archive (inspected here when not given).
    Raises ArchiveRefused for an archive with problems, SandboxError when the engine does not end up
    holding the image the archive's manifest names.
    """
    import docker.errors

    report = report or inspect_archive(archive_path)
    if not report.ok:
        raise ArchiveRefused(report)
    t0 = time.perf_counter()
    tag = cache_tag(report.image_id, repository)
    name = tag.rsplit(":", 1)[1]
    try:
        image = client.images.get(report.image_id)
        loaded = False
    except docker.errors.ImageNotFound:
        with open(archive_path, "rb") as stream:
            client.images.load(stream)
        try:
            image = client.images.get(report.image_id)
        except docker.errors.ImageNotFound as exc:
            raise SandboxError(f"loading {archive_path} did not produce image {report.image_id}") from exc
        loaded = True
    image.tag(repository, name)  # also refreshes LastTagTime: the "last used" time pruning reads
    if loaded:
        for own in report.repo_tags:
            try:
                if client.images.get(own).id == image.id:
                    client.images.remove(own, noprune=True)
            except docker.errors.APIError:
                pass
    return LoadedImage(image.id, tag, loaded, time.perf_counter() - t0)


def touch(client, image_id: str, repository: str = CACHE_REPOSITORY) -> None:
    """Mark a cached image as used now (call before each run of an already-loaded image)."""
    client.images.get(image_id).tag(repository, cache_tag(image_id, repository).rsplit(":", 1)[1])


def prune_images(client, *, max_age: timedelta = timedelta(days=7), max_total_bytes: int | None = None,
                 now: datetime | None = None, repository: str = CACHE_REPOSITORY) -> list[str]:
    """Remove cached submission images unused for longer than `max_age`, then the least recently used
    until the rest take at most `max_total_bytes` (sizes as the engine reports them, shared layers
    counted per image). Images any container (running or stopped) uses are kept. Returns removed ids."""
    import docker.errors

    now = now or datetime.now(UTC)
    in_use = {c.attrs.get("Image") for c in client.containers.list(all=True)}
    cached = []
    for image in client.images.list(name=repository):
        if image.id in in_use:
            continue
        used = parse_engine_time((image.attrs.get("Metadata") or {}).get("LastTagTime")) or \
            parse_engine_time(image.attrs.get("Created")) or now
        cached.append((used, image))
    cached.sort(key=lambda pair: pair[0])
    removed = []
    total = sum(image.attrs.get("Size", 0) for _, image in cached)
    for used, image in cached:
        too_old = now - used > max_age
        too_big = max_total_bytes is not None and total > max_total_bytes
        if not (too_old or too_big):
            continue
        try:
            for tag in image.tags:
                if tag.startswith(f"{repository}:"):
                    client.images.remove(tag, noprune=False)
            removed.append(image.id)
            total -= image.attrs.get("Size", 0)
        except docker.errors.APIError as exc:
            log.warning("could not prune image %s: %s", image.id, exc)
    return removed
