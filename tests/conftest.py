"""Shared test settings.

Hypothesis draws its examples from a fixed seed (``derandomize``), so every run,
local or CI, checks the same cases: a failure is reproducible, never a fluke of
one run.  (To hunt for new cases, set ``derandomize=False`` here for a while.)
"""

import pytest
import statsmodels.api as sm
from hypothesis import settings

settings.register_profile("book", derandomize=True, database=None)
settings.load_profile("book")


@pytest.fixture(scope="session")
def spector():
    """Spector and Mazzeo's 32 students: X with its constant, y, the column names.
    (Test modules that want another shape define their own ``spector``.)"""
    data = sm.datasets.spector.load_pandas()
    X = sm.add_constant(data.exog)
    return X.to_numpy(), data.endog.to_numpy(), list(X.columns)
