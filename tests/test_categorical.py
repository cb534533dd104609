"""Tests of book_utils.one_hot and book_utils.categorical_cross_entropy (chapter 7).

References are independent of book_utils: scipy.special.log_softmax /
logsumexp / log_expit, scipy.stats.multinomial with one trial, and numbers
worked out by hand.
"""

import math

import numpy as np
import pytest
import scipy.special as sps
import scipy.stats as st
from hypothesis import given, settings
from hypothesis import strategies as hst
from hypothesis.extra import numpy as hnp

import book_utils as bu

FEW = settings(deadline=None, max_examples=60)

labels_and_logits = hst.tuples(hst.integers(1, 12), hst.integers(2, 6)).flatmap(
    lambda nk: hst.tuples(
        hnp.arrays(np.intp, nk[0], elements=hst.integers(0, nk[1] - 1)),
        hnp.arrays(np.float64, nk, elements=hst.floats(-50, 50, allow_nan=False)),
    )
)


# one_hot ------------------------------------------------------------------------------


def test_one_hot_by_hand():
    np.testing.assert_array_equal(
        bu.one_hot([2, 0, 1, 2], 3),
        [[0, 0, 1], [1, 0, 0], [0, 1, 0], [0, 0, 1]],
    )
    # float labels that are whole numbers are accepted (statsmodels stores PID as 0.0, 1.0, ...)
    np.testing.assert_array_equal(bu.one_hot(np.array([1.0, 0.0]), 2), [[0, 1], [1, 0]])


@FEW
@given(labels_and_logits)
def test_one_hot_rows_sum_to_one_and_pick_the_label(case):
    y, z = case
    Y = bu.one_hot(y, z.shape[1])
    assert Y.shape == z.shape
    np.testing.assert_array_equal(Y.sum(axis=1), 1.0)
    np.testing.assert_array_equal(Y.argmax(axis=1), y)


@pytest.mark.parametrize(
    ("y", "n_classes", "message"),
    [
        ([0, 3], 3, "label 3"),
        ([0, 1.5], 3, "class labels"),
        ([0, -1], 3, "class labels"),
        ([0, np.nan], 3, "NaN"),
        ([[0, 1]], 3, "1-D"),
        (1, 3, "1-D"),
        ([0, 1], 1, "at least 2"),
    ],
)
def test_one_hot_refuses_bad_input(y, n_classes, message):
    with pytest.raises(ValueError, match=message):
        bu.one_hot(y, n_classes)


@pytest.mark.parametrize(
    ("y", "n_classes", "message"),
    [
        ([0, 1], 2.0, "n_classes must be an integer"),
        ([0, 1], True, "n_classes must be an integer"),
        (["a"], 2, "y must hold real numbers"),
        ([0, 1 + 0j], 2, "y must hold real numbers"),
    ],
)
def test_one_hot_refuses_input_of_the_wrong_type(y, n_classes, message):
    with pytest.raises(TypeError, match=message):
        bu.one_hot(y, n_classes)


# categorical_cross_entropy ------------------------------------------------------------


@FEW
@given(labels_and_logits)
def test_categorical_cross_entropy_matches_scipy_log_softmax(case):
    y, z = case
    ref = -np.mean(sps.log_softmax(z, axis=1)[np.arange(len(y)), y])
    assert bu.categorical_cross_entropy(y, z) == pytest.approx(
        ref, rel=1e-12, abs=1e-12
    )


@FEW
@given(labels_and_logits)
def test_categorical_cross_entropy_is_the_multinomial_nll_per_example(case):
    y, z = case
    n, k = z.shape
    p = sps.softmax(z, axis=1)
    ref = -sum(
        st.multinomial.logpmf(np.eye(k)[y[i]], 1, p[i] / p[i].sum()) for i in range(n)
    )
    assert bu.categorical_cross_entropy(y, z) * n == pytest.approx(
        ref, rel=1e-9, abs=1e-9
    )


