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


def _capture(monkeypatch, module, attribute):
    calls = []
    monkeypatch.setattr(
        module, attribute, lambda *args, **kwargs: calls.append((args, kwargs))
    )
    return calls


@pytest.mark.parametrize("value", [0.00390625, -12.8896, 3, np.float64(0.75), 10**20])
def test_glue_displays_what_myst_nb_glue_displays(monkeypatch, value):
    import IPython.display
    import myst_nb.ext.glue as myst_glue

    ours = _capture(monkeypatch, IPython.display, "display")
    theirs = _capture(monkeypatch, myst_glue, "ipy_display")
    book_utils.glue("a_name", value)
    plain = value.item() if isinstance(value, np.generic) else value
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
    with pytest.raises(ValueError, match="non-empty name"):
        book_utils.glue("", 1.0)


def test_book_utils_never_imports_myst_nb():
    # a reader's environment has only book_utils' own dependencies
    code = (
        "import sys, book_utils; book_utils.glue('x', 1.5); "
        "assert 'myst_nb' not in sys.modules, 'book_utils imported myst_nb'"
    )
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
