"""The book's table of contents, read from ``_toc.yml`` (used by several tests).

The reader-notebook generator reads it the same way; this is that reader.
"""

from __future__ import annotations

import pathlib

from book_build.readers import toc_docs

ROOT = pathlib.Path(__file__).resolve().parents[1]


def toc_files() -> list[str]:
    """Every file the table of contents lists, the root first (no extensions)."""
    return toc_docs(ROOT)
