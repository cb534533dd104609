"""Tests of book_utils.links and book_utils.likelihood.

Every expected value comes from an independent reference (scipy.special,
scipy.stats, math.fsum / fractions.Fraction, or a number worked out by hand),
never from book_utils itself.
"""

import math
from fractions import Fraction

import numpy as np
import pytest
import scipy.special as sps
import scipy.stats as st
from hypothesis import given, settings
from hypothesis import strategies as hst
from hypothesis.extra import numpy as hnp

import book_utils as bu

EPS = np.finfo(np.float64).eps
FEW = settings(deadline=None, max_examples=60)

finite = hst.floats(allow_nan=False, allow_infinity=False)
finite_vectors = hnp.arrays(np.float64, hst.integers(1, 8), elements=finite)
moderate = hst.floats(-50, 50, allow_nan=False)
probabilities = hst.floats(0.0, 1.0)
labels_and_probs = hst.integers(1, 30).flatmap(
    lambda n: hst.tuples(
        hnp.arrays(np.float64, n, elements=hst.sampled_from([0.0, 1.0])),
        hnp.arrays(np.float64, n, elements=hst.floats(1e-300, 1 - 1e-16)),
    )
)


def ulps(a, b):
    """Distance between a and b in units of the last place of b."""
    return abs(a - b) / np.spacing(abs(b))


def rel_err(a, b):
    return abs(a - b) / abs(b)


# --------------------------------------------------------------------------------------
# sigmoid / logit / odds
# --------------------------------------------------------------------------------------


@FEW
@given(finite)
def test_sigmoid_matches_expit_over_all_finite_floats(z):
    with np.errstate(all="ignore"):  # only the reference may overflow internally
        ref = float(sps.expit(z))
    got = bu.sigmoid(z)
    assert isinstance(got, float)
    assert 0.0 <= got <= 1.0
    assert ulps(got, ref) <= 4


@FEW
@given(hnp.arrays(np.float64, hst.integers(0, 20), elements=finite))
def test_sigmoid_on_arrays_matches_expit(z):
    with np.errstate(all="ignore"):
        ref = sps.expit(z)
    got = bu.sigmoid(z)
    assert isinstance(got, np.ndarray)
    assert got.shape == z.shape
    np.testing.assert_array_max_ulp(got, ref, maxulp=4)


@FEW
@given(hst.floats(-700, 0))
def test_logit_sigmoid_round_trip_where_well_conditioned(z):
    # For z <= 0, sigmoid(z) keeps full relative precision (and so does 1 - it).
    assert bu.logit(bu.sigmoid(z)) == pytest.approx(z, rel=1e-13, abs=1e-14)


@FEW
@given(hst.floats(0, 20))
def test_logit_sigmoid_round_trip_positive_side(z):
    # For z > 0 the rounding of p near 1 costs about eps * e^z in 1 - p.
    assert abs(bu.logit(bu.sigmoid(z)) - z) <= 4 * EPS * (1 + math.exp(z))


@FEW
@given(probabilities)
def test_logit_matches_scipy(p):
    with np.errstate(divide="ignore"):
        ref = float(sps.logit(p))
    got = bu.logit(p)
    if math.isinf(ref):
        assert got == ref
    else:
        assert got == pytest.approx(ref, rel=1e-13, abs=1e-15)


@FEW
@given(probabilities)
def test_odds_round_trip_probability(p):
    o = bu.odds(p)
    assert o >= 0
    if p < 1:
        assert o == pytest.approx(p / (1 - p), rel=4 * EPS)
    assert bu.odds_to_probability(o) == pytest.approx(p, rel=8 * EPS, abs=0)


@FEW
@given(hst.floats(0, 1e6))
def test_odds_to_probability_round_trip_odds(o):
    p = bu.odds_to_probability(o)
    assert 0 <= p <= 1
    # p near 1 holds 1 - p to absolute precision eps, so the odds lose ~eps * o.
    assert bu.odds(p) == pytest.approx(o, rel=8 * EPS * (1 + o), abs=0)


def test_link_limits_are_exact_and_silent():
    assert bu.sigmoid(1000) == 1.0
    assert bu.sigmoid(-1000) == 0.0
    assert bu.sigmoid(0) == 0.5
    assert bu.logit(0) == -math.inf
    assert bu.logit(1) == math.inf
    assert bu.logit(0.5) == 0.0
    assert bu.odds(1) == math.inf
    assert bu.odds(0) == 0.0
    assert bu.odds(0.75) == 3.0
    assert bu.odds_to_probability(math.inf) == 1.0
    assert bu.odds_to_probability(3.0) == 0.75
    np.testing.assert_array_equal(bu.odds_to_probability([0, 1, math.inf]), [0, 0.5, 1])
    np.testing.assert_array_equal(bu.logit([0, 0.5, 1]), [-math.inf, 0, math.inf])


