"""Text drawn quickly by an explorer's canvas: the same pixels as matplotlib's
Agg renderer, with its slow steps remembered.

Nearly all of a live update's time went to text: matplotlib 3.11 sets the
font size, shapes the string and asks FreeType to hint and rasterise every
glyph, each time it draws a text.  A frame's texts change in a few digits
while most glyphs recur, so :class:`CachingRenderer` keeps

* each glyph's bitmap, keyed by font, size, density, glyph, the glyph's
  transform and the fraction of a pixel where it falls: moving an outline by
  whole pixels moves its raster by whole pixels, so the bitmap is reused at
  any position with the same fraction;
* each string's shaped layout (glyphs and their offsets), keyed by the
  string, the font properties and the shaping options.

Both name fonts by their files, never hold matplotlib's font objects (its
font cache may drop and remake them, and empties itself in a forked
process, as the book build's frame rendering uses).

Everything else (where the text goes, its colour, clipping, how a glyph is
painted) is matplotlib's own code.  The drawings are identical, pixel for
pixel; ``tests/test_glyph_cache.py`` compares every explorer's frames.
Under another minor release of matplotlib than the one verified, or if its
private text API changes, :func:`renderer_class` falls back
to the plain renderer.
"""

from __future__ import annotations

import math

import matplotlib
import numpy as np
from matplotlib.backends import backend_agg
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
from matplotlib.font_manager import get_font
from matplotlib.ft2font import FT2Font

LIMIT = 50_000  # entries kept per cache before it starts afresh
_bitmaps: dict = {}
_layouts: dict = {}
_matrices: dict = {}


# The loop below copies matplotlib's own text drawing (RendererAgg, 3.11), and
# tests/test_glyph_cache.py proves the pixels equal under the pinned release.
# Another minor release (Colab's, say) may draw differently: it gets matplotlib's
# own renderer, slower but certainly right.
VERIFIED = (3, 11)


def _supported() -> bool:
    version = tuple(int(part) for part in matplotlib.__version__.split(".")[:2])
    return version == VERIFIED and all(
        hasattr(cls, name)
        for cls, name in [
            (RendererAgg, "_draw_text_glyphs_and_boxes"),
            (RendererAgg, "_prepare_font"),
            (FT2Font, "_layout"),
            (FT2Font, "_render_glyph"),
            (FT2Font, "_set_transform"),
            (backend_agg, "RenderMode"),
            (backend_agg, "get_hinting_flag"),
        ]
    )


def _matrix(angle: float, slant: float, extend: float):
    key = (angle, slant, extend)
    if key not in _matrices:
        # as matplotlib's RendererAgg._draw_text_glyphs_and_boxes computes it
        cos = math.cos(math.radians(angle))
        sin = math.sin(math.radians(angle))
        m = (
            (
                0x10000
                * np.array([[cos, -sin], [sin, cos]])
                @ [[extend, extend * slant], [0, 1]]
            )
            .round()
            .astype(int)
        )
        _matrices[key] = (m, tuple(m.ravel().tolist()))
    return _matrices[key]


def _remember(cache: dict, key, value):
    if len(cache) >= LIMIT:
        cache.clear()
    cache[key] = value
    return value


class CachingRenderer(RendererAgg):
    """matplotlib's Agg renderer, remembering glyph bitmaps and layouts."""

    def _draw_text_glyphs_and_boxes(self, gc, x, y, angle, glyphs, boxes):
        # matplotlib's loop over glyphs, with each bitmap looked up first
        cos = math.cos(math.radians(angle))
        sin = math.sin(math.radians(angle))
        load_flags = backend_agg.get_hinting_flag()
        antialiased = gc.get_antialiased()
        height = self.height
        for font, size, glyph_index, slant, extend, dx, dy in glyphs:  # dy upwards
            matrix, matrix_key = _matrix(angle, slant, extend)
            # FreeType's position of the glyph, in 1/64 pixel, y upwards
            px = round(0x40 * (x + dx * cos - dy * sin))
            py = round(0x40 * (height - y + dx * sin + dy * cos))
            whole_x, part_x = divmod(px, 0x40)
            whole_y, part_y = divmod(py, 0x40)
            # fonts by file, not by object: matplotlib's font cache may drop
            # and remake its FT2Font objects (and empties itself in a fork)
            key = (font.fname, font.family_name, font.style_name, size, self.dpi)
            key += (glyph_index, matrix_key, part_x, part_y)
            key += (load_flags, antialiased)
            hit = _bitmaps.get(key)
            if hit is None:
                font.set_size(size, self.dpi)
                font._set_transform(matrix, [part_x, part_y])
                bitmap = font._render_glyph(
                    glyph_index,
                    load_flags,
                    backend_agg.RenderMode.NORMAL
                    if antialiased
                    else backend_agg.RenderMode.MONO,
                )
                buffer = np.array(bitmap.buffer)
                if not antialiased:
                    buffer *= 0xFF
                hit = _remember(_bitmaps, key, (buffer, bitmap.left, bitmap.top))
            buffer, left, top = hit
            # draw_text_image's y is downwards & the bitmap's bottom side
            self._renderer.draw_text_image(
                buffer,
                left + whole_x,
                int(height) - (top + whole_y) + buffer.shape[0],
                0,
                gc,
            )
        boxes = list(boxes)
        if boxes:  # mathtext's rules: matplotlib's own code
            super()._draw_text_glyphs_and_boxes(gc, x, y, angle, (), boxes)

    def draw_text(self, gc, x, y, s, prop, angle, ismath=False, mtext=None):
        if ismath:
            return super().draw_text(gc, x, y, s, prop, angle, ismath, mtext)
        features = mtext.get_fontfeatures() if mtext is not None else None
        language = mtext.get_language() if mtext is not None else None
        if isinstance(language, list):
            language = tuple(language)
        flags = backend_agg.get_hinting_flag()
        key = (s, hash(prop), self.dpi, flags, features, language)
        items = _layouts.get(key)
        if items is None:
            font = self._prepare_font(prop)
            laid = font._layout(s, flags=flags, features=features, language=language)
            items = _remember(
                _layouts,
                key,
                tuple((i.ft_object.fname, i.glyph_index, i.x, i.y) for i in laid),
            )
        size = prop.get_size_in_points()
        fonts = {path: get_font(path) for path in {item[0] for item in items}}
        self._draw_text_glyphs_and_boxes(
            gc,
            x,
            y,
            angle,
            ((fonts[path], size, index, 0, 1, dx, dy) for path, index, dx, dy in items),
            [],
        )


class CachingCanvas(FigureCanvasAgg):
    """An Agg canvas that draws with :class:`CachingRenderer`."""

    def get_renderer(self):
        w, h = self.get_width_height(physical=True)
        key = w, h, self.figure.dpi
        if self._lastKey != key:
            self.renderer = renderer_class()(w, h, self.figure.dpi)
            self._lastKey = key
        return self.renderer


def renderer_class() -> type:
    return CachingRenderer if _supported() else RendererAgg
