"""The explorer helper: a figure that is a pure function of the slider values."""

from __future__ import annotations

import importlib

import numpy as np
import pytest

from book_build.frames import frames
from book_build.static_explorer import layouts, static_html
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


def _composed(widget) -> np.ndarray:
    """What the notebook front-end draws: the still picture, then the patches."""
    import io

    from PIL import Image

    out = np.asarray(Image.open(io.BytesIO(widget.still)).convert("RGB")).copy()
    for x, y, data in widget.patches:
        part = np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))
        out[y : y + part.shape[0], x : x + part.shape[1]] = part
    return out


def test_live_widget_describes_its_sliders_and_redraws_on_a_new_index():
    e = make()
    widget = e.widget
    spec = widget.spec
    assert [s["label"] for s in spec["sliders"]] == ["a", "b"]
    assert spec["sliders"][0]["texts"] == ["0", "0.5", "1"]
    assert widget.index == [1, 0] == spec["start"]
    assert np.array_equal(_composed(widget), e.render_rgba()[..., :3])
    before = widget.patches
    widget.index = [2, 1]  # what the front-end does when a slider moves
    assert widget.patches != before
    assert np.array_equal(_composed(widget), e.render_rgba(a=1.0, b=1.0)[..., :3])
    with pytest.raises(ValueError, match="off the grid"):
        e.values_at([3, 0])


def test_the_widget_runs_the_one_front_end_module():
    from book_utils._widget import STATIC, ExplorerWidget

    source = (STATIC / "explorer.js").read_text()
    assert "export default { render }" in source
    assert str(ExplorerWidget._esm) == source  # the file, as anywidget reads it


def test_named_points_fixed_and_computed():
    e = explorer(
        setup,
        update,
        [Slider("a", [0.0, 0.5, 1.0]), Slider("b", [0.0, 1.0], value=0.0)],
        title="points",
        alt="t",
        points={"top": {"a": 0.9}, "swap": lambda a, b: {"a": b, "b": 1.0 - b}},
    )
    top, swap = e.spec()["points"]
    assert top == {"label": "top", "at": [2, None]}  # 0.9 snaps to 1.0; b untouched
    # from every grid point (a, b), row-major, to (b, 1 - b): flat index 2 ia + ib
    assert swap["to"] == [1, 4, 1, 4, 1, 4]
    with pytest.raises(ValueError, match="unknown slider"):
        explorer(setup, update, e.sliders, title="t", alt="t", points={"x": {"c": 1}})


def test_a_bound_panel_maps_each_grid_value_to_its_pixel():
    e = explorer(
        setup,
        update,
        [Slider("a", [0.0, 0.5, 1.0]), Slider("b", [0.0, 1.0, 2.0])],
        title="drag",
        alt="t",
        drag=("ax", "a", "b"),
    )
    (panel,) = e.geometry()["panels"]
    assert (panel["x"], panel["y"]) == (0, 1)
    ax = e._live.state["ax"]
    h = e.geometry()["size"][1]
    for a, px in zip((0.0, 0.5, 1.0), panel["xs"], strict=True):
        assert ax.transData.transform((a, 0))[0] == pytest.approx(px)
    for b, py in zip((0.0, 1.0, 2.0), panel["ys"], strict=True):
        assert h - ax.transData.transform((0, b))[1] == pytest.approx(py)
    x0, y0, x1, y1 = panel["box"]
    assert x0 <= min(panel["xs"]) and max(panel["xs"]) <= x1
    assert y0 <= min(panel["ys"]) and max(panel["ys"]) <= y1
    with pytest.raises(ValueError, match="is not a slider"):
        explorer(setup, update, e.sliders, title="t", alt="t", drag=("ax", "c"))
    with pytest.raises(ValueError, match="the Axes to drag on"):
        explorer(setup, update, e.sliders, title="t", alt="t", drag=("line", "a"))


def test_play_and_sample_flags():
    spec = explorer(
        setup,
        update,
        [Slider("a", [0.0, 1.0], play=True), Slider("b", [0.0, 1.0], sample=True)],
        title="flags",
        alt="t",
    ).spec()
    assert [(s["play"], s["sample"]) for s in spec["sliders"]] == [
        (True, False),
        (False, True),
    ]
    with pytest.raises(ValueError, match="play or sample"):
        Slider("a", [0, 1], play=True, sample=True)


def test_notebook_output_is_short_and_stable():
    bundle = make()._repr_mimebundle_()
    assert bundle["text/plain"] == "Explorer('line'; a in [0, 1], b in [0, 1])"
    assert "application/vnd.jupyter.widget-view+json" in bundle


# --- the kernel-free HTML version for the website ---------------------------


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
    drawing = layouts(e)["wide"]
    packed = frames(e, drawing)
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
    w, h = frames(e, layouts(e)["wide"])["size"]
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
    drawn = layouts(e)
    assert set(drawn) == {"wide", "narrow"}
    wide, narrow = (drawn[k].state for k in ("wide", "narrow"))
    a, b = (wide[k].get_position() for k in ("left", "right"))
    assert b.x0 > a.x1  # side by side
    a, b = (narrow[k].get_position() for k in ("left", "right"))
    assert b.y1 < a.y0  # one above the other
    w, h = drawn["narrow"].fig.get_size_inches()
    assert w == pytest.approx(3.6) and h == pytest.approx(2 * 3.4)
    # the smallest text (tick labels at the default 10 pt) is known for the page
    from book_build.static_explorer import smallest_text_pt

    assert smallest_text_pt(drawn["narrow"]) > 0


def test_static_html_is_deterministic(monkeypatch):
    import re

    module = importlib.import_module("book_utils.explorer")

    monkeypatch.setattr(module, "_ids_used", {})  # a fresh kernel
    first = static_html(make())
    monkeypatch.setattr(module, "_ids_used", {})  # a rebuild: another fresh kernel
    assert static_html(make()) == first
    # a second explorer with the same title in one kernel gets its own ids
    second = static_html(make())
    uid = re.search(r'<figure class="bx" id="([^"]+)"', first).group(1)
    assert f'id="{uid}-2"' in second
    assert second.replace(f"{uid}-2", uid) == first


def test_static_html_carries_the_spec_each_layout_and_the_alt_text():
    import html
    import json
    import re

    e = make()
    page = static_html(e)
    spec = json.loads(html.unescape(re.search(r'data-spec="([^"]*)"', page).group(1)))
    assert spec == json.loads(json.dumps(e.spec()))
    images = re.findall(r"<img [^>]*>", page)
    # the starting frame of the wide and of the narrow layout, with the alt text
    assert len(images) == 2
    assert all('alt="a line"' in img for img in images)
    geometries = re.findall(r'data-geometry="([^"]*)"', page)
    assert [json.loads(html.unescape(g))["size"] for g in geometries] == [
        [int(7.0 * 192), int(3.4 * 192)],
        [int(3.6 * 192), int(3.4 * 192)],
    ]
    assert "<script" not in page  # one shared script serves the site


def test_static_html_only_in_the_book_build(monkeypatch):
    monkeypatch.delenv("BOOK_STATIC_EXPLORERS", raising=False)
    assert "text/html" not in make()._repr_mimebundle_()
    monkeypatch.setenv("BOOK_STATIC_EXPLORERS", "1")
    bundle = make()._repr_mimebundle_()
    assert bundle["text/html"].startswith('<figure class="bx"')
    assert "application/vnd.jupyter.widget-view+json" in bundle  # JupyterLab's view
    assert bundle["text/plain"] == "Explorer('line'; a in [0, 1], b in [0, 1])"
