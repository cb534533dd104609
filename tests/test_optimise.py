"""Tests of book_utils.optimise (chapter 8) against closed forms on a quadratic,
statsmodels, scipy and fit_logistic."""

from __future__ import annotations

import dask.array as da
import numpy as np
import pytest
import statsmodels.api as sm
from scipy import optimize

from book_utils import (
    angle_degrees,
    fit_logistic,
    fit_logistic_chunked,
    gradient_descent,
    lipschitz_bound,
    logistic_nll_terms,
    max_margin_direction,
    measure,
    minibatch_sgd,
    newton_path,
)


@pytest.fixture(scope="module")
def spector():
    data = sm.datasets.spector.load_pandas()
    return sm.add_constant(data.exog).to_numpy(), data.endog.to_numpy()


@pytest.fixture(scope="module")
def sm_spector(spector):
    X, y = spector
    return sm.Logit(y, X).fit(disp=0, tol=1e-12)


# ---- gradient descent on a quadratic: closed forms ------------------------------

A = np.array([[3.0, 1.0], [1.0, 2.0]])
B = np.array([1.0, -1.0])
X_STAR = np.linalg.solve(A, B)


def quad_grad(x):
    return A @ x - B


def test_gradient_descent_matches_the_closed_form_on_a_quadratic():
    s = 0.2
    x0 = np.array([2.0, 3.0])
    path = gradient_descent(quad_grad, x0, s, max_iter=30)
    M = np.eye(2) - s * A
    for t in (0, 1, 5, 30):
        expected = X_STAR + np.linalg.matrix_power(M, t) @ (x0 - X_STAR)
        assert np.allclose(path.params[t], expected, rtol=0, atol=1e-12)
    assert path.n_iter == 30 and path.params.shape == (31, 2)


def test_gradient_descent_diverges_above_two_over_the_largest_eigenvalue():
    lam_max = np.linalg.eigvalsh(A)[-1]
    below = gradient_descent(
        quad_grad, np.zeros(2), 1.9 / lam_max, max_iter=400, gtol=1e-9
    )
    above = gradient_descent(quad_grad, np.zeros(2), 2.1 / lam_max, max_iter=400)
    assert below.converged and np.allclose(below.params[-1], X_STAR, atol=1e-8)
    err = np.linalg.norm(above.params - X_STAR, axis=1)
    # the error along the top eigenvector grows by |1 - 2.1| = 1.1 per step
    assert err[-1] > 1e10 and np.isclose(err[-1] / err[-2], 1.1, rtol=1e-6)


def test_gradient_descent_schedule_and_stopping():
    calls = []

    def schedule(t):
        calls.append(t)
        return 0.1

    path = gradient_descent(quad_grad, np.zeros(2), schedule, max_iter=5)
    fixed = gradient_descent(quad_grad, np.zeros(2), 0.1, max_iter=5)
    assert calls == [0, 1, 2, 3, 4]
    assert np.array_equal(path.params, fixed.params)
    stopped = gradient_descent(quad_grad, X_STAR, 0.1, max_iter=5, gtol=1e-6)
    assert stopped.converged and stopped.n_iter == 0


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"step": 0.0}, "step"),
        ({"step": -1.0}, "step"),
        ({"step": "big"}, "step"),
        ({"step": 0.1, "gtol": -1.0}, "gtol"),
        ({"step": 0.1, "max_iter": 2.5}, "max_iter"),
    ],
)
def test_gradient_descent_validates(kwargs, match):
    kwargs.setdefault("max_iter", 3)
    with pytest.raises(ValueError, match=match):
        gradient_descent(quad_grad, np.zeros(2), **kwargs)
    with pytest.raises(ValueError, match="beta0"):
        gradient_descent(quad_grad, [np.nan, 0], 0.1, max_iter=3)
    with pytest.raises(ValueError, match="grad"):
        gradient_descent("grad", np.zeros(2), 0.1, max_iter=3)


def test_lipschitz_bound_is_the_hessian_at_zero_and_bounds_it_everywhere(spector):
    X, y = spector
    L = lipschitz_bound(X)
    assert np.isclose(L, np.linalg.eigvalsh(X.T @ X / 4)[-1], rtol=1e-12)
    rng = np.random.default_rng(0)
    for beta in rng.normal(scale=[3, 1, 0.1, 1], size=(20, 4)):
        p = 1 / (1 + np.exp(-X @ beta))
        assert np.linalg.eigvalsh(X.T @ (X * (p * (1 - p))[:, None]))[-1] <= L
    with pytest.raises(ValueError, match="X"):
        lipschitz_bound([1.0, 2.0])


