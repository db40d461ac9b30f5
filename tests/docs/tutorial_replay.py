"""Reading docs/tutorial.md as a script: its steps, the files they write, the commands they run.

The tutorial's conventions (stated in its introduction): a step is a `## N. Title` section; a
code block whose first line is `# file: PATH` or `{# file: PATH #}` is the whole new content
of PATH (that line left out); a `sh` block is commands, run in the app's folder once step 0
has gone there (a `cd` carries over to the next block). `kite dev` lines are left out: the
test serves the app itself. A block whose first line is `# PATH, as kite new wrote it` quotes
that file, and must still be in it. A step's `**Files:**` line names the files it writes,
"(new)" after those it creates; it must agree with the step's blocks.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TUTORIAL = ROOT / "docs" / "tutorial.md"

STEP_HEADING = re.compile(r"^## (\d+)\. (.+)$", re.MULTILINE)
OTHER_HEADING = re.compile(r"^## ", re.MULTILINE)
BLOCK = re.compile(r"^```(\w*)\n(.*?)^```$", re.MULTILINE | re.DOTALL)
FILE_MARKER = re.compile(r"^(?:# file: (\S+)|\{# file: (\S+) #\})$")
QUOTE_MARKER = re.compile(r"^# (\S+), as kite new wrote it$")
FILES_LINE = re.compile(r"^\*\*Files:\*\* ([^;\n]*)", re.MULTILINE)
ANNOUNCED = re.compile(r"`([^`]+)`( \(new\))?")


@dataclass
class Block:
    language: str
    text: str
    # Where the block is to be written, for a file block; None for anything else.
    path: str | None = None


@dataclass
class Step:
    number: int
    title: str
    blocks: list[Block] = field(default_factory=list)
    # The step's `**Files:**` line: each path it says it writes, and whether it says "(new)".
    announced: dict[str, bool] = field(default_factory=dict)

    def blocks_in(self, language: str) -> list[Block]:
        return [block for block in self.blocks if block.language == language]


def parse_block(language: str, text: str) -> Block:
    first, _, rest = text.partition("\n")
    marker = FILE_MARKER.match(first)
    if marker is None:
        return Block(language, text)
    return Block(language, rest, path=marker.group(1) or marker.group(2))


def read_steps(text: str) -> list[Step]:
    steps: list[Step] = []
    headings = list(STEP_HEADING.finditer(text))
    for index, heading in enumerate(headings):
        start = heading.end()
        if index + 1 < len(headings):
            end = headings[index + 1].start()
        else:
            following = OTHER_HEADING.search(text, start)
            end = following.start() if following else len(text)
        step = Step(int(heading.group(1)), heading.group(2))
        step.blocks = [
            parse_block(m.group(1), m.group(2)) for m in BLOCK.finditer(text, start, end)
        ]
        files_line = FILES_LINE.search(text, start, end)
        if files_line:
            step.announced = {
                path: new == " (new)" for path, new in ANNOUNCED.findall(files_line.group(1))
            }
        steps.append(step)
    return steps


def read_section(text: str, title: str) -> Step:
    """The unnumbered `## title` section, as a step numbered -1."""
    heading = re.search(rf"^## {re.escape(title)}$", text, re.MULTILINE)
    assert heading is not None, f"the tutorial has no section {title!r}"
    following = OTHER_HEADING.search(text, heading.end())
    end = following.start() if following else len(text)
    step = Step(-1, title)
    step.blocks = [
        parse_block(m.group(1), m.group(2)) for m in BLOCK.finditer(text, heading.end(), end)
    ]
    return step


def apply(step: Step, cwd: Path, env: Mapping[str, str]) -> Path:
    """Write the step's files and run its commands, in the tutorial's order, starting in `cwd`.

    Returns the folder the reader is in afterwards (step 0 goes into the new app).
    """
    for block in step.blocks:
        if block.path is not None:
            write_file(step, cwd, block.path, block.text)
        elif block.language == "sh":
            cwd = run_commands(step, block, cwd, env)
    return cwd


def write_file(step: Step, app: Path, path: str, text: str) -> None:
    target = (app / path).resolve()
    assert target.is_relative_to(app.resolve()), f"step {step.number} writes outside: {path}"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")


def run_commands(step: Step, block: Block, cwd: Path, env: Mapping[str, str]) -> Path:
    """Run one `sh` block in `cwd`, as bash would; returns the folder it ended in."""
    lines = [line for line in block.text.splitlines() if not line.startswith("kite dev")]
    marker = cwd / ".tutorial-cwd"
    script = "set -euo pipefail\n" + "\n".join(lines) + f'\npwd > "{marker}"\n'
    result = subprocess.run(
        ["bash", "-c", script],
        cwd=cwd,
        env=dict(env),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, (
        f"step {step.number}: the commands\n{block.text}\nfailed:\n{result.stdout}{result.stderr}"
    )
    ended_in = Path(marker.read_text(encoding="utf-8").strip())
    marker.unlink()
    return ended_in


def quoted_files(step: Step) -> list[tuple[str, str]]:
    """(path, code) of the blocks that show a file as `kite new` wrote it, unchanged."""
    quotes: list[tuple[str, str]] = []
    for block in step.blocks:
        first, _, rest = block.text.partition("\n")
        quote = QUOTE_MARKER.match(first)
        if block.path is None and quote:
            quotes.append((quote.group(1), rest))
    return quotes


def command_environment(database: Path) -> dict[str, str]:
    """What a reader's terminal has: this Python's `kite` and `python` first on PATH."""
    hidden = {"PYTEST_ADDOPTS", "PYTHONDONTWRITEBYTECODE"}
    env = {name: value for name, value in os.environ.items() if name not in hidden}
    bin_dir = str(Path(sys.executable).parent)
    env["PATH"] = bin_dir + os.pathsep + env.get("PATH", "")
    env["DATABASE_PATH"] = str(database)
    return env
