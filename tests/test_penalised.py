"""Tests of book_utils.penalised against independent references: statsmodels'
ridge fit, scipy's generic optimiser on the penalised log-likelihood, and
Firth's modified score equations."""

import warnings

import numpy as np
import pytest
import statsmodels.api as sm
from scipy import optimize, special

import book_utils as bu


@pytest.fixture(scope="module")
def spector():
    data = sm.datasets.spector.load_pandas()
    X = sm.add_constant(data.exog).to_numpy()
    return X, data.endog.to_numpy()


@pytest.fixture(scope="module")
def separated():
    x = np.array([0.5, 1.1, 1.6, 2.0, 2.6, 3.1, 3.5, 4.2])
    y = (x > 2.3).astype(float)
    return np.column_stack([np.ones(x.size), x]), y


def log_lik(beta, X, y):
    eta = X @ beta
    return float(np.sum(y * eta - np.logaddexp(0.0, eta)))


def firth_objective(beta, X, y):
    p = special.expit(X @ beta)
    info = X.T @ (X * (p * (1 - p))[:, None])
    return log_lik(beta, X, y) + 0.5 * np.linalg.slogdet(info)[1]


def modified_score(beta, X, y):
    """Firth's U*(beta) = X^T (y - p + h (1/2 - p)), with the hat matrix
    formed explicitly (not as the module computes it)."""
    p = special.expit(X @ beta)
    Wh = np.sqrt(p * (1 - p))
    A = X * Wh[:, None]
    H = A @ np.linalg.inv(A.T @ A) @ A.T
    return X.T @ (y - p + np.diag(H) * (0.5 - p))


@pytest.mark.parametrize("lam", [0.01, 1.0, 10.0, 300.0])
def test_l2_matches_scipy(spector, lam):
    X, y = spector
    mask = np.r_[0.0, np.ones(X.shape[1] - 1)]
    res = optimize.minimize(
        lambda b: -log_lik(b, X, y) + lam / 2 * np.sum(mask * b * b),
        np.zeros(X.shape[1]),
        jac=lambda b: -X.T @ (y - special.expit(X @ b)) + lam * mask * b,
        method="BFGS",
        options={"gtol": 1e-10, "maxiter": 10_000},
    )
    fit = bu.fit_logistic_penalised(X, y, lam=lam)
    assert fit.converged
    np.testing.assert_allclose(fit.params, res.x, rtol=1e-5, atol=1e-6)
    assert fit.objective >= -res.fun - 1e-9
    assert np.isclose(fit.llf, log_lik(fit.params, X, y))
    # the unpenalised intercept keeps its score equation: mean p = mean y
    assert np.isclose(special.expit(X @ fit.params).sum(), y.sum())


@pytest.mark.parametrize("lam", [0.5, 5.0])
def test_l2_matches_statsmodels_ridge(spector, lam):
    """statsmodels' GLM elastic net minimises -l/n + alpha (|b|^2 / 2) with
    L1_wt = 0, a per-coefficient alpha: so alpha = lam / n, and 0 for the
    intercept (Logit.fit_regularized offers only the L1 penalty)."""
    X, y = spector
    n = X.shape[0]
    alpha = np.r_[0.0, np.full(X.shape[1] - 1, lam / n)]
    sm_fit = sm.GLM(y, X, family=sm.families.Binomial()).fit_regularized(
        alpha=alpha, L1_wt=0.0
    )
    fit = bu.fit_logistic_penalised(X, y, lam=lam)
    np.testing.assert_allclose(fit.params, sm_fit.params, rtol=1e-4, atol=1e-5)


def test_lam_zero_is_the_mle(spector):
    X, y = spector
    fit = bu.fit_logistic_penalised(X, y, lam=0.0)
    mle = bu.fit_logistic(X, y)
    np.testing.assert_array_equal(fit.params, mle.params)
    assert fit.objective == fit.llf == mle.llf
    assert fit.separation is None


def test_firth_matches_generic_optimiser_and_modified_score(spector):
    X, y = spector
    fit = bu.fit_logistic_penalised(X, y, firth=True)
    assert fit.converged
    res = optimize.minimize(
        lambda b: -firth_objective(b, X, y),
        bu.fit_logistic(X, y).params,
        method="Nelder-Mead",
        options={"xatol": 1e-9, "fatol": 1e-12, "maxiter": 40_000, "maxfev": 40_000},
    )
    np.testing.assert_allclose(fit.params, res.x, rtol=1e-4, atol=1e-5)
    assert np.isclose(fit.objective, firth_objective(fit.params, X, y), rtol=1e-12)
    assert np.abs(modified_score(fit.params, X, y)).max() < 1e-8
    # Firth shrinks PSI's odds ratio from about 10.8 (MLE) to about 7.4
    assert np.exp(bu.fit_logistic(X, y).params[3]) == pytest.approx(10.79, abs=0.01)
    assert np.exp(fit.params[3]) == pytest.approx(7.4, abs=0.1)


