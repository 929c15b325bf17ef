# Copyright: dbgov.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Loopback guard for test processes (hack/ci.py puts this directory on PYTHONPATH with DBGOV_LOOPBACK_ONLY=1).

Every Python process started with it - pytest, ansible-playbook and the modules it runs - refuses to open a network
connection to anything but 127.0.0.0/8, ::1 and Unix sockets, and refuses to resolve names other than localhost:
a test that would reach a real cloud endpoint or a metadata address fails at once, with the address in the message.
"""

import os
import socket

if os.environ.get('DBGOV_LOOPBACK_ONLY') == '1':
    _CONNECT = socket.socket.connect
    _CONNECT_EX = socket.socket.connect_ex
    _GETADDRINFO = socket.getaddrinfo

    class LoopbackOnlyError(ConnectionRefusedError):
        """A test process tried to leave the loopback network."""

    def _loopback(address):
        host = address[0] if isinstance(address, tuple) else None
        if host is None:  # AF_UNIX path
            return True
        host = str(host)
        return host.startswith('127.') or host in ('::1', 'localhost', '0:0:0:0:0:0:0:1')

    def _check(address):
        if not _loopback(address):
            raise LoopbackOnlyError('dbgov.cloud tests talk only to loopback: refused connection to %r' % (address,))

    def _connect(self, address):
        _check(address)
        return _CONNECT(self, address)

    def _connect_ex(self, address):
        _check(address)
        return _CONNECT_EX(self, address)

    def _getaddrinfo(host, *args, **kwargs):
        if host not in (None, '', 'localhost') and not _loopback((host,)):
            raise LoopbackOnlyError('dbgov.cloud tests talk only to loopback: refused to resolve %r' % (host,))
        return _GETADDRINFO(host, *args, **kwargs)

    socket.socket.connect = _connect
    socket.socket.connect_ex = _connect_ex
    socket.getaddrinfo = _getaddrinfo
