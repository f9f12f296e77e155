# lstmgan_tf: every target sets itself up on a fresh machine (Python 3.11 + make).
#   make run        the kit's main job on the built-in data (run-publish: also refresh assets/)
#   make pretrained train the three text models at classroom and ship their weights in pretrained/
#   make test       pytest for the package (and its docstring examples) + nbval over every notebook at `smoke`
#   make notebooks  execute every notebook at `classroom` into outputs/notebooks/
#   make jupyter    start Jupyter on notebooks/

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
NBVAL_DIR := outputs/nbval
# The real images the tests and notebooks read (CelebA faces, paintings): CI has them beside the checkout.
TEST_DATA ?= $(abspath ../shared/data)
export TF_CPP_MIN_LOG_LEVEL ?= 2
# oneDNN's CPU kernels, off by default on CPUs without AVX-512 (lstmgan_tf/__init__.py says why).
export TF_ENABLE_ONEDNN_OPTS ?= 1

.PHONY: setup run run-publish pretrained test test-package test-notebooks notebooks jupyter record-nbval clean

setup: $(STAMP)

$(STAMP): requirements.txt pyproject.toml Makefile
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --upgrade pip
	$(PY) -m pip install -r requirements.txt
	$(PY) -m pip install --no-deps -e .
	# The notebooks import keras before lstmgan_tf: the kernel itself carries oneDNN's
	# variable, so any Jupyter that starts it (not only `make jupyter`) gets the fast kernels.
	$(PY) -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (lstmgan_tf)" \
		--env TF_ENABLE_ONEDNN_OPTS 1
	touch $(STAMP)

run: $(STAMP)
	$(PY) -m lstmgan_tf main-job --out outputs/run

run-publish: $(STAMP)
	$(PY) -m lstmgan_tf main-job --out outputs/run --publish assets

pretrained: $(STAMP)
	$(PY) -m lstmgan_tf pretrained

test: test-package test-notebooks

# The docstrings' >>> examples run too (STYLE.md 19), writing under outputs/doctests/.
test-package: $(STAMP)
	LSTMGAN_PROFILE=smoke LSTMGAN_DATA=$(TEST_DATA) LSTMGAN_OUTPUTS=$(CURDIR)/outputs/doctests \
		$(PY) -m pytest --doctest-modules tests lstmgan_tf

test-notebooks: $(STAMP)
	$(PY) -m lstmgan_tf notebooks check
	rm -rf $(NBVAL_DIR)
	$(PY) -m lstmgan_tf notebooks prepare --out $(NBVAL_DIR)
	LSTMGAN_PROFILE=smoke LSTMGAN_DATA=$(TEST_DATA) $(PY) -m pytest -p no:cacheprovider --nbval-lax --nbval-current-env \
		--nbval-cell-timeout=900 -o testpaths= --rootdir=. $(NBVAL_DIR)

record-nbval: $(STAMP)
	$(PY) -m lstmgan_tf notebooks record

notebooks: $(STAMP)
	$(PY) -m lstmgan_tf notebooks execute --profile classroom --out outputs/notebooks

jupyter: $(STAMP)
	$(VENV)/bin/jupyter lab notebooks/

clean:
	rm -rf outputs/nbval outputs/nbval_record outputs/doctests .pytest_cache
