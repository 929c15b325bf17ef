# -*- coding: utf-8 -*-
# Copyright: dbgov.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ACS3-HMAC-SHA256 signer and the flat RPC encoding: the reference's vectors byte for byte, and agreement
with the official signers (alibabacloud-openapi-util ``Client.get_authorization`` and alibabacloud-tea-openapi
``Utils.get_authorization``) and the SDK's parameter flattening on randomised requests."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import datetime
import hashlib
import random
import types
from urllib.parse import parse_qsl, urlsplit

import pytest
import requests

from alibabacloud_openapi_util.client import Client as OpenApiUtil
from alibabacloud_tea_openapi.utils import Utils as TeaUtils

from ansible_collections.dbgov.cloud.plugins.module_utils import alibabacloud as ali
from ansible_collections.dbgov.cloud.tests.unit.plugins.fakes import CapturingTransport, HashRecorder

SEED = 20240101
RANDOM_CASES = 600
WIRE_CASES = 250
EMPTY = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'

# ---------------------------------------------------------------------------------------------- reference vectors
# Reference vectors B, E (with and without token) and F, computed with the official signer (alibabacloud-openapi-util;
# the algorithm: https://www.alibabacloud.com/help/en/sdk/product-overview/v3-request-structure-and-signature).
VECTOR_E_CANONICAL = (
    'POST\n'
    '/\n'
    'AccountName=admin_user&AccountPassword=Test_Pass1%21&DBClusterId=pc-bp1example\n'
    'host:polardb.aliyuncs.com\n'
    'x-acs-action:ResetAccount\n'
    'x-acs-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n'
    'x-acs-date:2024-01-01T00:00:00Z\n'
    'x-acs-signature-nonce:0123456789abcdef0123456789abcdef\n'
    'x-acs-version:2017-08-01\n'
    '\n'
    'host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version\n'
    'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'
)


def vector_headers(host, action, version, date, nonce, token=None):
    headers = {'host': host, 'x-acs-action': action, 'x-acs-content-sha256': EMPTY, 'x-acs-date': date,
               'x-acs-signature-nonce': nonce, 'x-acs-version': version}
    if token:
        headers['x-acs-security-token'] = token
    return headers


VECTORS = {
    'B': dict(ak='YourAccessKeyId', sk='YourAccessKeySecret',
              params={'ImageId': 'win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd', 'RegionId': 'cn-shanghai'},
              headers=vector_headers('ecs.cn-shanghai.aliyuncs.com', 'RunInstances', '2014-05-26', '2023-10-26T10:22:32Z',
                                     '3156853299f313e23d1673dc12e1703d'),
              canonical_hash='7ea06492da5221eba5297e897ce16e55f964061054b7695beedaac1145b1e259',
              signed='host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version',
              signature='06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0'),
    'E': dict(ak='testid', sk='testsecret',
              params={'DBClusterId': 'pc-bp1example', 'AccountName': 'admin_user', 'AccountPassword': 'Test_Pass1!'},
              headers=vector_headers('polardb.aliyuncs.com', 'ResetAccount', '2017-08-01', '2024-01-01T00:00:00Z',
                                     '0123456789abcdef0123456789abcdef'),
              canonical_query='AccountName=admin_user&AccountPassword=Test_Pass1%21&DBClusterId=pc-bp1example',
              canonical_hash='acbe5ae271049eb01cce6008895be5d6235735b75cfc007f820b8228ff35c66f',
              signed='host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version',
              signature='ba3d4dc0dceebbb65fb631f33397377ff113a0bd517ea5bb37ef74b8db85136a'),
    'E+token': dict(ak='testid', sk='testsecret',
                    params={'DBClusterId': 'pc-bp1example', 'AccountName': 'admin_user', 'AccountPassword': 'Test_Pass1!'},
                    headers=vector_headers('polardb.aliyuncs.com', 'ResetAccount', '2017-08-01', '2024-01-01T00:00:00Z',
                                           '0123456789abcdef0123456789abcdef', token='STSTOKEN'),
                    canonical_hash='1410244e711003942b64090b110235d143c22516a777d038559c8aeddf275f86',
                    signed='host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-security-token;x-acs-signature-nonce;x-acs-version',
                    signature='9fa01436ccb83fbe832e24c77d6f4d05512d687e30fbf205b2dfdb54890c6a58'),
    'F': dict(ak='testid', sk='testsecret',
              params={'InstanceId': 'bastionhost-cn-example', 'RegionId': 'cn-hangzhou', 'UserId': '1',
                      'Databases': [{'DatabaseId': '1', 'DatabaseAccountIds': ['1', '2']}]},
              headers=vector_headers('yundun-bastionhost.aliyuncs.com', 'DetachDatabaseAccountsFromUser', '2019-12-09',
                                     '2024-01-01T00:00:00Z', '0123456789abcdef0123456789abcdef'),
              canonical_query=('Databases.1.DatabaseAccountIds.1=1&Databases.1.DatabaseAccountIds.2=2&Databases.1.DatabaseId=1'
                               '&InstanceId=bastionhost-cn-example&RegionId=cn-hangzhou&UserId=1'),
              canonical_hash='38e0d451214e6dc8be3902107b9af03969fbc6a5353c1255b3fe8689b1929d42',
              signed='host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version',
              signature='f1a45ee2f641b00bb10e632fc2ad7bf62ffa05be01e3f01db9547625ac6c1ffe'),
}


