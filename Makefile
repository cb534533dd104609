# The book's commands. `make book` builds the website; `make test` runs every test.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
BUILD_FLAGS := -W -n --keep-going

.PHONY: book test lint unit notebooks build-test browser site-report execute readers lab bench clean

# The virtual environment, rebuilt whenever the pins change.
$(STAMP): requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $(STAMP)

# Notebook outputs are cached by their code (_build/.jupyter_cache) and Sphinx
# re-reads only pages whose source changed; but the website's explorers and pages
# are drawn by book_utils, so a change there rebuilds the book from scratch.
CACHE_STAMP := _build/.book_utils-stamp
$(CACHE_STAMP): $(wildcard book_utils/*.py book_utils/_static/*)
	rm -rf _build
	mkdir -p _build
	touch $@

## book: execute the notebooks (cached) and build the website into _build/html
# BOOK_STATIC_EXPLORERS=1: every explorer adds its kernel-free HTML (the book's
# Sphinx extension book_utils.site sets it too, for a bare `jupyter-book build`).
book: $(STAMP) $(CACHE_STAMP)
	BOOK_STATIC_EXPLORERS=1 $(BIN)/jupyter-book build . $(BUILD_FLAGS)
	@echo
	@echo "The book is built: open file://$(CURDIR)/_build/html/index.html"

## test: the whole suite (lint, unit tests, notebooks under nbval, the build,
## the built website in headless Chromium)
test: lint unit notebooks build-test browser

lint: $(STAMP)
	$(BIN)/ruff check book_utils book_build tests benchmarks chapters
	$(BIN)/ruff format --check book_utils book_build tests benchmarks chapters

unit: $(STAMP)
	$(BIN)/python -m pytest tests -q --ignore=tests/browser

notebooks: $(STAMP)
	$(BIN)/python -m pytest --nbval --nbval-current-env chapters -q -n 2 --dist loadfile

build-test: book

## browser: the built website in headless Chromium (offline, no JS errors, maths,
## sliders, axe-core); prints the pages' sliders, weight and slowest update
browser: build-test
	$(BIN)/python -m pytest tests/browser -q

## site-report: only the table of pages (sliders, own weight, slowest update)
site-report: $(STAMP)
	$(BIN)/python -m pytest tests/browser -q -k "slider or self_contained"

## execute: run the notebooks (or NB=chapters/x.ipynb) top to bottom and store their
## outputs, then regenerate the reader notebooks
execute: $(STAMP)
	$(BIN)/ruff check --fix --quiet chapters
	$(BIN)/ruff format chapters
	$(BIN)/jupyter nbconvert --to notebook --execute --inplace \
		--ExecutePreprocessor.timeout=300 $(or $(NB),chapters/*.ipynb)
	$(BIN)/python -m book_build.readers

## readers: regenerate notebooks/ (the reader notebooks) from the chapters' stored
## outputs; commit the result (a unit test fails while they are out of date)
readers: $(STAMP)
	$(BIN)/python -m book_build.readers

## bench: time the build, the tests, the explorers and the fits (ONLY=fits,explorers for some)
bench: $(STAMP)
	$(BIN)/python benchmarks/bench.py $(if $(ONLY),--only $(ONLY))

## lab: JupyterLab on working copies of the reader notebooks, in lab/ (plain Jupyter
## markdown: the chapters read as on the website, sliders working; running and saving
## them leaves notebooks/ alone); LAB_DIR=chapters for the MyST sources
LAB_DIR ?= lab
lab: $(STAMP)
	$(BIN)/python -m book_build.readers --lab-copy lab
	$(BIN)/jupyter lab $(LAB_DIR)

clean:
	rm -rf _build
