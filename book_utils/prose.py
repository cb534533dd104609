"""Numbers that the prose quotes.

A chapter computes a number in a code cell and passes it to :func:`glue`; the
text then quotes it with ``{glue:text}`name:.4f``` instead of typing it, so the
website always shows what the code printed, and nbval checks that printed value
on every test run.

:func:`glue` writes the output that ``myst_nb.glue`` writes (the value's
``text/plain`` display, tagged in the output's metadata with
``{"scrapbook": {"name": ..., "mime_prefix": ""}}``), with IPython alone, so
that the reader notebooks run where myst-nb is not installed (Colab, a
download); the book build still finds the glued values in those outputs.
"""

from __future__ import annotations

import numbers

import numpy as np


def glue(name: str, value):
    """Show ``value`` as the cell's output and keep it for the prose as ``name``.

    Used from chapter 1 on.  ``value`` must be a plain number (NumPy scalars are
    converted), so that the prose can format it with a format spec.
    """
    # IPython is imported here: importing book_utils should not need a shell
    from IPython.core.formatters import format_display_data
    from IPython.display import display

    if not isinstance(name, str) or not name:
        raise ValueError(f"glue takes a non-empty name, got {name!r}")
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(
            f"glue({name!r}, ...) takes a number, got {type(value).__name__}"
        )
    bundle, metadata = format_display_data(value)
    metadata["scrapbook"] = {"name": name, "mime_prefix": ""}
    display(bundle, raw=True, metadata=metadata)
