"""API errors as JSON: a clear message, never a stack trace."""

import logging

from rest_framework.response import Response
from rest_framework.views import exception_handler

log = logging.getLogger(__name__)


def api_exception_handler(exc, context):
    response = exception_handler(exc, context)
    if response is not None:
        return response
    log.exception("unhandled error in %s", context.get("view"))
    return Response({"detail": "internal error: the request could not be completed; it has been logged"}, status=500)
