"""Writing a file whole or not at all, for what Kite keeps between starts (the template and
module caches)."""

from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path

__all__ = ["keep_file"]

logger = logging.getLogger("kite")


def keep_file(path: Path, data: bytes, what: str) -> bool:
    """Write `data` to a new file beside `path` and rename it into place, so that a reader
    (another worker starting) sees the old file or the new one, never half of one. False,
    and a debug line naming `what`, when the folder cannot be written: a cache that cannot
    be kept is simply not kept."""
    try:
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
    except OSError as exc:
        logger.debug("%s %s not written: %s", what, path, exc)
        return False
    return True
