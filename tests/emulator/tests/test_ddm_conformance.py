"""DDM conformance: every emulated DDM operation driven through the official huaweicloudsdkddm client.

The SDK must parse the emulator's answers into its models with the right values, and errors must surface as the
SDK's exceptions. DDM V3 error bodies are ``{"error_code", "error_msg"}`` (the SDK reports the DBS code); V1/V2
bodies are ``{"errCode", "externalMessage"}``, which huaweicloudsdkcore's handler does not recognise: it reports
``error_code`` = the HTTP status and ``error_msg`` = the raw body, so the tests read the DBS code from that body, as a
real SDK user must (DDM API reference, "Abnormal Request Results"). Signatures are checked by the emulator with
huaweicloudsdkcore's signer.
"""

import calendar
import json

import pytest

from emulator.clients import huawei_sdk_client
from emulator.services.ddm import digest

ddm_v1 = pytest.importorskip('huaweicloudsdkddm.v1')
sdk_exceptions = pytest.importorskip('huaweicloudsdkcore.exceptions.exceptions')

PROJECT = 'e7f4b2c5a9d84f3e8c1b6a0d2f9e4c71'
OTHER_PROJECT = 'a3c8e1f0b7d94e2a9f6c5b4d3e2a1f08'
ORDERS = '0a8f1c6baa124e99853719d9257324dfin09'     # ddm-orders-prod: 7 accounts
ARCHIVE = '4dd0c3b2a1f94e6d8c7b5a4e3f2d1c0bin09'    # ddm-archive: no account
SG = '3f7a9c2e1b5d4a8c9e6f0b3d2a1c7e5fin09'         # ddm-sg-catalog, in the ap-southeast-1 project
MISSING = '0' * 32 + 'in09'
PASSWORD = 'Xy7-secret-Pw'


def client(server, project_id=PROJECT):
    return huawei_sdk_client(ddm_v1.DdmClient, server.service_url('ddm'), project_id=project_id)


def instance(server, instance_id):
    return next(i for i in server.get_state('ddm')['instances'] if i['id'] == instance_id)


def stored(server, instance_id, name):
    return next((u for u in instance(server, instance_id)['users'] if u['name'] == name), None)


def create(cli, instance_id=ORDERS, name='svc_new', password=PASSWORD, base_authority=('SELECT',), databases=None, **kwargs):
    body = ddm_v1.CreateUserRequestV3(name=name, password=password, base_authority=list(base_authority),
                                      databases=[ddm_v1.CreateUserRelatedLogicDbV3(name=d) for d in databases] if databases is not None else None,
                                      **kwargs)
    return cli.create_ddm_user(ddm_v1.CreateDdmUserRequest(instance_id=instance_id, body=body))


def update(cli, name, instance_id=ORDERS, databases=None, **kwargs):
    body = ddm_v1.UpdateUserV3RequestBody(
        databases=[ddm_v1.UpdateUserRelatedLogicDbV3(name=d) for d in databases] if databases is not None else None, **kwargs)
    return cli.update_ddm_user(ddm_v1.UpdateDdmUserRequest(instance_id=instance_id, username=name, body=body))


def list_v3(cli, instance_id=ORDERS, **kwargs):
    return cli.list_ddm_users(ddm_v1.ListDdmUsersRequest(instance_id=instance_id, **kwargs))


def expect_error(call, status, code, v1=False):
    """The SDK exception; returns the error message. V3: the SDK reads error_code/error_msg itself. V1: the DBS code
    is read from the raw errCode/externalMessage body the SDK keeps in error_msg."""
    with pytest.raises(sdk_exceptions.ClientRequestException) as info:
        call()
    err = info.value
    assert err.status_code == status
    assert err.request_id and len(err.request_id) == 32
    if code.startswith('APIGW.'):
        assert err.error_code == code and json.loads(err.error_msg)['request_id'] == err.request_id
        return err.error_msg
    if v1:
        body = json.loads(err.error_msg)
        assert err.error_code == str(status)  # the SDK does not know errCode/externalMessage
        assert set(body) == {'errCode', 'externalMessage'} and body['errCode'] == code and body['externalMessage']
        return body['externalMessage']
    assert err.error_code == code and err.error_msg  # the SDK parsed the documented V3 body
    assert not err.error_msg.lstrip().startswith('{')  # ... rather than keeping a raw body it did not understand
    return err.error_msg


def writes(server, since=0):
    return [(e['operation'], e['status']) for e in server.get_log(since=since, service='ddm', write=True)]


# ---------------------------------------------------------------- ListDdmUsers (V3)

