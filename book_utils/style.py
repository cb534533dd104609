"""The book's plotting style: colour-blind-safe colours and readable sizes."""

from __future__ import annotations

import matplotlib as mpl
from cycler import cycler

#: The Okabe-Ito palette, distinguishable with the common colour-vision deficiencies.
COLORS = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "green": "#009E73",
    "vermillion": "#D55E00",
    "sky": "#56B4E9",
    "purple": "#CC79A7",
    "yellow": "#F0E442",
    "black": "#000000",
}


def use_book_style() -> None:
    """Set matplotlib's defaults for the book's figures.  Called by every
    chapter's first code cell (never on import): Okabe-Ito colours, a white
    background that stays readable in the site's dark theme, and larger text.
    """
    mpl.rcParams.update(
        {
            "axes.prop_cycle": cycler(
                color=[
                    COLORS[c]
                    for c in ("blue", "orange", "green", "vermillion", "sky", "purple")
                ]
            ),
            "figure.facecolor": "white",
            "axes.facecolor": "white",
            "savefig.facecolor": "white",
            "figure.dpi": 96,
            "figure.figsize": (7.0, 3.4),
            "figure.constrained_layout.use": True,
            "font.size": 11,
            "axes.titlesize": 12,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.grid": True,
            "grid.alpha": 0.3,
            "legend.frameon": False,
        }
    )
