"""Our clients (plugins/module_utils: HuaweiClient.request, AlibabaClient.call over a real Transport) against the live
emulator, whose signature checks run the vendors' SDK signers: what we sign is accepted, a tampered SDK request is
refused with the cloud's error, faults are retried (or not: a write only when it provably did not run), IAM resolves the project id, and
error bodies become clear ApiErrors. Sleeps are recorded through RetryPolicy(sleep=...), never slept."""
# pylint: disable=redefined-outer-name

import random
from urllib.parse import quote

import pytest
import requests

from emulator import clients
from emulator.core import (ALIBABA_AK, ALIBABA_SK, ALIBABA_STS_AK, ALIBABA_STS_SK, ALIBABA_STS_TOKEN, HUAWEI_AK, HUAWEI_SK,
                           HUAWEI_STS_AK, HUAWEI_STS_SK, HUAWEI_STS_TOKEN, AlibabaService, HuaweiService)

# the collection's code is importable through tests/emulator/tests/conftest.py
from ansible_collections.dbgov.cloud.plugins.module_utils import alibabacloud, huaweicloud  # noqa: E402
from ansible_collections.dbgov.cloud.plugins.module_utils import transport as transport_module  # noqa: E402
from ansible_collections.dbgov.cloud.plugins.module_utils.transport import RetryPolicy, Transport  # noqa: E402

OurApiError = transport_module.ApiError
SEED = 31337
CN_NORTH_4 = 'e7f4b2c5a9d84f3e8c1b6a0d2f9e4c71'
MULTI = ('0f1e2d3c4b5a69788796a5b4c3d2e1f0', '9a8b7c6d5e4f30211203f4e5d6c7b8a9')
ECHO_VERSION = '2099-01-01'


# ---------------------------------------------------------------------------------------------- throwaway services
def make_hwecho():
    """A Huawei service that answers what it received (error_code style, like DCS/DAS/IAM)."""
    svc = HuaweiService('hwecho')

    def echo(ctx, project_id, first, second):
        return 200, {'project_id': project_id, 'first': first, 'second': second, 'query': [list(p) for p in ctx.query_pairs],
                     'header_project': ctx.project_id, 'json': ctx.json, 'access_key': ctx.access_key}

    @svc.route('GET', '/v1/{project_id}/echo/{first}/{second}', operation='EchoRead')
    def echo_read(ctx, project_id, first, second):
        return echo(ctx, project_id, first, second)

    @svc.route('POST', '/v1/{project_id}/echo/{first}/{second}', operation='EchoWrite', write=True)
    def echo_write(ctx, project_id, first, second):
        ctx.state.setdefault('writes', []).append(ctx.json)
        return echo(ctx, project_id, first, second)

    @svc.route('DELETE', '/v1/{project_id}/echo/{first}/{second}', operation='EchoDelete', write=True)
    def echo_delete(ctx, project_id, first, second):
        ctx.state.setdefault('writes', []).append('delete')
        return 204, None
    return svc


def make_hwerrcode():
    """A DDM-like service: errors as {"errCode", "externalMessage"}."""
    svc = HuaweiService('hwerrcode', error_style='errCode')

    @svc.route('GET', '/v3/{project_id}/things', operation='ListThings')
    def list_things(ctx, project_id):
        return 200, {'things': []}
    return svc


def make_aliecho():
    """An Alibaba RPC service that answers the business parameters it decoded."""
    svc = AlibabaService('aliecho', version=ECHO_VERSION)

    @svc.action('Echo')
    def echo(ctx):
        return 200, {'Params': ctx.params, 'AccessKey': ctx.access_key}

    @svc.action('EchoWrite', write=True)
    def echo_write(ctx):
        ctx.state.setdefault('writes', []).append(ctx.params)
        return 200, {'Params': ctx.params}
    return svc


@pytest.fixture
def server(make_emulator):
    return make_emulator(extra_services=[make_hwecho(), make_hwerrcode(), make_aliecho()], service_ports=False)


