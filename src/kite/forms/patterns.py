"""A pydantic `pattern` as an HTML `pattern` attribute, when the browser can check the same.

Browsers compile the attribute as a JavaScript regular expression with the `v` flag, whole
value only: `^(?:PATTERN)$`. Pydantic searches (a match anywhere counts) with Python's or
Rust's syntax. So a pattern is rewritten, not copied:

- inside a class, every character the `v` flag reserves is escaped (`[A-Za-z0-9_.-]` becomes
  `[A-Za-z0-9_\\.\\-]`, which Chromium would otherwise reject and silently drop);
- `(?P<name>...)` becomes `(?<name>...)`, `\\A`/`\\Z` become `^`/`$`, `{,n}` becomes
  `{0,n}`, a literal `{` or `}` is escaped, `.` is `[^\\n]` as in Python;
- `\\d` is any decimal digit (`\\p{Nd}`); `\\w`, `\\s`, `\\W`, `\\S` let through at least what
  Python and Rust do (the browser may let a little more through; the server checks again);
- an end the pattern leaves open gets `[\\s\\S]*`, so that the browser searches too
  (`[a-z]+` is written `[\\s\\S]*[a-z]+[\\s\\S]*`), and redundant `^`/`$` are dropped.

What cannot mean the same in the browser — inline flags (`(?i)`), backreferences, atomic
groups, possessive quantifiers, `\\b`, a compiled pattern with flags — gives
None: the field gets no `pattern` attribute, and only the server checks it. The rule: never
a pattern the browser rejects, and never one stricter than the server's.
"""

from __future__ import annotations

import re
import string
import unicodedata
from dataclasses import dataclass

__all__ = ["browser_pattern"]

# Outside a class: what `\` may precede in the `u`/`v` modes (SyntaxCharacter and `/`).
_SYNTAX = frozenset("^$\\.*+?()[]{}|/")
# Inside a `v` class: syntax characters and reserved punctuators, escaped one and all.
_CLASS_ESCAPE = frozenset("^$\\.*+?()[]{}|/&-!#%,:;<=>@`~")
# Python's and Rust's `\w` and `\s` differ a little, and from JavaScript's. Where a class
# lets characters through (`\w`), the browser gets one that holds both engines' (and a
# little more); where it keeps them out (`[^\w]`, `\W`, `(?!\w)`), one that holds only
# what both agree on, so that its complement holds both engines' complements.
_WIDE = {"w": r"\p{L}\p{N}\p{M}\p{Pc}\u200c\u200d", "s": r"\s\x1c-\x1f\x85"}
_NARROW = {
    "w": r"\p{L}\p{Nl}\p{Nd}_",
    "s": r"[\s--\ufeff]",  # JavaScript's less U+FEFF: Rust's less U+0085, all in Python's
}
_ANY = r"[\s\S]*"
# Unicode general categories, which Python's `unicodedata`, Rust and JavaScript all know.
_CATEGORIES = frozenset(
    {
        *("L", "Lu", "Ll", "Lt", "Lm", "Lo", "M", "Mn", "Mc", "Me", "N", "Nd", "Nl", "No"),
        *("P", "Pc", "Pd", "Ps", "Pe", "Pi", "Pf", "Po", "S", "Sm", "Sc", "Sk", "So"),
        *("Z", "Zs", "Zl", "Zp", "C", "Cc", "Cf", "Co", "Cn"),
    }
)
_ONE_SET = re.compile(r"\\[pP]\{\w+\}|\[.*\]")
_SIMPLE = {"n": 0x0A, "t": 0x09, "r": 0x0D, "f": 0x0C, "v": 0x0B, "a": 0x07}
_QUANTIFIER = re.compile(r"\{(\d*)(,?)(\d*)\}")
_GROUP_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class _Untranslatable(Exception):
    """The pattern cannot be written so that the browser checks the same."""


def browser_pattern(pattern: str | re.Pattern[str] | re.Pattern[bytes]) -> str | None:
    """The HTML `pattern` attribute for a pydantic pattern, or None when there is none that
    the browser compiles and that means the same (see the module docstring)."""
    if isinstance(pattern, re.Pattern):
        if not isinstance(pattern.pattern, str) or pattern.flags & ~re.UNICODE:
            return None
        pattern = pattern.pattern
    if not pattern:
        return None
    try:
        return _Translator(pattern).translate()
    except _Untranslatable:
        return None


@dataclass
class _Piece:
    text: str
    kind: str = "atom"  # "start" (^), "end" ($), "or" (|) or "atom"


