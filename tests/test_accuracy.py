"""Tests of book_utils.correct_digits against numbers worked out by hand and
against the digit counts of decimal strings."""

import math

import numpy as np
import pytest

import book_utils as bu


@pytest.mark.parametrize(
    ("estimate", "reference", "expected"),
    [
        (1.001, 1.0, 3.0),
        (0.999, 1.0, 3.0),
        (-2.02, -2.0, 2.0),
        (1829.15, 1829.15146461355, -math.log10(0.00146461355 / 1829.15146461355)),
        (1.5, 1.0, -math.log10(0.5)),
    ],
)
def test_digits_by_hand(estimate, reference, expected):
    assert bu.correct_digits(estimate, reference) == pytest.approx(expected, rel=1e-9)


def test_truncated_decimal_strings_have_about_that_many_digits():
    # keeping d significant digits of pi leaves a relative error below 10**(1 - d)
    for d in range(2, 14):
        truncated = float(f"{math.pi:.{d - 1}e}")
        digits = bu.correct_digits(truncated, math.pi)
        assert d - 1 <= digits <= d + 2


def test_exact_match_scores_the_cap_and_wild_misses_score_zero():
    assert bu.correct_digits(3.0, 3.0) == 15.0
    assert bu.correct_digits(3.0, 3.0, max_digits=10) == 10.0
    assert bu.correct_digits(-5.0, 1.0) == 0.0


def test_arrays_and_broadcasting():
    got = bu.correct_digits([1.1, 1.01, 1.0], 1.0)
    np.testing.assert_allclose(got, [1.0, 2.0, 15.0], rtol=1e-9)
    got = bu.correct_digits(np.array([10.1, -0.0202]), np.array([10.0, -0.02]))
    np.testing.assert_allclose(got, [2.0, 2.0], rtol=1e-9)
    assert isinstance(bu.correct_digits(1.1, 1.0), float)


@pytest.mark.parametrize(
    ("estimate", "reference", "message"),
    [
        (1.0, 0.0, "reference contains 0"),
        ([1.0, 2.0], [1.0, 2.0, 3.0], "same length"),
        (np.nan, 1.0, "estimate contains NaN"),
        (1.0, np.inf, "reference must be finite"),
    ],
)
def test_bad_input_is_refused(estimate, reference, message):
    with pytest.raises(ValueError, match=message):
        bu.correct_digits(estimate, reference)


def test_non_real_input_is_refused_with_a_type_error():
    with pytest.raises(TypeError, match="estimate must hold real numbers"):
        bu.correct_digits("a", 1.0)


def test_bad_cap_is_refused():
    with pytest.raises(ValueError, match="max_digits"):
        bu.correct_digits(1.0, 1.0, max_digits=0)
