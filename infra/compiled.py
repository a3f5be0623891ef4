"""The parser's hot modules compiled with Cython, and the import-time guard that uses them only when current.

The modules in `MODULES` are plain Python; `bash infra/install.sh` also compiles them, unchanged, with
Cython 3 (`python -m infra.compiled build`, ~1-2 min on 2 cores) into a build directory outside the
source tree:

    .build/compiled/<key>/tasks/parsing/tables.cpython-311-x86_64-linux-gnu.so   (git-ignored)

`<key>` is a hash of the exact bytes of every compiled source, the Python ABI (extension suffix and
cache tag), the Cython directives and C flags below. `tasks/parsing/__init__.py` and
`schemas/__init__.py` call `activate()`, which puts a finder first on `sys.meta_path`; on every
import of a module of `MODULES` it hashes the sources again (~0.3 ms) and loads the module from
`.build/compiled/<key>/` if that build exists, from its `.py` file otherwise. So a source edited
after the last build (or a build made by another Python) is never run: the whole set falls back to
pure Python, with one warning saying how to rebuild. Extension modules lying next to the sources (`cythonize -i` by hand) are
ignored as well. `OGI_PURE_PYTHON=1` forces the pure-Python modules (and skips the build in
install.sh). `python -m infra.compiled status` says which modules are in use.

The directives keep Python semantics: binding functions (introspection, pickling, lru_cache, monkey
patching of module globals work as before), annotations are not used as C types, no C division or
C power. Outputs are byte-identical to the pure parser (tests/bench_equivalence.py).
"""

from __future__ import annotations

import hashlib
import importlib.machinery
import importlib.util
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUILD_ROOT = ROOT / ".build" / "compiled"
INFO = "BUILD-INFO.json"
ENV_PURE = "OGI_PURE_PYTHON"
_ENV_WARNED = "_OGI_COMPILED_STALE_WARNED"  # set once warned, so worker processes do not repeat it

# Modules compiled: those where parse_document spends its Python time (cProfile, seeds + peer + 400
# synthetic: tables 33%, html 15%, report 6%, document 6%, layout 4%, regions 4%, schemas/rules 3%, text
# 1%, legacy 0.4% there but most of a pre-2019 report's time). Not compiled: pdf.py, pdf_objects.py, word.py
# (their time is in pdfplumber, PDFium / python-docx), schemas/layouts.py and schemas/legacy.py (0.1% each: data read once),
# the other schemas modules (pandera/polars declarations).
MODULES = (
    "schemas.rules",
    "tasks.parsing.document",
    "tasks.parsing.html",
    "tasks.parsing.layout",
    "tasks.parsing.legacy",
    "tasks.parsing.regions",
    "tasks.parsing.report",
    "tasks.parsing.tables",
    "tasks.parsing.text",
)

# Cython directives: Python semantics exactly (Cython 3 defaults, spelled out, plus no annotation typing:
# `x: float` must not become a C double, `x: list` must not reject None or subclasses).
DIRECTIVES = {
    "language_level": 3,
    "binding": True,
    "annotation_typing": False,
    "always_allow_keywords": True,
    "cdivision": False,
    "cpow": False,
    "c_api_binop_methods": False,
}
CFLAGS = ("-O2", "-g0")
FORMAT = "2"  # bump when how a build is made changes (not only its inputs)


def _source(module: str, root: Path = ROOT) -> Path:
    return root.joinpath(*module.split(".")).with_suffix(".py")


def build_key(root: Path = ROOT) -> str:
    """Hash of what a build is made from: every compiled source's bytes, the ABI, directives, C flags."""
    h = hashlib.sha256()
    abi = (FORMAT, sys.implementation.cache_tag, importlib.machinery.EXTENSION_SUFFIXES[0])
    h.update(repr((abi, sorted(DIRECTIVES.items()), CFLAGS, MODULES)).encode())
    for module in MODULES:
        data = _source(module, root).read_bytes()
        h.update(b"\0%s\0%d\0" % (module.encode(), len(data)))
        h.update(data)
    return h.hexdigest()[:24]


def _extension(build: Path, module: str) -> Path:
    return build.joinpath(*module.split(".")).with_name(
        module.rpartition(".")[2] + importlib.machinery.EXTENSION_SUFFIXES[0])


class CompiledFinder:
    """Finds each module of `MODULES`: in the build whose key matches the sources at the moment it is
    imported, else its `.py` file (always with `pure`). Other modules: not this finder's business."""

    def __init__(self, root: Path, pure: bool):
        self.root = root
        self.pure = pure

    def find_spec(self, fullname, path=None, target=None):
        if fullname not in MODULES:
            return None
        origin = None
        build = None if self.pure else current_build(self.root)
        if build is not None and _extension(build, fullname).is_file():
            origin = _extension(build, fullname)
        return importlib.util.spec_from_file_location(fullname, origin or _source(fullname, self.root))

    def invalidate_caches(self):
        pass


_state: dict = {}


