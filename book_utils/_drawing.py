"""An explorer's figure drawn once, then redrawn fast ("blitting").

``setup`` draws the figure once; its still parts are cached as pixels, and
each new set of slider values redraws only the artists ``update`` returns over
that cache, which costs a few milliseconds.  The rule that makes this work:
``update`` may change only the artists it returns, and must not change axis
limits or anything drawn in ``setup``.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from matplotlib.figure import Figure

from ._glyphs import CachingCanvas


class Drawing:
    """The figure drawn by ``setup`` at one size and density, its still parts
    cached: :meth:`render` draws only what ``update`` moves.  ``arrange``
    (optional) changes the figure after ``setup`` and before it is laid out
    (the website's narrow layout, in book_build)."""

    def __init__(
        self,
        setup: Callable[[Figure], Any],
        update: Callable[..., Any],
        defaults: dict,
        figsize: Sequence[float],
        dpi: float,
        arrange: Callable[[Figure], None] | None = None,
    ):
        self.update = update
        self.fig = Figure(figsize=figsize, dpi=dpi, layout="constrained")
        self.canvas = CachingCanvas(self.fig)  # text drawn quickly (_glyphs.py)
        self.state = setup(self.fig)
        if arrange is not None:
            arrange(self.fig)
        artists = list(update(self.state, **defaults))
        if not artists:
            raise ValueError("update must return the artists it moves")
        for artist in artists:
            artist.set_animated(True)
        self.canvas.draw()  # lays out the figure and draws the still parts
        self.fig.set_layout_engine("none")  # freeze the layout from now on
        self.background = self.canvas.copy_from_bbox(self.fig.bbox)
        self.render(defaults)  # the animated artists' texts and positions set

    @property
    def size(self) -> tuple[int, int]:
        """(width, height) of a frame in image pixels."""
        w, h = self.canvas.get_width_height()
        return int(w), int(h)

    def render(self, values: dict) -> np.ndarray:
        """The frame at ``values`` as an (h, w, 4) uint8 array."""
        artists = list(self.update(self.state, **values))
        self.canvas.restore_region(self.background)
        for artist in artists:
            self.fig.draw_artist(artist)
        return np.asarray(self.canvas.buffer_rgba()).copy()

    def still(self) -> np.ndarray:
        """The still parts alone (what every frame shares)."""
        self.canvas.restore_region(self.background)
        return np.asarray(self.canvas.buffer_rgba()).copy()

    def panels(self, drags: Sequence[tuple], sliders: Sequence) -> list[dict]:
        """Where each panel bound to sliders (``drags``: ``(state key, x
        slider, y slider or None)``) lies in a frame: its box ``[x0, y0, x1,
        y1]`` in image pixels from the top left, and the pixel column
        (``xs``) or row (``ys``) of each grid value of its sliders.  The
        front-end snaps a pointer to the nearest of those."""
        names = [s.name for s in sliders]
        height = self.size[1]
        out = []
        for key, x, y in drags:
            ax = self.state[key]
            box = ax.get_window_extent()
            ys_of = x_of = None
            sx = sliders[names.index(x)]
            mid_y = (box.y0 + box.y1) / 2
            mid_x = (box.x0 + box.x1) / 2
            to_px = ax.transData.transform
            data_y = ax.transData.inverted().transform((mid_x, mid_y))[1]
            data_x = ax.transData.inverted().transform((mid_x, mid_y))[0]
            x_of = [float(to_px((v, data_y))[0]) for v in sx.grid]
            if y is not None:
                sy = sliders[names.index(y)]
                ys_of = [height - float(to_px((data_x, v))[1]) for v in sy.grid]
            out.append(
                {
                    "x": names.index(x),
                    "y": None if y is None else names.index(y),
                    "box": [
                        float(box.x0),
                        float(height - box.y1),
                        float(box.x1),
                        float(height - box.y0),
                    ],
                    "xs": x_of,
                    "ys": ys_of,
                }
            )
        return out


def png(rgba: np.ndarray) -> bytes:
    """A frame as PNG bytes, quickly (light compression: a plot's flat
    colours compress well even so)."""
    from PIL import Image

    buf = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(rgba[..., :3])).save(
        buf, format="png", compress_level=1
    )
    return buf.getvalue()


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


def boxes_of(mask: np.ndarray, gap: int) -> list[tuple[int, int, int, int]]:
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


def patches(frame: np.ndarray, still: np.ndarray, gap: int = 24) -> list[list]:
    """The parts of ``frame`` that differ from ``still`` (both RGBA), as
    ``[x, y, PNG bytes]`` boxes: what the notebook front-end draws over the
    still picture.  Encoding only these is several times quicker than the
    whole frame."""
    keys = np.ascontiguousarray(frame).view("<u4")[..., 0]
    base = np.ascontiguousarray(still).view("<u4")[..., 0]
    return [
        [x, y, png(frame[y : y + h, x : x + w])]
        for x, y, w, h in boxes_of(keys != base, gap)
    ]
