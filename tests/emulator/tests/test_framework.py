"""Tests of the emulator framework: signatures (checked against the vendors' SDKs), routing, faults, log, control API."""
# pylint: disable=redefined-outer-name,import-outside-toplevel

import http.client
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from emulator import clients
from emulator.core import (ALIBABA_AK, ALIBABA_SK, ALIBABA_STS_AK, ALIBABA_STS_SK, ALIBABA_STS_TOKEN, CREDENTIALS_FILE, HUAWEI_AK, HUAWEI_SK,
                           HUAWEI_STS_AK, HUAWEI_STS_SK, HUAWEI_STS_TOKEN, AlibabaService, ApiError, HuaweiService, unflatten)

RUN_PY = Path(__file__).resolve().parents[1] / 'run.py'
PROJECT = '0123456789abcdef0123456789abcdef'
POLARDB = '2017-08-01'
BASTIONHOST = '2019-12-09'


# ---- throwaway services ------------------------------------------------------------------------------------------
def make_hwtest():
    """A DDM-like (errCode style) Huawei service exercising the handler API."""
    svc = HuaweiService('hwtest', error_style='errCode', param_error=('DBS.280001', 'Parameter error.'))

    @svc.route('GET', '/v3/{project_id}/items', operation='ListItems')
    def list_items(ctx, project_id):
        return 200, {'items': ctx.state.get('items', []), 'project_id': project_id, 'header_project': ctx.project_id,
                     'access_key': ctx.access_key, 'query': ctx.query, 'query_list': ctx.query_list, 'control': ctx.control}

    @svc.route('POST', '/v3/{project_id}/items', operation='CreateItem', write=True)
    def create_item(ctx, project_id):
        body = ctx.require_json()
        if not body.get('name'):
            raise ApiError(400, 'DBS.280001', 'Parameter error.')
        ctx.state.setdefault('items', []).append(body['name'])
        return 200, {'name': body['name'], 'project_id': project_id}

    @svc.route('GET', '/v3/{project_id}/items/{name}', operation='ShowItem')
    def show_item(ctx, project_id, name):
        if name not in ctx.state.get('items', []):
            raise ApiError(404, 'DBS.280404', f'Item {name} does not exist.')
        return 200, {'name': name, 'project_id': project_id}

    @svc.route('GET', '/v3/{project_id}/items/special', operation='ShowSpecial')
    def show_special(ctx, project_id):
        return {'special': True, 'project_id': project_id}

    @svc.route('PUT', '/v3/{project_id}/items/{name}', operation='UpdateItem', write=True)
    def update_item(ctx, project_id, name):
        return 200, ''

    @svc.route('DELETE', '/v3/{project_id}/items/{name}', operation='DeleteItem', write=True)
    def delete_item(ctx, project_id, name):
        ctx.state['items'].remove(name)
        return 204, None

    @svc.route('GET', '/v3/{project_id}/bug', operation='Bug')
    def bug(ctx, project_id):
        raise RuntimeError('handler exploded')

    @svc.control('add_item')
    def add_item(state, control, body):
        state.setdefault('items', []).append(body['name'])
        control['added'] = control.get('added', 0) + 1
        return {'items': state['items']}
    return svc


def make_hwdcs():
    """A DCS-like service: error_code style with an extra error_ext_msg."""
    svc = HuaweiService('hwdcs', error_extra={'error_ext_msg': None})

    @svc.route('GET', '/v2/{project_id}/instances/{instance_id}/accounts', operation='ListAcl')
    def list_acl(ctx, project_id, instance_id):
        raise ApiError(400, 'DCS.4800', 'Instance is busy.')
    return svc


def make_ddm_override():
    """Enough of DDM for the official DdmClient to parse a list and an error."""
    svc = HuaweiService('ddm', error_style='errCode')

    @svc.route('GET', '/v1/{project_id}/instances/{instance_id}/users', operation='ListUsers')
    def list_users(ctx, project_id, instance_id):
        if instance_id == 'missing':
            raise ApiError(404, 'DBS.200823', 'The DDM instance does not exist.')
        return 200, {'users': [{'name': 'app_user', 'status': 'RUNNING', 'base_authority': ['SELECT']}], 'total_record': 1,
                     'page_no': 1, 'page_size': 128, 'total_page': 1}
    return svc


def make_polardb():
    svc = AlibabaService('polardb', version=POLARDB)

    @svc.action('Echo')
    def echo(ctx):
        return 200, {'Params': ctx.params, 'Databases': ctx.get_list('Databases'), 'AccessKey': ctx.access_key}

    @svc.action('Bump', write=True)
    def bump(ctx):
        ctx.state['count'] = ctx.state.get('count', 0) + 1
        return {'Count': ctx.state['count']}

    @svc.action('DescribeAccounts')
    def describe_accounts(ctx):
        if ctx.require('DBClusterId') != 'pc-1':
            raise ApiError(404, 'InvalidDBClusterId.NotFound', 'The DBInstanceId provided does not exist in our records.')
        return {'Accounts': [{'AccountName': 'admin', 'AccountType': 'Super', 'AccountStatus': 'Available'}]}
    return svc


def make_bastionhost():
    svc = AlibabaService('bastionhost', version=BASTIONHOST, product='Yundun-bastionhost')

    @svc.action('Echo')
    def echo(ctx):
        return {'Service': 'bastionhost'}
    return svc


@pytest.fixture
def hw(make_emulator):
    return make_emulator(extra_services=[make_hwtest(), make_hwdcs(), make_ddm_override()])


@pytest.fixture
def ali(make_emulator, tmp_path):
    """Only the throwaway Alibaba services (whatever emulator.services holds), with empty seeds."""
    return make_emulator(services=[make_polardb(), make_bastionhost()], seed_dir=str(tmp_path))


