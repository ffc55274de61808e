"""Stored files answered to token holders (the pages' /media/ URLs need a session)."""

import mimetypes

from django.http import FileResponse, Http404


def file_response(stored, filename: str = "") -> FileResponse:
    """A stored file (a FieldFile) with its media type; 404 when storage no longer has it.
    With `filename` it is offered for download under that name."""
    try:
        handle = stored.open("rb")
    except (OSError, ValueError):
        raise Http404 from None
    content_type = mimetypes.guess_type(filename or stored.name)[0] or "application/octet-stream"
    extra = {"filename": filename} if filename else {}
    return FileResponse(handle, content_type=content_type, **extra)
