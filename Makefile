# ltilab: the two commands of the README, and the steps they are made of.
#
#   make start   install what is missing, build, and start the main job
#                (the hub in demo mode, JupyterLab with every extension behind it)
#   make test    install what is missing and run every test

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
ROOT := $(CURDIR)
VENV := $(ROOT)/.venv
export PATH := $(VENV)/bin:$(ROOT)/node_modules/.bin:$(PATH)
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1

# Everything the labextension build reads; a change re-runs it.
JS_SOURCES := $(shell find packages style -path '*/node_modules' -prune -o -path '*/lib' -prune \
  -o -type f \( -name '*.ts' -o -name '*.tsx' -o -name '*.css' -o -name '*.json' -o -name 'index.js' \) -print)
BUILD_STAMP := build/.labextensions.stamp
WHEEL_STAMP := build/.wheel.stamp

.PHONY: start lab hub test setup setup-test build wheel install develop lint typecheck unit pytest check-wheel ui-test bench clean

start: install hub
	scripts/start-hub.sh

# JupyterLab alone on the sample course, without the hub.
lab: install
	scripts/start-lab.sh

hub: setup
	npm run setup -w @ltilab/hub-runtime
	npm run build -w @ltilab/hub-runtime

test: setup-test
	$(MAKE) lint
	$(MAKE) typecheck
	$(MAKE) unit
	$(MAKE) install
	$(MAKE) pytest
	$(MAKE) check-wheel
	$(MAKE) ui-test

setup:
	scripts/setup.sh

setup-test:
	scripts/setup.sh --test

$(BUILD_STAMP): $(JS_SOURCES) package-lock.json tsconfig.json tsconfig.base.json
	npm run build:prod
	mkdir -p build && touch $@

build: setup $(BUILD_STAMP)

$(WHEEL_STAMP): $(BUILD_STAMP) pyproject.toml $(shell find python/ltilab -name '*.py' -o -name '*.json' | grep -v labextensions)
	rm -rf dist
	python -m build --wheel --no-isolation -o dist . > build/wheel.log 2>&1 || { cat build/wheel.log; exit 1; }
	touch $@

wheel: build $(WHEEL_STAMP)

# The dev venv runs exactly the wheel we ship.
install: wheel
	pip install -q --disable-pip-version-check --no-deps --force-reinstall dist/ltilab-*.whl

# Run the source tree in .venv (editable Python, linked labextensions).
develop: build
	scripts/develop.sh

lint: setup
	npm run lint:check

typecheck: setup
	npx tsc -b
	npx tsc -p hub-runtime --noEmit

unit: setup
	npx lerna run test --stream --concurrency 1

pytest: install
	python -m pytest python/tests -q

# The wheel in a clean venv with no Node on PATH: every extension is listed
# as enabled and OK, and JupyterLab's browser check passes.
check-wheel: wheel
	scripts/check-wheel.sh

ui-test: install hub
	cd ui-tests && npx playwright test

bench: install
	python bench/labextension_size.py

clean:
	rm -rf build dist packages/*/lib packages/*/tsconfig.tsbuildinfo python/ltilab/labextensions ui-tests/test-results ui-tests/playwright-report
