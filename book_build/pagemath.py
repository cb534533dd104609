"""Sphinx extension: MathJax only on the pages that show maths.

Listed in ``_config.yml`` under ``sphinx: local_extensions`` (build-only).
Sphinx loads MathJax (1.16 MB) on a page when the page has an equation *or when
any page in its table of contents has one*, which is meant for builders that put
the pages of a toctree inside the page.  The website's toctree only links to
them, so the front page, which lists every chapter, loaded MathJax without a
single formula.  This extension keeps the test to the page itself.
"""

from __future__ import annotations

from sphinx.application import Sphinx
from sphinx.domains.math import MathDomain


class PageMathDomain(MathDomain):
    """The math domain, with ``has_equations(page)`` about that page alone."""

    def has_equations(self, docname: str | None = None) -> bool:
        if docname is None:
            return super().has_equations()
        return bool(self.data["has_equations"].get(docname, False))


def setup(app: Sphinx) -> dict:
    app.add_domain(PageMathDomain, override=True)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
