"""book_utils.glue writes what myst_nb.glue writes, without needing myst-nb.

The reader notebooks (``notebooks/``) run where myst-nb is not installed, so
``glue`` uses IPython only; the website build reads the glued values with
myst-nb, so the outputs must be the ones myst-nb's own ``glue`` makes.  The
reference here is myst-nb itself.
"""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

import book_utils
from book_utils.prose import _rounded


def _capture(monkeypatch, module, attribute):
    calls = []
    monkeypatch.setattr(
        module, attribute, lambda *args, **kwargs: calls.append((args, kwargs))
    )
    return calls


@pytest.mark.parametrize(
    ("value", "fmt", "plain"),
    [
        (0.00390625, ".8f", 0.00390625),
        (-12.889634222131416, ".4f", -12.8896),  # stored as the prose shows it
        (3, None, 3),
        (np.float64(0.75), ".2f", 0.75),
        (10**20, None, 10**20),
    ],
)
def test_glue_displays_what_myst_nb_glue_displays(monkeypatch, value, fmt, plain):
    import IPython.display
    import myst_nb.ext.glue as myst_glue

    ours = _capture(monkeypatch, IPython.display, "display")
    theirs = _capture(monkeypatch, myst_glue, "ipy_display")
    book_utils.glue("a_name", value, fmt)
    myst_glue.glue("a_name", plain, display=True)
    assert len(ours) == len(theirs) == 1
    assert ours == theirs
    (bundle,), kwargs = ours[0]
    assert bundle == {"text/plain": repr(plain)}
    assert kwargs["metadata"]["scrapbook"] == {"name": "a_name", "mime_prefix": ""}


@pytest.mark.parametrize("value", ["0.5", None, True, [1.0], 1 + 2j])
def test_glue_takes_only_real_numbers(value):
    with pytest.raises(ValueError, match="takes a number"):
        book_utils.glue("x", value)


def test_glue_needs_a_name():
    with pytest.raises(ValueError, match="identifier"):
        book_utils.glue("", 1.0, ".1f")


def test_book_utils_never_imports_myst_nb():
    # a reader's environment has only book_utils' own dependencies
    code = (
        "import sys, book_utils; book_utils.glue('x', 1.5, '.1f'); "
        "assert 'myst_nb' not in sys.modules, 'book_utils imported myst_nb'"
    )
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)


# --- glue: only the digits the prose shows are stored -----------------------


@pytest.mark.parametrize(
    ("value", "fmt", "stored"),
    [
        (-12.889634222131416, ".3f", -12.89),
        (0.00390625, ".8f", 0.00390625),
        (0.00390625, ".1%", 0.004),
        (0.123, ".1%", 0.123),  # via Decimal: not 0.12300000000000001
        (8.881784197001252e-16, ".2e", 8.88e-16),
        (1234567.8, ",.0f", 1234568.0),
        (1195, ",", 1195),
        (7, "d", 7),
    ],
)
def test_glue_stores_what_the_format_shows(value, fmt, stored):
    got = _rounded(value, fmt)
    assert got == stored and type(got) is type(stored)
    assert format(got, fmt) == format(value, fmt)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("x", 0.1), "needs fmt"),
        (("x", 0.1, ".4g"), "not one of the book's specs"),
        (("x", 2.5, "d"), "whole numbers"),
        (("x", float("inf"), ".2f"), "finite"),
        (("x", "0.1", ".2f"), "takes a number"),
        (("1x", 1), "identifier"),
    ],
)
def test_glue_rejects_what_it_cannot_store_exactly(args, message):
    with pytest.raises(ValueError, match=message):
        book_utils.glue(*args)
