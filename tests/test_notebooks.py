"""Checks on the stored notebooks and the table of contents.

nbval (``make notebooks``) re-runs every notebook and compares its outputs with
the stored ones; these tests check what nbval does not: that every code cell
was run, in order, in a fresh kernel; that the table of contents and the
chapters agree; that notebooks stay light and follow the chapter skeleton.
"""

from __future__ import annotations

import ast
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys
from collections import defaultdict

import pytest
from toc import toc_files

import book_utils
from book_utils.prose import _rounded

ROOT = pathlib.Path(__file__).resolve().parents[1]
CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))
ALLOWED_TAGS = {
    "hide-input",
    "hide-output",
    "hide-cell",
    "remove-input",
    "remove-output",
    "remove-cell",
    "raises-exception",
    "nbval-ignore-output",
}


def _load(path: pathlib.Path) -> dict:
    return json.loads(path.read_text())


def _code_cells(nb: dict) -> list[dict]:
    return [
        c
        for c in nb["cells"]
        if c["cell_type"] == "code" and "".join(c["source"]).strip()
    ]


def _markdown(nb: dict) -> str:
    return "\n".join(
        "".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown"
    )


def test_there_are_chapters():
    assert CHAPTERS, "no notebooks found in chapters/"


def test_every_chapter_is_in_the_toc_and_every_toc_entry_exists():
    toc = toc_files()
    listed = {f for f in toc if f.startswith("chapters/")}
    present = {p.relative_to(ROOT).with_suffix("").as_posix() for p in CHAPTERS}
    assert present - listed == set(), "notebooks missing from _toc.yml"
    assert listed - present == set(), "_toc.yml lists notebooks that do not exist"
    for entry in toc:
        candidates = [ROOT / f"{entry}{ext}" for ext in (".md", ".ipynb")]
        assert any(c.exists() for c in candidates), (
            f"_toc.yml entry {entry!r} has no file"
        )


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_run_top_to_bottom_in_a_fresh_kernel(path):
    cells = _code_cells(_load(path))
    counts = [c["execution_count"] for c in cells]
    assert None not in counts, (
        f"{path.name}: a code cell was never run (run `make execute`)"
    )
    assert counts == list(range(1, len(cells) + 1)), (
        f"{path.name}: execution counts {counts} are not 1..n: run `make execute`"
    )


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_notebook_is_light_and_offline(path):
    assert path.stat().st_size < 1_000_000, f"{path.name} is over 1 MB"
    text = path.read_text()
    assert not re.search(r"https?://(cdn|unpkg|cdnjs)", text), (
        f"{path.name} loads from a CDN"
    )


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_tags_are_known(path):
    for cell in _load(path)["cells"]:
        tags = set(cell.get("metadata", {}).get("tags", []))
        assert tags <= ALLOWED_TAGS, f"{path.name}: unknown tags {tags - ALLOWED_TAGS}"


#: At most this many cells in the whole book are left out of nbval's comparison.
MAX_UNCOMPARED_CELLS = 10


def test_few_cells_escape_comparison_and_each_asserts_its_bound():
    # A cell whose output depends on the machine (rounding errors, correct
    # digits, where an optimiser stops) is tagged nbval-ignore-output; it
    # must say so in a comment and assert the bound the prose relies on.
    uncompared = []
    for path in CHAPTERS:
        for cell in _code_cells(_load(path)):
            if "nbval-ignore-output" not in cell.get("metadata", {}).get("tags", []):
                continue
            source = "".join(cell["source"])
            where = f"{path.name}: {source.splitlines()[0]!r}"
            assert "explorer(" not in source, f"{where}: explorers' output is stable"
            assert "Machine-dependent" in source, (
                f"{where}: say in a '# Machine-dependent: ...' comment why it varies"
            )
            assert re.search(r"^\s*assert\b", source, re.M), (
                f"{where}: a cell left out of the comparison must assert its bound"
            )
            uncompared.append(where)
    assert len(uncompared) <= MAX_UNCOMPARED_CELLS, "\n".join(uncompared)


GLUE_ROLE = re.compile(r"\{glue:text\}`(\w+):([^`]*)`")