@pytest.fixture(autouse=True)
def echo_product(monkeypatch):
    """AlibabaClient only knows real products: teach it the throwaway one for these tests."""
    monkeypatch.setitem(alibabacloud.PRODUCTS, 'aliecho', (ECHO_VERSION, 'aliecho'))


class Sleeps:
    """RetryPolicy's sleep and clock: records the waits, time passes only through them."""

    def __init__(self):
        self.waits = []
        self.now = 0.0

    def sleep(self, seconds):
        self.waits.append(seconds)
        self.now += seconds

    def clock(self):
        return self.now


def transport(seed=SEED, **policy):
    sleeps = Sleeps()
    return Transport(timeout=10, retry=RetryPolicy(sleep=sleeps.sleep, clock=sleeps.clock, rand=random.Random(seed).random, **policy)), sleeps


def hw_params(server, **extra):
    params = dict(region='cn-north-4', project_id=None, access_key=HUAWEI_AK, secret_key=HUAWEI_SK, security_token=None,
                  endpoint=server.url + '/{service}')
    params.update(extra)
    return params


def ali_params(server, **extra):
    params = dict(region='cn-hangzhou', access_key=ALIBABA_AK, secret_key=ALIBABA_SK, security_token=None, endpoint=server.url + '/{service}')
    params.update(extra)
    return params


def hw_client(server, service='hwecho', seed=SEED, policy=None, **extra):
    trans, sleeps = transport(seed, **(policy or {}))
    return huaweicloud.HuaweiClient(hw_params(server, **extra), trans, service), sleeps


def ali_client(server, service='aliecho', seed=SEED, policy=None, **extra):
    trans, sleeps = transport(seed, **(policy or {}))
    return alibabacloud.AlibabaClient(ali_params(server, **extra), trans, service), sleeps


def entries(server, **filters):
    return server.get_log(**filters)


def growing(values):
    return all(later >= earlier for earlier, later in zip(values, values[1:]))


# ---------------------------------------------------------------------------------------------- SDK-signed vs tampered
def test_sdk_signed_request_is_accepted_and_a_tampered_one_refused(server):
    url = server.url + '/iam'
    good = clients.sign_huawei(url, 'GET', '/v3/projects', query={'name': 'cn-north-4'})
    answer = requests.request(timeout=10, **good)
    assert answer.status_code == 200 and [p['id'] for p in answer.json()['projects']] == [CN_NORTH_4]
    tampered = dict(good, url=good['url'].replace('name=cn-north-4', 'name=xx-multi-1'))
    answer = requests.request(timeout=10, **tampered)
    assert answer.status_code == 401
    body = answer.json()
    assert body['error_code'] == 'APIGW.0303' and 'signature' in body['error_msg'] and body['request_id'] == answer.headers['X-Request-Id']
    assert [e['signature'] for e in entries(server, service='iam')] == ['ok', 'bad']

    good = clients.sign_alibaba(server.url + '/polardb', 'DescribeDBClusters', '2017-08-01', query={'RegionId': 'cn-hangzhou'})
    assert requests.request(timeout=10, **good).status_code == 200
    tampered = clients.sign_alibaba(server.url + '/polardb', 'DescribeDBClusters', '2017-08-01', query={'RegionId': 'cn-hangzhou'})
    tampered['url'] = tampered['url'].replace('cn-hangzhou', 'cn-shanghai')
    answer = requests.request(timeout=10, **tampered)
    body = answer.json()
    assert (answer.status_code, body['Code']) == (400, 'SignatureDoesNotMatch')
    assert body['RequestId'] == answer.headers['x-acs-request-id'] and body['Message']


