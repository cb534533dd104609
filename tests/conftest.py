"""Shared test settings.

Hypothesis draws its examples from a fixed seed (``derandomize``), so every run,
local or CI, checks the same cases: a failure is reproducible, never a fluke of
one run.  (To hunt for new cases, set ``derandomize=False`` here for a while.)
"""

from hypothesis import settings

settings.register_profile("book", derandomize=True, database=None)
settings.load_profile("book")
