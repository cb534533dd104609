"""Tests of book_utils.decisions (chapter 11) against scikit-learn (a test-only
dependency), brute-force pair counts, closed forms and scipy."""

import numpy as np
import pytest
from scipy import optimize
from sklearn import calibration, metrics

import book_utils as bu


def data(n=500, seed=0, ties=False):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    y = (rng.random(n) < bu.sigmoid(-0.5 + 1.3 * x)).astype(float)
    p = bu.sigmoid(-0.4 + 1.1 * x)
    if ties:
        p = np.round(p, 1)  # many tied scores, some shared by a 1 and a 0
    return y, p


@pytest.mark.parametrize("ties", [False, True])
def test_roc_curve_matches_sklearn(ties):
    y, p = data(ties=ties)
    ours = bu.roc_curve(y, p)
    fpr, tpr, thresholds = metrics.roc_curve(y, p, drop_intermediate=False)
    np.testing.assert_allclose(ours.fpr, fpr)
    np.testing.assert_allclose(ours.tpr, tpr)
    np.testing.assert_array_equal(ours.thresholds, thresholds)


@pytest.mark.parametrize("ties", [False, True])
def test_both_aucs_match_sklearn_and_brute_force(ties):
    y, p = data(ties=ties)
    reference = metrics.roc_auc_score(y, p)
    ones, zeros = p[y == 1], p[y == 0]
    diff = ones[:, None] - zeros[None, :]
    brute = ((diff > 0).sum() + 0.5 * (diff == 0).sum()) / diff.size
    assert bu.auc(y, p) == pytest.approx(reference, abs=1e-12)
    assert bu.auc_pairs(y, p) == pytest.approx(reference, abs=1e-12)
    assert bu.auc_pairs(y, p) == pytest.approx(brute, abs=1e-12)


def test_auc_closed_forms():
    assert bu.auc([0, 0, 1, 1], [0.1, 0.2, 0.3, 0.4]) == 1.0
    assert bu.auc([1, 1, 0, 0], [0.1, 0.2, 0.3, 0.4]) == 0.0
    assert bu.auc([0, 1, 0, 1], [0.5, 0.5, 0.5, 0.5]) == 0.5  # all tied: half credit
    assert bu.auc_pairs([0, 1, 0, 1], [0.5, 0.5, 0.5, 0.5]) == 0.5
    # one pair of three wrong: 2/3 exactly
    assert bu.auc_pairs([1, 0, 0], [0.5, 0.6, 0.4]) == pytest.approx(0.5)
    assert bu.auc([1, 1, 0], [0.5, 0.7, 0.6]) == pytest.approx(0.5)
    assert bu.auc([1, 1, 0], [0.9, 0.7, 0.6]) == 1.0
    # AUC uses only the order: any increasing map leaves it unchanged
    y, p = data()
    assert bu.auc(y, bu.logit(p)) == pytest.approx(bu.auc(y, p), abs=1e-12)


def test_confusion_matches_sklearn_at_several_thresholds():
    y, p = data(ties=True)
    for t in [0.0, 0.2, 0.35, 0.5, 0.7, 1.0, 1.5]:
        tn, fp, fn, tp = metrics.confusion_matrix(y, p >= t, labels=[0, 1]).ravel()
        assert bu.confusion(y, p, t) == (tp, fp, fn, tn)
    grid = np.array([0.2, 0.5, 0.9])
    many = bu.confusion(y, p, grid)
    for j, t in enumerate(grid):
        assert tuple(int(c[j]) for c in many) == bu.confusion(y, p, t)


def test_confusion_counts_the_roc_points():
    y, p = data(ties=True)
    roc = bu.roc_curve(y, p)
    c = bu.confusion(y, p, roc.thresholds)
    np.testing.assert_allclose(roc.tpr, c.tp / (c.tp + c.fn))
    np.testing.assert_allclose(roc.fpr, c.fp / (c.fp + c.tn))


def test_brier_and_log_score_match_sklearn():
    y, p = data()
    assert bu.brier_score(y, p) == pytest.approx(metrics.brier_score_loss(y, p))
    assert bu.binary_cross_entropy(y, p) == pytest.approx(metrics.log_loss(y, p))
    assert bu.brier_score([1, 0], [1.0, 0.0]) == 0.0
    assert bu.brier_score([1, 0], [0.5, 0.5]) == 0.25


def test_brier_is_proper_on_a_grid():
    # expected Brier score under truth q is minimised by reporting q
    q = 0.3
    reports = np.linspace(0, 1, 101)
    expected = q * (1 - reports) ** 2 + (1 - q) * reports**2
    assert reports[np.argmin(expected)] == pytest.approx(q)