@FEW
@given(
    hnp.arrays(np.intp, hst.integers(1, 12), elements=hst.integers(0, 1)).flatmap(
        lambda y: hst.tuples(
            hst.just(y),
            hnp.arrays(np.float64, len(y), elements=hst.floats(-700, 700)),
        )
    )
)
def test_two_classes_reduce_to_the_binary_cross_entropy(case):
    # labels 0/1 with logits [eta, 0]: class 0 has probability sigmoid(eta)
    y, eta = case
    z = np.column_stack([eta, np.zeros_like(eta)])
    log_p_class0 = sps.log_expit(eta)
    log_p_class1 = sps.log_expit(-eta)
    ref = -np.mean(np.where(y == 0, log_p_class0, log_p_class1))
    # log-sum-exp forms log(1 + e^-|eta|) with an absolute error of about one ulp of 1
    assert bu.categorical_cross_entropy(y, z) == pytest.approx(
        ref, rel=1e-12, abs=1e-15
    )


def test_two_classes_with_the_first_as_reference_are_chapter_5s_loss():
    # chapter 7's two-class identity: logits (0, eta) with class 0 as the
    # reference give class 1 probability sigmoid(eta), so the categorical loss
    # is chapter 5's binary cross-entropy of y; logits (eta, 0) give it to
    # class 0, i.e. the binary cross-entropy of the swapped labels 1 - y
    rng = np.random.default_rng(25)
    eta = rng.normal(scale=3.0, size=200)
    y = (rng.random(200) < sps.expit(eta)).astype(int)  # labels that follow eta
    zeros = np.zeros_like(eta)
    bce = bu.binary_cross_entropy_with_logits(y, eta)
    bce_swapped = bu.binary_cross_entropy_with_logits(1 - y, eta)
    assert bu.categorical_cross_entropy(y, np.column_stack([zeros, eta])) == (
        pytest.approx(bce, rel=1e-13)
    )
    assert bu.categorical_cross_entropy(y, np.column_stack([eta, zeros])) == (
        pytest.approx(bce_swapped, rel=1e-13)
    )
    # and the two differ: the order of the logits is not a convention-free detail
    assert abs(bce - bce_swapped) > 0.1
    # the same against scipy, independently of book_utils
    ref = -np.mean(np.where(y == 1, sps.log_expit(eta), sps.log_expit(-eta)))
    assert bce == pytest.approx(ref, rel=1e-13)


def test_categorical_cross_entropy_by_hand_and_at_extreme_logits():
    # uniform logits: every class has probability 1/K, so the loss is log K
    assert bu.categorical_cross_entropy([0, 1, 2], np.zeros((3, 3))) == pytest.approx(
        math.log(3), rel=1e-15
    )
    # a single example may be given as a scalar label and a vector of logits
    assert bu.categorical_cross_entropy(1, [1000.0, 0.0]) == 1000.0
    assert bu.categorical_cross_entropy(0, [1000.0, 0.0]) == 0.0
    assert bu.categorical_cross_entropy(2, [8.0, 5.0, 2.0]) == pytest.approx(
        sps.logsumexp([8.0, 5.0, 2.0]) - 2.0, rel=1e-14
    )


def test_categorical_cross_entropy_is_invariant_to_shifting_each_row():
    rng = np.random.default_rng(7)
    z = rng.normal(size=(20, 4))
    y = rng.integers(0, 4, size=20)
    shift = rng.normal(scale=100, size=(20, 1))
    assert bu.categorical_cross_entropy(y, z + shift) == pytest.approx(
        bu.categorical_cross_entropy(y, z), rel=1e-12
    )


@pytest.mark.parametrize(
    ("y", "z", "message"),
    [
        ([0, 1], [[0.0, 1.0]], "same number of examples"),
        ([0, 2], [[0.0, 1.0], [1.0, 0.0]], "only 2 columns"),
        ([0, 0.5], [[0.0, 1.0], [1.0, 0.0]], "class labels"),
        ([0], [[0.0]], "at least two classes"),
        ([0], [[np.inf, 0.0]], "finite"),
        ([0], [[np.nan, 0.0]], "NaN"),
        ([[0]], [[0.0, 1.0]], "1-D"),
        ([0], [[[0.0, 1.0]]], "n x K"),
        ([], np.zeros((0, 2)), "no examples"),
    ],
)
def test_categorical_cross_entropy_refuses_bad_input(y, z, message):
    with pytest.raises(ValueError, match=message):
        bu.categorical_cross_entropy(y, z)
