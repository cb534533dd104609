"""Reader notebooks: each chapter as plain Jupyter reads it.

``chapters/NN_name.ipynb`` is written in MyST (``{math}`` blocks with labels,
``{eq}``, ``{glue:text}``, ``{term}``, ``{doc}``, ``{ref}``, ``{cite}`` roles,
``{exercise}`` and solution directives, ``(label)=`` targets), which only the
website's build understands.  JupyterLab, Notebook 7, VS Code and Colab show it
raw.  This module writes ``notebooks/NN_name.ipynb`` for every chapter that
``_toc.yml`` lists, whose markdown is CommonMark with ``$``/``$$`` maths:

* a labelled ``{math}`` block becomes ``$$ ... \\tag{N.k} $$``, numbered as the
  website numbers it (N: the chapter's number in ``_toc.yml``; k: the
  equation's place in its chapter); ``{eq}`` becomes "(N.k)";
* ``{glue:text}`name:fmt``` becomes the glued value formatted as the website
  formats it (myst-nb's own ``format_plain_text`` on the stored ``text/plain``);
* ``{term}`` becomes the term (a link into the website's glossary when
  ``html: baseurl:`` in ``_config.yml`` says where the website is), ``{doc}`` a link to the other reader notebook,
  ``{ref}`` the section's title (or "Exercise N.k"), ``{cite}`` "Author
  (Year)" from ``references.bib``; targets are dropped;
* an exercise becomes a bold "Exercise N.k" paragraph; its solution, prose and
  code, is folded into one ``<details>`` markdown cell, the code shown as a
  Python block with its printed output (plain Jupyter cannot fold code cells);
* admonitions and margins become block quotes, except a folded box (an
  admonition with ``:class: dropdown``), which becomes a ``<details>`` block;
* a first code cell installs ``book_utils`` from the repository named in
  ``_config.yml`` (``repository: url`` and ``branch``) when it is missing.

Code cells keep their source, outputs and tags (``hide-input`` also collapses
the cell's input in JupyterLab, as the website hides it; ``hide-cell`` its
input and output).  A check cell (tagged ``remove-cell``, left out of the
website) stays, with its input collapsed and a first line ``# Checks ...``.  Anything MyST that
this module does not know is an error, so a new construct cannot slip into the
reader notebooks unconverted.

The work is in three modules: :mod:`book_build.readers_book` reads the book
(configuration, table of contents, labels, bibliography),
:mod:`book_build.readers_markdown` converts markdown, and
:mod:`book_build.readers_cells` makes a reader notebook's cells; this module
writes the files and re-exports the names other code uses.

Run ``python -m book_build.readers`` (``make readers``) to write them;
``python -m book_build.readers --check`` exits 1 when the committed ones are
out of date.
"""

from __future__ import annotations

import argparse
import json
import pathlib
import sys

from .readers_book import (  # noqa: F401 (the names other code uses)
    READERS_DIR,
    ROOT,
    Book,
    Label,
    ReaderError,
    install_spec,
    load_book,
    read_config,
    repository,
    toc_chapters,
    toc_docs,
)
from .readers_cells import (  # noqa: F401
    CHECK_COMMENT,
    INSTALL_TAG,
    _caught,
    install_cells,
    reader_notebook,
)
from .readers_markdown import Converter, term_anchor, term_url  # noqa: F401


def dumps(nb: dict) -> str:
    """The file's text, formatted as Jupyter writes notebooks."""
    return json.dumps(nb, indent=1, ensure_ascii=False, sort_keys=True) + "\n"


def expected_files(root: pathlib.Path = ROOT) -> dict[pathlib.Path, str]:
    """Every reader notebook's path and text, made from the chapters as they are."""
    book = load_book(root)
    return {
        book.reader_path(doc): dumps(reader_notebook(book, doc))
        for doc in book.chapters
    }


def write(root: pathlib.Path = ROOT) -> list[pathlib.Path]:
    files = expected_files(root)
    folder = root / READERS_DIR
    folder.mkdir(exist_ok=True)
    for stale in set(folder.glob("*.ipynb")) - set(files):
        stale.unlink()
    changed = []
    for path, text in files.items():
        if not path.exists() or path.read_text() != text:
            path.write_text(text)
            changed.append(path)
    return changed


def out_of_date(root: pathlib.Path = ROOT) -> list[str]:
    files = expected_files(root)
    folder = root / READERS_DIR
    problems = [
        f"{p.relative_to(root)} is missing or out of date"
        for p, text in files.items()
        if not p.exists() or p.read_text() != text
    ]
    problems += [
        f"{p.relative_to(root)} has no chapter"
        for p in sorted(set(folder.glob("*.ipynb")) - set(files))
    ]
    return problems


def copy_for_lab(dest: pathlib.Path, root: pathlib.Path = ROOT) -> list[pathlib.Path]:
    """Working copies of the reader notebooks for `make lab`, in ``dest``.

    Running a notebook in JupyterLab saves its outputs into the file; working on
    copies keeps the committed ``notebooks/`` as ``make readers`` made them.  A
    copy is (re)made when it is missing or older than its reader notebook (the
    chapter changed); otherwise the reader's own copy, with its edits, stays.
    """
    dest.mkdir(parents=True, exist_ok=True)
    copied = []
    for path in sorted((root / READERS_DIR).glob("*.ipynb")):
        target = dest / path.name
        if not target.exists() or target.stat().st_mtime < path.stat().st_mtime:
            target.write_bytes(path.read_bytes())
            copied.append(target)
    return copied


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="only report stale files")
    parser.add_argument(
        "--lab-copy", metavar="DIR", help="also refresh working copies in DIR"
    )
    args = parser.parse_args(argv)
    if args.check:
        problems = out_of_date()
        for p in problems:
            print(p, file=sys.stderr)
        if problems:
            print("run `make readers`", file=sys.stderr)
        return 1 if problems else 0
    changed = write()
    for p in changed:
        print("wrote", p.relative_to(ROOT))
    if not changed:
        print(f"{READERS_DIR}/ is up to date")
    if args.lab_copy:
        for p in copy_for_lab(pathlib.Path(args.lab_copy)):
            print("copied", p)
    return 0


if __name__ == "__main__":
    sys.exit(main())