@pytest.fixture
def recorder(monkeypatch):
    return HashRecorder().patch(monkeypatch, ali)


@pytest.mark.parametrize('name', sorted(VECTORS))
def test_reference_vector(name, recorder):
    """Canonical request hash, string to sign and Authorization equal the reference vector byte for byte."""
    vector = VECTORS[name]
    headers = dict(vector['headers'])
    query = ali.canonical_query(ali.flatten(vector['params']))
    ali.sign('POST', '/', query, headers, b'', vector['ak'], vector['sk'])
    assert headers['Authorization'] == 'ACS3-HMAC-SHA256 Credential=%s,SignedHeaders=%s,Signature=%s' % (
        vector['ak'], vector['signed'], vector['signature'])
    canonical = recorder.canonical_request()
    assert hashlib.sha256(canonical.encode('utf-8')).hexdigest() == vector['canonical_hash']
    assert recorder.signed[-1].decode('utf-8') == 'ACS3-HMAC-SHA256\n' + vector['canonical_hash']
    if 'canonical_query' in vector:
        assert canonical.split('\n')[2] == vector['canonical_query'] == query


def test_vector_e_canonical_request_text(recorder):
    vector = VECTORS['E']
    headers = dict(vector['headers'])
    ali.sign('POST', '/', ali.canonical_query(ali.flatten(vector['params'])), headers, b'', vector['ak'], vector['sk'])
    assert recorder.canonical_request() == VECTOR_E_CANONICAL


@pytest.mark.parametrize('name,service', [('E', 'polardb'), ('E+token', 'polardb'), ('F', 'bastionhost')])
def test_vector_through_client(name, service):
    """AlibabaClient.call with the vector's clock and nonce signs the vector's minimal header set: same signature,
    the token travels in x-acs-security-token, and the query on the wire is the canonical query."""
    vector = VECTORS[name]
    headers = vector['headers']
    params = dict(region='cn-hangzhou', access_key=vector['ak'], secret_key=vector['sk'], security_token=headers.get('x-acs-security-token'),
                  endpoint=None)
    client = ali.AlibabaClient(params, CapturingTransport(), service,
                               now=lambda: datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc),
                               nonce=lambda: '0123456789abcdef0123456789abcdef')
    client.call(headers['x-acs-action'], vector['params'])
    method, url, sent, body = client.transport.sent[0]
    assert (method, body) == ('POST', None)
    assert url == 'https://%s/?%s' % (headers['host'], ali.canonical_query(ali.flatten(vector['params'])))
    assert sent['Authorization'].endswith('Signature=' + vector['signature'])
    assert sent['accept'] == 'application/json'  # sent, not signed


