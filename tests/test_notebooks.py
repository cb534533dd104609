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
    # The assert may sit in the check cell (remove-cell) right after it.
    uncompared = []
    for path in CHAPTERS:
        cells = _code_cells(_load(path))
        for k, cell in enumerate(cells):
            if "nbval-ignore-output" not in cell.get("metadata", {}).get("tags", []):
                continue
            source = "".join(cell["source"])
            after = cells[k + 1] if k + 1 < len(cells) else {"source": ""}
            if "remove-cell" in after.get("metadata", {}).get("tags", []):
                source += "\n" + "".join(after["source"])
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
    # A cell that only glues numbers for the prose is a check cell, left out of
    # the website (remove-cell; remove-output in chapters not yet converted):
    # the sentence shows the numbers.  No other cell hides its outputs.
    for cell in _code_cells(_load(path)):
        tags = set(cell.get("metadata", {}).get("tags", []))
        source = "".join(cell["source"]).splitlines()[0]
        if _only_glue(cell):
            assert tags & {"remove-output", "remove-cell"}, (
                f"{path.name}: tag remove-cell on {source!r} (a check cell)"
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


# --- Teaching first (issue 22): checks out of sight, no "source 00N", a main
# line a reader can follow.  Each chapter passes or fails on its own.


def _tags(cell: dict) -> set[str]:
    return set(cell.get("metadata", {}).get("tags", []))


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_code_the_website_shows_holds_no_checks(path):
    # A shown code cell teaches; its asserts and glue calls go into a cell
    # tagged remove-cell (nbval and the build still run it).
    for cell in _code_cells(_load(path)):
        if "remove-cell" in _tags(cell):
            continue
        source = "".join(cell["source"])
        first = source.strip().splitlines()[0]
        for node in ast.walk(ast.parse(source)):
            assert not isinstance(node, ast.Assert), (
                f"{path.name}: move the assert on line {node.lineno} of {first!r} "
                "into a check cell tagged remove-cell"
            )
            if isinstance(node, ast.Call):
                func = node.func
                name = func.id if isinstance(func, ast.Name) else None
                name = func.attr if isinstance(func, ast.Attribute) else name
                assert name != "glue", (
                    f"{path.name}: move the glue call on line {node.lineno} of "
                    f"{first!r} into a check cell tagged remove-cell"
                )


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_every_check_cell_says_what_it_checks(path):
    # The reader notebooks show a check cell collapsed, under its first line.
    for cell in _code_cells(_load(path)):
        if "remove-cell" in _tags(cell):
            first = "".join(cell["source"]).strip().splitlines()[0]
            assert first.startswith("# Checks"), (
                f"{path.name}: a remove-cell cell starts with {first!r}; start it "
                "with '# Checks the numbers quoted above.' (or below)"
            )


SOURCE_NUMBER = re.compile(r"\b(sources?|articles?)\s+00\d\b", re.I)


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_no_chapter_names_an_article_by_number(path):
    # The reader never sees "source 001": cite the article by its title.
    for cell in _load(path)["cells"]:
        match = SOURCE_NUMBER.search("".join(cell["source"]))
        assert match is None, (
            f"{path.name} says {match.group(0)!r}: cite the article by its title "
            "with {cite}`key` (see CONTRIBUTING.md)"
        )


#: The longest main line a chapter may have, in words.
MAX_MAIN_LINE_WORDS = 3500

FENCE_OPEN = re.compile(r"^\s*(?P<fence>`{3,}|:{3,})\s*\{(?P<name>[\w:-]+)\}")
OPTION = re.compile(r"^\s*:([\w-]+):\s*(.*)$")
ROLE = re.compile(r"\{([\w:-]+)\}`([^`]*)`")
INLINE_MATHS = re.compile(r"\$[^$\n]+\$")


def _off_main_line(name: str, options: dict) -> bool:
    """Exercises, solutions, folded boxes and display equations."""
    if name in ("exercise", "solution", "dropdown", "math"):
        return True
    return "dropdown" in options.get("class", "").split()


def _main_line_lines(text: str, state: dict) -> list[str]:
    """The lines of one markdown cell that are on the main line."""
    out: list[str] = []
    lines = text.split("\n")
    i, kept = 0, []  # kept: fences of open directives whose body counts
    while i < len(lines):
        line, stripped = lines[i], lines[i].strip()
        i += 1
        if re.match(r"^##\s+Exercises\b", stripped):
            state["done"] = True
            break
        opened = FENCE_OPEN.match(line)
        if opened and opened.group("name") in ("solution-start", "solution-end"):
            state["solution"] = opened.group("name") == "solution-start"
            while i < len(lines) and lines[i].strip() != opened.group("fence"):
                i += 1
            i += 1
            continue
        if state["solution"]:
            continue
        if opened:
            fence, options = opened.group("fence"), {}
            while i < len(lines) and OPTION.match(lines[i]):
                key, value = OPTION.match(lines[i]).groups()
                options[key] = value
                i += 1
            if not _off_main_line(opened.group("name"), options):
                kept.append(fence)
                continue
            depth = 0  # skip to the matching closing fence
            while i < len(lines):
                inner = lines[i].strip()
                i += 1
                if (
                    FENCE_OPEN.match(inner)
                    and FENCE_OPEN.match(inner)["fence"] == fence
                ):
                    depth += 1
                elif inner == fence:
                    if depth == 0:
                        break
                    depth -= 1
            continue
        if kept and stripped == kept[-1]:
            kept.pop()
            continue
        if stripped == "$$":
            while i < len(lines) and lines[i].strip() != "$$":
                i += 1
            i += 1
            continue
        if re.match(r"^\([^()\s]+\)=$", stripped):
            continue
        out.append(line)
    return out


def _shown(match: re.Match) -> str:
    name, content = match.groups()
    explicit = re.match(r"^(.*?)\s*<[^<>]+>$", content, re.S)
    if explicit:
        return explicit.group(1)
    return "N" if name in ("glue:text", "eq", "numref", "cite", "cite:p") else content


def main_line_words(nb: dict) -> int:
    """How many words a reader reads going straight through a chapter.

    Counts the words of the markdown cells before the ``## Exercises``
    heading, headings and lists included.  Left out: the exercises section
    (exercises and solutions), anything between ``{solution-start}`` and
    ``{solution-end}``, ``{exercise}``, ``{solution}`` and ``{dropdown}``
    blocks, admonitions with ``:class: dropdown`` (the folded boxes), display
    equations (``{math}`` blocks and ``$$``), directive options and
    ``(label)=`` targets; the body of any other admonition counts.  A role
    counts as the text it shows (``{doc}`chapter 2 <02_x>``` is two words; a
    ``{glue:text}``, ``{eq}`` or ``{cite}`` is one), and so does inline
    ``$...$`` maths (one word).  A word is a run of non-blank characters
    holding a letter or a digit.
    """
    state = {"solution": False, "done": False}
    lines: list[str] = []
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown" and not state["done"]:
            lines += _main_line_lines("".join(cell["source"]), state)
    text = INLINE_MATHS.sub(" M ", ROLE.sub(_shown, "\n".join(lines)))
    return sum(1 for word in text.split() if re.search(r"\w", word))


def test_the_word_count_leaves_out_folded_text():
    md = (
        "# Title\n\nOne two {glue:text}`x:.2f` {doc}`chapter two <02_x>` $a + b$.\n"
        "```{math}\n:label: eq-x\na = b\n```\n"
        "```{admonition} Under the hood: folded\n:class: dropdown\nnot counted\n```\n"
        "```{note}\ncounted\n```\n"
        "```{exercise}\n:label: ex-x\nnot counted\n```\n"
        "```{solution-start} ex-x\n:class: dropdown\n```\n"
    )
    nb = {
        "cells": [
            {"cell_type": "markdown", "source": md},
            {"cell_type": "code", "source": "x = 1 2 3"},
            {
                "cell_type": "markdown",
                "source": "solution\n```{solution-end}\n```\nlast",
            },
            {"cell_type": "markdown", "source": "## Exercises\n\nnot counted"},
        ]
    }
    # Title One two N chapter two M counted last
    assert main_line_words(nb) == 9


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_the_main_line_reads_in_one_sitting(path):
    words = main_line_words(_load(path))
    assert words <= MAX_MAIN_LINE_WORDS, (
        f"{path.name}: the main line has {words} words, more than "
        f"{MAX_MAIN_LINE_WORDS}: fold detail into boxes or move it"
    )
