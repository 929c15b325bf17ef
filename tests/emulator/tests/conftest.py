"""Fixtures for the emulator's tests (and for the service authors' conformance tests next to them).

``loopback_only`` (autouse): the loopback guard (emulator/loopback_guard.py) fails any test that reaches outside 127.0.0.0/8.
``emulator``: a fresh EmulatorServer (seeded state, empty log, with per-service ports) per test.
``make_emulator(**kwargs)``: start more servers, e.g. ``make_emulator(extra_services=[throwaway_service])``.
``server``: one EmulatorServer (with per-service ports) per test module, reset before each test: cheaper than
``emulator`` where a module runs many tests (the conformance tests); a module may override it to add controls.
"""

import sys
from pathlib import Path

import pytest

TESTS_DIR = str(Path(__file__).resolve().parents[2])
if TESTS_DIR not in sys.path:
    sys.path.insert(0, TESTS_DIR)

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
