"""Argument checks shared by the public functions (private module).

Every check raises ``ValueError`` with a message that names the argument and
the problem, so that a learner who passes bad data reads what went wrong
instead of meeting a silent ``nan`` further down.
"""

from __future__ import annotations

import numpy as np


def as_float_array(x, name: str) -> np.ndarray:
    """Return ``x`` as a float64 array, refusing NaN and non-numeric input."""
    try:
        arr = np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be numeric, got {x!r}") from exc
    if np.isnan(arr).any():
        raise ValueError(f"{name} contains NaN")
    return arr


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
