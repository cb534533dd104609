"""The explorers' text cache (book_utils/_glyphs.py) draws exactly what
matplotlib's own Agg renderer draws, pixel for pixel."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
from matplotlib.figure import Figure

from book_utils import _glyphs
from book_utils._drawing import Drawing

PHRASES = ["odds 0.0498 → 0.135", "ratio 2.72", "β1 = −1.5", "AVAST Wa.", "n = 1,000"]


def _figure(canvas_class, k: int):
    """A figure with many kinds of text, moved by ``k`` (so that glyphs fall
    at many fractions of a pixel)."""
    fig = Figure(figsize=(4.1, 3.3), dpi=96 + k % 3 * 41)
    canvas_class(fig)
    ax = fig.subplots()
    ax.set(xlim=(0, 1), ylim=(0, 1), title=f"σ({k} + 0.{k}x)")
    ax.set_xlabel(rf"input $x_{{{k}}}$, $\sqrt{{\beta}}$")
    ax.set_ylabel(f"rotated {k / 7:.4f}")
    for j, phrase in enumerate(PHRASES):
        ax.text(
            0.013 * k + 0.05,
            0.17 * j + 0.0037 * k,
            f"{phrase} {k}",
            fontsize=7 + j * 1.7,
            rotation=(0, 30, 0, 90, 0)[j],
            ha=("left", "center", "right", "left", "center")[j],
            color=("k", "C1", "C2", "C3", "0.4")[j],
            alpha=(1, 1, 0.6, 1, 1)[j],
        )
    fig.text(0.5, 0.01, f"bold {k}", weight="bold", antialiased=k % 2 == 0)
    fig.canvas.draw()
    return np.asarray(fig.canvas.buffer_rgba()).copy()


def test_the_cache_is_in_use():
    assert _glyphs.renderer_class() is _glyphs.CachingRenderer


@pytest.mark.parametrize("version", ["3.10.8", "3.12.0", "4.0.0"])
def test_another_matplotlib_release_draws_with_its_own_renderer(monkeypatch, version):
    # the cache copies 3.11's text loop; other releases must not use it
    monkeypatch.setattr(_glyphs.matplotlib, "__version__", version)
    assert _glyphs.renderer_class() is RendererAgg


@pytest.mark.parametrize("k", range(12))
def test_cached_text_is_pixel_identical_to_matplotlib(k):
    plain = _figure(FigureCanvasAgg, k)
    first = _figure(_glyphs.CachingCanvas, k)  # fills the caches
    again = _figure(_glyphs.CachingCanvas, k)  # draws from them
    assert plain.shape == first.shape
    assert np.array_equal(first, plain)
    assert np.array_equal(again, plain)
    assert (plain[..., :3] < 128).any()  # something was drawn


def _setup(fig):
    ax = fig.subplots()
    ax.set(xlim=(0, 1), ylim=(0, 1))
    text = ax.text(0.1, 0.5, "", fontsize=11)
    return {"text": text, "ax": ax}


def _update(state, a):
    state["text"].set_text(f"x = {a:.3f} → odds {a / (1.5 - a):.4g}, ratio {a:.2f}")
    state["ax"].title.set_text(f"slope β1 = {a:g}")
    return [state["text"], state["ax"].title]


def test_an_explorer_frame_is_the_same_with_the_cache(monkeypatch):
    # (how much quicker it is, `make bench ONLY=explorers` measures)
    values = [round(v, 3) for v in np.linspace(0.01, 0.99, 40)]
    cached = Drawing(_setup, _update, {"a": 0.5}, (5, 3), 96)
    with monkeypatch.context() as m:
        m.setattr(_glyphs, "renderer_class", lambda: RendererAgg)
        plain = Drawing(_setup, _update, {"a": 0.5}, (5, 3), 96)
    assert type(plain.canvas.get_renderer()) is RendererAgg
    assert type(cached.canvas.get_renderer()) is _glyphs.CachingRenderer
    for a in values:
        assert np.array_equal(cached.render({"a": a}), plain.render({"a": a})), a


def test_the_cache_survives_matplotlib_dropping_its_fonts():
    # matplotlib's font cache empties itself in a forked process (the book
    # build draws frames in one) and may drop fonts at any time: the cache
    # must not keep using the dropped font objects
    import gc

    from matplotlib import font_manager

    expected = _figure(FigureCanvasAgg, 3)
    assert np.array_equal(_figure(_glyphs.CachingCanvas, 3), expected)
    font_manager._get_font.cache_clear()
    gc.collect()
    assert np.array_equal(_figure(_glyphs.CachingCanvas, 3), expected)
