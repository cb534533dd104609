"""How the peak is found: the optimisers of chapter 8, written to be watched.

``fit_logistic`` (chapter 5) is the book's tool for a fit; the functions here
keep every iterate so that a reader can follow an optimiser step by step:
gradient descent with a fixed or decaying step, Newton's method with or without
a line search, mini-batch stochastic gradients, the maximum-margin direction
that gradient descent tends to on separated data, and a Newton (IRLS) fit whose
sums run over chunks of rows, so that the data never need to be in memory at
once (with Dask arrays, chunk by chunk).  Taught in chapter 8.
"""

from __future__ import annotations

import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy import optimize

from ._validate import as_finite_array, design_matrix

LINE_SEARCHES = ("none", "halving", "armijo")


@dataclass(frozen=True)
class OptimPath:
    """The iterates of an optimiser: ``params[t]`` is the iterate after t steps
    (``params[0]`` the start), ``n_iter`` the number of steps taken and
    ``converged`` whether the stopping rule was met."""

    params: np.ndarray
    n_iter: int
    converged: bool


@dataclass(frozen=True)
class NewtonPath(OptimPath):
    """A Newton path, with the negative log-likelihood at each iterate
    (``nll``) and the step length accepted at each step (``step_lengths``:
    1 for a full Newton step, 1/2, 1/4, ... after halving)."""

    nll: np.ndarray = None
    step_lengths: np.ndarray = None


def _positive(value, name: str) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be a positive number, got {value!r}") from exc
    if not (np.isfinite(v) and v > 0):
        raise ValueError(f"{name} must be a positive number, got {value!r}")
    return v


def _count(value, name: str, minimum: int = 1) -> int:
    if isinstance(value, bool) or int(value) != value or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


def _labels(X, y):
    X, y = design_matrix(X, y)
    if ((y != 0) & (y != 1)).any():
        raise ValueError("y must hold 0/1 labels")
    return X, y


