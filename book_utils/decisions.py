"""From predicted probabilities to decisions: thresholds, ROC curves, AUC,
calibration and proper scores.  Taught in chapter 11.

Labels ``y`` are 0/1; ``p_hat`` are predicted probabilities (``roc_curve``
and the AUCs accept any real scores, since they use only their order).  A
case is called positive when its score is *at least* the threshold.  The log
score is :func:`binary_cross_entropy` (chapter 5), not repeated here.
"""

from __future__ import annotations

import numbers
import warnings
from typing import NamedTuple

import numpy as np

from ._validate import (
    as_finite_array,
    as_float_array,
    as_labels,
    as_probability,
    broadcast_pair,
    integer_scalar,
    real_scalar,
)


def _labels_and_scores(y, p_hat, *, probabilities: bool = False):
    y_arr = as_labels(y, "y")
    p_arr = (as_probability if probabilities else as_finite_array)(p_hat, "p_hat")
    if y_arr.ndim != 1 or p_arr.ndim != 1:
        raise ValueError("y and p_hat must be 1-D arrays")
    y_arr, p_arr = broadcast_pair(y_arr, p_arr, "y", "p_hat")
    if y_arr.size == 0:
        raise ValueError("y is empty")
    return y_arr, p_arr


def _both_classes(y: np.ndarray) -> tuple[int, int]:
    n1 = int(y.sum())
    n0 = y.size - n1
    if n1 == 0 or n0 == 0:
        raise ValueError("y must hold both labels, 0 and 1, for an ROC curve or AUC")
    return n1, n0


class Roc(NamedTuple):
    """The ROC curve: one point per distinct score, from (0, 0) to (1, 1)."""

    fpr: np.ndarray  # false-positive rate FP / (FP + TN)
    tpr: np.ndarray  # true-positive rate TP / (TP + FN)
    thresholds: np.ndarray  # decreasing; the first is +inf (nothing called positive)


def roc_curve(y, p_hat) -> Roc:
    """The ROC curve of scores ``p_hat`` for labels ``y``.  Chapter 11.

    Sorting the scores from high to low and lowering the threshold past each
    distinct score calls more cases positive; tied scores move together, so a
    tie between a 1 and a 0 is one diagonal step.  Same points as
    scikit-learn's ``roc_curve(y, p_hat, drop_intermediate=False)``.
    """
    y, p = _labels_and_scores(y, p_hat)
    n1, n0 = _both_classes(y)
    order = np.argsort(-p, kind="stable")
    p_sorted, y_sorted = p[order], y[order]
    last_of_tie = np.r_[np.flatnonzero(np.diff(p_sorted)), p.size - 1]
    tp = np.cumsum(y_sorted)[last_of_tie]
    fp = last_of_tie + 1 - tp
    return Roc(
        fpr=np.r_[0.0, fp] / n0,
        tpr=np.r_[0.0, tp] / n1,
        thresholds=np.r_[np.inf, p_sorted[last_of_tie]],
    )


def auc(y, p_hat) -> float:
    """Area under the ROC curve by the trapezoid rule.  Chapter 11.

    Equal to :func:`auc_pairs`: a tied step is a diagonal, whose trapezoid
    gives a tied pair half the credit.
    """
    roc = roc_curve(y, p_hat)
    return float(np.trapezoid(roc.tpr, roc.fpr))


def auc_pairs(y, p_hat) -> float:
    """Share of (1, 0) pairs whose 1 has the higher score, ties counted 1/2.
    Chapter 11.

    Counted through ranks, not by listing the n1 x n0 pairs: with average
    ranks for ties, the 1s' rank sum minus n1 (n1 + 1) / 2 is the number of
    pairs a 1 wins (the Mann-Whitney U statistic).
    """
    y, p = _labels_and_scores(y, p_hat)
    n1, n0 = _both_classes(y)
    from scipy.stats import rankdata  # here: scipy.stats takes 0.8 s to import

    ranks = rankdata(p)  # average ranks: a tie shares its ranks
    wins = ranks[y == 1].sum() - n1 * (n1 + 1) / 2
    return float(wins / (n1 * n0))


class Confusion(NamedTuple):
    """Counts of the confusion matrix (arrays if several thresholds)."""

    tp: np.ndarray | int
    fp: np.ndarray | int
    fn: np.ndarray | int
    tn: np.ndarray | int


def confusion(y, p_hat, threshold) -> Confusion:
    """True/false positives and negatives when every case with
    ``p_hat >= threshold`` is called positive.  Chapter 11.

    ``threshold`` is one number or an array of them (the counts then have its
    shape).
    """
    y, p = _labels_and_scores(y, p_hat)
    t = as_float_array(threshold, "threshold")  # +-inf allowed, NaN not
    positives, negatives = np.sort(p[y == 1]), np.sort(p[y == 0])
    tp = positives.size - np.searchsorted(positives, t, side="left")
    fp = negatives.size - np.searchsorted(negatives, t, side="left")
    fn, tn = positives.size - tp, negatives.size - fp
    if t.ndim == 0:
        return Confusion(int(tp), int(fp), int(fn), int(tn))
    return Confusion(tp, fp, fn, tn)


