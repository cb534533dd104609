"""An explorer's kernel-free version for the website (book build only).

When the book build sets ``BOOK_STATIC_EXPLORERS``, every explorer's cell
output gets :func:`static_html`: ``setup`` runs again on figures at twice the
screen density (sharp on a 2x display), once at the explorer's own size and
once 3.6 inches wide for phones (``setup``'s side-by-side panels stacked into
a column), ``update`` draws every frame, and :func:`book_build.frames.frames`
packs them.  The page's script (``_static/book-explorer.js``) runs the
book's one explorer front-end (``book_utils/_static/explorer.js``, the same
module as in a notebook) on those frames.  An explorer drawn before, with
the same content, comes from :mod:`book_build.frame_cache`.
"""

from __future__ import annotations

import base64
import functools
import html
import json
import math
import warnings
from collections.abc import Callable
from typing import Any

from matplotlib.figure import Figure
from matplotlib.text import Text

from book_utils._drawing import Drawing

from . import frame_cache
from .frames import frames

#: The website's frames carry ``STATIC_DPI`` image pixels per inch, two per
#: CSS pixel (``CSS_DPI``, 1/96 in), so they are sharp at devicePixelRatio 2.
CSS_DPI = 96
STATIC_DPI = 2 * CSS_DPI
#: Width (inches) of the frames drawn for narrow screens (phones): 346 CSS px.
NARROW_WIDTH = 3.6
#: The smallest text (CSS px) a page shows: the script switches to the narrow
#: frames where the wide ones would be scaled down below it.
MIN_TEXT_PX = 9


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


def layout_names(explorer) -> list[str]:
    """The layouts the website draws: ``"wide"``, at the explorer's own size,
    and, if that is wider than ``NARROW_WIDTH``, ``"narrow"``."""
    return ["wide", "narrow"] if explorer.figsize[0] > NARROW_WIDTH else ["wide"]


def layout(explorer, name: str) -> Drawing:
    """The figure as the website draws it, at ``STATIC_DPI``: ``"wide"`` at
    the explorer's own size, ``"narrow"`` for phones: the same ``setup`` on a
    figure ``NARROW_WIDTH`` inches wide, its side-by-side panels stacked."""
    if name not in ("wide", "narrow"):
        raise ValueError(f"layouts are 'wide' and 'narrow', not {name!r}")

    def narrow(fig):
        _stack_axes(fig, explorer.figsize, NARROW_WIDTH)
        _fit_narrow(fig)

    drawing = Drawing(
        explorer._setup,
        explorer._update,
        explorer.defaults,
        explorer.figsize,
        STATIC_DPI,
        arrange=narrow if name == "narrow" else None,
    )
    explorer.check_panels(drawing)
    return drawing


def layouts(explorer) -> dict[str, Drawing]:
    """Every layout of :func:`layout_names`, drawn."""
    return {name: layout(explorer, name) for name in layout_names(explorer)}


def smallest_text_pt(drawing: Drawing) -> float:
    """The size (points) of the smallest text the figure shows."""
    return min(
        (
            t.get_fontsize()
            for t in drawing.fig.findobj(Text)
            if t.get_visible() and t.get_text().strip()
        ),
        default=math.inf,
    )


def _packed(explorer, name: str) -> tuple[float, dict, dict]:
    drawing = layout(explorer, name)
    geometry = explorer.geometry(drawing, css_dpi=CSS_DPI)
    return smallest_text_pt(drawing), geometry, frames(explorer, drawing)


def static_html(explorer) -> str:
    """The explorer as self-contained HTML for a page without a kernel.

    A ``<figure class="bx">`` carrying the front-end's ``data-spec`` (the
    controls, :meth:`Explorer.spec`) and, per layout, a ``<div
    class="bx-figure">`` holding the starting frame as an ``<img>`` with the
    explorer's ``alt`` (what a page without its script shows), the layout's
    ``data-geometry`` (size, bound panels) and all its layers in one base64
    ``data-pack`` (``data-layers`` gives each one's offset, length and
    boxes), which ``book_build.site`` moves to a file of its own so that a
    page loads only the layout it shows.  The controls are drawn by the
    front-end.  The same explorer always gives the same HTML (ids derive
    from the title).
    """
    cached = getattr(explorer, "_static_html", None)
    if cached is not None:
        return cached
    key, cached = frame_cache.load(explorer)
    if cached is not None:
        explorer._static_html = cached
        return cached
    esc = html.escape
    views = []
    names = layout_names(explorer)
    jobs = [functools.partial(_packed, explorer, n) for n in names]
    for name, (smallest_pt, geometry, packed) in zip(
        names, _side_by_side(jobs), strict=True
    ):
        w, h = packed["size"]
        layers = [packed["background"], *packed["sheets"], *packed["frames"]]
        index, offset = [], 0
        for boxes, data in layers:
            index.append([offset, len(data), [list(box) for box in boxes]])
            offset += len(data)
        pack = base64.b64encode(b"".join(d for _, d in layers)).decode("ascii")
        start = base64.b64encode(packed["start"]).decode("ascii")
        css_width = w * CSS_DPI / STATIC_DPI
        text_px = smallest_pt * CSS_DPI / 72
        views.append(
            f'<div class="bx-figure bx-{name}" '
            f'style="max-width:{css_width:.6g}px;aspect-ratio:{w}/{h}" '
            f'data-width="{css_width:.6g}" data-text-px="{text_px:.4g}" '
            f'data-axis="{packed["axis"]}" data-sheets="{len(packed["sheets"])}" '
            f'data-geometry="{esc(_json(geometry))}" '
            f'data-layers="{_json(index)}" '
            f'data-pack="{pack}"><img class="bx-start" alt="{esc(explorer.alt)}" '
            f'src="data:image/webp;base64,{start}"></div>'
        )
    explorer._static_html = (
        f'<figure class="bx" id="{explorer.uid}" aria-label="{esc(explorer.title)}" '
        f'data-spec="{esc(_json(explorer.spec()))}">{"".join(views)}</figure>'
    )
    frame_cache.store(key, explorer._static_html)
    return explorer._static_html


def _json(value) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
