# -*- coding: utf-8 -*-
# Copyright: dbgov.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The SDK-HMAC-SHA256 signer: the reference's worked examples byte for byte, and agreement with the official
huaweicloudsdkcore ``Signer`` on randomised requests (signing, and what the client really puts on the wire)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import datetime
import hashlib
import json
import random
import types
from urllib.parse import parse_qsl, quote, urlsplit

import pytest
import requests

from huaweicloudsdkcore.sdk_request import SdkRequest
from huaweicloudsdkcore.signer.signer import Signer

from ansible_collections.dbgov.cloud.plugins.module_utils import huaweicloud as hw
from ansible_collections.dbgov.cloud.tests.unit.plugins.fakes import CapturingTransport, HashRecorder

SEED = 20250101
RANDOM_CASES = 600
WIRE_CASES = 250

# ---------------------------------------------------------------------------------------------- worked examples
# Worked examples A-D, computed with huaweicloudsdkcore's own Signer (the algorithm:
# https://support.huaweicloud.com/intl/en-us/devg-apisign/api-sign-algorithm-004.html).
AK = 'EXAMPLEAK0000000000'
SK = 'EXAMPLESK000000000000000000000000000000000'
PROJECT = '0123456789abcdef0123456789abcdef'
INSTANCE = PROJECT + 'in09'
DDM_HOST = 'ddm.cn-north-4.myhuaweicloud.com'

EXAMPLE_A_CANONICAL = (
    'GET\n'
    '/v3/0123456789abcdef0123456789abcdef/instances/0123456789abcdef0123456789abcdefin09/users/\n'
    'limit=128&offset=0\n'
    'content-type:application/json\n'
    'host:ddm.cn-north-4.myhuaweicloud.com\n'
    'x-project-id:0123456789abcdef0123456789abcdef\n'
    'x-sdk-date:20250101T120000Z\n'
    '\n'
    'content-type;host;x-project-id;x-sdk-date\n'
    'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'
)
EXAMPLE_A_STRING_TO_SIGN = 'SDK-HMAC-SHA256\n20250101T120000Z\n6657147e94f9b2f9a3b869fd0cb098e719906825a86f4712c59fdf607083804f'
EXAMPLE_B_BODY = (b'{"base_authority": ["SELECT", "INSERT"], "description": "app user", "password_lifetime": 90, '
                  b'"databases": [{"name": "db1"}]}')

EXAMPLES = {
    'A': dict(method='GET', path='/v3/%s/instances/%s/users' % (PROJECT, INSTANCE), query=[('offset', 0), ('limit', 128)], body=None,
              token=None, host=DDM_HOST,
              canonical_hash='6657147e94f9b2f9a3b869fd0cb098e719906825a86f4712c59fdf607083804f',
              signed='content-type;host;x-project-id;x-sdk-date',
              signature='31c9bd2c710e6ba9f7d1815619b8ae557c0dac14c12a29d5cd6dd7f66b379514',
              url='https://ddm.cn-north-4.myhuaweicloud.com/v3/0123456789abcdef0123456789abcdef/instances/'
                  '0123456789abcdef0123456789abcdefin09/users?limit=128&offset=0'),
    'B': dict(method='PUT', path='/v3/%s/instances/%s/users/app_user' % (PROJECT, INSTANCE), query=None, body=EXAMPLE_B_BODY,
              token=None, host=DDM_HOST,
              payload_hash='c14df6e285010e8acec463554f597c96efbe91de37d5570e8d63a766dcd8814a',
              canonical_uri='/v3/%s/instances/%s/users/app_user/' % (PROJECT, INSTANCE), canonical_query='',
              canonical_hash='d6e3a2bbe9543df301674786a10229d585cf804327add6f31baed8b9225169dc',
              signed='content-type;host;x-project-id;x-sdk-date',
              signature='35de878f25259319e64d0c9a3213775d7f9e47c0cc67ace64398b129b2da0d5d'),
    'C': dict(method='GET', path='/v3/%s/jobs' % PROJECT, body=None, token=None, host=DDM_HOST,
              query=[('start_time', 1700000000000), ('end_time', 1700000500000), ('limit', 10), ('offset', 0)],
              canonical_query='end_time=1700000500000&limit=10&offset=0&start_time=1700000000000',
              signed='content-type;host;x-project-id;x-sdk-date',
              signature='6173e80cb3f8cd27a3083f9f4dacfa57a7c246012ac708a5c8bc6947b6d80826'),
    'D': dict(method='POST', path='/v3/%s/instances/0123456789abcdef0123456789abcdefin01/logoff-built-in-account' % PROJECT,
              query=None, body=b'{"datastore_type": "MySQL"}', token='EXAMPLE-SECURITY-TOKEN', host='das.cn-north-4.myhuaweicloud.com',
              signed='content-type;host;x-project-id;x-sdk-date;x-security-token',
              signature='5ede6682addc58f4f5489987540f71fdfd2592f7a0944393ab66a249f94a1d0e'),
}


