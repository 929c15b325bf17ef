"""The local cloud: one stdlib HTTP server that plays Huawei Cloud and Alibaba Cloud for the tests.

Services register handlers on a HuaweiService (REST paths) or an AlibabaService (RPC actions); the server routes,
verifies signatures with the vendors' SDKs (signing.py), injects faults, keeps state and records every request.
README.md documents the service API, the control API and the request log.
"""

import copy
import json
import os
import re
import socket
import socketserver
import threading
import time
import traceback
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, unquote, urlsplit

from . import signing

HERE = os.path.dirname(os.path.abspath(__file__))
SEED_DIR = os.path.join(HERE, 'seed')
CREDENTIALS_FILE = os.path.join(HERE, 'credentials.json')

# The keys in credentials.json (a test checks that both agree).
HUAWEI_AK = 'HWEMUAK0000000000001'
HUAWEI_SK = 'HWEMUSK0000000000000000000000000000000001'
HUAWEI_STS_AK = 'HWEMUSTSAK0000000001'
HUAWEI_STS_SK = 'HWEMUSTSSK000000000000000000000000000001'
HUAWEI_STS_TOKEN = 'HWEMU-SECURITY-TOKEN-0001'
ALIBABA_AK = 'LTAIemu000000000001'
ALIBABA_SK = 'emuSecret0000000000000000000001'
ALIBABA_STS_AK = 'STS.emu000000000001'
ALIBABA_STS_SK = 'emuStsSecret000000000000000001'
ALIBABA_STS_TOKEN = 'EMU-STS-TOKEN-0001'

SECRET_NAME_RE = re.compile(r'pass|secret|token', re.IGNORECASE)
FAULT_KINDS = ('throttle', '5xx', 'latency', 'malformed', 'drop', 'error', 'error200', 'trickle', 'drop_after', 'echo', 'ignore')
FAULT_FIELDS = frozenset(('service', 'operation', 'kind', 'count', 'skip', 'status', 'code', 'message', 'delay', 'retry_after'))
MALFORMED_BODY = b'{"error": <html><body>502 Bad Gateway</body></html>'
MAX_LOG_ENTRIES = 100000
_DROP, _PROCEED = object(), object()


class ApiError(Exception):
    """Raise from a handler to answer with an error in the service's own error style."""

    def __init__(self, status, code, message, extra=None, headers=None):
        super().__init__(f'{status} {code}: {message}')
        self.status, self.code, self.message = status, code, message
        self.extra, self.headers = dict(extra or {}), dict(headers or {})


class GatewayError(ApiError):
    """An error of the cloud's API gateway (Huawei APIG): always {"error_code", "error_msg", "request_id"}."""


def redact(value):
    """Copy of value with every dict key that looks secret (pass/secret/token) replaced by '***'."""
    if isinstance(value, dict):
        return {key: '***' if SECRET_NAME_RE.search(str(key)) else redact(item) for key, item in value.items()}
    if isinstance(value, list):
        return [redact(item) for item in value]
    return value


def unflatten(flat):
    """Decode Alibaba's flat encoding: {'A.1.B': x, 'A.1.C.1': y} -> {'A': [{'B': x, 'C': [y]}]} (indexes are 1-based)."""
    tree = {}
    for key, value in flat.items():
        node, parts = tree, key.split('.')
        for part in parts[:-1]:
            child = node.setdefault(part, {})
            node = child if isinstance(child, dict) else node.setdefault(f'{part}.', {})
        node[parts[-1]] = value

    def listify(node):
        if not isinstance(node, dict):
            return node
        if node and all(key.isdigit() for key in node):
            return [listify(node[key]) for key in sorted(node, key=int)]
        return {key: listify(item) for key, item in node.items()}
    return listify(tree)


def load_credentials(path=CREDENTIALS_FILE):
    """{'huawei': {access_key: {'secret_key', 'security_token'}}, 'alibaba': {...}} from credentials.json."""
    with open(path, encoding='utf-8') as handle:
        data = json.load(handle)
    return {cloud: {key['access_key']: key for key in keys} for cloud, keys in data.items()}


def _segments(path):
    path = path.strip('/')
    return [unquote(part) for part in path.split('/')] if path else []


