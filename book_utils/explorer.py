"""The book's one helper for interactive figures ("explorers").

An explorer is made of

* ``setup(fig)``: draws everything that does not depend on the sliders (axes,
  labels, fixed limits, reference curves) and returns a *state*, usually a
  dict of the artists that will move (and of the axes a pointer may drag on);
* ``update(state, **values)``: moves those artists to the slider values and
  returns them (always the same artists).  The picture depends only on the
  values: the same values always give the same figure;
* a list of :class:`Slider` definitions, each a fixed grid of values;
* optional controls: ``points`` (buttons that move the sliders to a named
  place, such as the maximum likelihood estimate), ``Slider(play=True)``
  (play/pause and one step back or forward), ``Slider(sample=True)`` (a
  "new sample" button in place of a seed slider) and ``drag`` (a pointer
  on a panel moves one or two sliders).

In a notebook the explorer is an anywidget (``_widget.py``): the kernel
draws each frame on demand, redrawing only the artists ``update`` returns
(``_drawing.py``), and the front-end is one JavaScript module
(``_static/explorer.js``).  The website runs the same module on frames
drawn ahead of time for every grid point by the book build
(``book_build/static_explorer.py``): ``setup`` must draw on whatever figure
it is given (``fig.subplots``, not ``plt``).  Taught (as a tool) in chapter 1.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from ._drawing import Drawing, png

#: Set (to anything but "" or "0") by the book build: explorers then add
#: their kernel-free HTML version to the cell output (made by book_build).
STATIC_ENV = "BOOK_STATIC_EXPLORERS"

# Element ids must not depend on chance (a rebuild gives the same page), so
# they come from the explorer's title and sliders, with a counter for repeats
# in one kernel (a notebook runs in a fresh kernel).
_ids_used: dict[str, int] = {}


@dataclass(frozen=True)
class Slider:
    """One slider: the keyword ``name`` passed to ``update``, its grid of
    ``values``, the starting ``value`` (one of the grid), the ``label`` shown
    beside it and the ``fmt`` used to print its current value.

    ``play=True`` adds play/pause and −1/+1 buttons (iterations, n);
    ``sample=True`` shows the slider as a "New sample" button that moves to
    the next value (a seed), wrapping round at the end."""

    name: str
    values: Sequence[float]
    value: float | None = None
    label: str | None = None
    fmt: str = "{:g}"
    play: bool = False
    sample: bool = False
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
        for flag in ("play", "sample"):
            if not isinstance(getattr(self, flag), bool):
                raise ValueError(f"slider {self.name!r}: {flag} must be True or False")
        if self.play and self.sample:
            raise ValueError(f"slider {self.name!r}: choose play or sample, not both")
        object.__setattr__(self, "_grid", grid)
        object.__setattr__(self, "value", start)
        if self.label is None:
            object.__setattr__(self, "label", self.name)

    @property
    def grid(self) -> tuple:
        return self._grid

    def text(self, v) -> str:
        return self.fmt.format(v)

    def nearest(self, v) -> int:
        """The index of the grid value nearest to ``v``."""
        if v in self._grid:
            return self._grid.index(v)
        try:
            return int(np.argmin([abs(g - v) for g in self._grid]))
        except TypeError:
            raise ValueError(f"{v!r} is not a value of slider {self.name!r}") from None


def _drags(drag, names: list[str]) -> tuple[tuple, ...]:
    """``drag`` as a tuple of ``(state key, x slider, y slider or None)``."""
    if drag is None:
        return ()
    items = [drag] if isinstance(drag, tuple) and isinstance(drag[0], str) else drag
    out = []
    for item in items:
        if not isinstance(item, tuple) or len(item) not in (2, 3):
            raise ValueError(
                "drag must be (panel, x slider) or (panel, x slider, y slider), "
                f"or a list of them; got {item!r}"
            )
        key, *bound = item
        for name in bound:
            if name not in names:
                raise ValueError(f"drag: {name!r} is not a slider; sliders are {names}")
        out.append((key, bound[0], bound[1] if len(bound) == 2 else None))
    return tuple(out)


class Explorer:
    """An interactive figure; see the module docstring.  Build it with
    :func:`explorer`."""

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
        points: Mapping[str, Mapping | Callable] | None = None,
        drag: tuple | Sequence[tuple] | None = None,
    ):
        if not sliders:
            raise ValueError("an explorer needs at least one slider")
        names = [s.name for s in sliders]
        if len(set(names)) != len(names):
            raise ValueError(f"slider names must differ, got {names}")
        self.sliders = tuple(sliders)
        self.title, self.alt = title, alt
        self._setup, self._update = setup, update
        self.figsize = tuple(figsize)
        self.dpi = dpi
        self.drags = _drags(drag, names)
        self.points = dict(points or {})
        for label, point in self.points.items():
            if not isinstance(label, str) or not label.strip():
                raise ValueError(
                    f"points: a label must be a non-empty string, not {label!r}"
                )
            if not callable(point) and not isinstance(point, Mapping):
                raise ValueError(
                    f"point {label!r} must be a dict of slider values or a function "
                    "of the sliders' values returning one"
                )
        self._point_at = {
            label: self._point_index(label, point)
            for label, point in self.points.items()
            if not callable(point)
        }
        self._live = Drawing(setup, update, self.defaults, self.figsize, dpi)
        self.check_panels(self._live)
        self.fig = self._live.fig
        self.uid = self._element_id()
        self._widget = None

    # --- values and the grid -------------------------------------------------
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

    def grid(self) -> Iterable[dict]:
        """Every combination of slider values, in row-major order."""
        names = [s.name for s in self.sliders]
        for combo in itertools.product(*(s.grid for s in self.sliders)):
            yield dict(zip(names, combo, strict=True))

    def start_index(self) -> list[int]:
        """The grid index of every slider's starting value."""
        return [s.grid.index(s.value) for s in self.sliders]

    def values_at(self, index: Sequence[int]) -> dict:
        """The slider values at grid indices ``index`` (one per slider)."""
        if len(index) != len(self.sliders):
            raise ValueError(f"index needs {len(self.sliders)} entries, got {index!r}")
        out = {}
        for s, i in zip(self.sliders, index, strict=True):
            if not 0 <= int(i) < len(s.grid):
                raise ValueError(f"index {i} is off the grid of slider {s.name!r}")
            out[s.name] = s.grid[int(i)]
        return out

    def _point_index(self, label: str, point: Mapping) -> list[int | None]:
        names = [s.name for s in self.sliders]
        unknown = set(point) - set(names)
        if unknown:
            raise ValueError(
                f"point {label!r} sets unknown slider(s) {sorted(unknown)}; "
                f"sliders are {names}"
            )
        return [
            s.nearest(point[s.name]) if s.name in point else None for s in self.sliders
        ]

    def point_targets(self, label: str) -> list[int]:
        """Where the button of point ``label`` moves the sliders from each grid
        point (flat, row-major indices, in :meth:`grid` order)."""
        point = self.points[label]
        sizes = [len(s.grid) for s in self.sliders]
        strides = np.cumprod([1, *sizes[::-1]])[::-1][1:]
        out = []
        for here, values in zip(
            itertools.product(*(range(n) for n in sizes)), self.grid(), strict=True
        ):
            at = (
                self._point_index(label, point(**values))
                if callable(point)
                else (self._point_at[label])
            )
            to = [h if a is None else a for h, a in zip(here, at, strict=True)]
            out.append(int(np.dot(to, strides)))
        return out

    def check_panels(self, drawing: Drawing) -> None:
        for key, *_ in self.drags:
            state = drawing.state
            if not isinstance(state, Mapping) or not isinstance(state.get(key), Axes):
                raise ValueError(
                    f"drag: setup must return a dict whose {key!r} is the Axes to drag on"
                )

    # --- drawing -------------------------------------------------------------
    def render_rgba(self, **values) -> np.ndarray:
        """The figure at these slider values, as an (h, w, 4) uint8 array."""
        return self._live.render(self._check(values))

    def render_png(self, **values) -> bytes:
        """The figure at these slider values, as PNG bytes (what the notebook's
        front-end receives on each change)."""
        return png(self.render_rgba(**values))

    # --- what the front-end is told ------------------------------------------
    def spec(self) -> dict:
        """The controls, for the front-end (``_static/explorer.js``)."""
        points = []
        for label, point in self.points.items():
            if callable(point):
                points.append({"label": label, "to": self.point_targets(label)})
            else:
                points.append({"label": label, "at": self._point_at[label]})
        return {
            "id": self.uid,
            "title": self.title,
            "alt": self.alt,
            "start": self.start_index(),
            "sliders": [
                {
                    "name": s.name,
                    "label": s.label,
                    "texts": [s.text(v) for v in s.grid],
                    "play": s.play,
                    "sample": s.sample,
                }
                for s in self.sliders
            ],
            "points": points,
        }

    def geometry(self, drawing: Drawing | None = None, css_dpi: float = 96) -> dict:
        """A frame's size in image pixels, its width in CSS pixels, and where
        its bound panels lie (:meth:`Drawing.panels`)."""
        drawing = drawing or self._live
        w, h = drawing.size
        return {
            "size": [w, h],
            "css_width": w * css_dpi / drawing.fig.dpi,
            "panels": drawing.panels(self.drags, self.sliders),
        }

    def _element_id(self) -> str:
        key = json.dumps(
            [self.title, [(s.name, list(s.grid)) for s in self.sliders]],
            default=str,
        )
        base = "bx-" + hashlib.sha1(key.encode()).hexdigest()[:10]
        _ids_used[base] = _ids_used.get(base, 0) + 1
        count = _ids_used[base]
        return base if count == 1 else f"{base}-{count}"

    # --- in a notebook -------------------------------------------------------
    @property
    def widget(self):
        """The live control, an anywidget (built on first use)."""
        if self._widget is None:
            from ._widget import ExplorerWidget

            self._widget = ExplorerWidget(self)
        return self._widget

    def __repr__(self) -> str:
        parts = ", ".join(
            f"{s.name} in [{s.text(s.grid[0])}, {s.text(s.grid[-1])}]"
            for s in self.sliders
        )
        return f"Explorer({self.title!r}; {parts})"

    def _repr_mimebundle_(self, include=None, exclude=None):
        bundle = self.widget._repr_mimebundle_(include=include, exclude=exclude)
        data = bundle[0] if isinstance(bundle, tuple) else bundle
        # a short stable description keeps notebook outputs small and testable
        data["text/plain"] = repr(self)
        if os.environ.get(STATIC_ENV, "") not in ("", "0"):
            # the book build (book_build.site puts the repository on the
            # kernel's path): the website shows this instead of the widget
            from book_build.static_explorer import static_html

            data["text/html"] = static_html(self)
        return data


def explorer(
    setup,
    update,
    sliders,
    *,
    title: str,
    alt: str,
    points=None,
    drag=None,
    **figure_kwargs,
) -> Explorer:
    """Make an interactive figure from ``setup(fig)`` and ``update(state, **values)``.

    Put it last in a cell to show the live control.  ``title`` names the
    explorer; ``alt`` describes the figure in one sentence for readers who
    cannot see it.  ``points`` maps a button's label to slider values, or to
    a function of the current values that returns them (snapped to the
    nearest grid values): ``points={"MLE": {"p": 0.7}}``.  ``drag`` binds a
    panel (the key of its Axes in the state) to one or two sliders:
    ``drag=("ax", "b0", "b1")``.  ``figure_kwargs`` (``figsize``, ``dpi``)
    go to the figure.
    """
    return Explorer(
        setup,
        update,
        sliders,
        title=title,
        alt=alt,
        points=points,
        drag=drag,
        **figure_kwargs,
    )