# ---------------------------------------------------------------------------------------------- our clients pass
def test_huawei_client_resolves_the_project_through_iam_and_is_accepted(server):
    client, _sleeps = hw_client(server)
    answer = client.request('GET', '/v1/{project_id}/echo/a/b', 'EchoRead', query={'limit': 128, 'offset': 0})
    assert (answer['project_id'], answer['header_project'], answer['access_key']) == (CN_NORTH_4, CN_NORTH_4, HUAWEI_AK)
    assert [(e['service'], e['operation'], e['signature'], e['status']) for e in entries(server)] == [
        ('iam', 'KeystoneListProjects', 'ok', 200), ('hwecho', 'EchoRead', 'ok', 200)]
    iam = entries(server, service='iam')[0]
    assert iam['params'] == {'name': 'cn-north-4'} and iam['path'] == '/iam/v3/projects'


def test_huawei_client_with_temporary_credentials(server):
    client, _sleeps = hw_client(server, access_key=HUAWEI_STS_AK, secret_key=HUAWEI_STS_SK, security_token=HUAWEI_STS_TOKEN,
                                project_id=CN_NORTH_4)
    assert client.request('GET', '/v1/{project_id}/echo/a/b', 'EchoRead')['access_key'] == HUAWEI_STS_AK
    wrong, _sleeps = hw_client(server, access_key=HUAWEI_STS_AK, secret_key=HUAWEI_STS_SK, security_token='not-the-token',
                               project_id=CN_NORTH_4)
    with pytest.raises(OurApiError) as info:
        wrong.request('GET', '/v1/{project_id}/echo/a/b', 'EchoRead')
    assert (info.value.http_status, info.value.code) == (401, 'APIGW.0301') and info.value.request_id


def test_huawei_client_with_a_wrong_secret_key_is_refused_clearly(server):
    client, _sleeps = hw_client(server, secret_key='not-the-secret', project_id=CN_NORTH_4)
    with pytest.raises(OurApiError) as info:
        client.request('GET', '/v1/{project_id}/echo/a/b', 'EchoRead')
    err = info.value
    assert (err.http_status, err.code, err.attempts) == (401, 'APIGW.0303', 1)  # not retried
    assert err.request_id == entries(server)[-1]['request_id'] and 'not-the-secret' not in str(err)


ALPHABET = 'abcXYZ019-._~' + "!*'();:@&=+$,?#[] /%\"<>" + u'\u00e9\u4e2d\U0001f642'


def rand_text(rng, low=1, high=10):
    return ''.join(rng.choice(ALPHABET) for dummy in range(rng.randint(low, high)))


def test_huawei_random_requests_round_trip(server):
    """60 random requests (reserved/unicode path arguments including '/', repeated and empty query values, bodies):
    every one passes the SDK signature check, and the service receives exactly what we meant."""
    client, _sleeps = hw_client(server, project_id=CN_NORTH_4)
    for case in range(60):
        seed = SEED + case
        rng = random.Random(seed)
        first, second = rand_text(rng), rand_text(rng)
        query = {}
        for dummy in range(rng.randint(0, 4)):
            query[rand_text(rng)] = rng.choice([rand_text(rng, 0, 8), [rand_text(rng, 0, 5) for dummy in range(rng.randint(1, 3))],
                                                rng.randint(0, 10 ** 9), rng.random() < 0.5])
        method = rng.choice(['GET', 'POST'])
        body = {rand_text(rng): rand_text(rng, 0, 20)} if method == 'POST' else None
        path = '/v1/{project_id}/echo/%s/%s' % (quote(first, safe=''), quote(second, safe=''))
        where = 'seed=%d first=%r second=%r query=%r' % (seed, first, second, query)
        if {first, second} & {'.', '..'}:
            count = len(entries(server))
            with pytest.raises(OurApiError, match='InvalidPath'):
                client.request(method, path, 'Echo', query=query, body=body)
            assert len(entries(server)) == count, where
            continue
        answer = client.request(method, path, 'Echo', query=query, body=body)
        expected_query = sorted([k, v] for k, v in (pair.split('=', 1) for pair in huaweicloud.canonical_query(query).split('&') if pair))
        assert (answer['first'], answer['second'], answer['json']) == (first, second, body), where
        got = sorted([quote(k, safe='~'), quote(v, safe='~')] for k, v in answer['query'])
        assert got == expected_query, where
    assert {e['signature'] for e in entries(server, service='hwecho')} == {'ok'}