class Route:
    """One operation: a method and a path template ({name} segments) for Huawei, an action for Alibaba."""

    def __init__(self, method, template, operation, write, handler, signed=True):
        self.method, self.template, self.operation = method.upper(), template, operation
        self.write, self.handler = bool(write), handler
        # signed=False: anonymous calls are served (a signature, when present, is still verified); the handler decides
        self.signed = signed
        self.parts = _segments(template)
        self.literals = sum(1 for part in self.parts if not part.startswith('{'))

    def match(self, segments):
        """Path arguments if the decoded segments fit the template, else None."""
        if len(segments) != len(self.parts):
            return None
        args = {}
        for part, segment in zip(self.parts, segments):
            if part.startswith('{') and part.endswith('}'):
                if not segment:
                    return None
                args[part[1:-1]] = segment
            elif part != segment:
                return None
        return args


class Service:
    """What both clouds' services share: name, control hooks, seed hook, response rendering."""

    cloud = None
    content_type = 'application/json'
    fault_errors = {}

    def __init__(self, name, param_error):
        self.name, self.param_error = name, tuple(param_error)
        self.controls = {}
        self.seed_defaults = None

    def control(self, name):
        """Decorator: func(state, control, body) -> JSON-able, served at POST /_emulator/control/<service>/<name>."""
        def register(func):
            self.controls[name] = func
            return func
        return register

    def operations(self):
        raise NotImplementedError

    def new_request_id(self):
        return uuid.uuid4().hex

    def response_headers(self, ctx):
        raise NotImplementedError

    def error_body(self, err, ctx):
        raise NotImplementedError

    def gateway_error(self, status, code, message, headers=None):
        return ApiError(status, code, message, headers=headers)

    def retry_headers(self, seconds):
        return {'Retry-After': f'{seconds:g}'}

    def finish_body(self, ctx, body):
        return body

    def render(self, ctx, result):
        """(status, body[, headers]) or a bare body -> (status, headers, bytes)."""
        status, body, extra = (result + ({},))[:3] if isinstance(result, tuple) else (200, result, {})
        headers = self.response_headers(ctx)
        if isinstance(body, (dict, list)):
            body = json.dumps(self.finish_body(ctx, body)).encode('utf-8')
            headers['Content-Type'] = self.content_type
        elif isinstance(body, str):
            body = body.encode('utf-8')
            headers['Content-Type'] = self.content_type
        elif isinstance(body, bytes):
            headers['Content-Type'] = 'application/octet-stream'
        else:
            body = b''
        headers.update(extra)
        return status, headers, body

    def render_error(self, ctx, err):
        headers = {**self.response_headers(ctx), 'Content-Type': self.content_type, **err.headers}
        return err.status, headers, json.dumps(self.error_body(err, ctx)).encode('utf-8')


class HuaweiService(Service):
    """A Huawei Cloud REST service: handlers are registered per method and path template."""

    cloud = 'huawei'
    content_type = 'application/json;charset=UTF-8'
    ERROR_STYLES = {'error_code': ('error_code', 'error_msg'), 'errCode': ('errCode', 'externalMessage')}
    fault_errors = {
        'throttle': (429, 'APIGW.0308', 'The throttling threshold has been reached: policy user over ratelimit,limit:10,time:1 second'),
        '5xx': (503, 'APIGW.0201', 'Request error. The backend service is unavailable, try again later.'),
    }

    def __init__(self, name, error_style='error_code', error_extra=None, param_error=('APIGW.0201', 'Request error.')):
        # error_style: a key of ERROR_STYLES, or a function(ctx) -> key (a service whose API versions differ)
        if not callable(error_style) and error_style not in self.ERROR_STYLES:
            raise ValueError(f'error_style must be one of {sorted(self.ERROR_STYLES)} or a function of the request')
        super().__init__(name, param_error)
        self.error_style, self.error_extra = error_style, dict(error_extra or {})
        self.routes = []

    def route(self, method, template, operation, write=False, signed=True):
        """Decorator: func(ctx, **path_args) -> (status, body) serves method + template as operation."""
        def register(func):
            self.routes.append(Route(method, template, operation, write, func, signed))
            return func
        return register

    def operations(self):
        return sorted({route.operation for route in self.routes})

    def resolve(self, ctx):
        """(route, path args) for the request, the most literal template winning; (None, {}) if none fits."""
        segments, best, best_args = _segments(ctx.route_path), None, {}
        for route in self.routes:
            args = route.match(segments) if route.method == ctx.method else None
            if args is not None and (best is None or route.literals > best.literals):
                best, best_args = route, args
        return best, best_args

    def not_found(self, ctx):
        return GatewayError(404, 'APIGW.0101', 'The API does not exist or has not been published in the environment')

    def gateway_error(self, status, code, message, headers=None):
        return GatewayError(status, code, message, headers=headers)

    def response_headers(self, ctx):
        return {'X-Request-Id': ctx.request_id}

    def error_body(self, err, ctx):
        if isinstance(err, GatewayError):
            body = {'error_code': err.code, 'error_msg': err.message, 'request_id': ctx.request_id}
        else:
            style = self.error_style(ctx) if callable(self.error_style) else self.error_style
            code_key, message_key = self.ERROR_STYLES[style]
            body = {code_key: err.code, message_key: err.message, **self.error_extra}
        body.update(err.extra)
        return body