# ---------------------------------------------------------------------------------------------- the official signers
def sdk_authorization(method, path, query, headers, payload_hash, ak, sk, util=OpenApiUtil):
    request = types.SimpleNamespace(method=method, pathname=path, query=dict(query), headers=dict(headers))
    return util.get_authorization(request, 'ACS3-HMAC-SHA256', payload_hash, ak, sk)


ALPHABETS = {
    'plain': 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789',
    'unreserved': '-._~',
    'reserved': "!*'();:@&=+$,?#[] /%\"<>\\^`{|}",
    'unicode': u'\u00e9\u00fc\u00df\u4e2d\u6587\u03a9\u0416\U0001f642\u2603\u00a0',
}


def rand_text(rng, low=0, high=12, kinds=('plain', 'unreserved', 'reserved', 'unicode')):
    pool = ''.join(ALPHABETS[k] for k in kinds)
    return ''.join(rng.choice(pool) for dummy in range(rng.randint(low, high)))


def rand_name(rng):
    """An API parameter name: PascalCase letters and digits (every Alibaba RPC parameter looks like this)."""
    return rng.choice(['DBClusterId', 'AccountName', 'AccountPassword', 'RegionId', 'InstanceId', 'UserId', 'PageNumber',
                       'PageSize', 'Databases', 'DatabaseAccountIds', 'Tag', 'Key', 'Value', 'NodeType', 'X']) + \
        rand_text(rng, 0, 3, ('plain',))


def rand_scalar(rng):
    kind = rng.random()
    if kind < 0.6:
        return rand_text(rng, 0, 16)
    if kind < 0.8:
        return rng.randint(-10 ** 6, 10 ** 12)
    if kind < 0.9:
        return rng.random() < 0.5
    return None


def rand_params(rng, depth=0):
    """Nested RPC parameters: scalars, lists (1-based on the wire) and objects, the way service layers pass them."""
    params = {}
    for dummy in range(rng.randint(0, 6 if depth == 0 else 3)):
        kind = rng.random()
        if kind < 0.6 or depth >= 2:
            params[rand_name(rng)] = rand_scalar(rng)
        elif kind < 0.62:
            params[rand_name(rng)] = []
        elif kind < 0.8:
            params[rand_name(rng)] = [rand_scalar(rng) if rng.random() < 0.6 else rand_params(rng, depth + 1)
                                      for dummy in range(rng.randint(1, 4))]
        else:
            params[rand_name(rng)] = rand_params(rng, depth + 1)
    return params


def rand_headers(rng):
    headers = {
        'host': rng.choice(['polardb.aliyuncs.com', 'yundun-bastionhost.aliyuncs.com', 'bastionhost.ap-southeast-2.aliyuncs.com',
                            '127.0.0.1:8804', 'localhost:1']),
        'x-acs-action': rng.choice(['ResetAccount', 'DescribeAccounts', 'DetachDatabaseAccountsFromUser', rand_text(rng, 1, 20, ('plain',))]),
        'x-acs-version': rng.choice(['2017-08-01', '2019-12-09']),
        'x-acs-date': (datetime.datetime(2000, 1, 1) + datetime.timedelta(seconds=rng.randint(0, 40 * 365 * 86400))).strftime('%Y-%m-%dT%H:%M:%SZ'),
        'x-acs-signature-nonce': '%032x' % rng.getrandbits(128),
    }
    if rng.random() < 0.4:
        headers['x-acs-security-token'] = ''.join(rng.choice(ALPHABETS['plain'] + '+/=') for dummy in range(rng.randint(20, 400)))
    if rng.random() < 0.3:
        headers['content-type'] = rng.choice(['application/x-www-form-urlencoded', 'application/json; charset=utf-8'])
    if rng.random() < 0.3:
        headers['user-agent'] = 'AlibabaCloud (Linux; x86_64) Python/3.11.7 Core/0.4.6 TeaDSL/2 '
    if rng.random() < 0.2:
        headers['x-acs-credentials-provider'] = 'static_sts'
    if rng.random() < 0.2:
        headers['accept'] = '  application/json\t'
    if rng.random() < 0.2:
        headers = dict((k.title() if rng.random() < 0.5 else k, v) for k, v in headers.items())  # name case does not matter
    return headers


