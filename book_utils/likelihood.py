"""Likelihoods and losses for 0/1 labels and for K classes, and the normal
log-likelihood.

Sums use :func:`math.fsum`, so a log-likelihood over a million examples is
exact to float64 rounding, not just to the accuracy of a running sum.
"""

from __future__ import annotations

import math

import numpy as np

from ._validate import (
    as_finite_array,
    as_float_array,
    as_labels,
    as_probability,
    broadcast_pair,
    integer_scalar,
    scalar_or_array,
)
from .links import log_softmax


def _labels_and_probs(y, p):
    y_arr = as_labels(y, "y")
    p_arr = as_probability(p, "p")
    return broadcast_pair(y_arr, p_arr, "y", "p")


def _log_terms(y, p):
    """Per-example log p^y (1 - p)^(1 - y); 0 log 0 counts as 0."""
    y, p = _labels_and_probs(y, p)
    with np.errstate(divide="ignore"):
        return np.where(y == 1, np.log(p), np.log1p(-p))


def _total(terms: np.ndarray) -> float:
    terms = np.ravel(terms)
    try:
        return math.fsum(terms)
    except OverflowError:  # the exact sum is beyond the float range: +-inf
        with np.errstate(over="ignore"):
            return float(np.sum(terms))


def bernoulli_likelihood(y, p):
    """Per-example likelihood p^y (1 - p)^(1 - y) of 0/1 labels ``y``.

    Taught in chapter 3 (the Bernoulli likelihood).  Returns one value per
    example (``p`` may be a single probability shared by all of them).
    """
    y_arr, p_arr = _labels_and_probs(y, p)
    out = np.where(y_arr == 1, p_arr, 1.0 - p_arr)
    return scalar_or_array(out)


def bernoulli_log_likelihood(y, p):
    """Sum over examples of y log p + (1 - y) log(1 - p).  Taught in chapter 4.

    A label that agrees with a certain prediction adds 0; one that contradicts
    it makes the total ``-inf``.
    """
    return _total(_log_terms(y, p))


def negative_log_likelihood(y, p):
    """Minus :func:`bernoulli_log_likelihood` (a sum).  Taught in chapter 5."""
    return -bernoulli_log_likelihood(y, p)


def binary_cross_entropy(y, p):
    """Mean over examples of -[y log p + (1 - y) log(1 - p)].  Chapter 5."""
    terms = _log_terms(y, p)
    return -_total(terms) / terms.size


def _softplus(x):
    """log(1 + exp(x)) without overflow."""
    return np.maximum(x, 0.0) + np.log1p(np.exp(-np.abs(x)))


def binary_cross_entropy_with_logits(y, z):
    """Binary cross-entropy (the mean) computed from logits ``z``.  Chapter 5.

    Uses -log sigmoid(z) = softplus(-z) and -log(1 - sigmoid(z)) = softplus(z),
    so no probability is rounded to 0 or 1 before the log is taken:
    ``binary_cross_entropy_with_logits(1, -1000)`` is 1000.0, not ``inf``.
    """
    y_arr = as_labels(y, "y")
    z_arr = as_finite_array(z, "z")
    y_arr, z_arr = broadcast_pair(y_arr, z_arr, "y", "z")
    terms = np.where(y_arr == 1, _softplus(-z_arr), _softplus(z_arr))
    return _total(terms) / terms.size


def normal_log_likelihood(y, mu, sigma):
    """Sum of log N(y_i | mu_i, sigma^2).  Taught in chapter 6.

    ``mu`` may be one value or one per observation; ``sigma`` must be positive.
    """
    y_arr = as_finite_array(y, "y")
    mu_arr = as_finite_array(mu, "mu")
    sigma_arr = as_float_array(sigma, "sigma")
    if (sigma_arr <= 0).any() or not np.isfinite(sigma_arr).all():
        raise ValueError(f"sigma must be positive and finite; got {sigma!r}")
    y_arr, mu_arr = broadcast_pair(y_arr, mu_arr, "y", "mu")
    y_arr, sigma_arr = broadcast_pair(y_arr, sigma_arr, "y", "sigma")
    with np.errstate(over="ignore"):  # a residual too big to square gives -inf
        z = (y_arr - mu_arr) / sigma_arr
        terms = -0.5 * np.log(2.0 * np.pi) - np.log(sigma_arr) - 0.5 * z * z
    return _total(terms)


