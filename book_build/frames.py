"""An explorer's frames for the website: every grid point drawn, packed in
layers of lossless WebP with one shared palette (book build only).

Used by :mod:`book_build.static_explorer`; the page's script
(``book_build/_static/book-explorer.js``) puts the layers back together.
"""

from __future__ import annotations

import io
import itertools

import numpy as np

from book_utils._drawing import Drawing, boxes_of

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


def sheet_axis(explorer) -> int:
    """The slider whose frames are grouped into one sheet: the one with the
    most values (the other sliders' values pick the sheet)."""
    sizes = [len(s.grid) for s in explorer.sliders]
    return sizes.index(max(sizes))


def frames(explorer, drawing: Drawing) -> dict:
    """Every frame of :meth:`Explorer.grid` drawn by ``drawing``, packed in layers
    for the web page, each layer drawn over the one before:

    * ``background``: the still parts;
    * ``sheets``: one per combination of the values of the sliders other
      than ``axis`` (row-major): the pixels that every frame of that
      sheet shares but the background does not (a curve that depends
      only on the other sliders);
    * ``frames``: one per grid point, in :meth:`Explorer.grid` order: the pixels
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

    axis = sheet_axis(explorer)
    along = explorer.sliders[axis]
    others = [s for i, s in enumerate(explorer.sliders) if i != axis]
    grid = list(explorer.grid())
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
        image.save(buf, format="webp", lossless=True, quality=WEBP_QUALITY, method=1)
        return buf.getvalue()

    def layer(keys: np.ndarray, mask: np.ndarray) -> tuple:
        """The pixels ``keys`` (0xBBGGRR) where ``mask``, in boxes."""
        boxes = boxes_of(mask, BOX_GAP)
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
    strides = np.cumprod([1, *(len(s.grid) for s in explorer.sliders[::-1])])[::-1]
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
            if grid[k] == explorer.defaults:
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
