"""DAS conformance: every emulated DAS operation driven through the official huaweicloudsdkdas client.

The SDK must parse the emulator's answers into its models with the right values, and its errors must surface as the
SDK's exceptions with the documented DAS codes. Signatures are checked by the emulator with huaweicloudsdkcore's signer.
"""

import re

import pytest

from emulator.clients import expect_huawei_error as expect_error, huawei_request, huawei_sdk_client

das_v3 = pytest.importorskip('huaweicloudsdkdas.v3')
sdk_exceptions = pytest.importorskip('huaweicloudsdkcore.exceptions.exceptions')

PROJECT = 'e7f4b2c5a9d84f3e8c1b6a0d2f9e4c71'
OTHER_PROJECT = 'a3c8e1f0b7d94e2a9f6c5b4d3e2a1f08'
UUID_RE = re.compile(r'^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$')


def client(server, project_id=PROJECT, **kwargs):
    return huawei_sdk_client(das_v3.DasClient, server.service_url('das'), project_id=project_id, **kwargs)


def seeded(server, project_id=PROJECT, engine='MySQL'):
    return [i for i in server.get_state('das')['projects'][project_id]['instances'] if i['engine_type'] == engine]


def instance_by_name(server, name, project_id=PROJECT):
    return next(i for i in server.get_state('das')['projects'][project_id]['instances'] if i['instance_name'] == name)


def list_request(datastore_type='MySQL', **kwargs):
    return das_v3.ListCloudDbaInstancesRequest(datastore_type=datastore_type, **kwargs)


def login(cli, instance_id, datastore_type='MySQL', **kwargs):
    return cli.login_built_in_account(das_v3.LoginBuiltInAccountRequest(
        instance_id=instance_id, body=das_v3.LoginBuiltInAccountRequestBody(datastore_type=datastore_type), **kwargs))


def logoff(cli, instance_id, datastore_type='MySQL', **kwargs):
    return cli.logoff_built_in_account(das_v3.LogoffBuiltInAccountRequest(
        instance_id=instance_id, body=das_v3.LogoffBuiltInAccountRequestBody(datastore_type=datastore_type), **kwargs))


# ---------------------------------------------------------------- ListCloudDbaInstances

def test_list_parses_into_das_instance_info(server):
    resp = client(server).list_cloud_dba_instances(list_request(x_language='en-us'))
    expected = seeded(server)
    assert resp.total_count == len(expected) and len(expected) > 10
    assert [i.instance_id for i in resp.instance_list] == [i['instance_id'] for i in expected]
    first, want = resp.instance_list[0], expected[0]
    assert isinstance(first, das_v3.DASInstanceInfo)
    for field in ('instance_name', 'instance_status', 'version', 'engine_type', 'ip', 'port', 'cpu', 'mem', 'login_flag',
                  'slow_sql_flag', 'deadlock_flag', 'lock_blocking_flag', 'charge_flag', 'full_sql_flag'):
        assert getattr(first, field) == want[field], field
    assert isinstance(first.port, int) and isinstance(first.login_flag, bool)
    assert 'builtin_account' not in first.to_dict()


def test_list_pages_with_offset_and_limit(server):
    cli = client(server)
    expected = [i['instance_id'] for i in seeded(server)]
    got, offset = [], 0
    while True:
        resp = cli.list_cloud_dba_instances(list_request(offset=offset, limit=4))
        assert resp.total_count == len(expected)
        assert len(resp.instance_list) <= 4
        got += [i.instance_id for i in resp.instance_list]
        offset += len(resp.instance_list)
        if not resp.instance_list or offset >= resp.total_count:
            break
    assert got == expected


def test_list_default_limit_is_20_and_max_is_200(server):
    many = [{'instance_id': '%032x' % n, 'instance_name': 'rds-bulk-%03d' % n} for n in range(230)]
    server.seed('das', {'projects': {PROJECT: {'instances': many}}})
    cli = client(server)
    resp = cli.list_cloud_dba_instances(list_request())
    assert (len(resp.instance_list), resp.total_count) == (20, 230)
    resp = cli.list_cloud_dba_instances(list_request(offset=200, limit=200))
    assert [i.instance_name for i in resp.instance_list] == ['rds-bulk-%03d' % n for n in range(200, 230)]
    assert resp.instance_list[0].engine_type == 'MySQL' and resp.instance_list[0].instance_status == 'ACTIVE'
    expect_error(lambda: cli.list_cloud_dba_instances(list_request(limit=201)), 400, 'DAS.200100')
    expect_error(lambda: cli.list_cloud_dba_instances(list_request(limit=0)), 400, 'DAS.200100')
    expect_error(lambda: cli.list_cloud_dba_instances(list_request(offset=-1)), 400, 'DAS.200100')


def test_list_filters_by_datastore_type(server):
    resp = client(server).list_cloud_dba_instances(list_request('PostgreSQL'))
    assert resp.total_count == len(seeded(server, engine='PostgreSQL')) > 0
    assert {i.engine_type for i in resp.instance_list} == {'PostgreSQL'}


def test_list_errors(server):
    cli = client(server)
    expect_error(lambda: cli.list_cloud_dba_instances(das_v3.ListCloudDbaInstancesRequest()), 400, 'DAS.200100')
    expect_error(lambda: cli.list_cloud_dba_instances(list_request('Oracle')), 400, 'DAS.200107')
    expect_error(lambda: cli.list_cloud_dba_instances(list_request(x_language='fr-fr')), 400, 'DAS.200100')