def hw_call(server, method='GET', path='/v3/p1/items', **kwargs):
    return clients.huawei_request(server.url_for('hwtest'), method, path, project_id=kwargs.pop('project_id', 'p1'), **kwargs)


def control(server, method, path, body=None):
    response = requests.request(method, f'{server.url}/_emulator/{path}', json=body, timeout=5)
    return response.status_code, response.json()


def tea_params(action, version=POLARDB):
    from alibabacloud_tea_openapi.utils_models import Params
    return Params(action=action, version=version, protocol='HTTP', pathname='/', method='POST', auth_type='AK', style='RPC',
                  req_body_type='formData', body_type='json')


def tea_call(server, action, query=None, **client_kwargs):
    from alibabacloud_tea_openapi.client import Client
    from alibabacloud_tea_openapi.utils_models import OpenApiRequest
    from darabonba.runtime import RuntimeOptions
    client = clients.alibaba_sdk_client(Client, server, **client_kwargs)
    return client.call_api(tea_params(action), OpenApiRequest(query=query or {}), RuntimeOptions())


# ---- credentials -------------------------------------------------------------------------------------------------
def test_credentials_file_matches_constants():
    data = json.loads(Path(CREDENTIALS_FILE).read_text(encoding='utf-8'))
    assert data['huawei'] == [{'access_key': HUAWEI_AK, 'secret_key': HUAWEI_SK},
                              {'access_key': HUAWEI_STS_AK, 'secret_key': HUAWEI_STS_SK, 'security_token': HUAWEI_STS_TOKEN}]
    assert data['alibaba'] == [{'access_key': ALIBABA_AK, 'secret_key': ALIBABA_SK},
                               {'access_key': ALIBABA_STS_AK, 'secret_key': ALIBABA_STS_SK, 'security_token': ALIBABA_STS_TOKEN}]


# ---- Huawei signatures -------------------------------------------------------------------------------------------
def test_huawei_sdk_signed_request_passes(emulator):
    response = clients.huawei_request(emulator.url_for('iam'), path='/v3/projects', query={'name': 'cn-north-4'})
    assert response.status_code == 200, response.text
    projects = response.json()['projects']
    assert [(p['id'], p['name'], p['enabled'], p['is_domain']) for p in projects] == [('e7f4b2c5a9d84f3e8c1b6a0d2f9e4c71', 'cn-north-4', True, False)]
    assert set(projects[0]) >= {'id', 'name', 'domain_id', 'enabled', 'description', 'is_domain', 'parent_id'}
    assert 'self' in response.json()['links']
    [entry] = emulator.get_log()
    assert entry['request_id'] == response.headers['X-Request-Id']
    assert {k: entry[k] for k in ('service', 'operation', 'method', 'path', 'write', 'status', 'error_code', 'signature', 'fault', 'params')} == {
        'service': 'iam', 'operation': 'KeystoneListProjects', 'method': 'GET', 'path': '/iam/v3/projects', 'write': False, 'status': 200,
        'error_code': None, 'signature': 'ok', 'fault': None, 'params': {'name': 'cn-north-4'}}


@pytest.mark.parametrize('region, ids', [('ap-southeast-1', ['a3c8e1f0b7d94e2a9f6c5b4d3e2a1f08']), ('la-south-2', ['5d2c9e8f1a7b4c3d8e6f0a9b2c1d4e7f']),
                                         ('xx-multi-1', ['0f1e2d3c4b5a69788796a5b4c3d2e1f0', '9a8b7c6d5e4f30211203f4e5d6c7b8a9']), ('nowhere-1', [])])
def test_iam_projects_by_region(emulator, region, ids):
    response = clients.huawei_request(emulator.url_for('iam'), path='/v3/projects', query={'name': region})
    assert [p['id'] for p in response.json()['projects']] == ids


TAMPERS = {
    'query': lambda req: req.update(url=req['url'].replace('name=n1', 'name=n2')),
    'path': lambda req: req.update(url=req['url'].replace('/v3/p1/items', '/v3/p2/items')),
    'body': lambda req: req.update(data=req['data'].replace(b'"new"', b'"evil"')),
    'signed header': lambda req: req['headers'].update({'X-Project-Id': 'p2'}),
}


@pytest.mark.parametrize('tamper', sorted(TAMPERS))
def test_huawei_tampered_request_is_refused_and_not_executed(hw, tamper):
    request = clients.sign_huawei(hw.url_for('hwtest'), 'POST', '/v3/p1/items', query={'name': 'n1'}, body={'name': 'new'}, project_id='p1')
    TAMPERS[tamper](request)
    response = requests.request(timeout=5, **request)
    assert response.status_code == 401
    assert response.json() == {'error_code': 'APIGW.0303', 'error_msg': response.json()['error_msg'], 'request_id': response.headers['X-Request-Id']}
    assert response.json()['error_msg'].startswith('Incorrect app authentication information')
    assert hw.get_state('hwtest') == {}
    assert hw.get_log()[-1]['signature'] == 'bad'
    untampered = clients.sign_huawei(hw.url_for('hwtest'), 'POST', '/v3/p1/items', query={'name': 'n1'}, body={'name': 'new'}, project_id='p1')
    assert requests.request(timeout=5, **untampered).status_code == 200
    assert hw.get_state('hwtest') == {'items': ['new']}


