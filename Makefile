# Everything starts from a clean checkout: `make test` and `make demo` create .venv and install the pinned
# dependencies themselves.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)

.PHONY: setup test demo lint docs exercises notebooks references clean mutation bench

$(STAMP): pyproject.toml
	rm -f $(VENV)/.installed-*
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev,platforms,cluster]'
	$(PY) -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $(STAMP)

setup: $(STAMP)

lint: setup
	$(PY) -m ruff check .

# The documentation site (mkdocs.yml, docs/) into site/, which git ignores. --strict: a dead link, a missing
# anchor or a page left out of the navigation fails. NO_MKDOCS_2_WARNING silences the notice Material prints
# at every build (its end of life, 5 May 2027; see docs/maintainers/docs.md). No --quiet: it hides the warnings
# from --strict too, and the build then passes with dead links.
docs: setup
	NO_MKDOCS_2_WARNING=1 $(PY) -m mkdocs build --strict --site-dir site

test: setup lint docs
	$(PY) -m autograder build-exercises --check
	# two workers (pytest-xdist), each taking whole test files: a file's module fixtures are built once;
	# the 25 slowest tests are listed at the end, to see where the 15 minutes go
	$(PY) -m pytest -n 2 --dist loadfile --durations=25

demo: setup
	$(PY) -m autograder demo

exercises: setup
	$(PY) -m autograder build-exercises

# After a change to solutions/, a part's narrative.md or the graders: rewrite notebooks/ (a test fails until then).
notebooks: setup
	$(PY) -m autograder notebooks

references: setup
	$(PY) -m autograder references --write

# Mutation testing of the hidden graders (5 to 10 minutes on 2 cores): every small change to solutions/
# must lose points, or be listed with its reason in tests/mutation_equivalent.json. See docs/proving.md.
mutation: setup
	$(PY) -m tests.mutation

# The grading benchmark (about an hour): one submission cold and warm, a class of 200 with warm workers,
# otter run / nbgrader autograde on the same notebooks, the warm grade against the tree before issue 22 (a ratio,
# the two interleaved in one run; `python benchmarks/bench.py --baseline-only` measures that alone), the student's
# check loop against the floor (--loop-only), and a class of 1,000 on the pool and on a local Dask cluster
# (--dask-only). Writes
# benchmarks/RESULTS.json, and renders from it benchmarks/RESULTS.md and docs/performance.md (python -m
# benchmarks.report redraws them without measuring).
bench: setup
	$(PY) benchmarks/bench.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache site
