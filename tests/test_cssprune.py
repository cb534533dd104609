"""The theme's style sheets pruned to the rules a page may use (book_build.cssprune)."""

from __future__ import annotations

from book_build import cssprune

CSS = """
@font-face { font-family: X; src: url(x.woff); }
:root { --pst-color: red; }
p, .unused-a { margin: 0; }
.unused-b .used { color: red; }
.used > a { color: blue; }
#used-id { color: green; }
#unused-id { color: black; }
.used:not(.unused-c) { color: teal; }
img:not(.unused-f, .unused-g) { background: white; }
.bs-tooltip-auto .tooltip-arrow { top: 0; }
html[data-theme="dark"] .used { color: white; }
@media (max-width: 600px) {
  .unused-d { display: none; }
  .used { display: block; }
}
@media print { .unused-e { display: none; } }
@keyframes spin { from { transform: rotate(0); } to { transform: rotate(1turn); } }
"""


def test_rules_naming_a_class_or_id_no_page_uses_go_and_the_rest_stay():
    out = cssprune.prune(CSS, {"used", "used-id", "tooltip-arrow"})
    for kept in (
        "@font-face",
        ":root",
        "p, .unused-a",  # one selector of the list may match: the rule stays
        ".used > a",
        "#used-id",
        ".used:not(.unused-c)",  # matches where that class is absent
        "img:not(.unused-f, .unused-g)",  # a comma inside brackets
        ".bs-tooltip-auto",  # a class Bootstrap's script builds from parts
        'html[data-theme="dark"] .used',
        "@media (max-width: 600px)",
        "@keyframes spin",
    ):
        assert kept in out, kept
    for gone in (".unused-b", "#unused-id", ".unused-d", "@media print"):
        assert gone not in out, gone
    assert "display: block" in out


def test_words_come_from_pages_and_scripts_but_not_the_search_index(tmp_path):
    (tmp_path / "_static").mkdir()
    (tmp_path / "page.html").write_text('<div class="bd-page">')
    (tmp_path / "_static" / "theme.js").write_text('el.classList.add("show")')
    (tmp_path / "_static" / "searchindex.js").write_text('"collapsing"')
    found = cssprune.words(tmp_path)
    assert {"bd-page", "show"} <= found
    assert "collapsing" not in found


def test_each_build_prunes_from_the_original_with_the_pages_as_they_are(tmp_path):
    site, originals = tmp_path / "html", tmp_path / "doctrees" / "css-originals"
    (site / "_static").mkdir(parents=True)
    sheet = site / "_static" / "theme.css"
    sheet.write_text(".a { color: red; } .b { color: blue; }")
    page = site / "page.html"
    page.write_text('<p class="a">')
    cssprune.prune_site(site, originals)
    assert ".a" in sheet.read_text() and ".b" not in sheet.read_text()
    # nothing changed: the pruned sheet is left as it is
    pruned_at = sheet.stat().st_mtime_ns
    cssprune.prune_site(site, originals)
    assert sheet.stat().st_mtime_ns == pruned_at
    # a later build (Sphinx left the pruned copy) with a page that uses .b
    page.write_text('<p class="a b">')
    cssprune.prune_site(site, originals)
    assert ".b" in sheet.read_text()
    # a theme upgrade: Sphinx copies a new original, which becomes the source
    sheet.write_text(".a { color: green; } .b { color: blue; }")
    cssprune.prune_site(site, originals)
    assert "green" in sheet.read_text()
    # the book's own style sheets are never touched
    own = site / "_static" / "book.css"
    own.write_text(".nowhere { color: red; }")
    cssprune.prune_site(site, originals)
    assert own.read_text() == ".nowhere { color: red; }"
