"""Checks on the upload as a container (size, zip structure), before any Task reads its content.

Content (case ids, values, labels, geometry) is the Task's job in mlcore.eval; this module only makes
sure that opening the upload is safe: no file over the size limit, and for a zip of label maps no
absolute or `..` paths (zip slip), no links, no encrypted members, no archive inside the archive (a
`.nii.gz` is an image, not an archive, but only when it holds a NIfTI header), and no more
decompressed bytes than the phase's reference geometry can need (zip bomb).
"""

from __future__ import annotations

import stat
import struct
import zipfile
import zlib

import numpy as np

from mlcore.eval import Problem

#: Bytes of slack per case on top of the voxel data: headers, NIfTI extensions, NRRD/MHA text headers.
HEADER_SLACK = 1 << 20
#: Widest voxel type a label map may use (int64/float64).
MAX_VOXEL_BYTES = 8
ARCHIVE_SUFFIXES = (".zip", ".tar", ".tgz", ".tar.gz", ".tbz2", ".tar.bz2", ".txz", ".tar.xz", ".7z", ".rar",
                    ".gz", ".bz2", ".xz", ".zst", ".jar")
#: Magic numbers of archive and compressed formats (offset, bytes, name).
MAGIC = ((0, b"PK\x03\x04", "zip"), (0, b"PK\x05\x06", "zip"), (0, b"7z\xbc\xaf\x27\x1c", "7z"), (0, b"Rar!", "rar"),
         (0, b"\x1f\x8b", "gzip"), (0, b"BZh", "bzip2"), (0, b"\xfd7zXZ\x00", "xz"), (0, b"\x28\xb5\x2f\xfd", "zstd"),
         (257, b"ustar", "tar"))


def check_size(size: int, limit: int) -> list[Problem]:
    if size > limit:
        return [Problem("file_too_large", f"the file is {size:,} bytes; the limit is {limit:,} bytes")]
    return []


def _archive_kind(head: bytes) -> str | None:
    for offset, magic, name in MAGIC:
        if head[offset:offset + len(magic)] == magic:
            return name
    return None


def _is_nifti_header(head: bytes) -> bool:
    """NIfTI-1 (sizeof_hdr 348) or NIfTI-2 (540), either byte order."""
    if len(head) < 4:
        return False
    return any(struct.unpack(order + "i", head[:4])[0] in (348, 540) for order in "<>")


def _gunzip_size(z: zipfile.ZipFile, info: zipfile.ZipInfo, cap: int) -> tuple[int, bytes]:
    """Decompressed size of a gzip member (stops once past `cap`) and its first decompressed bytes."""
    d = zlib.decompressobj(zlib.MAX_WBITS | 16)
    total, head = 0, b""
    with z.open(info) as fh:
        while chunk := fh.read(1 << 16):
            out = d.decompress(chunk, cap + 1 - total)
            total += len(out)
            head = head or out[:512]
            while d.unconsumed_tail and total <= cap:
                out = d.decompress(d.unconsumed_tail, cap + 1 - total)
                total += len(out)
            if total > cap:
                return total, head
            if d.eof:
                break
    return total, head


