"""Writing a file whole or not at all, for what Kite keeps between starts (the template and
module caches)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

__all__ = ["replace_file"]


def replace_file(path: Path, data: bytes) -> None:
    """Write `data` to a new file beside `path` and rename it into place, so that a reader
    (another worker starting) sees the old file or the new one, never half of one. Raises
    OSError when the folder cannot be written."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        # Readable by a server running as another user than the start that wrote it (a
        # cache made while building an image); mkstemp makes it private.
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise
