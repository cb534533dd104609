"""Maximum likelihood fits: logistic regression (Newton-Raphson / IRLS) and the
normal linear model (QR least squares).

``X`` is used as given: add the constant column yourself
(``statsmodels.api.add_constant`` or ``np.column_stack``).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
from scipy import optimize, sparse
from scipy.linalg import solve_triangular

from ._validate import as_finite_array, as_labels, check_rank, design_matrix


class PerfectSeparationWarning(UserWarning):
    """The inputs separate the labels, completely or quasi-completely: no finite
    MLE exists.  Chapter 5.

    ``observations`` holds the (0-based) row numbers of the separated
    observations (``LogisticFit.separation.rows``): every row under complete
    separation, those off the separating boundary under quasi-complete
    separation.
    """

    def __init__(self, message: str, observations=()):
        super().__init__(message)
        self.observations = np.asarray(observations, dtype=np.intp)


_LISTED = 10  # row numbers quoted in a warning; the rest are counted


@dataclass(frozen=True)
class Separation:
    """Proof from the data that no finite MLE exists.  Chapter 5.

    ``direction`` is a coefficient vector d (unit length) with
    (2 y_i - 1) x_i . d >= 0 for every row i: moving the coefficients along d
    never lowers any observation's likelihood, so the log-likelihood keeps
    rising towards a supremum it never reaches.  ``rows`` are the observations
    with (2 y_i - 1) x_i . d > 0, the largest such set over all directions (the
    "separated" rows; each is fitted ever closer to its label).  ``kind`` is
    ``"complete"`` when that is every row, and ``"quasi-complete"`` when some
    rows lie on the boundary x . d = 0 for every such d.
    """

    kind: str
    rows: np.ndarray
    direction: np.ndarray


def find_separation(X, y) -> Separation | None:
    """Whether the labels ``y`` are separated by the columns of ``X``: a
    :class:`Separation` if they are (no finite MLE exists), None if not (for
    a full-rank X, the MLE then exists and is unique).  Chapter 5.

    Decided from the data alone, by one linear program (Konis 2007): with
    s_i = 2 y_i - 1, maximise sum_i t_i over d and t subject to
    0 <= t_i <= 1 and t_i <= s_i x_i . d.  Since t_i >= 0, any feasible d has
    s_i x_i . d >= 0 for all i, and since d can be scaled up, the optimum sets
    t_i = 1 exactly on the rows that some such d separates strictly (the
    rows of the sum of two such directions are the union of theirs), and 0 on
    the rest.  :func:`fit_logistic` calls this only when its iterations do
    not converge, so a fit that converges pays nothing for it.
    """
    X, y = design_matrix(X, y)
    y = as_labels(y, "y")
    return _find_separation(X, y)


def _find_separation(X: np.ndarray, y: np.ndarray) -> Separation | None:
    n, k = X.shape
    scale = np.abs(X).max(axis=0)
    scale[scale == 0] = 1.0
    SX = (X / scale) * np.where(y == 1, 1.0, -1.0)[:, None]  # rows s_i x_i / scale
    A_ub = sparse.hstack([sparse.csr_array(-SX), sparse.eye_array(n)], format="csr")
    cost = np.r_[np.zeros(k), -np.ones(n)]
    bounds = [(None, None)] * k + [(0.0, 1.0)] * n
    res = optimize.linprog(
        cost, A_ub=A_ub, b_ub=np.zeros(n), bounds=bounds, method="highs"
    )
    if res.status != 0 or -res.fun < 0.5:
        return None
    rows = np.flatnonzero(res.x[k:] > 0.5)
    direction = res.x[:k] / scale
    direction /= np.linalg.norm(direction)
    kind = "complete" if rows.size == n else "quasi-complete"
    return Separation(kind=kind, rows=rows, direction=direction)


def _separation_warning(sep: Separation) -> PerfectSeparationWarning:
    """The warning for a fit that stopped without converging on separated data."""
    if sep.kind == "complete":
        return PerfectSeparationWarning(
            "perfect separation: the inputs separate the 0s from the 1s, so the "
            "likelihood has no finite maximum and the coefficients run off to "
            "infinity; the estimates returned are not an MLE",
            sep.rows,
        )
    listed = ", ".join(str(i) for i in sep.rows[:_LISTED])
    if sep.rows.size > _LISTED:
        listed += f", ... ({sep.rows.size} in all)"
    return PerfectSeparationWarning(
        f"quasi-complete separation: observations {listed} (rows of X, numbered "
        "from 0) are separated: a direction of the coefficients puts each of them "
        "on its label's side of a boundary and every other observation on the "
        "boundary itself, whose labels overlap; along it the likelihood keeps "
        "rising, so it has no finite maximum and some coefficients run off to "
        "infinity; the estimates returned are not an MLE (see the fit's "
        "separation field)",
        sep.rows,
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
    # Set only when the fit did not converge and the data are separated (no
    # finite MLE); None otherwise.  A converged fit has found the MLE, so its
    # data are not separated.
    separation: Separation | None = None


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


def _irls_weights(eta: np.ndarray) -> np.ndarray:
    """The IRLS weights p (1 - p), p = sigmoid(eta), computed from the logits as
    e / (1 + e)^2 with e = exp(-|eta|).

    From p itself, 1 - p rounds to 0 from eta = 36.7 on (and loses digits long
    before), so p (1 - p) would be 0 where the weight is e^-|eta| to full
    relative accuracy.
    """
    e = np.exp(-np.abs(eta))
    return e / ((1.0 + e) * (1.0 + e))


def _eta_p_w_and_log_lik(
    X: np.ndarray, y: np.ndarray, beta: np.ndarray, offset: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """eta = X beta (+ offset), p = sigmoid(eta), the IRLS weights p (1 - p) and
    the log-likelihood, in one blocked pass.

    The log-likelihood is computed from the logits, log sigmoid(eta) for y = 1
    and log(1 - sigmoid(eta)) for y = 0, so that no probability is rounded to 0
    before its log is taken; exp(-|eta|) serves it, p and the weights (see
    :func:`_irls_weights`), so none can overflow.
    """
    n = X.shape[0]
    eta, p, w = np.empty(n), np.empty(n), np.empty(n)
    total = 0.0
    for b in _blocks(n):
        eta_b = X[b] @ beta
        if offset is not None:
            eta_b += offset[b]
        eta[b] = eta_b
        e = np.exp(-np.abs(eta_b))
        s = np.where(y[b] == 1, -eta_b, eta_b)  # -log-likelihood = softplus(s)
        total -= float(np.sum(np.maximum(s, 0.0) + np.log1p(e)))
        one_plus_e = 1.0 + e
        p[b] = np.where(eta_b >= 0, 1.0 / one_plus_e, e / one_plus_e)
        w[b] = e / (one_plus_e * one_plus_e)
    return eta, p, w, total


def _score_and_information(
    X: np.ndarray, y: np.ndarray | None, p: np.ndarray, w: np.ndarray
) -> tuple[np.ndarray | None, np.ndarray]:
    """The gradient X^T (y - p) (unless ``y`` is None) and the information
    X^T W X, W = diag(w), w = p (1 - p) from :func:`_irls_weights`, in one
    blocked pass over X."""
    k = X.shape[1]
    grad = None if y is None else np.zeros(k)
    info = np.zeros((k, k))
    for b in _blocks(X.shape[0]):
        Xb = X[b]
        if grad is not None:
            grad += Xb.T @ (y[b] - p[b])
        Xs = Xb * np.sqrt(w[b])[:, None]
        info += Xs.T @ Xs
    return grad, info


def _standard_errors(curvature: np.ndarray) -> np.ndarray:
    """Square roots of the diagonal of the inverse of ``curvature`` (the
    information, or a penalised fit's X^T W X + lam M); inf where it is
    singular."""
    with np.errstate(divide="ignore", invalid="ignore"):
        try:
            return np.sqrt(np.diag(np.linalg.inv(curvature)))
        except np.linalg.LinAlgError:
            return np.full(curvature.shape[0], np.inf)


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
    the Hessian and gradient of the log-likelihood (the weights W computed from
    the logits, see :func:`_irls_weights`).  If the full step would lower the
    log-likelihood, the step is halved until it does not (step halving: any
    step that does not lower it is taken, so this is not an Armijo
    sufficient-increase test).  Standard errors come from the inverse of
    X^T W X at the estimate, as in ``statsmodels`` ``Logit``.

    Stops when a step changes no fitted logit by more than ``tol``: when
    sum_j max_i |x_ij| |delta_j|, a bound on max_i |x_i . delta|, is below
    ``tol``.  The rule is scale-free: multiplying a column of X by c divides
    its coefficient and its step by c and leaves the bound unchanged, so a
    coefficient of 1e7 converges as one of 1 does (an absolute test on delta
    could not be met in float64 there).  It does not stop on separated data,
    where the logits of the separated rows keep changing by about the same
    amount at every step (the Newton decrement, by contrast, goes to 0 there).

    ``offset`` (one number per row) is a known part of the linear predictor,
    eta = X beta + offset, with no coefficient of its own; chapter 8 uses it to
    fit a model with one coefficient held fixed (the profile likelihood).

    Raises ``ValueError`` for bad input (non-0/1 labels, fewer rows than
    columns, rank-deficient X, an offset of the wrong length) and ``TypeError``
    for input that is not real numbers.  When the data are separated, the
    likelihood keeps rising as the coefficients run off to infinity; the fit
    returns ``converged=False``, sets ``separation`` (a :class:`Separation`
    naming the separated rows) and warns once with
    :class:`PerfectSeparationWarning`, naming them too.  Separation is decided
    from the data, never from how far the iterations got:

    - complete separation is proved by the iterate itself, as soon as its
      logits put every 1 on the positive side and every 0 on the negative side;
    - otherwise, only if the iterations stop without converging (``max_iter``
      reached, or X^T W X too ill-conditioned to give a step that raises the
      likelihood), :func:`find_separation` decides it by a linear program.
      A fit that converges never runs it.

    A fit that stops without converging on data that are not separated warns
    with ``RuntimeWarning`` and has ``separation=None``.
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
    # |x_i . delta| <= sum_j col_max_j |delta_j|: the largest change of a logit
    col_max = np.abs(X).max(axis=0)

    beta = np.zeros(k)
    eta, p, w, llf = _eta_p_w_and_log_lik(X, y, beta, offset)
    if offset is not None:
        # beta = 0 can be far off when the offset is large (every p near 0 or
        # 1, so W is tiny and the first Newton step huge).  Start instead where
        # IRLS starts (as statsmodels' GLM does): the least-squares fit of the
        # working logits log 3 (y = 1) and -log 3 (y = 0), i.e. p = 3/4 and
        # 1/4, less the offset; keep whichever start is likelier.
        working = np.where(y == 1, np.log(3.0), -np.log(3.0)) - offset
        start = np.linalg.lstsq(X, working, rcond=None)[0]
        start_fit = _eta_p_w_and_log_lik(X, y, start, offset)
        if start_fit[3] > llf:
            beta = start
            eta, p, w, llf = start_fit
    params_hist, llf_hist = [beta.copy()], [llf]
    is_one = y == 1
    converged, separated, singular = False, False, False
    n_iter = 0
    while n_iter < max_iter:
        n_iter += 1
        if n_iter == 1 and offset is None:  # beta = 0: every p is 1/2, W = I / 4
            grad, info = X.T @ (y - 0.5), 0.25 * gram
        else:
            grad, info = _score_and_information(X, y, p, w)
        try:
            step = np.linalg.solve(info, grad)
        except np.linalg.LinAlgError:  # W has underflowed to 0 in some direction
            singular = True
            n_iter -= 1  # no step was taken: n_iter counts the steps in history
            break
        # Step halving: halve the step until the log-likelihood does not fall.
        t = 1.0
        while True:
            new_beta = beta + t * step
            new_fit = _eta_p_w_and_log_lik(X, y, new_beta, offset)
            new_llf = new_fit[3]
            if new_llf >= llf - 1e-12 * abs(llf) or t < 1e-8:
                break
            t /= 2.0
        if new_llf < llf - 1e-12 * abs(llf):  # no step length helps: stay put
            n_iter -= 1
            converged = bool(col_max @ np.abs(step) < tol)  # already at the top
            singular = not converged  # X^T W X too ill-conditioned to give a way up
            break
        beta = new_beta
        eta, p, w, llf = new_fit
        params_hist.append(beta.copy())
        llf_hist.append(llf)
        if t * (col_max @ np.abs(step)) < tol:
            converged = True
            break
        # A coefficient vector that puts every 1 on the positive side and every
        # 0 on the negative side proves that no finite maximum exists (X beta
        # itself must separate them: an offset is not scaled along with beta).
        lin = eta if offset is None else X @ beta
        if np.array_equal(lin > 0, is_one) and np.all(lin != 0):
            separated = True
            break

    separation = None
    if not converged:
        if separated:  # proved by beta itself: no linear program needed
            separation = Separation(
                kind="complete",
                rows=np.arange(n),
                direction=beta / np.linalg.norm(beta),
            )
        else:
            separation = _find_separation(X, y)
        if separation is not None:
            warnings.warn(_separation_warning(separation), stacklevel=2)
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

    _, info = _score_and_information(X, None, p, w)
    return LogisticFit(
        params=beta,
        llf=llf,
        bse=_standard_errors(info),
        n_iter=n_iter,
        converged=converged,
        history=FitHistory(params=np.array(params_hist), llf=np.array(llf_hist)),
        separation=separation,
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
    # |R[k, k]| is the residual norm.  Rounding leaves about n eps times the
    # size of y behind even when y = X @ beta exactly: the size of y itself
    # and of the terms X_j beta_j that make it up (a fit whose terms cancel
    # leaves rounding of their size).  Judge "0" against that, never against
    # the norm of X, which may dwarf y (a y of scale 1e-10 on years 1950-2000
    # is not an exact fit).  Both sizes are unchanged when a column of X is
    # rescaled, and scale with y.
    y_size = np.linalg.norm(y) + np.linalg.norm(X, axis=0) @ np.abs(params)
    if abs(R[k, k]) <= y_size * max(n, k + 1) * np.finfo(np.float64).eps:
        raise ValueError(
            "y is an exact linear function of X: the residuals are all 0, so the "
            "MLE of sigma is 0 and the log-likelihood is unbounded"
        )
    sigma2 = rss / n
    llf = -0.5 * n * (np.log(2.0 * np.pi * sigma2) + 1.0)
    return NormalLinearFit(params=params, sigma=float(np.sqrt(sigma2)), llf=float(llf))
