"""Fixtures for the emulator's tests (and for the service authors' conformance tests next to them).

``loopback_only`` (autouse): the loopback guard (emulator/loopback_guard.py) fails any test that reaches outside 127.0.0.0/8.
``emulator``: a fresh EmulatorServer (seeded state, empty log, with per-service ports) per test.
``make_emulator(**kwargs)``: start more servers, e.g. ``make_emulator(extra_services=[throwaway_service])``.
``server``: one EmulatorServer (with per-service ports) per test module, reset before each test: cheaper than
``emulator`` where a module runs many tests (the conformance tests); a module may override it to add controls.
"""

import atexit
import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

TESTS_DIR = str(Path(__file__).resolve().parents[2])
if TESTS_DIR not in sys.path:
    sys.path.insert(0, TESTS_DIR)

REPO = Path(__file__).resolve().parents[3]


def _collections_root():
    """A directory holding ansible_collections/dbgov/cloud: the checkout's own parents when it already sits there
    (CI copies it so), else a temporary directory with a symlink to the checkout."""
    if REPO.parent.name == 'dbgov' and REPO.parents[1].name == 'ansible_collections':
        return str(REPO.parents[2])
    root = tempfile.mkdtemp(prefix='dbgov-collections-')
    atexit.register(shutil.rmtree, root, True)
    os.makedirs(os.path.join(root, 'ansible_collections', 'dbgov'))
    os.symlink(str(REPO), os.path.join(root, 'ansible_collections', 'dbgov', 'cloud'))
    return root


# the tests that import the collection's own code (ansible_collections.dbgov.cloud.plugins...) find it here
COLLECTIONS_ROOT = _collections_root()
if COLLECTIONS_ROOT not in sys.path:
    sys.path.insert(0, COLLECTIONS_ROOT)

from emulator import loopback_guard  # noqa: E402  pylint: disable=wrong-import-position
from emulator.core import EmulatorServer  # noqa: E402  pylint: disable=wrong-import-position


@pytest.fixture(autouse=True)
def loopback_only(monkeypatch):
    """Every test runs behind the loopback guard; the metadata endpoints point at a closed loopback port."""
    with loopback_guard.loopback_only(monkeypatch.setenv):
        yield


@pytest.fixture
def make_emulator():
    started = []

    def factory(**kwargs):
        kwargs.setdefault('service_ports', True)
        server = EmulatorServer(**kwargs).start()
        started.append(server)
        return server
    yield factory
    for server in started:
        server.stop()


@pytest.fixture
def emulator(make_emulator):  # pylint: disable=redefined-outer-name
    return make_emulator()


@pytest.fixture(scope='module')
def module_emulator():
    shared = EmulatorServer(service_ports=True).start()
    yield shared
    shared.stop()


@pytest.fixture(name='server')
def reset_module_emulator(module_emulator):  # pylint: disable=redefined-outer-name
    module_emulator.reset()
    return module_emulator
