"""The explorers' frame cache (book_build/frame_cache.py): the key changes with
anything that changes the picture, and only a cached explorer is not drawn."""

from __future__ import annotations

import numpy as np
import pytest

import book_build.frame_cache as fc
import book_build.static_explorer as se
import book_utils as bu

X = np.linspace(0.0, 1.0, 20)


def scale(v):
    return X * v


def make(points=None, title="cache test", grid=(1.0, 2.0)):
    def setup(fig):
        ax = fig.subplots()
        (line,) = ax.plot(X, X)
        ax.set_ylim(0, 3)
        return {"line": line}

    def update(state, a):
        state["line"].set_ydata(scale(a))
        return [state["line"]]

    return bu.explorer(
        setup, update, [bu.Slider("a", list(grid))], title=title, alt="a line"
    )


@pytest.fixture(autouse=True)
def notebook_module(monkeypatch):
    """This module stands for a notebook (``__main__`` in a kernel): its
    functions are fingerprinted by content."""
    monkeypatch.setattr(fc, "OWN_MODULES", (*fc.OWN_MODULES, __name__))


def test_same_content_same_key():
    assert fc.key(make()) is not None
    # a second explorer with the same content in one kernel gets another id,
    # hence another key; the same explorer keeps its key
    e = make()
    assert fc.key(e) == fc.key(e)


def test_key_follows_the_data_the_functions_read(monkeypatch):
    e = make()
    before = fc.key(e)
    old = X[3]
    X[3] = 2.0  # a global array the helper reads
    try:
        assert fc.key(e) != before
    finally:
        X[3] = old
    assert fc.key(e) == before


def test_key_follows_a_helper_s_code(monkeypatch):
    e = make()
    before = fc.key(e)
    monkeypatch.setitem(globals(), "scale", lambda v: X * v * 1.0)
    assert fc.key(e) != before


def test_key_follows_closures_sliders_and_sources(monkeypatch):
    a, b = make(grid=(1.0, 2.0)), make(grid=(1.0, 3.0))
    assert fc.key(a) != fc.key(b)
    before = fc.key(a)
    monkeypatch.setattr(fc, "SOURCES", fc.SOURCES[:-1])  # a source file less
    assert fc.key(a) != before


def test_key_follows_rcparams():
    import matplotlib

    e = make()
    before = fc.key(e)
    with matplotlib.rc_context({"lines.linewidth": 7}):
        assert fc.key(e) != before


def test_the_key_covers_the_drawing_code():
    names = {p.name for p in fc.SOURCES}
    assert {"frames.py", "static_explorer.py", "_drawing.py", "explorer.py"} <= names


def test_an_unpicklable_value_means_no_cache():
    import threading

    lock = threading.Lock()

    def setup(fig):
        ax = fig.subplots()
        return {"line": ax.plot([0, 1])[0], "lock": lock}

    def update(state, a):
        with lock:
            state["line"].set_ydata([0, a])
        return [state["line"]]

    e = bu.explorer(setup, update, [bu.Slider("a", [1, 2])], title="lock", alt="x")
    assert fc.key(e) is None


def test_a_cached_explorer_is_not_drawn_again(tmp_path, monkeypatch):
    monkeypatch.setenv(fc.ENV, str(tmp_path))
    e = make(title="cached")
    html = se.static_html(e)
    assert len(list(tmp_path.glob("*.html"))) == 1
    del e._static_html

    def fail(*args):
        raise AssertionError("drawn again")

    monkeypatch.setattr(se, "_packed", fail)
    assert se.static_html(e) == html
    old = X[0]
    X[0] = 0.5  # new content: drawn again
    try:
        del e._static_html
        with pytest.raises((AssertionError, RuntimeError)):
            se.static_html(e)
    finally:
        X[0] = old


def test_no_cache_without_its_directory(monkeypatch):
    monkeypatch.delenv(fc.ENV, raising=False)
    assert fc.load(make()) == (None, None)
