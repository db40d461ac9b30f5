"""Interop with the real JavaScript library (devalue 6.0.3, installed from npm on first run
into .cache/npm-devalue): JavaScript reads what Kite writes, and Kite reads what
JavaScript writes, for a few hundred generated values, checked byte for byte."""

from __future__ import annotations

import json
import random
import re
import shutil
import struct
import subprocess
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from devalue_testing import REDUCERS, REVIVERS, Vector

from kite import devalue
from kite.devalue import (
    HOLE,
    UNDEFINED,
    URL,
    ArrayBuffer,
    BigInt,
    Boxed,
    DataView,
    Date,
    Map,
    NullProtoObject,
    RegExp,
    Set,
    TypedArray,
    URLSearchParams,
)

VERSION = "6.0.3"
ROOT = Path(__file__).resolve().parents[2]
PREFIX = ROOT / ".cache" / "npm-devalue"
PACKAGE = PREFIX / "node_modules" / "devalue"
DRIVER = Path(__file__).with_name("interop.mjs")
COUNT = 300
CUSTOM = {"Vector": REDUCERS["Vector"]}
REVIVE = {"Vector": REVIVERS["Vector"]}


@pytest.fixture(scope="module")
def devalue_js() -> Path:
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        pytest.skip("node and npm are needed to compare with JavaScript's devalue")
    manifest = PACKAGE / "package.json"
    if not manifest.exists() or json.loads(manifest.read_text())["version"] != VERSION:
        command = [npm, "install", "--prefix", str(PREFIX), f"devalue@{VERSION}"]
        done = subprocess.run(
            [*command, "--no-audit", "--no-fund"], capture_output=True, text=True, timeout=300
        )
        if done.returncode != 0:
            pytest.fail(f"{' '.join(command)} failed:\n{done.stdout}\n{done.stderr}")
    return PACKAGE / "src" / "index.js"


def run_node(index: Path, request: dict[str, Any]) -> dict[str, Any]:
    done = subprocess.run(
        ["node", str(DRIVER), str(index)],
        input=json.dumps(request),
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout)
    return result


