"""Pydantic patterns, what Kite writes for the browser, and values to try them on: shared by
the table test (tests/forms/test_patterns.py) and the Chromium one
(tests/browser/test_patterns_browser.py)."""

from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model
from pydantic_core import SchemaError

# (pydantic pattern, the HTML pattern Kite writes or None, values to try)
PATTERNS: list[tuple[str, str | None, list[str]]] = [
    (r"^[A-Za-z0-9_.-]+$", r"[A-Za-z0-9_\.\-]+", ["abc", "a.b-c_d", "a b", "a/b", "é"]),
    (r"[a-z]+", r"[\s\S]*[a-z]+[\s\S]*", ["ABCd", "123", "abc", "1a1"]),
    (r"^[a-z]+", r"[a-z]+[\s\S]*", ["abc1", "1abc"]),
    (r"[a-z]+$", r"[\s\S]*[a-z]+", ["1abc", "abc1"]),
    (r"^\d{3}-\d{4}$", r"\p{Nd}{3}-\p{Nd}{4}", ["555-1234", "55-1234", "٥٥٥-١٢٣٤", "555–1234"]),
    (
        r"^[^@\s]+@[^@\s]+$",
        r"[^\@[\s--\ufeff]]+@[^\@[\s--\ufeff]]+",
        ["a@b", "a b@c", "a@@b", "élise@x.fr", "a\u00a0b@c", "a\ufeffb@c", "a\u0085b@c"],
    ),
    (
        r"^(?P<user>\w+)@(?P<host>[\w.-]+)$",
        r"(?<user>[\p{L}\p{N}\p{M}\p{Pc}\u200c\u200d]+)@(?<host>[\p{L}\p{N}\p{M}\p{Pc}\u200c\u200d\.\-]+)",
        ["ada@example.com", "ada@ex ample", "élise@ex.fr", "a_b@c", "a+b@c"],
    ),
    (r"^[/\\]+$", r"[\/\\]+", ["/", "\\", "/\\/", "a"]),
    (
        r"^[!#$%&'*+/=?^_`{|}~-]+$",
        r"[\!\#\$\%\&'\*\+\/\=\?\^_\`\{\|\}\~\-]+",
        ["!#$", "a", "~~", "&&"],
    ),
    (r"^a|b$", r"[\s\S]*(?:^a|b$)[\s\S]*", ["ax", "xb", "xa", "bx", "a", "b"]),
    (r"^yes$|^no$", r"^yes$|^no$", ["yes", "no", "yesno", "maybe"]),
    (r"^(?:yes|no)$", r"(?:yes|no)", ["yes", "no", "yesno", "nope"]),
    (r"(?<=a)b", r"[\s\S]*(?<=a)b[\s\S]*", ["ab", "b", "cb", "xaby"]),
    (
        r"^(?!admin$)\w+$",
        r"(?!admin$)[\p{L}\p{N}\p{M}\p{Pc}\u200c\u200d]+",
        ["admin", "admins", "bob"],
    ),
    (r"^\W+$", r"[^\p{L}\p{Nl}\p{Nd}_]+", ["!!", "a!", "é", "  "]),
    (r"^[\W_]+$", r"[[^\p{L}\p{Nl}\p{Nd}_]_]+", ["!_", "a_", "__"]),
    (r"^\S+$", r"[^[\s--\ufeff]]+", ["abc", "a c", "a\tc", "a\ufeffc"]),
    (r"^a{,3}$", r"a{0,3}", ["", "aaa", "aaaa"]),
    (r"^a{2,}?$", r"a{2,}?", ["a", "aa", "aaaaa"]),
    (r"^x{}y$", r"x\{\}y", ["x{}y", "xy"]),
    (r"^[-+]?\d+(\.\d+)?$", r"[\-\+]?\p{Nd}+(\.\p{Nd}+)?", ["-1.5", "+2", "1.", "3.14"]),
    (r"^\p{Lu}\p{Ll}+$", r"\p{Lu}\p{Ll}+", ["Ada", "ada", "Élise"]),
    (r"^#[0-9a-fA-F]{6}$", r"#[0-9a-fA-F]{6}", ["#c0ffee", "#C0FFEE", "c0ffee", "#c0ffe"]),
    (r"^.{2,5}$", r"[^\n]{2,5}", ["ab", "abcdef", "a", "é😀"]),
    (r"^\N{EM DASH}+$", r"—+", ["—", "-", "——"]),
    (r"^[\]a]+$", r"[\]a]+", ["]a", "b"]),
    (r"^[]a]+$", r"[\]a]+", ["]a", "b"]),
    (r"^\A\x41\u00e9\U0001F600\Z", "^Aé😀", ["Aé😀", "A"]),
    (r"^a(?#comment)b$", r"ab", ["ab", "a"]),
    (r"^[a\-z]+$", r"[a\-z]+", ["a-z", "b"]),
    (r"^[\d\s]+$", r"[\p{Nd}\s\x1c-\x1f\x85]+", ["1 2", "12", "a"]),
    (r"^\-?[0-9]+$", r"-?[0-9]+", ["-12", "12", "--1"]),
    (r"^a.b$", r"a[^\n]b", ["axb", "a\u2028b", "ab"]),
    # Nothing the browser could check the same: the server alone checks these.
    (r"(?i)^abc$", None, ["ABC"]),
    (r"^(a)\1$", None, ["aa"]),
    (r"^\bfoo$", None, ["foo"]),
    (r"^a*+$", None, ["aaa"]),
    (r"^(?>a+)$", None, ["aaa"]),
    (r"^(?P<x>a)(?P=x)$", None, ["aa"]),
    (r"^\p{Greek}+$", None, ["αβ"]),
]


def server_accepts(pattern: str, value: str) -> bool:
    """What pydantic says, with its default engine (Rust's regex) or, for what that engine
    does not support, Python's."""
    for config in (ConfigDict(), ConfigDict(regex_engine="python-re")):
        try:
            model: type[BaseModel] = create_model(
                "Model", __config__=config, x=(str, Field(pattern=pattern))
            )
        except SchemaError:
            continue
        try:
            model(x=value)
        except ValidationError:
            return False
        return True
    raise AssertionError(f"pydantic refuses {pattern!r} with either engine")