def test_scalars_in_scalars_out():
    for f in (bu.sigmoid, bu.logit, bu.odds, bu.odds_to_probability):
        assert type(f(0.25)) is float
        assert isinstance(f([0.25, 0.5]), np.ndarray)


@pytest.mark.parametrize("bad", [-0.1, 1.5, math.inf, -math.inf])
@pytest.mark.parametrize("f", [bu.logit, bu.odds])
def test_probability_outside_unit_interval_is_refused(f, bad):
    with pytest.raises(ValueError, match=r"p must hold probabilities in \[0, 1\]"):
        f(bad)
    with pytest.raises(ValueError, match="probabilities"):
        f([0.5, bad])


@pytest.mark.parametrize("f", [bu.logit, bu.odds, bu.sigmoid, bu.odds_to_probability])
def test_nan_is_refused(f):
    with pytest.raises(ValueError, match="contains NaN"):
        f([0.5, math.nan])


def test_negative_odds_are_refused():
    with pytest.raises(ValueError, match="odds must be non-negative"):
        bu.odds_to_probability(-0.5)
    with pytest.raises(ValueError, match=r"non-negative; got -2\.0"):
        bu.odds_to_probability([1.0, -2.0])


def test_non_numeric_input_is_refused():
    # not real numbers at all: TypeError, naming the argument (never a
    # conversion of "3" to 3.0, nor a complex number truncated to its real part)
    with pytest.raises(TypeError, match="z must hold real numbers"):
        bu.sigmoid("abc")
    with pytest.raises(TypeError, match="z must hold real numbers"):
        bu.sigmoid("3")
    with pytest.raises(TypeError, match="p must hold real numbers"):
        bu.logit(0.5 + 0j)


# --------------------------------------------------------------------------------------
# softmax / log_softmax
# --------------------------------------------------------------------------------------


@FEW
@given(finite_vectors)
def test_softmax_sums_to_one_and_matches_scipy(z):
    with np.errstate(all="ignore"):
        ref = sps.softmax(z)
    got = bu.softmax(z)
    assert np.all(got >= 0)
    assert math.fsum(got) == pytest.approx(1.0, abs=len(z) * EPS)
    np.testing.assert_allclose(got, ref, rtol=1e-12, atol=1e-300)


@FEW
@given(hnp.arrays(np.float64, hst.integers(1, 8), elements=moderate))
def test_log_softmax_matches_scipy(z):
    got = bu.log_softmax(z)
    ref = sps.log_softmax(z)
    np.testing.assert_allclose(got, ref, rtol=1e-12, atol=1e-12)
    assert np.all(got <= 0)


@FEW
@given(finite_vectors)
def test_log_softmax_over_all_finite_floats(z):
    got = bu.log_softmax(z)
    assert not np.isnan(got).any()
    assert np.all(got <= 0)
    assert got[np.argmax(z)] == pytest.approx(0.0, abs=math.log(len(z)) + 1e-15)
    with np.errstate(all="ignore"):
        ref = sps.log_softmax(z)
    finite_ref = np.isfinite(ref)
    np.testing.assert_allclose(got[finite_ref], ref[finite_ref], rtol=1e-12, atol=1e-12)


@FEW
@given(
    hnp.arrays(
        np.float64,
        hnp.array_shapes(min_dims=2, max_dims=2, max_side=5),
        elements=moderate,
    )
)
def test_softmax_axis_matches_scipy(z):
    for axis in (0, 1, -1):
        np.testing.assert_allclose(
            bu.softmax(z, axis=axis), sps.softmax(z, axis=axis), rtol=1e-12, atol=1e-300
        )
        np.testing.assert_allclose(
            bu.log_softmax(z, axis=axis),
            sps.log_softmax(z, axis=axis),
            rtol=1e-12,
            atol=1e-12,
        )


def test_softmax_edge_cases_from_the_book():
    np.testing.assert_array_equal(bu.softmax([1000.0, 0.0]), [1.0, 0.0])
    np.testing.assert_array_equal(bu.log_softmax([1000.0, 0.0]), [0.0, -1000.0])
    np.testing.assert_allclose(bu.softmax([0.0, 0.0, 0.0, 0.0]), [0.25] * 4, rtol=0)
    np.testing.assert_array_equal(bu.softmax([1e308, -1e308]), [1.0, 0.0])
    np.testing.assert_array_equal(bu.log_softmax([1e308, -1e308]), [0.0, -math.inf])


