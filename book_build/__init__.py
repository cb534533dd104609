"""Build-only code: what `make book`, `make readers` and the tests use.

Not installed with ``book_utils`` (``pyproject.toml`` lists only that package):
readers pip-install ``book_utils`` and never need this.
"""
