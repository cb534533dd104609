"""How sure we are about one coefficient of a logistic regression: the Wald,
likelihood-ratio and score tests, the profile log-likelihood and the
profile-likelihood confidence interval.  Taught in chapter 9.

Every function takes the design matrix ``X`` (with its constant column), the
0/1 labels ``y`` and the index ``j`` of the coefficient, fits the model with
:func:`fit_logistic`, and, for the hypothesis beta_j = b, refits the model
with beta_j held at b (``fit_logistic`` with ``offset=b * X[:, j]``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import optimize, stats

from ._validate import (
    as_finite_array,
    as_labels,
    design_matrix,
    integer_scalar,
    real_scalar,
)
from .fit import LogisticFit, _eta_p_w_and_log_lik, _score_and_information, fit_logistic

# How far profile_interval looks for an end: 2^20 standard errors.
_MAX_DOUBLINGS = 20


@dataclass(frozen=True)
class TestResult:
    """A test statistic, chi-square with one degree of freedom under the
    hypothesis, and its p-value."""

    statistic: float
    pvalue: float


@dataclass(frozen=True)
class CoefficientTests:
    """The three tests of beta_j = ``value``, from one fit and one refit."""

    value: float
    estimate: float  # the MLE of beta_j
    se: float  # its standard error, from the information at the MLE
    wald: TestResult
    likelihood_ratio: TestResult
    score: TestResult
    log_lik: float  # the maximised log-likelihood
    log_lik_restricted: float  # the maximum with beta_j held at value


def _check_data(X, y) -> tuple[np.ndarray, np.ndarray]:
    X, y = design_matrix(X, y)
    return X, as_labels(y, "y")


def _check_index(j, k: int) -> int:
    j = integer_scalar(j, "j", "a column index (an integer)")
    if not 0 <= j < k:
        raise ValueError(f"j must be a column of X, 0 to {k - 1}; got {j}")
    return int(j)


def _check_value(value, name: str = "value") -> float:
    return real_scalar(value, name)


def _mle(X: np.ndarray, y: np.ndarray) -> LogisticFit:
    fit = fit_logistic(X, y)  # warns if the data are separated
    if not fit.converged:
        raise ValueError(
            "the maximum likelihood estimate does not exist or was not found "
            "(fit_logistic did not converge; separated data?): tests and "
            "intervals that start from it are undefined"
        )
    return fit


def _restricted(X: np.ndarray, y: np.ndarray, j: int, value: float):
    """The fit with beta_j held at ``value``: (full coefficient vector, llf)."""
    offset = value * X[:, j]
    rest = np.delete(X, j, axis=1)
    beta = np.zeros(X.shape[1])
    beta[j] = value
    if rest.shape[1] == 0:  # nothing left to fit: the model is fixed
        llf = _eta_p_w_and_log_lik(X, y, beta)[3]
        return beta, llf
    fit = fit_logistic(rest, y, offset=offset)
    if not fit.converged:
        raise ValueError(
            f"the fit with coefficient {j} held at {value:g} did not converge"
        )
    beta[np.arange(X.shape[1]) != j] = fit.params
    return beta, fit.llf


def profile_log_likelihood(X, y, j, values) -> np.ndarray:
    """The profile log-likelihood of coefficient ``j`` at each of ``values``:
    the largest log-likelihood with beta_j held at that value and the other
    coefficients free.  Taught in chapter 9.
    """
    X, y = _check_data(X, y)
    j = _check_index(j, X.shape[1])
    grid = np.atleast_1d(as_finite_array(values, "values"))
    if grid.ndim != 1 or grid.size == 0:
        raise ValueError("values must be a non-empty 1-D array of finite numbers")
    return np.array([_restricted(X, y, j, float(b))[1] for b in grid])


def coefficient_tests(X, y, j, value=0.0) -> CoefficientTests:
    """Wald, likelihood-ratio and score tests of beta_j = ``value``.  Chapter 9.

    * Wald: ((beta_hat_j - value) / se_j)^2, the distance in beta scaled by
      the curvature at the MLE;
    * likelihood ratio: 2 (l(beta_hat) - l(beta_tilde)), twice the drop of the
      log-likelihood when beta_j is held at ``value`` (beta_tilde: the best
      coefficients under that restriction);
    * score: U^T I^{-1} U with the gradient U = X^T (y - p) and the
      information I = X^T W X at beta_tilde: the slope at the restricted
      estimate, scaled by the curvature there.

    All three are chi-square with one degree of freedom when the hypothesis
    holds and n is large.  Raises ``ValueError`` if the MLE does not exist.
    """
    X, y = _check_data(X, y)
    j = _check_index(j, X.shape[1])
    value = _check_value(value)
    fit = _mle(X, y)
    wald = ((fit.params[j] - value) / fit.bse[j]) ** 2
    beta_r, llf_r = _restricted(X, y, j, value)
    lr = max(2.0 * (fit.llf - llf_r), 0.0)  # >= 0 up to rounding
    _, p_r, w_r, _ = _eta_p_w_and_log_lik(X, y, beta_r)
    grad, info = _score_and_information(X, y, p_r, w_r)
    score = float(grad @ np.linalg.solve(info, grad))

    def result(stat: float) -> TestResult:
        return TestResult(float(stat), float(stats.chi2.sf(stat, df=1)))

    return CoefficientTests(
        value=value,
        estimate=float(fit.params[j]),
        se=float(fit.bse[j]),
        wald=result(wald),
        likelihood_ratio=result(lr),
        score=result(score),
        log_lik=float(fit.llf),
        log_lik_restricted=float(llf_r),
    )


def profile_interval(X, y, j, level=0.95) -> tuple[float, float]:
    """The profile-likelihood confidence interval for coefficient ``j``.

    Taught in chapter 9.  The interval holds every b whose likelihood-ratio
    statistic 2 (l(beta_hat) - l_profile(b)) is at most the ``level`` quantile
    of chi-square(1) (3.841 for 95%): the values that the likelihood-ratio test
    does not reject.  The logistic log-likelihood is concave in beta, so the
    profile is concave too: once the MLE exists it falls to -inf on both sides
    and crosses the cut-off exactly once on each.  Each end is bracketed by
    steps of one, two, four, ... standard errors away from the MLE and found by
    Brent's method.  Raises ``ValueError`` if the MLE does not exist.
    """
    X, y = _check_data(X, y)
    j = _check_index(j, X.shape[1])
    level = _check_value(level, "level")
    if not 0.0 < level < 1.0:
        raise ValueError(f"level must be between 0 and 1, got {level!r}")
    fit = _mle(X, y)
    b_hat, se = float(fit.params[j]), float(fit.bse[j])
    cut = 0.5 * stats.chi2.ppf(level, df=1)

    def excess(b: float) -> float:  # > 0 outside the interval
        return fit.llf - _restricted(X, y, j, b)[1] - cut

    ends = []
    for side in (-1.0, 1.0):
        inner = b_hat
        for power in range(_MAX_DOUBLINGS + 1):
            outer = b_hat + side * se * 2.0**power
            if excess(outer) > 0:
                break
            inner = outer
        else:  # cannot happen for a concave profile with a finite maximum
            raise RuntimeError(
                f"the profile log-likelihood of coefficient {j} stays within the "
                f"cut-off {2**_MAX_DOUBLINGS} standard errors from the estimate"
            )
        lo, hi = sorted((inner, outer))
        ends.append(optimize.brentq(excess, lo, hi, xtol=1e-10 * max(1.0, abs(outer))))
    return ends[0], ends[1]