def current_build(root: Path = ROOT) -> Path | None:
    """The build made from the sources as they are now (hashed again on every call, ~0.3 ms), or None.

    The finder asks on every import of a compiled module, so a process that imports the parser long
    after it started (tasks/parse_pool.py does) still gets the code of the sources as they are then."""
    try:
        key = build_key(root)
    except OSError:
        key = None
    build = BUILD_ROOT / key if key else None
    if build is not None and (build / INFO).is_file():
        _state["reason"] = "compiled"
        return build
    if BUILD_ROOT.is_dir() and any(p.name[0] != "." for p in BUILD_ROOT.iterdir()):
        _state["reason"] = "stale"
        if not os.environ.get(_ENV_WARNED):
            os.environ[_ENV_WARNED] = "1"
            import logging

            logging.getLogger(__name__).warning(
                "compiled parser build is stale (sources changed since it was built): using the "
                "pure-Python modules; rebuild with `bash infra/install.sh`")
    else:
        _state["reason"] = "not built"
    return None


def activate(package: str, package_file: str) -> None:
    """Called by the __init__ of every package holding a compiled module: installs the finder, once."""
    if _state:
        return
    if Path(package_file).resolve().parent != ROOT.joinpath(*package.split(".")):
        return  # that package is not the one beside this file (another checkout on sys.path): leave it be
    pure = os.environ.get(ENV_PURE, "") not in ("", "0")
    _state["reason"] = f"{ENV_PURE} is set" if pure else "no compiled module imported yet"
    sys.meta_path.insert(0, CompiledFinder(ROOT, pure))


def status() -> dict:
    """Which build is in use and where every compiled module was (or would be) loaded from."""
    return {"reason": _state.get("reason"),
            "modules": {m: getattr(sys.modules.get(m), "__file__", None) for m in MODULES}}


# --- the build (install time) -------------------------------------------------------------------------


def build(jobs: int = 2, force: bool = False, quiet: bool = False) -> Path:
    """Compile `MODULES` into BUILD_ROOT/<key>/ (atomically), unless that build exists already."""
    import json
    import shutil
    import time

    import Cython

    say = (lambda *a: None) if quiet else (lambda *a: print("compiled:", *a, flush=True))
    key = build_key()
    target = BUILD_ROOT / key
    info = target / INFO
    if not force and info.is_file() and json.loads(info.read_text()).get("cython") == Cython.__version__:
        say(f"up to date ({target.relative_to(ROOT)})")
        return target

    from Cython.Build import cythonize
    from setuptools import Distribution, Extension

    start = time.perf_counter()
    BUILD_ROOT.mkdir(parents=True, exist_ok=True)
    tmp = BUILD_ROOT / f".tmp-{key}-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    # Tracebacks through compiled code name the source relative to the repository ("tasks/parsing/
    # tables.py", line numbers exact): their lines are shown when the process runs from the root.
    exts = [Extension(m, [str(_source(m))], extra_compile_args=list(CFLAGS)) for m in MODULES]
    ext_modules = cythonize(exts, compiler_directives=DIRECTIVES, build_dir=str(tmp / "c"),
                            nthreads=jobs, quiet=True, force=True)
    generated = time.perf_counter()
    dist = Distribution({"name": "ogi-compiled", "ext_modules": ext_modules})
    cmd = dist.get_command_obj("build_ext")
    cmd.build_lib = str(tmp / "lib")
    cmd.build_temp = str(tmp / "obj")
    cmd.parallel = jobs  # one gcc per extension, `jobs` at a time
    cmd.ensure_finalized()
    cmd.run()
    if build_key() != key:
        shutil.rmtree(tmp, ignore_errors=True)
        raise RuntimeError("compiled: sources changed during the build; run it again")
    lib = tmp / "lib"
    missing = [m for m in MODULES if not _extension(lib, m).is_file()]
    if missing:
        raise RuntimeError(f"compiled: build produced no extension for {missing}")
    (lib / INFO).write_text(json.dumps({
        "key": key, "cython": Cython.__version__, "python": sys.version.split()[0],
        "ext_suffix": importlib.machinery.EXTENSION_SUFFIXES[0], "directives": DIRECTIVES,
        "cflags": CFLAGS, "modules": list(MODULES), "seconds": round(time.perf_counter() - start, 1),
        "seconds_cython": round(generated - start, 1),
    }, indent=1) + "\n")
    shutil.rmtree(target, ignore_errors=True)
    os.replace(lib, target)
    shutil.rmtree(tmp, ignore_errors=True)
    for old in BUILD_ROOT.iterdir():  # earlier builds (older sources): only the current one is kept
        if old != target and not old.name.startswith(".tmp-"):
            shutil.rmtree(old, ignore_errors=True)
    say(f"built {len(MODULES)} modules in {time.perf_counter() - start:.1f}s (Cython "
        f"{generated - start:.1f}s, gcc -j{jobs} {time.perf_counter() - generated:.1f}s) ({target.relative_to(ROOT)})")
    return target


def main(argv: list[str] | None = None) -> int:
    import argparse
    import json

    ap = argparse.ArgumentParser(prog="python -m infra.compiled", description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("build", help="compile the modules (no-op if the current build exists)")
    b.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 2)
    b.add_argument("--force", action="store_true")
    sub.add_parser("status", help="which modules are compiled and in use")
    args = ap.parse_args(argv)
    if args.cmd == "build":
        build(jobs=args.jobs, force=args.force)
        return 0
    import importlib

    for m in MODULES:  # the packages' __init__ activate the finder, in infra.compiled (this is __main__)
        importlib.import_module(m)
    compiled = importlib.import_module("infra.compiled")
    print(json.dumps(compiled.status(), indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