class _Translator:
    def __init__(self, source: str) -> None:
        self.source = source
        self.at = 0
        # Per open group: True for a negative lookaround (where an approximate escape would
        # make the browser stricter, not looser), False for a positive one, None otherwise.
        self.groups: list[bool | None] = []

    # --- the whole pattern ----------------------------------------------------------------

    def translate(self) -> str:
        top: list[_Piece] = []
        pieces: list[_Piece] = []
        quantifiable = False
        while self.at < len(self.source):
            depth = len(self.groups)
            piece, quantifiable = self._next(quantifiable)
            if piece is None:
                continue
            pieces.append(piece)
            if depth == 0 and not self.groups:
                top.append(piece)
            elif depth == 0 or not self.groups:
                top.append(_Piece(piece.text))  # a group opening or closing
        if self.groups:
            raise _Untranslatable("unbalanced parenthesis")
        return _anchored(pieces, top)

    def _next(self, quantifiable: bool) -> tuple[_Piece | None, bool]:
        char = self.source[self.at]
        if char == "\\":
            return self._escape()
        if char == "[":
            return _Piece(self._class()), True
        if char == "(":
            return self._open()
        if char == ")":
            if not self.groups:
                raise _Untranslatable("unbalanced parenthesis")
            self.at += 1
            assertion = self.groups.pop() is not None
            return _Piece(")"), not assertion
        if char in "*+?{":
            return self._quantifier(quantifiable)
        self.at += 1
        if char == "|":
            return _Piece("|", "or"), False
        if char == "^":
            return _Piece("^", "start"), False
        if char == "$":
            return _Piece("$", "end"), False
        if char == ".":
            return _Piece(r"[^\n]"), True
        return _Piece(_literal(char)), True

    # --- groups ---------------------------------------------------------------------------

    def _open(self) -> tuple[_Piece | None, bool]:
        rest = self.source[self.at :]
        for prefix, negative in (("(?=", False), ("(?!", True), ("(?<=", False), ("(?<!", True)):
            if rest.startswith(prefix):
                self.at += len(prefix)
                self.groups.append(negative)
                return _Piece(prefix), False
        if rest.startswith("(?#"):
            end = rest.find(")")
            if end < 0:
                raise _Untranslatable("unterminated comment")
            self.at += end + 1
            return None, False
        named = re.match(r"\(\?P?<([^>]*)>", rest)
        if named:
            if not _GROUP_NAME.fullmatch(named.group(1)):
                raise _Untranslatable("group name")
            self.at += named.end()
            self.groups.append(None)
            return _Piece(f"(?<{named.group(1)}>"), False
        if rest.startswith("(?:"):
            self.at += 3
        elif rest.startswith("(?"):
            raise _Untranslatable("flags, backreferences, atomic or conditional groups")
        else:
            self.at += 1
        self.groups.append(None)
        return _Piece(rest[: 3 if rest.startswith("(?:") else 1]), False

    def _negative(self) -> bool:
        """Inside an odd number of negative lookarounds: what matches is kept out."""
        return sum(group is True for group in self.groups) % 2 == 1

    # --- quantifiers ----------------------------------------------------------------------

    def _quantifier(self, quantifiable: bool) -> tuple[_Piece, bool]:
        char = self.source[self.at]
        if char == "{":
            match = _QUANTIFIER.match(self.source, self.at)
            if match is None or match.group() == "{}":
                self.at += 1  # a `{` that is no quantifier is a literal in Python
                return _Piece(r"\{"), True
            low, comma, high = match.groups()
            if low and high and int(high) < int(low):
                raise _Untranslatable("bad repeat range")
            text = "{" + (low or "0") + comma + high + "}"
            self.at = match.end()
        else:
            text = char
            self.at += 1
        if not quantifiable:
            raise _Untranslatable("nothing to repeat")
        if self.source.startswith("?", self.at):
            text += "?"
            self.at += 1
        elif self.source.startswith("+", self.at):
            raise _Untranslatable("possessive quantifier")
        return _Piece(text), False

    # --- escapes --------------------------------------------------------------------------

    def _escape(self) -> tuple[_Piece, bool]:
        if self.at + 1 >= len(self.source):
            raise _Untranslatable("trailing backslash")
        letter = self.source[self.at + 1]
        if letter == "A":
            self.at += 2
            return _Piece("^", "start"), False
        if letter in "Zz":
            self.at += 2
            return _Piece("$", "end"), False
        if letter in "dDwsWSpP":
            return _Piece(self._shorthand()), True
        return _Piece(_literal(self._escaped_char())), True

    def _shorthand(self) -> str:
        """`\\d`, `\\w`, `\\S`, `\\p{..}`, ... outside a class."""
        inner = self._class_set(self._negative())
        return inner if _ONE_SET.fullmatch(inner) else f"[{inner}]"

    def _class_set(self, negative: bool) -> str:
        """The class shorthand at `self.at`, as the inside of a `v` class; `negative` when
        what it matches is kept out (a negated class, a negative lookaround)."""
        letter = self.source[self.at + 1]
        self.at += 2
        if letter == "d":
            return r"\p{Nd}"
        if letter == "D":
            return r"\P{Nd}"
        if letter in "ws":
            return (_NARROW if negative else _WIDE)[letter]
        if letter in "WS":
            return "[^" + (_WIDE if negative else _NARROW)[letter.lower()] + "]"
        if letter in "pP":
            match = re.compile(r"\{(\w+)\}|([A-Z])").match(self.source, self.at)
            name = match and (match.group(1) or match.group(2))
            if not name or name not in _CATEGORIES:
                raise _Untranslatable("unknown property")
            self.at = match.end() if match else self.at
            return f"\\{letter}{{{name}}}"
        raise _Untranslatable(f"\\{letter}")

    def _escaped_char(self, in_class: bool = False) -> int:
        """The code point of the escape at `self.at` that stands for one character."""
        letter = self.source[self.at + 1]
        self.at += 2
        if letter in _SIMPLE:
            return _SIMPLE[letter]
        if letter == "b" and in_class:
            return 0x08
        if letter == "0":
            if self.source[self.at : self.at + 1].isdigit():
                raise _Untranslatable("octal escape")
            return 0
        if letter in "xuU":
            size = {"x": 2, "u": 4, "U": 8}[letter]
            digits = self.source[self.at : self.at + size]
            if len(digits) != size or not all(d in string.hexdigits for d in digits):
                raise _Untranslatable("bad hexadecimal escape")
            self.at += size
            return int(digits, 16)
        if letter == "N":
            match = re.compile(r"\{([^}]+)\}").match(self.source, self.at)
            if match is None:
                raise _Untranslatable("bad \\N escape")
            self.at = match.end()
            try:
                return ord(unicodedata.lookup(match.group(1)))
            except KeyError:
                raise _Untranslatable("unknown character name") from None
        if letter.isascii() and letter.isalnum():
            # \1 (a backreference), \b, \B, \W, \S, \G, \K, ...: nothing the same in the
            # browser, or nothing at all.
            raise _Untranslatable(f"\\{letter}")
        return ord(letter)

    # --- classes --------------------------------------------------------------------------

    def _class(self) -> str:
        self.at += 1
        negated = self.source.startswith("^", self.at)
        if negated:
            self.at += 1
        parts: list[str] = []
        first = True
        while True:
            if self.at >= len(self.source):
                raise _Untranslatable("unterminated class")
            if self.source[self.at] == "]" and not first:
                self.at += 1
                break
            low = self._class_item(negated)
            first = False
            follows = self.source[self.at : self.at + 2]
            if isinstance(low, int) and len(follows) == 2 and follows[0] == "-" != follows[1]:
                if follows[1] == "]":
                    parts.append(_class_char(low))
                    continue
                self.at += 1
                high = self._class_item(negated)
                if not isinstance(high, int) or high < low:
                    raise _Untranslatable("bad character range")
                parts.append(f"{_class_char(low)}-{_class_char(high)}")
            elif isinstance(low, int):
                parts.append(_class_char(low))
            else:
                parts.append(low)
        return ("[^" if negated else "[") + "".join(parts) + "]"

    def _class_item(self, negated: bool) -> int | str:
        """One character (its code point) or a set (`\\p{Nd}`) of a class."""
        char = self.source[self.at]
        if char != "\\":
            self.at += 1
            return ord(char)
        if self.at + 1 >= len(self.source):
            raise _Untranslatable("trailing backslash")
        letter = self.source[self.at + 1]
        if letter in "dDwsWSpP":
            return self._class_set(negated != self._negative())
        return self._escaped_char(in_class=True)


