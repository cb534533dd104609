"""The explorers' one front-end (book_utils/_static/explorer.js) on a small
page made here, as the website runs it (book_build/_static/book-explorer.js on
frames drawn by book_build.static_explorer), without building the book: every
kind of control changes the figure, a drag on a bound panel moves its
sliders, play advances and stops at the end, the keyboard reaches every
control, and on a phone the controls stay on screen while the figure is
half scrolled away.  The same checks run on the built website
(test_site.py) and in JupyterLab (test_lab_explorers.py)."""

from __future__ import annotations

import functools
import http.server
import shutil
import threading
import types

import explorer_checks as checks
import numpy as np
import pytest

from book_build import site
from book_build.static_explorer import static_html
from book_utils import Slider, explorer

X = np.linspace(0, 1, 60)


def _setup(fig):
    ax_curve, ax_map = fig.subplots(1, 2)
    (line,) = ax_curve.plot(X, X, lw=3)
    ax_curve.set(xlim=(0, 1), ylim=(-0.1, 2.1))
    (dot,) = ax_map.plot([], [], "o", ms=12)
    ax_map.set(xlim=(-0.1, 1.1), ylim=(-0.1, 1.1))
    return {"line": line, "dot": dot, "ax_map": ax_map, "title": ax_curve.title}


def _update(state, a, b, step, seed):
    noise = np.random.default_rng(seed).normal(0, 0.1, X.size)
    state["line"].set_ydata(a * X + b * 0.5 + step * 0.1 + noise)
    state["dot"].set_data([a], [b])
    state["title"].set_text(f"a={a:.1f} b={b:.1f} step {step} sample {seed}")
    return [state["line"], state["dot"], state["title"]]


def _page_explorer():
    return explorer(
        _setup,
        _update,
        [
            Slider("a", np.round(np.linspace(0, 1, 4), 2), value=0.67, label="slope a"),
            Slider("b", np.round(np.linspace(0, 1, 4), 2), value=0.33, label="shift b"),
            Slider("step", range(4), value=0, label="step", play=True),
            Slider("seed", range(2), value=0, label="sample", sample=True),
        ],
        title="A test explorer",
        alt="a line and a dot",
        figsize=(7.0, 3.0),
        points={"corner": {"a": 1.0, "b": 1.0}},
        drag=("ax_map", "a", "b"),
    )


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def page_url(tmp_path_factory):
    root = tmp_path_factory.mktemp("explorer-page")
    static = root / "_static"
    static.mkdir()
    for folder in site.STATIC_DIRS:
        for path in folder.iterdir():
            shutil.copy(path, static / path.name)
    app = types.SimpleNamespace(outdir=str(root))
    body = site._move_packs(app, "page", static_html(_page_explorer()))
    filler = "<p>" + "Text. " * 400 + "</p>"
    (root / "page.html").write_text(
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<title>explorer</title><link rel="icon" href="data:,">'
        '<link rel="stylesheet" href="_static/explorer.css">'
        '<script type="module" src="_static/book-explorer.js"></script></head>'
        f"<body><main>{filler}{body}{filler}{filler}</main></body></html>"
    )
    handler = functools.partial(
        http.server.SimpleHTTPRequestHandler, directory=str(root)
    )
    handler.log_message = lambda *a: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/page.html"
    server.shutdown()
    server.server_close()


@pytest.fixture
def explorer_page(browser, page_url):
    contexts = []

    def _open(width=1280, height=900):
        context = browser.new_context(
            viewport={"width": width, "height": height}, device_scale_factor=2
        )
        contexts.append(context)
        page = context.new_page()
        errors = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("console", lambda m: m.type == "error" and errors.append(m.text))
        page.goto(page_url)
        root = page.locator("figure.bx")
        root.scroll_into_view_if_needed()
        page.wait_for_selector("figure.bx.bx-live", timeout=20_000)
        return page, root, errors

    yield _open
    for context in contexts:
        context.close()


def test_every_control_changes_the_figure(explorer_page):
    page, root, errors = explorer_page()
    checks.check_slider_keyboard(page, root)
    checks.check_points(page, root)
    checks.check_new_sample(page, root)
    checks.check_step_and_play(page, root)
    assert errors == []


def test_a_drag_on_the_bound_panel_moves_both_sliders(explorer_page):
    page, root, errors = explorer_page()
    before, after = checks.check_drag(page, root)
    assert before[0] != after[0] and before[1] != after[1]
    assert after[0] > before[0] and after[1] > before[1]  # dragged right and up
    assert errors == []


def test_the_keyboard_reaches_every_control(explorer_page):
    page, root, errors = explorer_page()
    checks.check_keyboard_reaches_every_control(page, root)


def test_controls_stay_on_a_phone_screen(explorer_page):
    page, root, errors = explorer_page(390, 844)
    checks.check_sticky(page, root)
    assert errors == []
