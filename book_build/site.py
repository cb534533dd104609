"""The book's Sphinx extension: a website that works on its own.

Listed in ``_config.yml`` under ``sphinx: extra_extensions``.  It

* sets ``BOOK_STATIC_EXPLORERS=1`` for the notebook kernels the build starts
  (and puts the repository on their ``PYTHONPATH``), so that every explorer
  adds its kernel-free HTML version to its output
  (:func:`book_build.static_explorer.static_html`);
* serves the explorers' one front-end (``book_utils/_static/explorer.{js,css}``,
  the same module the notebook widget runs) and the page script that runs it
  on the pre-rendered frames (``book_build/_static/book-explorer.js``), and
  moves each explorer
  layout's frames out of the page into a file of its own
  (``_explorers/<hash>.bin``), which the script fetches for the one layout
  a reader's screen shows (and its starting frame to a file loaded lazily);
* removes from every page what would load code from other hosts or do nothing:
  sphinx-thebe's scripts (the book does not use thebe: its library comes from
  a CDN, and the extension adds its settings twice, which throws
  ``Identifier 'THEBE_JS_URL' has already been declared`` on every page) and
  the saved ipywidgets state (the website shows the static explorers, not the
  widgets, so the state is dead weight);
* loads the page's images (figures, explorers' starting frames) lazily and
  its script files deferred, and leaves out sphinx-design's and thebe's
  assets on pages that do not use them (all pages today), so that a page
  paints and loads sooner on a slow link;
* serves ``book.css`` (book-wide contrast fixes to the theme) and drops the
  ARIA ``role="list"`` that docutils puts on a bibliography whose entries are
  not list items;
* sets a default colour mode for the theme and writes a proper ``index.html``
  redirect (with a language and a title), which the theme and
  sphinx-external-toc leave out;
* records the numerical configuration (``OPENBLAS_CORETYPE``,
  ``NPY_DISABLE_CPU_FEATURES``) each notebook the build executes ran under,
  beside the jupyter-cache, for the check of the test build's outputs
  (:mod:`book_build.nbval_build`);
* warns (an error under ``-W``) when a page would still load a script or style
  sheet from another host, or shows an explorer without its static version
  (outputs cached before the build set ``BOOK_STATIC_EXPLORERS``: run
  ``make clean``).
"""

from __future__ import annotations

import base64
import hashlib
import html
import os
import pathlib
import posixpath
import re

from sphinx.application import Sphinx
from sphinx.util import logging

from book_build import frame_cache

# book_utils.explorer.STATIC_ENV, which the kernels read (tests/test_site_extension.py
# checks the two agree): importing book_utils here would add its import, scipy's
# included (1.4 s), to every build, even one with nothing to do
STATIC_ENV = "BOOK_STATIC_EXPLORERS"

logger = logging.getLogger(__name__)

ROOT = pathlib.Path(__file__).resolve().parent.parent
#: the front-end shared with the notebook widget, and the site's own files
STATIC_DIRS = [ROOT / "book_utils" / "_static", ROOT / "book_build" / "_static"]
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
EXTERNAL = re.compile(r"^(https?:)?//", re.I)
#: An explorer layout's frames, inline in the notebook output (static_html)
PACK = re.compile(r'data-pack="([A-Za-z0-9+/=]*)"')
#: An image of the page's body that says nothing of when to load
LAZY_IMG = re.compile(r"<img (?![^>]*\bloading=)")
#: where their files go in the built site
PACK_DIR = "_explorers"
#: An explorer layout's starting frame, inline (what a page shows before its
#: script has run, or without it)
START = re.compile(
    r'<img class="bx-start" ([^>]*?)src="data:image/webp;base64,([A-Za-z0-9+/=]*)"'
)


def _move_packs(app: Sphinx, pagename: str, body: str) -> str:
    """Write every explorer layout's frames to a file of their own (named by
    their content) and point the page at it, so that a reader's browser
    downloads only the layout it shows (a phone the narrow one).  Its
    starting frame goes to a file too, loaded lazily: the page's HTML stays
    small, a layout that is not shown is never fetched, and one far below the
    screen does not hold up the load event."""

    def write(encoded: str, suffix: str) -> str:
        # the decoded bytes in a file named by their content; its URL from the page
        data = base64.b64decode(encoded)
        name = hashlib.sha1(data).hexdigest()[:16] + suffix
        target = pathlib.Path(app.outdir, PACK_DIR, name)
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        here = posixpath.dirname(pagename) or "."
        return posixpath.relpath(f"{PACK_DIR}/{name}", here)

    def move(match: re.Match) -> str:
        return f'data-src="{write(match.group(1), ".bin")}"'

    def start(match: re.Match) -> str:
        src = write(match.group(2), ".webp")
        return f'<img class="bx-start" {match.group(1)}loading="lazy" src="{src}"'

    return START.sub(start, PACK.sub(move, body))


def _configure(app: Sphinx, config) -> None:
    config.html_static_path.extend(str(d) for d in STATIC_DIRS)
    # layout.html: the page head without the search index (see there)
    config.templates_path.append(str(ROOT / "book_build" / "_templates"))
    # pydata-sphinx-theme logs a console error ("Got invalid theme mode") on a
    # reader's first visit unless a default mode is set
    config.html_context.setdefault("default_mode", "auto")


