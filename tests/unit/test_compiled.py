"""The Cython build of the parser (infra/compiled.py) is the code that runs, and only while it is current.

`bash infra/install.sh` (and so `bash infra/test.sh`, CI) builds it, so a suite run without a matching
build fails here: the speed-up cannot vanish silently. `OGI_PURE_PYTHON=1` skips these tests.
"""

from __future__ import annotations

import importlib
import importlib.machinery
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from infra import compiled

pytestmark = pytest.mark.skipif(os.environ.get(compiled.ENV_PURE, "") not in ("", "0"),
                                reason=f"{compiled.ENV_PURE} is set: pure-Python parser on purpose")


def _current_build() -> Path:
    build = compiled.BUILD_ROOT / compiled.build_key()
    assert (build / compiled.INFO).is_file(), (
        f"no Cython build matches the parser's sources ({build} missing): run `bash infra/install.sh`")
    return build


def test_compiled_modules_are_the_ones_imported():
    build = _current_build()
    for name in compiled.MODULES:
        module = importlib.import_module(name)
        assert isinstance(module.__loader__, importlib.machinery.ExtensionFileLoader), name
        assert Path(module.__file__).parent.is_relative_to(build), (name, module.__file__)
    from tasks.parsing.document import parse_document

    assert type(parse_document).__name__ == "cython_function_or_method"
    assert compiled.status()["reason"] == "compiled"


def test_compiled_functions_keep_python_behaviour():
    """binding=True: signatures, lru_cache wrappers and module-global monkeypatching work as in Python."""
    import inspect

    from tasks.parsing import regions
    from tasks.parsing.document import parse_document

    assert list(inspect.signature(parse_document).parameters)[:2] == ["data", "name"]
    assert parse_document.__module__ == "tasks.parsing.document"
    regions._parse_name.cache_clear()
    assert regions._parse_name.cache_info().currsize == 0


def test_compiled_module_globals_can_be_monkeypatched(monkeypatch):
    from tasks.parsing import layout

    if not hasattr(layout, "_line_cells"):
        pytest.skip("layout.cells_from_text no longer goes through _line_cells: pick another global")
    monkeypatch.setattr(layout, "_line_cells", lambda line: ("patched",))
    assert layout.cells_from_text("a  b\nc") == [("patched",), ("patched",)]


_PROBE = """
import json, sys
import tasks.parsing.tables, schemas.rules
print(json.dumps([tasks.parsing.tables.__file__, schemas.rules.__file__]))
"""


def _probe(root: Path, **env) -> tuple[list[str], str]:
    """Import two compiled modules in a fresh interpreter from the copy at `root`: their files, stderr."""
    environ = {k: v for k, v in os.environ.items() if k not in (compiled.ENV_PURE, compiled._ENV_WARNED)}
    environ.update(PYTHONPATH=str(root), **env)
    out = subprocess.run([sys.executable, "-c", _PROBE], cwd=root, env=environ, capture_output=True,
                         text=True, check=True, timeout=120)
    return json.loads(out.stdout), out.stderr


@pytest.fixture()
def tree_copy(tmp_path) -> Path:
    """The packages and the current build, copied: edits there cannot disturb the real tree."""
    build = _current_build()
    ignore = shutil.ignore_patterns("__pycache__")
    for package in ("infra", "schemas", "tasks"):
        shutil.copytree(compiled.ROOT / package, tmp_path / package, ignore=ignore)
    shutil.copytree(build, tmp_path / build.relative_to(compiled.ROOT))
    return tmp_path


def test_matching_build_used_stale_build_ignored(tree_copy):
    files, err = _probe(tree_copy)
    assert all(f.endswith(".so") and "/.build/compiled/" in f for f in files), files

    # An edit after the build (even a comment) makes the whole build stale: pure Python, one warning.
    tables = tree_copy / "tasks" / "parsing" / "tables.py"
    tables.write_text(tables.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    files, err = _probe(tree_copy)
    assert files == [str(tables), str(tree_copy / "schemas" / "rules.py")]
    assert "stale" in err and "infra/install.sh" in err


_PROBE_EDIT_AFTER_START = """
import json, pathlib
import schemas, tasks.parsing  # the finder is installed; no compiled module imported yet
p = pathlib.Path(tasks.parsing.__file__).with_name("tables.py")
p.write_text(p.read_text(encoding="utf-8") + "\\n# edited\\n", encoding="utf-8")
import tasks.parsing.tables, schemas.rules
print(json.dumps([tasks.parsing.tables.__file__, schemas.rules.__file__]))
"""


def test_source_edited_while_a_process_runs_is_not_shadowed(tree_copy):
    """The parser is imported lazily (tasks/parse_pool.py): the sources are checked at that moment."""
    environ = {k: v for k, v in os.environ.items() if k not in (compiled.ENV_PURE, compiled._ENV_WARNED)}
    out = subprocess.run([sys.executable, "-c", _PROBE_EDIT_AFTER_START], cwd=tree_copy, check=True,
                         env=dict(environ, PYTHONPATH=str(tree_copy)), capture_output=True, text=True)
    assert [Path(f).suffix for f in json.loads(out.stdout)] == [".py", ".py"]
    assert "stale" in out.stderr


def test_pure_python_forced_and_in_tree_extensions_ignored(tree_copy):
    build = next((tree_copy / ".build" / "compiled").iterdir())
    so = next((build / "tasks" / "parsing").glob("tables.*.so"))
    shutil.copy(so, tree_copy / "tasks" / "parsing" / so.name)  # as `cythonize -i` would leave it
    files, err = _probe(tree_copy, OGI_PURE_PYTHON="1")
    assert files == [str(tree_copy / "tasks" / "parsing" / "tables.py"),
                     str(tree_copy / "schemas" / "rules.py")]
    assert "stale" not in err
    files, _ = _probe(tree_copy)
    assert files[0].startswith(str(build)), files