def test_list_v3_parses_into_models(server):
    resp = list_v3(client(server), limit=128)
    seeded = instance(server, ORDERS)['users']
    assert (resp.offset, resp.limit, resp.total) == (0, 128, len(seeded)) and len(seeded) == 7
    assert [u.name for u in resp.users] == [u['name'] for u in seeded]
    app = resp.users[0]
    assert isinstance(app, ddm_v1.GetUsersListDetailResponsesV3)
    assert (app.name, app.status, app.base_authority) == ('app_orders', 'RUNNING', ['SELECT', 'INSERT', 'UPDATE', 'DELETE'])
    assert [d.name for d in app.databases] == ['orders', 'order_items'] and isinstance(app.databases[0], ddm_v1.GetUsersListdatabaseV3)
    assert (app.description, app.password_lifetime) == ('orders service', 90)
    assert (app.created, app.password_last_changed) == ('2023-09-12T07:02:11+0000', '2024-06-01T08:00:00+0000')
    etl = next(u for u in resp.users if u.name == 'etl_loader')
    assert etl.password_lifetime is None  # absent = never expires


def test_list_v3_default_limit_and_paging(server):
    cli = client(server)
    resp = list_v3(cli)
    assert (resp.limit, len(resp.users), resp.total) == (10, 7, 7)
    page = list_v3(cli, offset=5, limit=5)
    assert [u.name for u in page.users] == ['jdoe', 'asmith'] and page.offset == 5 and page.total == 7
    assert list_v3(client(server), instance_id=ARCHIVE).users == []


@pytest.mark.parametrize('kwargs', [dict(limit=0), dict(limit=129), dict(offset=-1)])
def test_list_v3_paging_limits(server, kwargs):
    expect_error(lambda: list_v3(client(server), **kwargs), 400, 'DBS.280001')


def test_list_unknown_instance_and_foreign_project(server):
    expect_error(lambda: list_v3(client(server), instance_id=MISSING), 404, 'DBS.280001')
    # the instance exists, but in another project than the caller's
    expect_error(lambda: list_v3(client(server), instance_id=SG), 404, 'DBS.280001')
    assert [u.name for u in list_v3(client(server, OTHER_PROJECT), instance_id=SG).users] == ['app_catalog', 'svc_search']


# ---------------------------------------------------------------- ListUsers (V1)

def test_list_v1_parses_into_models(server):
    resp = client(server).list_users(ddm_v1.ListUsersRequest(instance_id=ORDERS, offset=0, limit=5))
    assert (resp.page_no, resp.page_size, resp.total_record, resp.total_page) == (1, 5, 7, 2)
    app = resp.users[0]
    assert isinstance(app, ddm_v1.GetUsersListDetailResponses)
    assert app.name == 'app_orders' and app.base_authority == ['SELECT', 'INSERT', 'UPDATE', 'DELETE']
    assert app.created == calendar.timegm((2023, 9, 12, 7, 2, 11, 0, 0, 0)) * 1000  # V1 times are UNIX milliseconds
    assert isinstance(app.password_last_changed, int)
    assert [(d.name, d.description) for d in app.databases] == [('orders', ''), ('order_items', '')]
    rest = client(server).list_users(ddm_v1.ListUsersRequest(instance_id=ORDERS, offset=5, limit=5))
    assert rest.page_no == 2 and [u.name for u in rest.users] == ['jdoe', 'asmith']
    assert client(server).list_users(ddm_v1.ListUsersRequest(instance_id=ORDERS)).page_size == 128


# ---------------------------------------------------------------- instance detail (V1 and V3)

def test_show_instance_v1(server):
    resp = client(server).show_instance(ddm_v1.ShowInstanceRequest(instance_id=ORDERS))
    assert (resp.id, resp.name, resp.status, resp.project_id) == (ORDERS, 'ddm-orders-prod', 'RUNNING', PROJECT)
    assert resp.node_count == 2 and resp.admin_user_name == 'root' and resp.engine_version
    expect_error(lambda: client(server).show_instance(ddm_v1.ShowInstanceRequest(instance_id=MISSING)), 404, 'DBS.280001', v1=True)


def test_show_ddm_detail_v3(server):
    resp = client(server).show_ddm_detail(ddm_v1.ShowDdmDetailRequest(instance_id=ARCHIVE))
    assert len(resp.instances) == 1 and isinstance(resp.instances[0], ddm_v1.InstanceDetail)
    detail = resp.instances[0]
    assert (detail.id, detail.name, detail.status, detail.project_id) == (ARCHIVE, 'ddm-archive', 'RUNNING', PROJECT)


# ---------------------------------------------------------------- CreateDdmUser

