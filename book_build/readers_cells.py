"""The cells of a reader notebook, made from a chapter's cells.

Part of :mod:`book_build.readers`.  :func:`reader_notebook` walks a chapter's
cells: markdown goes through the :class:`~book_build.readers_markdown.Converter`,
a solution (prose and code with its text output) is folded into one
``<details>`` cell, code cells keep their source and outputs with their
``hide-*`` and ``remove-cell`` tags turned into JupyterLab's collapsed
metadata, a cell that raises on purpose prints its error instead, and the
first code cell is preceded by the cell that installs ``book_utils``.
"""

from __future__ import annotations

import copy
import json
import re

from .readers_book import Book, ReaderError, install_spec
from .readers_markdown import Converter

INSTALL_TAG = "install-book-utils"

SOLUTION_SPLIT = re.compile(
    r"^(?P<fence>`{3,}|:{3,})\s*\{(?P<name>solution-start|solution-end)\}(?P<arg>.*)\n"
    r"(?P<opts>(?::[\w-]+:.*\n)*)(?P=fence)[ \t]*$",
    re.M,
)


def _pieces(nb: dict):
    """Cells, with markdown split at solution markers: (kind, payload)."""
    for cell in nb["cells"]:
        if cell["cell_type"] != "markdown":
            yield "cell", cell
            continue
        text = "".join(cell["source"])
        pos = 0
        for m in SOLUTION_SPLIT.finditer(text + "\n"):
            if text[pos : m.start()].strip():
                yield "markdown", text[pos : m.start()]
            if m.group("name") == "solution-start":
                yield "solution-start", m.group("arg").strip()
            else:
                yield "solution-end", None
            pos = m.end()
        if text[pos:].strip():
            yield "markdown", text[pos:]


def _code_block(source: str, lang: str = "python") -> list[str]:
    fence = "```"
    while fence in source:
        fence += "`"
    return [f"{fence}{lang}", source.rstrip("\n"), fence]


def _text_outputs(cell: dict, doc: str) -> list[str]:
    texts = []
    for out in cell.get("outputs", []):
        kind = out["output_type"]
        if kind == "stream":
            texts.append("".join(out["text"]))
        elif kind in ("display_data", "execute_result"):
            data = out.get("data", {})
            other = set(data) - {"text/plain"}
            if other:
                raise ReaderError(
                    f"{doc}: a solution's code shows {sorted(other)}; the reader "
                    "notebooks fold only text outputs of solutions"
                )
            texts.append("".join(data.get("text/plain", "")) + "\n")
        elif kind == "error":
            texts.append("\n".join(out.get("traceback", [])) + "\n")
    return texts


def _markdown_cell(text: str, cell_id: str) -> dict:
    return {
        "cell_type": "markdown",
        "id": cell_id,
        "metadata": {},
        "source": _split_source(text),
    }


def _split_source(text: str) -> list[str]:
    lines = text.split("\n")
    return [ln + "\n" for ln in lines[:-1]] + ([lines[-1]] if lines[-1] else [])


HIDE = {
    "hide-input": {"source_hidden": True},
    "hide-output": {"outputs_hidden": True},
    "hide-cell": {"source_hidden": True, "outputs_hidden": True},
    "remove-cell": {"source_hidden": True},
}

#: The first line of a check cell (tagged remove-cell: the website leaves it out).
CHECK_COMMENT = "# Checks the numbers quoted above."


def _check_cell(cell: dict) -> dict:
    """A check cell as the reader notebook shows it: its first line says what it is.

    The website leaves out a cell tagged ``remove-cell``; the reader notebook
    keeps it (Run All needs its glued values and it still checks them), with
    its input collapsed (``HIDE``) under a first line that says what it does.
    A chapter starts such a cell with ``# Checks ...``; one that does not gets
    :data:`CHECK_COMMENT` added.
    """
    source = "".join(cell["source"])
    if source.lstrip().startswith("# Checks"):
        return cell
    return {**cell, "source": _split_source(f"{CHECK_COMMENT}\n{source}")}


def _caught(cell: dict, doc: str) -> dict:
    """A cell that shows an error on purpose, made to print it instead.

    Jupyter's "Run All" stops at the first error, so the reader notebook
    wraps such a cell in ``try``/``except`` and stores the printed line
    ("ValueError: ...") that the wrapped code prints, from the stored error.
    """
    source = "".join(cell["source"]).rstrip("\n")
    if '"""' in source or "'''" in source:
        raise ReaderError(
            f"{doc}: cannot wrap a raises-exception cell with a string block"
        )
    errors = [o for o in cell.get("outputs", []) if o["output_type"] == "error"]
    if len(errors) != 1:
        raise ReaderError(f"{doc}: a raises-exception cell without one stored error")
    body = "\n".join(("    " + ln) if ln.strip() else "" for ln in source.split("\n"))
    code = (
        "# This cell shows an error on purpose; try/except lets Run All go on.\n"
        f"try:\n{body}\n"
        "except Exception as error:\n"
        '    print(f"{type(error).__name__}: {error}")'
    )
    outputs = [o for o in cell.get("outputs", []) if o["output_type"] != "error"]
    outputs.append(
        {
            "name": "stdout",
            "output_type": "stream",
            "text": [f"{errors[0]['ename']}: {errors[0]['evalue']}\n"],
        }
    )
    tags = [t for t in cell["metadata"].get("tags", []) if t != "raises-exception"]
    metadata = {**cell["metadata"], "tags": tags}
    if not tags:
        del metadata["tags"]
    return {
        **cell,
        "source": _split_source(code),
        "outputs": outputs,
        "metadata": metadata,
    }


