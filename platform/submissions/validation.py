"""Upload validation: runs in the request, before anything is stored or queued."""

from django.conf import settings

from mlcore.eval import Problem


def validate_upload(phase, upload) -> list[Problem]:
    """Every problem of an uploaded predictions file for `phase` (empty list: valid)."""
    limit = settings.PODIUM_MAX_UPLOAD_BYTES
    if upload is None:
        return [Problem("no_file", "no file was uploaded: send the predictions as the multipart field 'file'")]
    if upload.size > limit:
        return [Problem("file_too_large", f"the file is {upload.size} bytes; the limit is {limit} bytes")]
    upload.seek(0)
    _, problems = phase.task.validate_predictions(upload, phase.case_ids)
    upload.seek(0)
    return problems
