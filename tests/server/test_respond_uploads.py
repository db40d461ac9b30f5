"""Uploaded files are temporary files: Kite closes them once the response is sent."""

from __future__ import annotations

import sys

from support import APPS

from kite.testing import Client


def test_uploads_are_closed_after_the_response() -> None:
    with Client(APPS / "testing") as client:
        # Imported with the app's route modules: the /upload action keeps what it saw there.
        seen = sys.modules["testing_uploads"].SEEN
        seen.clear()
        response = client.action("/upload", None, files={"file": [("a.txt", b"a"), ("b", b"b")]})
        assert response.status_code == 200
        assert len(seen) == 2
        assert all(upload.file.closed for upload in seen)
