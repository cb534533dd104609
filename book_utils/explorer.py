"""The book's one helper for slider figures ("explorers").

An explorer is made of

* ``setup(fig)``: draws everything that does not depend on the sliders (axes,
  labels, fixed limits, reference curves) and returns a *state* (any object,
  usually a dict of the artists that will move);
* ``update(state, **values)``: moves those artists to the slider values and
  returns them (always the same artists).  The picture depends only on the
  values: the same values always give the same figure;
* a list of :class:`Slider` definitions, each a fixed grid of values.

:func:`explorer` turns these into a live ipywidgets control for JupyterLab.
Because a slider's values are a fixed grid and the figure is a pure function of
them, the same two functions can also be rendered ahead of time for every grid
point (``Explorer.frames``), which is what a kernel-free web page needs.

Only the moving artists are redrawn on each change (matplotlib "blitting"
over a cached background), so an update costs a few milliseconds.  The rule
that makes this work: ``update`` may change only the artists it returns, and
must not change axis limits or anything drawn in ``setup``.

Taught (as a tool) in chapter 1.
"""

from __future__ import annotations

import io
import itertools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure


@dataclass(frozen=True)
class Slider:
    """One slider: the keyword ``name`` passed to ``update``, its grid of
    ``values``, the starting ``value`` (one of the grid), the ``label`` shown
    beside it and the ``fmt`` used to print its current value."""

    name: str
    values: Sequence[float]
    value: float | None = None
    label: str | None = None
    fmt: str = "{:g}"
    _grid: tuple = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        if not self.name.isidentifier():
            raise ValueError(
                f"slider name must be a Python identifier, got {self.name!r}"
            )
        grid = tuple(v.item() if isinstance(v, np.generic) else v for v in self.values)
        if len(grid) < 2:
            raise ValueError(f"slider {self.name!r} needs at least two values")
        if len(set(grid)) != len(grid):
            raise ValueError(f"slider {self.name!r} has repeated values")
        start = grid[len(grid) // 2] if self.value is None else self.value
        if start not in grid:
            raise ValueError(
                f"slider {self.name!r}: starting value {start!r} is not one of its values"
            )
        object.__setattr__(self, "_grid", grid)
        object.__setattr__(self, "value", start)
        if self.label is None:
            object.__setattr__(self, "label", self.name)

    @property
    def grid(self) -> tuple:
        return self._grid

    def text(self, v) -> str:
        return self.fmt.format(v)


class Explorer:
    """A slider figure; see the module docstring.  Build it with :func:`explorer`."""

    def __init__(
        self,
        setup: Callable[[Figure], Any],
        update: Callable[..., Iterable[Any]],
        sliders: Sequence[Slider],
        *,
        title: str,
        alt: str,
        figsize: tuple[float, float] = (7.0, 3.4),
        dpi: int = 96,
    ):
        if not sliders:
            raise ValueError("an explorer needs at least one slider")
        names = [s.name for s in sliders]
        if len(set(names)) != len(names):
            raise ValueError(f"slider names must differ, got {names}")
        self.sliders = tuple(sliders)
        self.title, self.alt = title, alt
        self._update = update
        self.fig = Figure(figsize=figsize, dpi=dpi, layout="constrained")
        self._canvas = FigureCanvasAgg(self.fig)
        self._state = setup(self.fig)
        self._artists = list(update(self._state, **self.defaults))
        if not self._artists:
            raise ValueError("update must return the artists it moves")
        for artist in self._artists:
            artist.set_animated(True)
        self._canvas.draw()  # lays out the figure and draws the still parts
        self.fig.set_layout_engine("none")  # freeze the layout from now on
        self._background = self._canvas.copy_from_bbox(self.fig.bbox)
        self._widget = None

    @property
    def defaults(self) -> dict:
        return {s.name: s.value for s in self.sliders}

    def _check(self, values: dict) -> dict:
        unknown = set(values) - set(self.defaults)
        if unknown:
            raise ValueError(
                f"unknown slider(s) {sorted(unknown)}; sliders are {list(self.defaults)}"
            )
        full = {**self.defaults, **values}
        for s in self.sliders:
            if full[s.name] not in s.grid:
                raise ValueError(
                    f"{full[s.name]!r} is not a value of slider {s.name!r}"
                )
        return full

    def render_rgba(self, **values) -> np.ndarray:
        """The figure at these slider values, as an (h, w, 4) uint8 array."""
        full = self._check(values)
        artists = list(self._update(self._state, **full))
        self._canvas.restore_region(self._background)
        for artist in artists:
            self.fig.draw_artist(artist)
        return np.asarray(self._canvas.buffer_rgba()).copy()

    def render_png(self, **values) -> bytes:
        """The figure at these slider values, as PNG bytes."""
        from PIL import Image

        rgba = self.render_rgba(**values)
        buf = io.BytesIO()
        Image.fromarray(rgba[..., :3]).save(buf, format="png", compress_level=1)
        return buf.getvalue()

    def grid(self) -> Iterable[dict]:
        """Every combination of slider values, in row-major order."""
        names = [s.name for s in self.sliders]
        for combo in itertools.product(*(s.grid for s in self.sliders)):
            yield dict(zip(names, combo, strict=True))

    # --- the live control -------------------------------------------------
    @property
    def widget(self):
        """The ipywidgets control (built on first use)."""
        if self._widget is None:
            self._widget = self._build_widget()
        return self._widget

    def _build_widget(self):
        import ipywidgets as widgets

        controls = []
        for s in self.sliders:
            control = widgets.SelectionSlider(
                options=[(s.text(v), v) for v in s.grid],
                value=s.value,
                description=s.label,
                continuous_update=True,
                style={"description_width": "initial"},
                layout=widgets.Layout(width="32em"),
            )
            controls.append(control)
        image = widgets.Image(
            value=self.render_png(),
            format="png",
            layout=widgets.Layout(max_width="100%"),
        )
        image.add_class("book-explorer-figure")

        def redraw(_change=None):
            image.value = self.render_png(
                **{s.name: c.value for s, c in zip(self.sliders, controls, strict=True)}
            )

        for control in controls:
            control.observe(redraw, names="value")
        box = widgets.VBox([*controls, image])
        box.add_class("book-explorer")
        return box

    def __repr__(self) -> str:
        parts = ", ".join(
            f"{s.name} in [{s.text(s.grid[0])}, {s.text(s.grid[-1])}]"
            for s in self.sliders
        )
        return f"Explorer({self.title!r}; {parts})"

    def _repr_mimebundle_(self, include=None, exclude=None):
        bundle = self.widget._repr_mimebundle_(include=include, exclude=exclude)
        data = bundle[0] if isinstance(bundle, tuple) else bundle
        # The default text is the widget's repr, which embeds the PNG bytes;
        # a short stable description keeps notebook outputs small and testable.
        data["text/plain"] = repr(self)
        return data


def explorer(
    setup, update, sliders, *, title: str, alt: str, **figure_kwargs
) -> Explorer:
    """Make a slider figure from ``setup(fig)`` and ``update(state, **values)``.

    Put it last in a cell to show the live control.  ``title`` names the
    explorer; ``alt`` describes the figure in one sentence for readers who
    cannot see it.  ``figure_kwargs`` (``figsize``, ``dpi``) go to the figure.
    """
    return Explorer(setup, update, sliders, title=title, alt=alt, **figure_kwargs)