def test_huawei_missing_malformed_and_unknown_auth(hw):
    url = f'{hw.url_for("hwtest")}/v3/p1/items'
    missing = requests.get(url, timeout=5)
    malformed = requests.get(url, headers={'Authorization': 'Bearer abc'}, timeout=5)
    unknown = hw_call(hw, ak='HWEMUAKUNKNOWN0000000')
    wrong_secret = hw_call(hw, sk='not-the-secret')
    for response in (missing, malformed, unknown):
        assert response.status_code == 401
        assert response.json()['error_code'] == 'APIGW.0301'
        assert response.json()['error_msg'].startswith('Incorrect IAM authentication information')
    assert (wrong_secret.status_code, wrong_secret.json()['error_code']) == (401, 'APIGW.0303')
    assert [e['signature'] for e in hw.get_log()] == ['missing', 'malformed', 'unknown_key', 'bad']
    assert [e['operation'] for e in hw.get_log()] == ['ListItems'] * 4


def test_huawei_date_skew(hw):
    old = time.strftime('%Y%m%dT%H%M%SZ', time.gmtime(time.time() - 20 * 60))
    recent = time.strftime('%Y%m%dT%H%M%SZ', time.gmtime(time.time() - 10 * 60))
    future = time.strftime('%Y%m%dT%H%M%SZ', time.gmtime(time.time() + 20 * 60))
    assert hw_call(hw, sdk_date=recent).status_code == 200
    for date in (old, future):
        response = hw_call(hw, sdk_date=date)
        assert (response.status_code, response.json()['error_code']) == (401, 'APIGW.0303')
    garbled = clients.sign_huawei(hw.url_for('hwtest'), path='/v3/p1/items', project_id='p1')
    garbled['headers']['X-Sdk-Date'] = 'yesterday'
    response = requests.request(timeout=5, **garbled)
    assert (response.status_code, response.json()['error_code']) == (401, 'APIGW.0303')
    assert [e['signature'] for e in hw.get_log()] == ['ok', 'skew', 'skew', 'skew']


def test_huawei_sts_keys_need_their_token(hw):
    sts = {'ak': HUAWEI_STS_AK, 'sk': HUAWEI_STS_SK}
    assert hw_call(hw, security_token=HUAWEI_STS_TOKEN, **sts).json()['access_key'] == HUAWEI_STS_AK
    for response in (hw_call(hw, **sts), hw_call(hw, security_token='HWEMU-OTHER-TOKEN', **sts), hw_call(hw, security_token=HUAWEI_STS_TOKEN)):
        assert (response.status_code, response.json()['error_code']) == (401, 'APIGW.0301')
    assert [e['signature'] for e in hw.get_log()] == ['ok', 'token', 'token', 'token']


def test_huawei_sdk_resolves_project_id_through_iam(emulator):
    from huaweicloudsdkcore.auth.credentials import BasicCredentials
    from huaweicloudsdkcore.exceptions.exceptions import SdkException
    from huaweicloudsdkcore.region.region import Region
    from huaweicloudsdkddm.v1 import DdmClient

    def build(region):
        # The SDK caches project ids per AK and region for the whole process.
        BasicCredentials._CACHE.clear()  # pylint: disable=protected-access
        credentials = BasicCredentials(HUAWEI_AK, HUAWEI_SK).with_iam_endpoint(emulator.service_url('iam'))
        return DdmClient.new_builder().with_credentials(credentials).with_region(Region(region, emulator.service_url('ddm'))).build()

    client = build('cn-north-4')
    assert client.get_credentials().project_id == 'e7f4b2c5a9d84f3e8c1b6a0d2f9e4c71'
    with pytest.raises(SdkException, match='Multiple project ids found'):
        build('xx-multi-1')
    with pytest.raises(SdkException, match="Failed to get project id of region 'nowhere-1'"):
        build('nowhere-1')
    log = emulator.get_log()
    assert [(e['operation'], e['path'], e['signature'], e['params']['name']) for e in log] == [
        ('KeystoneListProjects', '/v3/projects', 'ok', region) for region in ('cn-north-4', 'xx-multi-1', 'nowhere-1')]
    BasicCredentials._CACHE.clear()  # pylint: disable=protected-access


def test_huawei_sdk_client_parses_answers_and_errors(hw):
    from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
    from huaweicloudsdkddm.v1 import DdmClient, ListUsersRequest

    client = clients.huawei_sdk_client(DdmClient, hw.service_url('ddm'), project_id=PROJECT, security_token=HUAWEI_STS_TOKEN,
                                       ak=HUAWEI_STS_AK, sk=HUAWEI_STS_SK)
    response = client.list_users(ListUsersRequest(instance_id='inst-1', offset=0, limit=128))
    assert [(user.name, user.base_authority) for user in response.users] == [('app_user', ['SELECT'])]
    with pytest.raises(ClientRequestException) as caught:
        client.list_users(ListUsersRequest(instance_id='missing'))
    assert caught.value.status_code == 404
    assert caught.value.request_id == hw.get_log()[-1]['request_id']
    entry = hw.get_log()[0]
    assert (entry['path'], entry['signature'], entry['access_key'], entry['params']) == (
        f'/v1/{PROJECT}/instances/inst-1/users', 'ok', HUAWEI_STS_AK, {'offset': '0', 'limit': '128'})


# ---- Huawei handlers and routing -----------------------------------------------------------------------------------
def test_huawei_handler_api(hw):
    created = hw_call(hw, 'POST', '/v3/p1/items', body={'name': 'my item/1'})
    assert created.json() == {'name': 'my item/1', 'project_id': 'p1'}
    shown = hw_call(hw, path='/v3/p1/items/my%20item%2F1')
    assert shown.json() == {'name': 'my item/1', 'project_id': 'p1'}
    assert hw_call(hw, path='/v3/p1/items/special/').json() == {'special': True, 'project_id': 'p1'}
    listed = hw_call(hw, query=[('tag', 'b'), ('tag', 'a'), ('limit', '5')], project_id='hdr-project').json()
    assert (listed['project_id'], listed['header_project'], listed['access_key']) == ('p1', 'hdr-project', HUAWEI_AK)
    assert (listed['query'], listed['query_list']) == ({'tag': 'b', 'limit': '5'}, {'tag': ['a', 'b'], 'limit': ['5']})
    updated = hw_call(hw, 'PUT', '/v3/p1/items/x', body={})
    assert (updated.status_code, updated.content, updated.headers['Content-Length']) == (200, b'', '0')
    deleted = hw_call(hw, 'DELETE', '/v3/p1/items/my%20item%2F1')
    assert (deleted.status_code, deleted.content, 'X-Request-Id' in deleted.headers) == (204, b'', True)
    assert hw.get_state('hwtest') == {'items': []}
    assert [e['write'] for e in hw.get_log()] == [True, False, False, False, True, True]


def test_huawei_service_error_styles(hw):
    bad_json = hw_call(hw, 'POST', '/v3/p1/items', body='{"name": ')
    assert (bad_json.status_code, bad_json.json()) == (400, {'errCode': 'DBS.280001', 'externalMessage': 'Parameter error.'})
    missing = hw_call(hw, path='/v3/p1/items/ghost')
    assert (missing.status_code, missing.json()) == (404, {'errCode': 'DBS.280404', 'externalMessage': 'Item ghost does not exist.'})
    dcs = clients.huawei_request(hw.url_for('hwdcs'), path='/v2/p1/instances/i1/accounts', project_id='p1')
    assert (dcs.status_code, dcs.json()) == (400, {'error_code': 'DCS.4800', 'error_msg': 'Instance is busy.', 'error_ext_msg': None})
    assert len(dcs.headers['X-Request-Id']) == 32
    assert [e['error_code'] for e in hw.get_log()] == ['DBS.280001', 'DBS.280404', 'DCS.4800']


def test_huawei_unknown_api_is_a_gateway_404(hw):
    expected = {'error_code': 'APIGW.0101', 'error_msg': 'The API does not exist or has not been published in the environment'}
    for response in (hw_call(hw, path='/v3/p1/nothing'), hw_call(hw, 'PATCH', '/v3/p1/items', body={}),
                     clients.huawei_request(hw.url, path='/nosuch/v3/p1/items')):
        assert response.status_code == 404
        assert {k: v for k, v in response.json().items() if k != 'request_id'} == expected
    unsigned = requests.get(f'{hw.url_for("hwtest")}/v3/p1/nothing', timeout=5)
    assert unsigned.status_code == 401
    assert [(e['service'], e['operation'], e['signature']) for e in hw.get_log()] == [
        ('hwtest', None, 'ok'), ('hwtest', None, 'ok'), (None, None, None), ('hwtest', None, 'missing')]


def test_handler_bug_is_a_500_with_traceback_in_log(hw):
    response = hw_call(hw, path='/v3/p1/bug')
    assert (response.status_code, response.json()['error_code']) == (500, 'EMU.0500')
    assert 'handler exploded' in hw.get_log()[-1]['traceback']


# ---- Alibaba signatures ------------------------------------------------------------------------------------------
@pytest.mark.parametrize('algorithm', [None, 'v2'])
def test_alibaba_tea_client_call_api(ali, algorithm):
    query = {'DBClusterId': 'pc-1', 'Note': 'a b*c~d', 'Databases.1.DatabaseId': '7', 'Databases.1.DatabaseAccountIds.1': '1',
             'Databases.1.DatabaseAccountIds.2': '2', 'Databases.2.DatabaseId': '8', 'AccountPassword': 'Test_Pass1!'}
    result = tea_call(ali, 'Echo', query, signature_algorithm=algorithm)
    body = result['body']
    assert result['statusCode'] == 200
    assert body['RequestId'] == result['headers']['x-acs-request-id']
    assert body['Params'] == query
    assert body['Databases'] == [{'DatabaseId': '7', 'DatabaseAccountIds': ['1', '2']}, {'DatabaseId': '8'}]
    [entry] = ali.get_log()
    assert (entry['service'], entry['operation'], entry['signature'], entry['params']['AccountPassword'], entry['params']['Note']) == (
        'polardb', 'Echo', 'ok', '***', 'a b*c~d')


def test_alibaba_sts_and_unknown_keys(ali):
    from alibabacloud_tea_openapi.exceptions import ClientException
    assert tea_call(ali, 'Echo', ak=ALIBABA_STS_AK, sk=ALIBABA_STS_SK, security_token=ALIBABA_STS_TOKEN)['body']['AccessKey'] == ALIBABA_STS_AK
    cases = [({'ak': ALIBABA_STS_AK, 'sk': ALIBABA_STS_SK}, 400, 'InvalidSecurityToken.Mismatch'),
             ({'ak': ALIBABA_STS_AK, 'sk': ALIBABA_STS_SK, 'security_token': 'OTHER'}, 400, 'InvalidSecurityToken.Mismatch'),
             ({'ak': 'LTAIunknown00000000'}, 404, 'InvalidAccessKeyId.NotFound'),
             ({'sk': 'wrong-secret'}, 400, 'SignatureDoesNotMatch')]
    for kwargs, status, code in cases:
        with pytest.raises(ClientException) as caught:
            tea_call(ali, 'Echo', **kwargs)
        assert (caught.value.status_code, caught.value.code) == (status, code)
    assert [e['signature'] for e in ali.get_log()] == ['ok', 'token', 'token', 'unknown_key', 'bad']


