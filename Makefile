# Moscow and Pyongyang, 1945–2024: build, test and measure the book.
#   make book    build the website into _build/html (creates .venv on first use)
#   make test    run every test (data, notebooks, HTML build, PDF, pages)
# See README.md for the other targets.

PYTHON   ?= python3
VENV     := .venv
BIN      := $(VENV)/bin
JB       := $(BIN)/jupyter-book
CACHE    := $(CURDIR)/.cache
# A fresh matplotlib font cache sees fonts-noto-cjk; the IPython profile silences the kernel's TCP notice.
export MPLCONFIGDIR := $(CACHE)/matplotlib
export IPYTHONDIR   := $(CACHE)/ipython
export PYDEVD_DISABLE_FILE_VALIDATION := 1
STRICT   := -W -n --keep-going

.PHONY: book test test-quick pdf lab serve bench student clean venv browser-tools

$(BIN)/.installed: requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $@

$(IPYTHONDIR)/profile_default/ipython_kernel_config.py:
	mkdir -p $(dir $@) $(MPLCONFIGDIR)
	echo 'c.IPKernelApp.log_level = "ERROR"' > $@

venv: $(BIN)/.installed $(IPYTHONDIR)/profile_default/ipython_kernel_config.py

# The browser checks (axe-core, third-party requests) drive Debian's Chromium with playwright-core.
.ci/node_modules/.installed: .ci/package.json .ci/package-lock.json
	cd .ci && npm ci --no-audit --no-fund --silent
	touch $@

browser-tools: .ci/node_modules/.installed

# Jupyter Book's cache re-executes a chapter only when its code changes. When the data or the
# helper package change, drop the cache so that every chart is drawn again from the new data.
EVIDENCE := $(shell find data evidence -type f -not -path '*/__pycache__/*' 2>/dev/null)
_build/.evidence-stamp: $(EVIDENCE)
	rm -rf _build/.jupyter_cache _build/.doctrees
	mkdir -p _build && touch $@

# Sphinx copies static files and re-runs extensions only when some page is out of date, so a change to
# the site's CSS, extensions or LaTeX files alone would never reach _build: drop the environment then.
THEME := $(shell find book/_static book/_ext book/_latex -type f -not -path '*/__pycache__/*' 2>/dev/null)
_build/.theme-stamp: $(THEME)
	rm -rf _build/.doctrees
	mkdir -p _build && touch $@

book: venv _build/.evidence-stamp _build/.theme-stamp
	$(JB) build . $(STRICT)

student: venv  ## the site without worked solutions, into _build/student
	$(BIN)/python .ci/student_edition.py

pdf: venv _build/.evidence-stamp _build/.theme-stamp
	$(JB) build . --builder pdflatex $(STRICT)
	$(BIN)/python .ci/check_pdf_log.py _build/latex/book.log
	@echo "PDF: _build/latex/book.pdf"

test: venv browser-tools
	$(BIN)/pytest -n 2

test-quick: venv  ## data, loader, structure and notebooks; no book or PDF build
	$(BIN)/pytest -n 2 -m "not slow"

lab: venv  ## JupyterLab on the chapters, .md opened as notebooks, nothing fetched from the network
	$(BIN)/python .ci/lab_settings.py $(VENV)
	cd book && ../$(BIN)/jupyter lab --ServerApp.ip=127.0.0.1 --LabApp.news_url=None \
	  --LabApp.extension_manager=readonly $(if $(filter 0,$(shell id -u)),--allow-root)

serve: book
	@echo "Serving _build/html on http://127.0.0.1:8000/ (Ctrl+C to stop)"
	$(BIN)/python -m http.server 8000 --bind 127.0.0.1 --directory _build/html

bench: venv browser-tools
	$(BIN)/python .ci/bench.py

clean:
	rm -rf _build .cache .pytest_cache
