"""The runtime bundler (kite/server/bundle.py): what it produces for the real runtime, and the
loud refusals for sources outside the style it understands."""

from __future__ import annotations

import pytest

from kite.server.assets import RuntimeAssets
from kite.server.bundle import BundleError, bundle_runtime

START = "import { a } from './a.js';\nconsole.log(a);\n"


def test_the_real_runtime_bundles_into_start_and_facades() -> None:
    served = RuntimeAssets(minify=True).files
    assert served["start.js"].startswith(b"const __kite={};")
    # A bundled module's URL re-exports from the bundle: one instance, no second copy.
    assert b"from'./start.js'" in served["submit.js"]
    assert b"function" not in served["submit.js"]
    # Loaded on demand: served on its own, never inside the bundle.
    assert b"function stringify" in served["stringify.js"]
    assert b"function stringify" not in served["start.js"]


def test_imports_and_exports_are_wired_through_the_namespace() -> None:
    served = bundle_runtime(
        {
            "start.js": START,
            "a.js": "export const a = 1;\n",
            "b.js": "import { a } from './a.js';\nexport { a };\n",
        }
    )
    assert "const {a}=__kite.a;" in served["start.js"]
    assert "__kite.a={a};" in served["start.js"]
    assert served["a.js"] == "import{__kite}from'./start.js';export const{a}=__kite.a;\n"
    assert served["b.js"].startswith("import{__kite}from'./start.js';\nconst {a}=__kite.a;\n")


@pytest.mark.parametrize(
    ("source", "problem"),
    [
        ("export default 1;\n", "unsupported statement"),
        ("export let a = 1;\n", "unsupported statement"),
        ("import * as x from './start.js';\n", "unsupported statement"),
        ("import { a as b } from './start.js';\n", "not a plain name"),
        ("function f() {\n  import { a } from './start.js';\n}\n", "top level"),
        ("const __kite = 1;\n", "reserved"),
    ],
)
def test_sources_outside_the_style_are_refused_with_file_and_line(
    source: str, problem: str
) -> None:
    with pytest.raises(BundleError, match=problem) as caught:
        bundle_runtime({"start.js": START, "a.js": "export const a = 1;\n" + source})
    assert "src/kite/runtime/a.js, line " in str(caught.value)


def test_an_import_cycle_is_refused() -> None:
    sources = {
        "start.js": START,
        "a.js": "import { b } from './b.js';\nexport const a = 1;\n",
        "b.js": "import { a } from './a.js';\nexport const b = 2;\n",
    }
    with pytest.raises(BundleError, match="cycle"):
        bundle_runtime(sources)


def test_a_missing_name_is_refused() -> None:
    with pytest.raises(BundleError, match="does not export"):
        bundle_runtime({"start.js": START, "a.js": "export const b = 1;\n"})
