# -*- coding: utf-8 -*-
# Copyright: dbgov.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Transport under faults: errors answered with HTTP 200, reads missing their keys, writes whose answer was lost,
connection failures by kind (refused, DNS, TLS, proxy, timeout) with their bounded retries, the total time of an
attempt against a server trickling its answer, and the deadline of a call. Real sockets on loopback only."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import datetime
import email.utils
import socket
import ssl
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests
import urllib3

from ansible_collections.dbgov.cloud.plugins.module_utils import alibabacloud as ali
from ansible_collections.dbgov.cloud.plugins.module_utils import huaweicloud as hw
from ansible_collections.dbgov.cloud.plugins.module_utils.transport import ApiError, RetryPolicy, Transport
from ansible_collections.dbgov.cloud.tests.unit.plugins.module_utils.test_transport import (
    alibaba_client, dropped, huawei_client, make_transport, refused, response,
)


def dns_failure():
    reason = urllib3.exceptions.NameResolutionError('nosuch.invalid', None, socket.gaierror(-2, 'Name or service not known'))
    return requests.exceptions.ConnectionError(urllib3.exceptions.MaxRetryError(None, '/v3/x', reason))


# ---------------------------------------------------------------------------------------------- HTTP 200 with an error body
@pytest.mark.parametrize('body,code', [
    ({'errCode': 'DBS.280238', 'externalMessage': 'The instance is being modified.'}, 'DBS.280238'),
    ({'error_code': 'DCS.4039', 'error_msg': 'Instance does not exist.'}, 'DCS.4039'),
    ({'error': {'code': 'APIGW.0101', 'message': 'not found'}}, 'APIGW.0101'),
], ids=['errCode', 'error_code', 'nested'])
def test_huawei_error_in_a_200_answer_is_an_error(body, code):
    transport, _fake = make_transport([response(200, body, {'X-Request-Id': 'req-200'})])
    with pytest.raises(ApiError) as info:
        huawei_client(transport).request('GET', '/v3/{project_id}/x', 'ListThings')
    assert (info.value.code, info.value.http_status, info.value.request_id) == (code, 200, 'req-200')
    assert len(transport.session.requests) == 1


def test_huawei_success_code_is_not_an_error():
    """DCS answers some calls with {"code": "0", "message": "success"}; list items may carry their own error_code."""
    ok = response(200, {'code': '0', 'message': 'success', 'items': [{'error_code': 'X.1'}]})
    transport, _fake = make_transport([ok])
    assert huawei_client(transport).request('GET', '/v3/x', 'ShowThing')['code'] == '0'


def test_alibaba_error_in_a_200_answer_is_an_error_and_throttling_still_retried():
    failed = response(200, {'Code': 'InternalError', 'Message': 'The request processing has failed.', 'RequestId': 'R-200'})
    transport, _fake = make_transport([failed, response(200, {'RequestId': 'R-ok'})])
    with pytest.raises(ApiError) as info:
        alibaba_client(transport).call('ResetAccount', {'DBClusterId': 'pc-1'}, write=True)
    assert (info.value.code, info.value.http_status, info.value.request_id) == ('InternalError', 200, 'R-200')
    assert len(transport.session.requests) == 1
    throttled = response(200, {'Code': 'Throttling.User', 'Message': 'slow down', 'RequestId': 'R-t'})
    transport, fake = make_transport([throttled, response(200, {'RequestId': 'R-ok', 'Code': '200'})])
    assert alibaba_client(transport).call('ResetAccount', {'DBClusterId': 'pc-1'}, write=True)['RequestId'] == 'R-ok'
    assert len(fake.sleeps) == 1


def test_a_read_missing_its_expected_keys_is_an_error():
    transport, _fake = make_transport([response(200, {'total': 3})])
    with pytest.raises(ApiError) as info:
        huawei_client(transport).request('GET', '/v3/x', 'ListThings', expect=('users',))
    assert info.value.code == 'InvalidResponse' and 'users' in info.value.message
    transport, _fake = make_transport([response(200, {'RequestId': 'R'})])
    with pytest.raises(ApiError) as info:
        alibaba_client(transport).paginate('DescribeAccounts', {}, 'Accounts')
    assert info.value.code == 'InvalidResponse' and 'Accounts' in info.value.message


# ---------------------------------------------------------------------------------------------- lost answers of writes
@pytest.mark.parametrize('failure,uncertain', [
    (dropped(), True), (requests.exceptions.ReadTimeout('read timed out'), True),
    (response(504, raw=b'<html>Gateway Time-out</html>'), True), (response(200, raw=b'<html>'), True),
    (refused(), False), (response(400, {'errCode': 'DBS.280001', 'externalMessage': 'Parameter error.'}), False),
], ids=['dropped', 'read-timeout', '504', 'unreadable-200', 'refused', '400'])
def test_a_write_whose_answer_was_lost_is_uncertain(failure, uncertain):
    transport, _fake = make_transport([failure] if uncertain else [failure, failure])
    with pytest.raises(ApiError) as info:
        huawei_client(transport).request('POST', '/v3/x', 'CreateThing', body={'a': 1})
    assert info.value.uncertain is uncertain
    with pytest.raises(ApiError) as info:
        make_transport([failure])[0].call(lambda: ('GET', 'http://h/', {}, None), lambda r: hw.parse_error('ddm', 'X', r),
                                          lambda *a: None, 'ddm', 'ListThings')
    assert info.value.uncertain is False  # a read changes nothing