def _npz_size(z: zipfile.ZipFile, info: zipfile.ZipInfo) -> int:
    """Decompressed bytes of the arrays in an .npz member (itself a zip archive)."""
    try:
        with z.open(info) as fh, zipfile.ZipFile(fh) as inner:
            return sum(i.file_size for i in inner.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return 0  # not a valid .npz: the Task reports it as unreadable


def _declared_voxels(head: bytes) -> int:
    """Voxels an MHA (`DimSize = ...`) or NRRD (`sizes: ...`) header declares (0 when not found)."""
    text = head.decode("latin-1")
    for line in text.splitlines():
        key, _, value = line.partition("=" if "=" in line else ":")
        if key.strip().lower() in ("dimsize", "sizes"):
            try:
                return int(np.prod([int(v) for v in value.split()], dtype=object))
            except ValueError:
                return 0
    return 0


def case_byte_bounds(geometries) -> list[int]:
    """Largest plausible decompressed size of each case's label map: voxels x 8 bytes + header slack."""
    return [int(np.prod(g.shape)) * MAX_VOXEL_BYTES + HEADER_SLACK for g in geometries]


def check_label_map_zip(path: str, n_cases: int, case_bounds: list[int]) -> list[Problem]:
    """Structural problems of a zip of label maps (empty list: safe to hand to the Task).

    n_cases: cases of the phase; case_bounds: per-case decompressed-size bounds (`case_byte_bounds`).
    """
    if not zipfile.is_zipfile(path):
        return [Problem("not_a_zip", "expected a .zip archive holding one label map per case (file name = case id); "
                        "the upload is not a zip archive")]
    try:
        z = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        return [Problem("bad_zip", f"the zip archive cannot be opened: {exc}")]
    problems: list[Problem] = []
    with z:
        infos = z.infolist()
        files = [i for i in infos if not i.is_dir()]
        if not files:
            return [Problem("empty_zip", "the zip archive holds no files; expected one label map per case")]
        if len(files) > 2 * n_cases + 16:
            problems.append(Problem("too_many_files", f"the zip archive holds {len(files)} files; this phase has {n_cases} cases"))
        absolute, slip, links, encrypted, nested = [], [], [], [], []
        for info in infos:
            name = info.filename
            parts = name.replace("\\", "/").split("/")
            if name.startswith(("/", "\\")) or (len(name) > 1 and name[1] == ":"):
                absolute.append(name)
            if ".." in parts:
                slip.append(name)
            if stat.S_ISLNK(info.external_attr >> 16):
                links.append(name)
            if info.flag_bits & 0x1:
                encrypted.append(name)
        for label, code, found in (("absolute paths", "zip_absolute_path", absolute),
                                   ("'..' in their path (zip slip)", "zip_slip", slip),
                                   ("symbolic links", "zip_link", links),
                                   ("encryption", "zip_encrypted", encrypted)):
            if found:
                problems.append(Problem(code, f"the zip archive has entries with {label}: {', '.join(found[:10])}; "
                                        "expected plain files named after the cases"))
        if problems:
            return problems  # do not read members of an archive that is unsafe to open

        largest = max(case_bounds, default=0)
        total_bound = sum(case_bounds) + HEADER_SLACK
        declared_too_big = [f"{i.filename} ({i.file_size:,} bytes)" for i in files if i.file_size > largest]
        if declared_too_big:
            return [Problem("zip_bomb", f"zip entries larger than a label map of this phase can be "
                            f"(at most {largest:,} bytes): {', '.join(declared_too_big[:10])}")]
        declared = sum(i.file_size for i in files)
        if declared > total_bound:
            return [Problem("zip_bomb", f"the zip archive decompresses to {declared:,} bytes; label maps of this phase's "
                            f"{n_cases} cases need at most {total_bound:,} bytes")]
        too_big, total = [], 0
        for info in files:
            lower = info.filename.lower()
            try:
                with z.open(info) as fh:
                    head = fh.read(512)
                if lower.endswith(".nii.gz") and head[:2] == b"\x1f\x8b":
                    try:
                        size, inner = _gunzip_size(z, info, largest)
                    except (zlib.error, EOFError):
                        continue  # a broken gzip stream: the Task reports the file as unreadable
                    total += size
                    if size > largest:
                        too_big.append(f"{info.filename} (over {largest:,} bytes once decompressed)")
                    elif not _is_nifti_header(inner):
                        kind = _archive_kind(inner)
                        nested.append(f"{info.filename} (a gzip file holding {'a ' + kind + ' archive' if kind else 'no NIfTI image'})")
                    continue
                total += info.file_size
            except (zipfile.BadZipFile, zlib.error, OSError, EOFError) as exc:
                problems.append(Problem("bad_zip", f"zip entry {info.filename} cannot be read: {exc}"))
                continue
            if lower.endswith(".npz"):
                inner = _npz_size(z, info)
                if inner > largest:
                    too_big.append(f"{info.filename} (its arrays hold {inner:,} bytes)")
                continue
            if lower.endswith((".mha", ".nrrd")):
                voxels = _declared_voxels(head)
                if voxels * MAX_VOXEL_BYTES > largest:
                    too_big.append(f"{info.filename} (its header declares {voxels:,} voxels)")
                    continue
            kind = _archive_kind(head)
            if lower.endswith(ARCHIVE_SUFFIXES) or (kind and not lower.endswith(".nii")):
                nested.append(f"{info.filename} ({kind or 'archive'})")
        if too_big:
            problems.append(Problem("zip_bomb", f"zip entries larger than a label map of this phase can be "
                                    f"(at most {largest:,} bytes): {', '.join(too_big[:10])}"))
        elif total > total_bound:
            problems.append(Problem("zip_bomb", f"the zip archive decompresses to more than {total_bound:,} bytes, "
                                    f"more than label maps of this phase's {n_cases} cases need"))
        if nested:
            problems.append(Problem("nested_archive", f"archives inside the zip archive are not accepted: {', '.join(nested[:10])}; "
                                    "put the label-map files themselves in the zip"))
    return problems