def _write_root_redirect(app: Sphinx, exception) -> None:
    """A proper page at index.html that sends readers to the root document.

    sphinx-external-toc writes a bare ``<meta http-equiv="Refresh">`` there when
    the root is not called index (ours is intro), with no language or title,
    which accessibility checkers rightly flag.  It leaves an existing file
    alone, so this runs first.
    """
    if exception is not None or app.builder.name != "html":
        return
    root = app.config.root_doc
    if root == "index":
        return
    target = html.escape(f"{root}.html")
    title = html.escape(app.config.html_title or app.config.project or root)
    lang = html.escape(app.config.language or "en")
    pathlib.Path(app.outdir, "index.html").write_text(
        f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{title}</title>\n"
        f'<meta http-equiv="Refresh" content="0; url={target}">\n</head>\n'
        f'<body><main><p><a href="{target}">{title}</a></p></main></body>\n</html>\n',
        encoding="utf8",
    )


def _is_dropped(asset) -> bool:
    filename = str(getattr(asset, "filename", "") or "")
    attributes = getattr(asset, "attributes", {}) or {}
    body = str(attributes.get("body", ""))
    return (
        filename.endswith("sphinx-thebe.js")
        or "THEBE_JS_URL" in body
        or attributes.get("type") == WIDGET_STATE
    )


#: Assets a page loads only when it uses them: (file name, what in the page
#: body uses it).  sphinx-design's (55 kB of render-blocking CSS) serves its
#: cards, tabs and grids, which no page uses today; sphinx-thebe's CSS serves
#: thebe, which the book does not use.
ONLY_WHEN_USED = [
    ("sphinx-design.min.css", re.compile(r'class="[^"]*\bsd-')),
    ("design-tabs.js", re.compile(r'class="[^"]*\bsd-tab')),
    ("sphinx-thebe.css", re.compile(r'class="[^"]*\bthebe')),
]


def _unused(asset, body: str) -> bool:
    name = posixpath.basename(str(getattr(asset, "filename", "") or ""))
    return any(name == f and not used.search(body) for f, used in ONLY_WHEN_USED)


def _deferred(asset):
    """A script file loaded with ``defer``: fetched while the page is parsed
    and run, in order, after it, instead of holding up the first paint.
    Inline scripts (settings) and modules are left alone."""
    from sphinx.builders.html._assets import _JavaScript

    attributes = getattr(asset, "attributes", None)
    if (
        not isinstance(asset, _JavaScript)
        or not asset.filename
        or attributes.get("type") == "module"
        or "async" in attributes
        or "defer" in attributes
    ):
        return asset
    return _JavaScript(
        asset.filename, priority=asset.priority, **{**attributes, "defer": "defer"}
    )


def _clean_page(app: Sphinx, pagename, templatename, context, doctree) -> None:
    body = context.get("body") or ""
    scripts = context.get("script_files")
    if scripts is not None:
        kept = [s for s in scripts if not _is_dropped(s) and not _unused(s, body)]
        # the search page's own search scripts (not deferrable: they run at
        # once) need doctools.js before them
        if pagename != "search":
            kept = [_deferred(s) for s in kept]
        context["script_files"] = kept
    if context.get("css_files") is not None:
        context["css_files"] = [c for c in context["css_files"] if not _unused(c, body)]
    for key in ("script_files", "css_files"):
        for asset in context.get(key) or []:
            filename = str(getattr(asset, "filename", asset) or "")
            if EXTERNAL.match(filename):
                logger.warning(
                    "[book_build.site] %s loads %s from another host",
                    pagename,
                    filename,
                )
    # docutils marks a bibliography role="list" but its entries are not list
    # items, which breaks the ARIA list contract (axe: aria-required-children)
    body = body.replace(
        '<div role="list" class="citation-list">', '<div class="citation-list">'
    )
    body = _move_packs(app, pagename, body)
    # figures load when a reader nears them, not before the page's load event
    body = LAZY_IMG.sub('<img loading="lazy" ', body)
    if "body" in context:
        context["body"] = body
    if "Explorer(&#39;" in body or "Explorer('" in body:
        logger.warning(
            "[book_build.site] %s shows an explorer without its static version "
            "(outputs from a cache made without %s=1: run `make clean`)",
            pagename,
            STATIC_ENV,
        )


def _cache_dir(app: Sphinx) -> pathlib.Path | None:
    config = getattr(app.env, "mystnb_config", None)
    path = getattr(config, "execution_cache_path", None)
    return pathlib.Path(path) if path else None


def _before_reading(app: Sphinx) -> None:
    from book_build.nbval_build import _records

    cache = _cache_dir(app)
    app._book_cached_before = set(_records(cache)) if cache else set()


def _record_executions(app: Sphinx, exception) -> None:
    from book_build.nbval_build import config_env, record_executions

    cache = _cache_dir(app)
    if exception is None and cache is not None:
        before = getattr(app, "_book_cached_before", set())
        record_executions(cache, before, config_env())


def setup(app: Sphinx) -> dict:
    # The kernels that execute the notebooks inherit this environment.
    os.environ[STATIC_ENV] = "1"
    # ... and keep the explorers' frames, by content, beside the jupyter-cache
    if getattr(app, "outdir", None):
        os.environ.setdefault(
            frame_cache.ENV, str(pathlib.Path(app.outdir).parent / ".frame_cache")
        )
    # ... and import the static rendering from book_build
    paths = [
        str(ROOT),
        *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep)),
    ]
    os.environ["PYTHONPATH"] = os.pathsep.join(dict.fromkeys(paths))
    app.connect("config-inited", _configure)
    app.connect("build-finished", _write_root_redirect, priority=400)
    app.connect("builder-inited", _before_reading, priority=900)
    app.connect("build-finished", _record_executions)
    app.add_js_file("book-explorer.js", type="module")
    app.add_css_file("explorer.css")
    app.add_css_file("book.css")
    app.connect("html-page-context", _clean_page)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