@pytest.fixture
def recorder(monkeypatch):
    return HashRecorder().patch(monkeypatch, hw)


def example_headers(example):
    headers = {'Content-Type': 'application/json', 'X-Sdk-Date': '20250101T120000Z', 'X-Project-Id': PROJECT, 'Host': example['host']}
    if example['token']:
        headers['X-Security-Token'] = example['token']
    return headers


def ordered_query(pairs):
    return dict(pairs) if pairs else None


@pytest.mark.parametrize('name', sorted(EXAMPLES))
def test_worked_example_signature(name, recorder):
    """Examples A-D: our Authorization header and canonical request hash equal the reference's, byte for byte."""
    example = EXAMPLES[name]
    headers = example_headers(example)
    hw.sign(example['method'], example['path'], hw.canonical_query(ordered_query(example['query'])), headers, example['body'], AK, SK)
    assert headers['Authorization'] == 'SDK-HMAC-SHA256 Access=%s, SignedHeaders=%s, Signature=%s' % (AK, example['signed'], example['signature'])
    canonical = recorder.canonical_request()
    lines = canonical.split('\n')
    assert lines[0] == example['method']
    if 'canonical_hash' in example:
        assert hashlib.sha256(canonical.encode('utf-8')).hexdigest() == example['canonical_hash']
        assert recorder.signed[-1].decode('utf-8') == 'SDK-HMAC-SHA256\n20250101T120000Z\n' + example['canonical_hash']
    if 'canonical_uri' in example:
        assert lines[1] == example['canonical_uri']
    if 'canonical_query' in example:
        assert lines[2] == example['canonical_query']
    if 'payload_hash' in example:
        assert lines[-1] == example['payload_hash']
        assert hashlib.sha256(example['body']).hexdigest() == example['payload_hash']
    assert lines[-2] == example['signed']


def test_worked_example_a_canonical_request_text(recorder):
    """Example A in full: the canonical request and the string to sign, line by line."""
    example = EXAMPLES['A']
    headers = example_headers(example)
    hw.sign('GET', example['path'], hw.canonical_query(ordered_query(example['query'])), headers, None, AK, SK)
    assert recorder.canonical_request() == EXAMPLE_A_CANONICAL
    assert recorder.signed[-1].decode('utf-8') == EXAMPLE_A_STRING_TO_SIGN


def fixed_now():
    return datetime.datetime(2025, 1, 1, 12, 0, 0, tzinfo=datetime.timezone.utc)


@pytest.mark.parametrize('name', ['A', 'B', 'D'])
def test_worked_example_through_client(name):
    """The client (path template, query dict, JSON body, token) sends exactly the reference's request."""
    example = EXAMPLES[name]
    transport = CapturingTransport()
    params = dict(region='cn-north-4', project_id=PROJECT, access_key=AK, secret_key=SK, security_token=example['token'], endpoint=None)
    service = example['host'].split('.')[0]
    client = hw.HuaweiClient(params, transport, service, now=fixed_now)
    body = json.loads(example['body']) if example['body'] else None
    client.request(example['method'], example['path'].replace(PROJECT, '{project_id}'), 'Example' + name,
                   query=ordered_query(example['query']), body=body)
    method, url, headers, payload = transport.sent[0]
    assert method == example['method']
    assert payload == example['body']
    if 'url' in example:
        assert url == example['url']
    # the client's own Content-Type for a body is application/json;charset=UTF-8, which changes the signature:
    # recompute with the SDK over exactly what was sent instead of comparing to the fixed value.
    expected = sdk_authorization(method, urlsplit(url).path, parse_qsl(urlsplit(url).query, keep_blank_values=True),
                                 {k: v for k, v in headers.items() if k != 'Authorization'}, payload, AK, SK)
    assert headers['Authorization'] == expected
    if headers['Content-Type'] == 'application/json':
        assert headers['Authorization'].endswith('Signature=' + example['signature'])