def test_alibaba_client_is_accepted_by_polardb(server):
    client, _sleeps = ali_client(server, service='polardb')
    answer = client.call('DescribeDBClusters', {'RegionId': 'cn-hangzhou', 'PageSize': 30})
    assert 'Items' in answer and answer['RequestId']
    assert [(e['operation'], e['signature'], e['status']) for e in entries(server, service='polardb')] == [('DescribeDBClusters', 'ok', 200)]


def test_alibaba_client_with_temporary_credentials(server):
    client, _sleeps = ali_client(server, access_key=ALIBABA_STS_AK, secret_key=ALIBABA_STS_SK, security_token=ALIBABA_STS_TOKEN)
    assert client.call('Echo', {'A': '1'})['AccessKey'] == ALIBABA_STS_AK
    wrong, _sleeps = ali_client(server, access_key=ALIBABA_STS_AK, secret_key=ALIBABA_STS_SK, security_token=None)
    with pytest.raises(OurApiError) as info:
        wrong.call('Echo', {'A': '1'})
    assert (info.value.http_status, info.value.code) == (400, 'InvalidSecurityToken.Mismatch')


def test_alibaba_random_requests_round_trip(server):
    """60 random nested parameter sets (unicode, reserved, empty values; lists and objects): each is accepted by
    the SDK signature check (a fresh nonce every time) and decodes to exactly flatten(params)."""
    client, _sleeps = ali_client(server)
    for case in range(60):
        seed = SEED + 1000 + case
        rng = random.Random(seed)
        params = {}
        for index in range(rng.randint(0, 5)):
            kind = rng.random()
            name = 'Param%d' % index
            if kind < 0.5:
                params[name] = rng.choice([rand_text(rng, 0, 12), rng.randint(0, 10 ** 6), rng.random() < 0.5])
            elif kind < 0.8:
                params[name] = [{'Id': rand_text(rng), 'Ids': [rand_text(rng) for dummy in range(rng.randint(1, 3))]}]
            else:
                params[name] = {'Key': rand_text(rng), 'Value': rand_text(rng, 0, 5)}
        answer = client.call(rng.choice(['Echo', 'EchoWrite']), params, write=rng.random() < 0.5)
        assert answer['Params'] == alibabacloud.flatten(params), 'seed=%d params=%r' % (seed, params)
    assert {e['signature'] for e in entries(server, service='aliecho')} == {'ok'}


@pytest.mark.parametrize('argument', ['.', '..', '%2E', '%2e%2E', quote('x/..', safe='')])
def test_dot_segments_are_refused_before_sending(server, argument):
    """requests would resolve /echo/a/.. to /echo/ (another resource): such a path is never sent. (Bug fixed.)"""
    client, _sleeps = hw_client(server, project_id=CN_NORTH_4)
    with pytest.raises(OurApiError) as info:
        client.request('DELETE', '/v1/{project_id}/echo/a/%s' % argument, 'EchoDelete')
    assert info.value.code == 'InvalidPath' and entries(server) == []
    assert client.request('GET', '/v1/{project_id}/echo/.../a.b', 'EchoRead')['first'] == '...'


# ---------------------------------------------------------------------------------------------- project id through IAM
def test_explicit_project_id_makes_no_iam_call(server):
    client, _sleeps = hw_client(server, project_id=CN_NORTH_4)
    client.request('GET', '/v1/{project_id}/echo/a/b', 'EchoRead')
    client.request('POST', '/v1/{project_id}/echo/a/b', 'EchoWrite', body={})
    assert entries(server, service='iam') == [] and len(entries(server)) == 2


