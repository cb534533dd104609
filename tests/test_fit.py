"""Tests of book_utils.fit against statsmodels, published and certified values."""

import warnings

import numpy as np
import pytest
import statsmodels.api as sm
from hypothesis import given, settings
from hypothesis import strategies as hst

import book_utils as bu

# NIST StRD certified values for the Longley data (TOTEMP on the six regressors)
LONGLEY_CERTIFIED = {
    "const": -3482258.63459582,
    "GNPDEFL": 15.0618722713733,
    "GNP": -0.358191792925910e-01,
    "UNEMP": -2.02022980381683,
    "ARMED": -1.03322686717359,
    "POP": -0.511041056535807e-01,
    "YEAR": 1829.15146461355,
}
LONGLEY_CERTIFIED_RSS = 836424.055505915


def max_rel_err(a, b):
    a, b = np.asarray(a, float), np.asarray(b, float)
    return float(np.max(np.abs(a - b) / np.abs(b)))


def sm_logit(X, y):
    return sm.Logit(y, X).fit(disp=0, method="newton", tol=1e-12, maxiter=100)


@pytest.fixture(scope="module")
def longley():
    data = sm.datasets.longley.load_pandas()
    X = sm.add_constant(data.exog)
    return X.to_numpy(), data.endog.to_numpy(), list(X.columns)


@pytest.fixture(scope="module")
def simulated_logistic():
    rng = np.random.default_rng(12345)
    n = 2000
    X = np.column_stack([np.ones(n), rng.normal(size=(n, 3))])
    beta = np.array([-0.5, 1.0, -2.0, 0.3])
    y = (rng.random(n) < 1 / (1 + np.exp(-X @ beta))).astype(float)
    return X, y, beta


def check_history(fit, n):
    hist = fit.history
    k = fit.params.shape[0]
    assert hist.params.shape == (fit.n_iter + 1, k)
    assert hist.llf.shape == (fit.n_iter + 1,)
    np.testing.assert_array_equal(hist.params[0], np.zeros(k))
    np.testing.assert_array_equal(hist.params[-1], fit.params)
    assert hist.llf[-1] == fit.llf
    # the start, beta = 0, gives every example probability 1/2
    assert hist.llf[0] == pytest.approx(n * np.log(0.5), rel=1e-14)
    # Step halving never lowers the log-likelihood, beyond the float rounding
    # (1e-12 relative) that fit_logistic tolerates once it sits at the maximum.
    assert np.all(np.diff(hist.llf) >= -1e-12 * abs(fit.llf))
    # the fit climbs from the start unless the start (beta = 0) is already the maximum,
    # which happens when the data have exactly as many ones as zeros and no slope
    if not np.allclose(fit.params, 0, atol=1e-12):
        assert hist.llf[-1] > hist.llf[0]


# --------------------------------------------------------------------------------------
# fit_logistic
# --------------------------------------------------------------------------------------


def test_logistic_spector_matches_statsmodels_and_published_values(spector):
    X, y, names = spector
    fit = bu.fit_logistic(X, y)
    ref = sm_logit(X, y)
    assert fit.converged
    assert max_rel_err(fit.params, ref.params) < 1e-8
    assert fit.llf == pytest.approx(ref.llf, rel=1e-10)
    assert max_rel_err(fit.bse, ref.bse) < 1e-6
    published = {"const": -13.021, "GPA": 2.826, "TUCE": 0.095, "PSI": 2.379}
    for name, value in zip(names, fit.params, strict=True):
        assert round(value, 3) == published[name], name
    assert round(fit.llf, 3) == -12.890
    check_history(fit, 32)


def test_logistic_simulated_matches_statsmodels(simulated_logistic):
    X, y, beta = simulated_logistic
    fit = bu.fit_logistic(X, y)
    ref = sm_logit(X, y)
    assert fit.converged
    assert max_rel_err(fit.params, ref.params) < 1e-8
    assert fit.llf == pytest.approx(ref.llf, rel=1e-8)
    assert max_rel_err(fit.bse, ref.bse) < 1e-6
    assert isinstance(fit.llf, float)
    # and the estimate is near the truth it was simulated from
    assert np.all(np.abs(fit.params - beta) < 5 * fit.bse)
    check_history(fit, len(y))


def test_logistic_history_on_simulated_data_strictly_climbs_first(simulated_logistic):
    X, y, _ = simulated_logistic
    fit = bu.fit_logistic(X, y)
    assert 3 <= fit.n_iter < 100
    climbs = np.diff(fit.history.llf)
    assert np.all(climbs[:3] > 0)


