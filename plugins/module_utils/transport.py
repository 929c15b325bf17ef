# -*- coding: utf-8 -*-
# Copyright: dbgov.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""HTTP transport shared by both clouds: one requests session per module run, timeouts, TLS,
proxies from the environment, a typed API error and a retry policy that never repeats a write
that may have been executed."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import email.utils
import json
import random
import socket
import ssl
import threading
import time

from urllib.parse import urlsplit

try:
    import requests
    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None
except ImportError as exc:  # pragma: no cover - exercised by the import sanity test
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = exc

COLLECTION_VERSION = '0.1.0'  # = version in galaxy.yml (tests/unit/plugins/test_collection_version.py)
USER_AGENT = 'dbgov.cloud-ansible/%s' % COLLECTION_VERSION

# the only keys a failure result may carry: never a URL, a request body, a header or a raw response
ERROR_FIELDS = ('msg', 'changed', 'error_code', 'http_status', 'request_id', 'operation', 'service', 'resource_id',
                'actions', 'failed_items', 'succeeded_items', 'retries', 'exception')


class ApiError(Exception):
    """A cloud API call that failed: service, operation, HTTP status, cloud code, message, request id."""

    def __init__(self, service, operation, http_status=None, code=None, message=None, request_id=None, attempts=1, executed=False,
                 uncertain=False):
        self.service = service
        self.operation = operation
        self.http_status = http_status
        self.code = code
        self.message = message or ''
        self.request_id = request_id
        self.attempts = attempts
        self.executed = executed  # True when the failure came after the cloud accepted a write (e.g. a wait)
        self.uncertain = uncertain  # True when a write was sent and its answer was lost: it may have been executed
        self.failure = None  # for connection failures: refused, DNS, TLS, timeout, proxy, dropped...
        super(ApiError, self).__init__(self.describe())

    def __str__(self):
        # computed when asked: the transport sets ``attempts`` (and may set other fields) after construction
        return self.describe()

    def describe(self):
        text = '%s: %s' % (self.code or 'HTTP %s' % self.http_status, self.message)
        where = '%s %s' % (self.service, self.operation)
        if self.http_status is not None:
            where += ', HTTP %s' % self.http_status
        if self.request_id:
            where += ', request id %s' % self.request_id
        if self.attempts > 1:
            where += ', after %d attempts' % self.attempts
        return '%s (%s)' % (text, where)

    def to_result(self):
        return dict(error_code=self.code, http_status=self.http_status, request_id=self.request_id,
                    operation=self.operation, service=self.service)


class RetryPolicy:
    """Capped exponential backoff with equal jitter: attempt n waits between d/2 and d, d = base * 2**n (<= cap).

    Delays therefore grow from one attempt to the next; a server's Retry-After raises the delay.
    ``max_attempts`` bounds throttling/transient retries, ``deadline`` (seconds) bounds every retry.
    """

    def __init__(self, max_attempts=7, base=0.5, cap=20.0, deadline=120.0, sleep=None, clock=None, rand=None):
        self.max_attempts = max_attempts
        self.base = base
        self.cap = cap
        self.deadline = deadline
        self.sleep = sleep or time.sleep
        self.clock = clock or time.monotonic
        self.rand = rand or random.random

    def delay(self, attempt, retry_after=None):
        ceiling = min(self.cap, self.base * (2 ** attempt))
        wait = ceiling / 2.0 + self.rand() * ceiling / 2.0
        if retry_after is not None:
            wait = max(wait, min(float(retry_after), self.cap * 3))
        return wait


def parse_retry_after(headers):
    """Seconds to wait from Retry-After (seconds or HTTP date) or x-acs-retry-after (milliseconds)."""
    value = headers.get('Retry-After')
    if value:
        try:
            return max(0.0, float(value))
        except ValueError:
            try:
                when = email.utils.parsedate_to_datetime(value)
            except (TypeError, ValueError, IndexError):
                # neither seconds nor an HTTP date: ignore the header rather than fail the call
                when = None
            if when is not None:
                return max(0.0, when.timestamp() - time.time())
    value = headers.get('x-acs-retry-after')
    if value:
        try:
            return max(0.0, float(value) / 1000.0)
        except ValueError:
            return None
    return None


def connection_not_established(exc):
    """True when a requests exception proves the request never reached the server."""
    return _failure_kind(exc) in NOT_SENT


# connection failure kinds (the message says which): the request never left for these ...
NOT_SENT = frozenset(('refused', 'DNS', 'unreachable', 'connect timeout', 'TLS', 'proxy', 'invalid'))
# ... and these are worth one quick retry at most (a closed port or an unknown host rarely heals within seconds)
QUICK_RETRY = frozenset(('refused', 'DNS', 'unreachable', 'connect timeout', 'proxy'))
QUICK_ATTEMPTS = 2


class AttemptTimeout(requests.exceptions.ReadTimeout if HAS_REQUESTS else Exception):
    """An attempt that did not complete (response headers and body) within ``timeout`` seconds in total."""