def test_softmax_refuses_scalars_and_infinite_logits():
    with pytest.raises(ValueError, match="vector of logits"):
        bu.softmax(1.0)
    with pytest.raises(ValueError, match="must be finite"):
        bu.log_softmax([0.0, math.inf])
    with pytest.raises(ValueError, match="contains NaN"):
        bu.softmax([0.0, math.nan])


# --------------------------------------------------------------------------------------
# Bernoulli likelihood and cross-entropy
# --------------------------------------------------------------------------------------


@FEW
@given(labels_and_probs)
def test_bernoulli_likelihood_matches_scipy_pmf(yp):
    y, p = yp
    got = bu.bernoulli_likelihood(y, p)
    # scipy's pmf goes through exp(log ...), good to ~1e-13 only
    np.testing.assert_allclose(got, st.bernoulli.pmf(y, p), rtol=1e-12)
    np.testing.assert_array_equal(
        got, p**y * (1 - p) ** (1 - y)
    )  # the textbook formula


@FEW
@given(labels_and_probs)
def test_bernoulli_log_likelihood_is_sum_of_scipy_logpmf(yp):
    y, p = yp
    ref_terms = st.bernoulli.logpmf(y, p)
    ref = math.fsum(ref_terms)
    got = bu.bernoulli_log_likelihood(y, p)
    assert abs(got - ref) <= 1e-14 * math.fsum(np.abs(ref_terms)) + 1e-300
    assert bu.negative_log_likelihood(y, p) == -got
    assert bu.binary_cross_entropy(y, p) == pytest.approx(
        -ref / len(y), rel=1e-14, abs=1e-300
    )


@FEW
@given(hst.sampled_from([0.0, 1.0]), probabilities)
def test_single_example_log_likelihood_matches_scipy_including_certainty(y, p):
    with np.errstate(divide="ignore"):
        ref = float(st.bernoulli.logpmf(y, p))
    got = bu.bernoulli_log_likelihood([y], [p])
    if math.isinf(ref):
        assert got == ref
    else:
        assert got == pytest.approx(ref, rel=1e-14, abs=1e-300)


def test_certain_predictions():
    # A contradicted certainty makes the log-likelihood -inf ...
    assert bu.bernoulli_log_likelihood([1], [0]) == -math.inf
    assert bu.bernoulli_log_likelihood([0], [1]) == -math.inf
    assert bu.bernoulli_log_likelihood([1, 1, 0], [0.5, 0.0, 0.5]) == -math.inf
    assert bu.binary_cross_entropy([1], [0]) == math.inf
    # ... while an agreeing one adds exactly 0.
    assert bu.bernoulli_log_likelihood([1], [1]) == 0.0
    assert bu.bernoulli_log_likelihood([0], [0]) == 0.0
    assert bu.bernoulli_log_likelihood([1, 0], [1.0, 0.0]) == 0.0
    assert bu.bernoulli_log_likelihood([1, 0, 1], [1.0, 0.0, 0.5]) == math.log(0.5)
    np.testing.assert_array_equal(
        bu.bernoulli_likelihood([1, 0, 1, 0], [1, 0, 0, 1]), [1, 1, 0, 0]
    )


def test_shared_probability_and_hand_worked_values():
    # p = 0.8 shared by all: 0.8 * 0.2 * 0.8
    assert bu.bernoulli_likelihood([1, 0, 1], 0.8) == pytest.approx(
        [0.8, 0.2, 0.8], rel=1e-15
    )
    assert bu.bernoulli_log_likelihood([1, 0, 1], 0.8) == pytest.approx(
        math.log(0.8 * 0.2 * 0.8), rel=1e-15
    )
    assert bu.binary_cross_entropy([1, 0], [0.5, 0.5]) == pytest.approx(
        math.log(2), rel=1e-15
    )
    assert type(bu.bernoulli_likelihood(1, 0.3)) is float


def test_million_examples_log_likelihood_is_exact_to_rounding():
    rng = np.random.default_rng(20240601)
    n = 1_000_000
    p = rng.uniform(1e-6, 1 - 1e-6, n)
    y = (rng.random(n) < p).astype(float)
    ref = math.fsum(sps.xlogy(y, p) + sps.xlog1py(1 - y, -p))
    got = bu.bernoulli_log_likelihood(y, p)
    assert math.isfinite(got)
    assert rel_err(got, ref) <= 1e-15
    assert bu.binary_cross_entropy(y, p) == pytest.approx(-ref / n, rel=1e-15)


