# -*- coding: utf-8 -*-
# Copyright: dbgov.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Transport: retry policy (throttling, busy codes, 5xx and dropped connections on reads vs writes, malformed
bodies, Retry-After, deadlines), the typed error, the error-body parsers of both clouds and the session settings.
No network and no real sleeps: the session is scripted and the policy's clock advances only when it "sleeps"."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import datetime
import email.utils
import http.client
import json
import random
import time

import pytest
import requests
import urllib3
from requests.structures import CaseInsensitiveDict

from ansible_collections.dbgov.cloud.plugins.module_utils import alibabacloud as ali
from ansible_collections.dbgov.cloud.plugins.module_utils import huaweicloud as hw
from ansible_collections.dbgov.cloud.plugins.module_utils.transport import (
    USER_AGENT, ApiError, RetryPolicy, Transport, connection_not_established, json_body, parse_retry_after,
)

SEED = 4242


# ---------------------------------------------------------------------------------------------- scripted HTTP
def response(status=200, body=None, headers=None, raw=None):
    resp = requests.Response()
    resp.status_code = status
    resp._content = raw if raw is not None else (b'' if body is None else json.dumps(body).encode('utf-8'))
    resp.headers = CaseInsensitiveDict(headers or {})
    return resp


def dropped():
    """What requests raises when the server closes the connection without answering (emulator fault 'drop')."""
    return requests.exceptions.ConnectionError(urllib3.exceptions.ProtocolError(
        'Connection aborted.', http.client.RemoteDisconnected('Remote end closed connection without response')))


def refused():
    """What requests raises when nothing listens: the request never left the client."""
    reason = urllib3.exceptions.NewConnectionError(None, 'Failed to establish a new connection: [Errno 111] Connection refused')
    return requests.exceptions.ConnectionError(urllib3.exceptions.MaxRetryError(None, '/v3/x', reason))


class ScriptedSession:
    """requests.Session stand-in answering from a script (responses or exceptions; the last one repeats)."""

    def __init__(self, script):
        self.script = list(script)
        self.requests = []

    def request(self, method, url, **kwargs):
        self.requests.append(dict(kwargs, method=method, url=url))
        item = self.script.pop(0) if len(self.script) > 1 else self.script[0]
        if isinstance(item, Exception):
            raise item
        return item


