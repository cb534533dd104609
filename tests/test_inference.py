"""Tests of book_utils.inference (chapter 9) against statsmodels, the
chi-square identity at the ends of a profile interval, and a brute-force
profile computed with scipy on a grid."""

import numpy as np
import pytest
import statsmodels.api as sm
from scipy import optimize, stats

import book_utils as bu


@pytest.fixture(scope="module")
def spector():
    data = sm.datasets.spector.load_pandas()
    X = sm.add_constant(data.exog).to_numpy()
    return X, data.endog.to_numpy()


def sm_restricted_llf(X, y, j, value):
    """statsmodels' maximised log-likelihood with beta_j held at ``value``
    (GLM's IRLS, which starts from the data rather than from beta = 0)."""
    rest = np.delete(X, j, axis=1)
    fit = sm.GLM(y, rest, family=sm.families.Binomial(), offset=value * X[:, j]).fit(
        tol=1e-13, maxiter=100
    )
    assert fit.converged
    return fit.llf


def brute_profile(X, y, j, b):
    """The profile log-likelihood at b by BFGS on the other coefficients."""
    rest, off = np.delete(X, j, axis=1), b * X[:, j]

    def nll(g):
        eta = rest @ g + off
        return np.sum(np.logaddexp(0.0, eta) - y * eta)

    def grad(g):
        eta = rest @ g + off
        return rest.T @ (1.0 / (1.0 + np.exp(-eta)) - y)

    res = optimize.minimize(
        nll, np.zeros(rest.shape[1]), jac=grad, method="BFGS", options={"gtol": 1e-9}
    )
    return -res.fun


@pytest.mark.parametrize("j", [1, 2, 3])
def test_tests_agree_with_statsmodels(spector, j):
    X, y = spector
    got = bu.coefficient_tests(X, y, j)
    full = sm.Logit(y, X).fit(disp=0, method="newton", tol=1e-12)
    wald = full.wald_test(np.eye(X.shape[1])[j : j + 1], scalar=True)
    assert got.wald.statistic == pytest.approx(float(wald.statistic), rel=1e-8)
    assert got.wald.pvalue == pytest.approx(float(wald.pvalue), rel=1e-7)
    assert got.estimate == pytest.approx(full.params[j], rel=1e-8)
    assert got.se == pytest.approx(full.bse[j], rel=1e-8)
    lr = 2 * (full.llf - sm_restricted_llf(X, y, j, 0.0))
    assert got.likelihood_ratio.statistic == pytest.approx(lr, rel=1e-8)
    glm = sm.GLM(y, np.delete(X, j, axis=1), family=sm.families.Binomial()).fit(
        tol=1e-12
    )
    score = glm.score_test(exog_extra=X[:, j : j + 1])
    assert got.score.statistic == pytest.approx(float(score.statistic[0]), rel=1e-7)
    assert got.score.pvalue == pytest.approx(float(score.pvalue[0]), rel=1e-6)


def test_tests_of_a_nonzero_value(spector):
    X, y = spector
    value = 1.0
    got = bu.coefficient_tests(X, y, 3, value=value)
    full = sm.Logit(y, X).fit(disp=0, method="newton", tol=1e-12)
    wald = full.wald_test((np.eye(4)[3:4], np.array([value])), scalar=True)
    assert got.wald.statistic == pytest.approx(float(wald.statistic), rel=1e-8)
    lr = 2 * (full.llf - sm_restricted_llf(X, y, 3, value))
    assert got.likelihood_ratio.statistic == pytest.approx(lr, rel=1e-8)
    glm = sm.GLM(
        y, X[:, :3], family=sm.families.Binomial(), offset=value * X[:, 3]
    ).fit(tol=1e-12)
    score = glm.score_test(exog_extra=X[:, 3:4])
    assert got.score.statistic == pytest.approx(float(score.statistic[0]), rel=1e-7)


def test_likelihood_ratio_of_a_one_input_model_is_statsmodels_llr():
    rng = np.random.default_rng(8)
    x = rng.normal(size=60)
    y = (rng.random(60) < 1 / (1 + np.exp(-(0.3 + 0.8 * x)))).astype(float)
    X = np.column_stack([np.ones(60), x])
    ref = sm.Logit(y, X).fit(disp=0, method="newton", tol=1e-12)
    got = bu.coefficient_tests(X, y, 1)
    assert got.likelihood_ratio.statistic == pytest.approx(ref.llr, rel=1e-8)
    assert got.likelihood_ratio.pvalue == pytest.approx(ref.llr_pvalue, rel=1e-6)


