"""nbval on the book build's outputs: a pytest plugin (build and tests only).

``make test`` runs every chapter under nbval on several CPU configurations
(:mod:`book_build.nbval_configs`), and its test build executes every chapter
once more, as a typical laptop would (``LAPTOP_ENV`` in the Makefile).  That
execution is a full run under a configuration of its own, so instead of
running nbval under the same configuration again, this plugin compares the
outputs the build executed (``_build/jupyter_execute``) with the stored ones,
cell by cell, with nbval's own code: its cell options (``nbval-ignore-output``,
``nbval-skip``, ``raises-exception`` tags and comment markers), its stream
coalescing, its sanitising (``--nbval-sanitize-with``), the MIME types it
skips and its report of a difference.  Only the build's one addition is taken
out first: the kernel-free HTML of every explorer (``text/html`` beside the
widget's view, made because the build sets ``BOOK_STATIC_EXPLORERS``).

The outputs must come from an execution under the configuration being
checked, not from a cache filled by another build: ``book_build.site`` records
the environment each notebook of the cache was executed under
(:data:`EXECUTED_UNDER` in the cache), ``python -m book_build.nbval_build
--prepare 'VAR=value ...'`` (run before the test build) removes from the cache
the notebooks executed under another one, and every check fails when the
record disagrees with ``--nbval-build-env``.

Usage::

    python -m pytest -p book_build.nbval_build --nbval-build _build \\
        --nbval-build-env "OPENBLAS_CORETYPE=Haswell ..." chapters
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import nbformat
import pytest
from nbval.plugin import IPyNbCell, IPyNbFile, coalesce_streams

#: The environment variables that choose the numerical kernels (recorded per
#: executed notebook; see book_build.nbval_configs).
CONFIG_VARS = ("OPENBLAS_CORETYPE", "NPY_DISABLE_CPU_FEATURES")
#: In the jupyter-cache directory: {cache record pk: {"uri", "env"}}.
EXECUTED_UNDER = "executed-under.json"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
STATIC_EXPLORER = '<figure class="bx"'


def config_env(environ=os.environ) -> dict[str, str]:
    """The numerical configuration of ``environ``."""
    return {k: environ[k] for k in CONFIG_VARS if environ.get(k)}


def parse_env(text: str) -> dict[str, str]:
    """``"A=1 B=2"`` (the Makefile's LAPTOP_ENV) as a dict."""
    pairs = [item.split("=", 1) for item in text.split()]
    return config_env(dict(pairs))


def _records(cache_dir: Path) -> dict[int, str]:
    from jupyter_cache import get_cache

    if not cache_dir.exists():
        return {}
    return {r.pk: r.uri for r in get_cache(cache_dir).list_cache_records()}


def _load(cache_dir: Path) -> dict[str, dict]:
    path = cache_dir / EXECUTED_UNDER
    return json.loads(path.read_text()) if path.exists() else {}


def record_executions(cache_dir: Path, before: set[int], env: dict) -> None:
    """Note ``env`` for every record of the cache not in ``before`` (the
    notebooks this build executed); forget records the cache no longer has."""
    records = _records(cache_dir)
    if not records:
        return
    table = {k: v for k, v in _load(cache_dir).items() if int(k) in records}
    for pk, uri in records.items():
        if pk not in before:
            table[str(pk)] = {"uri": uri, "env": env}
    (cache_dir / EXECUTED_UNDER).write_text(json.dumps(table, indent=1, sort_keys=True))


def executed_under(cache_dir: Path, notebook: Path) -> dict | None:
    """The configuration the cached outputs of ``notebook`` were executed
    under, or None when unknown (not cached, or cached by an older build)."""
    if not cache_dir.exists():
        return None
    record = _match(cache_dir, notebook)
    if record is None:
        return None
    entry = _load(cache_dir).get(str(record))
    return None if entry is None else entry["env"]


def _match(cache_dir: Path, notebook: Path) -> int | None:
    from jupyter_cache import get_cache

    cache = get_cache(cache_dir)
    try:
        return cache.match_cache_file(str(notebook)).pk
    except KeyError:
        return None


def prepare(cache_dir: Path, env: dict) -> list[str]:
    """Remove from the cache every notebook not executed under ``env``, so
    that the build executes it again under ``env``; return their paths.

    Sphinx reads again only the pages whose source changed or whose doctree
    is missing, so the doctree (in the build directory's ``.doctrees``) of
    every notebook with no record under ``env`` goes too: otherwise an
    unchanged page would be neither read nor executed, and its outputs would
    be missing from the check."""
    from jupyter_cache import get_cache

    if not cache_dir.exists():
        return []
    cache = get_cache(cache_dir)
    table = _load(cache_dir)
    removed = []
    for record in cache.list_cache_records():
        entry = table.get(str(record.pk))
        if entry is None or entry["env"] != env:
            cache.remove_cache(record.pk)
            removed.append(record.uri)
    # a notebook page with no record of this configuration (just removed, or
    # lost earlier) is read again
    valid = {Path(record.uri).stem for record in cache.list_cache_records()}
    doctrees, root = cache_dir.parent / ".doctrees", cache_dir.parent.parent
    for doctree in doctrees.rglob("*.doctree"):
        source = root / doctree.relative_to(doctrees).with_suffix(".ipynb")
        if source.exists() and doctree.stem not in valid:
            doctree.unlink()
    return removed


# --------------------------------------------------------------------------------------
# the pytest plugin
# --------------------------------------------------------------------------------------


def pytest_addoption(parser):
    group = parser.getgroup("nbval-build", "nbval on the book build's outputs")
    group.addoption(
        "--nbval-build",
        metavar="BUILD_DIR",
        help="compare the outputs the book build executed (BUILD_DIR/jupyter_execute) "
        "with the notebooks' stored ones, as nbval would",
    )
    group.addoption(
        "--nbval-build-env",
        default="",
        help="the configuration ('VAR=value ...') the build executed under",
    )


def pytest_collect_file(file_path, parent):
    option = parent.config.option
    if option.nbval_build and file_path.suffix == ".ipynb":
        return BuiltNotebook.from_parent(parent, path=file_path)
    return None


def built_path(build: Path, notebook: Path, root: Path) -> Path:
    return build / "jupyter_execute" / notebook.resolve().relative_to(root)


class BuiltNotebook(IPyNbFile):
    """A stored notebook whose cells are checked against the build's run."""

    def setup(self):
        option = self.config.option
        self.setup_sanitize_files()
        build = Path(option.nbval_build).resolve()
        root = Path(self.config.rootpath).resolve()
        path = built_path(build, Path(self.fspath), root)
        if not path.exists():
            raise pytest.fail.Exception(
                f"the build has no executed {path.relative_to(root)}: "
                "run the build first (make build-test)",
                pytrace=False,
            )
        want = parse_env(option.nbval_build_env)
        got = executed_under(build / ".jupyter_cache", Path(self.fspath))
        if got != want:
            raise pytest.fail.Exception(
                f"{Path(self.fspath).name}: the build's outputs were executed under "
                f"{got if got is not None else 'an unknown configuration'}, "
                f"not {want or 'the default'} (run `python -m book_build.nbval_build "
                "--prepare` before the build)",
                pytrace=False,
            )
        built = [c for c in nbformat.read(path, as_version=4).cells]
        built = [c for c in built if c.cell_type == "code"]
        stored = [c for c in self.nb.cells if c.cell_type == "code"]
        if [c.source for c in built] != [c.source for c in stored]:
            raise pytest.fail.Exception(
                f"{path.relative_to(root)} was executed from other code than "
                f"{Path(self.fspath).name}: build again",
                pytrace=False,
            )
        self.built_cells = built

    def collect(self):
        for item in super().collect():
            yield BuiltCell.from_parent(
                self,
                name=item.name,
                cell_num=item.cell_num,
                cell=item.cell,
                options=item.options,
            )

    def teardown(self):
        pass


def build_outputs(outputs: list) -> list:
    """The build's outputs of a cell as nbval would have received them from
    a kernel: without each explorer's kernel-free HTML, streams coalesced."""
    out = []
    for output in outputs:
        output = nbformat.from_dict(json.loads(json.dumps(output)))
        data = output.get("data", {})
        if WIDGET_VIEW in data and str(data.get("text/html", "")).startswith(
            STATIC_EXPLORER
        ):
            del data["text/html"]
        out.append(output)
    return coalesce_streams(out)


class BuiltCell(IPyNbCell):
    """A code cell: its outputs in the build against its stored ones
    (nbval's ``IPyNbCell.runtest`` with the build in place of a kernel)."""

    def runtest(self):
        if self.options["skip"]:
            pytest.skip()
        outs = build_outputs(self.parent.built_cells[self.cell_num].outputs)
        self.test_outputs = outs
        for out in outs:
            if out.output_type == "error" and not self.options["check_exception"]:
                self.raise_cell_error(
                    "Cell execution caused an exception",
                    "\n" + "\n".join(out.get("traceback", [])),
                )
        unrun = self.cell.execution_count is None
        if unrun and self.cell.outputs:
            self.raise_cell_error("Unrun reference cell has outputs")
        if self.options["check"] and not unrun:
            if not self.compare_outputs(outs, coalesce_streams(self.cell.outputs)):
                self.raise_cell_error(
                    "Cell outputs differ (the build's run against the stored outputs)",
                    "\n".join(self.comparison_traceback),
                )


def main(argv: list[str]) -> int:
    if len(argv) >= 1 and argv[0] == "--prepare":
        env = parse_env(" ".join(argv[1:]))
        cache_dir = Path(os.environ.get("BOOK_BUILD_DIR", "_build")) / ".jupyter_cache"
        for uri in prepare(cache_dir, env):
            print(f"  {Path(uri).name}: cached under another configuration; to execute")
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
