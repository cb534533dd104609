# The book's commands. `make book` builds the website; `make test` runs every test.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
BUILD_FLAGS := -W -n --keep-going

.PHONY: book test lint unit notebooks build-test browser browser-tests site-checks lab-check browser-timing site-report execute readers lab bench clean

# The virtual environment, rebuilt whenever the pins change.
$(STAMP): requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $(STAMP)

# Notebook outputs are cached by their code (_build/.jupyter_cache), the
# explorers' frames by their content (_build/.frame_cache, keyed by the sources
# that draw them: book_build/frame_cache.py), and Sphinx re-reads only pages
# whose source changed.  But the notebooks' outputs also depend on book_utils
# and on the code that makes the static explorers, which jupyter-cache does not
# see: a change there executes the notebooks again (OUTPUTS_STAMP; unchanged
# explorers still come from the frame cache).  A change to the Sphinx
# extensions or the site's static files only rewrites the pages, from the
# cached outputs (PAGES_STAMP).
OUTPUTS_STAMP := _build/.outputs-stamp
$(OUTPUTS_STAMP): $(wildcard book_utils/*.py book_build/static_explorer.py book_build/frames.py book_build/frame_cache.py)
	rm -rf _build/.jupyter_cache _build/jupyter_execute _build/.doctrees _build/html
	mkdir -p _build
	touch $@
PAGES_STAMP := _build/.pages-stamp
$(PAGES_STAMP): $(OUTPUTS_STAMP) $(wildcard book_utils/_static/* book_build/site.py book_build/icons.py book_build/pagemath.py book_build/cssprune.py book_build/launch.py book_build/_static/*)
	rm -rf _build/.doctrees _build/html
	touch $@
CACHE_STAMP := $(PAGES_STAMP)

## book: execute the notebooks (cached) and build the website into _build/html
# BOOK_STATIC_EXPLORERS=1: every explorer adds its kernel-free HTML (the book's
# Sphinx extension book_build.site sets it too, for a bare `jupyter-book build`).
book: $(STAMP) $(CACHE_STAMP)
	BOOK_STATIC_EXPLORERS=1 $(BIN)/jupyter-book build . $(BUILD_FLAGS)
	@echo
	@echo "The book is built in _build/html. Its sliders load their frames with fetch(),"
	@echo "which browsers refuse to file:// pages, so serve it (any static host will do):"
	@echo "  $(BIN)/python -m http.server -d _build/html 8000   # then open http://localhost:8000"

## test: the whole suite (lint, unit tests, notebooks under nbval, the build,
## the built website in headless Chromium)
# The slow parts run side by side (the build executes the notebooks on one core
# while nbval uses the other, and the site's checks follow the build); each part's
# output is printed when it ends.  The browser tests that time the sliders run
# last, alone, so that nothing else competes for the CPU while they measure.
TIMED := slider or phone
test: lint
	@$(MAKE) --no-print-directory -j4 --output-sync=target unit notebooks site-checks lab-check
	@$(MAKE) --no-print-directory browser-timing

lint: $(STAMP)
	$(BIN)/ruff check book_utils book_build tests benchmarks chapters
	$(BIN)/ruff format --check book_utils book_build tests benchmarks chapters

unit: $(STAMP)
	$(BIN)/python -m pytest tests -q --ignore=tests/browser

## notebooks: every chapter under nbval, on the machine's default CPU configuration
## and imitating others (generic BLAS, numpy without AVX-512 where the CPU has it);
## the test build checks a laptop's (AVX2 BLAS) in the same way
notebooks: $(STAMP)
	$(BIN)/python -m book_build.nbval_configs

# The test build executes the notebooks as a typical laptop would (AVX2 BLAS, numpy
# without AVX-512) where this CPU can imitate one; `make book` uses the default.
LAPTOP_ENV := $(shell $(PYTHON) book_build/nbval_configs.py --laptop-env)
# Its outputs are compared with the stored ones by nbval's own code
# (book_build/nbval_build.py), which stands for nbval under that configuration;
# cached outputs executed under another configuration are executed again.
build-test: $(STAMP) $(CACHE_STAMP)
	@echo "build-test: executing under $(or $(LAPTOP_ENV),the default configuration (this CPU cannot imitate an AVX2 laptop))"
	$(BIN)/python -m book_build.nbval_build --prepare $(LAPTOP_ENV)
	$(LAPTOP_ENV) BOOK_STATIC_EXPLORERS=1 $(BIN)/jupyter-book build . $(BUILD_FLAGS)
	$(BIN)/python -m pytest -q -p no:cacheprovider -p book_build.nbval_build \
		--nbval-build _build --nbval-build-env "$(LAPTOP_ENV)" chapters

## browser: the built website in headless Chromium (offline, no JS errors, maths,
## sliders, axe-core, a phone and a 2x screen); prints a table of the pages (sliders,
## weight, slowest redraw, smallest explorer text, image density, decoded bytes)
browser: build-test
	@$(MAKE) --no-print-directory browser-tests

browser-tests: $(STAMP)
	rm -f _build/browser-report.json
	$(BIN)/python -m pytest tests/browser -q

# the parts of `make test`: the site's untimed checks (after the build), JupyterLab
# on the reader notebooks (needs no build), the timed slider checks.  The explorers
# in JupyterLab (test_lab_explorers.py: a kernel runs whole chapters while the page
# waits for their widgets) run in the last, quiet part too: beside nbval and the
# build, a chapter's run in JupyterLab outlasted the tests' waits.
site-checks: build-test
	rm -f _build/browser-report.json
	$(BIN)/python -m pytest tests/browser -q --ignore=tests/browser/test_lab.py \
		--ignore=tests/browser/test_lab_explorers.py -k "not ($(TIMED))"

lab-check: $(STAMP)
	$(BIN)/python -m pytest tests/browser/test_lab.py -q

browser-timing: $(STAMP)
	$(BIN)/python -m pytest tests/browser -q --ignore=tests/browser/test_lab.py \
		-k "$(TIMED) or test_lab_explorers"

## site-report: only the table of pages
site-report: $(STAMP)
	$(BIN)/python -m pytest tests/browser -q -k "slider or self_contained or phone"

## execute: run the notebooks (or NB=chapters/x.ipynb) top to bottom and store their
## outputs, then regenerate the reader notebooks
execute: $(STAMP)
	$(BIN)/ruff check --fix --quiet chapters
	$(BIN)/ruff format chapters
	$(BIN)/python -m book_build.execute $(or $(NB),chapters/*.ipynb)
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
