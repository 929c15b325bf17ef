"""A test guard: any connection (or name lookup) outside 127.0.0.0/8 / ::1 fails the test that made it.

Used by the unit tests' and the emulator tests' conftest.py (autouse).  ``install()`` patches ``socket.socket.connect``,
``connect_ex`` and ``socket.getaddrinfo``; a refused attempt raises ``OutsideLoopback`` (not an OSError, so no client
can mistake it for an ordinary connection failure and carry on) and is recorded, so that the fixture fails the test even
when the code under test swallowed the exception.  The real metadata addresses (100.100.100.200, 169.254.169.254) are
outside loopback: a test that forgot to point ``metadata_endpoint`` at the emulator fails here.
"""

import contextlib
import ipaddress
import socket

_REAL = {}
VIOLATIONS = []


class OutsideLoopback(RuntimeError):
    """A test tried to reach a host outside loopback."""


def _loopback(host):
    if host in ('localhost', 'localhost.localdomain', ''):
        return True
    try:
        return ipaddress.ip_address(str(host).split('%', 1)[0]).is_loopback
    except ValueError:
        return False


def _check(address, what):
    if isinstance(address, tuple) and address and not _loopback(address[0]):
        VIOLATIONS.append('%s %s' % (what, address[0]))
        raise OutsideLoopback('tests may only reach 127.0.0.0/8: %s %r refused by the loopback guard' % (what, address[0]))


def _connect(self, address):
    if self.family in (socket.AF_INET, socket.AF_INET6):
        _check(address, 'connect to')
    return _REAL['connect'](self, address)


def _connect_ex(self, address):
    if self.family in (socket.AF_INET, socket.AF_INET6):
        _check(address, 'connect to')
    return _REAL['connect_ex'](self, address)


def _getaddrinfo(host, *args, **kwargs):
    if host is not None:
        _check((host.decode() if isinstance(host, bytes) else host,), 'name lookup of')
    return _REAL['getaddrinfo'](host, *args, **kwargs)


def install():
    """Patch the socket module (idempotent); returns the list that records violations."""
    if not _REAL:
        _REAL.update(connect=socket.socket.connect, connect_ex=socket.socket.connect_ex, getaddrinfo=socket.getaddrinfo)
        socket.socket.connect = _connect
        socket.socket.connect_ex = _connect_ex
        socket.getaddrinfo = _getaddrinfo
    return VIOLATIONS


def take_violations():
    """The violations recorded since the last call (and forget them)."""
    found = list(VIOLATIONS)
    del VIOLATIONS[:]
    return found


METADATA_ENV = ('DBGOV_ALIBABACLOUD_METADATA_ENDPOINT', 'DBGOV_HUAWEICLOUD_METADATA_ENDPOINT')
CLOSED_PORT = 'http://127.0.0.1:1'


@contextlib.contextmanager
def loopback_only(setenv):
    """The body of the conftest fixtures: guard installed, metadata endpoints on a closed loopback port
    (``setenv`` is monkeypatch.setenv), and a failure when the test reached outside loopback."""
    install()
    take_violations()
    for name in METADATA_ENV:
        setenv(name, CLOSED_PORT)
    yield
    violations = take_violations()
    assert not violations, 'the test reached outside loopback: %s' % ', '.join(violations)
