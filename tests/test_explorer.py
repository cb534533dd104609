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


def _compose(packed: dict, sheet: int, frame: int) -> np.ndarray:
    """What the page's script draws: background, then sheet, then frame, each
    box of a layer from its place in the layer's image."""
    import io

    from PIL import Image

    w, h = packed["size"]
    out = np.zeros((h, w, 3), dtype=np.uint8)
    for boxes, data in (
        packed["background"],
        packed["sheets"][sheet],
        packed["frames"][frame],
    ):
        if not boxes:
            continue
        picture = np.asarray(Image.open(io.BytesIO(data)).convert("RGBA"))
        top = 0
        for x, y, bw, bh in boxes:
            part = picture[top : top + bh, :bw]
            region = out[y : y + bh, x : x + bw]
            out[y : y + bh, x : x + bw] = np.where(
                part[..., 3:] > 0, part[..., :3], region
            )
            top += bh
    return out


def test_layers_rebuild_every_frame_drawn_by_update():
    e = make()
    drawing = e.layouts()["wide"]
    packed = e.frames(drawing)
    assert e.sliders[packed["axis"]].name == "a"  # the slider with the most values
    assert len(packed["sheets"]) == len(e.sliders[1].grid)  # one per value of b
    assert len(packed["frames"]) == len(list(e.grid()))
    shown = set()
    for k, values in enumerate(e.grid()):
        exact = drawing.render(values)[..., :3].astype(int)
        sheet = e.sliders[1].grid.index(values["b"])
        picture = _compose(packed, sheet, k).astype(int)
        assert picture.shape == exact.shape
        # a shared palette of 255 colours: close, and exact where flat
        assert np.abs(picture - exact).mean() < 1.0
        assert (picture[0, 0] == exact[0, 0]).all()
        shown.add(picture.tobytes())
    assert len(shown) == len(list(e.grid()))  # every frame differs, as the figures do


def test_website_frames_are_drawn_at_twice_the_css_density():
    e = make()
    w, h = e.frames(e.layouts()["wide"])["size"]
    assert (w, h) == (int(7.0 * 192), int(3.4 * 192))  # matplotlib truncates


def _two_panels(fig):
    left, right = fig.subplots(1, 2)
    (line,) = right.plot(X, X)
    left.set_title("left")
    return {"line": line, "left": left, "right": right}


def _move(state, a):
    state["line"].set_ydata(a * X)
    return [state["line"]]


def test_the_narrow_layout_stacks_side_by_side_panels():
    e = explorer(_two_panels, _move, [Slider("a", [0.0, 1.0])], title="two", alt="t")
    layouts = e.layouts()
    assert set(layouts) == {"wide", "narrow"}
    wide, narrow = (layouts[k].state for k in ("wide", "narrow"))
    a, b = (wide[k].get_position() for k in ("left", "right"))
    assert b.x0 > a.x1  # side by side
    a, b = (narrow[k].get_position() for k in ("left", "right"))
    assert b.y1 < a.y0  # one above the other
    w, h = layouts["narrow"].fig.get_size_inches()
    assert w == pytest.approx(3.6) and h == pytest.approx(2 * 3.4)
    # the smallest text (tick labels at the default 10 pt) is known for the page
    assert layouts["narrow"].smallest_text_pt > 0


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
    # the starting frame of the wide and of the narrow layout, with the alt text
    assert len(parts["images"]) == 2
    assert all('alt="a line"' in img for img in parts["images"])
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