def brier_score(y, p_hat) -> float:
    """Mean squared difference between the probabilities and the labels,
    a proper scoring rule (lower is better).  Chapter 11."""
    y, p = _labels_and_scores(y, p_hat, probabilities=True)
    return float(np.mean((p - y) ** 2))


class ReliabilityBins(NamedTuple):
    """Per non-empty bin: mean predicted probability, share of ones, count."""

    mean_predicted: np.ndarray
    observed: np.ndarray
    count: np.ndarray
    edges: np.ndarray  # all bin edges, empty bins included


def reliability_bins(y, p_hat, bins=10) -> ReliabilityBins:
    """Bin the predicted probabilities and compare each bin's mean prediction
    with its share of ones (a reliability diagram).  Chapter 11.

    ``bins`` is a number of equal-width bins on [0, 1] or an increasing
    array of edges from 0 to 1.  Bins are [a, b), the last [a, 1]; empty bins
    are left out, as in scikit-learn's ``calibration_curve``.
    """
    y, p = _labels_and_scores(y, p_hat, probabilities=True)
    if isinstance(bins, numbers.Integral):  # a bool is refused here
        n_bins = integer_scalar(bins, "bins")
        if n_bins < 1:
            raise ValueError(f"bins must be at least 1, got {n_bins}")
        edges = np.linspace(0.0, 1.0, n_bins + 1)
    else:
        edges = as_finite_array(bins, "bins")
        if edges.ndim != 1 or edges.size < 2 or np.any(np.diff(edges) <= 0):
            raise ValueError(
                "bins must be an increasing 1-D array of at least two edges"
            )
        if edges[0] != 0 or edges[-1] != 1:
            raise ValueError("bins must run from 0 to 1")
    which = np.clip(np.searchsorted(edges, p, side="right") - 1, 0, edges.size - 2)
    count = np.bincount(which, minlength=edges.size - 1)
    ones = np.bincount(which, weights=y, minlength=edges.size - 1)
    total = np.bincount(which, weights=p, minlength=edges.size - 1)
    keep = count > 0
    return ReliabilityBins(
        mean_predicted=total[keep] / count[keep],
        observed=ones[keep] / count[keep],
        count=count[keep],
        edges=edges,
    )


def fit_temperature(y, eta) -> float:
    """The temperature T that maximises the likelihood of ``y`` under
    sigmoid(eta / T): temperature scaling, a one-parameter MLE.  Chapter 11.

    The log-likelihood of y under sigmoid(a * eta) is a logistic regression of
    y on the single input eta with no intercept, so T = 1 / a-hat comes from
    :func:`fit_logistic`.  Raises ``ValueError`` if a-hat <= 0 (scores no
    better than reversed) or no finite MLE exists (the scores separate the
    labels).
    """
    from .fit import PerfectSeparationWarning, fit_logistic

    y_arr = as_labels(y, "y")
    eta_arr = as_finite_array(eta, "eta")
    if y_arr.ndim != 1 or eta_arr.ndim != 1:
        raise ValueError("y and eta must be 1-D arrays")
    y_arr, eta_arr = broadcast_pair(y_arr, eta_arr, "y", "eta")
    with warnings.catch_warnings():
        # separation, or no convergence: no finite MLE (other warnings pass)
        warnings.simplefilter("error", PerfectSeparationWarning)
        warnings.simplefilter("error", RuntimeWarning)
        try:
            fit = fit_logistic(eta_arr[:, None], y_arr)
        except (PerfectSeparationWarning, RuntimeWarning) as exc:
            raise ValueError(
                f"no finite temperature fits these eta and y: {exc}"
            ) from exc
    slope = float(fit.params[0])
    if slope <= 0:
        raise ValueError(
            f"eta ranks the labels backwards (fitted slope {slope:.3g}); no temperature > 0"
        )
    return 1.0 / slope


def prior_shift(p_hat, trained_share, true_share):
    """Move probabilities from a model fitted where the ones had share
    ``trained_share`` to a population where they have ``true_share``.
    Chapter 11.

    Only the odds change, by a constant factor (the intercept moves by
    logit(true_share) - logit(trained_share)); applied to a case-control
    sample this undoes the sampling.
    """
    p = as_probability(p_hat, "p_hat")
    shares = []
    for value, name in [(trained_share, "trained_share"), (true_share, "true_share")]:
        v = real_scalar(value, name)
        if not 0 < v < 1:
            raise ValueError(f"{name} must lie strictly between 0 and 1, got {v!r}")
        shares.append(v)
    trained, true = shares
    factor = (true / (1 - true)) / (trained / (1 - trained))
    out = factor * p / (factor * p + 1 - p)
    return float(out) if out.ndim == 0 else out
