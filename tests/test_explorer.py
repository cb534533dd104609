"""The explorer helper: a figure that is a pure function of the slider values."""

from __future__ import annotations

import importlib

import numpy as np
import pytest

from book_utils import Explorer, Slider, explorer

X = np.linspace(0, 1, 50)


def setup(fig):
    ax = fig.subplots()
    (line,) = ax.plot(X, X)
    ax.set(xlim=(0, 1), ylim=(0, 2))
    return {"line": line, "ax": ax}


def update(state, a, b):
    state["line"].set_ydata(a * X + b)
    state["ax"].title.set_text(f"a={a}, b={b}")
    return [state["line"], state["ax"].title]


def make() -> Explorer:
    return explorer(
        setup,
        update,
        [Slider("a", [0.0, 0.5, 1.0], value=0.5), Slider("b", [0.0, 1.0], value=0.0)],
        title="line",
        alt="a line",
    )


def test_moving_a_slider_changes_the_figure():
    e = make()
    assert not np.array_equal(e.render_rgba(a=0.0), e.render_rgba(a=1.0))


def test_the_figure_depends_only_on_the_values_not_the_order():
    e = make()
    first = e.render_rgba(a=1.0, b=1.0)
    e.render_rgba(a=0.0, b=0.0)
    e.render_rgba(b=1.0)
    assert np.array_equal(e.render_rgba(a=1.0, b=1.0), first)
    # and a second, fresh explorer draws the very same pixels
    assert np.array_equal(make().render_rgba(a=1.0, b=1.0), first)


def test_default_values_and_grid():
    e = make()
    assert e.defaults == {"a": 0.5, "b": 0.0}
    assert len(list(e.grid())) == 6
    assert np.array_equal(e.render_rgba(), e.render_rgba(a=0.5, b=0.0))


def test_png_is_a_png():
    assert make().render_png(a=1.0).startswith(b"\x89PNG\r\n\x1a\n")


@pytest.mark.parametrize(
    "kwargs, message",
    [({"a": 0.25}, "not a value of slider 'a'"), ({"c": 1.0}, "unknown slider")],
)
def test_values_off_the_grid_are_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        make().render_rgba(**kwargs)


@pytest.mark.parametrize(
    "args, message",
    [
        (("x", [1.0]), "at least two values"),
        (("x", [1.0, 1.0]), "repeated values"),
        (("x", [1.0, 2.0], 3.0), "not one of its values"),
        (("not a name", [1.0, 2.0]), "identifier"),
    ],
)
def test_bad_sliders_are_refused(args, message):
    with pytest.raises(ValueError, match=message):
        Slider(*args)


def test_update_must_return_its_artists():
    with pytest.raises(ValueError, match="must return the artists"):
        explorer(setup, lambda state, a: [], [Slider("a", [0, 1])], title="t", alt="t")


def test_live_widget_has_one_labelled_slider_per_parameter_and_redraws():
    e = make()
    box = e.widget
    sliders, image = box.children[:-1], box.children[-1]
    assert [s.description for s in sliders] == ["a", "b"]
    before = image.value
    sliders[0].value = 1.0
    assert image.value != before
    assert image.value == e.render_png(a=1.0, b=0.0)


def test_notebook_output_is_short_and_stable():
    bundle = make()._repr_mimebundle_()
    assert bundle["text/plain"] == "Explorer('line'; a in [0, 1], b in [0, 1])"
    assert "application/vnd.jupyter.widget-view+json" in bundle


# --- the kernel-free HTML version for the website ---------------------------


def _static_parts(html_text: str) -> dict:
    import re

    return {
        "inputs": re.findall(r"<input [^>]*>", html_text),
        "labels": re.findall(r'<label for="([^"]+)">([^<]*)</label>', html_text),
        "outputs": re.findall(
            r'<output for="([^"]+)"[^>]*>([^<]*)</output>', html_text
        ),
        "images": re.findall(r"<img [^>]*>", html_text),
        "ids": re.findall(r'\sid="([^"]+)"', html_text),
    }


def _frame(png: bytes, cols: int, rows: int, position: int) -> np.ndarray:
    import io

    from PIL import Image

    sheet = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))
    h, w = sheet.shape[0] // rows, sheet.shape[1] // cols
    r, c = divmod(position, cols)
    return sheet[r * h : (r + 1) * h, c * w : (c + 1) * w]


