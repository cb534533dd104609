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
point, which is what a kernel-free web page needs: :meth:`Explorer.static_html`
runs ``setup`` again on figures at twice the screen density (sharp on a 2x
display), once at the explorer's own size and once 3.6 inches wide for phones
(``setup``'s side-by-side panels stacked into a column), draws every frame with
``update`` and packs the frames as layers into a self-contained piece of HTML
(sliders, value read-outs, the starting frame with the ``alt`` text).  It is
added to the cell's output only when the environment variable
``BOOK_STATIC_EXPLORERS`` is set, which the book build does
(``book_utils.site``); JupyterLab, nbval and ``make execute`` keep the light,
stable output with the live widget.  So ``setup`` must draw on whatever figure
it is given (use ``fig.subplots``/``fig.add_gridspec``, not ``plt``).

Only the moving artists are redrawn on each change (matplotlib "blitting"
over a cached background), so an update costs a few milliseconds.  The rule
that makes this work: ``update`` may change only the artists it returns, and
must not change axis limits or anything drawn in ``setup``.

Taught (as a tool) in chapter 1.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import html
import io
import itertools
import json
import math
import os
import warnings
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Text

#: Set (to anything but "" or "0") by the book build: explorers then add
#: their kernel-free HTML version to the cell output.
STATIC_ENV = "BOOK_STATIC_EXPLORERS"

#: Colours of the shared palette of an explorer's frames (8 bits/pixel; the
#: last one is transparent).
PALETTE_COLOURS = 256
#: A frame's changes are cut into boxes where they are this many pixels apart
#: (a moving dot and a title change far from each other): less to encode,
#: to decode and to hold decoded than one box around them all.
BOX_GAP = 24
#: How many frames (spread over the grid) choose the palette.
PALETTE_SAMPLE = 12
#: Lossless WebP effort (0-100, with method 1): within 3 % of the smallest
#: (method 6, quality 100) at a 200th of the time; method 0 is 15 times larger.
WEBP_QUALITY = 0

#: The website's frames carry ``STATIC_DPI`` image pixels per inch, two per
#: CSS pixel (``CSS_DPI``, 1/96 in), so they are sharp at devicePixelRatio 2.
CSS_DPI = 96
STATIC_DPI = 2 * CSS_DPI
#: Width (inches) of the frames drawn for narrow screens (phones): 346 CSS px.
NARROW_WIDTH = 3.6
#: The smallest text (CSS px) a page shows: the script switches to the narrow
#: frames where the wide ones would be scaled down below it.
MIN_TEXT_PX = 9

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


def _palette(sheets: list[np.ndarray], size: int = PALETTE_COLOURS) -> np.ndarray:
    """At most ``size`` colours (an (n, 3) uint8 array) for the
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
    if len(colours) <= size:
        return _rgb(colours).astype(np.uint8)
    rank = np.zeros(1 << 24, dtype=np.int32)
    rank[colours] = np.arange(len(colours), dtype=np.int32)
    counts = np.bincount(rank[keys], minlength=len(colours))
    half = size // 2
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


def _nearest_of(keys: np.ndarray, palette: np.ndarray) -> np.ndarray:
    """The index of the nearest palette colour for each colour ``keys`` (an
    exact search; PIL's own mapping uses a coarse cache that shifts even
    white)."""
    diff = _rgb(keys).astype(np.int32)[:, None, :] - palette[None].astype(np.int32)
    return np.argmin((diff**2).sum(-1), axis=1).astype(np.uint8)


class _Palette:
    """Maps pixels to the nearest colour of a palette, remembering the colours
    it has seen (a figure's frames share most of theirs)."""

    def __init__(self, colours: np.ndarray):
        self.colours = colours
        rgb = colours.ravel().tolist()
        self.rgb = rgb + [255, 255, 255] * (PALETTE_COLOURS - len(colours))
        self._known = np.zeros(1 << 24, dtype=bool)
        self._lookup = np.zeros(1 << 24, dtype=np.uint8)

    def indices(self, keys: np.ndarray) -> np.ndarray:
        """The palette index of each pixel of ``keys`` (0xBBGGRR, see _keys)."""
        new = keys[~self._known[keys]]
        if new.size:
            new = np.unique(new)
            self._lookup[new] = _nearest_of(new, self.colours)
            self._known[new] = True
        return self._lookup[keys]


def _runs(flags: np.ndarray, gap: int) -> list[tuple[int, int]]:
    """The [start, stop) runs of True in ``flags``, joining runs less than
    ``gap`` apart."""
    at = np.flatnonzero(flags)
    if not len(at):
        return []
    cuts = np.flatnonzero(np.diff(at) > gap)
    starts = [at[0], *at[cuts + 1]]
    stops = [*(at[cuts] + 1), at[-1] + 1]
    return [(int(a), int(b)) for a, b in zip(starts, stops, strict=True)]


def _boxes(mask: np.ndarray, gap: int = BOX_GAP) -> list[tuple[int, int, int, int]]:
    """Boxes ``(x, y, w, h)`` that cover the True pixels of ``mask``: bands of
    rows, each cut into runs of columns, each trimmed to its rows."""
    boxes = []
    for y0, y1 in _runs(mask.any(axis=1), gap):
        band = mask[y0:y1]
        for x0, x1 in _runs(band.any(axis=0), gap):
            rows = np.flatnonzero(band[:, x0:x1].any(axis=1))
            top, bottom = y0 + int(rows[0]), y0 + int(rows[-1]) + 1
            boxes.append((x0, top, x1 - x0, bottom - top))
    return boxes


def _side_by_side(jobs: list[Callable[[], Any]]) -> list:
    """The results of ``jobs`` (callables of no arguments), the first run here
    and the others each in a forked child process at the same time: the book
    build runs one notebook at a time, so a second core is otherwise idle.
    One after the other where the platform cannot fork."""
    import multiprocessing

    if len(jobs) < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return [job() for job in jobs]
    context = multiprocessing.get_context("fork")
    children = []
    for job in jobs[1:]:
        reader, writer = context.Pipe(duplex=False)

        def child(job=job, writer=writer):
            try:
                writer.send((True, job()))
            except BaseException as exc:  # reported by the parent
                writer.send((False, f"{type(exc).__name__}: {exc}"))

        with warnings.catch_warnings():  # Python 3.12+ warns on fork with threads
            warnings.simplefilter("ignore", DeprecationWarning)
            process = context.Process(target=child, daemon=True)
            process.start()
        children.append((process, reader))
    try:
        results = [jobs[0]()]
    except BaseException:
        for process, _ in children:
            process.terminate()
            process.join()
        raise
    for process, reader in children:
        try:
            ok, result = reader.recv()
        finally:
            process.join()
        if not ok:
            raise RuntimeError(f"drawing an explorer's frames failed: {result}")
        results.append(result)
    return results


def _stack_axes(fig: Figure, figsize: tuple[float, float], width: float) -> None:
    """Give ``fig`` the ``width`` (inches) of a narrow screen: the panels that
    ``setup`` put side by side on one grid are re-arranged into one column, in
    reading order, each as tall as it was; a single panel keeps its height."""
    from matplotlib.gridspec import GridSpec

    cells: dict[tuple, list] = {}
    grids = set()
    for ax in fig.axes:
        spec = ax.get_subplotspec()
        if spec is None:  # placed by hand, or a colour bar: it follows its parent
            continue
        grids.add(spec.get_gridspec())
        key = (spec.rowspan.start, spec.colspan.start, spec.rowspan.stop)
        cells.setdefault(key, []).append(ax)  # twin axes share a cell
    height = figsize[1]
    if len(grids) == 1 and len(cells) > 1:
        (grid,) = grids
        if isinstance(grid, GridSpec) and grid.ncols > 1:
            ratios = list(grid.get_height_ratios() or [1.0] * grid.nrows)
            order = sorted(cells)
            heights = [
                figsize[1] * sum(ratios[start:stop]) / sum(ratios)
                for start, _, stop in order
            ]
            column = GridSpec(len(order), 1, figure=fig, height_ratios=heights)
            for i, key in enumerate(order):
                for ax in cells[key]:
                    ax.set_subplotspec(column[i, 0])
            height = sum(heights)
    fig.set_size_inches(width, height)


def _fit_narrow(fig: Figure) -> None:
    """Let what ``setup`` placed for a wide figure fit a narrow one: every text
    wraps at the figure's edges (a long title takes two lines rather than
    running off), and a legend placed outside its axes on the right (where a
    narrow figure has no room) goes inside, where it covers least."""
    texts = [*fig.texts, fig._suptitle] if fig._suptitle else [*fig.texts]
    for ax in fig.axes:
        texts += [ax.title, ax._left_title, ax._right_title, *ax.texts]
    for text in texts:
        text.set_wrap(True)
    for ax in fig.axes:
        legend = ax.get_legend()
        if legend is None:
            continue
        anchor = legend.get_bbox_to_anchor().transformed(ax.transAxes.inverted())
        if anchor.x0 >= 0.99:
            legend.set_bbox_to_anchor(None)
            legend.set_loc("best")


class _Drawing:
    """The explorer's figure drawn by ``setup`` at one size and density, with
    its still parts cached: :meth:`render` draws only what ``update`` moves."""

    def __init__(self, setup, update, defaults, figsize, dpi, narrow=None):
        self.update = update
        self.fig = Figure(figsize=figsize, dpi=dpi, layout="constrained")
        self.canvas = FigureCanvasAgg(self.fig)
        self.state = setup(self.fig)
        if narrow is not None:
            _stack_axes(self.fig, figsize, narrow)
            _fit_narrow(self.fig)
        artists = list(update(self.state, **defaults))
        if not artists:
            raise ValueError("update must return the artists it moves")
        for artist in artists:
            artist.set_animated(True)
        self.canvas.draw()  # lays out the figure and draws the still parts
        self.fig.set_layout_engine("none")  # freeze the layout from now on
        self.background = self.canvas.copy_from_bbox(self.fig.bbox)
        self.render(defaults)  # the animated artists' texts and positions set
        self.smallest_text_pt = min(
            (
                t.get_fontsize()
                for t in self.fig.findobj(Text)
                if t.get_visible() and t.get_text().strip()
            ),
            default=math.inf,
        )

    def render(self, values: dict) -> np.ndarray:
        artists = list(self.update(self.state, **values))
        self.canvas.restore_region(self.background)
        for artist in artists:
            self.fig.draw_artist(artist)
        return np.asarray(self.canvas.buffer_rgba()).copy()

    def still(self) -> np.ndarray:
        """The still parts alone (what every frame shares)."""
        self.canvas.restore_region(self.background)
        return np.asarray(self.canvas.buffer_rgba()).copy()


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
        self._setup, self._update = setup, update
        self.figsize = tuple(figsize)
        self._live = _Drawing(setup, update, self.defaults, self.figsize, dpi)
        self.fig = self._live.fig
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
        return self._live.render(self._check(values))

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
    def layout_names(self) -> list[str]:
        """The layouts the website draws: ``"wide"``, at the explorer's own
        size, and, if that is wider than ``NARROW_WIDTH``, ``"narrow"``."""
        return ["wide", "narrow"] if self.figsize[0] > NARROW_WIDTH else ["wide"]

    def layout(self, name: str) -> _Drawing:
        """The figure as the website draws it, at ``STATIC_DPI``: ``"wide"``
        at the explorer's own size, ``"narrow"`` for phones: the same
        ``setup`` on a figure ``NARROW_WIDTH`` inches wide, its side-by-side
        panels stacked into a column."""
        if name not in ("wide", "narrow"):
            raise ValueError(f"layouts are 'wide' and 'narrow', not {name!r}")
        return _Drawing(
            self._setup,
            self._update,
            self.defaults,
            self.figsize,
            STATIC_DPI,
            narrow=NARROW_WIDTH if name == "narrow" else None,
        )

    def layouts(self) -> dict[str, _Drawing]:
        """Every layout of :meth:`layout_names`, drawn."""
        return {name: self.layout(name) for name in self.layout_names()}

    def _packed(self, name: str) -> tuple[float, dict]:
        drawing = self.layout(name)
        return drawing.smallest_text_pt, self.frames(drawing)

    def _sheet_axis(self) -> int:
        """The slider whose frames are grouped into one sheet: the one with
        the most values (the other sliders' values pick the sheet)."""
        sizes = [len(s.grid) for s in self.sliders]
        return sizes.index(max(sizes))

    def frames(self, drawing: _Drawing) -> dict:
        """Every frame of :meth:`grid` drawn by ``drawing``, packed in layers
        for the web page, each layer drawn over the one before:

        * ``background``: the still parts;
        * ``sheets``: one per combination of the values of the sliders other
          than ``axis`` (row-major): the pixels that every frame of that
          sheet shares but the background does not (a curve that depends
          only on the other sliders);
        * ``frames``: one per grid point, in :meth:`grid` order: the pixels
          that differ from the sheet under them.

        A layer is ``(boxes, bytes)``: the boxes ``(x, y, w, h)`` that hold
        its pixels (none for an empty layer) and one lossless WebP of them,
        the boxes stacked top to bottom at its left edge, transparent where
        the layer leaves what is under it.  All share one palette of at most
        255 colours (the 256th is transparent): a plot's flat colours
        exactly, the rest for anti-aliased edges.  ``start`` is the whole
        frame of the starting values (for a page without its script).  Only
        one sheet's frames are in memory at once.
        """
        from PIL import Image

        axis = self._sheet_axis()
        along = self.sliders[axis]
        others = [s for i, s in enumerate(self.sliders) if i != axis]
        grid = list(self.grid())
        back = drawing.still()
        step = max(1, len(grid) // PALETTE_SAMPLE)
        palette = _Palette(
            _palette([back, *(drawing.render(v) for v in grid[::step])], 255)
        )
        clear = 255

        def encode(indices: np.ndarray, transparent: bool) -> bytes:
            image = Image.fromarray(np.ascontiguousarray(indices), mode="P")
            image.putpalette(palette.rgb)
            if transparent:
                image.info["transparency"] = clear
            buf = io.BytesIO()
            image.save(
                buf, format="webp", lossless=True, quality=WEBP_QUALITY, method=1
            )
            return buf.getvalue()

        def layer(keys: np.ndarray, mask: np.ndarray) -> tuple:
            """The pixels ``keys`` (0xBBGGRR) where ``mask``, in boxes."""
            boxes = _boxes(mask)
            if not boxes:
                return ([], b"")
            width = max(w for _, _, w, _ in boxes)
            packed = np.full((sum(h for *_, h in boxes), width), clear, np.uint8)
            top = 0
            for x, y, w, h in boxes:
                indices = palette.indices(keys[y : y + h, x : x + w])
                indices[~mask[y : y + h, x : x + w]] = clear
                packed[top : top + h, :w] = indices
                top += h
            return (boxes, encode(packed, True))

        still = _keys(back)
        sheets, frames, start = [], [None] * len(grid), None
        strides = np.cumprod([1, *(len(s.grid) for s in self.sliders[::-1])])[::-1]
        for combo in itertools.product(*(range(len(s.grid)) for s in others)):
            fixed = {s.name: s.grid[i] for s, i in zip(others, combo, strict=True)}
            pictures = np.stack(
                [_keys(drawing.render({**fixed, along.name: v})) for v in along.grid]
            )
            shared = (pictures == pictures[:1]).all(axis=0) & (pictures[0] != still)
            sheets.append(layer(pictures[0], shared))
            base = np.where(shared, pictures[0], still)
            for j, picture in enumerate(pictures):
                index = [*combo[:axis], j, *combo[axis:]]
                k = int(sum(i * st for i, st in zip(index, strides[1:], strict=True)))
                frames[k] = layer(picture, picture != base)
                if grid[k] == self.defaults:
                    start = encode(palette.indices(picture), False)
        h, w = back.shape[:2]
        return {
            "size": (w, h),
            "axis": axis,
            "background": ([(0, 0, w, h)], encode(palette.indices(still), False)),
            "sheets": sheets,
            "frames": frames,
            "start": start,
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

    def static_html(self) -> str:
        """The explorer as self-contained HTML for a page without a kernel.

        Every frame is drawn here by ``setup``/``update`` (the same drawing
        code as the live widget) at ``STATIC_DPI``, in each of
        :meth:`layouts` (a narrow one for phones), and packed in layers by
        :meth:`frames`.  Each layout is a ``<div class="bx-figure">`` holding
        the layers of the starting values as ``<img>`` (the first carries the
        explorer's ``alt``) and all its layers in one base64 ``data-pack``
        (``data-layers`` gives each one's offset, length and box), which
        ``book_utils.site`` moves to a file of its own so that a page loads
        only the layout it shows.  A small shared script
        (``book_utils/_static/book-explorer.js``) picks the layout that shows
        its smallest text at ``MIN_TEXT_PX`` CSS pixels or more and shows the
        layers of the current slider values, decoding only those and their
        neighbours'.  The sliders are ``<input type="range">`` over the grid
        indices, each with a ``<label>``, an ``aria-valuetext`` and an
        ``<output>`` showing the value.  Without the script the starting
        values show.  The same explorer always gives the same HTML (ids
        derive from the title).
        """
        if self._static is not None:
            return self._static
        esc = html.escape
        uid = self._element_id()
        start = [s.grid.index(s.value) for s in self.sliders]
        controls = []
        for i, s in enumerate(self.sliders):
            sid = f"{uid}-{s.name}"
            texts = [s.text(v) for v in s.grid]
            now = texts[start[i]]
            controls.append(
                f'<div class="bx-control"><label for="{sid}">{esc(s.label)}</label>'
                f'<output for="{sid}" id="{sid}-value">{esc(now)}</output>'
                f'<input type="range" class="bx-range" id="{sid}" '
                f'min="0" max="{len(texts) - 1}" step="1" value="{start[i]}" '
                f'aria-valuetext="{esc(now)}" '
                f'data-labels="{esc(json.dumps(texts))}"></div>'
            )
        views = []
        jobs = [functools.partial(self._packed, n) for n in self.layout_names()]
        for name, (smallest_pt, packed) in zip(
            self.layout_names(), _side_by_side(jobs), strict=True
        ):
            w, h = packed["size"]
            axis = packed["axis"]
            layers = [packed["background"], *packed["sheets"], *packed["frames"]]
            index, offset = [], 0
            for boxes, data in layers:
                index.append([offset, len(data), [list(box) for box in boxes]])
                offset += len(data)
            pack = base64.b64encode(b"".join(d for _, d in layers)).decode("ascii")
            start_src = "data:image/webp;base64," + base64.b64encode(
                packed["start"]
            ).decode("ascii")
            css_width = w * CSS_DPI / STATIC_DPI
            text_px = smallest_pt * CSS_DPI / 72
            views.append(
                f'<div class="bx-figure bx-{name}" '
                f'style="max-width:{css_width:.6g}px;aspect-ratio:{w}/{h}" '
                f'data-width="{css_width:.6g}" data-text-px="{text_px:.4g}" '
                f'data-axis="{axis}" data-sheets="{len(packed["sheets"])}" '
                f'data-layers="{json.dumps(index, separators=(",", ":"))}" '
                f'data-pack="{pack}"><img class="bx-start" alt="{esc(self.alt)}" '
                f'src="{start_src}"></div>'
            )
        self._static = (
            f'<figure class="bx" id="{uid}" aria-label="{esc(self.title)}">'
            f'<div class="bx-controls">{"".join(controls)}</div>'
            f"{''.join(views)}</figure>"
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