def rand_body(rng):
    kind = rng.random()
    if kind < 0.5:
        return b''
    if kind < 0.8:
        return rand_text(rng, 1, 40).encode('utf-8')
    return bytes(rng.randint(0, 255) for dummy in range(rng.randint(1, 64)))


def payload_hash(headers, body):
    lowered = dict((k.lower(), v) for k, v in headers.items())
    return lowered.get('x-acs-content-sha256') or hashlib.sha256(body).hexdigest()


def flat_or_none(params):
    try:
        return ali.flatten(params)
    except ValueError:
        return None


def test_agrees_with_sdk_signers_on_random_requests():
    """Random nested parameters (unicode, reserved and empty values), headers, bodies and tokens: our Authorization
    equals both official implementations'."""
    checked, case = 0, 0
    while checked < RANDOM_CASES:
        seed, case = SEED + case, case + 1
        rng = random.Random(seed)
        flat = flat_or_none(rand_params(rng))
        if flat is None:
            continue
        checked += 1
        method = rng.choice(['POST', 'POST', 'GET', 'PUT', 'DELETE'])
        path = rng.choice(['/', '/', '/polardb', '/v1/' + rand_text(rng, 1, 8, ('plain',))])
        headers, body = rand_headers(rng), rand_body(rng)
        if rng.random() < 0.7:
            headers['x-acs-content-sha256'] = hashlib.sha256(body).hexdigest()
        ak = rng.choice(['LTAI', 'STS.']) + rand_text(rng, 12, 20, ('plain',))
        sk = rand_text(rng, 20, 32, ('plain',))
        where = 'seed=%d method=%s path=%r query=%r headers=%r body=%r' % (seed, method, path, flat, headers, body)
        ours = dict(headers)
        ali.sign(method, path, ali.canonical_query(flat), ours, body, ak, sk)
        expected = sdk_authorization(method, path, flat, headers, payload_hash(headers, body), ak, sk)
        assert ours['Authorization'] == expected, where
        assert expected == sdk_authorization(method, path, flat, headers, payload_hash(headers, body), ak, sk, util=TeaUtils), where


def test_flatten_agrees_with_sdk_query_encoding():
    """flatten() encodes nested parameters like the SDK's Utils.query (Key.N 1-based, Key.Sub, None dropped), except
    booleans: we send true/false where the SDK sends Python's True/False (reference 4.1; the server signs what it gets)."""
    for case in range(RANDOM_CASES):
        seed = SEED + 50000 + case
        params = rand_params(random.Random(seed))
        ours = flat_or_none(params)
        sdk = TeaUtils.query(params)
        if ours is None:
            # an empty list: the SDK silently drops it, which changes a Bastionhost request's meaning; we refuse
            assert any(key not in sdk for key in _empty_list_keys(params)), 'seed=%d' % seed
            continue
        assert sorted(ours) == sorted(sdk), 'seed=%d params=%r' % (seed, params)
        for key, value in sdk.items():
            expected = value.lower() if value in ('True', 'False') else value
            assert ours[key] == expected, 'seed=%d key=%r params=%r' % (seed, key, params)


def _empty_list_keys(params, prefix=''):
    keys = []
    items = params.items() if isinstance(params, dict) else enumerate(params, 1)
    for key, value in items:
        name = '%s.%s' % (prefix, key) if prefix else str(key)
        if isinstance(value, (list, tuple)) and not value:
            keys.append(name)
        elif isinstance(value, (dict, list, tuple)):
            keys.extend(_empty_list_keys(value, name))
    return keys


