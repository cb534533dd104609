"""Helpers shared by the chapters of *Logistic Regression by Maximum Likelihood*.

Importing this package changes nothing: no seeds, no matplotlib settings (call
:func:`use_book_style` for those).  Each function's docstring names the chapter
that teaches it.
"""

from .accuracy import correct_digits
from .decisions import (
    Confusion,
    ReliabilityBins,
    Roc,
    auc,
    auc_pairs,
    brier_score,
    confusion,
    fit_temperature,
    prior_shift,
    reliability_bins,
    roc_curve,
)
from .explorer import Explorer, Slider, explorer
from .fit import (
    FitHistory,
    LogisticFit,
    NormalLinearFit,
    PerfectSeparationWarning,
    Separation,
    find_separation,
    fit_logistic,
    fit_normal_linear,
)
from .inference import (
    CoefficientTests,
    TestResult,
    coefficient_tests,
    profile_interval,
    profile_log_likelihood,
)
from .likelihood import (
    bernoulli_likelihood,
    bernoulli_log_likelihood,
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    categorical_cross_entropy,
    negative_log_likelihood,
    normal_log_likelihood,
    one_hot,
)
from .links import log_softmax, logit, odds, odds_to_probability, sigmoid, softmax
from .optimise import (
    ChunkedFit,
    Measured,
    NewtonPath,
    OptimPath,
    angle_degrees,
    fit_logistic_chunked,
    gradient_descent,
    lipschitz_bound,
    logistic_nll_terms,
    max_margin_direction,
    measure,
    minibatch_sgd,
    newton_path,
)
from .penalised import PenalisedLogisticFit, fit_logistic_penalised
from .prose import glue
from .style import COLORS, use_book_style

__all__ = [
    "COLORS",
    "CoefficientTests",
    "Explorer",
    "FitHistory",
    "LogisticFit",
    "NormalLinearFit",
    "PenalisedLogisticFit",
    "PerfectSeparationWarning",
    "Separation",
    "Slider",
    "TestResult",
    "bernoulli_likelihood",
    "bernoulli_log_likelihood",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "correct_digits",
    "categorical_cross_entropy",
    "coefficient_tests",
    "explorer",
    "find_separation",
    "fit_logistic",
    "fit_logistic_penalised",
    "fit_normal_linear",
    "glue",
    "log_softmax",
    "logit",
    "negative_log_likelihood",
    "normal_log_likelihood",
    "odds",
    "odds_to_probability",
    "one_hot",
    "profile_interval",
    "profile_log_likelihood",
    "sigmoid",
    "softmax",
    "use_book_style",
    "ChunkedFit",
    "NewtonPath",
    "OptimPath",
    "Measured",
    "angle_degrees",
    "fit_logistic_chunked",
    "gradient_descent",
    "lipschitz_bound",
    "logistic_nll_terms",
    "max_margin_direction",
    "minibatch_sgd",
    "newton_path",
    "measure",
    "Confusion",
    "ReliabilityBins",
    "Roc",
    "auc",
    "auc_pairs",
    "brier_score",
    "confusion",
    "fit_temperature",
    "prior_shift",
    "reliability_bins",
    "roc_curve",
]
