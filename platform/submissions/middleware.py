"""Refuse an oversized submission upload from its Content-Length, before Django reads the body.

Without this, Django would stream the whole body to a temporary file (the CSRF check reads the form
before any view runs) and only then could validation say the file is too large. Chunked bodies carry
no length: `validation.validate_upload` still refuses them by the stored size.
"""

import re

from django.conf import settings
from django.http import JsonResponse

SUBMISSION_UPLOADS = re.compile(r"^/(api/phases/(?P<pk>\d+)/submissions/|challenges/(?P<slug>[-\w]+)/(?P<phase>[-\w]+)/submit/)$")
#: Room for the multipart framing and the text fields around the file.
FORM_OVERHEAD = 256 * 1024


class SubmissionUploadLimit:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        match = SUBMISSION_UPLOADS.match(request.path_info) if request.method == "POST" else None
        if match:
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            limit, what = settings.PODIUM_MAX_UPLOAD_BYTES, "a predictions file"
            if length > limit + FORM_OVERHEAD and _accepts_containers(match):
                limit, what = max(limit, settings.PODIUM_MAX_IMAGE_BYTES), "an image archive"
            if length > limit + FORM_OVERHEAD:
                message = f"the upload is {length:,} bytes; the limit for {what} is {limit:,} bytes"
                return JsonResponse({"detail": message, "code": "file_too_large",
                                     "problems": [{"code": "file_too_large", "message": message, "case_ids": []}]}, status=413)
        return self.get_response(request)


def _accepts_containers(match) -> bool:
    """Whether the upload's phase takes image archives (their limit is PODIUM_MAX_IMAGE_BYTES)."""
    from challenges.models import Phase

    phases = Phase.objects.filter(pk=match["pk"]) if match["pk"] else \
        Phase.objects.filter(challenge__slug=match["slug"], slug=match["phase"])
    return phases.filter(submission_kinds__in=("container", "both")).exists()
