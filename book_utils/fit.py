"""Maximum likelihood fits: logistic regression (Newton-Raphson / IRLS) and the
normal linear model (QR least squares).

``X`` is used as given: add the constant column yourself
(``statsmodels.api.add_constant`` or ``np.column_stack``).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
from scipy.linalg import solve_triangular

from ._validate import as_labels, check_rank, design_matrix


class PerfectSeparationWarning(UserWarning):
    """The labels are perfectly separated by the inputs: no finite MLE exists."""


@dataclass(frozen=True)
class FitHistory:
    """One row per iterate, starting from the initial guess (all zeros)."""

    params: np.ndarray  # shape (n_iter + 1, k)
    llf: np.ndarray  # shape (n_iter + 1,)


@dataclass(frozen=True)
class LogisticFit:
    params: np.ndarray
    llf: float
    bse: np.ndarray
    n_iter: int
    converged: bool
    history: FitHistory


@dataclass(frozen=True)
class NormalLinearFit:
    params: np.ndarray
    sigma: float  # the MLE: sqrt(RSS / n)
    llf: float


def _log_lik_from_eta(y: np.ndarray, eta: np.ndarray) -> float:
    # log sigmoid(eta) for y = 1 and log(1 - sigmoid(eta)) for y = 0, from the
    # logits so that no probability is rounded to 0 before its log is taken.
    s = np.where(y == 1, -eta, eta)
    return -float(np.sum(np.maximum(s, 0.0) + np.log1p(np.exp(-np.abs(s)))))


def _prob_from_eta(eta: np.ndarray) -> np.ndarray:
    e = np.exp(-np.abs(eta))
    return np.where(eta >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def _information(X: np.ndarray, p: np.ndarray) -> np.ndarray:
    """X^T W X with W = diag(p (1 - p)), via one scaled copy of X."""
    Xs = X * np.sqrt(p * (1.0 - p))[:, None]
    return Xs.T @ Xs


def fit_logistic(X, y, *, tol: float = 1e-10, max_iter: int = 100) -> LogisticFit:
    """Logistic regression by maximum likelihood, with Newton-Raphson (= IRLS).

    Taught in chapter 5.  Each step solves (X^T W X) delta = X^T (y - p_hat),
    the Hessian and gradient of the log-likelihood, and halves the step if the
    log-likelihood would fall.  Stops when the largest parameter change is
    below ``tol``.  Standard errors come from the inverse of X^T W X at the
    estimate, as in ``statsmodels`` ``Logit``.

    Raises ``ValueError`` for bad input (non-0/1 labels, fewer rows than
    columns, rank-deficient X).  Warns with :class:`PerfectSeparationWarning`
    and returns ``converged=False`` when the data are perfectly separated, since
    then the likelihood keeps rising as the coefficients run off to infinity.
    """
    X, y = design_matrix(X, y)
    y = as_labels(y, "y")
    n, k = X.shape
    check_rank(np.linalg.qr(X, mode="r"), n)

    beta = np.zeros(k)
    eta = np.zeros(n)
    llf = _log_lik_from_eta(y, eta)
    params_hist, llf_hist = [beta.copy()], [llf]
    converged, separated = False, False
    n_iter = 0
    while n_iter < max_iter:
        n_iter += 1
        p = _prob_from_eta(eta)
        grad = X.T @ (y - p)
        info = _information(X, p)
        try:
            step = np.linalg.solve(info, grad)
        except np.linalg.LinAlgError:  # W has underflowed to 0 everywhere
            separated = True
            break
        t = 1.0
        while True:
            new_beta = beta + t * step
            new_eta = X @ new_beta
            new_llf = _log_lik_from_eta(y, new_eta)
            if new_llf >= llf - 1e-12 * abs(llf) or t < 1e-8:
                break
            t /= 2.0
        beta, eta, llf = new_beta, new_eta, new_llf
        params_hist.append(beta.copy())
        llf_hist.append(llf)
        if np.max(np.abs(t * step)) < tol:
            converged = True
            break
        # A coefficient vector that puts every 1 on the positive side and every
        # 0 on the negative side proves that no finite maximum exists.
        if np.all((eta > 0) == (y == 1)) and np.all(eta != 0):
            separated = True
            break

    if separated:
        warnings.warn(
            "perfect separation: the inputs separate the 0s from the 1s, so the "
            "likelihood has no finite maximum and the coefficients run off to "
            "infinity; the estimates returned are not an MLE",
            PerfectSeparationWarning,
            stacklevel=2,
        )
        converged = False
    elif not converged:
        warnings.warn(
            f"fit_logistic did not converge in {max_iter} iterations "
            "(quasi-complete separation is one cause)",
            RuntimeWarning,
            stacklevel=2,
        )

    info = _information(X, _prob_from_eta(eta))
    with np.errstate(divide="ignore", invalid="ignore"):
        try:
            cov = np.linalg.inv(info)
            bse = np.sqrt(np.diag(cov))
        except np.linalg.LinAlgError:
            bse = np.full(k, np.inf)
    return LogisticFit(
        params=beta,
        llf=llf,
        bse=bse,
        n_iter=n_iter,
        converged=converged,
        history=FitHistory(params=np.array(params_hist), llf=np.array(llf_hist)),
    )


def fit_normal_linear(X, y) -> NormalLinearFit:
    """The MLE of y = X beta + e, e ~ Normal(0, sigma^2).  Taught in chapter 6.

    The coefficients are the least-squares solution, found from one Householder
    QR factorisation of [X | y] (never the normal equations X^T X, which square
    the condition number).  ``sigma`` is the MLE sqrt(RSS / n), which divides by
    n, not by n - k as the usual unbiased estimate does.
    """
    X, y = design_matrix(X, y, min_extra_rows=1)
    n, k = X.shape
    R = np.linalg.qr(np.column_stack([X, y]), mode="r")
    check_rank(R[:, :k], n)
    params = solve_triangular(R[:k, :k], R[:k, k])
    rss = float(R[k, k] ** 2)
    # |R[k, k]| is the residual norm; judge "0" as check_rank judges rank,
    # since rounding leaves ~1e-15 behind even when y = X @ beta exactly.
    r_max = np.linalg.svd(R, compute_uv=False).max()
    if abs(R[k, k]) <= r_max * max(n, k + 1) * np.finfo(np.float64).eps:
        raise ValueError(
            "y is an exact linear function of X: the residuals are all 0, so the "
            "MLE of sigma is 0 and the log-likelihood is unbounded"
        )
    sigma2 = rss / n
    llf = -0.5 * n * (np.log(2.0 * np.pi * sigma2) + 1.0)
    return NormalLinearFit(params=params, sigma=float(np.sqrt(sigma2)), llf=float(llf))