# ---------------------------------------------------------------------------------------------- the official SDK signer
def sdk_authorization(method, path, query_pairs, headers, body, ak, sk):
    """Authorization computed by huaweicloudsdkcore's Signer (query_pairs: list of (key, value or list))."""
    request = SdkRequest(method=method, schema='https', host=headers.get('Host'), resource_path=path,
                         query_params=[(k, list(v) if isinstance(v, (list, tuple)) else v) for k, v in query_pairs],
                         header_params=dict(headers), body=body)
    Signer(types.SimpleNamespace(ak=ak, sk=sk)).sign(request)
    return request.header_params['Authorization']


def sdk_canonical_query(query_pairs):
    request = SdkRequest(query_params=[(k, list(v) if isinstance(v, (list, tuple)) else v) for k, v in query_pairs])
    return Signer.process_canonical_query_string(request)


ALPHABETS = {
    'plain': 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789',
    'unreserved': '-._~',
    'reserved': "!*'();:@&=+$,?#[] /%\"<>\\^`{|}",
    'unicode': u'\u00e9\u00fc\u00df\u4e2d\u6587\u03a9\u0416\U0001f642\u2603\u00a0',
}


def rand_text(rng, low=0, high=12, kinds=('plain', 'unreserved', 'reserved', 'unicode')):
    size = rng.randint(low, high)
    pool = ''.join(ALPHABETS[k] for k in kinds)
    return ''.join(rng.choice(pool) for dummy in range(size))


def rand_path(rng):
    """A path as a service layer builds it: literal segments and quote(value, safe='') path arguments."""
    segments = []
    for dummy in range(rng.randint(1, 6)):
        style = rng.random()
        if style < 0.4:
            segments.append(rand_text(rng, 1, 10, ('plain', 'unreserved')))
        elif style < 0.8:
            segments.append(quote(rand_text(rng, 1, 10), safe=''))
        elif style < 0.9:
            # sub-delimiters left literal, as RFC 3986 allows in a path segment
            segments.append(quote(rand_text(rng, 1, 10), safe="!$&'()*+,;=:@"))
        else:
            # raw unicode (requests percent-encodes it on the wire)
            segments.append(rand_text(rng, 1, 8, ('plain', 'unicode')))
    path = '/' + '/'.join(segments)
    return path + '/' if rng.random() < 0.15 else path


def rand_value(rng):
    """A query value of the kinds the client accepts: text (maybe empty), int, bool, list of text (repeats, empties)."""
    kind = rng.random()
    if kind < 0.45:
        return rand_text(rng, 0, 12)
    if kind < 0.6:
        return rng.randint(-10 ** 6, 10 ** 12)
    if kind < 0.7:
        return rng.random() < 0.5
    values = [rand_text(rng, 0, 6) for dummy in range(rng.randint(1, 4))]
    if rng.random() < 0.5:
        values.append(rng.choice(values))
    rng.shuffle(values)
    return values


def rand_query(rng):
    query = {}
    for dummy in range(rng.choice([0, 0, 1, 2, 3, 5, 8])):
        key = rand_text(rng, 1, 10) if rng.random() < 0.5 else rand_text(rng, 1, 10, ('plain', 'unreserved'))
        query[key] = rand_value(rng)
    return query


def rand_body(rng):
    kind = rng.random()
    if kind < 0.3:
        return None
    if kind < 0.35:
        return b''
    if kind < 0.85:
        doc = dict((rand_text(rng, 1, 8), rng.choice([rand_text(rng, 0, 20), rng.randint(0, 10 ** 6), None, True, [rand_text(rng, 0, 5)]]))
                   for dummy in range(rng.randint(0, 6)))
        return json.dumps(doc, ensure_ascii=rng.random() < 0.5).encode('utf-8')
    return bytes(rng.randint(0, 255) for dummy in range(rng.randint(1, 64)))


def rand_date(rng):
    moment = datetime.datetime(2000, 1, 1) + datetime.timedelta(seconds=rng.randint(0, 40 * 365 * 86400))
    return moment.strftime('%Y%m%dT%H%M%SZ')