def test_logistic_nll_terms_against_statsmodels(spector, sm_spector):
    X, y = spector
    beta = np.array([-8.0, 2.0, 0.05, 1.5])
    nll, grad, _ = logistic_nll_terms(X, y, beta)
    model = sm.Logit(y, X)
    assert np.isclose(nll, -model.loglike(beta), rtol=1e-13)
    assert np.allclose(grad, -model.score(beta), rtol=1e-12)


# ---- Newton's method ---------------------------------------------------------------


@pytest.mark.parametrize("line_search", ["none", "halving", "armijo"])
def test_newton_path_reaches_the_statsmodels_estimate(spector, sm_spector, line_search):
    X, y = spector
    path = newton_path(X, y, line_search=line_search)
    assert path.converged and path.n_iter < 10
    assert np.allclose(path.params[-1], sm_spector.params, rtol=1e-8)
    assert np.isclose(-path.nll[-1], sm_spector.llf, rtol=1e-12)
    assert np.all(np.diff(path.nll) <= 1e-12)  # the loss never rises


def test_newton_halving_path_is_fit_logistics_path(spector):
    X, y = spector
    path = newton_path(X, y, line_search="halving")
    fit = fit_logistic(X, y)
    steps = min(path.n_iter, fit.n_iter) + 1
    assert np.allclose(
        path.params[:steps], fit.history.params[:steps], rtol=1e-9, atol=1e-9
    )


def test_pure_newton_diverges_where_a_line_search_rescues_it(spector):
    X, y = spector
    centred = np.column_stack([np.ones(len(y)), X[:, 1] - X[:, 1].mean()])
    reference = sm.Logit(y, centred).fit(disp=0, tol=1e-12).params
    start = [1.0, 4.0]
    pure = newton_path(centred, y, start, max_iter=30)
    assert not pure.converged and np.abs(pure.params).max() > 100
    for rule in ("halving", "armijo"):
        rescued = newton_path(centred, y, start, line_search=rule, max_iter=30)
        assert rescued.converged and np.allclose(
            rescued.params[-1], reference, rtol=1e-8
        )
        assert rescued.step_lengths[0] < 1  # the first full step was cut
    armijo = newton_path(centred, y, start, line_search="armijo", max_iter=30)
    for t, alpha in enumerate(armijo.step_lengths):  # the accepted steps satisfy Armijo
        _, g, p = logistic_nll_terms(centred, y, armijo.params[t])
        d = (armijo.params[t + 1] - armijo.params[t]) / alpha
        assert armijo.nll[t + 1] <= armijo.nll[t] + 1e-4 * alpha * (g @ d) + 1e-12


def test_newton_path_validates(spector):
    X, y = spector
    with pytest.raises(ValueError, match="line_search"):
        newton_path(X, y, line_search="wolfe")
    with pytest.raises(ValueError, match="beta0"):
        newton_path(X, y, [0.0, 1.0])
    with pytest.raises(ValueError, match="y"):
        newton_path(X, y + 0.5)


# ---- stochastic gradients ----------------------------------------------------------


def test_full_batch_sgd_is_gradient_descent_on_the_mean_loss(spector):
    X, y = spector
    n = len(y)
    Xc = np.column_stack([np.ones(n), X[:, 1] - X[:, 1].mean()])
    sgd = minibatch_sgd(
        Xc, y, batch_size=n, n_epochs=50, step=0.5, rng=np.random.default_rng(1)
    )
    gd = gradient_descent(
        lambda b: logistic_nll_terms(Xc, y, b)[1] / n, np.zeros(2), 0.5, max_iter=50
    )
    assert np.allclose(sgd.params, gd.params, rtol=1e-12, atol=1e-12)


def test_sgd_with_a_decaying_step_converges_and_is_seeded():
    rng = np.random.default_rng(7)
    x = rng.normal(size=400)
    X = np.column_stack([np.ones(400), x])
    y = (rng.random(400) < 1 / (1 + np.exp(-(0.3 + 1.2 * x)))).astype(float)
    mle = sm.Logit(y, X).fit(disp=0).params

    def run(seed, step):
        return minibatch_sgd(
            X, y, batch_size=1, n_epochs=30, step=step, rng=np.random.default_rng(seed)
        )

    decaying = run(3, lambda t: 1.0 / (1 + t / 400))
    assert np.linalg.norm(decaying.params[-1] - mle) < 0.06
    assert np.array_equal(decaying.params, run(3, lambda t: 1.0 / (1 + t / 400)).params)
    constant = run(3, 0.5)
    last_pass = np.linalg.norm(constant.params[-400:] - mle, axis=1)
    assert (
        last_pass.mean()
        > 3 * np.linalg.norm(decaying.params[-400:] - mle, axis=1).mean()
    )