@pytest.mark.parametrize("n_bins", [5, 10])
def test_reliability_bins_match_sklearn(n_bins):
    y, p = data(n=2000, seed=3)
    ours = bu.reliability_bins(y, p, n_bins)
    prob_true, prob_pred = calibration.calibration_curve(
        y, p, n_bins=n_bins, strategy="uniform"
    )
    np.testing.assert_allclose(ours.observed, prob_true)
    np.testing.assert_allclose(ours.mean_predicted, prob_pred)
    assert ours.count.sum() == y.size


def test_reliability_bins_edges_and_empty_bins():
    out = bu.reliability_bins([0, 1, 1, 0], [0.0, 0.5, 1.0, 0.25], [0, 0.5, 1])
    # [0, 0.5) holds 0.0 and 0.25; [0.5, 1] holds 0.5 and 1.0
    np.testing.assert_array_equal(out.count, [2, 2])
    np.testing.assert_allclose(out.observed, [0, 1])
    out = bu.reliability_bins([0, 1], [0.05, 0.95], 10)
    np.testing.assert_array_equal(out.count, [1, 1])  # eight empty bins dropped


def test_fit_temperature_against_scipy():
    rng = np.random.default_rng(5)
    eta = rng.normal(scale=3.0, size=3000)
    y = (rng.random(eta.size) < bu.sigmoid(eta / 2.0)).astype(float)
    res = optimize.minimize_scalar(
        lambda t: bu.binary_cross_entropy_with_logits(y, eta / t),
        bounds=(0.1, 10.0),
        method="bounded",
        options={"xatol": 1e-10},
    )
    assert bu.fit_temperature(y, eta) == pytest.approx(res.x, rel=1e-6)
    assert 1.7 < bu.fit_temperature(y, eta) < 2.3


def test_fit_temperature_refuses_backward_or_separating_scores():
    with pytest.raises(ValueError, match="backwards"):
        bu.fit_temperature([1, 0, 1, 0, 0, 1], [-2.0, 1.0, -1.0, 0.5, 1.5, 0.2])
    with pytest.raises(ValueError, match="temperature"):
        bu.fit_temperature([0, 0, 1, 1], [-2.0, -1.0, 1.0, 2.0])


def test_prior_shift_closed_form_and_round_trip():
    p = np.array([0.0, 0.1, 0.5, 0.9, 1.0])
    shifted = bu.prior_shift(p, 0.5, 0.2)
    np.testing.assert_allclose(
        bu.logit(shifted[1:-1]), bu.logit(p[1:-1]) + bu.logit(0.2) - bu.logit(0.5)
    )
    assert shifted[0] == 0.0 and shifted[-1] == 1.0
    np.testing.assert_allclose(bu.prior_shift(shifted, 0.2, 0.5), p, atol=1e-15)
    assert bu.prior_shift(0.5, 0.5, 0.2) == pytest.approx(0.2)


@pytest.mark.parametrize(
    "call, error, name",
    [
        (lambda: bu.roc_curve([0, 1, 2], [0.1, 0.2, 0.3]), ValueError, "y"),
        (lambda: bu.roc_curve([0, 0, 0], [0.1, 0.2, 0.3]), ValueError, "y"),
        (lambda: bu.auc(["a", "b"], [0.1, 0.2]), TypeError, "y"),
        (lambda: bu.auc([0, 1], [0.1, np.nan]), ValueError, "p_hat"),
        (lambda: bu.auc([0, 1], [0.1, np.inf]), ValueError, "p_hat"),
        (lambda: bu.auc_pairs([0, 1], [0.1, 1j]), TypeError, "p_hat"),
        (lambda: bu.auc([0, 1, 1], [0.1, 0.2]), ValueError, "same length"),
        (lambda: bu.confusion([0, 1], [0.1, 0.2], "half"), TypeError, "threshold"),
        (lambda: bu.confusion([0, 1], [0.1, 0.2], np.nan), ValueError, "threshold"),
        (lambda: bu.brier_score([0, 1], [0.1, 1.2]), ValueError, "p_hat"),
        (lambda: bu.brier_score([], []), ValueError, "empty"),
        (lambda: bu.reliability_bins([0, 1], [0.1, 0.2], 0), ValueError, "bins"),
        (lambda: bu.reliability_bins([0, 1], [0.1, 0.2], True), TypeError, "bins"),
        (
            lambda: bu.reliability_bins([0, 1], [0.1, 0.2], [0, 0.7, 0.5, 1]),
            ValueError,
            "bins",
        ),
        (lambda: bu.reliability_bins([0, 1], [0.1, 0.2], [0.1, 1]), ValueError, "bins"),
        (lambda: bu.fit_temperature([0, 1], ["x", "y"]), TypeError, "eta"),
        (lambda: bu.prior_shift([0.2], 1.0, 0.5), ValueError, "trained_share"),
        (lambda: bu.prior_shift([0.2], 0.5, "0.1"), TypeError, "true_share"),
        (lambda: bu.prior_shift([1.2], 0.5, 0.1), ValueError, "p_hat"),
    ],
)
def test_bad_input_names_the_argument(call, error, name):
    with pytest.raises(error, match=name):
        call()