def _literal(char: str | int) -> str:
    """One character outside a class."""
    text = chr(char) if isinstance(char, int) else char
    if text in _SYNTAX:
        return "\\" + text
    return _printable(text)


def _class_char(code: int) -> str:
    """One character inside a `v` class."""
    text = chr(code)
    if text in _CLASS_ESCAPE:
        return "\\" + text
    return _printable(text)


def _printable(text: str) -> str:
    if (text.isprintable() and not text.isspace()) or text == " ":
        return text
    return f"\\u{{{ord(text):x}}}"


def _anchored(pieces: list[_Piece], top: list[_Piece]) -> str:
    """The pattern for a browser that matches the whole value: open ends get `[\\s\\S]*`
    (pydantic searches), and the `^`/`$` of a single-branch pattern go (the browser adds
    them)."""
    branches: list[list[_Piece]] = [[]]
    for piece in top:
        if piece.kind == "or":
            branches.append([])
        else:
            branches[-1].append(piece)
    starts = all(branch and branch[0].kind == "start" for branch in branches)
    ends = all(branch and branch[-1].kind == "end" for branch in branches)
    texts = [piece.text for piece in pieces]
    if len(branches) == 1:
        if starts:
            texts = texts[1:]
        if ends and texts:
            texts = texts[:-1]
        core = "".join(texts)
    else:
        core = "".join(texts)
        if not (starts and ends):
            core = f"(?:{core})"
    return ("" if starts else _ANY) + core + ("" if ends else _ANY)