class AlibabaService(Service):
    """An Alibaba Cloud RPC service (one API version): handlers are registered per action."""

    cloud = 'alibaba'
    content_type = 'application/json;charset=utf-8'
    fault_errors = {
        'throttle': (400, 'Throttling.User', 'Request was denied due to user flow control.'),
        '5xx': (503, 'ServiceUnavailable', 'The request has failed due to a temporary failure of the server.'),
    }

    def __init__(self, name, version, product=None, param_error=('InvalidParameter', 'The specified parameter is not valid.')):
        super().__init__(name, param_error)
        self.version, self.product = version, product or name
        self.actions = {}

    def action(self, name, write=False, signed=True):
        """Decorator: func(ctx) -> (status, body) serves the RPC action name."""
        def register(func):
            self.actions[name] = Route('POST', '/', name, write, func, signed)
            return func
        return register

    def operations(self):
        return sorted(self.actions)

    def new_request_id(self):
        return str(uuid.uuid4()).upper()

    def resolve(self, ctx):
        return (self.actions.get(ctx.action), {}) if ctx.version == self.version else (None, {})

    def not_found(self, ctx):
        if not ctx.action:
            return ApiError(400, 'MissingParameter', 'The input parameter "Action" that is mandatory for processing this request is not supplied.')
        if ctx.version != self.version:
            return ApiError(400, 'InvalidVersion', 'Specified parameter Version is not valid.')
        return ApiError(404, 'InvalidAction.NotFound', 'Specified api is not found, please check your url and method.')

    def response_headers(self, ctx):
        return {'x-acs-request-id': ctx.request_id}

    def retry_headers(self, seconds):
        return {**super().retry_headers(seconds), 'x-acs-retry-after': str(int(seconds * 1000))}

    def finish_body(self, ctx, body):
        if isinstance(body, dict) and 'RequestId' not in body:
            body = {'RequestId': ctx.request_id, **body}
        return body

    def error_body(self, err, ctx):
        recommend = f'https://api.aliyun.com/troubleshoot?q={err.code}&product={self.product}&requestId={ctx.request_id}'
        return {'RequestId': ctx.request_id, 'HostId': ctx.host, 'Code': err.code, 'Message': err.message, 'Recommend': recommend, **err.extra}


# Used to answer requests that reach no service.
_NO_HUAWEI_SERVICE = HuaweiService('-')
_NO_ALIBABA_SERVICE = AlibabaService('-', version=None)


