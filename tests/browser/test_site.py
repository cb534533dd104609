"""The built website works on its own, in a real browser (headless Chromium).

For every page of ``_build/html``: no request to any other host, no JavaScript
error, the maths typeset by the site's own MathJax, no serious or critical
axe-core violation, and the page's own content (HTML and images, without the
theme's shared assets) at most 2 MB.  For every explorer slider: labelled,
keyboard-operable, and moving it changes the figure within one animation
frame.  Needs the built book (``make book``) and Chromium (see conftest.py).
"""

from __future__ import annotations

import pathlib
import re
import urllib.parse

import pytest
from axe_playwright_python.base import AXE_FILE_PATH
from sitetools import REPORT, SITE, redirect_target, site_pages, toc_files

PAGES = site_pages()
MAX_OWN_BYTES = 2_000_000
FRAME_MS = 16.0
# files every page shares (the theme, MathJax, the explorer script, search)
SHARED = ("_static/", "searchindex.js")


def test_the_site_is_built_with_every_toc_page():
    assert PAGES, f"no pages in {SITE}: run `make book` first"
    for entry in toc_files():
        assert f"{entry}.html" in PAGES, f"{entry} from _toc.yml was not built"


@pytest.mark.parametrize("path", [p for p in PAGES if redirect_target(p)])
def test_redirect_pages_have_a_language_a_title_and_a_link(path):
    text = (SITE / path).read_text()
    target = redirect_target(path)
    assert (SITE / target).is_file(), f"{path} redirects to a missing {target}"
    assert re.search(r"<html[^>]*\slang=\"\w", text), f"{path} has no lang"
    assert re.search(r"<title>[^<]+</title>", text), f"{path} has no title"
    assert "<a href=" in text, f"{path} has no link for readers without redirects"


def _own_bytes(page_path: str, requested: list[str]) -> int:
    files = {page_path} | {
        urllib.parse.unquote(p) for p in requested if not p.startswith(SHARED)
    }
    total = 0
    for rel in files:
        path = SITE / rel
        if path.is_dir():
            path = path / "index.html"
        if path.is_file():
            total += path.stat().st_size
    return total


@pytest.mark.parametrize("path", PAGES)
def test_page_is_self_contained_and_error_free(open_page, path):
    page, log = open_page(path)
    assert log.foreign == [], f"{path} requested other hosts: {log.foreign}"
    assert log.errors == [], f"{path} logged errors: {log.errors}"

    maths = page.evaluate(
        """() => {
            const blocks = Array.from(document.querySelectorAll('span.math, div.math'));
            return {
                blocks: blocks.length,
                typeset: blocks.filter(b => b.querySelector('mjx-container')).length,
                raw: blocks.filter(b => /\\\\\\(|\\\\\\[/.test(
                    Array.from(b.childNodes).filter(n => n.nodeType === 3)
                        .map(n => n.textContent).join(''))).length,
                containers: document.querySelectorAll('mjx-container').length,
            };
        }"""
    )
    if maths["blocks"]:
        assert maths["containers"] > 0, f"{path}: maths was not typeset"
        assert maths["typeset"] == maths["blocks"], f"{path}: {maths}"
        assert maths["raw"] == 0, f"{path}: raw TeX left on the page: {maths}"

    weight = _own_bytes(path, log.site)
    REPORT.setdefault(path, {})["weight"] = weight
    assert weight <= MAX_OWN_BYTES, f"{path}: own content {weight / 1e6:.2f} MB"


@pytest.mark.parametrize("path", PAGES)
def test_page_has_no_serious_accessibility_violation(open_page, path):
    page, _ = open_page(path)
    page.add_script_tag(content=pathlib.Path(AXE_FILE_PATH).read_text())
    violations = page.evaluate(
        """async () => {
            const r = await axe.run(document, {resultTypes: ['violations']});
            return r.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                where: v.nodes.slice(0, 3).map(n => n.target.join(' ')),
            }));
        }"""
    )
    bad = [v for v in violations if v["impact"] in ("serious", "critical")]
    assert bad == [], f"{path}: axe-core found {bad}"


TIMING_HOOKS = """() => {
    window.__bxTimes = [];
    document.addEventListener('input', () => { window.__bxT0 = performance.now(); }, true);
    document.addEventListener('input', (event) => {
        const fig = event.target.closest('figure.bx');
        if (!fig) return;
        const img = fig.querySelector('img.bx-sheet.bx-on');
        // flush style and layout: the new frame is ready to paint
        getComputedStyle(img).transform;
        img.getBoundingClientRect();
        const t0 = window.__bxT0, ready = performance.now();
        const decoded = img.complete && img.naturalWidth > 0;
        requestAnimationFrame(() => window.__bxTimes.push({
            update: ready - t0, frame: performance.now() - t0, decoded,
        }));
    }, false);
}"""

NEXT_FRAMES = (
    "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"
)


@pytest.mark.parametrize("path", PAGES)
def test_every_slider_moves_its_figure_at_once(open_page, path):
    page, log = open_page(path)
    page.evaluate(TIMING_HOOKS)
    sliders = page.locator("figure.bx input.bx-range")
    count = sliders.count()
    row = REPORT.setdefault(path, {})
    row["sliders"] = count
    slowest = 0.0
    for i in range(count):
        slider = sliders.nth(i)
        sid = slider.get_attribute("id")
        figure = page.locator("figure.bx", has=page.locator(f"#{sid}"))
        box = figure.locator(".bx-figure")
        labels = slider.evaluate("el => Array.from(el.labels).map(l => l.textContent)")
        assert labels and labels[0].strip(), f"{path}: slider {sid} has no label"
        output = page.locator(f"#{sid}-value")
        assert slider.get_attribute("aria-valuetext") == output.text_content()
        alt = figure.locator("img.bx-sheet.bx-on").get_attribute("alt")
        assert alt and alt.strip(), f"{path}: the figure of {sid} has no alt text"

        box.scroll_into_view_if_needed()
        page.evaluate(NEXT_FRAMES)
        before = box.screenshot()
        value, top = int(slider.input_value()), int(slider.get_attribute("max"))
        slider.focus()
        page.keyboard.press("ArrowRight" if value < top else "ArrowLeft")
        page.evaluate(NEXT_FRAMES)
        moved = int(slider.input_value())
        assert moved != value, f"{path}: the keyboard did not move slider {sid}"
        text = slider.get_attribute("aria-valuetext")
        assert text == output.text_content(), f"{path}: {sid} read-out out of date"
        assert box.screenshot() != before, (
            f"{path}: moving {sid} left the figure as it was"
        )
        # the far ends too (these switch sprite sheets for most sliders)
        for key in ("End", "Home", "End"):
            page.keyboard.press(key)
            page.evaluate(NEXT_FRAMES)
    times = page.evaluate("window.__bxTimes")
    assert len(times) >= count, (
        f"{path}: {len(times)} updates timed for {count} sliders"
    )
    for t in times:
        assert t["decoded"], f"{path}: a frame was not decoded when shown: {t}"
        slowest = max(slowest, t["update"])
    if count:
        row["slowest_ms"] = slowest
        row["slowest_frame_ms"] = max(t["frame"] for t in times)
    assert slowest <= FRAME_MS, f"{path}: a slider update took {slowest:.1f} ms"
    assert log.errors == [], f"{path} logged errors: {log.errors}"
