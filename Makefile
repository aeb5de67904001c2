# Moscow and Pyongyang, 1945–2024: build, test and measure the book.
#   make book    build the reader's website into _build/html (creates .venv on first use)
#   make test    run every test (data, notebooks, the three editions, the PDF, the pages in a browser)
# See README.md for the other targets. Every build flag and environment setting is defined here, once:
# the tests and the benchmark call these targets rather than repeating them.

PYTHON   ?= python3
VENV     := .venv
BIN      := $(VENV)/bin
CACHE    := $(CURDIR)/.cache
EXT      := book/_ext
# jupyter-book, minus the second or two Python spends tearing down Sphinx's memory at exit
JB       := $(BIN)/python $(EXT)/run_jupyter_book.py
# A fresh matplotlib font cache sees fonts-noto-cjk; the IPython profile silences the kernel's TCP notice.
export MPLCONFIGDIR := $(CACHE)/matplotlib
export IPYTHONDIR   := $(CACHE)/ipython
export PYDEVD_DISABLE_FILE_VALIDATION := 1
# Reproducible output: fixed timestamps in PDFs and zips (the date of the last commit when there is one).
export SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || echo 1735603200)
STRICT   := -W -n --keep-going

.PHONY: book pdf teacher student site-archive execute test test-quick lab serve bench linkcheck-external \
        clean venv browser-tools

$(BIN)/.installed: requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $@

$(IPYTHONDIR)/profile_default/ipython_kernel_config.py:
	mkdir -p $(dir $@) $(MPLCONFIGDIR)
	echo 'c.IPKernelApp.log_level = "ERROR"' > $@

venv: $(BIN)/.installed $(IPYTHONDIR)/profile_default/ipython_kernel_config.py

# The browser checks (axe-core, outside requests, HTML validity) drive Debian's Chromium with playwright-core.
tests/browser/node_modules/.installed: tests/browser/package.json tests/browser/package-lock.json
	cd tests/browser && npm ci --no-audit --no-fund --silent
	touch $@

browser-tools: tests/browser/node_modules/.installed

# Sphinx copies static files and re-runs extensions only when some page is out of date, so a change to
# the site's CSS, extensions or LaTeX files alone would never reach _build: drop the environment then.
THEME := $(shell find book/_static book/_ext book/_latex -type f -not -path '*/__pycache__/*' 2>/dev/null)
_build/.theme-stamp: $(THEME)
	rm -rf _build/.doctrees _build/teacher/.doctrees
	mkdir -p _build && touch $@

# Run the notebooks that are new, changed, or whose evidence changed, two at a time, into the cache
# that every edition reads (book/_ext/execution.py).
execute: venv
	$(BIN)/python $(EXT)/execution.py

# When nothing the site is built from has changed since its last successful build, Sphinx is not started
# (book/_ext/site_state.py); FORCE=1 runs it anyway.
book: venv _build/.theme-stamp execute
	@$(if $(FORCE),false,$(BIN)/python $(EXT)/site_state.py unchanged) || \
	  { $(JB) build . $(STRICT) && $(BIN)/python $(EXT)/site_state.py record; }

pdf: venv _build/.theme-stamp execute
	$(JB) build . --builder pdflatex $(STRICT)
	@! grep -h "Missing character" _build/latex/book.log || (echo "glyphs missing from the PDF" >&2; exit 1)
	@echo "PDF: _build/latex/book.pdf"

teacher: venv _build/.theme-stamp execute  ## the teacher's website and PDF, into _build/teacher
	$(BIN)/python $(EXT)/editions.py teacher
	@! grep -h "Missing character" _build/teacher/latex/book.log || (echo "glyphs missing from the PDF" >&2; exit 1)

student: venv  ## the students' notebooks and their zip, into _build/student
	$(BIN)/python $(EXT)/editions.py student

site-archive: book  ## _build/site.zip: the reader's website, to open from disk or serve offline
	$(BIN)/python $(EXT)/editions.py site-archive

test: venv browser-tools _build/.theme-stamp execute
	$(BIN)/pytest -n 2

test-quick: venv  ## data, loader, structure, notebooks; no website or PDF build
	$(BIN)/pytest -n 2 -m "not slow"

# JupyterLab lives in its own environment: its extras would slow every build (see requirements.txt).
LAB := .venv-lab
$(LAB)/bin/.installed: requirements.txt requirements-lab.txt pyproject.toml
	test -x $(LAB)/bin/python || $(PYTHON) -m venv $(LAB)
	$(LAB)/bin/pip install --quiet --disable-pip-version-check -r requirements.txt -r requirements-lab.txt
	$(LAB)/bin/pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $@

lab: $(LAB)/bin/.installed $(IPYTHONDIR)/profile_default/ipython_kernel_config.py  ## JupyterLab on the chapters, offline
	$(LAB)/bin/python $(EXT)/lab_settings.py $(LAB)
	cd book && ../$(LAB)/bin/jupyter lab --ServerApp.ip=127.0.0.1 --LabApp.news_url=None \
	  --LabApp.extension_manager=readonly $(if $(filter 0,$(shell id -u)),--allow-root)

serve: book
	@echo "Serving _build/html on http://127.0.0.1:8000/ (Ctrl+C to stop)"
	$(BIN)/python -m http.server 8000 --bind 127.0.0.1 --directory _build/html

bench: venv browser-tools
	$(BIN)/python tests/bench.py

# jupyter-book's own `--builder linkcheck` writes its report into _build/html (the website); the custom
# builder of the same name writes it to _build/linkcheck/output.txt and output.json instead.
linkcheck-external: venv  ## check the outside links (needs the network; never run in CI); report in _build/linkcheck
	$(JB) build . --builder custom --custom-builder linkcheck

clean:
	rm -rf _build .cache .pytest_cache