class FakeTime:
    """The policy's clock and sleep: time passes only when the transport sleeps (plus ``per_call`` per request)."""

    def __init__(self):
        self.now = 1000.0
        self.sleeps = []

    def clock(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds


def make_transport(script, seed=SEED, **policy):
    fake = FakeTime()
    rng = random.Random(seed)
    transport = Transport(retry=RetryPolicy(sleep=fake.sleep, clock=fake.clock, rand=rng.random, **policy))
    transport.session = ScriptedSession(script)
    return transport, fake


def huawei_client(transport, **params):
    values = dict(region='cn-north-4', project_id='0' * 32, access_key='AK', secret_key='SK', security_token=None, endpoint=None)
    values.update(params)
    return hw.HuaweiClient(values, transport, 'ddm')


def alibaba_client(transport):
    params = dict(region='cn-hangzhou', access_key='AK', secret_key='SK', security_token=None, endpoint=None)
    return ali.AlibabaClient(params, transport, 'polardb')


HW_THROTTLE = response(429, {'error_code': 'APIGW.0308', 'error_msg': 'The throttling threshold has been reached'}, {'X-Request-Id': 'req-throttle'})
ALI_THROTTLE = response(400, {'Code': 'Throttling.User', 'Message': 'Request was denied due to user flow control.', 'RequestId': 'ALI-REQ-1'})
OK = response(200, {'users': []}, {'X-Request-Id': 'req-ok'})


def growing(sleeps):
    return all(later >= earlier for earlier, later in zip(sleeps, sleeps[1:]))


# ---------------------------------------------------------------------------------------------- throttling
@pytest.mark.parametrize('seed', range(SEED, SEED + 20))
def test_throttled_three_times_then_succeeds_with_growing_delays(seed):
    transport, fake = make_transport([HW_THROTTLE, HW_THROTTLE, HW_THROTTLE, OK], seed=seed)
    assert huawei_client(transport).request('GET', '/v3/{project_id}/x', 'ListThings') == {'users': []}
    assert len(transport.session.requests) == 4, 'seed=%d' % seed
    assert len(fake.sleeps) == 3 and growing(fake.sleeps), 'seed=%d sleeps=%r' % (seed, fake.sleeps)
    # equal jitter: attempt n waits between base*2**n/2 and base*2**n
    for attempt, slept in enumerate(fake.sleeps):
        assert 0.5 * 2 ** attempt / 2 <= slept <= 0.5 * 2 ** attempt, 'seed=%d sleeps=%r' % (seed, fake.sleeps)


def test_throttled_write_is_retried_too():
    """A throttled request was never executed by the service: even a POST is repeated."""
    transport, fake = make_transport([HW_THROTTLE, HW_THROTTLE, OK])
    huawei_client(transport).request('POST', '/v3/{project_id}/x', 'CreateThing', body={'a': 1})
    assert len(transport.session.requests) == 3 and len(fake.sleeps) == 2


def test_alibaba_throttling_codes_are_retried():
    throttled = [ALI_THROTTLE, response(400, {'Code': 'Throttling', 'Message': 'x'}), response(400, {'Code': 'Rejected.Throttling'}),
                 response(400, {'Code': 'Throttling.Api.Concurrency', 'Message': 'x'}), OK]
    transport, fake = make_transport(throttled)
    assert alibaba_client(transport).call('ResetAccount', {'DBClusterId': 'pc-1'}, write=True) == {'users': []}
    assert len(fake.sleeps) == 4


@pytest.mark.parametrize('code,status', [('ServiceUnavailable', 503), ('System.Busy', 400), ('InternalError', 500), ('UnknownError', 400)])
def test_alibaba_unavailable_codes_retry_reads_and_idempotent_writes_only(code, status):
    """ServiceUnavailable does not prove the write was not executed (it is the emulator's '5xx' fault too).
    (Bug fixed: ServiceUnavailable and System.Busy were treated like throttling and retried for every write.)"""
    failure = response(status, {'Code': code, 'Message': 'temporary failure', 'RequestId': 'R-U'})
    transport, _fake = make_transport([failure, OK])
    with pytest.raises(ApiError) as info:
        alibaba_client(transport).call('AttachThing', {'Id': '1'}, write=True)
    assert len(transport.session.requests) == 1 and info.value.code == code
    for write, idempotent in ((False, False), (True, True)):
        transport, _fake = make_transport([failure, OK])
        alibaba_client(transport).call('Thing', {'Id': '1'}, write=write, idempotent=idempotent)
        assert len(transport.session.requests) == 2


def test_endless_throttling_fails_clearly_after_a_bounded_time():
    """Throttling that never ends: max_attempts requests, a bounded total wait, and an error naming the code,
    the message, the operation and the request id."""
    transport, fake = make_transport([HW_THROTTLE])
    with pytest.raises(ApiError) as info:
        huawei_client(transport).request('GET', '/v3/{project_id}/x', 'ListThings')
    err = info.value
    assert len(transport.session.requests) == transport.retry.max_attempts == err.attempts == 7
    assert sum(fake.sleeps) <= transport.retry.deadline
    assert (err.code, err.http_status, err.request_id, err.operation, err.service) == ('APIGW.0308', 429, 'req-throttle', 'ListThings', 'ddm')
    text = str(err)
    for part in ('APIGW.0308', 'throttling threshold', 'ListThings', 'request id req-throttle', 'after 7 attempts', 'HTTP 429'):
        assert part in text


def test_endless_throttling_stops_at_the_deadline():
    transport, fake = make_transport([ALI_THROTTLE], deadline=5.0, max_attempts=100)
    with pytest.raises(ApiError) as info:
        alibaba_client(transport).call('DescribeAccounts', {})
    assert sum(fake.sleeps) <= 5.0
    assert info.value.code == 'Throttling.User' and info.value.request_id == 'ALI-REQ-1'
    assert 'ALI-REQ-1' in str(info.value)


def test_per_call_deadline_overrides_the_policy():
    transport, fake = make_transport([HW_THROTTLE], deadline=1000.0, max_attempts=100)
    with pytest.raises(ApiError):
        huawei_client(transport).request('GET', '/v3/x', 'ListThings', deadline=3.0)
    assert sum(fake.sleeps) <= 3.0


# ---------------------------------------------------------------------------------------------- 5xx and dropped connections
FIVE_XX = response(503, {'error_code': 'APIGW.0201', 'error_msg': 'backend unavailable'}, {'X-Request-Id': 'req-5xx'})


@pytest.mark.parametrize('failure', [FIVE_XX, response(500, raw=b'<html>Internal Server Error</html>'), dropped()],
                         ids=['503', '500-html', 'drop'])
def test_write_is_not_retried_after_5xx_or_a_dropped_connection(failure):
    """The write may have been executed: repeating it could apply it twice. One request, then a clear error."""
    transport, fake = make_transport([failure, OK])
    with pytest.raises(ApiError) as info:
        huawei_client(transport).request('POST', '/v3/{project_id}/x', 'CreateThing', body={'a': 1})
    assert len(transport.session.requests) == 1 and fake.sleeps == []
    assert info.value.attempts == 1


@pytest.mark.parametrize('failure', [FIVE_XX, response(502, raw=b'Bad Gateway'), dropped(), requests.exceptions.ReadTimeout('read timed out')],
                         ids=['503', '502-text', 'drop', 'read-timeout'])
def test_read_is_retried_after_5xx_or_a_dropped_connection(failure):
    transport, fake = make_transport([failure, failure, OK])
    assert huawei_client(transport).request('GET', '/v3/{project_id}/x', 'ListThings') == {'users': []}
    assert len(transport.session.requests) == 3 and len(fake.sleeps) == 2


def test_alibaba_write_not_retried_read_retried_after_5xx():
    error = response(500, {'Code': 'InternalError', 'Message': 'oops', 'RequestId': 'R-5'})
    transport, _fake = make_transport([error, OK])
    with pytest.raises(ApiError) as info:
        alibaba_client(transport).call('ResetAccount', {'DBClusterId': 'pc-1'}, write=True)
    assert len(transport.session.requests) == 1 and info.value.request_id == 'R-5'
    transport, _fake = make_transport([error, OK])
    alibaba_client(transport).call('DescribeAccounts', {'DBClusterId': 'pc-1'})
    assert len(transport.session.requests) == 2


@pytest.mark.parametrize('failure', [FIVE_XX, dropped()], ids=['503', 'drop'])
def test_idempotent_write_is_retried(failure):
    transport, _fake = make_transport([failure, OK])
    huawei_client(transport).request('PUT', '/v3/{project_id}/x', 'UpdateThing', body={'a': 1}, idempotent=True)
    assert len(transport.session.requests) == 2


@pytest.mark.parametrize('failure', [refused(), requests.exceptions.ConnectTimeout('connect timed out')], ids=['refused', 'connect-timeout'])
def test_write_is_retried_when_the_connection_was_never_established(failure):
    """Nothing reached the server, so repeating the write is safe."""
    assert connection_not_established(failure)
    transport, _fake = make_transport([failure, OK])
    huawei_client(transport).request('POST', '/v3/{project_id}/x', 'CreateThing', body={'a': 1})
    assert len(transport.session.requests) == 2


def test_connection_error_message_names_the_host_but_no_path_or_query():
    transport, _fake = make_transport([dropped()])
    with pytest.raises(ApiError) as info:
        huawei_client(transport, endpoint='https://api-host.example.com/x?token=abc').request('POST', '/v3/x', 'CreateThing')
    err = info.value
    assert err.code == 'ConnectionError' and err.http_status is None
    assert err.message == 'dropped: the connection to api-host.example.com was dropped before a complete response (RemoteDisconnected)'
    assert 'token' not in str(err) and '/v3' not in str(err)
    assert not connection_not_established(dropped())


# ---------------------------------------------------------------------------------------------- Retry-After
@pytest.mark.parametrize('headers,expected', [
    ({'Retry-After': '7'}, 7.0),
    ({'Retry-After': '2.5'}, 2.5),
    ({'x-acs-retry-after': '3000'}, 3.0),
    ({'Retry-After': 'soon'}, None),
    ({'Retry-After': 'soon', 'x-acs-retry-after': '1500'}, 1.5),
    ({'x-acs-retry-after': 'later'}, None),
    ({}, None),
])
def test_parse_retry_after(headers, expected):
    """Seconds, or Alibaba's milliseconds; an unparsable value is ignored. (Bug fixed: a value that was neither a
    number nor an HTTP date raised ValueError out of the transport, crashing the module.)"""
    assert parse_retry_after(CaseInsensitiveDict(headers)) == expected


def test_parse_retry_after_http_date():
    when = email.utils.formatdate(time.time() + 30, usegmt=True)
    assert 25 <= parse_retry_after(CaseInsensitiveDict({'Retry-After': when})) <= 30
    assert parse_retry_after(CaseInsensitiveDict({'Retry-After': 'Wed, 21 Oct 2015 07:28:00 GMT'})) == 0.0


def test_retry_after_is_honoured():
    throttled = response(429, {'error_code': 'APIGW.0308', 'error_msg': 'slow down'}, {'Retry-After': '9'})
    transport, fake = make_transport([throttled, OK])
    huawei_client(transport).request('GET', '/v3/x', 'ListThings')
    assert fake.sleeps == [9.0]


def test_retry_after_in_milliseconds_is_honoured():
    throttled = response(400, {'Code': 'Throttling.Api', 'Message': 'slow down'}, {'x-acs-retry-after': '4000'})
    transport, fake = make_transport([throttled, OK])
    alibaba_client(transport).call('DescribeAccounts')
    assert fake.sleeps == [4.0]


def test_unparsable_retry_after_does_not_crash():
    throttled = response(429, {'error_code': 'APIGW.0308', 'error_msg': 'slow down'}, {'Retry-After': 'in a moment'})
    transport, fake = make_transport([throttled, OK])
    huawei_client(transport).request('GET', '/v3/x', 'ListThings')
    assert len(fake.sleeps) == 1 and fake.sleeps[0] <= 0.5


def test_huge_retry_after_is_capped_and_then_bounded_by_the_deadline():
    throttled = response(429, {'error_code': 'APIGW.0308', 'error_msg': 'slow down'}, {'Retry-After': '86400'})
    transport, fake = make_transport([throttled, OK], deadline=30.0)
    with pytest.raises(ApiError):
        huawei_client(transport).request('GET', '/v3/x', 'ListThings')
    assert fake.sleeps == []  # a 60 s capped wait does not fit in 30 s: fail now instead of sleeping past the deadline
    assert RetryPolicy(rand=lambda: 0.0).delay(0, 86400) == 60.0


# ---------------------------------------------------------------------------------------------- busy codes
def test_busy_codes_are_retried_until_the_deadline():
    """Documented "busy, try again" codes are not bounded by max_attempts, only by the deadline."""
    busy = response(409, {'errCode': 'DBS.200019', 'externalMessage': 'Another operation is being performed.'}, {'X-Request-Id': 'req-busy'})
    transport, fake = make_transport([busy], max_attempts=3, deadline=100.0, cap=4.0)
    with pytest.raises(ApiError) as info:
        huawei_client(transport).request('POST', '/v3/x', 'CreateThing', body={}, busy_codes=['DBS.200019'])
    assert len(transport.session.requests) > 3
    assert 90.0 <= sum(fake.sleeps) <= 100.0
    assert info.value.code == 'DBS.200019' and info.value.request_id == 'req-busy'


def test_busy_code_then_success():
    busy = response(403, {'Code': 'ConcurrentTaskExceeded', 'Message': 'The number of concurrent tasks exceeds the quota.'})
    transport, _fake = make_transport([busy, busy, OK])
    alibaba_client(transport).call('ResetAccount', {'DBClusterId': 'pc-1'}, write=True, busy_codes=['ConcurrentTaskExceeded'])
    assert len(transport.session.requests) == 3


def test_client_default_busy_codes():
    busy = response(409, {'errCode': 'DBS.212033', 'externalMessage': 'busy'})
    transport, _fake = make_transport([busy, OK])
    client = huawei_client(transport)
    client.busy_codes = frozenset(['DBS.212033'])
    client.request('DELETE', '/v3/x', 'DeleteThing')
    assert len(transport.session.requests) == 2


def test_other_client_errors_are_not_retried():
    bad = response(400, {'errCode': 'DBS.280001', 'externalMessage': 'Parameter error.'}, {'X-Request-Id': 'req-400'})
    transport, _fake = make_transport([bad, OK])
    with pytest.raises(ApiError) as info:
        huawei_client(transport).request('GET', '/v3/x', 'ListThings', busy_codes=['DBS.200019'])
    assert len(transport.session.requests) == 1
    assert str(info.value) == 'DBS.280001: Parameter error. (ddm ListThings, HTTP 400, request id req-400)'


# ---------------------------------------------------------------------------------------------- malformed bodies
MALFORMED = response(200, raw=b'{"error": <html><body>502 Bad Gateway</body></html>', headers={'X-Request-Id': 'req-bad'})


def test_malformed_json_on_a_read_is_retried():
    transport, _fake = make_transport([MALFORMED, OK])
    assert huawei_client(transport).request('GET', '/v3/x', 'ListThings') == {'users': []}
    assert len(transport.session.requests) == 2


def test_malformed_json_on_a_write_is_not_retried():
    transport, _fake = make_transport([MALFORMED, OK])
    with pytest.raises(ApiError) as info:
        huawei_client(transport).request('POST', '/v3/x', 'CreateThing', body={})
    assert len(transport.session.requests) == 1
    assert (info.value.code, info.value.request_id) == ('InvalidResponse', 'req-bad')


def test_malformed_json_forever_fails_clearly():
    transport, _fake = make_transport([MALFORMED])
    with pytest.raises(ApiError) as info:
        huawei_client(transport).request('GET', '/v3/x', 'ListThings')
    assert info.value.code == 'InvalidResponse' and info.value.attempts == 7


@pytest.mark.parametrize('raw', [b'', b'  \n'])
def test_empty_success_body_is_an_empty_dict(raw):
    transport, _fake = make_transport([response(204, raw=raw)])
    assert huawei_client(transport).request('DELETE', '/v3/x', 'DeleteThing') == {}


# ---------------------------------------------------------------------------------------------- every attempt is a new request
def test_each_attempt_is_built_and_signed_afresh():
    """A retried request gets a new date (Huawei) / nonce and date (Alibaba): a replayed nonce would be refused."""
    transport, _fake = make_transport([ALI_THROTTLE, ALI_THROTTLE, OK])
    alibaba_client(transport).call('DescribeAccounts')
    nonces = [r['headers']['x-acs-signature-nonce'] for r in transport.session.requests]
    assert len(set(nonces)) == 3
    ticks = iter(range(100))
    transport, _fake = make_transport([HW_THROTTLE, OK])
    client = huawei_client(transport)
    client._now = lambda: datetime.datetime(2025, 1, 1, 0, 0, next(ticks), tzinfo=datetime.timezone.utc)
    client.request('GET', '/v3/x', 'ListThings')
    dates = [r['headers']['X-Sdk-Date'] for r in transport.session.requests]
    assert dates == ['20250101T000000Z', '20250101T000001Z']
    assert [(r['method'], r['url'].rsplit('/', 1)[-1]) for r in transport.session.requests] == [('GET', 'x')] * 2


# ---------------------------------------------------------------------------------------------- the retry policy
@pytest.mark.parametrize('seed', range(SEED, SEED + 50))
def test_delay_grows_with_equal_jitter_and_is_capped(seed):
    policy = RetryPolicy(rand=random.Random(seed).random)
    delays = [policy.delay(n) for n in range(12)]
    uncapped = [d for n, d in enumerate(delays) if policy.base * 2 ** n <= policy.cap]
    assert len(uncapped) == 6 and growing(uncapped), 'seed=%d delays=%r' % (seed, delays)
    for n, delay in enumerate(delays):
        ceiling = min(policy.cap, policy.base * 2 ** n)
        assert ceiling / 2 <= delay <= ceiling, 'seed=%d delays=%r' % (seed, delays)


def test_retry_after_raises_the_delay_but_never_lowers_it():
    policy = RetryPolicy(rand=lambda: 1.0)
    assert policy.delay(3, retry_after=0.1) == 4.0
    assert policy.delay(0, retry_after=12) == 12.0


# ---------------------------------------------------------------------------------------------- session settings
def test_session_settings():
    transport = Transport(timeout=12.5)
    assert transport.session.verify is True and transport.session.trust_env is True
    assert transport.session.headers['User-Agent'] == USER_AGENT
    assert Transport(validate_certs=True, ca_bundle='/etc/ca.pem').session.verify == '/etc/ca.pem'
    assert Transport(validate_certs=False, ca_bundle='/etc/ca.pem').session.verify is False


def test_request_options():
    transport, _fake = make_transport([OK])
    transport.timeout = 12.5
    huawei_client(transport).request('POST', '/v3/x', 'CreateThing', body={'name': u'\u4e2d'})
    sent = transport.session.requests[0]
    assert sent['timeout'] == 12.5 and sent['allow_redirects'] is False
    assert sent['data'] == b'{"name": "\\u4e2d"}' == json_body({'name': u'\u4e2d'})


# ---------------------------------------------------------------------------------------------- the typed error
def test_api_error_describe_and_result():
    """str() is the description at the time it is asked for (attempts are counted after the error was built)."""
    err = ApiError('polardb', 'ResetAccount', 404, 'InvalidDBClusterId.NotFound', 'The DBClusterId does not exist.', 'REQ-1', attempts=2)
    assert str(err) == 'InvalidDBClusterId.NotFound: The DBClusterId does not exist. (polardb ResetAccount, HTTP 404, request id REQ-1, after 2 attempts)'
    assert err.to_result() == dict(error_code='InvalidDBClusterId.NotFound', http_status=404, request_id='REQ-1', operation='ResetAccount',
                                   service='polardb')
    assert str(ApiError('ddm', 'X', 502)) == 'HTTP 502:  (ddm X, HTTP 502)'
    err = ApiError('ddm', 'ListThings', 429, 'APIGW.0308', 'throttled', 'r')
    err.attempts = 3
    assert str(err) == err.describe() == 'APIGW.0308: throttled (ddm ListThings, HTTP 429, request id r, after 3 attempts)'


# ---------------------------------------------------------------------------------------------- error bodies
@pytest.mark.parametrize('status,body,headers,code,message,request_id', [
    (400, {'error_code': 'DCS.4961', 'error_msg': 'Invalid role.', 'error_ext_msg': None}, {'X-Request-Id': 'h1'}, 'DCS.4961', 'Invalid role.', 'h1'),
    (400, {'errCode': 'DBS.280001', 'externalMessage': 'Parameter error.'}, {}, 'DBS.280001', 'Parameter error.', None),
    (400, {'errorCode': 'X.1', 'errorMsg': 'camel'}, {}, 'X.1', 'camel', None),
    (404, {'code': 'APIGW.0101', 'message': 'not found'}, {}, 'APIGW.0101', 'not found', None),
    (404, {'error': {'code': 111404022, 'message': 'instance does not exist'}}, {'X-Request-Id': 'h2'}, '111404022', 'instance does not exist', 'h2'),
    (429, {'error_code': 'APIGW.0308', 'error_msg': 'throttled', 'request_id': 'b1'}, {}, 'APIGW.0308', 'throttled', 'b1'),
    (500, None, {}, 'HTTP500', 'the service answered HTTP 500 without a recognisable error body', None),
    (502, '<html>Bad Gateway</html>', {'X-Request-Id': 'h3'}, 'HTTP502', 'the service answered HTTP 502 without a recognisable error body', 'h3'),
    (400, ['not', 'an', 'object'], {}, 'HTTP400', 'the service answered HTTP 400 without a recognisable error body', None),
    (403, {'error': 'denied'}, {}, 'HTTP403', 'the service answered HTTP 403 without a recognisable error body', None),
], ids=['error_code', 'errCode', 'errorCode', 'code', 'nested-error', 'body-request-id', 'empty', 'html', 'list', 'error-string'])
def test_huawei_error_bodies(status, body, headers, code, message, request_id):
    raw = body.encode('utf-8') if isinstance(body, str) else None
    err = hw.parse_error('ddm', 'Op', response(status, body if raw is None else None, headers, raw=raw))
    assert (err.code, err.message, err.request_id, err.http_status) == (code, message, request_id, status)
    assert '<html>' not in str(err)  # never the raw body


@pytest.mark.parametrize('body,headers,code,message,request_id', [
    ({'RequestId': 'R1', 'HostId': 'polardb.aliyuncs.com', 'Code': 'InvalidDBClusterId.NotFound', 'Message': 'no such cluster',
      'Recommend': 'https://api.aliyun.com/troubleshoot?q=x'}, {}, 'InvalidDBClusterId.NotFound', 'no such cluster', 'R1'),
    ({'requestId': 'r2', 'code': 'Forbidden.RAM', 'message': 'denied'}, {}, 'Forbidden.RAM', 'denied', 'r2'),
    ({'Code': 'X'}, {'x-acs-request-id': 'H1'}, 'X', '', 'H1'),
    (None, {'x-acs-request-id': 'H2'}, 'HTTP400', 'the service answered HTTP 400 without a recognisable error body', 'H2'),
], ids=['Code/Message/RequestId', 'lower-case', 'header-request-id', 'non-json'])
def test_alibaba_error_bodies(body, headers, code, message, request_id):
    raw = b'<Error><Code>X</Code></Error>' if body is None else None
    err = ali.parse_error('polardb', 'Op', response(400, body, headers, raw=raw))
    assert (err.code, err.message, err.request_id, err.http_status) == (code, message, request_id, 400)
    assert 'troubleshoot' not in str(err)


@pytest.mark.parametrize('exc', [requests.exceptions.InvalidSchema('No connection adapters were found'),
                                 requests.exceptions.MissingSchema('Invalid URL'), requests.exceptions.InvalidURL('Failed to parse'),
                                 requests.exceptions.InvalidHeader('Invalid leading whitespace')])
def test_a_request_that_cannot_be_sent_is_not_retried(exc):
    """A mistyped endpoint (htp://...) or a bad header: nothing was sent and repeating cannot help. (Bug fixed: a
    read was retried max_attempts times, ~26 s of backoff, and reported as a dropped connection.)"""
    transport, fake = make_transport([exc, OK])
    with pytest.raises(ApiError) as info:
        huawei_client(transport).request('GET', '/v3/x', 'ListThings')
    assert len(transport.session.requests) == 1 and fake.sleeps == []
    assert info.value.message == 'the request could not be sent: invalid endpoint URL or header (%s)' % type(exc).__name__


def test_real_invalid_endpoint_fails_at_once():
    transport = Transport(retry=RetryPolicy(sleep=pytest.fail))
    client = huawei_client(transport, endpoint='htp://127.0.0.1:1/{service}')
    with pytest.raises(ApiError, match='invalid endpoint URL'):
        client.request('GET', '/v3/x', 'ListThings')


def test_malformed_alibaba_answer_keeps_the_request_id():
    """(Bug fixed: the InvalidResponse error read only Huawei's X-Request-Id.)"""
    malformed = response(200, raw=b'<html>', headers={'x-acs-request-id': 'ALI-MAL-1'})
    transport, _fake = make_transport([malformed])
    with pytest.raises(ApiError) as info:
        alibaba_client(transport).call('ResetAccount', {'DBClusterId': 'pc-1'}, write=True)
    assert (info.value.code, info.value.request_id) == ('InvalidResponse', 'ALI-MAL-1')
