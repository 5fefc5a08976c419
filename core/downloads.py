"""Sending a stored file to the person who may have it: the one way the portal answers with a file it keeps."""
from __future__ import annotations

from django.http import FileResponse, Http404


def private_download(field_file, filename: str, content_type: str = "") -> FileResponse:
    """The file as a download, never rendered by the browser in the portal's origin whatever it claims to be
    (nosniff, a sandboxed empty policy), never cached by a shared cache; 404 when the storage has lost it.
    Whether the person may have it is the caller's question, asked before."""
    try:
        handle = field_file.storage.open(field_file.name, "rb")
    except (FileNotFoundError, ValueError):
        raise Http404("The file is missing.")
    response = FileResponse(handle, as_attachment=True, filename=filename,
                            content_type=content_type or "application/octet-stream")
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
