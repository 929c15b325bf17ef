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
import time

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
                'actions', 'failed_items', 'succeeded_items')


class ApiError(Exception):
    """A cloud API call that failed: service, operation, HTTP status, cloud code, message, request id."""

    def __init__(self, service, operation, http_status=None, code=None, message=None, request_id=None, attempts=1, executed=False):
        self.service = service
        self.operation = operation
        self.http_status = http_status
        self.code = code
        self.message = message or ''
        self.request_id = request_id
        self.attempts = attempts
        self.executed = executed  # True when the failure came after the cloud accepted a write (e.g. a wait)
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
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return True
    if isinstance(exc, requests.exceptions.ConnectionError):
        reason = exc.args[0] if exc.args else None
        inner = getattr(reason, 'reason', reason)
        name = type(inner).__name__
        return name in ('NewConnectionError', 'NameResolutionError', 'ConnectTimeoutError')
    return False


class Transport:
    """One requests session per module run; every call goes through ``call``."""

    def __init__(self, timeout=30, validate_certs=True, ca_bundle=None, retry=None):
        self.timeout = timeout
        self.session = requests.Session()
        self.session.trust_env = True  # HTTPS_PROXY / NO_PROXY / REQUESTS_CA_BUNDLE
        self.session.verify = ca_bundle if (validate_certs and ca_bundle) else bool(validate_certs)
        self.session.headers['User-Agent'] = USER_AGENT
        self.retry = retry or RetryPolicy()
        self.memo = {}  # per-run lookups shared by the clients (e.g. the Huawei project id)

    def call(self, build, parse_error, is_retryable, service, operation, write=False, idempotent=False, deadline=None):
        """Send a request built (and signed) afresh for every attempt; return (status, headers, json or None).

        build() -> (method, url, headers, body bytes or None)
        parse_error(response) -> ApiError
        is_retryable(ApiError, write, idempotent) -> 'throttle' | 'busy' | 'transient' | None
        """
        policy = self.retry
        started = policy.clock()
        limit = policy.deadline if deadline is None else deadline
        attempt = 0
        while True:
            attempt += 1
            method, url, headers, body = build()
            error, kind, retry_after = None, None, None
            try:
                resp = self.session.request(method, url, headers=headers, data=body, timeout=self.timeout, allow_redirects=False)
            except requests.exceptions.RequestException as exc:
                safe = not write or idempotent or connection_not_established(exc)
                error = ApiError(service, operation, None, 'ConnectionError', _connection_message(exc), attempts=attempt)
                # InvalidURL, InvalidSchema, MissingSchema, InvalidHeader... (also ValueErrors): nothing was sent and
                # repeating cannot help
                kind = 'transient' if safe and not isinstance(exc, ValueError) else None
            else:
                if 200 <= resp.status_code < 300:
                    data, bad = _decode(resp)
                    if not bad:
                        return resp.status_code, resp.headers, data
                    request_id = resp.headers.get('X-Request-Id') or resp.headers.get('x-acs-request-id')
                    error = ApiError(service, operation, resp.status_code, 'InvalidResponse',
                                     'the response body is not valid JSON', request_id, attempt)
                    kind = 'transient' if (not write or idempotent) else None
                else:
                    error = parse_error(resp)
                    error.attempts = attempt
                    kind = is_retryable(error, write, idempotent)
                    retry_after = parse_retry_after(resp.headers)
            elapsed = policy.clock() - started
            if kind is None:
                raise error
            if kind != 'busy' and attempt >= policy.max_attempts:
                raise error
            wait = policy.delay(attempt - 1, retry_after)
            if elapsed + wait > limit:
                raise error
            policy.sleep(wait)


def _decode(resp):
    text = resp.content
    if not text or not text.strip():
        return {}, False
    try:
        return json.loads(text.decode('utf-8')), False
    except (ValueError, UnicodeDecodeError):
        return None, True


def _connection_message(exc):
    if isinstance(exc, requests.exceptions.SSLError):
        return 'TLS verification or handshake failed (check validate_certs/ca_bundle)'
    if isinstance(exc, requests.exceptions.Timeout):
        return 'the request timed out (see the timeout option)'
    if isinstance(exc, requests.exceptions.ProxyError):
        return 'the proxy refused or failed the connection'
    if isinstance(exc, ValueError):
        return 'the request could not be sent: invalid endpoint URL or header (%s)' % type(exc).__name__
    return 'the connection failed or was dropped before a response (%s)' % type(exc).__name__


def json_body(data):
    """Serialise a request body the way the Huawei SDK does (default separators), as bytes."""
    return json.dumps(data).encode('utf-8')