def install_cells(book: Book) -> list[dict]:
    spec = install_spec(book.root)
    intro = (
        "**Running this notebook.** The code uses `book_utils`, the book's helper "
        "package. Run the next cell first: where `book_utils` is missing (Colab, "
        "a downloaded notebook) it installs it with pip from the book's "
        "repository; where it is installed (Binder, a clone of the repository) it "
        "does nothing."
    )
    code = (
        "# Install the book's helper package book_utils, only if it is missing.\n"
        "import importlib\n"
        "import importlib.util\n"
        "import subprocess\n"
        "import sys\n"
        "\n"
        'if importlib.util.find_spec("book_utils") is None:\n'
        f'    requirement = "{spec}"\n'
        '    print("Installing", requirement)\n'
        "    subprocess.run(\n"
        '        [sys.executable, "-m", "pip", "install", "--quiet", requirement],\n'
        "        check=True,\n"
        "    )\n"
        "    importlib.invalidate_caches()\n"
        "else:\n"
        '    print("book_utils is installed: nothing to do.")'
    )
    return [
        _markdown_cell(intro, "reader-install-note"),
        {
            "cell_type": "code",
            "execution_count": None,
            "id": "reader-install",
            "metadata": {"tags": [INSTALL_TAG]},
            "outputs": [],
            "source": _split_source(code),
        },
    ]


def reader_notebook(book: Book, doc: str) -> dict:
    """The reader notebook of one chapter (a dict in nbformat 4)."""
    source_path = book.root / f"{doc}.ipynb"
    nb = json.loads(source_path.read_text())
    conv = Converter(book, doc, nb)
    cells: list[dict] = []
    solution: list[str] | None = None
    solution_label = None
    inserted = False
    sol_count = 0
    for kind, payload in _pieces(nb):
        if kind == "solution-start":
            if solution is not None:
                conv.fail("a solution starts inside another")
            solution, solution_label = [], payload
            continue
        if kind == "solution-end":
            if solution is None:
                conv.fail("{solution-end} without {solution-start}")
            label = conv._label(solution_label) if solution_label else None
            summary = f"Solution to Exercise {label.number}" if label else "Solution"
            body = "\n\n".join(part.strip("\n") for part in solution if part.strip())
            text = f"<details>\n<summary>{summary}</summary>\n\n{body}\n\n</details>"
            sol_count += 1
            cells.append(_markdown_cell(text, f"reader-solution-{sol_count}"))
            solution = None
            continue
        if kind == "markdown":
            md = conv.block(payload)
            if solution is not None:
                solution.append(md)
            elif md.strip():
                cells.append(_markdown_cell(md, f"reader-md-{len(cells)}"))
            continue
        cell = payload
        if cell["cell_type"] == "markdown":
            continue
        if solution is not None:
            if cell["cell_type"] != "code":
                continue
            if "remove-cell" in cell["metadata"].get("tags", []):
                cell = _check_cell(cell)
            part = _code_block("".join(cell["source"]))
            texts = _text_outputs(cell, doc)
            if texts:
                part += ["", "Output:", "", *_code_block("".join(texts), "text")]
            solution.append("\n".join(part))
            continue
        new = copy.deepcopy(cell)
        if new["cell_type"] == "code":
            if "raises-exception" in new.get("metadata", {}).get("tags", []):
                new = _caught(new, doc)
            tags = new.get("metadata", {}).get("tags", [])
            if "remove-cell" in tags:
                new = _check_cell(new)
            jupyter = {}
            for tag in tags:
                jupyter.update(HIDE.get(tag, {}))
            if jupyter:
                new["metadata"]["jupyter"] = jupyter
            if not inserted:
                cells.extend(install_cells(book))
                inserted = True
        cells.append(new)
    if solution is not None:
        conv.fail("a solution is never closed with {solution-end}")
    if not inserted:
        cells.extend(install_cells(book))
    # markdown cells take the id of their position: ids must be unique
    seen = set()
    for k, cell in enumerate(cells):
        if cell["id"] in seen:
            cell["id"] = f"reader-{k}"
        seen.add(cell["id"])
    metadata = copy.deepcopy(nb["metadata"])
    metadata["book"] = {
        "generated_from": f"{doc}.ipynb",
        "generated_by": "book_build.readers (make readers); do not edit by hand",
        "chapter": book.numbers[doc],
    }
    return {
        "cells": cells,
        "metadata": metadata,
        "nbformat": nb["nbformat"],
        "nbformat_minor": nb["nbformat_minor"],
    }