@settings(deadline=None, max_examples=15)
@given(hst.integers(0, 2**32 - 1), hst.integers(60, 300), hst.integers(1, 4))
def test_logistic_matches_statsmodels_on_random_data(seed, n, k):
    rng = np.random.default_rng(seed)
    X = np.column_stack([np.ones(n), rng.normal(size=(n, k - 1))])
    beta = rng.normal(scale=0.7, size=k)
    y = (rng.random(n) < 1 / (1 + np.exp(-X @ beta))).astype(float)
    y[:2] = [0.0, 1.0]
    y[2:4] = [1.0, 0.0]  # duplicate rows, different labels: never separable
    X[2:4] = X[:2]
    fit = bu.fit_logistic(X, y)
    ref = sm_logit(X, y)
    assert fit.converged
    np.testing.assert_allclose(fit.params, ref.params, rtol=1e-7, atol=1e-9)
    assert fit.llf == pytest.approx(ref.llf, rel=1e-10)
    np.testing.assert_allclose(fit.bse, ref.bse, rtol=1e-6)
    check_history(fit, len(y))


@pytest.mark.parametrize(
    "x, y",
    [
        ([-2.0, -1.0, 1.0, 2.0], [0, 0, 1, 1]),
        ([-3.0, -1.0, 0.5, 1.0, 4.0, 6.0], [1, 1, 1, 0, 0, 0]),
    ],
)
def test_logistic_perfect_separation_warns(x, y):
    X = np.column_stack([np.ones(len(x)), x])
    with pytest.warns(bu.PerfectSeparationWarning, match="perfect separation"):
        fit = bu.fit_logistic(X, y)
    assert fit.converged is False
    eta = X @ fit.params
    assert np.all((eta > 0) == (np.asarray(y) == 1))  # the returned beta separates
    check_history(fit, len(y))


def test_logistic_perfect_separation_with_two_inputs():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(40, 2))
    y = (x[:, 0] + x[:, 1] > 0).astype(float)
    X = np.column_stack([np.ones(40), x])
    with pytest.warns(bu.PerfectSeparationWarning) as record:
        fit = bu.fit_logistic(X, y)
    assert len(record) == 1
    assert "perfect separation" in str(record[0].message)
    assert not fit.converged


def quasi_separated_data():
    # chapter 5's separated data plus two examples at the threshold x = 2.3, one
    # of each label: x separates every other example, so the slope runs off to
    # infinity while the two at 2.3 keep probability 1/2 (quasi-complete separation)
    x = np.array([0.5, 1.1, 1.6, 2.0, 2.3, 2.3, 2.6, 3.1, 3.5, 4.2])
    y = np.array([0, 0, 0, 0, 0, 1, 1, 1, 1, 1], dtype=float)
    return np.column_stack([np.ones(x.size), x]), y


def test_logistic_quasi_complete_separation_names_the_observations():
    X, y = quasi_separated_data()
    with pytest.warns(bu.PerfectSeparationWarning) as record:
        fit = bu.fit_logistic(X, y)
    assert len(record) == 1  # one warning per fit, not one per iteration
    message = str(record[0].message)
    assert message.startswith("quasi-complete separation: observations 0, 1, 2, 3, 6,")
    np.testing.assert_array_equal(
        record[0].message.observations, [0, 1, 2, 3, 6, 7, 8, 9]
    )
    assert fit.converged is False
    # the supremum of the log-likelihood is that of the two examples at 2.3 alone,
    # each with probability 1/2: 2 log(1/2), approached but never reached
    assert fit.llf == pytest.approx(-2 * np.log(2), abs=1e-9)
    assert fit.llf <= -2 * np.log(2) + 1e-12  # (up to the rounding of the sum)
    p = bu.sigmoid(X @ fit.params)
    assert p[4:6] == pytest.approx(0.5, abs=1e-6)
    assert -fit.params[0] / fit.params[1] == pytest.approx(2.3, abs=1e-6)
    check_history(fit, y.size)


def test_logistic_quasi_complete_separation_against_statsmodels():
    # statsmodels' Logit has no quasi-separation check: its perfect-prediction
    # warning needs every fitted probability within 1e-8 of its label, so here it
    # only fails to converge, at the same supremum of the log-likelihood
    X, y = quasi_separated_data()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        sm_fit = sm.Logit(y, X).fit(disp=0)
    categories = {w.category.__name__ for w in caught}
    assert "PerfectSeparationWarning" not in categories
    assert "ConvergenceWarning" in categories
    assert not sm_fit.mle_retvals["converged"]
    with pytest.warns(bu.PerfectSeparationWarning, match="quasi-complete"):
        fit = bu.fit_logistic(X, y)
    assert fit.llf == pytest.approx(sm_fit.llf, abs=1e-6)
    # the rows statsmodels' summary calls "perfectly predicted" (within 1e-4)
    sm_close = np.flatnonzero(np.abs(y - sm_fit.predict()) < 1e-4)
    np.testing.assert_array_equal(sm_close, [0, 1, 2, 3, 6, 7, 8, 9])


