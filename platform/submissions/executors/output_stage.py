"""A size-limited /output: a tmpfs mounted on the worker host, bound into the container, copied out.

Why this design: the kernel enforces the size (a write past it fails with ENOSPC), so there is no race
as with a size watcher polling a plain bind mount, no loop device, and the data survives the container's
exit (a container-side tmpfs vanishes when the container stops, before it could be copied out). The
price: the worker process needs CAP_SYS_ADMIN on the host where the engine runs (a Docker worker is
root-equivalent anyway), and /output lives in RAM while the run lasts (written pages are charged to the
container's memory cgroup, so the memory limit must cover them).

Copying out never follows links: only regular files and folders are copied, with O_NOFOLLOW, after the
container has stopped; symlinks, FIFOs and sockets are listed as skipped.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import os
import shutil
import stat
from dataclasses import dataclass, field
from pathlib import Path

from .base import SandboxError

MS_NOSUID, MS_NODEV, MS_NOEXEC = 2, 4, 8
MNT_DETACH = 2
#: A tmpfs with less than this free is considered full (tmpfs rounds its size to pages).
FULL_MARGIN_BYTES = 64 * 1024

_libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)


def mount_tmpfs(target: Path, size_bytes: int, max_files: int, uid: int, gid: int) -> None:
    """Mount a tmpfs of `size_bytes` and at most `max_files` inodes on `target`, owned by uid:gid."""
    options = f"size={int(size_bytes)},nr_inodes={int(max_files) + 1},mode=0755,uid={uid},gid={gid}"
    if _libc.mount(b"podium-output", os.fsencode(target), b"tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
                   options.encode()) != 0:
        err = ctypes.get_errno()
        raise SandboxError(f"cannot mount the /output tmpfs on {target}: {os.strerror(err)} "
                           "(the container worker needs CAP_SYS_ADMIN, i.e. to run as root next to the engine)")


def unmount(target: Path) -> None:
    """Lazily unmount `target`; a target that is not mounted is left alone."""
    if _libc.umount2(os.fsencode(target), MNT_DETACH) != 0:
        err = ctypes.get_errno()
        if err not in (errno.EINVAL, errno.ENOENT):
            raise SandboxError(f"cannot unmount {target}: {os.strerror(err)}")


def is_mount_point(path: Path) -> bool:
    return os.path.ismount(path)


@dataclass
class StageUsage:
    """How full the stage is: bytes used, files used, and whether a limit was reached."""

    used_bytes: int
    used_files: int
    bytes_full: bool
    files_full: bool

    @property
    def full(self) -> bool:
        return self.bytes_full or self.files_full


def usage(target: Path) -> StageUsage:
    st = os.statvfs(target)
    used = (st.f_blocks - st.f_bfree) * st.f_frsize
    free = st.f_bavail * st.f_frsize
    used_files = st.f_files - st.f_ffree - 1  # minus the root folder
    return StageUsage(used, used_files, free < FULL_MARGIN_BYTES, st.f_favail == 0)


@dataclass
class Copied:
    files: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    total_bytes: int = 0


def copy_out(source: Path, destination: Path) -> Copied:
    """Copy regular files and folders from `source` to `destination`, never following links."""
    copied = Copied()
    destination.mkdir(parents=True, exist_ok=True)
    for root, dirs, files in os.walk(source, followlinks=False):
        rel_root = Path(root).relative_to(source)
        for name in sorted(dirs):
            path = Path(root, name)
            if stat.S_ISLNK(os.lstat(path).st_mode):
                copied.skipped.append(str(rel_root / name))
                dirs.remove(name)
            else:
                (destination / rel_root / name).mkdir(exist_ok=True)
        for name in sorted(files):
            rel = rel_root / name
            fd = None
            try:
                fd = os.open(Path(root, name), os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
                if not stat.S_ISREG(os.fstat(fd).st_mode):
                    copied.skipped.append(str(rel))
                    continue
                with os.fdopen(fd, "rb") as src, open(destination / rel, "wb") as dst:
                    fd = None
                    shutil.copyfileobj(src, dst, 1024 * 1024)
                    copied.total_bytes += dst.tell()
                copied.files.append(str(rel))
            except OSError as exc:
                if exc.errno != errno.ELOOP:
                    raise
                copied.skipped.append(str(rel))
            finally:
                if fd is not None:
                    os.close(fd)
    return copied
