"""The runtime's DOM-free modules (devalue.js, stringify.js, urls.js) under Node's test runner.

The `*.test.mjs` files beside this one import src/kite/runtime/ directly; the DOM parts are
tested in a real browser (tests/browser/test_runtime_dom.py).
"""

import shutil
import subprocess
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent


@pytest.mark.parametrize("name", sorted(p.name for p in HERE.glob("*.test.mjs")))
def test_node_suite(name: str) -> None:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    result = subprocess.run(
        [node, "--test", "--test-reporter=dot", str(HERE / name)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-5000:]