def _glued(nb: dict) -> dict[str, str]:
    return {
        out["metadata"]["scrapbook"]["name"]: "".join(out["data"]["text/plain"])
        for cell in _code_cells(nb)
        for out in cell.get("outputs", [])
        if "scrapbook" in out.get("metadata", {})
    }


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_glued_numbers_keep_only_the_digits_the_prose_shows(path):
    # A stored full-precision repr (-12.889634222131416) holds digits that
    # another CPU computes differently (...415); glue(name, value, fmt) stores
    # only what the prose's format shows.
    nb = _load(path)
    glued = _glued(nb)
    specs = defaultdict(set)
    for name, spec in GLUE_ROLE.findall(_markdown(nb)):
        assert name in glued, f"{path.name}: the prose quotes {name}, never glued"
        specs[name].add(spec)
    for name, text in glued.items():
        assert name in specs, f"{path.name}: {name} is glued but never quoted"
        value = ast.literal_eval(text)
        assert any(_rounded(value, spec) == value for spec in specs[name]), (
            f"{path.name}: {name} is stored as {text}, more digits than the prose "
            f"shows with {sorted(specs[name])}: pass that format to glue"
        )


def test_reexecuting_a_chapter_leaves_no_diff(tmp_path):
    # `make execute` stores nothing that depends on when or where it ran: a
    # chapter re-run (imitating another CPU's BLAS on x86-64) is byte-identical.
    chapter = CHAPTERS[0]
    copy = tmp_path / chapter.name
    shutil.copy(chapter, copy)
    env = dict(os.environ)
    if os.uname().machine == "x86_64":
        env["OPENBLAS_CORETYPE"] = "Prescott"
    subprocess.run(
        [sys.executable, "-m", "book_build.execute", str(copy)],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    assert copy.read_bytes() == chapter.read_bytes(), (
        f"re-executing {chapter.name} changed it: run `make execute` and look at the diff"
    )


def _only_glue(cell: dict) -> bool:
    outputs = cell.get("outputs", [])
    return bool(outputs) and all(
        o.get("output_type") == "display_data" and "scrapbook" in o.get("metadata", {})
        for o in outputs
    )


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_glued_numbers_show_in_the_prose_not_twice(path):
    # A cell that only glues numbers for the prose hides its outputs on the
    # website (the sentence shows them); no other cell hides its outputs.
    for cell in _code_cells(_load(path)):
        tags = set(cell.get("metadata", {}).get("tags", []))
        source = "".join(cell["source"]).splitlines()[0]
        if _only_glue(cell):
            assert tags & {"remove-output", "remove-cell"}, (
                f"{path.name}: tag remove-output on {source!r}"
            )
        else:
            assert "remove-output" not in tags, (
                f"{path.name}: remove-output hides real output of {source!r}"
            )


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_chapter_skeleton(path):
    md = _markdown(_load(path))
    assert re.search(r"^# ", md, re.M), f"{path.name}: no title"
    for needed in (
        "**Overview.**",
        "**What you will learn**",
        "## Summary",
        "## Exercises",
    ):
        assert needed in md, f"{path.name}: the chapter skeleton needs {needed!r}"
    exercises = re.findall(r"```\{exercise\}\n:label: (\S+)", md)
    assert 2 <= len(exercises) <= 4, (
        f"{path.name}: {len(exercises)} exercises, want 2-4"
    )
    for label in exercises:
        assert re.search(r"\{solution(-start)?\} " + re.escape(label), md), (
            f"{path.name}: exercise {label} has no solution"
        )
    assert re.search(r"\{math\}\n:label: eq-", md), f"{path.name}: no labelled equation"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_no_helper_is_defined_again(path):
    shared = set(book_utils.__all__)
    for cell in _code_cells(_load(path)):
        tree = ast.parse("".join(cell["source"]))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.ClassDef):
                assert node.name not in shared, (
                    f"{path.name} defines {node.name}, which book_utils already provides"
                )
            if isinstance(node, ast.Import | ast.ImportFrom):
                top = (
                    node.module
                    if isinstance(node, ast.ImportFrom)
                    else node.names[0].name
                )
                assert top.split(".")[0] in {
                    "book_utils",
                    "dask",
                    "numpy",
                    "matplotlib",
                    "ipywidgets",
                    "statsmodels",
                    "scipy",
                    "math",
                    "warnings",
                }, (
                    f"{path.name} imports {top}: chapters import only from book_utils and the stack"
                )