@pytest.mark.parametrize('region,found', [('xx-multi-1', 2), ('zz-nowhere-9', 0)])
def test_project_resolution_fails_clearly(server, region, found):
    client, _sleeps = hw_client(server, region=region)
    with pytest.raises(OurApiError) as info:
        client.request('GET', '/v1/{project_id}/echo/a/b', 'EchoRead')
    err = info.value
    assert (err.service, err.operation, err.code) == ('iam', 'KeystoneListProjects', 'ProjectNotResolved')
    assert ('matches %d IAM projects' % found) in str(err)
    if found:
        assert all(pid in str(err) for pid in MULTI) and 'pass project_id explicitly' in str(err)
    assert [e['operation'] for e in entries(server)] == ['KeystoneListProjects']  # the service was never called


def test_project_resolution_for_another_region(server):
    client, _sleeps = hw_client(server, region='la-south-2')
    assert client.request('GET', '/v1/{project_id}/echo/a/b', 'EchoRead')['project_id'] == '5d2c9e8f1a7b4c3d8e6f0a9b2c1d4e7f'


# ---------------------------------------------------------------------------------------------- throttling
@pytest.mark.parametrize('seed', [SEED, SEED + 1, SEED + 2])
def test_huawei_throttled_three_times_then_succeeds(server, seed):
    server.add_fault({'service': 'iam', 'operation': 'KeystoneListProjects', 'kind': 'throttle', 'count': 3})
    client, sleeps = hw_client(server, seed=seed)
    assert client.project_id == CN_NORTH_4
    calls = entries(server, service='iam')
    assert [(e['status'], e['error_code'], e['fault']) for e in calls] == [(429, 'APIGW.0308', 'throttle')] * 3 + [(200, None, None)]
    assert len(sleeps.waits) == 3 and growing(sleeps.waits), 'seed=%d waits=%r' % (seed, sleeps.waits)
    assert sleeps.waits[2] > sleeps.waits[0], 'seed=%d waits=%r' % (seed, sleeps.waits)


def test_alibaba_throttled_three_times_then_succeeds(server):
    server.add_fault({'service': 'polardb', 'operation': 'DescribeDBClusters', 'kind': 'throttle', 'count': 3})
    client, sleeps = ali_client(server, service='polardb')
    client.call('DescribeDBClusters', {'RegionId': 'cn-hangzhou'})
    calls = entries(server, service='polardb')
    assert [e['error_code'] for e in calls] == ['Throttling.User'] * 3 + [None]
    assert len(sleeps.waits) == 3 and growing(sleeps.waits)
    assert len({e['request_id'] for e in calls}) == 4  # four distinct, freshly signed requests (nonces never reused)


def test_endless_throttling_fails_after_a_bounded_time_naming_code_and_request_id(server):
    server.add_fault({'service': 'hwecho', 'kind': 'throttle', 'count': 1000})
    client, sleeps = hw_client(server, project_id=CN_NORTH_4)
    with pytest.raises(OurApiError) as info:
        client.request('GET', '/v1/{project_id}/echo/a/b', 'EchoRead')
    err = info.value
    calls = entries(server, service='hwecho')
    assert len(calls) == client.transport.retry.max_attempts == err.attempts
    assert sum(sleeps.waits) <= client.transport.retry.deadline
    assert err.code == 'APIGW.0308' and err.request_id == calls[-1]['request_id']
    assert 'APIGW.0308' in str(err) and calls[-1]['request_id'] in str(err) and 'after %d attempts' % err.attempts in str(err)


def test_endless_alibaba_throttling_stops_at_the_deadline(server):
    server.add_fault({'service': 'aliecho', 'kind': 'throttle', 'count': 1000})
    client, sleeps = ali_client(server, policy=dict(deadline=6.0, max_attempts=1000))
    with pytest.raises(OurApiError) as info:
        client.call('Echo', {})
    assert sum(sleeps.waits) <= 6.0 and info.value.code == 'Throttling.User'
    assert info.value.request_id == entries(server, service='aliecho')[-1]['request_id']