def rand_headers(rng):
    host = rng.choice(['ddm.cn-north-4.myhuaweicloud.com', 'das.la-south-2.myhuaweicloud.com', '127.0.0.1:8801',
                       'iam.myhuaweicloud.com', 'ddm.eu-west-101.myhuaweicloud.eu', '[::1]:9999'])
    headers = {'Host': host, 'X-Sdk-Date': rand_date(rng)}
    content_type = rng.choice(['application/json', 'application/json;charset=UTF-8', 'application/bson', None,
                               'text/plain', 'application/octet-stream', 'application/x-www-form-urlencoded'])
    if content_type:
        headers['Content-Type'] = content_type
    if rng.random() < 0.7:
        headers['X-Project-Id'] = '%032x' % rng.getrandbits(128)
    if rng.random() < 0.4:
        headers['X-Security-Token'] = ''.join(rng.choice(ALPHABETS['plain'] + '+/=-_') for dummy in range(rng.randint(20, 300)))
    if rng.random() < 0.3:
        headers['User-Agent'] = 'dbgov.cloud-ansible/0.1.0 python/3.11'
    if rng.random() < 0.2:
        headers['X-Language'] = '  en-us '  # surrounding blanks are trimmed in the canonical form
    if rng.random() < 0.2:
        headers['X_Not_Signed'] = 'has an underscore'  # names with '_' are never signed
    if rng.random() < 0.1:
        headers['X-Domain-Id'] = '%032x' % rng.getrandbits(128)
    return headers


def rand_keys(rng):
    ak = ''.join(rng.choice(ALPHABETS['plain']) for dummy in range(rng.randint(16, 24)))
    sk = ''.join(rng.choice(ALPHABETS['plain']) for dummy in range(rng.randint(30, 44)))
    return ak, sk


def as_pairs(query):
    return list(query.items())


def case_description(seed, method, path, query, headers, body):
    return 'seed=%d method=%r path=%r query=%r headers=%r body=%r' % (seed, method, path, query, headers, body)


