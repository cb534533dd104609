"""The explorer helper: a figure that is a pure function of the slider values."""

from __future__ import annotations

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