class Context:
    """What a handler sees of one request (README.md lists the attributes)."""

    def __init__(self, method, raw_path, raw_query, headers, body):
        self.method, self.raw_path, self.route_path, self.raw_query = method.upper(), raw_path, raw_path, raw_query
        self.headers, self.body, self.host = headers, body, headers.get('Host', '')
        self.query_pairs = parse_qsl(raw_query, keep_blank_values=True)
        self.query_list = {}
        for key, value in self.query_pairs:
            self.query_list.setdefault(key, []).append(value)
        self.query = {key: values[-1] for key, values in self.query_list.items()}
        self.json, self.json_error, self.form = None, False, {}
        if 'x-www-form-urlencoded' in headers.get('Content-Type', ''):
            self.form = dict(parse_qsl(body.decode('utf-8', 'replace'), keep_blank_values=True))
        elif body.strip():
            try:
                self.json = json.loads(body)
            except ValueError:
                self.json_error = True
        merged = {**self.query, **self.form}
        self.action = headers.get('x-acs-action') or merged.get('Action')
        self.version = headers.get('x-acs-version') or merged.get('Version')
        self.params = {key: value for key, value in merged.items() if key not in signing.ALIBABA_COMMON_PARAMS}
        self.project_id = headers.get('X-Project-Id')
        self.service = self.operation = self.access_key = self.request_id = None
        self.state, self.control, self.states = None, None, None
        self.emulator = None  # the EmulatorServer: handlers that issue temporary credentials call emulator.issue_key

    def require_json(self):
        """The JSON object body, or the service's 400 parameter error."""
        if not isinstance(self.json, dict):
            raise ApiError(400, *self.service.param_error)
        return self.json

    def require(self, name):
        """An Alibaba business parameter, or 400 MissingParameter."""
        if self.params.get(name, '') == '':
            raise ApiError(400, 'MissingParameter', f'The input parameter "{name}" that is mandatory for processing this request is not supplied.')
        return self.params[name]

    def get_list(self, prefix):
        """Decode the flat Alibaba parameters 'prefix.N[.Sub[.M]]' into a list (empty if absent)."""
        flat = {key: value for key, value in self.params.items() if key.startswith(prefix + '.')}
        value = unflatten(flat).get(prefix, [])
        return value if isinstance(value, list) else [value]

    def log_params(self):
        if self.service is not None and self.service.cloud == 'alibaba':
            return redact(self.params)
        body = self.json if isinstance(self.json, dict) else ({} if self.json is None else {'_body': self.json})
        return redact({**self.query, **body})


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 64

    def server_bind(self):
        socketserver.TCPServer.server_bind(self)  # skips HTTPServer's getfqdn(), which can stall on a bad resolver
        self.server_name, self.server_port = self.server_address[:2]

    def handle_error(self, request, client_address):
        """Quiet: clients that hang up are normal; request errors are answered and logged by EmulatorServer."""