@pytest.mark.parametrize('tamper', ['query', 'form', 'action', 'path'])
def test_alibaba_tampered_request_is_refused(ali, tamper):
    request = clients.sign_alibaba(ali.url, 'Bump', POLARDB, query={'DBClusterId': 'pc-1'}, form={'Description': 'x'})
    if tamper == 'query':
        request['url'] = request['url'].replace('pc-1', 'pc-2')
    elif tamper == 'form':
        request['data'] = b'Description=y'
    elif tamper == 'action':
        request['headers']['x-acs-action'] = 'Echo'
    else:
        request['url'] = request['url'].replace('/?', '/polardb/?')
    response = requests.request(timeout=5, **request)
    assert (response.status_code, response.json()['Code']) == (400, 'SignatureDoesNotMatch')
    assert response.json()['Message'].startswith('Specified signature is not matched with our calculation.')
    assert ali.get_state('polardb') == {}


def test_alibaba_form_body_and_prefixed_path(ali):
    request = clients.sign_alibaba(ali.url_for('polardb'), 'Echo', POLARDB, query={'A': '1'}, form={'B': 'two words'})
    assert requests.request(timeout=5, **request).json()['Params'] == {'A': '1', 'B': 'two words'}
    assert ali.get_log()[-1]['path'] == '/polardb'


def test_alibaba_time_and_nonce(ali):
    old = time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(time.time() - 16 * 60))
    cases = [(clients.sign_alibaba(ali.url, 'Echo', POLARDB, date=old), 'InvalidTimeStamp.Expired'),
             (clients.sign_alibaba(ali.url, 'Echo', POLARDB, date='2024-13-45 noon'), 'InvalidTimeStamp.Format'),
             (clients.sign_alibaba_v2(ali.url, 'Echo', POLARDB, timestamp=old), 'InvalidTimeStamp.Expired')]
    for request, code in cases:
        response = requests.request(timeout=5, **request)
        assert (response.status_code, response.json()['Code']) == (400, code)
    for sign in (clients.sign_alibaba, clients.sign_alibaba_v2):
        request = sign(ali.url, 'Bump', POLARDB, nonce='f' * 32 + sign.__name__)
        assert requests.request(timeout=5, **request).status_code == 200
        replay = requests.request(timeout=5, **request)
        assert (replay.status_code, replay.json()['Code']) == (400, 'SignatureNonceUsed')
    assert ali.get_state('polardb') == {'count': 2}
    v2 = clients.sign_alibaba_v2(ali.url, 'Echo', POLARDB, query={'X': '1'})
    v2['url'] = v2['url'].replace('X=1', 'X=2')
    response = requests.request(timeout=5, **v2)
    assert response.json()['Code'] == 'SignatureDoesNotMatch'
    assert requests.post(ali.url, headers={'x-acs-version': POLARDB, 'x-acs-action': 'Echo'}, timeout=5).json()['Code'] == 'IncompleteSignature'


def test_alibaba_error_shape_and_unknown_action(ali):
    from alibabacloud_tea_openapi.exceptions import ClientException
    response = clients.alibaba_request(ali.url, 'DescribeAccounts', POLARDB, query={'DBClusterId': 'pc-9'})
    body = response.json()
    assert response.status_code == 404
    assert body == {'RequestId': response.headers['x-acs-request-id'], 'HostId': f'127.0.0.1:{ali.port}', 'Code': 'InvalidDBClusterId.NotFound',
                    'Message': 'The DBInstanceId provided does not exist in our records.',
                    'Recommend': f'https://api.aliyun.com/troubleshoot?q=InvalidDBClusterId.NotFound&product=polardb&requestId={body["RequestId"]}'}
    missing = clients.alibaba_request(ali.url, 'DescribeAccounts', POLARDB)
    assert (missing.status_code, missing.json()['Code']) == (400, 'MissingParameter')
    with pytest.raises(ClientException) as caught:
        tea_call(ali, 'NoSuchAction')
    assert (caught.value.status_code, caught.value.code) == (404, 'InvalidAction.NotFound')
    assert ali.get_log()[-1]['signature'] == 'ok'


def test_alibaba_routing_by_version(ali):
    assert clients.alibaba_request(ali.url, 'Echo', BASTIONHOST).json()['Service'] == 'bastionhost'
    assert 'Params' in clients.alibaba_request(ali.url, 'Echo', POLARDB).json()
    unknown = clients.alibaba_request(ali.url, 'Echo', '2000-01-01')
    assert (unknown.status_code, unknown.json()['Code']) == (400, 'InvalidVersion')
    crossed = clients.alibaba_request(ali.url_for('polardb'), 'Echo', BASTIONHOST)
    assert (crossed.status_code, crossed.json()['Code']) == (400, 'InvalidVersion')
    bastion_error = clients.alibaba_request(ali.url_for('bastionhost'), 'Nope', BASTIONHOST).json()
    assert 'product=Yundun-bastionhost' in bastion_error['Recommend']
    assert [e['service'] for e in ali.get_log()] == ['bastionhost', 'polardb', None, 'polardb', 'bastionhost']


def test_polardb_sdk_client_parses_the_answer(ali):
    from alibabacloud_polardb20170801.client import Client as PolardbClient
    from alibabacloud_polardb20170801.models import DescribeAccountsRequest
    client = clients.alibaba_sdk_client(PolardbClient, ali)
    response = client.describe_accounts(DescribeAccountsRequest(dbcluster_id='pc-1'))
    assert [(a.account_name, a.account_type) for a in response.body.accounts] == [('admin', 'Super')]
    assert response.body.request_id == ali.get_log()[-1]['request_id']