def test_sprites_hold_one_frame_per_grid_point_drawn_by_update():
    e = make()
    axis, cols, rows, pngs = e.sprites()
    assert e.sliders[axis].name == "a"  # the slider with the most values
    assert len(pngs) == len(e.sliders[1].grid)  # one sheet per value of b
    assert cols * rows >= len(e.sliders[0].grid)
    for sheet, b in enumerate(e.sliders[1].grid):
        for position, a in enumerate(e.sliders[0].grid):
            exact = e.render_rgba(a=a, b=b)[..., :3].astype(int)
            shown = _frame(pngs[sheet], cols, rows, position).astype(int)
            assert shown.shape == exact.shape
            # a shared palette of 128 colours: close, and exact where flat
            assert np.abs(shown - exact).mean() < 1.0
            assert (shown[0, 0] == exact[0, 0]).all()
    # and every frame differs from the others, as the figures do
    frames = {
        _frame(pngs[s], cols, rows, p).tobytes()
        for s in range(len(pngs))
        for p in range(len(e.sliders[0].grid))
    }
    assert len(frames) == len(list(e.grid()))


def test_long_sliders_wrap_onto_rows_of_the_sheet():
    e = explorer(
        setup,
        update,
        [Slider("a", np.round(np.linspace(0, 1, 30), 3)), Slider("b", [0.0, 1.0])],
        title="wrapped",
        alt="a line",
    )
    # 672-pixel frames: at most 24 fit in 16384 pixels, so 30 take two rows
    axis, cols, rows, pngs = e.sprites()
    assert (axis, cols, rows, len(pngs)) == (0, 15, 2, 2)


def test_static_html_is_deterministic(monkeypatch):
    import re

    module = importlib.import_module("book_utils.explorer")

    monkeypatch.setattr(module, "_ids_used", {})  # a fresh kernel
    first = make().static_html()
    monkeypatch.setattr(module, "_ids_used", {})  # a rebuild: another fresh kernel
    assert make().static_html() == first
    # a second explorer with the same title in one kernel gets its own ids
    second = make().static_html()
    uid = re.search(r'<figure class="bx" id="([^"]+)"', first).group(1)
    assert f'id="{uid}-2"' in second
    assert second.replace(f"{uid}-2", uid) == first


def test_static_html_has_labelled_sliders_readouts_and_alt_text():
    e = make()
    parts = _static_parts(e.static_html())
    assert len(parts["inputs"]) == 2
    for s, tag in zip(e.sliders, parts["inputs"], strict=True):
        assert 'type="range"' in tag
        assert f'max="{len(s.grid) - 1}"' in tag
        assert f'value="{s.grid.index(s.value)}"' in tag
        assert f'aria-valuetext="{s.text(s.value)}"' in tag
    assert [label for _, label in parts["labels"]] == ["a", "b"]
    assert [value for _, value in parts["outputs"]] == ["0.5", "0"]
    input_ids = [t.split(' id="')[1].split('"')[0] for t in parts["inputs"]]
    assert [f for f, _ in parts["labels"]] == input_ids
    assert [f for f, _ in parts["outputs"]] == input_ids
    assert len(parts["images"]) == 2  # one sheet per value of b
    assert all('alt="a line"' in img for img in parts["images"])
    assert sum("bx-on" in img for img in parts["images"]) == 1
    assert len(set(parts["ids"])) == len(parts["ids"])
    assert "<script" not in e.static_html()  # one shared script serves the site


def test_static_html_only_in_the_book_build(monkeypatch):
    monkeypatch.delenv("BOOK_STATIC_EXPLORERS", raising=False)
    assert "text/html" not in make()._repr_mimebundle_()
    monkeypatch.setenv("BOOK_STATIC_EXPLORERS", "1")
    bundle = make()._repr_mimebundle_()
    assert bundle["text/html"].startswith('<figure class="bx"')
    assert "application/vnd.jupyter.widget-view+json" in bundle  # JupyterLab's view
    assert bundle["text/plain"] == "Explorer('line'; a in [0, 1], b in [0, 1])"
