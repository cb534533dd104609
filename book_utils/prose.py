"""Numbers that the prose quotes.

A chapter computes a number in a code cell and passes it to :func:`glue`; the
text then quotes it with ``{glue:text}`name:.4f``` instead of typing it, so the
website always shows what the code printed, and nbval checks that printed value
on every test run.
"""

from __future__ import annotations

import numbers

import numpy as np


def glue(name: str, value):
    """Show ``value`` as the cell's output and keep it for the prose as ``name``.

    Used from chapter 1 on.  ``value`` must be a plain number (NumPy scalars are
    converted), so that the prose can format it with a format spec.
    """
    from myst_nb import glue as _myst_glue  # imported here: only needed when called

    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(
            f"glue({name!r}, ...) takes a number, got {type(value).__name__}"
        )
    _myst_glue(name, value, display=True)
