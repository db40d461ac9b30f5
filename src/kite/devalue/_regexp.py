"""JavaScript regular expressions as text: the ``.source``/``.flags`` forms devalue writes,
a structural syntax check, and the mapping from Python's `re` flags."""

from __future__ import annotations

import re
from typing import Final

__all__ = ["check_source", "flags_from_python", "normalize_flags", "normalize_source"]

FLAG_ORDER: Final = "dgimsuvy"

_LINE_TERMINATORS: Final = {"\n": "\\n", "\r": "\\r", "\u2028": "\\u2028", "\u2029": "\\u2029"}
_NEEDS_ESCAPE: Final = re.compile("[/\n\r\u2028\u2029]")
_GROUP_PREFIX: Final = re.compile(r"\?(?::|=|!|<=|<!|<[^>]+>|[ims]*-?[ims]*:)")
_BRACE_QUANTIFIER: Final = re.compile(r"\{[0-9]+(?:,[0-9]*)?\}")

_PY_FLAGS: Final = ((re.IGNORECASE, "i"), (re.MULTILINE, "m"), (re.DOTALL, "s"))
# Python 3 sets re.UNICODE on every str pattern, so it says nothing about the author's
# intent; re.ASCII only narrows \w and friends to what JavaScript matches anyway.
_PY_IGNORED: Final = re.UNICODE | re.ASCII


def normalize_flags(flags: str) -> str:
    """Validate JavaScript flags and put them in canonical ``dgimsuvy`` order."""
    if any(flag not in FLAG_ORDER for flag in flags) or len(set(flags)) != len(flags):
        raise ValueError(f"invalid regular expression flags {flags!r}")
    if "u" in flags and "v" in flags:
        raise ValueError("the regular expression flags u and v cannot be combined")
    return "".join(flag for flag in FLAG_ORDER if flag in flags)


def normalize_source(pattern: str) -> str:
    """The ``.source`` JavaScript reports for ``new RegExp(pattern)``: ``/`` outside
    character classes becomes ``\\/``, line terminators become escapes, ``""`` is
    ``(?:)``."""
    if not pattern:
        return "(?:)"
    if _NEEDS_ESCAPE.search(pattern) is None:
        return pattern
    out: list[str] = []
    in_class = False
    i, n = 0, len(pattern)
    while i < n:
        char = pattern[i]
        if char == "\\" and i + 1 < n:
            following = pattern[i + 1]
            # An escaped line terminator keeps only its escape sequence, no double escape.
            out.append(_LINE_TERMINATORS.get(following, "\\" + following))
            i += 2
            continue
        if char == "/" and not in_class:
            out.append("\\/")
        else:
            out.append(_LINE_TERMINATORS.get(char, char))
            if char == "[":
                in_class = True
            elif char == "]":
                in_class = False
        i += 1
    return "".join(out)


def check_source(source: str) -> None:
    """Reject patterns that no JavaScript engine compiles: an unbalanced group or class, a
    quantifier with nothing to repeat, a trailing backslash, an unknown ``(?`` group.

    This is a structural check, not the full ECMAScript grammar; the browser has the last
    word on anything subtler.
    """
    depth = 0
    in_class = False
    can_repeat = False
    i, n = 0, len(source)
    while i < n:
        char = source[i]
        i += 1
        if char == "\\":
            if i >= n:
                raise ValueError(f"invalid regular expression /{source}/: \\ at end of pattern")
            i += 1
            can_repeat = True
        elif in_class:
            in_class = char != "]"
            can_repeat = not in_class
        elif char == "[":
            in_class = True
        elif char == "(":
            if source.startswith("?", i):
                prefix = _GROUP_PREFIX.match(source, i)
                if prefix is None:
                    raise ValueError(f"invalid regular expression /{source}/: invalid group")
                i = prefix.end()
            depth += 1
            can_repeat = False
        elif char == ")":
            depth -= 1
            if depth < 0:
                raise ValueError(f"invalid regular expression /{source}/: unmatched ')'")
            can_repeat = True
        elif char in "*+?" or (char == "{" and _BRACE_QUANTIFIER.match(source, i - 1)):
            if not can_repeat:
                raise ValueError(f"invalid regular expression /{source}/: nothing to repeat")
            if char == "{":
                i = source.index("}", i) + 1
            if source.startswith("?", i):
                i += 1  # the lazy marker belongs to this quantifier
            can_repeat = False
        else:
            can_repeat = char not in "|^$"
    if in_class:
        raise ValueError(f"invalid regular expression /{source}/: unterminated character class")
    if depth:
        raise ValueError(f"invalid regular expression /{source}/: unterminated group")


def flags_from_python(flags: int) -> str:
    """JavaScript flags for a compiled Python pattern's ``.flags``; `ValueError` names any
    flag JavaScript has no counterpart for."""
    unmappable = flags & ~_PY_IGNORED
    for python_flag, _ in _PY_FLAGS:
        unmappable &= ~python_flag
    if unmappable:
        names = re.RegexFlag(unmappable)
        raise ValueError(
            f"Cannot stringify a regular expression with the flag {names!r}: JavaScript has "
            "no equivalent (rewrite the pattern without it)"
        )
    return "".join(js_flag for python_flag, js_flag in _PY_FLAGS if flags & python_flag)
