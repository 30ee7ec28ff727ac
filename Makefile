# Two commands set everything up on a fresh machine: `make demo` and `make test`.
# Each one creates or refreshes the virtual environment $(VENV) with plain venv + pip.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PY_MINOR := $(shell $(PYTHON) -c 'import sys; print(sys.version_info[1])' 2>/dev/null)

# durable_rules 2.0.28 calls PyEval_CallObject, removed in Python 3.13; its setup.py
# overwrites CFLAGS, so the alias goes through CPPFLAGS, and pip's wheel cache is
# bypassed so that a wheel built without it is never reused.
ifeq ($(shell test "$(PY_MINOR)" -ge 13 2>/dev/null && echo yes),yes)
export CPPFLAGS += -DPyEval_CallObject=PyObject_CallObject
PIP_EXTRA := --no-cache-dir
endif

STAMP := $(VENV)/.installed
SOURCES_OF_DEPS := pyproject.toml schemes/ami_ia_hdf/pyproject.toml schemes/detr/pyproject.toml \
  schemes/pme_invest_hdf/pyproject.toml

.PHONY: demo test lint typecheck pytest docs bench test-all clean

$(STAMP): $(SOURCES_OF_DEPS)
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check $(PIP_EXTRA) --upgrade "pip>=25.1"
	$(BIN)/python -m pip install --quiet $(PIP_EXTRA) -e ".[testing,prove,batch,dask]" -e schemes/ami_ia_hdf -e schemes/detr \
	  -e schemes/pme_invest_hdf --group dev
	@touch $@

demo: $(STAMP)
	$(BIN)/grantrules call run --scheme ami-ia-hdf schemes/ami_ia_hdf/examples/call.jsonl

test: $(STAMP) lint typecheck pytest docs

LINTED := src schemes tests bench docs/conf.py docs/_ext docs/tutorial

lint: $(STAMP)
	$(BIN)/ruff check $(LINTED)
	$(BIN)/ruff format --check $(LINTED)

typecheck: $(STAMP)
	$(BIN)/mypy src schemes/ami_ia_hdf/src schemes/detr/src schemes/pme_invest_hdf/src

# coverage starts before pytest so that modules imported by the pytest11 and hypothesis
# entry points (which load grantrules early) are measured from their first line; the suite runs
# on both cores, each worker measured (`patch = subprocess`), combined before the report.  The funding
# invariants of every shipped scheme then run on both cores (the `invariants` profile: 300
# derandomised examples each, so that `make test` stays within about 15 minutes on 2 cores).
pytest: $(STAMP)
	$(BIN)/python -m coverage erase
	$(BIN)/python -m coverage run -m pytest -p no:cacheprovider -n 2
	$(BIN)/python -m coverage combine -q
	$(BIN)/python -m pytest -p no:cacheprovider -q -n 2 --grantrules-scheme=ami-ia-hdf,detr,pme-invest-hdf \
	  --hypothesis-profile=invariants -m grantrules_invariant schemes/ami_ia_hdf/tests schemes/detr/tests \
	  schemes/pme_invest_hdf/tests
	$(BIN)/python -m coverage report
	$(BIN)/python -m coverage report --fail-under=100 \
	  --include='*/grantrules/money.py,*/grantrules/dates.py,*/grantrules/parameters.py,*/grantrules/basis.py'

# One doctree for both builders: the second reuses what the first read.
docs: $(STAMP)
	$(BIN)/sphinx-build -W --keep-going -q -b html -d docs/_build/doctrees docs docs/_build/html
	$(BIN)/sphinx-build -W --keep-going -q -b doctest -d docs/_build/doctrees docs docs/_build/doctest

bench: $(STAMP)
	$(BIN)/python bench/bench_import.py
	$(BIN)/python bench/bench_engine.py
	$(BIN)/python bench/bench_evaluate.py
	$(BIN)/python bench/bench_call.py
	$(BIN)/python bench/bench_call.py --scheme ami-ia-hdf
	$(BIN)/python bench/bench_call.py --scheme ami-ia-hdf --jobs 2
	$(BIN)/python bench/bench_contention.py
	$(BIN)/python bench/bench_check.py
	$(BIN)/python bench/bench_batch.py

# Runs the whole suite on every interpreter of 3.11, 3.12 and 3.13 that this machine has
# (on PATH, or installed by pyenv without being selected).
test-all:
	@for v in 3.11 3.12 3.13; do \
	  py=$$(command -v python$$v 2>/dev/null); \
	  if [ -z "$$py" ] || ! $$py -c 'import sys' >/dev/null 2>&1; then \
	    py=$$(ls -d $${PYENV_ROOT:-$$HOME/.pyenv}/versions/$$v.*/bin/python$$v 2>/dev/null | tail -n 1); \
	  fi; \
	  if [ -n "$$py" ] && $$py -c 'import sys' >/dev/null 2>&1; then \
	    echo "== Python $$v ($$py)"; \
	    $(MAKE) --no-print-directory test PYTHON=$$py VENV=.venv-$$v || exit 1; \
	  else echo "== Python $$v: not installed, skipped"; fi; \
	done

clean:
	rm -rf .venv .venv-3.* docs/_build .coverage .pytest_cache .mypy_cache .ruff_cache