class Values:
    """Random Python values in every shape Kite writes, from a seed."""

    def __init__(self, seed: int) -> None:
        self.random = random.Random(seed)
        self.made: list[Any] = []

    def text(self) -> str:
        pick = self.random.choice
        pieces = [
            pick(["a", "Z", "<", '"', "\\", "\u2028", "\x00", "\x7f", "é", "/", "😀"]),
            chr(self.random.randrange(0xD800, 0xE000)),
            chr(self.random.randrange(0x110000)),
        ]
        return "".join(pick(pieces) for _ in range(self.random.randrange(6)))

    def number(self) -> int | float:
        pick = self.random.choice
        return pick(
            [
                lambda: self.random.randrange(-1000, 1000),
                lambda: self.random.randrange(-(2**70), 2**70),
                lambda: (self.random.random() - 0.5) * 10 ** self.random.randrange(-25, 25),
                lambda: struct.unpack("<d", self.random.randbytes(8))[0],
                lambda: pick([0.0, -0.0, float("nan"), float("inf"), 1e21, 1e-7, 2.0**53]),
            ]
        )()

    def moment(self) -> datetime | date | Date:
        ms = self.random.randrange(-62_135_596_800_000, 253_402_300_799_999)
        zone = timezone(timedelta(minutes=self.random.randrange(-600, 600, 15)))
        moment = datetime(1970, 1, 1, tzinfo=UTC) + timedelta(milliseconds=ms)
        if moment.year in (1, 9999):
            return Date(ms)
        return self.random.choice(
            [moment, moment.astimezone(zone), moment.date(), Date(None), Date(-8_640_000_000_000)]
        )

    def leaf(self) -> Any:
        pick = self.random.choice
        buffer = ArrayBuffer(self.random.randbytes(8 * self.random.randrange(4)))
        return pick(
            [
                self.number,
                self.text,
                lambda: pick([None, True, False, UNDEFINED]),
                lambda: BigInt(self.random.randrange(-(2**80), 2**80)),
                self.moment,
                lambda: re.compile(pick(["a+", "^x$", "[a-z/]+", r"\d{2,3}"]), pick([0, re.I])),
                lambda: RegExp(pick(["", "a/b", "<", r"\p{L}"]), pick(["", "gu", "dimsy"])),
                lambda: URL(pick(["https://example.com/", "https://a.b/%3C?x=1#y"])),
                lambda: URLSearchParams([(self.text(), self.text()), ("a b", "~*'()&=")]),
                lambda: Boxed(pick([1, "s", True, BigInt(7), float("nan"), -0.0, 2.5])),
                lambda: Vector(self.number(), self.text()),
                lambda: self.random.randbytes(self.random.randrange(9)),
                lambda: buffer,
                lambda: TypedArray(pick(["Uint8Array", "Int16Array", "Float64Array"]), buffer),
                lambda: DataView(buffer, len(buffer) // 2),
            ]
        )()

    def container(self, depth: int) -> Any:
        pick = self.random.choice

        def some(count: int) -> list[Any]:
            return [self.value(depth + 1) for _ in range(self.random.randrange(count))]

        def key() -> str:
            return pick([self.text, lambda: str(self.random.randrange(20)), lambda: "then"])()

        return pick(
            [
                lambda: some(5),
                lambda: tuple(some(3)),
                lambda: [pick([HOLE, HOLE, self.value(depth + 1)]) for _ in range(9)],
                lambda: {key(): self.value(depth + 1) for _ in range(self.random.randrange(5))},
                lambda: {self.random.randrange(9): item for item in some(4)},
                lambda: NullProtoObject({key(): self.value(depth + 1)}),
                lambda: Map((self.value(depth + 1), item) for item in some(4)),
                lambda: Set(some(4)),
                lambda: {self.random.randrange(5) for _ in range(3)},
                lambda: [struct.unpack("<d", self.random.randbytes(8))[0] for _ in range(20)],
            ]
        )()

    def value(self, depth: int = 0) -> Any:
        if self.made and self.random.random() < 0.1:
            return self.random.choice(self.made)
        if depth > 3 or self.random.random() < 0.4:
            return self.leaf()
        made = self.container(depth)
        if isinstance(made, list | dict | Map | Set):
            self.made.append(made)
        return made

    def graph(self) -> Any:
        root = self.value()
        for _ in range(self.random.randrange(3)):
            if not self.made:
                break
            holder, target = self.random.choice(self.made), self.random.choice(self.made)
            if isinstance(holder, list):
                holder.append(target)
            elif isinstance(holder, Map):
                holder[self.text()] = target
            elif isinstance(holder, Set):
                holder.add(target)
            elif all(isinstance(key, str) for key in holder):
                holder[self.text() or "k"] = target
        return root


def test_javascript_reads_what_kite_writes_and_kite_reads_what_javascript_writes(
    devalue_js: Path,
) -> None:
    written = [devalue.stringify(Values(seed).graph(), CUSTOM) for seed in range(COUNT)]
    answer = run_node(devalue_js, {"reread": written, "generate": {"seed": 1, "count": COUNT}})

    for text, reread in zip(written, answer["reread"], strict=True):
        assert reread == {"ok": text}, f"JavaScript read {text!r} differently"

    assert len(answer["generated"]) == COUNT
    for text in answer["generated"]:
        assert devalue.stringify(devalue.parse(text, REVIVE), CUSTOM) == text


def test_javascript_rejects_what_kite_rejects(devalue_js: Path) -> None:
    invalid = ["[[1]]", '[["Foo",1],2]', '[["Object",-1]]', '[{"__proto__":1},2]', "[[-7,-1]]"]
    answer = run_node(devalue_js, {"reread": invalid, "generate": {"seed": 0, "count": 0}})
    for text, reread in zip(invalid, answer["reread"], strict=True):
        assert "error" in reread, text
        with pytest.raises(devalue.ParseError):
            devalue.parse(text)
