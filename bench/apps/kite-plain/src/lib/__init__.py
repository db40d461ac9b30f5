"""The benchmark app's data: the store shared with the hand-written Python contenders
(`bench/apps/benchlib`), so that only the framework differs between them."""

import sys
from pathlib import Path

# bench/apps, which holds benchlib: lib → src → kite → apps. Set here rather than through
# PYTHONPATH so that `kite start bench/apps/kite` works on its own, in every worker.
_APPS = str(Path(__file__).resolve().parents[3])
if _APPS not in sys.path:
    sys.path.append(_APPS)

from benchlib.store import SESSION_COOKIE, SESSION_SECONDS, User, store  # noqa: E402

__all__ = ["SESSION_COOKIE", "SESSION_SECONDS", "User", "store"]
