"""The live explorer in a notebook: an anywidget whose front-end is the
book's one explorer module, ``_static/explorer.js`` (the website runs the
same module against its pre-rendered frames).

The front-end and the kernel share four values (traits):

* ``spec``: what the controls are (sliders, named points, bound panels);
  fixed;
* ``index``: the grid index of every slider; the front-end sets it;
* ``image``: the frame at ``index``, PNG bytes; the kernel sets it;
* ``geometry``: the frame's size and where its bound panels lie (pixels).
"""

from __future__ import annotations

import pathlib

import anywidget
import traitlets

from ._drawing import png

STATIC = pathlib.Path(__file__).parent / "_static"


class ExplorerWidget(anywidget.AnyWidget):
    """The controls and the figure of one :class:`~book_utils.Explorer`."""

    _esm = STATIC / "explorer.js"
    _css = STATIC / "explorer.css"
    spec = traitlets.Dict().tag(sync=True)
    index = traitlets.List(traitlets.Int()).tag(sync=True)
    image = traitlets.Bytes().tag(sync=True)
    geometry = traitlets.Dict().tag(sync=True)

    def __init__(self, explorer):
        self._explorer = explorer
        super().__init__(
            spec=explorer.spec(),
            index=explorer.start_index(),
            geometry=explorer.geometry(),
            image=png(explorer.render_rgba()),
        )

    @traitlets.observe("index")
    def _redraw(self, change):
        values = self._explorer.values_at(change["new"])
        self.image = png(self._explorer.render_rgba(**values))