# ---------------------------------------------------------------------------------------------- connection failures by kind
@pytest.mark.parametrize('failure,kind,text', [
    (refused(), 'refused', 'refused: h.example:8443 refused the connection'),
    (dns_failure(), 'DNS', 'DNS: the host name of h.example:8443 could not be resolved'),
    (requests.exceptions.ConnectTimeout('connect timed out'), 'connect timeout', 'timeout: h.example:8443 did not accept the connection'),
    (requests.exceptions.ProxyError('Unable to connect to proxy'), 'proxy', 'proxy: the proxy refused or failed the connection to h.example:8443'),
], ids=['refused', 'dns', 'connect-timeout', 'proxy'])
def test_a_dead_endpoint_gets_one_quick_retry_and_names_host_and_kind(failure, kind, text):
    """(Bug fixed: a closed port was retried 7 times over ~30 s with a message naming neither the host nor the failure.)"""
    transport, fake = make_transport([failure])
    with pytest.raises(ApiError) as info:
        huawei_client(transport, endpoint='https://h.example:8443/{service}').request('GET', '/v3/x', 'ListThings')
    err = info.value
    assert err.failure == kind and err.message.startswith(text), err.message
    assert len(transport.session.requests) == 2 and len(fake.sleeps) == 1 and fake.sleeps[0] <= 0.5
    assert 'after 2 attempts' in str(err)
    assert len(transport.events) == 1 and transport.events[0].startswith('ddm ListThings attempt 1: ConnectionError: %s' % text)


def test_a_dropped_read_keeps_the_full_retry_budget():
    transport, _fake = make_transport([dropped()])
    with pytest.raises(ApiError) as info:
        huawei_client(transport).request('GET', '/v3/x', 'ListThings')
    assert info.value.failure == 'dropped' and len(transport.session.requests) == 7


# ---------------------------------------------------------------------------------------------- Retry-After forms and the deadline
def test_retry_after_as_an_http_date_and_x_acs_retry_after_drive_the_wait():
    when = email.utils.format_datetime(datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=12), usegmt=True)
    throttled = response(429, {'error_code': 'APIGW.0308', 'error_msg': 'slow down'}, {'Retry-After': when})
    transport, fake = make_transport([throttled, response(200, {})])
    huawei_client(transport).request('GET', '/v3/x', 'ListThings')
    assert len(fake.sleeps) == 1 and 10.0 <= fake.sleeps[0] <= 12.0
    throttled = response(400, {'Code': 'Throttling.User', 'Message': 'slow down'}, {'x-acs-retry-after': '2500'})
    transport, fake = make_transport([throttled, response(200, {})])
    alibaba_client(transport).call('DescribeAccounts')
    assert fake.sleeps == [2.5]


def test_retry_after_is_capped_and_the_call_ends_by_its_deadline_on_a_fake_clock():
    """A server asking for 10 minutes gets at most cap*3 = 60 s per wait; the waits together stay within the deadline."""
    throttled = response(429, {'error_code': 'APIGW.0308', 'error_msg': 'slow down'}, {'Retry-After': '600'})
    transport, fake = make_transport([throttled], deadline=150.0, max_attempts=100)
    with pytest.raises(ApiError) as info:
        huawei_client(transport).request('GET', '/v3/x', 'ListThings')
    assert fake.sleeps == [60.0, 60.0] and info.value.attempts == 3
    assert fake.now - 1000.0 <= 150.0


# ---------------------------------------------------------------------------------------------- real loopback servers
class _Server:
    """A loopback HTTP(S) server running ``handler`` in a thread."""

    def __init__(self, handler, context=None):
        self.httpd = ThreadingHTTPServer(('127.0.0.1', 0), handler)
        self.httpd.daemon_threads = True
        if context is not None:
            self.httpd.socket = context.wrap_socket(self.httpd.socket, server_side=True)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={'poll_interval': 0.05})
        self.thread.daemon = True

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()


