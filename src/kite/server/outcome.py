"""What running an action came to: an `Outcome`, which kite.server.answer answers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

__all__ = ["Outcome", "OutcomeKind"]

OutcomeKind = Literal["success", "failure", "redirect", "error"]


@dataclass(frozen=True, slots=True)
class Outcome:
    """What running an action came to.

    - success: the action returned `data` (status 200);
    - failure: it returned `fail(status, data)`, or its typed form did not validate, or a
      rate limit refused an enhanced submission (429);
    - redirect: it raised `redirect(...)`, which is `exc`;
    - error: it raised (or returned what an action may not), which is `exc`.
    """

    kind: OutcomeKind
    status: int = 200
    data: Any = None
    exc: BaseException | None = None
