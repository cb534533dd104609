# The book's commands. `make book` builds the website; `make test` runs every test.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
BUILD_FLAGS := -W -n --keep-going

.PHONY: book test lint unit notebooks build-test execute lab bench clean

# The virtual environment, rebuilt whenever the pins change.
$(STAMP): requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $(STAMP)

## book: execute the notebooks (cached) and build the website into _build/html
book: $(STAMP)
	$(BIN)/jupyter-book build . $(BUILD_FLAGS)
	@echo
	@echo "The book is built: open file://$(CURDIR)/_build/html/index.html"

## test: the whole suite (lint, unit tests, notebooks under nbval, the build)
test: lint unit notebooks build-test

lint: $(STAMP)
	$(BIN)/ruff check book_utils tests benchmarks chapters
	$(BIN)/ruff format --check book_utils tests benchmarks chapters

unit: $(STAMP)
	$(BIN)/python -m pytest tests -q

notebooks: $(STAMP)
	$(BIN)/python -m pytest --nbval --nbval-current-env chapters -q -n 2 --dist loadfile

build-test: book

## execute: run the notebooks (or NB=chapters/x.ipynb) top to bottom and store their outputs
execute: $(STAMP)
	$(BIN)/ruff check --fix --quiet chapters
	$(BIN)/ruff format chapters
	$(BIN)/jupyter nbconvert --to notebook --execute --inplace \
		--ExecutePreprocessor.timeout=300 $(or $(NB),chapters/*.ipynb)

## bench: time the build, the tests, the explorers and the fits (ONLY=fits,explorers for some)
bench: $(STAMP)
	$(BIN)/python benchmarks/bench.py $(if $(ONLY),--only $(ONLY))

## lab: JupyterLab on the chapters, sliders working
lab: $(STAMP)
	$(BIN)/jupyter lab chapters

clean:
	rm -rf _build
