"""The live explorer in a notebook: an anywidget whose front-end is the
book's one explorer module, ``_static/explorer.js`` (the website runs the
same module against its pre-rendered frames).

The front-end and the kernel share four values (traits):

* ``spec``: what the controls are (sliders, named points, bound panels);
  fixed;
* ``index``: the grid index of every slider; the front-end sets it;
* ``still``: the still parts of the figure (PNG), sent once, and
  ``patches``: the parts of the frame at ``index`` that differ from them,
  ``[x, y, PNG]`` boxes, and ``shown``, the index they show; the kernel
  sets them (encoding a few boxes is
  several times quicker than encoding the whole frame);
* ``geometry``: the frame's size and where its bound panels lie (pixels).
"""

from __future__ import annotations

import pathlib

import anywidget
import traitlets

from ._drawing import patches, png

STATIC = pathlib.Path(__file__).parent / "_static"


class ExplorerWidget(anywidget.AnyWidget):
    """The controls and the figure of one :class:`~book_utils.Explorer`."""

    _esm = STATIC / "explorer.js"
    _css = STATIC / "explorer.css"
    spec = traitlets.Dict().tag(sync=True)
    index = traitlets.List(traitlets.Int()).tag(sync=True)
    still = traitlets.Bytes().tag(sync=True)
    patches = traitlets.List().tag(sync=True)
    shown = traitlets.List(traitlets.Int()).tag(sync=True)
    geometry = traitlets.Dict().tag(sync=True)

    def __init__(self, explorer):
        self._explorer = explorer
        self._still = explorer._live.still()
        super().__init__(
            spec=explorer.spec(),
            index=explorer.start_index(),
            geometry=explorer.geometry(),
            still=png(self._still),
            patches=patches(explorer.render_rgba(), self._still),
            shown=explorer.start_index(),
        )

    @traitlets.observe("index")
    def _redraw(self, change):
        values = self._explorer.values_at(change["new"])
        boxes = patches(self._explorer.render_rgba(**values), self._still)
        with self.hold_sync():  # one message: the boxes and what they show
            self.shown = list(change["new"])
            self.patches = boxes