def test_firth_with_l2(spector):
    X, y = spector
    lam = 2.0
    mask = np.r_[0.0, np.ones(X.shape[1] - 1)]
    fit = bu.fit_logistic_penalised(X, y, lam=lam, firth=True)
    grad = modified_score(fit.params, X, y) - lam * mask * fit.params
    assert np.abs(grad).max() < 1e-8


def test_separated_data_give_finite_estimates(separated):
    X, y = separated
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for kwargs in ({"lam": 1e-3}, {"lam": 1.0}, {"firth": True}):
            fit = bu.fit_logistic_penalised(X, y, **kwargs, check_separation=True)
            assert fit.converged and np.isfinite(fit.params).all()
            assert fit.separation is not None and fit.separation.kind == "complete"
            assert np.isfinite(fit.bse).all()
            assert 2.0 < -fit.params[0] / fit.params[1] < 2.6
        assert bu.fit_logistic_penalised(X, y, lam=1.0).separation is None
    # smaller lam, larger slope: back towards the divergent MLE
    slopes = [
        bu.fit_logistic_penalised(X, y, lam=lam).params[1] for lam in (1, 0.1, 0.01)
    ]
    assert slopes[0] < slopes[1] < slopes[2]
    assert (
        np.abs(
            modified_score(bu.fit_logistic_penalised(X, y, firth=True).params, X, y)
        ).max()
        < 1e-8
    )


def test_penalize_mask(spector):
    X, y = spector
    every = bu.fit_logistic_penalised(X, y, lam=5.0, penalize=np.ones(4, bool))
    default = bu.fit_logistic_penalised(X, y, lam=5.0)
    np.testing.assert_array_equal(default.penalize, [False, True, True, True])
    assert not np.allclose(every.params, default.params)
    none = bu.fit_logistic_penalised(X, y, lam=5.0, penalize=np.zeros(4, bool))
    np.testing.assert_allclose(none.params, bu.fit_logistic(X, y).params)


def test_bad_input(spector):
    X, y = spector
    with pytest.raises(ValueError, match="lam"):
        bu.fit_logistic_penalised(X, y, lam=-1.0)
    with pytest.raises(ValueError, match="lam"):
        bu.fit_logistic_penalised(X, y, lam=np.inf)
    with pytest.raises(TypeError, match="lam"):
        bu.fit_logistic_penalised(X, y, lam="1")
    with pytest.raises(TypeError, match="lam"):
        bu.fit_logistic_penalised(X, y, lam=1j)
    with pytest.raises(TypeError, match="firth"):
        bu.fit_logistic_penalised(X, y, firth=1)
    with pytest.raises(TypeError, match="penalize"):
        bu.fit_logistic_penalised(X, y, lam=1.0, penalize=[0, 1, 1, 1])
    with pytest.raises(ValueError, match="penalize"):
        bu.fit_logistic_penalised(X, y, lam=1.0, penalize=np.ones(3, bool))
    with pytest.raises(ValueError, match="y"):
        bu.fit_logistic_penalised(X, y + 2, lam=1.0)
    with pytest.raises(TypeError, match="X"):
        bu.fit_logistic_penalised(X.astype(str), y, lam=1.0)
    with pytest.raises(ValueError, match="max_iter"):
        bu.fit_logistic_penalised(X, y, lam=1.0, max_iter=0)
    # two equal unpenalised columns cannot be told apart, even with a penalty
    X_dup = np.column_stack([X[:, 0], X[:, 0] * 1.0, X[:, 1]])
    with pytest.raises(ValueError, match="rank"):
        bu.fit_logistic_penalised(
            X_dup, y, lam=1.0, penalize=np.array([False, False, True])
        )
    # a penalty lets collinear penalised columns through: the MAP is unique
    X_col = np.column_stack([X, X[:, 1]])
    fit = bu.fit_logistic_penalised(X_col, y, lam=1.0)
    assert fit.converged
    assert np.isclose(fit.params[1], fit.params[4])