def test_create_and_read_back(server):
    cli = client(server)
    resp = create(cli, name='svc_new', base_authority=('SELECT', 'INSERT'), databases=['orders', 'billing'],
                  description='new service', password_lifetime=30)
    assert isinstance(resp, ddm_v1.CreateDdmUserResponse) and resp.to_json_object() == {}
    user = next(u for u in list_v3(cli, limit=128).users if u.name == 'svc_new')
    assert (user.status, user.base_authority, [d.name for d in user.databases]) == ('RUNNING', ['SELECT', 'INSERT'], ['orders', 'billing'])
    assert (user.description, user.password_lifetime) == ('new service', 30)
    assert user.created == user.password_last_changed and user.created.endswith('+0000')
    record = stored(server, ORDERS, 'svc_new')
    assert record['password_sha256'] == digest(PASSWORD) and PASSWORD not in json.dumps(server.get_state('ddm'))
    assert server.get_log(service='ddm', operation='CreateDdmUser')[-1]['params']['password'] == '***'


def test_create_minimal_body(server):
    create(client(server), instance_id=ARCHIVE, name='a')
    user = list_v3(client(server), instance_id=ARCHIVE).users[0]
    assert (user.name, user.databases, user.description, user.password_lifetime) == ('a', [], '', None)


@pytest.mark.parametrize('kwargs, code', [
    (dict(name='1bad'), 'DBS.300305'),
    (dict(name='x' * 33), 'DBS.300305'),
    (dict(password='short1A'), 'DBS.300306'),
    (dict(password='alllowercase1'), 'DBS.300306'),
    (dict(password='Abc$12345'), 'DBS.300306'),
    (dict(password='Admin@123'), 'DBS.300306'),
    (dict(name='Abc_12345', password='Abc_12345'), 'DBS.300306'),
    (dict(base_authority=('SELECT', 'GRANT')), 'DBS.300309'),
    (dict(description='x' * 257), 'DBS.300307'),
    (dict(password_lifetime=65536), 'DBS.280001'),
    (dict(databases=['no_such_schema']), 'DBS.300300'),
    (dict(name='bi_readonly'), 'DBS.300311'),
])
def test_create_errors(server, kwargs, code):
    message = expect_error(lambda: create(client(server), **kwargs), 400, code)
    if code == 'DBS.300300':
        assert 'no_such_schema' in message
    assert writes(server) == [('CreateDdmUser', 400)]
    assert len(instance(server, ORDERS)['users']) == 7


def test_create_body_must_be_json(server):
    cli = client(server)
    expect_error(lambda: cli.create_ddm_user(ddm_v1.CreateDdmUserRequest(instance_id=ORDERS)), 400, 'DBS.280001')


def test_at_most_100_accounts(server):
    cli = client(server)
    for i in range(93):
        create(cli, name='bulk_%02d' % i)
    assert list_v3(cli, limit=128).total == 100
    assert '100' in expect_error(lambda: create(cli, name='one_too_many'), 400, 'DBS.300300')


# ---------------------------------------------------------------- UpdateDdmUser

def test_update_replaces_databases_and_keeps_omitted_fields(server):
    cli = client(server)
    resp = update(cli, 'app_orders', databases=['billing'])
    assert isinstance(resp, ddm_v1.UpdateDdmUserResponse)
    user = stored(server, ORDERS, 'app_orders')
    assert user['databases'] == ['billing']  # replaced, not merged
    assert user['base_authority'] == ['SELECT', 'INSERT', 'UPDATE', 'DELETE'] and user['description'] == 'orders service'
    update(cli, 'app_orders', base_authority=['SELECT'], description='', password_lifetime=0)
    user = next(u for u in list_v3(cli, limit=128).users if u.name == 'app_orders')
    assert (user.base_authority, user.description, user.password_lifetime, [d.name for d in user.databases]) == (['SELECT'], '', 0, ['billing'])


def test_update_errors(server):
    cli = client(server)
    expect_error(lambda: update(cli, 'app_orders'), 400, 'DBS.280001')  # none of the four fields
    expect_error(lambda: update(cli, 'nobody', description='x'), 400, 'DBS.300327')
    expect_error(lambda: update(cli, 'app_orders', databases=['nope']), 400, 'DBS.300301')
    expect_error(lambda: update(cli, 'app_orders', base_authority=['ALL']), 400, 'DBS.300309')
    expect_error(lambda: update(cli, 'app_orders', password_lifetime=-1), 400, 'DBS.280001')
    expect_error(lambda: update(cli, 'app_orders', description='d', instance_id=MISSING), 404, 'DBS.280001')
    assert stored(server, ORDERS, 'app_orders')['databases'] == ['orders', 'order_items']


