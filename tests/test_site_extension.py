"""The book's Sphinx extension (book_build.site): what it removes from pages."""

from __future__ import annotations

import os
import types

from book_build import site


def _asset(filename, **attributes):
    return types.SimpleNamespace(filename=filename, attributes=attributes)


def test_thebe_and_widget_state_scripts_are_dropped_and_the_rest_kept():
    kept = [_asset("doctools.js"), _asset("book-explorer.js", defer="defer")]
    dropped = [
        _asset("sphinx-thebe.js", **{"async": "async"}),
        _asset(None, body='const THEBE_JS_URL = "https://unpkg.com/thebe"'),
        _asset(None, type="application/vnd.jupyter.widget-state+json", body="{}"),
    ]
    context = {"script_files": [*kept, *dropped], "css_files": [], "body": ""}
    site._clean_page(None, "page", "page.html", context, None)
    assert context["script_files"] == kept


def test_the_extension_names_the_switch_the_explorers_read():
    import importlib

    # the module (the package's name `explorer` is the function)
    module = importlib.import_module("book_utils.explorer")
    assert site.STATIC_ENV == module.STATIC_ENV


def test_the_extension_sets_the_static_explorer_switch(monkeypatch):
    monkeypatch.delenv(site.STATIC_ENV, raising=False)
    monkeypatch.delenv("PYTHONPATH", raising=False)
    calls = []
    app = types.SimpleNamespace(
        connect=lambda *a, **k: calls.append(a[0]),
        add_js_file=lambda *a, **k: calls.append(a[0]),
        add_css_file=lambda *a, **k: calls.append(a[0]),
    )
    site.setup(app)
    assert os.environ[site.STATIC_ENV] == "1"
    assert "book-explorer.js" in calls and "explorer.css" in calls
    # the kernels can import the static rendering from book_build
    assert str(site.ROOT) in os.environ["PYTHONPATH"].split(os.pathsep)


def test_explorer_frames_move_to_a_file_of_their_own(tmp_path):
    import base64

    data = b"frames of one layout"
    body = f'<div class="bx-figure" data-pack="{base64.b64encode(data).decode()}">'
    app = types.SimpleNamespace(outdir=str(tmp_path))
    page = site._move_packs(app, "chapters/01_x", body)
    assert "data-pack" not in page
    url = page.split('data-src="')[1].split('"')[0]
    assert url.startswith(f"../{site.PACK_DIR}/") and url.endswith(".bin")
    assert (tmp_path / "chapters" / url).resolve().read_bytes() == data
    # the same frames on another page: the same file, a path from there
    again = site._move_packs(app, "intro", body)
    assert again == page.replace("../", "")


def test_the_site_serves_the_notebook_widgets_own_front_end():
    names = {p.name for d in site.STATIC_DIRS for p in d.iterdir()}
    assert {"explorer.js", "explorer.css", "book-explorer.js", "book.css"} <= names
    page_script = (
        site.ROOT / "book_build" / "_static" / "book-explorer.js"
    ).read_text()
    assert 'import explorer from "./explorer.js"' in page_script


def test_script_files_are_deferred_and_unused_assets_dropped():
    from sphinx.builders.html._assets import _CascadingStyleSheet, _JavaScript

    scripts = [
        _JavaScript("doctools.js"),
        _JavaScript("book-explorer.js", type="module"),
        _JavaScript("mathjax.js", **{"async": "async"}),
        _JavaScript(None, body="let setting = 1;"),
        _JavaScript("design-tabs.js"),
    ]
    sheets = [
        _CascadingStyleSheet("sphinx-design.min.css"),
        _CascadingStyleSheet("a.css"),
    ]
    context = {"script_files": scripts, "css_files": sheets, "body": "<p>text</p>"}
    site._clean_page(None, "page", "page.html", context, None)
    assert [s.attributes for s in context["script_files"]] == [
        {"defer": "defer"},
        {"type": "module"},
        {"async": "async"},
        {"body": "let setting = 1;"},
    ]
    assert [c.filename for c in context["css_files"]] == ["a.css"]
    # a page that uses sphinx-design keeps its assets
    context = {
        "script_files": scripts,
        "css_files": sheets,
        "body": '<div class="sd-tab-set">',
    }
    site._clean_page(None, "page", "page.html", context, None)
    assert len(context["css_files"]) == 2 and len(context["script_files"]) == 5


def test_an_explorers_starting_frame_becomes_a_lazy_file(tmp_path):
    import base64

    data = b"webp bytes"
    body = (
        '<img class="bx-start" alt="a &gt; b" '
        f'src="data:image/webp;base64,{base64.b64encode(data).decode()}">'
    )
    app = types.SimpleNamespace(outdir=str(tmp_path))
    page = site._move_packs(app, "chapters/01_x", body)
    assert 'alt="a &gt; b" loading="lazy" src="../_explorers/' in page
    url = page.split('src="')[1].split('"')[0]
    assert (tmp_path / "chapters" / url).resolve().read_bytes() == data


def test_images_load_lazily():
    context = {
        "script_files": [],
        "css_files": [],
        "body": '<img src="a.png" alt="a"><img loading="eager" src="b.png">',
    }
    site._clean_page(types.SimpleNamespace(outdir="."), "p", "p.html", context, None)
    assert context["body"] == (
        '<img loading="lazy" src="a.png" alt="a"><img loading="eager" src="b.png">'
    )