def test_model_with_no_free_coefficient_left():
    # one column: holding it fixed leaves nothing to fit; the LR statistic is
    # then 2 (l(b_hat) - l(b)), computed directly
    X = np.ones((10, 1))
    y = np.array([1, 1, 1, 0, 0, 0, 0, 0, 0, 0.0])
    got = bu.coefficient_tests(X, y, 0)
    p_hat = 0.3
    llf = 3 * np.log(p_hat) + 7 * np.log(1 - p_hat)
    assert got.likelihood_ratio.statistic == pytest.approx(
        2 * (llf - 10 * np.log(0.5)), rel=1e-10
    )
    # the score test of p = 1/2 is the Pearson statistic (k - n/2)^2 / (n/4)
    assert got.score.statistic == pytest.approx((3 - 5) ** 2 / 2.5, rel=1e-10)


@pytest.mark.parametrize("level", [0.95, 0.9])
def test_profile_interval_ends_satisfy_the_chi_square_identity(spector, level):
    X, y = spector
    full = sm.Logit(y, X).fit(disp=0, method="newton", tol=1e-12)
    cut = stats.chi2.ppf(level, df=1)
    for j in range(X.shape[1]):
        low, high = bu.profile_interval(X, y, j, level=level)
        assert low < full.params[j] < high
        for end in (low, high):
            lr = 2 * (full.llf - sm_restricted_llf(X, y, j, end))
            assert lr == pytest.approx(cut, rel=1e-8)


def test_profile_interval_matches_a_brute_force_grid(spector):
    X, y = spector
    j = 3
    low, high = bu.profile_interval(X, y, j)
    grid = np.linspace(0.0, 5.5, 111)  # step 0.05
    brute = np.array([brute_profile(X, y, j, b) for b in grid])
    ours = bu.profile_log_likelihood(X, y, j, grid)
    assert np.allclose(ours, brute, rtol=0, atol=1e-8)
    full_llf = sm.Logit(y, X).fit(disp=0).llf
    inside = 2 * (full_llf - brute) <= stats.chi2.ppf(0.95, df=1)
    first, last = np.flatnonzero(inside)[[0, -1]]
    # the ends lie between the last grid point outside and the first inside
    assert grid[first - 1] < low <= grid[first]
    assert grid[last] <= high < grid[last + 1]


def test_profile_is_the_log_likelihood_at_the_estimate(spector):
    X, y = spector
    fit = bu.fit_logistic(X, y)
    at_hat = bu.profile_log_likelihood(X, y, 2, [fit.params[2]])
    assert at_hat[0] == pytest.approx(fit.llf, rel=1e-12)


def test_fit_logistic_with_an_offset_matches_statsmodels(spector):
    X, y = spector
    offset = -30.0 * X[:, 0]  # far from beta = 0: the start must cope
    ours = bu.fit_logistic(X[:, 1:], y, offset=offset)
    ref = sm.Logit(y, X[:, 1:], offset=offset).fit(
        disp=0, method="newton", tol=1e-12, start_params=ours.params
    )
    assert ours.converged
    assert np.allclose(ours.params, ref.params, rtol=1e-8)
    assert ours.llf == pytest.approx(ref.llf, rel=1e-10)
    assert np.allclose(ours.bse, ref.bse, rtol=1e-6)


def test_arguments_are_checked(spector):
    X, y = spector
    with pytest.raises(ValueError, match="j must be a column of X"):
        bu.coefficient_tests(X, y, 4)
    with pytest.raises(TypeError, match="j must be a column index"):
        bu.profile_interval(X, y, 1.0)
    with pytest.raises(ValueError, match="level must be between 0 and 1"):
        bu.profile_interval(X, y, 1, level=95)
    with pytest.raises(ValueError, match="value must be finite"):
        bu.coefficient_tests(X, y, 1, value=np.inf)
    with pytest.raises(ValueError, match="values must be a non-empty"):
        bu.profile_log_likelihood(X, y, 1, [])
    with pytest.raises(ValueError, match="0/1 labels"):
        bu.profile_interval(X, 2 * y, 1)
    with pytest.raises(ValueError, match="offset must hold one number per row"):
        bu.fit_logistic(X, y, offset=np.zeros(3))


def test_separated_data_have_no_tests_or_intervals():
    X = np.column_stack([np.ones(6), np.arange(6.0)])
    y = np.array([0, 0, 0, 1, 1, 1.0])
    with pytest.warns(bu.PerfectSeparationWarning):
        with pytest.raises(ValueError, match="does not exist"):
            bu.profile_interval(X, y, 1)