class _Trickle(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.0'  # one request per connection: no handler waits on an idle keep-alive connection

    def log_message(self, *args):
        pass

    def do_GET(self):
        body = b'{"users": []}' + b' ' * 40
        self.send_response(200)
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        try:
            for index in range(len(body)):
                self.wfile.write(body[index:index + 1])
                self.wfile.flush()
                time.sleep(0.1)
        except OSError:
            pass


class _Ok(_Trickle):
    def do_GET(self):
        body = b'{"users": []}'
        self.send_response(200)
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def test_timeout_bounds_the_total_time_of_an_attempt_against_a_trickling_server():
    """(Bug fixed: one byte every 0.1 s never trips requests' per-read timeout; a 1 s task read for 5+ s and succeeded.)"""
    transport = Transport(timeout=1.0, retry=RetryPolicy(max_attempts=2, base=0.01))
    with _Server(_Trickle) as server:
        started = time.monotonic()
        with pytest.raises(ApiError) as info:
            huawei_client(transport, endpoint='http://127.0.0.1:%d' % server.port).request('GET', '/v3/x', 'ListThings')
        took = time.monotonic() - started
    assert info.value.failure == 'timeout' and info.value.attempts == 2
    assert 'did not send a complete answer within 1 s' in info.value.message
    assert took < 3.5, took


def test_a_refused_port_fails_fast_naming_host_and_kind():
    with socket.socket() as probe:
        probe.bind(('127.0.0.1', 0))
        port = probe.getsockname()[1]
    transport = Transport(timeout=5.0)
    started = time.monotonic()
    with pytest.raises(ApiError) as info:
        huawei_client(transport, endpoint='http://127.0.0.1:%d/{service}' % port).request('GET', '/v3/x', 'ListThings')
    assert time.monotonic() - started < 2.0
    assert info.value.failure == 'refused' and '127.0.0.1:%d refused the connection' % port in info.value.message
    assert info.value.attempts == 2


def test_a_refusing_proxy_is_named(monkeypatch):
    with socket.socket() as probe:
        probe.bind(('127.0.0.1', 0))
        port = probe.getsockname()[1]
    for name in ('NO_PROXY', 'no_proxy', 'ALL_PROXY', 'all_proxy'):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv('HTTP_PROXY', 'http://127.0.0.1:%d' % port)
    monkeypatch.setenv('HTTPS_PROXY', 'http://127.0.0.1:%d' % port)
    transport = Transport(timeout=5.0)
    with pytest.raises(ApiError) as info:
        alibaba_client_at(transport, 'http://127.0.0.2:9').call('DescribeAccounts')
    assert info.value.failure == 'proxy' and 'proxy refused or failed the connection to 127.0.0.2:9' in info.value.message


def alibaba_client_at(transport, endpoint):
    params = dict(region='cn-hangzhou', access_key='AK', secret_key='SK', security_token=None, endpoint=endpoint)
    return ali.AlibabaClient(params, transport, 'polardb')


def _self_signed(tmp_path):
    """A self-signed certificate for 127.0.0.1 made with the cryptography package."""
    x509 = pytest.importorskip('cryptography.x509')
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID
    import ipaddress
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, u'dbgov-test')])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(hours=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(u'127.0.0.1'))]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_file, key_file = tmp_path / 'cert.pem', tmp_path / 'key.pem'
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    return str(cert_file), str(key_file)


def test_tls_with_a_self_signed_certificate(tmp_path, monkeypatch):
    """validate_certs on: a TLS failure naming the host and the reason, at once (no retry); ca_bundle with the
    certificate, or validate_certs off: the call succeeds."""
    monkeypatch.delenv('REQUESTS_CA_BUNDLE', raising=False)
    monkeypatch.delenv('CURL_CA_BUNDLE', raising=False)
    cert, key = _self_signed(tmp_path)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    with _Server(_Ok, context) as server:
        endpoint = 'https://127.0.0.1:%d' % server.port
        transport = Transport(timeout=5.0, retry=RetryPolicy(sleep=pytest.fail))
        with pytest.raises(ApiError) as info:
            huawei_client(transport, endpoint=endpoint).request('GET', '/v3/x', 'ListThings')
        err = info.value
        assert err.failure == 'TLS' and err.attempts == 1
        assert err.message.startswith('TLS: certificate verify failed') and '127.0.0.1:%d' % server.port in err.message
        assert 'validate_certs and ca_bundle' in err.message
        for transport in (Transport(timeout=5.0, ca_bundle=cert), Transport(timeout=5.0, validate_certs=False)):
            assert huawei_client(transport, endpoint=endpoint).request('GET', '/v3/x', 'ListThings') == {'users': []}


def test_list_calls_of_the_services_require_their_list():
    """DDM, DCS and DAS lists (and every paged Alibaba list): an answer without the list fails instead of reading as
    "no accounts". (Bug fixed: a DDM list without ``users`` made ddm_user state=absent report ok while the account existed.)"""
    from ansible_collections.dbgov.cloud.plugins.module_utils import das, dcs, ddm
    for call in (lambda c: ddm.list_users(c, 'i' * 36), lambda c: dcs.list_accounts(c, 'i' * 36),
                 lambda c: das.list_cloud_dba_instances(c, 'MySQL')):
        transport, _fake = make_transport([response(200, {'total': 0})])
        with pytest.raises(ApiError) as info:
            call(huawei_client(transport))
        assert info.value.code == 'InvalidResponse' and 'lacks the expected field' in info.value.message
