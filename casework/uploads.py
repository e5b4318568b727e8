"""Receiving a case attachment without a plaintext copy on disk.

Django's default upload handlers write an upload larger than FILE_UPLOAD_MAX_MEMORY_SIZE (2.5 MB) to a
temporary file, in plaintext, until the request ends, and a crash or a full disk can leave it there. The
attachment page therefore replaces them, for its own requests only, with this handler: the upload stays in
memory whatever its size, up to SAMSYN_ATTACHMENT_MAX_BYTES; past that its bytes are dropped as they arrive
(so memory stays bounded) and the handler remembers that the file was too large, for the page to say so.
The service then seals the file from memory (accesscontrol.crypto.seal_stream); nothing of it touches MEDIA_ROOT.
"""

from __future__ import annotations

from django.core.files.uploadhandler import MemoryFileUploadHandler, SkipFile


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