class _Handler(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    server_version = 'dbgov-emulator/1.0'
    timeout = 300  # idle keep-alive connections are closed after this many seconds

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        """Quiet: the request log is the record."""

    def setup(self):
        super().setup()
        # answers go out in several small writes: without this, delayed ACKs add ~40 ms to every request
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.server.emulator.track_connection(self.connection, True)

    def finish(self):
        try:
            super().finish()
        finally:
            self.server.emulator.track_connection(self.connection, False)

    def _read_body(self):
        if 'chunked' in self.headers.get('Transfer-Encoding', '').lower():
            chunks = []
            while (size := int(self.rfile.readline().split(b';')[0].strip() or b'0', 16)) > 0:
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            while self.rfile.readline() not in (b'\r\n', b'\n', b''):
                pass
            return b''.join(chunks)
        length = int(self.headers.get('Content-Length') or 0)
        return self.rfile.read(length) if length > 0 else b''

    def _serve(self):
        response = self.server.emulator.handle(self.command, self.path, self.headers, self._read_body(), self.server.bound_service)
        if response is None:
            self.close_connection = True
            return
        status, headers, payload = response[:3]
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header('Content-Length', str(len(payload)))
        self.end_headers()
        if self.command != 'HEAD' and len(response) > 3:
            self.close_connection = True
            try:
                for index in range(len(payload)):  # fault 'trickle': one byte every `delay` seconds
                    self.wfile.write(payload[index:index + 1])
                    self.wfile.flush()
                    time.sleep(response[3])
            except OSError:
                pass  # the client gave up
        elif self.command != 'HEAD':
            self.wfile.write(payload)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = _serve


class EmulatorServer:
    """Every service in one process: listeners, state, request log, faults and the control API.

    ``EmulatorServer(service_ports=True).start()`` listens on a main port (``/<service>/...`` prefix routing) and
    on one port per service (no prefix).  ``services=None`` serves every module of emulator.services;
    ``extra_services`` are added on top (replacing same-named ones), e.g. throwaway services in tests.
    """

    def __init__(self, host='127.0.0.1', port=0, service_ports=False, services=None, extra_services=(),
                 seed_dir=SEED_DIR, credentials_file=CREDENTIALS_FILE):
        if services is None:
            # Imported here: the service modules import this module.
            from .services import discover  # pylint: disable=import-outside-toplevel
            services = discover().values()
        self.services = {service.name: service for service in [*services, *extra_services]}
        self.host, self.seed_dir, self.credentials_file = host, seed_dir, credentials_file
        self.keys, self.only_issued = load_credentials(credentials_file), set()
        self._port, self._want_service_ports = port, service_ports
        self.port, self.url, self.service_ports = None, None, {}
        self.lock = threading.RLock()
        self.states, self.controls, self.faults, self.entries, self.nonces = {}, {}, [], [], {}
        self.last_seq, self._fault_seq = 0, 0
        self._listeners, self._connections = [], set()
        self.reset()

    # ---- lifecycle -------------------------------------------------------------------------------------------
    def start(self):
        self.port = self._listen(self._port, None)
        self.url = f'http://{self.host}:{self.port}'
        if self._want_service_ports:
            self.service_ports = {name: self._listen(0, name) for name in sorted(self.services)}
        return self

    def _listen(self, port, service):
        httpd = _HTTPServer((self.host, port), _Handler)
        httpd.emulator, httpd.bound_service = self, service
        thread = threading.Thread(target=httpd.serve_forever, kwargs={'poll_interval': 0.05}, name=f'emulator-{service or "main"}', daemon=True)
        thread.start()
        self._listeners.append((httpd, thread))
        return httpd.server_address[1]

    def stop(self):
        stoppers = [threading.Thread(target=httpd.shutdown) for httpd, _thread in self._listeners]
        for stopper in stoppers:
            stopper.start()
        for stopper in stoppers:
            stopper.join()
        for httpd, thread in self._listeners:
            httpd.server_close()
            thread.join(5)
        with self.lock:
            connections = list(self._connections)
        for connection in connections:
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        self._listeners = []

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()

    def track_connection(self, connection, is_open):
        with self.lock:
            (self._connections.add if is_open else self._connections.discard)(connection)

    def info(self):
        """The port-file document."""
        return {'url': self.url, 'port': self.port, 'service_ports': dict(self.service_ports), 'pid': os.getpid()}

    def url_for(self, service):
        """Main-port URL with the service prefix (the collection's endpoint template http://HOST:PORT/{service})."""
        return f'{self.url}/{service}'

    def service_url(self, service):
        """The service's own port URL (for SDK clients, which drop an endpoint path), else the prefixed URL."""
        port = self.service_ports.get(service)
        return f'http://{self.host}:{port}' if port else self.url_for(service)

    # ---- state, seeds, controls ------------------------------------------------------------------------------
    def _service(self, name):
        if name not in self.services:
            raise LookupError(f'unknown service {name!r}')
        return self.services[name]

    def _install(self, name, state):
        if not isinstance(state, dict):
            raise ValueError('a service state must be a JSON object')
        service = self._service(name)
        if service.seed_defaults is not None:
            service.seed_defaults(state)
        self.states[name] = state

    def load_seed(self, name):
        path = os.path.join(self.seed_dir, f'{name}.json')
        if not os.path.exists(path):
            return {}
        with open(path, encoding='utf-8') as handle:
            return json.load(handle)

    def reset(self, services=None):
        """Reload seeds and clear controls and faults; a full reset (services=None) also clears the log and nonces."""
        names = list(self.services) if services is None else list(services)
        with self.lock:
            for name in names:
                self._install(name, self.load_seed(name))
                self.controls[name] = {}
            if services is None:
                self.faults, self.entries, self.nonces = [], [], {}
                self.keys, self.only_issued = load_credentials(self.credentials_file), set()
            else:
                self.faults = [fault for fault in self.faults if fault['service'] not in names]

    def seed(self, name, state):
        with self.lock:
            self._install(name, copy.deepcopy(state))

    def get_state(self, name):
        self._service(name)
        with self.lock:
            return copy.deepcopy(self.states[name])

    def get_control(self, name):
        self._service(name)
        with self.lock:
            return copy.deepcopy(self.controls[name])

    def update_control(self, name, values):
        if not isinstance(values, dict):
            raise ValueError('control values must be a JSON object')
        self._service(name)
        with self.lock:
            self.controls[name].update(copy.deepcopy(values))
            return copy.deepcopy(self.controls[name])

    def run_control(self, name, hook, body=None):
        func = self._service(name).controls.get(hook)
        if func is None:
            raise LookupError(f'service {name!r} has no control hook {hook!r}')
        with self.lock:
            result = func(self.states[name], self.controls[name], body)
        return {'ok': True} if result is None else result

    # ---- temporary credentials -------------------------------------------------------------------------------------
    def issue_key(self, cloud, lifetime, **info):
        """New temporary credentials of ``cloud`` ('huawei'/'alibaba'), valid ``lifetime`` seconds, accepted on every API."""
        prefix = 'STS.' if cloud == 'alibaba' else 'HWTMP'
        key = {'access_key': prefix + uuid.uuid4().hex[:20].upper(), 'secret_key': uuid.uuid4().hex + uuid.uuid4().hex[:8],
               'security_token': 'EMU-TMP-' + uuid.uuid4().hex + uuid.uuid4().hex, 'expires_at': time.time() + lifetime,
               'issued': True, **info}
        with self.lock:
            self.keys.setdefault(cloud, {})[key['access_key']] = key
        return dict(key)

    def issued_keys(self, cloud=None):
        """The temporary credentials issued so far (access key, expiry and what issued them; no secret)."""
        with self.lock:
            return [{name: value for name, value in key.items() if name not in ('secret_key', 'security_token')}
                    for each in ([cloud] if cloud else list(self.keys)) for key in self.keys.get(each, {}).values()
                    if key.get('issued')]

    def _keys_for(self, service):
        keys = self.keys.get(service.cloud, {})
        if service.cloud in self.only_issued and not getattr(service, 'issues_credentials', False):
            keys = {name: key for name, key in keys.items() if key.get('issued')}
        return keys

    # ---- request log -----------------------------------------------------------------------------------------
    def _record(self, entry):
        with self.lock:
            self.last_seq += 1
            entry['seq'] = self.last_seq
            self.entries.append(entry)
            del self.entries[:-MAX_LOG_ENTRIES]

    def get_log(self, since=0, service=None, operation=None, write=None):
        with self.lock:
            return [copy.deepcopy(entry) for entry in self.entries
                    if entry['seq'] > since and service in (None, entry['service']) and operation in (None, entry['operation'])
                    and write in (None, entry['write'])]

    def clear_log(self):
        with self.lock:
            self.entries = []

    # ---- faults ----------------------------------------------------------------------------------------------
    def add_fault(self, spec):
        """Validate and queue a fault (README.md, "Faults"); returns it with its id."""
        if not isinstance(spec, dict) or set(spec) - FAULT_FIELDS:
            raise ValueError(f'a fault is a JSON object with keys among {sorted(FAULT_FIELDS)}')
        fault = {'service': '*', 'operation': '*', 'count': 1, 'skip': 0, 'status': None, 'code': None, 'message': None,
                 'delay': 1.0, 'retry_after': None, **spec}
        if fault['kind'] not in FAULT_KINDS:
            raise ValueError(f'fault kind must be one of {", ".join(FAULT_KINDS)}')
        if fault['service'] != '*':
            self._service(fault['service'])
        for name, minimum in (('count', 1), ('skip', 0)):
            if not isinstance(fault[name], int) or fault[name] < minimum:
                raise ValueError(f'fault {name} must be an integer >= {minimum}')
        for name in ('delay', 'retry_after', 'status'):
            if fault[name] is not None and (not isinstance(fault[name], (int, float)) or fault[name] < 0):
                raise ValueError(f'fault {name} must be a non-negative number')
        with self.lock:
            self._fault_seq += 1
            fault['id'] = self._fault_seq
            self.faults.append(fault)
            return dict(fault)

    def list_faults(self):
        with self.lock:
            return [dict(fault) for fault in self.faults]

    def clear_faults(self):
        with self.lock:
            self.faults = []

    def _take_fault(self, service, operation):
        """The first queued fault matching the request decides: skip it, or consume one of its count."""
        with self.lock:
            for fault in self.faults:
                if fault['service'] in ('*', service) and fault['operation'] in ('*', operation):
                    if fault['skip']:
                        fault['skip'] -= 1
                        return None
                    fault['count'] -= 1
                    if fault['count'] <= 0:
                        self.faults.remove(fault)
                    return dict(fault)
        return None

    def _apply_fault(self, fault, service, ctx):
        kind = fault['kind']
        if kind == 'latency':
            time.sleep(fault['delay'])
            return _PROCEED
        if kind in ('trickle', 'drop_after', 'ignore'):
            # trickle/drop_after: executed normally, the answer then trickled or never sent; ignore: answered as a
            # success, its effect thrown away (see _serve)
            return _PROCEED
        if kind == 'error200':
            # a gateway that answers an error with HTTP 200: the service's own error body, not executed
            err = ApiError(200, fault['code'] or 'EmulatorInjectedError', fault['message'] or 'Injected error answered with HTTP 200.')
            return service.render_error(ctx, err)
        if kind == 'echo':
            # an error quoting the request as the server saw it (e.g. SignatureDoesNotMatch with the canonical request)
            token = ctx.headers.get('x-acs-security-token') or ctx.headers.get('X-Security-Token') or ''
            echoed = f'{ctx.method} {ctx.raw_path}?{ctx.raw_query} token={token} body={ctx.body.decode("utf-8", "replace")}'
            raise ApiError(fault['status'] or 400, fault['code'] or 'SignatureDoesNotMatch',
                           (fault['message'] or 'The request signature does not conform to the standards. Canonical request:') + ' ' + echoed)
        if kind == 'drop':
            return _DROP
        if kind == 'malformed':
            return 200, {**service.response_headers(ctx), 'Content-Type': service.content_type}, MALFORMED_BODY
        headers = service.retry_headers(fault['retry_after']) if fault['retry_after'] is not None else {}
        if kind == 'error':
            raise ApiError(fault['status'] or 400, fault['code'] or 'EmulatorInjectedError', fault['message'] or 'Injected error.', headers=headers)
        status, code, message = service.fault_errors[kind]
        raise service.gateway_error(fault['status'] or status, fault['code'] or code, fault['message'] or message, headers=headers)

    # ---- the cloud API ---------------------------------------------------------------------------------------
    def _fresh_nonce(self, nonce):
        now = time.time()
        with self.lock:
            if len(self.nonces) > 1000:
                self.nonces = {key: seen for key, seen in self.nonces.items() if now - seen < signing.CLOCK_SKEW}
            if now - self.nonces.get(nonce, -signing.CLOCK_SKEW) < signing.CLOCK_SKEW:
                return False
            self.nonces[nonce] = now
            return True

    def _find_service(self, ctx, bound):
        parts = ctx.raw_path.split('/')
        prefix = unquote(parts[1]) if len(parts) > 1 else ''
        if prefix in self.services and bound in (None, prefix):
            ctx.route_path = '/' + '/'.join(parts[2:])
            return self.services[prefix]
        if bound is not None:
            return self.services[bound]
        for service in self.services.values():
            if service.cloud == 'alibaba' and ctx.version and service.version == ctx.version:
                return service
        return None

    def _verify(self, service, ctx):
        headers = list(ctx.headers.items())
        if service.cloud == 'huawei':
            return signing.verify_huawei(ctx.method, ctx.raw_path, ctx.query_pairs, headers, ctx.body, self._keys_for(service))
        return signing.verify_alibaba(ctx.method, ctx.raw_path, ctx.query, ctx.form, headers, ctx.body, self._keys_for(service),
                                      self._fresh_nonce)

    @staticmethod
    def _anonymous(service, ctx):
        """True for a request without any signature: only routes with signed=False serve it."""
        if service.cloud == 'huawei':
            return 'authorization' not in {name.lower() for name in ctx.headers.keys()}
        return not ctx.headers.get('Authorization') and 'Signature' not in {**ctx.query, **ctx.form}

    def handle(self, method, target, headers, body, bound_service=None):
        """Serve one HTTP request: (status, headers, body bytes), or None to drop the connection unanswered."""
        split = urlsplit(target)
        if split.path == '/_emulator' or split.path.startswith('/_emulator/'):
            return self._control_request(method, split.path, split.query, body)
        ctx = Context(method, split.path, split.query, headers, body)
        service = ctx.service = self._find_service(ctx, bound_service)
        renderer = service or (_NO_ALIBABA_SERVICE if ctx.version or headers.get('x-acs-action') else _NO_HUAWEI_SERVICE)
        ctx.request_id = renderer.new_request_id()
        entry = {'seq': None, 'time': round(time.time(), 3), 'service': service and service.name, 'operation': None, 'method': ctx.method,
                 'path': ctx.raw_path, 'write': False, 'status': None, 'error_code': None, 'signature': None, 'fault': None,
                 'params': ctx.log_params(), 'request_id': ctx.request_id, 'access_key': None}
        try:
            response = self._serve(ctx, service, entry)
        except ApiError as err:
            response = renderer.render_error(ctx, err)
            entry['error_code'] = err.code
        except Exception as exc:  # pylint: disable=broad-exception-caught
            # A handler bug must still get an answer (and the traceback goes to the log).
            entry['error_code'], entry['traceback'] = 'EMU.0500', traceback.format_exc()
            response = renderer.render_error(ctx, renderer.gateway_error(500, 'EMU.0500', f'Emulator bug: {exc!r}'))
        entry['access_key'] = ctx.access_key
        entry['status'] = None if response is _DROP else response[0]
        self._record(entry)
        return None if response is _DROP else response

    def _serve(self, ctx, service, entry):
        if service is None:
            if ctx.version:
                raise ApiError(400, 'InvalidVersion', 'Specified parameter Version is not valid.')
            raise _NO_HUAWEI_SERVICE.not_found(ctx)
        route, args = service.resolve(ctx)
        if route is not None:
            entry['operation'] = ctx.operation = route.operation
            entry['write'] = route.write
        if route is not None and not route.signed and self._anonymous(service, ctx):
            entry['signature'] = 'anonymous'
        else:
            try:
                ctx.access_key = self._verify(service, ctx)
            except signing.SignatureError as exc:
                entry['signature'] = exc.kind
                raise service.gateway_error(exc.status, exc.code, exc.message) from exc
            entry['signature'] = 'ok'
        ctx.emulator = self
        if route is None:
            raise service.not_found(ctx)
        fault = self._take_fault(service.name, route.operation)
        if fault is not None:
            entry['fault'] = fault['kind']
            response = self._apply_fault(fault, service, ctx)
            if response is not _PROCEED:
                return response
        with self.lock:
            states = copy.deepcopy(self.states) if fault is not None and fault['kind'] == 'ignore' else self.states
            ctx.state, ctx.control, ctx.states = states[service.name], self.controls[service.name], states
            result = route.handler(ctx, **args)
        if fault is not None and fault['kind'] == 'drop_after':
            return _DROP  # executed, and the answer lost
        response = service.render(ctx, result)
        if fault is not None and fault['kind'] == 'trickle':
            return (*response, fault['delay'])  # the handler writes the body one byte every `delay` seconds
        return response

    # ---- the control API -------------------------------------------------------------------------------------
    def _control_request(self, method, path, raw_query, body):
        parts = _segments(path)[1:]
        query = dict(parse_qsl(raw_query))
        try:
            data = json.loads(body) if body.strip() else None
            status, payload = self._control(method.upper(), parts, query, data)
        except LookupError as exc:
            status, payload = 404, {'error': str(exc.args[0] if exc.args else exc)}
        except (ValueError, TypeError, AttributeError) as exc:
            status, payload = 400, {'error': str(exc)}
        return status, {'Content-Type': 'application/json'}, json.dumps(payload).encode('utf-8')

    def _control(self, method, parts, query, data):
        match (method, parts):
            case ('GET', ['health']):
                services = {name: {'cloud': service.cloud, 'operations': service.operations(), 'version': getattr(service, 'version', None)}
                            for name, service in sorted(self.services.items())}
                return 200, {'status': 'ok', **self.info(), 'services': services}
            case ('GET', ['log']):
                write = {'true': True, '1': True, 'false': False, '0': False}.get(query.get('write', '').lower())
                entries = self.get_log(int(query.get('since', 0)), query.get('service'), query.get('operation'), write)
                return 200, {'entries': entries, 'last_seq': self.last_seq}
            case ('DELETE', ['log']):
                self.clear_log()
                return 200, {'last_seq': self.last_seq}
            case ('GET', ['faults']):
                return 200, {'faults': self.list_faults()}
            case ('POST', ['faults']):
                specs = data if isinstance(data, list) else [data]
                added = [self.add_fault(spec) for spec in specs]
                return 200, ({'faults': added} if isinstance(data, list) else {'fault': added[0]})
            case ('DELETE', ['faults']):
                self.clear_faults()
                return 200, {'faults': []}
            case ('GET', ['keys']):
                return 200, {'issued': self.issued_keys(query.get('cloud')), 'only_issued': sorted(self.only_issued)}
            case ('POST', ['keys']):
                # {"only_issued": ["alibaba"]}: the service APIs of these clouds accept only temporary credentials issued
                # by the emulator (STS/IAM and the metadata services) from now on
                clouds = (data or {}).get('only_issued', [])
                if not isinstance(clouds, list) or set(clouds) - {'huawei', 'alibaba'}:
                    raise ValueError('only_issued is a list of "huawei"/"alibaba"')
                with self.lock:
                    self.only_issued = set(clouds)
                return 200, {'only_issued': sorted(self.only_issued)}
            case ('POST', ['reset']):
                self.reset((data or {}).get('services'))
                return 200, {'ok': True}
            case ('POST', ['seed', name]):
                self.seed(name, data)
                return 200, self.get_state(name)
            case ('GET', ['state', name]):
                return 200, self.get_state(name)
            case ('GET', ['control', name]):
                return 200, self.get_control(name)
            case ('POST', ['control', name]):
                return 200, self.update_control(name, data)
            case ('POST', ['control', name, hook]):
                return 200, self.run_control(name, hook, data)
        raise LookupError(f'no control endpoint {method} /_emulator/{"/".join(parts)}')