def test_log_likelihood_sum_is_exact_where_a_running_sum_is_not():
    # One large term and a million tiny ones: a left-to-right float sum drops every
    # tiny term; the exact sum (by Fraction) keeps them.
    n_small = 1_000_000
    tiny_p = 1e-300
    near_one = 1.0 - 2.0**-53
    y = np.ones(n_small + 1)
    p = np.full(n_small + 1, near_one)
    p[0] = tiny_p
    big, small = math.log(tiny_p), math.log1p(-(2.0**-53))
    exact = float(Fraction(big) + n_small * Fraction(small))
    sloppy = big
    for _ in range(1000):  # the first thousand steps of a running sum: no change
        sloppy += small
    assert sloppy == big != exact  # so the test below can tell the difference
    got = bu.bernoulli_log_likelihood(y, p)
    assert rel_err(got, exact) <= 1e-15
    assert ulps(got, exact) <= 2


def test_fsum_is_exactly_rounded_on_a_smaller_sample():
    rng = np.random.default_rng(7)
    n = 5000
    p = rng.uniform(0, 1, n) ** 8  # many scales, from ~1e-30 to 1
    y = (rng.random(n) < 0.5).astype(float)
    terms = [
        math.log(pi) if yi == 1 else math.log1p(-pi)
        for yi, pi in zip(y, p, strict=True)
    ]
    exact = float(sum((Fraction(t) for t in terms), Fraction(0)))
    assert ulps(bu.bernoulli_log_likelihood(y, p), exact) <= 2


@FEW
@given(
    hst.integers(1, 20).flatmap(
        lambda n: hst.tuples(
            hnp.arrays(np.float64, n, elements=hst.sampled_from([0.0, 1.0])),
            hnp.arrays(np.float64, n, elements=hst.floats(-30, 5)),
        )
    )
)
def test_bce_with_logits_equals_bce_on_sigmoid_where_not_saturated(yz):
    y, z = yz
    via_p = bu.binary_cross_entropy(y, bu.sigmoid(z))
    via_z = bu.binary_cross_entropy_with_logits(y, z)
    assert via_z == pytest.approx(via_p, rel=1e-12, abs=1e-13)


@FEW
@given(
    hst.integers(1, 20).flatmap(
        lambda n: hst.tuples(
            hnp.arrays(np.float64, n, elements=hst.sampled_from([0.0, 1.0])),
            hnp.arrays(np.float64, n, elements=finite),
        )
    )
)
def test_bce_with_logits_matches_scipy_log_expit_over_all_finite_logits(yz):
    y, z = yz
    ref_terms = -np.where(y == 1, sps.log_expit(z), sps.log_expit(-z))
    with np.errstate(over="ignore"):
        ref = float(np.sum(ref_terms)) / len(y)  # may round up to inf: so must got
    got = bu.binary_cross_entropy_with_logits(y, z)
    assert got >= 0
    if math.isinf(ref):
        assert got == math.inf
    else:
        assert got == pytest.approx(ref, rel=1e-12, abs=1e-300)


def test_bce_with_logits_does_not_saturate():
    assert bu.binary_cross_entropy_with_logits(1, -1000) == 1000.0
    assert bu.binary_cross_entropy_with_logits(0, 1000) == 1000.0
    assert bu.binary_cross_entropy_with_logits(1, 1000) == 0.0
    assert bu.binary_cross_entropy_with_logits([1, 0], [0.0, 0.0]) == pytest.approx(
        math.log(2), rel=1e-15
    )
    assert bu.binary_cross_entropy_with_logits([1, 1], [-1000.0, -3000.0]) == 2000.0
    assert bu.binary_cross_entropy_with_logits([0, 0], [1e308, 1e308]) == math.inf


@pytest.mark.parametrize(
    "f", [bu.bernoulli_likelihood, bu.bernoulli_log_likelihood, bu.binary_cross_entropy]
)
def test_bernoulli_functions_refuse_bad_input(f):
    with pytest.raises(
        ValueError, match=r"p must hold probabilities in \[0, 1\]; got 1\.2"
    ):
        f([1, 0], [0.5, 1.2])
    with pytest.raises(ValueError, match="probabilities"):
        f([1], [-1e-9])
    with pytest.raises(ValueError, match="p contains NaN"):
        f([1, 0], [0.5, math.nan])
    with pytest.raises(ValueError, match=r"y must hold 0/1 labels; got 2\.0"):
        f([1, 2], [0.5, 0.5])
    with pytest.raises(ValueError, match="0/1 labels"):
        f([0.5], [0.5])
    with pytest.raises(ValueError, match="y contains NaN"):
        f([math.nan], [0.5])
    with pytest.raises(ValueError, match="y and p must have the same length"):
        f([1, 0, 1], [0.5, 0.5])