def _class_labels(y, name: str = "y") -> np.ndarray:
    """Integer class labels 0, 1, 2, ... as an int array (a float 2.0 is fine)."""
    arr = as_float_array(y, name)
    if not np.isfinite(arr).all() or (arr != np.round(arr)).any() or (arr < 0).any():
        bad = arr[~np.isfinite(arr) | (arr != np.round(arr)) | (arr < 0)]
        raise ValueError(
            f"{name} must hold class labels 0, 1, 2, ...; got {float(bad.flat[0])!r}"
        )
    return arr.astype(np.intp)


def one_hot(y, n_classes: int):
    """The n x K indicator matrix Y with Y[i, y_i] = 1.  Taught in chapter 7.

    ``y`` holds integer class labels 0, ..., n_classes - 1 (one per example).
    """
    n_classes = integer_scalar(n_classes, "n_classes")
    if n_classes < 2:
        raise ValueError(f"n_classes must be at least 2, got {n_classes}")
    labels = _class_labels(y)
    if labels.ndim != 1:
        raise ValueError(f"y must be a 1-D array of labels; got {labels.ndim}-D")
    if (labels >= n_classes).any():
        raise ValueError(
            f"y has label {int(labels.max())}, but n_classes is {n_classes} "
            f"(labels run from 0 to {n_classes - 1})"
        )
    out = np.zeros((labels.size, n_classes))
    out[np.arange(labels.size), labels] = 1.0
    return out


def categorical_cross_entropy(y, z):
    """Mean over examples of -log softmax(z_i)[y_i].  Taught in chapter 7.

    ``y`` holds n integer class labels 0, ..., K - 1 and ``z`` the n x K
    logits (a single example may be a scalar label with a K-vector of logits).
    Computed with :func:`log_softmax`, so a logit of 1000 costs nothing in
    accuracy: ``categorical_cross_entropy(1, [1000, 0])`` is 1000.0.  Times n
    it is the negative log-likelihood of a multinomial logistic model.  With
    K = 2, class 0 as the reference and logits [0, eta] it equals the binary
    cross-entropy of chapter 5, ``binary_cross_entropy_with_logits(y, eta)``
    (class 1 has probability sigmoid(eta)); logits [eta, 0] give class 0 that
    probability instead, i.e. the binary cross-entropy of the swapped labels
    1 - y.
    """
    z_arr = as_finite_array(z, "z")
    labels = _class_labels(y)
    if z_arr.ndim == 1 and labels.ndim == 0:
        z_arr, labels = z_arr[np.newaxis, :], labels[np.newaxis]
    if z_arr.ndim != 2:
        raise ValueError(
            f"z must be an n x K array of logits (one row per example); got {z_arr.ndim}-D"
        )
    if labels.ndim != 1:
        raise ValueError(f"y must be a 1-D array of labels; got {labels.ndim}-D")
    n, n_classes = z_arr.shape
    if n_classes < 2:
        raise ValueError(f"z needs at least two classes (columns); got {n_classes}")
    if labels.size != n:
        raise ValueError(
            f"y and z must have the same number of examples: y has {labels.size}, "
            f"z has {n} rows"
        )
    if n == 0:
        raise ValueError("y and z hold no examples")
    if (labels >= n_classes).any():
        raise ValueError(
            f"y has label {int(labels.max())}, but z has only {n_classes} columns "
            f"(labels run from 0 to {n_classes - 1})"
        )
    log_p = log_softmax(z_arr, axis=1)[np.arange(n), labels]
    return -_total(log_p) / n
