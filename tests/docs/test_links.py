"""Every relative link and `#anchor` in README.md, CHANGELOG.md and docs/*.md resolves.

Links are checked as GitHub renders them: a path is relative to the Markdown file, must stay
inside the repository and exist; an anchor must be the slug of a heading in the target file,
made by GitHub's rules (see `slug`). External URLs (`http:`, `https:`, `mailto:`) are not
fetched: there is no network here.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCUMENTS = sorted([ROOT / "README.md", ROOT / "CHANGELOG.md", *(ROOT / "docs").glob("*.md")])

FENCE = re.compile(r"^ {0,3}(```|~~~)")
INLINE_CODE = re.compile(r"(`+)(?:(?!\1).)+?\1")
# [text](target "title") and ![alt](target); the text may hold `code` and nested [brackets].
INLINE_LINK = re.compile(r"!?\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
REFERENCE_DEFINITION = re.compile(r"^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+.*)?$")
HEADING = re.compile(r"^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
HTML_ANCHOR = re.compile(r"""<a\s[^>]*(?:name|id)=["']([^"']+)["']""")
EXTERNAL = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


def prose_lines(text: str) -> list[tuple[int, str]]:
    """The lines outside fenced code blocks, numbered from 1."""
    lines: list[tuple[int, str]] = []
    fence: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        match = FENCE.match(line)
        if match:
            if fence is None:
                fence = match.group(1)
            elif match.group(1) == fence:
                fence = None
            continue
        if fence is None:
            lines.append((number, line))
    return lines


def slug(heading: str) -> str:
    """GitHub's anchor for a heading's text: the rendered text, lower-cased, with everything
    but letters, digits, spaces, hyphens and underscores removed, and spaces made hyphens."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # a link counts by its text
    text = re.sub(r"<[^>]+>", "", text)  # inline HTML tags are not text
    text = text.replace("`", "").replace("*", "")
    text = re.sub(r"(?<![\w])_+|_+(?![\w])", "", text)  # _emphasis_, not snake_case
    text = text.strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors(path: Path) -> set[str]:
    found: set[str] = set()
    seen: Counter[str] = Counter()
    for _, line in prose_lines(path.read_text(encoding="utf-8")):
        heading = HEADING.match(line)
        if heading:
            base = slug(heading.group(2))
            # The second heading with the same text gets `-1`, the third `-2`, ...
            found.add(f"{base}-{seen[base]}" if seen[base] else base)
            seen[base] += 1
        found.update(HTML_ANCHOR.findall(line))
    return found


def links(path: Path) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    for number, line in prose_lines(path.read_text(encoding="utf-8")):
        line = INLINE_CODE.sub("", line)
        found.extend((number, target) for target in INLINE_LINK.findall(line))
        definition = REFERENCE_DEFINITION.match(line)
        if definition:
            found.append((number, definition.group(1)))
    return found


def problem_with(document: Path, target: str) -> str | None:
    """What is wrong with the link `target` in `document`, or None when it resolves."""
    if EXTERNAL.match(target):
        return None
    path_part, _, anchor = target.partition("#")
    if path_part:
        resolved = (document.parent / path_part).resolve()
        if not resolved.is_relative_to(ROOT):
            return f"{path_part} is outside the repository"
        if not resolved.exists():
            return f"{path_part} does not exist"
    else:
        resolved = document
    if anchor:
        if resolved.is_dir() or resolved.suffix != ".md":
            return f"#{anchor} points into {path_part}, which is not a Markdown file"
        if anchor not in anchors(resolved):
            return f"{resolved.relative_to(ROOT)} has no heading whose anchor is #{anchor}"
    return None


def test_the_documents_are_found() -> None:
    names = {path.relative_to(ROOT).as_posix() for path in DOCUMENTS}
    assert {"README.md", "CHANGELOG.md", "docs/tutorial.md", "docs/getting-started.md"} <= names


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda path: path.relative_to(ROOT).as_posix())
def test_every_relative_link_resolves(document: Path) -> None:
    broken = [
        f"{document.relative_to(ROOT)}:{number}: ({target}) {problem}"
        for number, target in links(document)
        if (problem := problem_with(document, target)) is not None
    ]
    assert not broken, "broken links:\n" + "\n".join(broken)


# --- the checker itself -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("heading", "expected"),
    [
        ("Getting started", "getting-started"),
        ("1. A default action", "1-a-default-action"),
        ("`kite new`: what it creates", "kite-new-what-it-creates"),
        ("GET vs POST", "get-vs-post"),
        ("Customising `enhance`, and `applyAction`", "customising-enhance-and-applyaction"),
        ("Cross-site requests (CSRF)", "cross-site-requests-csrf"),
        ("The `sessionid` cookie — and why", "the-sessionid-cookie--and-why"),
        ("snake_case names", "snake_case-names"),
        ("See [routing](routing.md)", "see-routing"),
    ],
)
def test_slugs_follow_githubs_rules(heading: str, expected: str) -> None:
    assert slug(heading) == expected


def test_the_checker_finds_broken_links_and_anchors() -> None:
    document = ROOT / "docs" / "tutorial.md"
    assert problem_with(document, "getting-started.md") is None
    assert problem_with(document, "no-such-page.md") == "no-such-page.md does not exist"
    outside = "../../outside.md"
    assert problem_with(document, outside) == f"{outside} is outside the repository"
    assert problem_with(document, "#no-such-heading") is not None
    assert problem_with(document, "https://example.com/x.md#y") is None


def test_links_in_code_are_not_links(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        "# Title\n\n[real](a.md) and `[code](b.md)`\n\n```md\n[fenced](c.md)\n```\n"
        "[ref]: d.md#e\n## Title\n",
        encoding="utf-8",
    )
    assert [target for _, target in links(page)] == ["a.md", "d.md#e"]
    assert anchors(page) == {"title", "title-1"}
