"""Argument checks shared by the public functions (private module).

Every check raises an error with a message that names the argument and the
problem, so that a learner who passes bad data reads what went wrong instead of
meeting a silent ``nan`` further down.  Two kinds of mistake, two exception
types:

- ``TypeError``: the input is not real numbers at all: a string, bytes, a
  complex number (even one with a zero imaginary part: it is refused, not
  truncated), a date, ``None`` or any other object.  An object array is
  accepted only if every element is a real number (``numbers.Real``: a
  Python int too large for int64, a ``Fraction``, a float in a pandas
  object column).  In data arrays booleans are accepted as the numbers 0 and
  1, as NumPy and Python treat them, so ``y = x > 0`` is a valid label
  array; a single parameter (a level, an index, a count) refuses a bool.
- ``ValueError``: real numbers with a wrong value or shape (NaN, infinity, a
  label that is not 0 or 1, lengths that differ, a ragged list, ...).
"""

from __future__ import annotations

import numbers

import numpy as np

# dtype kinds of real numbers: booleans, signed and unsigned integers, floats
_REAL_KINDS = frozenset("biuf")


def _short(x) -> str:
    text = repr(x)
    return text if len(text) <= 60 else text[:57] + "..."


def as_float_array(x, name: str) -> np.ndarray:
    """Return ``x`` as a float64 array, refusing NaN and non-real input.

    Raises ``TypeError`` (naming ``name``) unless every element is a real
    number (bool, int or float); see the module docstring.
    """
    try:
        raw = np.asarray(x)
    except (TypeError, ValueError) as exc:  # a ragged list, an odd object
        raise ValueError(
            f"{name} must be a number or a rectangular array of numbers; "
            f"got {_short(x)}"
        ) from exc
    if raw.dtype.kind == "O" and all(isinstance(v, numbers.Real) for v in raw.flat):
        raw = raw.astype(np.float64)
    if raw.dtype.kind not in _REAL_KINDS:
        raise TypeError(
            f"{name} must hold real numbers (int, float or bool); got "
            f"{_short(x)} of dtype {raw.dtype}"
        )
    arr = raw.astype(np.float64, copy=False)
    if np.isnan(arr).any():
        raise ValueError(f"{name} contains NaN")
    return arr


def real_scalar(value, name: str) -> float:
    """A single real number given as a parameter (not data): ``TypeError``
    unless it is an int or float (a bool is refused here: ``True`` is no
    sensible level or cap), ``ValueError`` unless it is finite."""
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {_short(value)}")
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value!r}")
    return float(value)


def integer_scalar(value, name: str, what: str = "an integer") -> int:
    """A single integer parameter: ``TypeError`` unless it is an int (not a
    bool, not a float such as 2.0)."""
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be {what}, got {_short(value)}")
    return int(value)


def as_finite_array(x, name: str) -> np.ndarray:
    arr = as_float_array(x, name)
    if not np.isfinite(arr).all():
        raise ValueError(f"{name} must be finite, got an infinite value")
    return arr


def as_probability(p, name: str = "p") -> np.ndarray:
    """A probability array: every value in [0, 1] and none NaN."""
    arr = as_float_array(p, name)
    bad = (arr < 0) | (arr > 1)
    if bad.any():
        raise ValueError(
            f"{name} must hold probabilities in [0, 1]; got {float(arr[bad].flat[0])!r}"
        )
    return arr


def as_labels(y, name: str = "y") -> np.ndarray:
    """A label array: every value exactly 0 or 1."""
    arr = as_float_array(y, name)
    bad = (arr != 0) & (arr != 1)
    if bad.any():
        raise ValueError(
            f"{name} must hold 0/1 labels; got {float(arr[bad].flat[0])!r}"
        )
    return arr


def broadcast_pair(a: np.ndarray, b: np.ndarray, name_a: str, name_b: str):
    """Pair two arrays of equal shape; a scalar pairs with anything."""
    if a.ndim == 0 or b.ndim == 0 or a.shape == b.shape:
        return np.broadcast_arrays(a, b)
    raise ValueError(
        f"{name_a} and {name_b} must have the same length: "
        f"{name_a} has shape {a.shape}, {name_b} has shape {b.shape}"
    )


def scalar_or_array(arr: np.ndarray) -> float | np.ndarray:
    """Give back a Python float when the result is a single number."""
    return float(arr) if arr.ndim == 0 else arr


def design_matrix(X, y, *, min_extra_rows: int = 0):
    """Check a design matrix ``X`` (n x k) and response ``y`` (n,)."""
    X = as_finite_array(X, "X")
    if X.ndim != 2:
        raise ValueError(f"X must be a 2-D array (n rows, k columns); got {X.ndim}-D")
    y = as_finite_array(y, "y")
    if y.ndim != 1:
        raise ValueError(f"y must be a 1-D array; got {y.ndim}-D")
    n, k = X.shape
    if y.shape[0] != n:
        raise ValueError(
            f"X and y must have the same number of rows: X has {n}, y has {y.shape[0]}"
        )
    if k == 0:
        raise ValueError("X has no columns")
    if n < k + min_extra_rows:
        need = "more rows than" if min_extra_rows else "at least as many rows as"
        raise ValueError(f"X must have {need} columns; got {n} rows and {k} columns")
    return X, y


def check_rank(R: np.ndarray, n_rows: int) -> None:
    """Refuse a rank-deficient design, judged from the R factor of its QR.

    R has the same singular values as X, so the usual ``matrix_rank``
    tolerance (largest singular value x max(n, k) x eps) applies unchanged.
    """
    k = R.shape[1]
    s = np.linalg.svd(R[:k, :k], compute_uv=False)
    tol = s.max() * max(n_rows, k) * np.finfo(np.float64).eps
    rank = int((s > tol).sum())
    if rank < k:
        raise ValueError(
            f"X is rank-deficient: rank {rank} < {k} columns "
            "(a column is a linear combination of the others)"
        )
