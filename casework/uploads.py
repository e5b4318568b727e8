"""Receiving an upload (a case attachment, an imported list) without a plaintext copy on disk.

Django's default upload handlers write an upload larger than FILE_UPLOAD_MAX_MEMORY_SIZE (2.5 MB) to a
temporary file, in plaintext, until the request ends, and a crash or a full disk can leave it there. The
pages that take files therefore replace them, for their own requests only (`held_in_memory`), with this
handler: the upload stays in memory whatever its size, up to the page's limit; past that its bytes are
dropped as they arrive (so memory stays bounded) and the handler remembers that the file was too large, for
the page to say so. The services then seal the file from memory; nothing of it touches MEDIA_ROOT.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.core.files.uploadhandler import MemoryFileUploadHandler, SkipFile
from django.views.decorators.csrf import csrf_exempt, csrf_protect


class BoundedMemoryUploadHandler(MemoryFileUploadHandler):
    def __init__(self, request=None, *, limit: int):
        super().__init__(request)
        self.limit = limit
        self.too_large = False

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        # The parent keeps in memory only uploads under FILE_UPLOAD_MAX_MEMORY_SIZE and leaves larger ones to
        # the temporary-file handler; here every upload stays in memory (the limit is checked per chunk).
        self.activated = True

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > self.limit:
            self.too_large = True
            raise SkipFile  # the parser discards the rest of this file's bytes as it reads them
        return super().receive_data_chunk(raw_data, start)


def held_in_memory(limit: Callable[[], int]):
    """Decorates a view that takes a file: its uploads are held by a `BoundedMemoryUploadHandler` of `limit()`
    bytes, handed to the view as `handler`. The handlers must be set before anything reads the request body,
    and the CSRF middleware reads it, so the CSRF check is made after the handler is set (Django's documented
    way)."""

    def decorate(view):
        protected = csrf_protect(view)

        @csrf_exempt
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            handler = BoundedMemoryUploadHandler(request, limit=limit())
            request.upload_handlers = [handler]
            return protected(request, *args, handler=handler, **kwargs)

        return wrapper

    return decorate