def test_agrees_with_sdk_signer_on_random_requests():
    """Random methods, paths (reserved, unicode, encoded), queries (repeats, empty values), bodies, tokens."""
    checked = 0
    for case in range(RANDOM_CASES):
        seed = SEED + case
        rng = random.Random(seed)
        method = rng.choice(['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'get', 'Post'])
        path, query, body, headers = rand_path(rng), rand_query(rng), rand_body(rng), rand_headers(rng)
        ak, sk = rand_keys(rng)
        where = case_description(seed, method, path, query, headers, body)
        ours = dict(headers)
        hw.sign(method, path, hw.canonical_query(query), ours, body, ak, sk)
        assert ours['Authorization'] == sdk_authorization(method, path, as_pairs(query), headers, body, ak, sk), where
        assert hw.canonical_query(query) == sdk_canonical_query(as_pairs(query)), where
        checked += 1
    assert checked == RANDOM_CASES


def server_view(prepared):
    """What the gateway sees: the raw path and the decoded query pairs of the request line, the sent headers."""
    split = urlsplit(prepared.path_url)
    return split.path, parse_qsl(split.query, keep_blank_values=True), dict(prepared.headers)


def test_client_wire_requests_verify_with_sdk():
    """What HuaweiClient really sends (after requests prepares the URL) verifies with the SDK signer the way the
    gateway (and the emulator) recompute it: from the raw path and the decoded query of the request line."""
    for case in range(WIRE_CASES):
        seed = SEED + 100000 + case
        rng = random.Random(seed)
        method = rng.choice(['GET', 'POST', 'PUT', 'DELETE'])
        name = rand_text(rng, 1, 12)
        if name in ('.', '..'):
            continue  # refused before sending: test_dot_segments_are_refused
        path = '/v3/{project_id}/instances/%s/users/%s' % (quote(rand_text(rng, 1, 8, ('plain',)), safe=''), quote(name, safe=''))
        query = dict((k, v) for k, v in rand_query(rng).items() if not isinstance(v, list) or v)
        body = None if method in ('GET', 'DELETE') else {rand_text(rng, 1, 6): rand_text(rng, 0, 10)}
        token = rand_text(rng, 10, 40, ('plain',)) if rng.random() < 0.5 else None
        ak, sk = rand_keys(rng)
        params = dict(region='cn-north-4', project_id='%032x' % rng.getrandbits(128), access_key=ak, secret_key=sk, security_token=token,
                      endpoint=rng.choice([None, 'http://127.0.0.1:8801/{service}', 'https://proxy.example.com/hw/{region}/{service}/']))
        transport = CapturingTransport()
        hw.HuaweiClient(params, transport, 'ddm').request(method, path, 'Random', query=query, body=body)
        sent_method, url, headers, payload = transport.sent[0]
        prepared = requests.Request(sent_method, url, headers=headers, data=payload).prepare()
        raw_path, pairs, sent = server_view(prepared)
        signed = headers['Authorization'].split('SignedHeaders=')[1].split(',')[0].split(';')
        signed_headers = dict((k, v) for k, v in sent.items() if k.lower() in signed)
        where = 'seed=%d url=%r headers=%r' % (seed, url, headers)
        assert sorted(k.lower() for k in signed_headers) == sorted(signed), where
        assert headers['Authorization'] == sdk_authorization(sent_method, raw_path, pairs, signed_headers, prepared.body, ak, sk), where


# ---------------------------------------------------------------------------------------------- input classes, one by one
BASE_HEADERS = {'Content-Type': 'application/json', 'X-Sdk-Date': '20250101T120000Z', 'Host': DDM_HOST, 'X-Project-Id': PROJECT}


def ours_authorization(method, path, query, headers, body):
    signed = dict(headers)
    hw.sign(method, path, hw.canonical_query(query), signed, body, AK, SK)
    return signed['Authorization']


def test_encoded_slash_in_a_path_argument():
    """A path argument holding '/' (quote(name, safe='') gives %2F): the canonical URI decodes the whole path before
    splitting it (reference 4a step 6), like the SDK and therefore the gateway and the emulator. (Bug fixed: we used
    to decode per segment and kept %2F, so such a request was refused.)"""
    path = '/v3/%s/instances/%s/users/%s' % (PROJECT, INSTANCE, quote('a/b c', safe=''))
    assert hw.canonical_uri(path) == '/v3/%s/instances/%s/users/a/b%%20c/' % (PROJECT, INSTANCE)
    assert ours_authorization('DELETE', path, None, BASE_HEADERS, None) == sdk_authorization('DELETE', path, [], BASE_HEADERS, None, AK, SK)


@pytest.mark.parametrize('body', [None, b''])
def test_unsigned_payload_with_empty_body(body):
    """A non-JSON Content-Type adds X-Sdk-Content-Sha256: UNSIGNED-PAYLOAD, but an absent body still hashes as the
    empty string (SDK _process_hash_payload; reference 4a step 8). (Bug fixed: we used to put UNSIGNED-PAYLOAD in
    the canonical request.) A non-empty body uses UNSIGNED-PAYLOAD."""
    headers = dict(BASE_HEADERS, **{'Content-Type': 'text/plain'})
    ours = dict(headers)
    hw.sign('GET', '/v3/x', '', ours, body, AK, SK)
    assert ours['X-Sdk-Content-Sha256'] == 'UNSIGNED-PAYLOAD'
    assert ours['Authorization'] == sdk_authorization('GET', '/v3/x', [], headers, body, AK, SK)
    assert ours_authorization('PUT', '/v3/x', None, headers, b'abc') == sdk_authorization('PUT', '/v3/x', [], headers, b'abc', AK, SK)


def gateway_query(wire_query):
    """The gateway only sees text: it decodes the request line's pairs and canonicalises them (as the emulator does)."""
    return sdk_canonical_query(parse_qsl(wire_query, keep_blank_values=True))


def test_integer_list_query_values_sort_as_sent():
    """Repeated integer values: the SDK sorts the Python ints (9 < 10) and sends 'id=9&id=10', but the gateway
    sorts the text it receives ('10' < '9'), so the SDK's own request would not verify. We sort text: what we sign
    is what the gateway recomputes. Our signer is right here; the SDK differs on purpose-free grounds."""
    query = {'id': [10, 9, 100]}
    ours = hw.canonical_query(query)
    assert ours == 'id=10&id=100&id=9'
    assert gateway_query(ours) == ours
    sdk = sdk_canonical_query(list(query.items()))
    assert sdk == 'id=9&id=10&id=100'
    assert gateway_query(sdk) != sdk


def test_boolean_list_query_values():
    """Booleans inside a list: the SDK sends str(True) = 'True', we send 'true' (like a scalar boolean, which the SDK
    lowercases too). Both are self-consistent (each signs what it sends); ours is the one the gateway recomputes."""
    ours = hw.canonical_query({'flag': [True, False]})
    assert ours == 'flag=false&flag=true'
    assert gateway_query(ours) == ours
    assert hw.canonical_query({'flag': True}) == sdk_canonical_query([('flag', True)]) == 'flag=true'


def test_none_query_values_are_not_sent():
    """None means "not given": dropped from the signature and the URL (the SDK would send the text 'None')."""
    assert hw.canonical_query({'a': None, 'b': '', 'c': ['x', '']}) == 'b=&c=&c=x'


def test_lower_case_content_type_header_class_is_never_produced():
    """The SDK looks for the exact header name 'Content-Type' when deciding on UNSIGNED-PAYLOAD; we look it up
    case-insensitively (so 'content-type: text/plain' is signed differently, each consistently with what it sends).
    Our client never produces that class: every request it builds has 'Content-Type: application/json...', and so
    never UNSIGNED-PAYLOAD. Pinned over random requests through HuaweiClient."""
    headers = {'content-type': 'text/plain', 'X-Sdk-Date': '20250101T120000Z', 'Host': DDM_HOST}
    assert ours_authorization('POST', '/v3/x', None, headers, b'x') != sdk_authorization('POST', '/v3/x', [], headers, b'x', AK, SK)
    for case in range(100):
        seed = SEED + 200000 + case
        rng = random.Random(seed)
        transport = CapturingTransport()
        params = dict(region='cn-north-4', project_id=PROJECT, access_key=AK, secret_key=SK, security_token=None, endpoint=None)
        method = rng.choice(['GET', 'POST', 'PUT', 'DELETE', 'PATCH'])
        body = rng.choice([None, {}, {'a': rand_text(rng)}, [1, 2], ''])
        hw.HuaweiClient(params, transport, 'ddm').request(method, '/v3/{project_id}/x', 'X', query=rand_query(rng), body=body,
                                                          headers=rng.choice([None, {'X-Language': 'en-us'}]))
        sent = transport.sent[0][2]
        assert [name for name in sent if name.lower() == 'content-type'] == ['Content-Type'], 'seed=%d' % seed
        assert sent['Content-Type'].startswith('application/json'), 'seed=%d' % seed
        assert 'X-Sdk-Content-Sha256' not in sent, 'seed=%d' % seed


@pytest.mark.parametrize('argument', ['.', '..', '%2E', '%2e%2E', quote('x/..', safe=''), quote('../etc', safe='')])
def test_dot_segments_are_refused(argument):
    """requests removes dot segments ('/users/..' would reach '/instances/{id}', another resource, even when
    encoded as %2E): the client refuses such a path before anything is sent. (Bug fixed.)"""
    transport = CapturingTransport()
    params = dict(region='cn-north-4', project_id=PROJECT, access_key=AK, secret_key=SK, security_token=None, endpoint=None)
    with pytest.raises(hw.ApiError) as info:
        hw.HuaweiClient(params, transport, 'ddm').request('DELETE', '/v3/{project_id}/instances/i/users/%s' % argument, 'DeleteUser')
    assert info.value.code == 'InvalidPath' and transport.sent == []
    hw.HuaweiClient(params, transport, 'ddm').request('DELETE', '/v3/{project_id}/instances/i/users/...', 'DeleteUser')
    assert requests.Request('DELETE', transport.sent[0][1]).prepare().path_url.endswith('/users/...')


def test_signature_changes_with_every_signed_part():
    """Tamper with one part of a signed request and the SDK no longer agrees with the signature we computed."""
    path, query, body = '/v3/%s/instances/%s/users' % (PROJECT, INSTANCE), {'limit': 128}, b'{"a": 1}'
    ours = ours_authorization('POST', path, query, BASE_HEADERS, body)
    assert ours == sdk_authorization('POST', path, list(query.items()), BASE_HEADERS, body, AK, SK)
    for tampered in (('PUT', path, query, BASE_HEADERS, body), ('POST', path + 'x', query, BASE_HEADERS, body),
                     ('POST', path, {'limit': 127}, BASE_HEADERS, body), ('POST', path, query, dict(BASE_HEADERS, Host='evil'), body),
                     ('POST', path, query, BASE_HEADERS, b'{"a": 2}')):
        method, tpath, tquery, theaders, tbody = tampered
        assert sdk_authorization(method, tpath, list(tquery.items()), theaders, tbody, AK, SK) != ours