# ---- faults ------------------------------------------------------------------------------------------------------
def test_huawei_throttle_for_three_requests_then_success(hw):
    status, body = control(hw, 'POST', 'faults', {'service': 'hwtest', 'operation': 'ListItems', 'kind': 'throttle', 'count': 3, 'retry_after': 1})
    assert status == 200 and body['fault']['count'] == 3
    for _attempt in range(3):
        response = hw_call(hw)
        assert response.status_code == 429
        assert response.headers['Retry-After'] == '1'
        assert response.json()['error_code'] == 'APIGW.0308'
        assert response.json()['error_msg'].startswith('The throttling threshold has been reached')
    assert hw_call(hw).status_code == 200
    assert control(hw, 'GET', 'faults') == (200, {'faults': []})
    assert [(e['fault'], e['status']) for e in hw.get_log()] == [('throttle', 429)] * 3 + [(None, 200)]


def test_alibaba_throttle_and_5xx(ali):
    from alibabacloud_tea_openapi.exceptions import ServerException, ThrottlingException
    ali.add_fault({'service': 'polardb', 'kind': 'throttle', 'retry_after': 2})
    ali.add_fault({'service': 'polardb', 'kind': '5xx'})
    with pytest.raises(ThrottlingException) as throttled:
        tea_call(ali, 'Echo')
    assert (throttled.value.status_code, throttled.value.code, throttled.value.retry_after) == (400, 'Throttling.User', 2000)
    with pytest.raises(ServerException) as unavailable:
        tea_call(ali, 'Echo')
    assert (unavailable.value.status_code, unavailable.value.code) == (503, 'ServiceUnavailable')
    assert tea_call(ali, 'Echo')['statusCode'] == 200


def test_huawei_5xx_is_a_gateway_error(hw):
    hw.add_fault({'service': 'hwtest', 'kind': '5xx'})
    response = hw_call(hw)
    assert (response.status_code, response.json()['error_code']) == (503, 'APIGW.0201')


def test_faults_match_per_operation_and_skip(hw):
    hw.add_fault({'service': 'hwtest', 'operation': 'CreateItem', 'kind': 'error', 'status': 409, 'code': 'DBS.200019', 'message': 'Busy.'})
    assert hw_call(hw).status_code == 200
    assert hw_call(hw, 'GET', '/v3/p1/items', project_id='p1').status_code == 200
    busy = hw_call(hw, 'POST', '/v3/p1/items', body={'name': 'a'})
    assert (busy.status_code, busy.json()) == (409, {'errCode': 'DBS.200019', 'externalMessage': 'Busy.'})
    assert hw.get_state('hwtest') == {}
    assert hw_call(hw, 'POST', '/v3/p1/items', body={'name': 'a'}).status_code == 200
    assert hw.get_state('hwtest') == {'items': ['a']}
    hw.add_fault({'service': '*', 'kind': 'error', 'count': 2, 'skip': 1})
    assert [hw_call(hw).status_code for _attempt in range(4)] == [200, 400, 400, 200]
    hw.add_fault({'service': 'iam', 'kind': 'error'})
    assert hw_call(hw).status_code == 200
    assert len(hw.list_faults()) == 1


def test_latency_fault_delays_then_executes(hw):
    hw.add_fault({'service': 'hwtest', 'operation': 'CreateItem', 'kind': 'latency', 'delay': 0.3})
    started = time.monotonic()
    response = hw_call(hw, 'POST', '/v3/p1/items', body={'name': 'slow'})
    assert time.monotonic() - started >= 0.3
    assert response.status_code == 200
    assert hw.get_state('hwtest') == {'items': ['slow']}
    assert hw.get_log()[-1]['fault'] == 'latency'


def test_malformed_fault(hw):
    hw.add_fault({'service': 'hwtest', 'kind': 'malformed'})
    response = hw_call(hw, 'POST', '/v3/p1/items', body={'name': 'x'})
    assert response.status_code == 200 and response.headers['X-Request-Id']
    with pytest.raises(ValueError):
        json.loads(response.content)
    assert hw.get_state('hwtest') == {}


def test_drop_fault_closes_without_answer(hw):
    hw.add_fault({'service': 'hwtest', 'kind': 'drop'})
    with pytest.raises(requests.ConnectionError):
        hw_call(hw, 'POST', '/v3/p1/items', body={'name': 'x'})
    assert hw.get_state('hwtest') == {}
    assert hw_call(hw).status_code == 200
    assert [(e['fault'], e['status']) for e in hw.get_log()] == [('drop', None), (None, 200)]


def test_error200_fault_answers_an_error_body_with_http_200(hw, ali):
    hw.add_fault({'service': 'hwtest', 'kind': 'error200', 'code': 'DBS.280238', 'message': 'Modifying.'})
    response = hw_call(hw, 'POST', '/v3/p1/items', body={'name': 'x'})
    assert (response.status_code, response.json()) == (200, {'errCode': 'DBS.280238', 'externalMessage': 'Modifying.'})
    assert hw.get_state('hwtest') == {}
    ali.add_fault({'service': 'polardb', 'kind': 'error200', 'code': 'InternalError'})
    assert tea_call(ali, 'Echo')['body']['Code'] == 'InternalError'


def test_drop_after_fault_executes_then_closes_without_answer(hw):
    hw.add_fault({'service': 'hwtest', 'kind': 'drop_after'})
    with pytest.raises(requests.ConnectionError):
        hw_call(hw, 'POST', '/v3/p1/items', body={'name': 'x'})
    assert hw.get_state('hwtest') == {'items': ['x']}
    assert [(e['fault'], e['status']) for e in hw.get_log()] == [('drop_after', None)]


def test_trickle_fault_sends_the_body_one_byte_at_a_time(hw):
    hw.add_fault({'service': 'hwtest', 'kind': 'trickle', 'delay': 0.02})
    started = time.monotonic()
    response = hw_call(hw, 'POST', '/v3/p1/items', body={'name': 'x'})
    assert response.status_code == 200 and time.monotonic() - started >= 0.02 * len(response.content) * 0.9
    assert hw.get_state('hwtest') == {'items': ['x']}


