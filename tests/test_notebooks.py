"""Checks on the stored notebooks and the table of contents.

nbval (``make notebooks``) re-runs every notebook and compares its outputs with
the stored ones; these tests check what nbval does not: that every code cell
was run, in order, in a fresh kernel; that the table of contents and the
chapters agree; that notebooks stay light and follow the chapter skeleton.
"""

from __future__ import annotations

import ast
import json
import pathlib
import re

import pytest
from toc import toc_files

import book_utils

ROOT = pathlib.Path(__file__).resolve().parents[1]
CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))
ALLOWED_TAGS = {
    "hide-input",
    "hide-output",
    "hide-cell",
    "remove-input",
    "remove-output",
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
def test_tags_are_known_and_outputs_are_compared(path):
    for cell in _load(path)["cells"]:
        tags = set(cell.get("metadata", {}).get("tags", []))
        assert tags <= ALLOWED_TAGS, f"{path.name}: unknown tags {tags - ALLOWED_TAGS}"
        if "nbval-ignore-output" in tags:
            # only a live widget's output may be left unchecked
            assert "explorer(" in "".join(cell["source"]), (
                f"{path.name}: nbval-ignore-output on a cell that shows no explorer"
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
            assert "remove-output" in tags, (
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
