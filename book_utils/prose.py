"""Numbers that the prose quotes.

A chapter computes a number in a code cell and passes it to :func:`glue` with
the format the prose uses; the text then quotes it with
``{glue:text}`name:.4f``` instead of typing it, so the website always shows
what the code printed, and nbval checks that printed value on every test run.

Only the digits the prose shows are stored.  A full-precision ``repr`` such as
``-12.889634222131416`` would tie the stored notebook to the last bits of one
machine's arithmetic (another CPU's BLAS or SIMD loops print ``...415``), so
``glue`` rounds the value to ``fmt`` before it is shown or stored.

:func:`glue` writes the output that ``myst_nb.glue`` writes (the value's
``text/plain`` display, tagged in the output's metadata with
``{"scrapbook": {"name": ..., "mime_prefix": ""}}``), with IPython alone, so
that the reader notebooks run where myst-nb is not installed (Colab, a
download); the book build still finds the glued values in those outputs.
"""

from __future__ import annotations

import math
import numbers
import re
from decimal import Decimal

import numpy as np

# The format specs the prose may use: optional thousands separator, optional
# precision, and a type among f, e, % (floats) or d (integers); "," alone
# groups the digits of an integer.
_SPEC = re.compile(r"^(?P<comma>,)?(?:\.(?P<prec>\d+))?(?P<type>[fe%d])?$")


def _rounded(value, fmt: str):
    """``value`` as the prose shows it with ``fmt``, as a number again."""
    match = _SPEC.match(fmt)
    if match is None or (match["type"] is None and match["prec"] is not None):
        raise ValueError(
            f"glue format {fmt!r} is not one of the book's specs "
            "(for example '.4f', '.2e', '.1%', ',', ',.0f', 'd')"
        )
    kind = match["type"]
    if kind in (None, "d"):
        if isinstance(value, float) and not value.is_integer():
            raise ValueError(
                f"glue format {fmt!r} is for whole numbers, got {value!r}: "
                "use a precision such as '.2f'"
            )
        return int(value)
    shown = format(value, fmt).replace(",", "")
    if kind == "%":
        return float(Decimal(shown[:-1]) / 100)
    return float(shown)


def glue(name: str, value, fmt: str | None = None):
    """Show ``value`` as the cell's output and keep it for the prose as ``name``.

    Used from chapter 1 on.  ``value`` must be a finite plain number (NumPy
    scalars are converted).  ``fmt`` is the format spec the prose quotes it
    with (``{glue:text}`name:.4f``` takes ``".4f"``): the stored value keeps
    exactly the digits that spec shows, so the notebook's output is the same
    on every machine.  It may be left out for integers only.
    """
    # IPython is imported here: importing book_utils should not need a shell
    from IPython.core.formatters import format_display_data
    from IPython.display import display

    if not isinstance(name, str) or not name.isidentifier():
        raise ValueError(f"glue name must be an identifier, got {name!r}")
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(
            f"glue({name!r}, ...) takes a number, got {type(value).__name__}"
        )
    if not math.isfinite(value):
        raise ValueError(f"glue({name!r}, ...) takes a finite number, got {value!r}")
    if fmt is None:
        if not isinstance(value, numbers.Integral):
            raise ValueError(
                f"glue({name!r}, {value!r}) needs fmt, the format the prose "
                "quotes it with (for example '.4f'): only those digits are stored"
            )
        value = int(value)
    else:
        value = _rounded(value, fmt)
    bundle, metadata = format_display_data(value)
    metadata["scrapbook"] = {"name": name, "mime_prefix": ""}
    display(bundle, raw=True, metadata=metadata)
