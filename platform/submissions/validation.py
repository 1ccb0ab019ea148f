"""Upload validation: runs in the request, before anything is stored or queued.

Order: the upload as a container (`upload_checks`: size, zip structure), then its content through
the phase's Task of mlcore.eval (`evaluation.validate_predictions`). Every problem is reported at once
where the container is safe to open.
"""

import contextlib
import os
import shutil
import tempfile

from django.conf import settings

from mlcore.eval import Problem

from . import evaluation, upload_checks


@contextlib.contextmanager
def upload_on_disk(upload):
    """A local path holding an uploaded file (Django keeps small uploads in memory)."""
    if hasattr(upload, "temporary_file_path"):
        yield upload.temporary_file_path()
        return
    fd, path = tempfile.mkstemp(prefix="podium-upload-", suffix=os.path.splitext(upload.name or "")[1])
    try:
        with os.fdopen(fd, "wb") as out:
            upload.seek(0)
            shutil.copyfileobj(upload, out)
        yield path
    finally:
        os.unlink(path)


def validate_upload(phase, upload) -> list[Problem]:
    """Every problem of an uploaded predictions file for `phase` (empty list: valid)."""
    if upload is None:
        return [Problem("no_file", "no file was uploaded: send the predictions as the multipart field 'file'")]
    problems = upload_checks.check_size(upload.size, settings.PODIUM_MAX_UPLOAD_BYTES)
    if problems:
        return problems
    with upload_on_disk(upload) as path:
        if phase.task_type == evaluation.SEGMENTATION:
            _, truth = evaluation.read_truth(phase)
            bounds = upload_checks.case_byte_bounds(truth.geometries[c] for c in truth.case_ids)
            problems = upload_checks.check_label_map_zip(path, len(truth.case_ids), bounds)
            if problems:
                return problems
        _, problems = evaluation.validate_predictions(phase, path)
    upload.seek(0)
    return problems


def validate_image_upload(phase, upload) -> list[Problem]:
    """Every problem of an uploaded image archive (`docker save` tar or tar.gz) found in the request:
    size, manifest and configuration (VOLUMEs, no ENTRYPOINT/CMD, ...). Large tar.gz archives are
    inspected fully by the worker (`container_runs.check_image_upload`)."""
    from .container_runs import check_image_upload

    if upload is None:
        return [Problem("no_file", "no image archive was uploaded: send it as the multipart field 'image' "
                        "(or 'file' with kind=container)")]
    with upload_on_disk(upload) as path:
        problems = check_image_upload(phase, upload, path)
    upload.seek(0)
    return problems