def test_logistic_quasi_complete_separation_with_two_inputs():
    # y = 1 where x1 > 0 and 0 where x1 < 0; on the line x1 = 0 the labels
    # overlap and depend on x2 (they have an MLE of their own)
    rng = np.random.default_rng(11)
    x1 = np.r_[rng.uniform(0.5, 2, 15), -rng.uniform(0.5, 2, 15), np.zeros(12)]
    x2 = rng.normal(size=x1.size)
    y = np.r_[np.ones(15), np.zeros(15), [0, 1, 0, 0, 1, 1, 0, 1, 1, 0, 1, 0]]
    X = np.column_stack([np.ones(x1.size), x1, x2])
    with pytest.warns(bu.PerfectSeparationWarning) as record:
        fit = bu.fit_logistic(X, y)
    assert len(record) == 1
    message = str(record[0].message)
    assert "quasi-complete" in message and "(30 in all)" in message
    np.testing.assert_array_equal(record[0].message.observations, np.arange(30))
    assert not fit.converged
    # the rows on the line tend to the MLE of the model without x1, fitted to them
    on_line = slice(30, None)
    ref = sm.Logit(y[on_line], X[on_line][:, [0, 2]]).fit(disp=0, tol=1e-12)
    assert bu.sigmoid(X[on_line] @ fit.params) == pytest.approx(ref.predict(), abs=1e-6)


def test_logistic_complete_separation_names_every_observation():
    X = np.column_stack([np.ones(4), [-2.0, -1.0, 1.0, 2.0]])
    with pytest.warns(bu.PerfectSeparationWarning, match="perfect separation") as rec:
        bu.fit_logistic(X, [0, 0, 1, 1])
    np.testing.assert_array_equal(rec[0].message.observations, np.arange(4))


def test_logistic_too_few_iterations_is_not_called_separation():
    # separation is decided from the data, not from how far the iterations got:
    # data with an MLE stopped early are not separated ...
    X = np.column_stack([np.ones(7), [-2.0, -1.0, 1.0, 2.0, 3.0, -3.0, 60.0]])
    with pytest.warns(RuntimeWarning, match="did not converge in 3 iterations"):
        fit = bu.fit_logistic(X, [0, 1, 0, 1, 1, 0, 1], max_iter=3)
    assert not fit.converged and fit.separation is None
    # ... and separated data are separated however few the iterations
    X, y = quasi_separated_data()
    with pytest.warns(bu.PerfectSeparationWarning, match="quasi-complete"):
        fit = bu.fit_logistic(X, y, max_iter=3)
    assert not fit.converged
    assert fit.separation.kind == "quasi-complete"


def test_logistic_refuses_bad_labels():
    X = np.column_stack([np.ones(4), [1.0, 2.0, 3.0, 4.0]])
    with pytest.raises(ValueError, match=r"y must hold 0/1 labels; got 2\.0"):
        bu.fit_logistic(X, [0, 1, 2, 1])
    with pytest.raises(ValueError, match="y contains NaN"):
        bu.fit_logistic(X, [0, 1, np.nan, 1])


def test_logistic_refuses_mismatched_lengths():
    X = np.column_stack([np.ones(4), [1.0, 2.0, 3.0, 4.0]])
    with pytest.raises(ValueError, match="X and y must have the same number of rows"):
        bu.fit_logistic(X, [0, 1, 1])


def test_logistic_refuses_fewer_rows_than_columns():
    X = np.ones((2, 3))
    with pytest.raises(
        ValueError, match="X must have at least as many rows as columns"
    ):
        bu.fit_logistic(X, [0, 1])


@pytest.mark.parametrize("kind", ["duplicate", "combination", "zeros"])
def test_logistic_refuses_rank_deficient_X(kind):
    rng = np.random.default_rng(11)
    x = rng.normal(size=(30, 2))
    extra = {
        "duplicate": x[:, 0],
        "combination": x[:, 0] - 3 * x[:, 1],
        "zeros": 0 * x[:, 0],
    }
    X = np.column_stack([np.ones(30), x, extra[kind]])
    y = (rng.random(30) < 0.5).astype(float)
    with pytest.raises(ValueError, match="X is rank-deficient: rank 3 < 4 columns"):
        bu.fit_logistic(X, y)


def test_logistic_refuses_bad_X():
    with pytest.raises(ValueError, match="X must be a 2-D array"):
        bu.fit_logistic([1.0, 2.0, 3.0], [0, 1, 0])
    with pytest.raises(ValueError, match="X must be finite"):
        bu.fit_logistic([[1.0, np.inf], [1.0, 2.0], [1.0, 3.0]], [0, 1, 0])


# --------------------------------------------------------------------------------------
# fit_normal_linear
# --------------------------------------------------------------------------------------


