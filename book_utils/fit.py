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

from ._validate import as_finite_array, as_labels, check_rank, design_matrix


class PerfectSeparationWarning(UserWarning):
    """The inputs separate the labels, completely or quasi-completely: no finite
    MLE exists.  Chapter 5.

    ``observations`` holds the (0-based) row numbers of the observations whose
    fitted probabilities sit at 0 or 1, within ``AT_BOUND`` of their labels:
    every row under complete separation, some of them under quasi-complete
    separation.
    """

    def __init__(self, message: str, observations=()):
        super().__init__(message)
        self.observations = np.asarray(observations, dtype=np.intp)


# A fitted probability within this of its label counts as "at 0 or 1" (the
# threshold statsmodels uses for its own perfect-prediction check).
AT_BOUND = 1e-8
_LISTED = 10  # row numbers quoted in a warning; the rest are counted


def _at_bound(y, p, p_prev) -> np.ndarray:
    """Rows whose fitted probability is within AT_BOUND of the label and was
    not further from it at the previous iterate."""
    gap = np.abs(y - p)
    return np.flatnonzero((gap < AT_BOUND) & (gap <= np.abs(y - p_prev)))


def _separation_warning(y, at_bound, complete: bool) -> PerfectSeparationWarning:
    """The warning for a fit that stopped without converging because the
    fitted probabilities of some observations ran to 0 or 1."""
    if complete:
        return PerfectSeparationWarning(
            "perfect separation: the inputs separate the 0s from the 1s, so the "
            "likelihood has no finite maximum and the coefficients run off to "
            "infinity; the estimates returned are not an MLE",
            np.arange(y.size),
        )
    listed = ", ".join(str(i) for i in at_bound[:_LISTED])
    if at_bound.size > _LISTED:
        listed += f", ... ({at_bound.size} in all)"
    return PerfectSeparationWarning(
        f"quasi-complete separation: observations {listed} (rows of X, numbered "
        f"from 0) have fitted probabilities within {AT_BOUND:.0e} of their labels "
        "(0 or 1) and were still moving towards them; the inputs separate "
        "them from the rest, whose labels overlap, so the likelihood has no finite "
        "maximum and some coefficients run off to infinity; the estimates returned "
        "are not an MLE",
        at_bound,
    )


@dataclass(frozen=True)
class FitHistory:
    """One row per iterate, starting from the initial guess (all zeros; with
    an offset, the least-squares start if that is likelier)."""

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


# Rows per block in the passes over X: a block of X (and the temporaries made
# from it) stays in the CPU cache, instead of streaming n x k copies through
# memory.  Also bounds the extra memory by a few blocks rather than a copy of X.
_BLOCK_ROWS = 8192


def _blocks(n: int):
    return (slice(start, start + _BLOCK_ROWS) for start in range(0, n, _BLOCK_ROWS))