@pytest.mark.parametrize('service,client_factory', [('hwecho', hw_client), ('aliecho', ali_client)])
def test_retry_after_is_honoured(server, service, client_factory):
    server.add_fault({'service': service, 'kind': 'throttle', 'count': 1, 'retry_after': 7})
    client, sleeps = client_factory(server, project_id=CN_NORTH_4) if service == 'hwecho' else client_factory(server)
    if service == 'hwecho':
        client.request('GET', '/v1/{project_id}/echo/a/b', 'EchoRead')
    else:
        client.call('Echo', {})
    assert sleeps.waits == [7.0]


# ---------------------------------------------------------------------------------------------- 5xx, dropped connections, malformed bodies
@pytest.mark.parametrize('kind', ['5xx', 'drop'])
def test_huawei_write_is_not_retried_but_a_read_is(server, kind):
    client, sleeps = hw_client(server, project_id=CN_NORTH_4)
    server.add_fault({'service': 'hwecho', 'operation': 'EchoWrite', 'kind': kind, 'count': 1})
    with pytest.raises(OurApiError) as info:
        client.request('POST', '/v1/{project_id}/echo/a/b', 'EchoWrite', body={'n': 1})
    assert len(entries(server, operation='EchoWrite')) == 1 and sleeps.waits == []
    assert info.value.code == ('APIGW.0201' if kind == '5xx' else 'ConnectionError')
    assert server.get_state('hwecho').get('writes') is None  # the faulted write was not executed, and not repeated

    server.add_fault({'service': 'hwecho', 'operation': 'EchoRead', 'kind': kind, 'count': 2})
    client.request('GET', '/v1/{project_id}/echo/a/b', 'EchoRead')
    assert [e['fault'] for e in entries(server, operation='EchoRead')] == [kind, kind, None] and len(sleeps.waits) == 2


@pytest.mark.parametrize('kind', ['5xx', 'drop'])
def test_alibaba_write_is_not_retried_but_a_read_is(server, kind):
    client, sleeps = ali_client(server)
    server.add_fault({'service': 'aliecho', 'operation': 'EchoWrite', 'kind': kind, 'count': 1})
    with pytest.raises(OurApiError) as info:
        client.call('EchoWrite', {'A': '1'}, write=True)
    assert len(entries(server, operation='EchoWrite')) == 1 and sleeps.waits == []
    assert info.value.code == ('ServiceUnavailable' if kind == '5xx' else 'ConnectionError')
    server.add_fault({'service': 'aliecho', 'operation': 'Echo', 'kind': kind, 'count': 2})
    assert client.call('Echo', {'A': '1'})['Params'] == {'A': '1'}
    assert len(entries(server, operation='Echo')) == 3


def test_idempotent_write_is_retried_after_5xx(server):
    client, _sleeps = hw_client(server, project_id=CN_NORTH_4)
    server.add_fault({'service': 'hwecho', 'operation': 'EchoDelete', 'kind': '5xx', 'count': 1})
    client.request('DELETE', '/v1/{project_id}/echo/a/b', 'EchoDelete', idempotent=True)
    assert [e['status'] for e in entries(server, operation='EchoDelete')] == [503, 204]


def test_malformed_json_on_a_read_is_retried_not_on_a_write(server):
    client, _sleeps = hw_client(server, project_id=CN_NORTH_4)
    server.add_fault({'service': 'hwecho', 'operation': 'EchoRead', 'kind': 'malformed', 'count': 2})
    assert client.request('GET', '/v1/{project_id}/echo/a/b', 'EchoRead')['first'] == 'a'
    assert len(entries(server, operation='EchoRead')) == 3
    server.add_fault({'service': 'hwecho', 'operation': 'EchoWrite', 'kind': 'malformed', 'count': 1})
    with pytest.raises(OurApiError) as info:
        client.request('POST', '/v1/{project_id}/echo/a/b', 'EchoWrite', body={})
    assert info.value.code == 'InvalidResponse' and info.value.request_id == entries(server, operation='EchoWrite')[-1]['request_id']
    assert len(entries(server, operation='EchoWrite')) == 1