def test_normal_linear_longley_matches_nist_certified_values(longley):
    X, y, names = longley
    fit = bu.fit_normal_linear(X, y)
    certified = np.array([LONGLEY_CERTIFIED[name] for name in names])
    assert max_rel_err(fit.params, certified) < 1e-9
    n = len(y)
    assert fit.sigma == pytest.approx(np.sqrt(LONGLEY_CERTIFIED_RSS / n), rel=1e-9)
    expected_llf = -0.5 * n * (np.log(2 * np.pi * LONGLEY_CERTIFIED_RSS / n) + 1)
    assert fit.llf == pytest.approx(expected_llf, rel=1e-9)


@pytest.mark.parametrize("method", ["qr", "pinv"])
def test_normal_linear_longley_matches_statsmodels_ols(longley, method):
    X, y, _ = longley
    fit = bu.fit_normal_linear(X, y)
    ref = sm.OLS(y, X).fit(method=method)
    # both agree with NIST to ~1e-11, hence with each other to better than 1e-9
    assert max_rel_err(fit.params, ref.params) < 1e-9
    assert fit.sigma == pytest.approx(np.sqrt(ref.ssr / len(y)), rel=1e-9)
    assert fit.llf == pytest.approx(ref.llf, rel=1e-9)


def test_normal_linear_simulated_matches_statsmodels_ols():
    rng = np.random.default_rng(2024)
    n = 500
    X = np.column_stack([np.ones(n), rng.normal(size=(n, 3)), rng.uniform(0, 10, n)])
    y = X @ np.array([1.0, -2.0, 0.5, 3.0, 0.25]) + rng.normal(scale=1.5, size=n)
    fit = bu.fit_normal_linear(X, y)
    ref = sm.OLS(y, X).fit()
    assert max_rel_err(fit.params, ref.params) < 1e-10
    sigma_mle = np.sqrt(ref.ssr / n)
    assert fit.sigma == pytest.approx(sigma_mle, rel=1e-12)
    assert fit.sigma < np.sqrt(ref.scale)  # divides by n, not n - k
    assert fit.llf == pytest.approx(ref.llf, rel=1e-12)
    assert isinstance(fit.sigma, float) and isinstance(fit.llf, float)


@settings(deadline=None, max_examples=20)
@given(hst.integers(0, 2**32 - 1), hst.integers(1, 5), hst.integers(1, 40))
def test_normal_linear_matches_statsmodels_on_random_data(seed, k, extra_rows):
    rng = np.random.default_rng(seed)
    n = k + extra_rows
    X = rng.normal(size=(n, k)) * rng.uniform(0.1, 100, size=k)
    y = X @ rng.normal(size=k) + rng.normal(size=n)
    fit = bu.fit_normal_linear(X, y)
    ref = sm.OLS(y, X).fit(method="qr")
    np.testing.assert_allclose(X @ fit.params, ref.fittedvalues, rtol=1e-9, atol=1e-9)
    assert fit.sigma == pytest.approx(np.sqrt(ref.ssr / n), rel=1e-8)
    assert fit.llf == pytest.approx(ref.llf, rel=1e-8, abs=1e-8)


def test_normal_linear_refuses_too_few_rows():
    with pytest.raises(ValueError, match="X must have more rows than columns"):
        bu.fit_normal_linear(np.eye(3), [1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="X must have more rows than columns"):
        bu.fit_normal_linear(np.ones((2, 3)), [1.0, 2.0])


def test_normal_linear_refuses_mismatched_lengths():
    with pytest.raises(ValueError, match="X and y must have the same number of rows"):
        bu.fit_normal_linear(np.ones((5, 1)), [1.0, 2.0, 3.0])


@pytest.mark.parametrize("kind", ["duplicate", "combination", "zeros"])
def test_normal_linear_refuses_rank_deficient_X(kind):
    rng = np.random.default_rng(5)
    x = rng.normal(size=(30, 2))
    extra = {
        "duplicate": x[:, 1],
        "combination": 2 * x[:, 0] + x[:, 1],
        "zeros": 0 * x[:, 0],
    }
    X = np.column_stack([np.ones(30), x, extra[kind]])
    y = rng.normal(size=30)
    with pytest.raises(ValueError, match="X is rank-deficient: rank 3 < 4 columns"):
        bu.fit_normal_linear(X, y)


def test_normal_linear_refuses_an_exact_fit():
    rng = np.random.default_rng(9)
    X = np.column_stack([np.ones(50), rng.normal(size=(50, 2))])
    with pytest.raises(ValueError, match="y is an exact linear function of X"):
        bu.fit_normal_linear(X, X @ np.array([1.0, 2.0, 3.0]))
    x = np.arange(10.0)
    with pytest.raises(ValueError, match="residuals are all 0"):
        bu.fit_normal_linear(np.column_stack([np.ones(10), x]), 3 * x - 1)
