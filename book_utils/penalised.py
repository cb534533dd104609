"""Penalised maximum likelihood for logistic regression: an L2 penalty (a
Gaussian prior) and Firth's penalty (the Jeffreys prior).  Taught in chapter 10.

The fit maximises the penalised log-likelihood

    l*(beta) = l(beta) - (lam / 2) sum_j m_j beta_j^2 [+ (1/2) log |X^T W X|]

by Newton's method with step halving, as :func:`fit_logistic` does for l.
m_j is 1 for a penalised column and 0 for an unpenalised one.  Which columns
are penalised: by default every column except the constant ones (a column
whose entries are all equal, such as the column of ones), so the intercept is
never shrunk; pass ``penalize`` (one bool per column) to choose otherwise.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from ._validate import as_labels, design_matrix, integer_scalar, real_scalar
from .fit import (
    FitHistory,
    LogisticFit,
    _check_rank,
    _eta_p_w_and_log_lik,
    _find_separation,
    _score_and_information,
    _standard_errors,
    fit_logistic,
)


@dataclass(frozen=True)
class PenalisedLogisticFit(LogisticFit):
    """A :class:`LogisticFit` of a penalised log-likelihood.

    ``llf`` is the plain log-likelihood l at the estimate; ``objective`` is
    the penalised one that was maximised (``history.llf`` holds the objective
    of each iterate).  ``bse`` comes from the inverse of X^T W X + lam M, the
    curvature of the penalised log-likelihood at its peak (for Firth's penalty
    the curvature of the (1/2) log |X^T W X| term itself is left out, as in
    Heinze and Schemper's ``logistf``).  ``separation`` describes the data, not
    the fit: it is set when the data are separated (then no finite MLE
    exists, though this penalised estimate does), and None otherwise or when
    the check was not asked for (``check_separation=False``, the default).
    """

    objective: float = float("nan")
    lam: float = 0.0
    firth: bool = False
    penalize: np.ndarray | None = None


def _penalty_mask(X: np.ndarray, penalize) -> np.ndarray:
    k = X.shape[1]
    if penalize is None:
        return ~np.all(X == X[0], axis=0)  # a constant column is not penalised
    raw = np.asarray(penalize)
    if raw.dtype.kind != "b":
        raise TypeError(
            f"penalize must hold one bool per column of X; got dtype {raw.dtype}"
        )
    if raw.shape != (k,):
        raise ValueError(
            f"penalize must hold one bool per column of X ({k}); got shape {raw.shape}"
        )
    return raw.copy()


def _evaluate(X, y, beta, lam_m, firth):
    """The penalised log-likelihood at beta, with what a Newton step needs."""
    _, p, w, llf = _eta_p_w_and_log_lik(X, y, beta)
    objective = llf - 0.5 * float(np.sum(lam_m * beta * beta))
    chol = None
    if firth:
        _, info = _score_and_information(X, None, p, w)
        try:
            chol = np.linalg.cholesky(info)
        except np.linalg.LinAlgError:  # W has underflowed: log|I| = -inf
            return -np.inf, p, w, llf, None
        objective += float(np.sum(np.log(np.diag(chol))))  # (1/2) log |I|
    return objective, p, w, llf, chol


def _hat_diagonal(X, p, w, chol) -> np.ndarray:
    """h_i = w_i x_i^T (X^T W X)^-1 x_i, the diagonal of the hat matrix
    W^1/2 X (X^T W X)^-1 X^T W^1/2, from the Cholesky factor L of X^T W X:
    h_i = |L^-1 w_i^1/2 x_i|^2 (L is k x k, so its inverse is cheap)."""
    A = (X * np.sqrt(w)[:, None]) @ np.linalg.inv(chol).T
    return np.sum(A * A, axis=1)


def fit_logistic_penalised(
    X,
    y,
    *,
    lam=0.0,
    firth: bool = False,
    penalize=None,
    check_separation: bool = False,
    tol: float = 1e-10,
    max_iter: int = 100,
) -> PenalisedLogisticFit:
    """Logistic regression by penalised maximum likelihood (MAP).  Chapter 10.

    Maximises l(beta) - (lam / 2) sum_j m_j beta_j^2, plus (1/2) log |X^T W X|
    if ``firth`` is true (Firth 1993: the Jeffreys prior, which removes the
    O(1/n) bias of the MLE).  m_j = 1 for the penalised columns: by default
    every column of X except constant columns (the intercept is not shrunk);
    ``penalize``, one bool per column, overrides that.

    Each Newton step solves (X^T W X + lam M) delta = U*(beta) - lam M beta,
    where U* is the score X^T (y - p), or with Firth's penalty the modified
    score X^T (y - p + h (1/2 - p)), h the diagonal of the hat matrix.  The
    step is halved until the penalised log-likelihood does not fall, and the
    iterations stop when no fitted logit changes by more than ``tol`` (as in
    :func:`fit_logistic`).  With lam > 0 on every column that varies, or with
    Firth's penalty, the maximum is finite even on separated data.

    With lam = 0 and no Firth penalty this is :func:`fit_logistic` (and warns
    as it does on separated data).  A penalised fit converges whether or not
    the data are separated, so it does not ask by default: pass
    ``check_separation=True`` to have :func:`find_separation` decide it (one
    linear program, which on thousands of rows costs as much as hundreds of
    penalised fits).  A fit that does not converge always asks.

    Raises ``TypeError`` for non-real input and ``ValueError`` for bad values
    (lam < 0, a ``penalize`` of the wrong length, labels other than 0/1, or
    unpenalised columns that are linearly dependent).
    """
    X, y = design_matrix(X, y)
    y = as_labels(y, "y")
    lam = real_scalar(lam, "lam")
    if lam < 0:
        raise ValueError(f"lam must be >= 0, got {lam!r}")
    for name, flag in (("firth", firth), ("check_separation", check_separation)):
        if not isinstance(flag, bool | np.bool_):
            raise TypeError(f"{name} must be True or False, got {flag!r}")
    tol = real_scalar(tol, "tol")
    if tol <= 0:
        raise ValueError(f"tol must be > 0, got {tol!r}")
    max_iter = integer_scalar(max_iter, "max_iter")
    if max_iter < 1:
        raise ValueError(f"max_iter must be at least 1, got {max_iter}")
    mask = _penalty_mask(X, penalize)
    n, k = X.shape

    if not firth and (lam == 0 or not mask.any()):  # no penalty: the MLE
        fit = fit_logistic(X, y, tol=tol, max_iter=max_iter)
        return PenalisedLogisticFit(
            **fit.__dict__, objective=fit.llf, lam=lam, firth=False, penalize=mask
        )

    # Firth needs X^T W X invertible (full rank); an L2 penalty needs only the
    # unpenalised columns to be independent.
    X_rank = X if firth else X[:, ~mask]
    if X_rank.shape[1]:
        _check_rank(X_rank, X_rank.T @ X_rank)
    lam_m = lam * mask.astype(float)
    col_max = np.abs(X).max(axis=0)

    beta = np.zeros(k)
    objective, p, w, llf, chol = _evaluate(X, y, beta, lam_m, firth)
    params_hist, obj_hist = [beta.copy()], [objective]
    converged, n_iter = False, 0
    while n_iter < max_iter:
        n_iter += 1
        resid = y - p
        if firth:
            resid = resid + _hat_diagonal(X, p, w, chol) * (0.5 - p)
        grad, info = _score_and_information(X, resid + p, p, w)  # X^T resid
        grad -= lam_m * beta
        try:
            step = np.linalg.solve(info + np.diag(lam_m), grad)
        except np.linalg.LinAlgError:
            n_iter -= 1
            break
        t = 1.0
        while True:  # step halving on the penalised log-likelihood
            trial = _evaluate(X, y, beta + t * step, lam_m, firth)
            if trial[0] >= objective - 1e-12 * abs(objective) or t < 1e-8:
                break
            t /= 2.0
        if trial[0] < objective - 1e-12 * abs(objective):  # no step helps
            n_iter -= 1
            converged = bool(col_max @ np.abs(step) < tol)
            break
        beta = beta + t * step
        objective, p, w, llf, chol = trial
        params_hist.append(beta.copy())
        obj_hist.append(objective)
        if t * (col_max @ np.abs(step)) < tol:
            converged = True
            break

    separation = _find_separation(X, y) if check_separation or not converged else None
    if not converged:
        warnings.warn(
            f"fit_logistic_penalised did not converge in {n_iter} iterations"
            + (
                " (the data are separated along unpenalised columns)"
                if separation is not None
                else ""
            ),
            RuntimeWarning,
            stacklevel=2,
        )
    _, info = _score_and_information(X, None, p, w)
    return PenalisedLogisticFit(
        params=beta,
        llf=llf,
        bse=_standard_errors(info + np.diag(lam_m)),
        n_iter=n_iter,
        converged=converged,
        history=FitHistory(params=np.array(params_hist), llf=np.array(obj_hist)),
        separation=separation,
        objective=objective,
        lam=lam,
        firth=bool(firth),
        penalize=mask,
    )
