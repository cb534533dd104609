"""Probabilities, odds, log-odds and softmax.

Each function accepts a scalar or an array and returns the same kind.  None of
them warns or returns NaN for finite input; limits that are infinite
(``logit(1)``, ``odds(1)``) return ``inf`` on purpose.
"""

from __future__ import annotations

import numpy as np

from ._validate import as_finite_array, as_float_array, as_probability, scalar_or_array


def sigmoid(z):
    """The logistic function 1 / (1 + exp(-z)), the inverse of :func:`logit`.

    Taught in chapter 2 (odds and log-odds).  Computed from ``exp(-|z|)`` so that
    ``sigmoid(-1000)`` is 0.0 and ``sigmoid(1000)`` is 1.0 without an overflow.
    """
    arr = as_float_array(z, "z")
    e = np.exp(-np.abs(arr))  # in (0, 1]: never overflows
    out = np.where(arr >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
    return scalar_or_array(out)


def logit(p):
    """Log-odds log(p / (1 - p)), the inverse of :func:`sigmoid`.

    Taught in chapter 2.  ``logit(0)`` is ``-inf`` and ``logit(1)`` is ``inf``.
    """
    arr = as_probability(p, "p")
    with np.errstate(divide="ignore"):
        out = np.log(arr) - np.log1p(-arr)
    return scalar_or_array(out)


def odds(p):
    """Odds in favour, p / (1 - p).  Taught in chapter 2; ``odds(1)`` is ``inf``."""
    arr = as_probability(p, "p")
    with np.errstate(divide="ignore"):
        out = arr / (1.0 - arr)
    return scalar_or_array(out)


def odds_to_probability(o):
    """Probability from odds in favour, o / (1 + o).  Taught in chapter 2.

    Odds must be non-negative; ``inf`` odds give probability 1.
    """
    arr = as_float_array(o, "odds")
    if (arr < 0).any():
        raise ValueError(
            f"odds must be non-negative; got {float(arr[arr < 0].flat[0])!r}"
        )
    with np.errstate(invalid="ignore"):
        out = np.where(np.isinf(arr), 1.0, arr / (1.0 + arr))
    return scalar_or_array(out)


def _shifted(z, axis):
    arr = as_finite_array(z, "z")
    if arr.ndim == 0:
        raise ValueError("softmax needs a vector of logits, got a scalar")
    # A gap wider than the float range (e.g. [1e308, -1e308]) rounds to -inf,
    # whose exp is exactly 0: the right answer, so the overflow is not news.
    with np.errstate(over="ignore"):
        return arr - arr.max(axis=axis, keepdims=True)


def softmax(z, axis=-1):
    """exp(z_k) / sum_j exp(z_j) along ``axis``.  Taught in chapter 7 (softmax).

    Subtracts the largest logit first, so ``softmax([1000, 0])`` is ``[1, 0]``
    rather than ``nan``.  Logits must be finite.
    """
    s = np.exp(_shifted(z, axis))
    return s / s.sum(axis=axis, keepdims=True)


def log_softmax(z, axis=-1):
    """log softmax(z), computed as z - logsumexp(z).  Taught in chapter 7.

    ``log_softmax([1000, 0])`` is ``[0, -1000]`` exactly, where the naive
    ``log(softmax(z))`` gives ``-inf`` for the second entry.  After the
    largest logit m is subtracted, logsumexp(z) - m = log(1 + s) with s the sum
    of exp(z_j - m) over the other entries; it is computed as ``log1p(s)``, so
    a small s is not lost in 1 + s: ``log_softmax([0, -40])[0]`` is
    -4.25e-18, not -0.0.
    """
    shifted = _shifted(z, axis)
    e = np.exp(shifted)
    # drop one largest entry (exp(0) = 1) from the sum: s = sum(e) - 1, exactly
    top = np.expand_dims(np.argmax(shifted, axis=axis), axis)
    np.put_along_axis(e, top, 0.0, axis=axis)
    return shifted - np.log1p(e.sum(axis=axis, keepdims=True))