def test_flatten_refuses_empty_lists():
    """An empty account list would vanish on the wire and turn "detach these accounts" into "detach the database"."""
    with pytest.raises(ValueError, match='Databases.1.DatabaseAccountIds'):
        ali.flatten({'Databases': [{'DatabaseId': '5', 'DatabaseAccountIds': []}]})
    assert ali.flatten({'A': None, 'B': [None, 'x'], 'C': True, 'D': False, 'E': 0, 'F': ''}) == {'B.2': 'x', 'C': 'true', 'D': 'false', 'E': '0', 'F': ''}


def test_keys_with_reserved_characters():
    """The one input class where the SDK and we differ: parameter NAMES that need percent-encoding. The reference
    (4.3) encodes keys and values; the SDK encodes values only. No Alibaba RPC parameter name needs encoding, and
    flatten() only joins names with '.' and digits, so our client never produces this class: pinned here."""
    flat = {'a b': '1', 'Tag.1.Key': 'x y'}
    ours = ali.canonical_query(flat)
    assert ours == 'Tag.1.Key=x%20y&a%20b=1'
    assert OpenApiUtil.get_authorization(types.SimpleNamespace(method='POST', pathname='/', query=flat, headers={}),
                                         'ACS3-HMAC-SHA256', EMPTY, 'a', 'b') != _our_authorization(flat)
    # API-style names, however nested, never need encoding: keys are left as they are by both
    for case in range(200):
        seed = SEED + 90000 + case
        flat = flat_or_none(rand_params(random.Random(seed))) or {}
        assert all(ali._enc(key) == key for key in flat), 'seed=%d keys=%r' % (seed, sorted(flat))


def _our_authorization(flat):
    headers = {}
    ali.sign('POST', '/', ali.canonical_query(flat), headers, b'', 'a', 'b')
    return headers['Authorization']


def test_client_wire_requests_verify_with_sdk():
    """What AlibabaClient really sends (after requests prepares the URL) verifies with the SDK signer the way the
    gateway (and the emulator) recompute it from the decoded query and the signed headers; the decoded query is
    exactly the flattened parameters; the nonce is new on every attempt."""
    for case in range(WIRE_CASES):
        seed = SEED + 100000 + case
        rng = random.Random(seed)
        params = rand_params(rng)
        flat = flat_or_none(params)
        if flat is None:
            continue
        token = rand_text(rng, 10, 60, ('plain',)) + '+/=' if rng.random() < 0.5 else None
        ak, sk = 'LTAI' + rand_text(rng, 12, 16, ('plain',)), rand_text(rng, 20, 30, ('plain',))
        client_params = dict(region=rng.choice(['cn-hangzhou', 'ap-southeast-2', 'eu-central-1']), access_key=ak, secret_key=sk,
                             security_token=token, endpoint=rng.choice([None, 'http://127.0.0.1:8804/{service}', 'https://gw.example.com/']))
        client = ali.AlibabaClient(params=client_params, transport=CapturingTransport(), service=rng.choice(['polardb', 'bastionhost']))
        client.call(rand_name(rng), params)
        client.call('Again', params)
        (method, url, headers, body), second = client.transport.sent
        assert headers['x-acs-signature-nonce'] != second[2]['x-acs-signature-nonce'], 'seed=%d' % seed
        prepared = requests.Request(method, url, headers=headers, data=body).prepare()
        split = urlsplit(prepared.path_url)
        decoded = dict(parse_qsl(split.query, keep_blank_values=True))
        where = 'seed=%d url=%r headers=%r' % (seed, url, headers)
        assert decoded == flat, where
        signed = headers['Authorization'].split('SignedHeaders=')[1].split(',')[0].split(';')
        signed_headers = dict((k.lower(), v) for k, v in prepared.headers.items() if k.lower() in signed)
        assert sorted(signed_headers) == sorted(signed), where
        assert headers['Authorization'] == sdk_authorization(method, split.path, decoded, signed_headers, EMPTY, ak, sk), where
        assert ('x-acs-security-token' in signed) == bool(token), where