def test_bce_with_logits_refuses_bad_input():
    with pytest.raises(ValueError, match="0/1 labels"):
        bu.binary_cross_entropy_with_logits([-1, 1], [0.0, 0.0])
    with pytest.raises(ValueError, match="y and z must have the same length"):
        bu.binary_cross_entropy_with_logits([1, 0], [0.0, 0.0, 0.0])
    with pytest.raises(ValueError, match="z must be finite"):
        bu.binary_cross_entropy_with_logits([1], [math.inf])
    with pytest.raises(ValueError, match="z contains NaN"):
        bu.binary_cross_entropy_with_logits([1], [math.nan])


# --------------------------------------------------------------------------------------
# normal log-likelihood
# --------------------------------------------------------------------------------------

normal_data = hst.integers(1, 20).flatmap(
    lambda n: hst.tuples(
        hnp.arrays(np.float64, n, elements=hst.floats(-1e6, 1e6)),
        hnp.arrays(np.float64, n, elements=hst.floats(-1e6, 1e6)),
        hst.floats(1e-3, 1e3),
    )
)


@FEW
@given(normal_data)
def test_normal_log_likelihood_is_sum_of_scipy_logpdf(data):
    y, mu, sigma = data
    ref_terms = st.norm.logpdf(y, loc=mu, scale=sigma)
    ref = math.fsum(ref_terms)
    for m in (mu, mu[0]):  # one mean per observation, or one shared
        terms = ref_terms if m is mu else st.norm.logpdf(y, loc=m, scale=sigma)
        got = bu.normal_log_likelihood(y, m, sigma)
        want = ref if m is mu else math.fsum(terms)
        assert abs(got - want) <= 1e-12 * math.fsum(np.abs(terms)) + 1e-12


@FEW
@given(normal_data)
def test_normal_log_likelihood_with_per_observation_sigma(data):
    y, mu, sigma = data
    sig = sigma * (1 + np.arange(len(y)))
    terms = st.norm.logpdf(y, loc=mu, scale=sig)
    got = bu.normal_log_likelihood(y, mu, sig)
    assert abs(got - math.fsum(terms)) <= 1e-12 * math.fsum(np.abs(terms)) + 1e-12


def test_normal_log_likelihood_hand_worked():
    # one standard-normal observation at its mean: -log(sqrt(2 pi))
    assert bu.normal_log_likelihood([0.0], 0.0, 1.0) == pytest.approx(
        -0.5 * math.log(2 * math.pi), rel=1e-15
    )
    # y = 3, mu = 1, sigma = 2: z = 1
    assert bu.normal_log_likelihood(3.0, 1.0, 2.0) == pytest.approx(
        -0.5 * math.log(2 * math.pi) - math.log(2.0) - 0.5, rel=1e-15
    )
    assert bu.normal_log_likelihood([1e200], 0.0, 1.0) == -math.inf


@pytest.mark.parametrize("sigma", [0.0, -1.0, [1.0, 0.0], math.inf])
def test_normal_log_likelihood_refuses_non_positive_sigma(sigma):
    with pytest.raises(ValueError, match="sigma must be positive"):
        bu.normal_log_likelihood([1.0, 2.0], 0.0, sigma)


def test_normal_log_likelihood_refuses_bad_input():
    with pytest.raises(ValueError, match="y and mu must have the same length"):
        bu.normal_log_likelihood([1.0, 2.0], [0.0, 0.0, 0.0], 1.0)
    with pytest.raises(ValueError, match="y and sigma must have the same length"):
        bu.normal_log_likelihood([1.0, 2.0], 0.0, [1.0, 1.0, 1.0])
    with pytest.raises(ValueError, match="sigma contains NaN"):
        bu.normal_log_likelihood([1.0], 0.0, math.nan)
    with pytest.raises(ValueError, match="y must be finite"):
        bu.normal_log_likelihood([math.inf], 0.0, 1.0)
    with pytest.raises(ValueError, match="mu contains NaN"):
        bu.normal_log_likelihood([1.0], math.nan, 1.0)