def _chain(exc):
    """``exc`` and the exceptions it wraps (requests -> urllib3 -> socket/ssl), outermost first."""
    seen = []
    while exc is not None and len(seen) < 8:
        seen.append(exc)
        inner = getattr(exc, 'reason', None)
        if not isinstance(inner, BaseException):
            inner = next((a for a in getattr(exc, 'args', ()) if isinstance(a, BaseException)), None)
        exc = inner if inner is not None else exc.__cause__ or exc.__context__
        if exc in seen:
            break
    return seen


def _failure_kind(exc):
    """refused | DNS | unreachable | connect timeout | TLS | proxy | timeout | dropped | invalid"""
    if isinstance(exc, requests.exceptions.SSLError):
        return 'TLS'
    if isinstance(exc, requests.exceptions.ProxyError):
        return 'proxy'
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return 'connect timeout'
    if isinstance(exc, requests.exceptions.Timeout):
        return 'timeout'
    if isinstance(exc, ValueError):  # InvalidURL, InvalidSchema, MissingSchema, InvalidHeader...
        return 'invalid'
    names = [type(e).__name__ for e in _chain(exc)]
    if 'NameResolutionError' in names or any(isinstance(e, socket.gaierror) for e in _chain(exc)):
        return 'DNS'
    if 'ConnectTimeoutError' in names:
        return 'connect timeout'
    if 'ConnectionRefusedError' in names or any('Connection refused' in str(e) for e in _chain(exc) if type(e).__name__ == 'NewConnectionError'):
        return 'refused'
    if 'NewConnectionError' in names:
        return 'unreachable'
    return 'dropped'


def _tls_reason(exc):
    for item in _chain(exc):
        if isinstance(item, ssl.SSLError):
            reason = getattr(item, 'verify_message', None) or getattr(item, 'reason', None)
            return ('certificate verify failed: %s' % reason) if getattr(item, 'verify_message', None) else (reason or 'handshake failed')
    return 'handshake or certificate verification failed'


def connection_message(kind, host, exc, timeout):
    """What went wrong, naming the host (never the path or query: an Alibaba query can carry a password)."""
    if kind == 'TLS':
        return 'TLS: %s with %s (check validate_certs and ca_bundle)' % (_tls_reason(exc), host)
    if kind == 'proxy':
        return 'proxy: the proxy refused or failed the connection to %s (check HTTPS_PROXY/HTTP_PROXY/NO_PROXY)' % host
    if kind == 'refused':
        return 'refused: %s refused the connection (nothing listens there, or a firewall rejects it; check endpoint)' % host
    if kind == 'DNS':
        return 'DNS: the host name of %s could not be resolved (check endpoint and region)' % host
    if kind == 'unreachable':
        return 'unreachable: no route to %s' % host
    if kind == 'connect timeout':
        return 'timeout: %s did not accept the connection within %g s (see the timeout option)' % (host, timeout)
    if kind == 'timeout':
        return 'timeout: %s did not send a complete answer within %g s (see the timeout option)' % (host, timeout)
    if kind == 'invalid':
        return 'the request could not be sent: invalid endpoint URL or header (%s)' % type(exc).__name__
    return 'dropped: the connection to %s was dropped before a complete response (%s)' % (host, type(_chain(exc)[-1]).__name__)