def _eta_p_and_log_lik(
    X: np.ndarray, y: np.ndarray, beta: np.ndarray, offset: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray, float]:
    """eta = X beta (+ offset), p = sigmoid(eta) and the log-likelihood, in one
    blocked pass.

    The log-likelihood is computed from the logits, log sigmoid(eta) for y = 1
    and log(1 - sigmoid(eta)) for y = 0, so that no probability is rounded to 0
    before its log is taken; exp(-|eta|) serves both it and p, so neither can
    overflow.
    """
    n = X.shape[0]
    eta, p = np.empty(n), np.empty(n)
    total = 0.0
    for b in _blocks(n):
        eta_b = X[b] @ beta
        if offset is not None:
            eta_b += offset[b]
        eta[b] = eta_b
        e = np.exp(-np.abs(eta_b))
        s = np.where(y[b] == 1, -eta_b, eta_b)  # -log-likelihood = softplus(s)
        total -= float(np.sum(np.maximum(s, 0.0) + np.log1p(e)))
        p[b] = np.where(eta_b >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
    return eta, p, total


def _score_and_information(
    X: np.ndarray, y: np.ndarray | None, p: np.ndarray
) -> tuple[np.ndarray | None, np.ndarray]:
    """The gradient X^T (y - p) (unless ``y`` is None) and the information
    X^T W X, W = diag(p (1 - p)), in one blocked pass over X."""
    k = X.shape[1]
    grad = None if y is None else np.zeros(k)
    info = np.zeros((k, k))
    for b in _blocks(X.shape[0]):
        Xb, p_b = X[b], p[b]
        if grad is not None:
            grad += Xb.T @ (y[b] - p_b)
        Xs = Xb * np.sqrt(p_b * (1.0 - p_b))[:, None]
        info += Xs.T @ Xs
    return grad, info


def _check_rank(X: np.ndarray, gram: np.ndarray) -> None:
    """Refuse a rank-deficient X, as :func:`check_rank` judges it from a QR.

    The eigenvalues of the Gram matrix X^T X (which the first Newton step needs
    anyway) are the squared singular values of X, up to rounding of about
    n k eps times the largest.  When the smallest is clearly above that rounding
    and the QR rank tolerance, X has full rank and the O(n k^2) QR is skipped;
    otherwise (X near or at rank deficiency, or badly conditioned) the QR check
    decides, exactly as before.
    """
    n, k = X.shape
    eps = np.finfo(np.float64).eps
    if np.isfinite(gram).all():
        lam = np.linalg.eigvalsh(gram)
        rounding = (n + k) * k * eps * lam[-1]
        qr_tol_squared = lam[-1] * (max(n, k) * eps) ** 2
        if lam[0] > 2.0 * (rounding + qr_tol_squared):
            return
    check_rank(np.linalg.qr(X, mode="r"), n)


def fit_logistic(
    X, y, *, offset=None, tol: float = 1e-10, max_iter: int = 100
) -> LogisticFit:
    """Logistic regression by maximum likelihood, with Newton-Raphson (= IRLS).

    Taught in chapter 5.  Each step solves (X^T W X) delta = X^T (y - p_hat),
    the Hessian and gradient of the log-likelihood, and halves the step if the
    log-likelihood would fall.  Stops when the largest parameter change is
    below ``tol``.  Standard errors come from the inverse of X^T W X at the
    estimate, as in ``statsmodels`` ``Logit``.

    ``offset`` (one number per row) is a known part of the linear predictor,
    eta = X beta + offset, with no coefficient of its own; chapter 8 uses it to
    fit a model with one coefficient held fixed (the profile likelihood).

    Raises ``ValueError`` for bad input (non-0/1 labels, fewer rows than
    columns, rank-deficient X, an offset of the wrong length).  Warns once with :class:`PerfectSeparationWarning`
    and returns ``converged=False`` when the data are separated, since then the
    likelihood keeps rising as the coefficients run off to infinity:

    - complete separation is proved by the iterate itself, as soon as its
      logits put every 1 on the positive side and every 0 on the negative side;
    - quasi-complete separation (a hyperplane separates the labels except for
      observations lying on it) is diagnosed, as R's ``glm`` and statsmodels'
      summary diagnose it, from the fitted probabilities: when the iterations
      stop without converging (``max_iter`` reached, or X^T W X too
      ill-conditioned to give a step that raises the likelihood) while some of
      them are within ``AT_BOUND`` (1e-8) of their labels and still moving
      towards them, the warning names those observations (also in its
      ``observations``).

    Any other failure to converge warns with ``RuntimeWarning``.
    """
    X, y = design_matrix(X, y)
    y = as_labels(y, "y")
    n, k = X.shape
    if offset is not None:
        offset = as_finite_array(offset, "offset")
        if offset.shape != (n,):
            raise ValueError(
                f"offset must hold one number per row of X ({n}); got shape "
                f"{offset.shape}"
            )
    gram = X.T @ X
    _check_rank(X, gram)

    beta = np.zeros(k)
    eta, p, llf = _eta_p_and_log_lik(X, y, beta, offset)
    if offset is not None:
        # beta = 0 can be far off when the offset is large (every p near 0 or
        # 1, so W is tiny and the first Newton step huge).  Start instead where
        # IRLS starts (as statsmodels' GLM does): the least-squares fit of the
        # working logits log 3 (y = 1) and -log 3 (y = 0), i.e. p = 3/4 and
        # 1/4, less the offset; keep whichever start is likelier.
        working = np.where(y == 1, np.log(3.0), -np.log(3.0)) - offset
        start = np.linalg.lstsq(X, working, rcond=None)[0]
        start_eta, start_p, start_llf = _eta_p_and_log_lik(X, y, start, offset)
        if start_llf > llf:
            beta, eta, p, llf = start, start_eta, start_p, start_llf
    p_prev = p
    params_hist, llf_hist = [beta.copy()], [llf]
    is_one = y == 1
    converged, separated, singular = False, False, False
    n_iter = 0
    while n_iter < max_iter:
        n_iter += 1
        if n_iter == 1 and offset is None:  # beta = 0: every p is 1/2, W = I / 4
            grad, info = X.T @ (y - 0.5), 0.25 * gram
        else:
            grad, info = _score_and_information(X, y, p)
        try:
            step = np.linalg.solve(info, grad)
        except np.linalg.LinAlgError:  # W has underflowed to 0 in some direction
            singular = True
            n_iter -= 1  # no step was taken: n_iter counts the steps in history
            break
        t = 1.0
        while True:
            new_beta = beta + t * step
            new_eta, new_p, new_llf = _eta_p_and_log_lik(X, y, new_beta, offset)
            if new_llf >= llf - 1e-12 * abs(llf) or t < 1e-8:
                break
            t /= 2.0
        if new_llf < llf - 1e-12 * abs(llf):  # no step length helps: stay put
            n_iter -= 1
            converged = bool(np.max(np.abs(step)) < tol)  # already at the top
            singular = not converged  # X^T W X too ill-conditioned to give a way up
            break
        p_prev = p
        beta, eta, p, llf = new_beta, new_eta, new_p, new_llf
        params_hist.append(beta.copy())
        llf_hist.append(llf)
        if np.max(np.abs(t * step)) < tol:
            converged = True
            break
        # A coefficient vector that puts every 1 on the positive side and every
        # 0 on the negative side proves that no finite maximum exists (X beta
        # itself must separate them: an offset is not scaled along with beta).
        lin = eta if offset is None else X @ beta
        if np.array_equal(lin > 0, is_one) and np.all(lin != 0):
            separated = True
            break

    if not converged:
        lin = eta if offset is None else X @ beta
        separated = separated or (
            np.array_equal(lin > 0, is_one) and bool(np.all(lin != 0))
        )
        at_bound = _at_bound(y, p, p_prev)
        if separated or at_bound.size:
            warnings.warn(_separation_warning(y, at_bound, separated), stacklevel=2)
        elif singular:
            warnings.warn(
                f"fit_logistic stopped after {n_iter} iterations: X^T W X became "
                "too ill-conditioned to give a step that raises the likelihood",
                RuntimeWarning,
                stacklevel=2,
            )
        else:
            warnings.warn(
                f"fit_logistic did not converge in {max_iter} iterations",
                RuntimeWarning,
                stacklevel=2,
            )

    _, info = _score_and_information(X, None, p)
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