def test_alibaba_malformed_json_on_a_write_names_the_request_id(server):
    client, _sleeps = ali_client(server)
    server.add_fault({'service': 'aliecho', 'operation': 'EchoWrite', 'kind': 'malformed', 'count': 1})
    with pytest.raises(OurApiError) as info:
        client.call('EchoWrite', {'A': '1'}, write=True)
    assert info.value.code == 'InvalidResponse' and info.value.request_id == entries(server, operation='EchoWrite')[-1]['request_id']


def test_busy_codes_are_retried_until_the_deadline(server):
    client, sleeps = hw_client(server, project_id=CN_NORTH_4, policy=dict(max_attempts=2, cap=2.0))
    server.add_fault({'service': 'hwecho', 'operation': 'EchoWrite', 'kind': 'error', 'status': 409, 'code': 'DBS.200019',
                      'message': 'Another operation is being performed on the instance.', 'count': 5})
    client.request('POST', '/v1/{project_id}/echo/a/b', 'EchoWrite', body={}, busy_codes=['DBS.200019'])
    assert [e['status'] for e in entries(server, operation='EchoWrite')] == [409] * 5 + [200]  # beyond max_attempts
    server.add_fault({'service': 'hwecho', 'operation': 'EchoWrite', 'kind': 'error', 'status': 409, 'code': 'DBS.200019', 'count': 1000})
    before = len(sleeps.waits)
    with pytest.raises(OurApiError) as info:
        client.request('POST', '/v1/{project_id}/echo/a/b', 'EchoWrite', body={}, busy_codes=['DBS.200019'], deadline=10.0)
    assert sum(sleeps.waits[before:]) <= 10.0 and info.value.code == 'DBS.200019'
    server.clear_faults()
    server.add_fault({'service': 'hwecho', 'operation': 'EchoWrite', 'kind': 'error', 'status': 409, 'code': 'DBS.200019', 'count': 1})
    with pytest.raises(OurApiError):
        client.request('POST', '/v1/{project_id}/echo/a/b', 'EchoWrite', body={})  # not a busy code for this call: no retry


def test_alibaba_busy_code(server):
    client, _sleeps = ali_client(server)
    server.add_fault({'service': 'aliecho', 'operation': 'EchoWrite', 'kind': 'error', 'status': 403, 'code': 'ConcurrentTaskExceeded',
                      'message': 'The number of concurrent tasks exceeds the quota.', 'count': 2})
    client.call('EchoWrite', {'A': '1'}, write=True, busy_codes=['ConcurrentTaskExceeded'])
    assert [e['error_code'] for e in entries(server, operation='EchoWrite')] == ['ConcurrentTaskExceeded'] * 2 + [None]


# ---------------------------------------------------------------------------------------------- error bodies
def test_error_bodies_become_clear_errors(server):
    hw, _sleeps = hw_client(server, project_id=CN_NORTH_4)
    server.add_fault({'service': 'hwecho', 'kind': 'error', 'status': 400, 'code': 'DCS.4961', 'message': 'Invalid role.'})
    with pytest.raises(OurApiError) as info:
        hw.request('GET', '/v1/{project_id}/echo/a/b', 'EchoRead')
    assert (info.value.code, info.value.message, info.value.http_status) == ('DCS.4961', 'Invalid role.', 400)
    assert info.value.request_id == entries(server)[-1]['request_id']

    errcode, _sleeps = hw_client(server, service='hwerrcode', project_id=CN_NORTH_4)
    server.add_fault({'service': 'hwerrcode', 'kind': 'error', 'status': 400, 'code': 'DBS.280001', 'message': 'Parameter error.'})
    with pytest.raises(OurApiError) as info:
        errcode.request('GET', '/v3/{project_id}/things', 'ListThings')
    assert (info.value.code, info.value.message) == ('DBS.280001', 'Parameter error.')
    assert str(info.value) == 'DBS.280001: Parameter error. (hwerrcode ListThings, HTTP 400, request id %s)' % entries(server)[-1]['request_id']

    with pytest.raises(OurApiError) as info:
        hw.request('GET', '/v1/{project_id}/no/such/path/here', 'Missing')
    assert (info.value.http_status, info.value.code) == (404, 'APIGW.0101')

    ali, _sleeps = ali_client(server, service='polardb')
    with pytest.raises(OurApiError) as info:
        ali.call('DescribeDBClusterAttribute', {'DBClusterId': 'pc-doesnotexist'})
    err = info.value
    assert err.code.startswith('InvalidDBCluster') and err.http_status == 404 and err.message
    assert err.request_id == entries(server, service='polardb')[-1]['request_id']
    assert 'troubleshoot' not in str(err)