def test_ignore_fault_answers_success_but_keeps_the_state(hw):
    hw.add_fault({'service': 'hwtest', 'kind': 'ignore'})
    response = hw_call(hw, 'POST', '/v3/p1/items', body={'name': 'x'})
    assert response.status_code == 200
    assert hw.get_state('hwtest').get('items', []) == []
    assert [(e['fault'], e['status']) for e in hw.get_log()] == [('ignore', 200)]
    hw_call(hw, 'POST', '/v3/p1/items', body={'name': 'y'})
    assert hw.get_state('hwtest') == {'items': ['y']}


def test_echo_fault_quotes_the_request(hw):
    hw.add_fault({'service': 'hwtest', 'kind': 'echo'})
    response = hw_call(hw, 'POST', '/v3/p1/items', body={'name': 'Pw%21x'})
    assert response.status_code == 400 and response.json()['errCode'] == 'SignatureDoesNotMatch'
    assert '/v3/p1/items' in response.json()['externalMessage'] and 'Pw%21x' in response.json()['externalMessage']


def test_fault_api_validation(hw):
    for spec, status in [({'service': 'hwtest', 'kind': 'explode'}, 400), ({'service': 'nosuch', 'kind': 'drop'}, 404),
                         ({'service': 'hwtest', 'kind': 'drop', 'cuont': 2}, 400), ({'service': 'hwtest', 'kind': 'drop', 'count': 0}, 400),
                         ({'service': 'hwtest', 'kind': 'latency', 'delay': -1}, 400)]:
        assert control(hw, 'POST', 'faults', spec)[0] == status, spec
    status, body = control(hw, 'POST', 'faults', [{'service': 'hwtest', 'kind': 'drop'}, {'kind': 'throttle', 'operation': 'X'}])
    assert status == 200 and [f['id'] for f in body['faults']] == [1, 2]
    assert [f['kind'] for f in control(hw, 'GET', 'faults')[1]['faults']] == ['drop', 'throttle']
    assert control(hw, 'DELETE', 'faults') == (200, {'faults': []})
    assert hw.list_faults() == []


# ---- request log, state, control ---------------------------------------------------------------------------------
def test_request_log_filters_and_redaction(hw):
    hw_call(hw, 'POST', '/v3/p1/items', query={'auth_token': 't'}, body={'name': 'a', 'password': 'P4ss!', 'nested': {'SecretKey': 's', 'keep': 1}})
    hw_call(hw)
    requests.get(f'{hw.url}/_emulator/health', timeout=5)
    status, log = control(hw, 'GET', 'log')
    assert status == 200 and log['last_seq'] == 2
    assert log['entries'][0]['params'] == {'auth_token': '***', 'name': 'a', 'password': '***', 'nested': {'SecretKey': '***', 'keep': 1}}
    assert 'P4ss' not in json.dumps(log)
    assert [e['seq'] for e in control(hw, 'GET', 'log?since=1')[1]['entries']] == [2]
    assert [e['operation'] for e in control(hw, 'GET', 'log?write=true')[1]['entries']] == ['CreateItem']
    assert [e['operation'] for e in control(hw, 'GET', 'log?write=false')[1]['entries']] == ['ListItems']
    assert [e['seq'] for e in control(hw, 'GET', 'log?service=hwtest&operation=ListItems')[1]['entries']] == [2]
    assert control(hw, 'GET', 'log?service=iam')[1]['entries'] == []
    assert control(hw, 'DELETE', 'log') == (200, {'last_seq': 2})
    hw_call(hw)
    assert [e['seq'] for e in hw.get_log()] == [3]


def test_reset_seed_and_state(hw):
    assert control(hw, 'GET', 'state/iam')[1]['projects'][0]['name'] == 'cn-north-4'
    hw_call(hw, 'POST', '/v3/p1/items', body={'name': 'a'})
    hw.update_control('hwtest', {'busy': 1})
    assert control(hw, 'POST', 'seed/hwtest', {'items': ['seeded']}) == (200, {'items': ['seeded']})
    assert hw_call(hw, path='/v3/p1/items/seeded').status_code == 200
    hw.add_fault({'service': 'hwtest', 'kind': 'drop'})
    assert control(hw, 'POST', 'seed/iam', {'projects': [{'id': 'p-x', 'name': 'cn-north-4'}]})[1]['projects'][0]['enabled'] is True
    assert control(hw, 'POST', 'seed/nosuch', {})[0] == 404
    assert control(hw, 'POST', 'seed/hwtest', ['not', 'an', 'object'])[0] == 400
    hw.add_fault({'service': 'iam', 'kind': 'drop'})
    assert control(hw, 'POST', 'reset', {'services': ['iam']}) == (200, {'ok': True})
    assert len(hw.get_state('iam')['projects']) == 5
    assert hw.get_state('hwtest') == {'items': ['seeded']} and len(hw.get_log()) == 2
    assert [f['service'] for f in hw.list_faults()] == ['hwtest']
    assert hw.get_control('hwtest') == {'busy': 1}
    assert control(hw, 'POST', 'reset') == (200, {'ok': True})
    assert (hw.get_state('hwtest'), hw.get_log(), hw.list_faults(), hw.get_control('hwtest')) == ({}, [], [], {})


