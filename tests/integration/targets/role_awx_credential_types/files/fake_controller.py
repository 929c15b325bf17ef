# -*- coding: utf-8 -*-
# Copyright: dbgov.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A tiny stand-in for the Automation Controller credential_types API (test only, loopback, bounded lifetime).

usage: fake_controller.py PORT_FILE TOKEN LIFETIME_SECONDS
GET    /api/v2/credential_types/?name=N | ?name__startswith=P  -> {"count", "results"} (ordered by id)
GET    /api/v2/credential_types/<id>/                          -> the type
POST   /api/v2/credential_types/                               -> 201, stores the body
PATCH  /api/v2/credential_types/<id>/                          -> 200, updates; 403 when the body changes the inputs
                                                                  of a type that a credential uses (see below)
DELETE /api/v2/credential_types/<id>/                          -> 204; 403 when a credential uses it
POST   /api/v2/credentials/                                    -> 201, stores {name, credential_type, inputs}
GET    /api/v2/credential_types/<id>/credentials/              -> the credentials of a type
GET    /_log                              -> every API request seen (method, path, status)
POST   /_tamper/<id>                      -> replace a stored type's injectors with the body (simulates drift)
POST   /_reset                            -> forget every type, credential and logged request
Every API call needs "Authorization: Bearer TOKEN", else 401.

The refusals follow AWX's CredentialTypeSerializer.validate and the credential type detail view: a credential type
that credentials use keeps its inputs ("Modifications to inputs are not allowed for credential types that are in
use", HTTP 403, also when only the inputs' order or a label changes) and cannot be deleted ("Credential types that
are in use cannot be deleted"); its name, description and injectors may still change.
"""

import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

TYPES = {}
CREDENTIALS = {}
LOG = []
LOCK = threading.Lock()
IN_USE_INPUTS = 'Modifications to inputs are not allowed for credential types that are in use'
IN_USE_DELETE = 'Credential types that are in use cannot be deleted'


def in_use(type_id):
    return any(c['credential_type'] == type_id for c in CREDENTIALS.values())


class Handler(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    _logged = False  # whether this request is in LOG (its status is recorded when answered)

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        """Quiet."""

    def _send(self, status, body):
        data = b'' if body is None else json.dumps(body).encode()
        if LOG and LOG[-1].get('status') is None and self._logged:
            LOG[-1]['status'] = status
        self.send_response(status)
        if body is not None:
            self.send_header('Content-Type', 'application/json')
        self.send_header('Content-Length', str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _body(self):
        length = int(self.headers.get('Content-Length') or 0)
        return json.loads(self.rfile.read(length) or b'{}')

    def _handle(self, method):
        url = urlsplit(self.path)
        self._logged = False
        with LOCK:
            if url.path == '/_log':
                return self._send(200, LOG)
            if url.path.startswith('/_tamper/'):
                TYPES[int(url.path.split('/')[2])]['injectors'] = self._body()
                return self._send(200, {})
            if url.path == '/_reset':
                TYPES.clear()
                CREDENTIALS.clear()
                del LOG[:]
                return self._send(200, {})
            LOG.append({'method': method, 'path': url.path, 'status': None})
            self._logged = True
            if self.headers.get('Authorization') != 'Bearer ' + self.server.token:
                return self._send(401, {'detail': 'Authentication credentials were not provided.'})
            parts = [p for p in url.path.split('/') if p]
            if parts == ['api', 'v2', 'credentials'] and method == 'POST':
                body = self._body()
                if body.get('credential_type') not in TYPES:
                    return self._send(400, {'credential_type': ['Invalid pk - object does not exist.']})
                new_id = max(CREDENTIALS, default=0) + 1
                CREDENTIALS[new_id] = dict(body, id=new_id)
                return self._send(201, CREDENTIALS[new_id])
            if parts[:3] != ['api', 'v2', 'credential_types']:
                return self._send(404, {'detail': 'Not found.'})
            type_id = int(parts[3]) if len(parts) > 3 and parts[3].isdigit() else None
            if type_id is not None and type_id not in TYPES:
                return self._send(404, {'detail': 'Not found.'})
            if method == 'GET' and len(parts) == 5 and parts[4] == 'credentials':
                found = [c for c in CREDENTIALS.values() if c['credential_type'] == type_id]
                return self._send(200, {'count': len(found), 'results': found})
            if method == 'GET' and type_id is not None:
                return self._send(200, TYPES[type_id])
            if method == 'GET':
                query = parse_qs(url.query)
                name, prefix = query.get('name', [None])[0], query.get('name__startswith', [None])[0]
                found = [TYPES[i] for i in sorted(TYPES) if (name is None or TYPES[i]['name'] == name)
                         and (prefix is None or TYPES[i]['name'].startswith(prefix))]
                return self._send(200, {'count': len(found), 'results': found})
            if method == 'POST' and len(parts) == 3:
                body = self._body()
                if any(t['name'] == body.get('name') for t in TYPES.values()):
                    return self._send(400, {'name': ['Credential Type with this Name already exists.']})
                new_id = max(TYPES, default=0) + 1
                TYPES[new_id] = dict(body, id=new_id)
                return self._send(201, TYPES[new_id])
            if method == 'PATCH' and type_id is not None:
                body = self._body()
                if in_use(type_id) and 'inputs' in body and body['inputs'] != TYPES[type_id].get('inputs'):
                    return self._send(403, {'detail': IN_USE_INPUTS})
                TYPES[type_id].update(body)
                return self._send(200, TYPES[type_id])
            if method == 'DELETE' and type_id is not None:
                if in_use(type_id):
                    return self._send(403, {'detail': IN_USE_DELETE})
                del TYPES[type_id]
                return self._send(204, None)
            return self._send(405, {'detail': 'Method not allowed.'})

    def do_GET(self):  # pylint: disable=invalid-name
        self._handle('GET')

    def do_POST(self):  # pylint: disable=invalid-name
        self._handle('POST')

    def do_PATCH(self):  # pylint: disable=invalid-name
        self._handle('PATCH')

    def do_DELETE(self):  # pylint: disable=invalid-name
        self._handle('DELETE')


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
