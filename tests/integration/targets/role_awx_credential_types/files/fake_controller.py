# -*- coding: utf-8 -*-
# Copyright: dbgov.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A tiny stand-in for the Automation Controller credential_types API (test only, loopback, bounded lifetime).

usage: fake_controller.py PORT_FILE TOKEN LIFETIME_SECONDS
GET  /api/v2/credential_types/?name=N   -> {"count", "results"}
POST /api/v2/credential_types/          -> 201, stores the body
PATCH /api/v2/credential_types/<id>/    -> 200, updates
GET  /_log                              -> every API request seen (method, path)
POST /_tamper/<id>                      -> replace a stored type's injectors with the body (simulates drift)
Every API call needs "Authorization: Bearer TOKEN", else 401.
"""

import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

TYPES = {}
LOG = []
LOCK = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        """Quiet."""

    def _send(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header('Content-Type', 'application/json')
        self.send_header('Content-Length', str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _body(self):
        length = int(self.headers.get('Content-Length') or 0)
        return json.loads(self.rfile.read(length) or b'{}')

    def _handle(self, method):
        url = urlsplit(self.path)
        with LOCK:
            if url.path == '/_log':
                return self._send(200, LOG)
            if url.path.startswith('/_tamper/'):
                TYPES[int(url.path.split('/')[2])]['injectors'] = self._body()
                return self._send(200, {})
            LOG.append({'method': method, 'path': url.path})
            if self.headers.get('Authorization') != 'Bearer ' + self.server.token:
                return self._send(401, {'detail': 'Authentication credentials were not provided.'})
            parts = [p for p in url.path.split('/') if p]
            if parts[:3] != ['api', 'v2', 'credential_types']:
                return self._send(404, {'detail': 'Not found.'})
            if method == 'GET':
                name = parse_qs(url.query).get('name', [None])[0]
                found = [t for t in TYPES.values() if name is None or t['name'] == name]
                return self._send(200, {'count': len(found), 'results': found})
            if method == 'POST' and len(parts) == 3:
                body = self._body()
                new_id = len(TYPES) + 1
                TYPES[new_id] = dict(body, id=new_id)
                return self._send(201, TYPES[new_id])
            if method == 'PATCH' and len(parts) == 4 and int(parts[3]) in TYPES:
                TYPES[int(parts[3])].update(self._body())
                return self._send(200, TYPES[int(parts[3])])
            return self._send(405, {'detail': 'Method not allowed.'})

    def do_GET(self):  # pylint: disable=invalid-name
        self._handle('GET')

    def do_POST(self):  # pylint: disable=invalid-name
        self._handle('POST')

    def do_PATCH(self):  # pylint: disable=invalid-name
        self._handle('PATCH')


def main():
    port_file, token, lifetime = sys.argv[1], sys.argv[2], float(sys.argv[3])
    server = ThreadingHTTPServer(('127.0.0.1', 0), Handler)
    server.token = token
    threading.Timer(lifetime, server.shutdown).start()
    with open(port_file, 'w') as handle:
        handle.write(str(server.server_address[1]))
    server.serve_forever()


if __name__ == '__main__':
    main()