# ---------------------------------------------------------------- ResetDdmUserPassword

def test_reset_password(server):
    cli = client(server)
    before = stored(server, ORDERS, 'svc_payments')
    resp = cli.reset_ddm_user_password(ddm_v1.ResetDdmUserPasswordRequest(
        instance_id=ORDERS, username='svc_payments', body=ddm_v1.ResetUserPasswordV3RequestBody(password=PASSWORD)))
    assert isinstance(resp, ddm_v1.ResetDdmUserPasswordResponse)
    after = stored(server, ORDERS, 'svc_payments')
    assert after['password_sha256'] == digest(PASSWORD) != before['password_sha256']
    assert after['password_last_changed'] > before['password_last_changed']
    for name, password, code in (('nobody', PASSWORD, 'DBS.300327'), ('svc_payments', 'weak', 'DBS.300306')):
        expect_error(lambda n=name, p=password: cli.reset_ddm_user_password(ddm_v1.ResetDdmUserPasswordRequest(
            instance_id=ORDERS, username=n, body=ddm_v1.ResetUserPasswordV3RequestBody(password=p))), 400, code)


# ---------------------------------------------------------------- DeleteDdmUser

def test_delete(server):
    cli = client(server)
    resp = cli.delete_ddm_user(ddm_v1.DeleteDdmUserRequest(instance_id=ORDERS, username='jdoe'))
    assert isinstance(resp, ddm_v1.DeleteDdmUserResponse)
    assert stored(server, ORDERS, 'jdoe') is None and list_v3(cli, limit=128).total == 6
    expect_error(lambda: cli.delete_ddm_user(ddm_v1.DeleteDdmUserRequest(instance_id=ORDERS, username='jdoe')), 400, 'DBS.300327')


# ---------------------------------------------------------------- busy instance (409) and project checks

@pytest.mark.parametrize('code', ['DBS.200019', 'DBS.212033'])
def test_make_busy_answers_409_for_the_next_writes_only(server, code):
    server.run_control('ddm', 'make_busy', {'instance_id': ORDERS, 'count': 2, 'code': code})
    cli = client(server)
    assert list_v3(cli).total == 7  # reads are not affected
    for attempt in range(2):
        assert expect_error(lambda: update(cli, 'asmith', description='x'), 409, code), attempt
    update(cli, 'asmith', description='x')
    assert writes(server) == [('UpdateDdmUser', 409), ('UpdateDdmUser', 409), ('UpdateDdmUser', 200)]
    assert stored(server, ORDERS, 'asmith')['description'] == 'x'
    create(cli, instance_id=ARCHIVE, name='other_instance_not_busy')


def test_instance_not_running_is_busy(server):
    state = server.get_state('ddm')
    next(i for i in state['instances'] if i['id'] == ARCHIVE)['status'] = 'RESTARTING'
    server.seed('ddm', state)
    expect_error(lambda: create(client(server), instance_id=ARCHIVE, name='x'), 409, 'DBS.200019')


def test_make_busy_control_validation(server):
    with pytest.raises(ValueError):
        server.run_control('ddm', 'make_busy', {'code': 'DBS.999999'})
    with pytest.raises(LookupError):
        server.run_control('ddm', 'make_busy', {'instance_id': MISSING})


def test_path_project_must_be_the_callers(server):
    cli = client(server, OTHER_PROJECT)
    # the SDK puts its own project in the path and in X-Project-Id; a foreign project id in the path is refused
    with pytest.raises(sdk_exceptions.ClientRequestException) as info:
        cli.list_ddm_users(ddm_v1.ListDdmUsersRequest(instance_id=ORDERS))
    assert info.value.status_code == 404
    from emulator.clients import huawei_request  # pylint: disable=import-outside-toplevel
    resp = huawei_request(server.service_url('ddm'), path='/v3/%s/instances/%s/users' % (PROJECT, ORDERS), project_id=OTHER_PROJECT)
    assert resp.status_code == 401 and resp.json()['error_code'] == 'APIGW.0301'


def test_every_operation_is_covered(server):
    """Guard: a new emulated DDM operation needs a conformance test here."""
    covered = {'ListDdmUsers', 'ListUsers', 'ShowInstance', 'ShowDdmDetail', 'CreateDdmUser', 'UpdateDdmUser', 'ResetDdmUserPassword',
               'DeleteDdmUser',
               'ListInstances'}  # ListInstances: test_discovery_conformance.py
    assert set(server.services['ddm'].operations()) == covered