def logistic_nll_terms(X, y, beta):
    """The negative log-likelihood -l(beta) and its gradient -X^T (y - p_hat),
    computed from the logits (no log of 0).  Chapter 8."""
    eta = X @ beta
    e = np.exp(-np.abs(eta))
    p_hat = np.where(eta >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
    nll = float(np.sum(np.logaddexp(0.0, eta) - y * eta))
    return nll, -X.T @ (y - p_hat), p_hat


def lipschitz_bound(X) -> float:
    """L = largest eigenvalue of X^T X / 4, an upper bound on the curvature of
    the logistic negative log-likelihood (its Hessian X^T W X has every weight
    p (1 - p) <= 1/4).  Gradient descent with a fixed step 1/L never raises the
    loss.  Chapter 8."""
    X = as_finite_array(X, "X")
    if X.ndim != 2 or X.size == 0:
        raise ValueError(f"X must be a non-empty 2-D array; got shape {X.shape}")
    return float(np.linalg.eigvalsh(X.T @ X)[-1] / 4)


def gradient_descent(
    grad: Callable, beta0, step, *, max_iter: int, gtol: float | None = None
) -> OptimPath:
    """Gradient descent beta <- beta - s_t grad(beta), keeping every iterate.

    ``step`` is a positive number (a fixed step, the *learning rate*) or a
    function of the step number t = 0, 1, ... giving s_t (a schedule).  Stops
    after ``max_iter`` steps, or as soon as every entry of the gradient is
    below ``gtol`` in absolute value (``converged`` is then True), or when an
    iterate stops being finite.  Chapter 8.
    """
    if not callable(grad):
        raise ValueError("grad must be a function of beta")
    beta = as_finite_array(beta0, "beta0").copy()
    if beta.ndim != 1:
        raise ValueError(f"beta0 must be a 1-D array; got {beta.ndim}-D")
    max_iter = _count(max_iter, "max_iter", 0)
    schedule = step if callable(step) else None
    if schedule is None:
        fixed = _positive(step, "step")
    if gtol is not None:
        gtol = _positive(gtol, "gtol")
    path = np.empty((max_iter + 1, beta.size))
    path[0] = beta
    converged = False
    t = 0
    with np.errstate(over="ignore", invalid="ignore"):
        while t < max_iter:
            g = np.asarray(grad(beta), dtype=float)
            if gtol is not None and np.max(np.abs(g)) < gtol:
                converged = True
                break
            s = fixed if schedule is None else _positive(schedule(t), "step(t)")
            beta = beta - s * g
            t += 1
            path[t] = beta
            if not np.isfinite(beta).all():
                break
        else:
            if gtol is not None:
                converged = bool(np.max(np.abs(grad(beta))) < gtol)
    return OptimPath(path[: t + 1].copy(), t, converged)


def newton_path(
    X,
    y,
    beta0=None,
    *,
    line_search: str = "none",
    max_iter: int = 50,
    tol: float = 1e-10,
    armijo_c: float = 1e-4,
) -> NewtonPath:
    """Newton's method on the logistic negative log-likelihood, every iterate kept.

    ``line_search``: ``"none"`` takes the full step d = -H^{-1} g;
    ``"halving"`` halves it until the loss falls, the rule of
    :func:`~book_utils.fit_logistic`; ``"armijo"`` halves it until the loss
    falls by at least ``armijo_c`` x alpha x |g^T d| (the Armijo
    sufficient-decrease condition of a backtracking line search).  Stops when
    the largest change of a coefficient is below ``tol`` (converged), after
    ``max_iter`` steps, or when the Hessian can no longer be solved or the
    iterate is no longer finite (not converged).  Chapter 8.
    """
    X, y = _labels(X, y)
    if line_search not in LINE_SEARCHES:
        raise ValueError(
            f"line_search must be one of {LINE_SEARCHES}, got {line_search!r}"
        )
    max_iter = _count(max_iter, "max_iter", 0)
    tol = _positive(tol, "tol")
    armijo_c = _positive(armijo_c, "armijo_c")
    beta = np.zeros(X.shape[1]) if beta0 is None else as_finite_array(beta0, "beta0")
    if beta.shape != (X.shape[1],):
        raise ValueError(
            f"beta0 must have {X.shape[1]} entries; got shape {beta.shape}"
        )
    params, nlls, lengths = [beta], [logistic_nll_terms(X, y, beta)[0]], []
    converged = False
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for _ in range(max_iter):
            nll, g, p_hat = logistic_nll_terms(X, y, beta)
            hess = X.T @ (X * (p_hat * (1 - p_hat))[:, None])
            try:
                d = np.linalg.solve(hess, -g)
            except np.linalg.LinAlgError:
                break
            if not np.isfinite(d).all():
                break
            alpha = 1.0
            if line_search != "none":
                slope = float(g @ d)  # < 0: d points downhill
                for _ in range(60):
                    trial = logistic_nll_terms(X, y, beta + alpha * d)[0]
                    need = nll + (
                        armijo_c * alpha * slope if line_search == "armijo" else 0
                    )
                    if trial < need or (line_search == "halving" and trial == nll):
                        break
                    alpha /= 2
            beta = beta + alpha * d
            if not np.isfinite(beta).all():
                break
            params.append(beta)
            nlls.append(logistic_nll_terms(X, y, beta)[0])
            lengths.append(alpha)
            if np.max(np.abs(alpha * d)) < tol:
                converged = True
                break
    return NewtonPath(
        np.array(params), len(params) - 1, converged, np.array(nlls), np.array(lengths)
    )


def minibatch_sgd(
    X, y, *, batch_size: int, n_epochs: int, step, rng, beta0=None
) -> OptimPath:
    """Mini-batch stochastic gradient descent on the mean logistic loss.

    Each epoch (one pass over the data) shuffles the rows with ``rng`` (a
    ``numpy.random.Generator``) and cuts them into batches of ``batch_size``
    (the last one may be smaller); each batch moves beta by -s_t times the
    gradient of the batch's mean loss, -X_b^T (y_b - p_b) / b.  ``step`` is a
    positive number or a function of the step number t giving s_t (a decaying
    Robbins-Monro schedule such as s0 / (1 + t / tau)).  ``params`` holds the
    start and the iterate after every batch.  Chapter 8.
    """
    X, y = _labels(X, y)
    n = X.shape[0]
    batch_size = _count(batch_size, "batch_size")
    if batch_size > n:
        raise ValueError(f"batch_size must be at most the number of rows, {n}")
    n_epochs = _count(n_epochs, "n_epochs", 0)
    if not isinstance(rng, np.random.Generator):
        raise ValueError(
            "rng must be a numpy.random.Generator (np.random.default_rng(seed))"
        )
    schedule = step if callable(step) else None
    if schedule is None:
        fixed = _positive(step, "step")
    beta = np.zeros(X.shape[1]) if beta0 is None else as_finite_array(beta0, "beta0")
    per_epoch = -(-n // batch_size)
    path = np.empty((n_epochs * per_epoch + 1, X.shape[1]))
    path[0] = beta
    t = 0
    for _ in range(n_epochs):
        order = rng.permutation(n)
        for start in range(0, n, batch_size):
            rows = order[start : start + batch_size]
            g = logistic_nll_terms(X[rows], y[rows], beta)[1] / rows.size
            s = fixed if schedule is None else _positive(schedule(t), "step(t)")
            beta = beta - s * g
            t += 1
            path[t] = beta
    return OptimPath(path, t, False)


def max_margin_direction(X, y) -> tuple[np.ndarray, float]:
    """The unit vector w of the maximum-margin separator through the origin of
    the rows of ``X`` (include the constant column to let it have an offset):
    the solution of min |w|^2 / 2 subject to s_i x_i^T w >= 1 with s_i = 2 y_i - 1
    (a hard-margin support vector machine without a separate bias), and its
    margin 1 / |w|.  Gradient descent on separated data tends to this direction
    (Soudry et al. 2018).  Solved as a quadratic programme with scipy's SLSQP
    from the linear programme's feasible point; raises ``ValueError`` if no
    w separates the classes.  Chapter 8.
    """
    X, y = _labels(X, y)
    A = (2 * y - 1)[:, None] * X  # want A w >= 1
    k = X.shape[1]
    lp = optimize.linprog(
        np.zeros(k),
        A_ub=-A,
        b_ub=-np.ones(len(y)),
        bounds=[(None, None)] * k,
        method="highs",
    )
    if lp.status != 0:
        raise ValueError("X, y: no linear separator through the origin exists")
    res = optimize.minimize(
        lambda w: 0.5 * w @ w,
        lp.x,
        jac=lambda w: w,
        constraints=[{"type": "ineq", "fun": lambda w: A @ w - 1, "jac": lambda w: A}],
        method="SLSQP",
        options={"ftol": 1e-15, "maxiter": 500},
    )
    w = res.x
    norm = float(np.linalg.norm(w))
    return w / norm, 1.0 / norm


def angle_degrees(u, v) -> float:
    """The angle between two non-zero vectors, in degrees (from atan2 of the
    cross and dot terms, accurate for tiny angles).  Chapter 8."""
    u, v = as_finite_array(u, "u"), as_finite_array(v, "v")
    if u.shape != v.shape or u.ndim != 1:
        raise ValueError(
            f"u and v must be 1-D of one length; got {u.shape} and {v.shape}"
        )
    nu, nv = np.linalg.norm(u), np.linalg.norm(v)
    if nu == 0 or nv == 0:
        raise ValueError("u and v must be non-zero")
    u, v = u / nu, v / nv
    return float(
        np.degrees(2 * np.arctan2(np.linalg.norm(u - v), np.linalg.norm(u + v)))
    )


# ---- larger than memory -------------------------------------------------------


def _chunk_sums(X, y, beta):
    """X^T W X, X^T (y - p) and the log-likelihood of one chunk of rows."""
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    eta = X @ beta
    e = np.exp(-np.abs(eta))  # never overflows
    d = 1.0 + e
    p = np.where(eta >= 0, 1.0, e) / d
    w = e / (d * d)  # = p (1 - p), without the cancellation of 1 - p
    llf = float(y @ eta) - float(np.maximum(eta, 0.0).sum() + np.log1p(e).sum())
    return (X.T * w) @ X, X.T @ (y - p), llf


@dataclass(frozen=True)
class ChunkedFit:
    """The result of :func:`fit_logistic_chunked`: estimates, log-likelihood,
    standard errors, passes over the data and whether the step fell below tol."""

    params: np.ndarray
    llf: float
    bse: np.ndarray
    n_iter: int
    converged: bool
    changes: np.ndarray  # the largest change of a coefficient at each pass


def fit_logistic_chunked(
    X,
    y,
    *,
    beta0=None,
    chunk_rows: int = 100_000,
    tol: float = 1e-10,
    max_iter: int = 50,
    scheduler: str = "threads",
) -> ChunkedFit:
    """Logistic regression by Newton (IRLS) steps whose sums run over chunks.

    A Newton step needs only X^T W X (k x k) and X^T (y - p) (k), sums over
    rows, so each chunk of rows contributes its part and only the k x k
    results are added up.  ``X`` (n x k) and ``y`` are NumPy arrays (cut into
    ``chunk_rows`` rows) or Dask arrays chunked along the rows only (then each
    pass is one ``dask.compute`` of the per-chunk sums with ``scheduler``,
    e.g. ``"threads"`` for the local threaded scheduler; the chunks are made,
    used and freed as the pass goes, so the data are never whole in memory).
    Each pass takes one full Newton step (no line search: start at 0 or at a
    fit to a sample).  Stops when the largest change is below ``tol``; the
    log-likelihood and standard errors are those of the last pass, at the
    iterate before that last (tiny) step, which saves a pass.
    Chapter 8.
    """
    tol = _positive(tol, "tol")
    max_iter = _count(max_iter, "max_iter")
    if len(getattr(X, "shape", ())) != 2:
        raise ValueError("X must be a 2-D array (n rows, k columns)")
    if len(getattr(y, "shape", ())) != 1 or y.shape[0] != X.shape[0]:
        raise ValueError("y must be a 1-D array with as many rows as X")
    k = X.shape[1]
    is_dask = hasattr(X, "to_delayed")
    if is_dask:
        import dask

        if len(X.chunks[1]) != 1:
            raise ValueError("X must be chunked along the rows only (one column chunk)")
        if X.chunks[0] != y.chunks[0]:
            raise ValueError("X and y must have the same row chunks")
        x_blocks = X.to_delayed().ravel()
        y_blocks = y.to_delayed().ravel()
        sums = dask.delayed(_chunk_sums, pure=True)

        def parts(beta):
            tasks = [
                sums(xb, yb, beta) for xb, yb in zip(x_blocks, y_blocks, strict=True)
            ]
            return dask.compute(*tasks, scheduler=scheduler)
    else:
        X, y = _labels(X, y)
        chunk_rows = _count(chunk_rows, "chunk_rows")

        def parts(beta):
            return [
                _chunk_sums(X[s : s + chunk_rows], y[s : s + chunk_rows], beta)
                for s in range(0, X.shape[0], chunk_rows)
            ]

    beta = np.zeros(k) if beta0 is None else as_finite_array(beta0, "beta0").copy()
    if beta.shape != (k,):
        raise ValueError(f"beta0 must have {k} entries; got shape {beta.shape}")
    converged = False
    n_iter = 0
    changes = []
    while n_iter < max_iter:
        info, score, llf = np.zeros((k, k)), np.zeros(k), 0.0
        for i_part, s_part, l_part in parts(beta):  # added in a fixed order
            info += i_part
            score += s_part
            llf += l_part
        delta = np.linalg.solve(info, score)
        beta = beta + delta
        n_iter += 1
        changes.append(float(np.max(np.abs(delta))))
        if changes[-1] < tol:
            converged = True
            break
    bse = np.sqrt(np.diag(np.linalg.inv(info)))
    return ChunkedFit(beta, llf, bse, n_iter, converged, np.array(changes))


@dataclass(frozen=True)
class Measured:
    """What :func:`measure` saw: the function's ``result``, its ``peak_bytes``
    and its wall-clock ``seconds``."""

    result: object
    peak_bytes: int
    seconds: float


def measure(fn: Callable, *args, **kwargs) -> Measured:
    """Run ``fn(*args, **kwargs)`` and measure the largest amount of memory
    (bytes) that Python and NumPy allocated at once while it ran, above what
    was allocated before, as ``tracemalloc`` traces it (every thread), and the
    wall-clock time (which tracing slows down).  Chapter 8."""
    if not callable(fn):
        raise ValueError("fn must be callable")
    if tracemalloc.is_tracing():
        raise RuntimeError("tracemalloc is already tracing; stop it first")
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        start = time.perf_counter()
        result = fn(*args, **kwargs)
        seconds = time.perf_counter() - start
        peak = tracemalloc.get_traced_memory()[1] - base
    finally:
        tracemalloc.stop()
    return Measured(result, peak, seconds)