class Transport:
    """One requests session per module run; every call goes through ``call``.

    Time limits: every attempt (connection, request, response headers and body) ends within ``timeout`` seconds,
    however slowly the server answers; a call with its retries ends within ``retry.deadline`` seconds (120 by
    default, or one attempt when ``timeout`` is longer). ``events`` records every retried attempt (shown as the
    result's ``retries``).
    """

    def __init__(self, timeout=30, validate_certs=True, ca_bundle=None, retry=None):
        self.timeout = timeout
        self.session = requests.Session()
        self.session.trust_env = True  # HTTPS_PROXY / NO_PROXY / REQUESTS_CA_BUNDLE
        self.session.verify = ca_bundle if (validate_certs and ca_bundle) else bool(validate_certs)
        self.session.headers['User-Agent'] = USER_AGENT
        self.retry = retry or RetryPolicy()
        self.memo = {}  # per-run lookups shared by the clients (e.g. the Huawei project id)
        self.throttle = None  # the API budget (module_utils/throttle.py), set by the module: every attempt takes a slot
        self.events = []  # one line per failed attempt that was retried

    def _send(self, method, url, headers, body, budget):
        """One attempt, bounded in TOTAL by ``budget`` seconds (requests' own timeout bounds each socket read only:
        a server trickling a byte at a time would keep it reading for ever)."""
        box = {}

        def work():
            try:
                resp = self.session.request(method, url, headers=headers, data=body, timeout=budget, allow_redirects=False)
                resp.content  # pylint: disable=pointless-statement  # read the whole body inside the budget
                box['resp'] = resp
            except Exception as exc:  # pylint: disable=broad-except  # re-raised in the caller's thread
                box['exc'] = exc

        worker = threading.Thread(target=work, name='dbgov-request')
        worker.daemon = True  # an abandoned attempt must not keep the module process alive
        worker.start()
        # a little grace so that requests' own connect timeout (same budget) reports a connect failure as such
        worker.join(budget + 0.25)
        if worker.is_alive():
            raise AttemptTimeout('no complete answer within the time limit')
        if 'exc' in box:
            raise box['exc']
        return box['resp']

    def call(self, build, parse_error, is_retryable, service, operation, write=False, idempotent=False, deadline=None,
             body_error=None):
        """Send a request built (and signed) afresh for every attempt; return (status, headers, json or None).

        build() -> (method, url, headers, body bytes or None)
        parse_error(response) -> ApiError
        is_retryable(ApiError, write, idempotent) -> 'throttle' | 'busy' | 'transient' | None
        body_error(response, data) -> ApiError or None: the cloud's error shape in a 2xx answer (some gateways
        answer errors with HTTP 200)
        """
        policy = self.retry
        started = policy.clock()
        limit = policy.deadline if deadline is None else deadline
        attempt = 0
        budget = self.timeout
        while True:
            attempt += 1
            if self.throttle is not None:
                self.throttle.acquire()
            method, url, headers, body = build()
            host = urlsplit(url).netloc
            error, kind, retry_after, quick = None, None, None, False
            try:
                resp = self._send(method, url, headers, body, budget)
            except requests.exceptions.RequestException as exc:
                failure = _failure_kind(exc)
                sent = failure not in NOT_SENT
                error = ApiError(service, operation, None, 'ConnectionError', connection_message(failure, host, exc, budget),
                                 attempts=attempt)
                error.failure = failure
                # a write that was sent and got no complete answer may have been executed
                error.uncertain = bool(write and sent)
                if failure in ('TLS', 'invalid'):
                    kind = None  # a certificate or a URL does not heal by repeating
                elif not sent or not write or idempotent:
                    kind = 'transient'
                    quick = failure in QUICK_RETRY
            else:
                request_id = resp.headers.get('X-Request-Id') or resp.headers.get('x-acs-request-id')
                if 200 <= resp.status_code < 300:
                    data, bad = _decode(resp)
                    if not bad:
                        error = body_error(resp, data) if body_error is not None else None
                        if error is None:
                            return resp.status_code, resp.headers, data
                        error.attempts = attempt
                        kind = is_retryable(error, write, idempotent)
                    else:
                        error = ApiError(service, operation, resp.status_code, 'InvalidResponse',
                                         'the response body is not valid JSON', request_id, attempt)
                        error.uncertain = bool(write)  # accepted (2xx) but unreadable: it may well have been applied
                        kind = 'transient' if (not write or idempotent) else None
                else:
                    error = parse_error(resp)
                    error.attempts = attempt
                    error.request_id = error.request_id or request_id
                    # a gateway timeout or an answer without the cloud's error body: the backend may have run the write
                    error.uncertain = bool(write and resp.status_code >= 500 and (resp.status_code == 504 or str(error.code).startswith('HTTP')))
                    kind = is_retryable(error, write, idempotent)
                    retry_after = parse_retry_after(resp.headers)
            elapsed = policy.clock() - started
            if kind is None:
                raise error
            if kind != 'busy' and attempt >= (QUICK_ATTEMPTS if quick else policy.max_attempts):
                raise error
            wait = policy.delay(attempt - 1, retry_after)
            if elapsed + wait > limit:
                raise error
            self.events.append('%s %s attempt %d: %s; retrying in %.1f s' % (service, operation, attempt, error.describe(), wait))
            policy.sleep(wait)
            # the next attempt gets what is left of the call's deadline (at most timeout, at least 1 s)
            budget = max(1.0, min(self.timeout, limit - (policy.clock() - started)))


def _decode(resp):
    text = resp.content
    if not text or not text.strip():
        return {}, False
    try:
        return json.loads(text.decode('utf-8')), False
    except (ValueError, UnicodeDecodeError):
        return None, True


def expect_keys(service, operation, data, keys):
    """``data`` when it is an object holding every key of ``keys``; else an InvalidResponse error naming the missing ones.

    A list answer without its list is not an empty list: treating it as one would make a module report "absent" (and
    do nothing) for an account that exists.
    """
    if not keys:
        return data
    missing = [key for key in keys if not isinstance(data, dict) or key not in data]
    if missing:
        raise ApiError(service, operation, 200, 'InvalidResponse',
                       'the answer lacks the expected field%s %s' % ('s' if len(missing) > 1 else '', ', '.join(missing)))
    return data


def json_body(data):
    """Serialise a request body the way the Huawei SDK does (default separators), as bytes."""
    return json.dumps(data).encode('utf-8')