def test_minibatch_sgd_validates(spector):
    X, y = spector
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="batch_size"):
        minibatch_sgd(X, y, batch_size=0, n_epochs=1, step=0.1, rng=rng)
    with pytest.raises(ValueError, match="batch_size"):
        minibatch_sgd(X, y, batch_size=33, n_epochs=1, step=0.1, rng=rng)
    with pytest.raises(ValueError, match="rng"):
        minibatch_sgd(X, y, batch_size=4, n_epochs=1, step=0.1, rng=0)


# ---- separation --------------------------------------------------------------------


def test_max_margin_closed_form_for_two_points():
    X = np.array([[1.0, 2.0], [-1.0, -2.0]])
    w, margin = max_margin_direction(X, np.array([1.0, 0.0]))
    assert np.allclose(w, [1, 2] / np.sqrt(5), atol=1e-7)
    assert np.isclose(margin, np.sqrt(5), rtol=1e-7)


def test_max_margin_satisfies_the_kkt_conditions():
    x = np.array([0.5, 1.1, 1.6, 2.0, 2.6, 3.1, 3.5, 4.2])
    X = np.column_stack([np.ones(8), x])
    y = (x > 2.3).astype(float)
    w, margin = max_margin_direction(X, y)
    w_full = w / margin  # the solution with margins >= 1
    A = (2 * y - 1)[:, None] * X
    margins = A @ w_full
    assert margins.min() > 1 - 1e-7
    active = np.abs(margins - 1) < 1e-6
    # stationarity: w is a non-negative combination of the active constraints
    alpha, residual = optimize.nnls(A[active].T, w_full)
    assert residual < 1e-7 and active.sum() >= 2
    with pytest.raises(ValueError, match="separator"):
        max_margin_direction(X, np.array([0.0, 1, 0, 1, 0, 1, 0, 1]))


def test_angle_degrees():
    assert np.isclose(angle_degrees([1, 0], [0, 2]), 90)
    assert np.isclose(angle_degrees([1, 0], [1, 1]), 45)
    assert np.isclose(angle_degrees([1, 0], [1, 1e-9]), np.degrees(1e-9), rtol=1e-6)
    with pytest.raises(ValueError, match="non-zero"):
        angle_degrees([0, 0], [1, 0])


# ---- larger than memory ------------------------------------------------------------


def test_chunked_fit_matches_statsmodels(spector, sm_spector):
    X, y = spector
    for chunk_rows in (5, 32, 1000):
        fit = fit_logistic_chunked(X, y, chunk_rows=chunk_rows)
        assert fit.converged
        assert np.allclose(fit.params, sm_spector.params, rtol=1e-9)
        assert np.allclose(fit.bse, sm_spector.bse, rtol=1e-7)
        assert np.isclose(fit.llf, sm_spector.llf, rtol=1e-12)


def test_chunked_fit_on_dask_arrays_matches_fit_logistic():
    rng = np.random.default_rng(11)
    X = np.column_stack([np.ones(5000), rng.normal(size=(5000, 2))])
    y = (rng.random(5000) < 1 / (1 + np.exp(-X @ [0.2, 1.0, -0.5]))).astype(float)
    fit = fit_logistic_chunked(
        da.from_array(X, chunks=(700, 3)),
        da.from_array(y, chunks=700),
        scheduler="sync",
    )
    reference = fit_logistic(X, y)
    assert fit.converged
    assert np.allclose(fit.params, reference.params, rtol=0, atol=1e-10)
    with pytest.raises(ValueError, match="rows only"):
        fit_logistic_chunked(
            da.from_array(X, chunks=(700, 1)), da.from_array(y, chunks=700)
        )


def test_chunked_fit_validates(spector):
    X, y = spector
    with pytest.raises(ValueError, match="y"):
        fit_logistic_chunked(X, y[:-1])
    with pytest.raises(ValueError, match="chunk_rows"):
        fit_logistic_chunked(X, y, chunk_rows=0)
    with pytest.raises(ValueError, match="beta0"):
        fit_logistic_chunked(X, y, beta0=[0.0])


def test_measure_sees_numpy_allocations():
    def make():
        a = np.ones(1_000_000)
        return float(a.sum())

    seen = measure(make)
    assert seen.result == 1e6
    assert 8e6 <= seen.peak_bytes < 9e6
    assert seen.seconds > 0
    with pytest.raises(ValueError, match="fn"):
        measure(3)
