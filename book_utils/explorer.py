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
point (``Explorer.grid`` with ``render_rgba``), which is what a kernel-free web
page needs: :meth:`Explorer.static_html` does that and packs the frames into a
self-contained piece of HTML (sliders, value read-outs and an ``<img>`` with the
``alt`` text).  It is added to the cell's output only when the environment
variable ``BOOK_STATIC_EXPLORERS`` is set, which the book build does
(``book_utils.site``); JupyterLab, nbval and ``make execute`` keep the light,
stable output with the live widget.

Only the moving artists are redrawn on each change (matplotlib "blitting"
over a cached background), so an update costs a few milliseconds.  The rule
that makes this work: ``update`` may change only the artists it returns, and
must not change axis limits or anything drawn in ``setup``.

Taught (as a tool) in chapter 1.
"""

from __future__ import annotations

import base64
import hashlib
import html
import io
import itertools
import json
import math
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

#: Set (to anything but "" or "0") by the book build: explorers then add
#: their kernel-free HTML version to the cell output.
STATIC_ENV = "BOOK_STATIC_EXPLORERS"

#: The widest sprite image (pixels): frames beyond it wrap onto more rows.
#: 16384 is the largest texture many GPUs take; PNG's compression finds the
#: pixels a frame shares with its neighbours only along a row.
SPRITE_MAX_WIDTH = 16384

#: Colours of the shared palette of an explorer's frames (PNG, 8 bits/pixel).
PALETTE_COLOURS = 256

# Element ids must not depend on chance (a rebuild gives the same page), so
# they come from the explorer's title and sliders, with a counter for repeats
# in one kernel (a notebook runs in a fresh kernel).
_ids_used: dict[str, int] = {}


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


def _keys(rgba: np.ndarray) -> np.ndarray:
    """Each pixel of an (h, w, 4) uint8 image as one integer 0xBBGGRR."""
    return np.ascontiguousarray(rgba).view("<u4")[..., 0] & 0xFFFFFF


def _rgb(keys: np.ndarray) -> np.ndarray:
    keys = np.asarray(keys, dtype=np.uint32)
    return np.stack([keys & 255, (keys >> 8) & 255, (keys >> 16) & 255], axis=-1)


def _palette(sheets: list[np.ndarray]) -> np.ndarray:
    """At most ``PALETTE_COLOURS`` colours (an (n, 3) uint8 array) for the
    frames on ``sheets`` (RGBA).

    A plot's flat colours (the background, the lines, the bars) are its most
    frequent ones and are kept exactly; the rest of the palette covers the
    anti-aliased edges (PIL's "maximum coverage" quantizer, on a sample).
    """
    from PIL import Image

    keys = np.concatenate([_keys(s).ravel() for s in sheets])
    present = np.zeros(1 << 24, dtype=bool)
    present[keys] = True
    colours = np.flatnonzero(present)
    if len(colours) <= PALETTE_COLOURS:
        return _rgb(colours).astype(np.uint8)
    rank = np.zeros(1 << 24, dtype=np.int32)
    rank[colours] = np.arange(len(colours), dtype=np.int32)
    counts = np.bincount(rank[keys], minlength=len(colours))
    half = PALETTE_COLOURS // 2
    frequent = colours[np.argsort(-counts, kind="stable")[:half]]
    step = max(1, len(sheets) // 4)
    sample = np.concatenate([s[::2, ::2, :3] for s in sheets[::step]], axis=0)
    cover = Image.fromarray(np.ascontiguousarray(sample)).quantize(
        colors=half, method=Image.Quantize.MAXCOVERAGE, dither=Image.Dither.NONE
    )
    extra = np.array(cover.getpalette()[: 3 * half], dtype=np.uint32).reshape(-1, 3)
    extra = extra[:, 0] | (extra[:, 1] << 8) | (extra[:, 2] << 16)
    chosen = list(dict.fromkeys([*frequent.tolist(), *extra.tolist()]))
    return _rgb(chosen).astype(np.uint8)


def _nearest(rgba: np.ndarray, palette: np.ndarray) -> np.ndarray:
    """The index of the nearest palette colour for every pixel (an exact
    search; PIL's own mapping uses a coarse cache that shifts even white)."""
    keys = _keys(rgba)
    present = np.zeros(1 << 24, dtype=bool)
    present[keys] = True
    colours = np.flatnonzero(present)
    diff = _rgb(colours).astype(np.int32)[:, None, :] - palette[None].astype(np.int32)
    lookup = np.zeros(1 << 24, dtype=np.uint8)
    lookup[colours] = np.argmin((diff**2).sum(-1), axis=1)
    return lookup[keys]


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
        self._static: str | None = None

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

    # --- the kernel-free version for the website -------------------------
    def _sprite_axis(self) -> int:
        """The slider whose values lie side by side in one sprite image: the
        one with the most values (neighbouring frames along it share most of
        their pixels, which PNG's compression finds within a row)."""
        sizes = [len(s.grid) for s in self.sliders]
        return sizes.index(max(sizes))

    def sprites(self) -> tuple[int, int, int, list[bytes]]:
        """Every frame of :meth:`grid`, packed for the web page.

        Returns ``(axis, columns, rows, pngs)``: one palette PNG per
        combination of the *other* sliders' values (row-major, in slider
        order), holding the frames along slider ``axis`` on a grid of
        ``columns`` x ``rows`` cells, left to right then top to bottom.
        """
        from PIL import Image

        axis = self._sprite_axis()
        along = self.sliders[axis]
        others = [s for i, s in enumerate(self.sliders) if i != axis]
        n = len(along.grid)
        h, w = self.render_rgba().shape[:2]
        rows = math.ceil(n / max(1, SPRITE_MAX_WIDTH // w))
        cols = math.ceil(n / rows)
        strips = []
        for combo in itertools.product(*(s.grid for s in others)):
            fixed = dict(zip((s.name for s in others), combo, strict=True))
            frames = [self.render_rgba(**fixed, **{along.name: v}) for v in along.grid]
            sheet = np.full((rows * h, cols * w, 4), 255, dtype=np.uint8)
            for i, frame in enumerate(frames):
                r, c = divmod(i, cols)
                sheet[r * h : (r + 1) * h, c * w : (c + 1) * w] = frame
            strips.append(sheet)
        palette = _palette(strips)
        pngs = []
        for sheet in strips:
            image = Image.fromarray(_nearest(sheet, palette), mode="P")
            image.putpalette(palette.ravel().tolist())
            buf = io.BytesIO()
            image.save(buf, format="png", optimize=True)
            pngs.append(buf.getvalue())
        return axis, cols, rows, pngs

    def _element_id(self) -> str:
        key = json.dumps(
            [self.title, [(s.name, list(s.grid)) for s in self.sliders]],
            default=str,
        )
        base = "bx-" + hashlib.sha1(key.encode()).hexdigest()[:10]
        _ids_used[base] = _ids_used.get(base, 0) + 1
        count = _ids_used[base]
        return base if count == 1 else f"{base}-{count}"

    def static_html(self) -> str:
        """The explorer as self-contained HTML for a page without a kernel.

        Every frame is rendered here by ``setup``/``update`` (the same drawing
        code as the live widget) and embedded as PNG sprites; a small shared
        script (``book_utils/_static/book-explorer.js``, added to every page by
        ``book_utils.site``) shows the frame of the current slider values.
        The sliders are ``<input type="range">`` over the grid indices, each
        with a ``<label>``, an ``aria-valuetext`` and an ``<output>`` showing
        the value; the figure is an ``<img>`` with the explorer's ``alt``.
        Without the script the figure shows the starting values.  The same
        explorer always gives the same HTML (ids derive from the title).
        """
        if self._static is not None:
            return self._static
        esc = html.escape
        axis, cols, rows, pngs = self.sprites()
        height, width = self.render_rgba().shape[:2]
        uid = self._element_id()
        start = [s.grid.index(s.value) for s in self.sliders]
        strip = 0
        for i, s in enumerate(self.sliders):
            if i != axis:
                strip = strip * len(s.grid) + start[i]
        r, c = divmod(start[axis], cols)
        shift = f"transform:translate({-100 * c / cols:.6g}%,{-100 * r / rows:.6g}%)"

        controls = []
        for i, s in enumerate(self.sliders):
            sid = f"{uid}-{s.name}"
            texts = [s.text(v) for v in s.grid]
            now = texts[start[i]]
            controls.append(
                f'<label for="{sid}">{esc(s.label)}</label>'
                f'<input type="range" class="bx-range" id="{sid}" '
                f'min="0" max="{len(texts) - 1}" step="1" value="{start[i]}" '
                f'aria-valuetext="{esc(now)}" '
                f'data-labels="{esc(json.dumps(texts))}">'
                f'<output for="{sid}" id="{sid}-value">{esc(now)}</output>'
            )
        images = []
        for j, png in enumerate(pngs):
            on = j == strip
            data = base64.b64encode(png).decode("ascii")
            images.append(
                f'<img class="bx-sheet{" bx-on" if on else ""}" '
                f'alt="{esc(self.alt)}" '
                f'style="width:{cols * 100}%;height:{rows * 100}%'
                f'{";" + shift if on else ""}" '
                f'src="data:image/png;base64,{data}">'
            )
        self._static = (
            f'<figure class="bx" id="{uid}" aria-label="{esc(self.title)}" '
            f'data-axis="{axis}" data-cols="{cols}" data-rows="{rows}">'
            f'<div class="bx-controls">{"".join(controls)}</div>'
            f'<div class="bx-figure" style="max-width:{width}px;'
            f'aspect-ratio:{width}/{height}">{"".join(images)}</div>'
            f"</figure>"
        )
        return self._static

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
        if os.environ.get(STATIC_ENV, "") not in ("", "0"):
            # the book build: the website shows this instead of the widget
            data["text/html"] = self.static_html()
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
