"""Sphinx extension: the website's notebook buttons lead to the reader notebooks.

Listed in ``_config.yml`` under ``sphinx: local_extensions`` (build-only: not part
of ``book_utils``).  sphinx-book-theme builds a chapter page's header buttons
from the page's source, ``chapters/NN_name.ipynb``, which only the book's build
understands.  This extension

* makes each chapter's reader notebook from the chapter as it is built
  (:mod:`book_build.readers`, the same code as ``make readers``; an unconvertible
  construct stops the build) and writes it to ``_build/html/notebooks/``, so
  the download always matches the page;
* points the download button's ``.ipynb`` entry at that file, and the Binder
  and Colab buttons (built by the theme from ``repository: url`` and
  ``branch`` in ``_config.yml``) at ``notebooks/NN_name.ipynb`` in the
  repository, the committed copy;
* warns (an error under ``-W``) when a chapter page has a launch button that
  does not name the chapter's notebook, so a theme change cannot silently send
  readers to the MyST source again.
"""

from __future__ import annotations

import pathlib

from sphinx.application import Sphinx
from sphinx.util import logging

from .readers import READERS_DIR, dumps, load_book, reader_notebook

logger = logging.getLogger(__name__)


def _make_readers(app: Sphinx) -> None:
    book = load_book(pathlib.Path(app.srcdir))
    app.book_readers = {
        doc: (book.reader_path(doc).name, dumps(reader_notebook(book, doc)))
        for doc in book.chapters
    }


def _buttons(context, label):
    for group in context.get("header_buttons") or []:
        if group.get("label") == label:
            yield from group.get("buttons", [])


def _retarget(app: Sphinx, pagename, templatename, context, doctree) -> None:
    readers = getattr(app, "book_readers", {})
    if pagename not in readers or app.builder.format != "html":
        return
    name, _ = readers[pagename]
    reader = f"{READERS_DIR}/{name}"
    for button in _buttons(context, "download-buttons"):
        if button.get("label") == "download-source-button":
            button["url"] = context["pathto"](reader, 1)
            button["tooltip"] = "Download this chapter as a notebook that runs anywhere"
    source = f"{pagename}.ipynb"
    for button in _buttons(context, "launch-buttons"):
        url = button.get("url")
        if url is None:
            continue
        if source not in url:
            logger.warning(
                "[book_build.launch] %s: the %s button (%s) does not name %s",
                pagename,
                button.get("text"),
                url,
                source,
            )
            continue
        # chapters/NN_name.ipynb -> notebooks/NN_name.ipynb (after any
        # path_to_book prefix, which both share)
        button["url"] = url.replace(source, reader)


def _write_readers(app: Sphinx, exception) -> None:
    # every time, not only with the pages Sphinx rewrites: a reader notebook
    # changes with book_build/readers.py too
    if exception is not None or app.builder.format != "html":
        return
    for name, text in getattr(app, "book_readers", {}).values():
        out = pathlib.Path(app.outdir, READERS_DIR, name)
        out.parent.mkdir(parents=True, exist_ok=True)
        if not out.exists() or out.read_text() != text:
            out.write_text(text)


def setup(app: Sphinx) -> dict:
    app.connect("builder-inited", _make_readers)
    app.connect("build-finished", _write_readers)
    # after sphinx-book-theme's header buttons (priority 501)
    app.connect("html-page-context", _retarget, priority=600)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