# ---------------------------------------------------------------------------------------------- concurrency
def _parallel(jobs):
    """Run the callables at once (one thread each); return their results or raise the first error."""
    import threading
    results, errors = [None] * len(jobs), []

    def work(index, job):
        try:
            results[index] = job()
        except Exception as exc:  # pylint: disable=broad-exception-caught
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    if errors:
        raise errors[0]
    return results


def test_polardb_parallel_resets_on_one_cluster_each_apply_once(server):
    """8 runs reset the privileged account of one cluster at once while the cluster answers ConcurrentTaskExceeded to 5
    of the calls: every run succeeds after its busy retries, each with exactly one effective reset."""
    server.run_control('polardb', 'make_busy', {'cluster_id': 'pc-bp1orders0prod01', 'count': 5})

    def reset():
        client, _sleeps = ali_client(server, service='polardb')
        return client.call('ResetAccount', {'DBClusterId': 'pc-bp1orders0prod01', 'AccountName': 'dba_admin'}, write=True,
                           idempotent=True, busy_codes=['ConcurrentTaskExceeded'])

    answers = _parallel([reset] * 8)
    assert len(set(a['RequestId'] for a in answers)) == 8
    calls = entries(server, service='polardb', operation='ResetAccount')
    assert len([e for e in calls if e['status'] == 200]) == 8 and len([e for e in calls if e['error_code'] == 'ConcurrentTaskExceeded']) == 5
    assert len(server.get_state('polardb')['resets']) == 8


def test_dcs_parallel_role_changes_on_one_instance_lose_nothing(server):
    """4 runs change the roles of 4 accounts of one instance at once: 4 writes, and every account ends with its new role."""
    from ansible_collections.dbgov.cloud.plugins.module_utils import dcs  # noqa: E402 pylint: disable=import-outside-toplevel
    instance = '3f2a6c1e-8b4d-4e7a-9c2f-1d5e8a7b6c40'
    client, _sleeps = hw_client(server, service='dcs', project_id=CN_NORTH_4)
    accounts = dict((a['account_name'], a) for a in dcs.list_accounts(client, instance))
    wanted = {'bi_readonly': 'write', 'ops_monitor': 'write', 'jdoe': 'write', 'asmith': 'read'}

    def change(name):
        own, _sleeps = hw_client(server, service='dcs', project_id=CN_NORTH_4)
        return dcs.update_role(own, instance, accounts[name]['account_id'], {'account_role': wanted[name]})

    jobs = _parallel([lambda name=name: change(name) for name in wanted])
    assert len(set(jobs)) == 4
    assert len(entries(server, service='dcs', operation='UpdateAclAccount')) == 4
    for _tick in range(3):  # the changes settle after a few reads of the instance
        final = dict((a['account_name'], a) for a in dcs.list_accounts(client, instance))
    assert dict((name, final[name]['account_role']) for name in wanted) == wanted
    assert set(final[name]['status'] for name in wanted) == {'AVAILABLE'}