def test_list_is_per_project(server):
    resp = client(server, project_id=OTHER_PROJECT).list_cloud_dba_instances(list_request())
    assert [i.instance_id for i in resp.instance_list] == [i['instance_id'] for i in seeded(server, OTHER_PROJECT)]


# ---------------------------------------------------------------- LoginBuiltInAccount / LogoffBuiltInAccount

def test_login_returns_db_user_id_and_logs_in(server):
    target = instance_by_name(server, 'rds-crm')
    assert target['builtin_account']['logged_in'] is False
    resp = login(client(server), target['instance_id'], x_language='zh-cn')
    assert isinstance(resp, das_v3.LoginBuiltInAccountResponse)
    assert resp.status_code == 200 and UUID_RE.match(resp.db_user_id)
    account = instance_by_name(server, 'rds-crm')['builtin_account']
    assert account == {'logged_in': True, 'db_user_id': resp.db_user_id}
    assert login(client(server), target['instance_id']).db_user_id == resp.db_user_id  # already logged in: same id (UNVERIFIED)


def test_logoff_answers_an_empty_200_and_logs_out(server):
    target = instance_by_name(server, 'rds-orders-prod')
    assert target['builtin_account']['logged_in'] is True
    resp = logoff(client(server), target['instance_id'])
    assert isinstance(resp, das_v3.LogoffBuiltInAccountResponse)
    assert resp.status_code == 200 and resp.body is None
    assert resp.raw_content in (b'', None) or not resp.raw_content.strip()
    assert instance_by_name(server, 'rds-orders-prod')['builtin_account'] == {'logged_in': False, 'db_user_id': None}
    assert logoff(client(server), target['instance_id']).status_code == 200  # not logged in: a no-op (UNVERIFIED)


def test_builtin_account_errors(server):
    cli = client(server)
    mysql = instance_by_name(server, 'rds-inventory')['instance_id']
    postgres = instance_by_name(server, 'pg-geo-prod')['instance_id']
    for call in (login, logoff):
        expect_error(lambda: call(cli, mysql, 'PostgreSQL'), 400, 'DAS.200107')
        expect_error(lambda: call(cli, mysql, None), 400, 'DAS.200100')
        expect_error(lambda: call(cli, 'f' * 36), 400, 'DAS.200114')
        expect_error(lambda: call(cli, 'not-an-instance-id'), 400, 'DAS.200114')
        expect_error(lambda: call(cli, postgres), 400, 'DAS.200114')
        expect_error(lambda: call(cli, mysql, x_language='de-de'), 400, 'DAS.200100')
    assert instance_by_name(server, 'rds-inventory')['builtin_account']['logged_in'] is False


def test_instance_of_another_project_is_unknown(server):
    foreign = seeded(server, OTHER_PROJECT)[0]['instance_id']
    expect_error(lambda: logoff(client(server), foreign), 400, 'DAS.200114')


def test_frequent_requests_are_refused_without_effect(server):
    target = instance_by_name(server, 'rds-catalog')['instance_id']
    server.update_control('das', {'frequent_requests': 2})
    cli = client(server)
    err = expect_error(lambda: login(cli, target), 400, 'DAS.200002')
    assert 'requent' in err.error_msg
    expect_error(lambda: logoff(cli, target), 400, 'DAS.200002')
    assert instance_by_name(server, 'rds-catalog')['builtin_account']['logged_in'] is False
    assert UUID_RE.match(login(cli, target).db_user_id)


def test_injected_fault_uses_the_das_error_body(server):
    server.add_fault({'service': 'das', 'operation': 'LogoffBuiltInAccount', 'kind': 'error', 'status': 400, 'code': 'DAS.200002',
                      'message': 'Frequent requests.'})
    target = instance_by_name(server, 'rds-orders-prod')['instance_id']
    expect_error(lambda: logoff(client(server), target), 400, 'DAS.200002')
    assert logoff(client(server), target).status_code == 200


def test_path_project_must_be_the_callers(server):
    cli = client(server)
    target = instance_by_name(server, 'rds-crm')['instance_id']
    # the SDK fills {project_id} from the credentials; a mismatching X-Project-Id reaches the emulator only through raw calls
    resp = huawei_request(server.service_url('das'), 'POST', f'/v3/{OTHER_PROJECT}/instances/{target}/logoff-built-in-account',
                          body={'datastore_type': 'MySQL'}, project_id=PROJECT)
    assert resp.status_code == 403 and resp.json()['error_code'] == 'DAS.200051'
    assert logoff(cli, target).status_code == 200


def test_bad_signature_is_refused(server):
    cli = client(server, sk='HWEMUSK0000000000000000000000000000000BAD')
    with pytest.raises(sdk_exceptions.ClientRequestException) as info:
        cli.list_cloud_dba_instances(list_request())
    assert info.value.status_code == 401 and info.value.error_code.startswith('APIGW.')


def test_log_marks_writes(server):
    cli = client(server)
    target = instance_by_name(server, 'rds-crm')['instance_id']
    cli.list_cloud_dba_instances(list_request())
    login(cli, target)
    logoff(cli, target)
    entries = [(e['operation'], e['write'], e['status'], e['signature']) for e in server.get_log(service='das')]
    assert entries == [('ListCloudDbaInstances', False, 200, 'ok'), ('LoginBuiltInAccount', True, 200, 'ok'),
                       ('LogoffBuiltInAccount', True, 200, 'ok')]
    assert server.get_log(service='das', operation='LogoffBuiltInAccount')[0]['params'] == {'datastore_type': 'MySQL'}