def test_control_merge_and_hooks(hw):
    assert control(hw, 'POST', 'control/hwtest', {'busy_writes': 2}) == (200, {'busy_writes': 2})
    assert control(hw, 'POST', 'control/hwtest', {'mode': 'x'}) == (200, {'busy_writes': 2, 'mode': 'x'})
    assert control(hw, 'GET', 'control/hwtest') == (200, {'busy_writes': 2, 'mode': 'x'})
    assert hw_call(hw).json()['control'] == {'busy_writes': 2, 'mode': 'x'}
    assert control(hw, 'POST', 'control/hwtest/add_item', {'name': 'h'}) == (200, {'items': ['h']})
    assert hw.get_control('hwtest')['added'] == 1
    assert control(hw, 'POST', 'control/hwtest/nohook', {})[0] == 404
    assert control(hw, 'POST', 'control/nosuch', {})[0] == 404
    assert control(hw, 'GET', 'nothing')[0] == 404
    bad = requests.post(f'{hw.url}/_emulator/control/hwtest', data=b'{not json', timeout=5)
    assert bad.status_code == 400
    assert [e['operation'] for e in hw.get_log()] == ['ListItems']


def test_health_lists_services(hw):
    status, health = control(hw, 'GET', 'health')
    assert status == 200 and health['status'] == 'ok' and health['port'] == hw.port
    iam_operations = ['CreateTemporaryAccessKey', 'CreateTokenWithIdToken', 'KeystoneListProjects']
    assert health['services']['iam'] == {'cloud': 'huawei', 'operations': iam_operations, 'version': None}
    assert health['services']['sts'] == {'cloud': 'alibaba', 'operations': ['AssumeRole', 'AssumeRoleWithOIDC'], 'version': '2015-04-01'}
    assert health['services']['hwtest']['operations'] == ['Bug', 'CreateItem', 'DeleteItem', 'ListItems', 'ShowItem', 'ShowSpecial', 'UpdateItem']
    assert set(health['service_ports']) == set(health['services'])


def test_service_port_routing(hw):
    on_port = clients.huawei_request(hw.service_url('hwtest'), path='/v3/p1/items', project_id='p1')
    assert on_port.status_code == 200
    assert clients.huawei_request(hw.service_url('iam'), path='/v3/p1/items').status_code == 404
    assert clients.huawei_request(hw.url, path='/v3/p1/items').status_code == 404
    assert [(e['service'], e['path']) for e in hw.get_log()] == [('hwtest', '/v3/p1/items'), ('iam', '/v3/p1/items'), (None, '/v3/p1/items')]


def test_keep_alive_connection_serves_several_requests(hw):
    connection = http.client.HTTPConnection('127.0.0.1', hw.port, timeout=5)
    try:
        for method, path in (('GET', '/v3/p1/items'), ('DELETE', '/v3/p1/items/x'), ('PUT', '/v3/p1/items/x')):
            request = clients.sign_huawei(hw.url_for('hwtest'), method, path, project_id='p1', body={} if method == 'PUT' else None)
            target = request['url'].split(str(hw.port), 1)[1]
            connection.request(method, target, body=request['data'], headers=request['headers'])
            response = connection.getresponse()
            response.read()
            assert response.status in (200, 500)
        connection.request('GET', '/_emulator/health')
        assert json.loads(connection.getresponse().read())['status'] == 'ok'
    finally:
        connection.close()
    assert [e['status'] for e in hw.get_log()] == [200, 500, 200]


def test_unflatten():
    assert unflatten({'Databases.1.DatabaseId': '1', 'Databases.1.DatabaseAccountIds.2': 'b', 'Databases.1.DatabaseAccountIds.1': 'a',
                      'Databases.10.DatabaseId': '10', 'Databases.2.DatabaseId': '2', 'Plain': 'p'}) == {
        'Databases': [{'DatabaseId': '1', 'DatabaseAccountIds': ['a', 'b']}, {'DatabaseId': '2'}, {'DatabaseId': '10'}], 'Plain': 'p'}


# ---- run.py ------------------------------------------------------------------------------------------------------
def test_run_py_port_file_and_lifetime(tmp_path):
    port_file = tmp_path / 'emulator.json'
    started = time.monotonic()
    process = subprocess.Popen([sys.executable, str(RUN_PY), '--port-file', str(port_file), '--lifetime', '3', '--service-ports'],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=tmp_path)
    try:
        while not port_file.exists() and time.monotonic() - started < 10:
            time.sleep(0.05)
        info = json.loads(port_file.read_text(encoding='utf-8'))
        assert info['pid'] == process.pid and info['url'] == f'http://127.0.0.1:{info["port"]}'
        assert 'iam' in info['service_ports']
        assert requests.get(f'{info["url"]}/_emulator/health', timeout=5).json()['status'] == 'ok'
        iam = clients.huawei_request(f'http://127.0.0.1:{info["service_ports"]["iam"]}', path='/v3/projects', query={'name': 'la-south-2'})
        assert iam.json()['projects'][0]['id'] == '5d2c9e8f1a7b4c3d8e6f0a9b2c1d4e7f'
        out, err = process.communicate(timeout=10)
    finally:
        process.kill()
    assert process.returncode == 0, err
    assert 2.5 <= time.monotonic() - started < 8
    assert (out, err) == (b'', b'')
    assert not port_file.exists()


def test_run_py_prints_port_document_and_stops_on_sigterm(tmp_path):
    env = {**os.environ, 'PYTHONUNBUFFERED': '1'}
    process = subprocess.Popen([sys.executable, str(RUN_PY), '--lifetime', '60'], stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=tmp_path, env=env)
    try:
        info = json.loads(process.stdout.readline())
        assert info['service_ports'] == {} and info['pid'] == process.pid
        assert requests.get(f'{info["url"]}/_emulator/health', timeout=5).status_code == 200
        started = time.monotonic()
        process.send_signal(signal.SIGTERM)
        process.communicate(timeout=5)
    finally:
        process.kill()
    assert process.returncode == 0
    assert time.monotonic() - started < 3
