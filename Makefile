# dbgov.cloud developer and CI entry points. `make test` is THE test command: it runs everything CI runs.
# Everything is set up from a clean clone: a tool venv in .venv/ (Python 3.13, ansible-core 2.21; reused when
# present; small venvs of the older ansible-core series in .venv/cores/), then hack/ci.py copies the work tree into
# <tmp>/ansible_collections/dbgov/cloud and runs the stages there (README "Testing"; hack/ci.py --help).
# Stages: sanity sanity-oldest units emulator integration lint docs smoke checks demo release.

PYTHON ?= python3
VENV   := .venv
VPY    := $(VENV)/bin/python
RUN    := $(VPY) hack/ci.py run
EMULATOR_PORT ?= 8765
EMULATOR_LIFETIME ?= 28800
# where `make install` puts the collection: ansible's default user collections path, found without any setting
COLLECTIONS_PATH ?= $(HOME)/.ansible/collections

.DEFAULT_GOAL := help
.PHONY: help venv test sanity sanity-oldest units emulator-tests integration lint docs smoke checks release-check emulator demo install bench clean distclean

help:  ## show the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-15s %s\n", $$1, $$2}'

venv:  ## create/refresh the tool venv in .venv/ (reinstalls only when its requirement files change)
	@$(PYTHON) hack/ci.py venv

test: venv  ## everything CI runs; ends with "stages: N passed, N failed"
	@$(RUN)

sanity: venv  ## ansible-test sanity --venv, ansible-core 2.21 (all tests; compile/import on Python 3.9-3.13)
	@$(RUN) sanity

sanity-oldest: venv  ## ansible-test sanity of the oldest claimed core (2.16, Python 3.12)
	@$(RUN) sanity-oldest

units: venv  ## ansible-test units --venv on Python 3.13 and 3.9 (fails if no test is collected)
	@$(RUN) units

emulator-tests: venv  ## the emulator's self-tests and SDK conformance tests (pytest tests/emulator)
	@$(RUN) emulator

integration: venv  ## ansible-test integration against a background emulator
	@$(RUN) integration

lint: venv  ## ansible-lint (profile production, offline)
	@$(RUN) lint

docs: venv  ## antsibull-docs lint-collection-docs --plugin-docs, and the docsite built offline (sphinx -W)
	@$(RUN) docs

smoke: venv  ## build; on ansible-core 2.16..2.21: install, ansible-doc, every module and role against the local cloud
	@$(RUN) smoke

checks: venv  ## action groups vs modules vs doc fragments, changelog fragments (tests/ci)
	@$(RUN) checks

release-check: venv  ## rehearse the release on a scratch copy: antsibull-changelog release, galaxy-importer, ansible-builder create
	@$(RUN) release

emulator: venv  ## run the local cloud in the foreground on port 8765 and print the exports to paste (EMULATOR_PORT=...; Ctrl-C stops it)
	@$(VPY) tests/emulator/run.py --port $(EMULATOR_PORT) --lifetime $(EMULATOR_LIFETIME) --exports

install: venv  ## build this clone's collection and install it into ~/.ansible/collections (COLLECTIONS_PATH=...)
	@rm -rf tests/output/install && $(VENV)/bin/ansible-galaxy collection build --force --output-path tests/output/install >/dev/null
	@$(VENV)/bin/ansible-galaxy collection install --offline --force -p $(COLLECTIONS_PATH) tests/output/install/dbgov-cloud-*.tar.gz
	@echo "Installed dbgov.cloud into $(COLLECTIONS_PATH)."
	@case "$(COLLECTIONS_PATH)" in "$(HOME)/.ansible/collections") ;; \
	 *) echo "That is not a default collections path: export ANSIBLE_COLLECTIONS_PATH=$(abspath $(COLLECTIONS_PATH))";; esac
	@echo "The tools (ansible, ansible-playbook, ansible-doc) are in .venv/bin: run . .venv/bin/activate"

demo: venv  ## the governance scene against the local cloud: review, offboarding (check mode + diff, then real), review again
	@$(VPY) hack/demo.py

bench: venv  ## per-task wall time and API calls vs ansible.builtin.uri against the emulator (~6 min; not part of test)
	@$(VPY) hack/bench.py $(BENCH_ARGS)

clean:  ## remove test output, build artifacts, caches and the CI work copy (keeps .venv)
	rm -rf tests/output .ansible .pytest_cache changelogs/.plugin-cache.yaml tests/integration/inventory \
	       tests/integration/integration_config.yml ./*.tar.gz
	find . -path ./.venv -prune -o -path ./.git -prune -o -name __pycache__ -type d -exec rm -rf {} +
	@w=$$($(PYTHON) hack/ci.py workdir) && echo "rm -rf $$w $$w.lock" && rm -rf "$$w" "$$w.lock"

distclean: clean  ## clean, and remove .venv too
	rm -rf $(VENV)
