"""How many digits of a computed number are right.

Taught in chapter 6, where the normal equations and a QR factorisation are
compared on the Longley data against the NIST certified coefficients.
"""

from __future__ import annotations

import numpy as np

from ._validate import as_finite_array, broadcast_pair, real_scalar, scalar_or_array


def correct_digits(estimate, reference, *, max_digits: float = 15.0):
    """The number of correct significant digits of ``estimate``.

    This is the log relative error used to grade statistical software against
    certified values (McCullough 1998, on the NIST StRD data sets):

        digits = -log10(|estimate - reference| / |reference|),

    capped at ``max_digits`` (15 by default, the number of digits NIST
    certifies).  An exact match scores ``max_digits``; an estimate off by more
    than 100% scores below 0, and the result is clipped at 0.  Taught in
    chapter 6.

    ``estimate`` and ``reference`` are numbers or arrays of the same shape
    (a single number pairs with anything); every reference must be non-zero.
    """
    est = as_finite_array(estimate, "estimate")
    ref = as_finite_array(reference, "reference")
    if not real_scalar(max_digits, "max_digits") > 0:
        raise ValueError(f"max_digits must be positive and finite; got {max_digits!r}")
    if (ref == 0).any():
        raise ValueError(
            "reference contains 0: the relative error, and so the number of "
            "significant digits, is undefined"
        )
    est, ref = broadcast_pair(est, ref, "estimate", "reference")
    rel = np.abs(est - ref) / np.abs(ref)
    with np.errstate(divide="ignore"):  # rel == 0 gives inf, capped below
        digits = -np.log10(rel)
    return scalar_or_array(np.clip(digits, 0.0, max_digits))
