"""DCS conformance: every emulated DCS operation driven through the official huaweicloudsdkdcs client.

The SDK must parse the emulator's answers into its models with the right values, and its errors must surface as the
SDK's exceptions with the DCS codes. Signatures are checked by the emulator with huaweicloudsdkcore's signer.
``account_read_policy`` is not in the SDK 3.1.219 models: it is sent as a raw dict body through the same client, and
read back from the raw list (the SDK model drops it).
"""

import hashlib
import re

import pytest

from emulator.clients import expect_huawei_error as expect_error, huawei_request, huawei_sdk_client

dcs_v2 = pytest.importorskip('huaweicloudsdkdcs.v2')
pytest.importorskip('huaweicloudsdkcore.exceptions.exceptions')

PROJECT = 'e7f4b2c5a9d84f3e8c1b6a0d2f9e4c71'
OTHER_PROJECT = 'a3c8e1f0b7d94e2a9f6c5b4d3e2a1f08'
ORDERS = '3f2a6c1e-8b4d-4e7a-9c2f-1d5e8a7b6c40'
SESSIONS = '8c4d2e1f-6a7b-4c9d-8e0f-1a2b3c4d5e6f'
FROZEN = '0d9c8b7a-6f5e-4d3c-b2a1-9f8e7d6c5b4a'
SINGAPORE = '5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d'
PASSWORD = 'Str0ng-Redis-Pass'
UUID_RE = re.compile(r'^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$')


@pytest.fixture(name='server')
def dcs_server(server):
    """conftest's per-module server, reset; a pending change shows on one list read."""
    server.update_control('dcs', {'async_reads': 1})
    return server


def client(server, project_id=PROJECT, **kwargs):
    return huawei_sdk_client(dcs_v2.DcsClient, server.service_url('dcs'), project_id=project_id, **kwargs)


def seeded(server, instance_id=ORDERS):
    return next(i for i in server.get_state('dcs')['instances'] if i['instance_id'] == instance_id)


def account(server, name, instance_id=ORDERS):
    return next((a for a in seeded(server, instance_id)['accounts'] if a['account_name'] == name), None)


def list_accounts(cli, instance_id=ORDERS):
    return cli.list_acl_accounts(dcs_v2.ListAclAccountsRequest(instance_id=instance_id)).accounts


def by_name(accounts, name):
    return next((a for a in accounts if a.account_name == name), None)


def create(cli, name='svc_cart', role='read', password=PASSWORD, description=None, instance_id=ORDERS):
    body = dcs_v2.CreateAclAccountRequestBody(account_name=name, account_role=role, account_password=password, description=description)
    return cli.create_acl_account(dcs_v2.CreateAclAccountRequest(instance_id=instance_id, body=body))


def change_role(cli, account_id, body, instance_id=ORDERS):
    return cli.update_acl_account(dcs_v2.UpdateAclAccountRequest(instance_id=instance_id, account_id=account_id, body=body))


def settle(cli, instance_id=ORDERS, reads=3):
    """Read the list until pending changes settled (async_reads is 1 here)."""
    accounts = None
    for _read in range(reads):
        accounts = list_accounts(cli, instance_id)
    return accounts


# ---------------------------------------------------------------- ListAclAccounts

def test_list_parses_into_acl_account_resp(server):
    accounts = list_accounts(client(server))
    expected = seeded(server)['accounts']
    assert [a.account_name for a in accounts] == [a['account_name'] for a in expected]
    assert all(isinstance(a, dcs_v2.AclAccountResp) for a in accounts)
    default, bi = by_name(accounts, 'default'), by_name(accounts, 'bi_readonly')
    assert (default.account_type, default.account_role, default.status) == ('default', 'write', 'AVAILABLE')
    assert (bi.account_type, bi.account_role, bi.instance_id, bi.description) == ('normal', 'read', ORDERS, 'BI dashboards')
    assert UUID_RE.match(bi.account_id) and bi.error_code is None


def test_list_raw_body_has_read_policy_and_no_password(server):
    resp = huawei_request(server.service_url('dcs'), path=f'/v2/{PROJECT}/instances/{SESSIONS}/accounts', project_id=PROJECT)
    assert resp.status_code == 200 and resp.headers['X-Request-Id']
    accounts = {a['account_name']: a for a in resp.json()['accounts']}
    assert accounts['svc_sessions']['account_read_policy'] == 'replica'
    assert accounts['mlopez']['account_read_policy'] is None
    assert not any('pass' in key for a in accounts.values() for key in a)


def test_omit_read_policy_mode_is_per_instance(server):
    """An instance switched to the SDK's account model (no account_read_policy); the others keep the field, the SDK
    parses both, and a role change that sends the policy is still accepted and stored."""
    answer = server.run_control('dcs', 'omit_read_policy', {'instance_id': SESSIONS})
    assert answer == {'omit_read_policy': True, 'instances': [SESSIONS]}
    raw = huawei_request(server.service_url('dcs'), path=f'/v2/{PROJECT}/instances/{SESSIONS}/accounts', project_id=PROJECT)
    assert raw.status_code == 200 and all('account_read_policy' not in a for a in raw.json()['accounts'])
    other = huawei_request(server.service_url('dcs'), path=f'/v2/{PROJECT}/instances/{ORDERS}/accounts', project_id=PROJECT)
    assert all('account_read_policy' in a for a in other.json()['accounts'])
    cli = client(server)
    assert by_name(list_accounts(cli, SESSIONS), 'svc_sessions').account_role == 'write'
    mlopez = account(server, 'mlopez', SESSIONS)
    change_role(cli, mlopez['account_id'], {'account_read_policy': 'replica'}, instance_id=SESSIONS)
    assert account(server, 'mlopez', SESSIONS)['account_read_policy'] == 'replica'
    server.run_control('dcs', 'omit_read_policy', {'instance_id': SESSIONS, 'omit': False})
    raw = huawei_request(server.service_url('dcs'), path=f'/v2/{PROJECT}/instances/{SESSIONS}/accounts', project_id=PROJECT)
    assert {a['account_name']: a['account_read_policy'] for a in raw.json()['accounts']}['mlopez'] == 'replica'


def test_unknown_instance_and_foreign_project(server):
    expect_error(lambda: list_accounts(client(server), '11111111-2222-4333-8444-555555555555'), 404, 'DCS.4800')
    # an instance of another project is not found from this one
    expect_error(lambda: list_accounts(client(server), SINGAPORE), 404, 'DCS.4800')
    assert by_name(list_accounts(client(server, OTHER_PROJECT), SINGAPORE), 'etl_loader').account_role == 'write'


def test_path_project_must_be_callers(server):
    resp = huawei_request(server.service_url('dcs'), path=f'/v2/{OTHER_PROJECT}/instances/{ORDERS}/accounts', project_id=PROJECT)
    assert resp.status_code == 401 and resp.json()['error_code'] == 'APIGW.0301'


# ---------------------------------------------------------------- ShowInstance

def test_show_instance_parses(server):
    resp = client(server).show_instance(dcs_v2.ShowInstanceRequest(instance_id=SESSIONS))
    assert (resp.instance_id, resp.name, resp.status, resp.engine, resp.engine_version) == (SESSIONS, 'redis-sessions-prod', 'RUNNING', 'Redis', '5.0')
    assert (resp.cache_mode, resp.capacity, resp.port, resp.no_password_access) == ('proxy', 32, 6379, 'false')
    frozen = client(server).show_instance(dcs_v2.ShowInstanceRequest(instance_id=FROZEN))
    assert frozen.status == 'FROZEN'


# ---------------------------------------------------------------- CreateAclAccount

def test_create_goes_creating_then_available(server):
    cli = client(server)
    resp = create(cli, description='Cart service')
    assert isinstance(resp, dcs_v2.CreateAclAccountResponse) and resp.status_code == 200
    first = by_name(list_accounts(cli), 'svc_cart')
    assert (first.status, first.account_role, first.account_type, first.description) == ('CREATING', 'read', 'normal', 'Cart service')
    assert by_name(list_accounts(cli), 'svc_cart').status == 'AVAILABLE'
    assert account(server, 'svc_cart')['password_sha256'] == hashlib.sha256(PASSWORD.encode()).hexdigest()


@pytest.mark.parametrize('name, role, password', [
    ('1bad', 'read', PASSWORD),               # must start with a letter
    ('svc cart', 'read', PASSWORD),           # no spaces
    ('svc_cart', 'admin', PASSWORD),          # unknown role
    ('svc_cart', 'read', 'short1A'),          # too short
    ('svc_cart', 'read', 'alllowercase1'),    # two classes only
    ('svc_cart', 'read', 'Has:Colon-123'),    # no ':'
    ('svc_cart', 'read', 'Xsvc_cart-12'),     # contains the name
    ('svc_cart', 'read', 'Xtrac_cvs-12'),     # contains the name reversed
])
def test_create_rejects_bad_input(server, name, role, password):
    expect_error(lambda: create(client(server), name=name, role=role, password=password), 400, 'DCS.4961')
    assert account(server, name) is None


def test_create_duplicate_and_long_description(server):
    expect_error(lambda: create(client(server), name='bi_readonly'), 400, 'DCS.4963')
    expect_error(lambda: create(client(server), description='x' * 1025), 400, 'DCS.4961')


def test_create_fails_when_told(server):
    server.run_control('dcs', 'fail_next', {'instance_id': ORDERS, 'kind': 'create'})
    cli = client(server)
    create(cli)
    assert by_name(settle(cli), 'svc_cart').status == 'CREATEFAILED'


# ---------------------------------------------------------------- UpdateAclAccount (role) + ShowJobInfo

def test_role_change_returns_job_and_passes_through_updating(server):
    cli = client(server)
    bi = account(server, 'bi_readonly')
    resp = change_role(cli, bi['account_id'], dcs_v2.AclAccountRoleModifyBody(account_role='write'))
    assert isinstance(resp, dcs_v2.UpdateAclAccountResponse)
    assert resp.instance_id == ORDERS and re.match(r'^[0-9a-f]{32}$', resp.job_id)
    updating = by_name(list_accounts(cli), 'bi_readonly')
    assert (updating.status, updating.account_role) == ('UPDATING', 'write')
    job = cli.show_job_info(dcs_v2.ShowJobInfoRequest(job_id=resp.job_id))
    assert isinstance(job, dcs_v2.ShowJobInfoResponse)
    assert (job.job_id, job.status, job.job_type) == (resp.job_id, 'SUCCESS', 'modifyAclAccountRole')
    assert int(job.end_time) >= int(job.begin_time) and job.fail_reason is None
    assert by_name(list_accounts(cli), 'bi_readonly').status == 'AVAILABLE'


def test_role_change_with_raw_read_policy(server):
    cli = client(server)
    svc = account(server, 'svc_auth', SESSIONS)
    resp = change_role(cli, svc['account_id'], {'account_read_policy': 'master-replica'}, instance_id=SESSIONS)
    assert resp.job_id
    settle(cli, SESSIONS)
    svc = account(server, 'svc_auth', SESSIONS)
    assert (svc['account_read_policy'], svc['account_role'], svc['status']) == ('master-replica', 'write', 'AVAILABLE')


def test_role_change_that_fails_reverts_and_reports(server):
    server.run_control('dcs', 'fail_next', {'instance_id': ORDERS, 'kind': 'role', 'reason': 'node unreachable'})
    cli = client(server)
    bi = account(server, 'bi_readonly')
    resp = change_role(cli, bi['account_id'], dcs_v2.AclAccountRoleModifyBody(account_role='write'))
    after = by_name(settle(cli), 'bi_readonly')
    assert (after.status, after.account_role) == ('ERROR', 'read')
    job = cli.show_job_info(dcs_v2.ShowJobInfoRequest(job_id=resp.job_id))
    assert (job.status, job.fail_reason) == ('FAIL', 'node unreachable')
    # an account in ERROR accepts a new change
    change_role(cli, bi['account_id'], dcs_v2.AclAccountRoleModifyBody(account_role='write'))
    assert by_name(settle(cli), 'bi_readonly').status == 'AVAILABLE'


def test_role_change_errors(server):
    cli = client(server)
    bi = account(server, 'bi_readonly')
    expect_error(lambda: change_role(cli, bi['account_id'], dcs_v2.AclAccountRoleModifyBody(account_role='admin')), 400, 'DCS.4961')
    expect_error(lambda: change_role(cli, bi['account_id'], {'account_read_policy': 'nearest'}), 400, 'DCS.4961')
    expect_error(lambda: change_role(cli, bi['account_id'], {}), 400, 'DCS.4961')
    expect_error(lambda: change_role(cli, 'no-such-account', dcs_v2.AclAccountRoleModifyBody(account_role='read')), 404, 'DCS.4962')
    expect_error(lambda: cli.show_job_info(dcs_v2.ShowJobInfoRequest(job_id='0' * 32)), 404, 'DCS.4964')


def test_second_change_while_updating_is_busy(server):
    cli = client(server)
    bi = account(server, 'bi_readonly')
    change_role(cli, bi['account_id'], dcs_v2.AclAccountRoleModifyBody(account_role='write'))
    expect_error(lambda: change_role(cli, bi['account_id'], dcs_v2.AclAccountRoleModifyBody(account_role='read')), 400, 'DCS.4026')


def test_busy_instance_and_not_running_instance(server):
    server.run_control('dcs', 'make_busy', {'instance_id': ORDERS, 'count': 2, 'code': 'DCS.4049'})
    cli = client(server)
    bi = account(server, 'bi_readonly')
    body = dcs_v2.AclAccountRoleModifyBody(account_role='write')
    expect_error(lambda: change_role(cli, bi['account_id'], body), 400, 'DCS.4049')
    expect_error(lambda: change_role(cli, bi['account_id'], body), 400, 'DCS.4049')
    assert change_role(cli, bi['account_id'], body).job_id
    legacy = account(server, 'legacy_app', FROZEN)
    expect_error(lambda: change_role(cli, legacy['account_id'], body, instance_id=FROZEN), 400, 'DCS.4049')


def test_instance_status_for_some_reads(server):
    server.run_control('dcs', 'set_instance_status', {'instance_id': ORDERS, 'status': 'RESTARTING', 'reads': 1})
    cli = client(server)
    assert cli.show_instance(dcs_v2.ShowInstanceRequest(instance_id=ORDERS)).status == 'RESTARTING'
    assert cli.show_instance(dcs_v2.ShowInstanceRequest(instance_id=ORDERS)).status == 'RUNNING'


# ---------------------------------------------------------------- UpdateAclAccountRemark

def test_description_change_is_204_and_synchronous(server):
    cli = client(server)
    jdoe = account(server, 'jdoe')
    body = dcs_v2.UpdateAclAccountRemarkRequestBody(description='John Doe (support, EMEA)')
    resp = cli.update_acl_account_remark(dcs_v2.UpdateAclAccountRemarkRequest(instance_id=ORDERS, account_id=jdoe['account_id'], body=body))
    assert isinstance(resp, dcs_v2.UpdateAclAccountRemarkResponse) and resp.status_code == 204
    after = by_name(list_accounts(cli), 'jdoe')
    assert (after.description, after.status) == ('John Doe (support, EMEA)', 'AVAILABLE')
    too_long = dcs_v2.UpdateAclAccountRemarkRequestBody(description='x' * 1025)
    expect_error(lambda: cli.update_acl_account_remark(dcs_v2.UpdateAclAccountRemarkRequest(
        instance_id=ORDERS, account_id=jdoe['account_id'], body=too_long)), 400, 'DCS.4961')


# ---------------------------------------------------------------- ResetAclAccountPassWord

def test_password_reset(server):
    cli = client(server)
    jdoe = account(server, 'jdoe')
    body = dcs_v2.AclAccountResetPasswordBody(new_password='N3w-Passw0rd!')
    resp = cli.reset_acl_account_pass_word(dcs_v2.ResetAclAccountPassWordRequest(instance_id=ORDERS, account_id=jdoe['account_id'], body=body))
    assert isinstance(resp, dcs_v2.ResetAclAccountPassWordResponse)
    assert (resp.code, resp.message, resp.lock_time, resp.lock_time_left) == ('0', 'success', None, None)
    assert by_name(list_accounts(cli), 'jdoe').status == 'UPDATING'
    assert account(server, 'jdoe')['password_sha256'] == hashlib.sha256(b'N3w-Passw0rd!').hexdigest()
    bad = dcs_v2.AclAccountResetPasswordBody(new_password='no:colons:Allowed1')
    expect_error(lambda: cli.reset_acl_account_pass_word(dcs_v2.ResetAclAccountPassWordRequest(
        instance_id=ORDERS, account_id=jdoe['account_id'], body=bad)), 400, 'DCS.4961')


@pytest.mark.parametrize('password', ['Back\\slash-Pass1', 'only\\LETTERS'])  # the 2nd has 3 classes only with it
def test_backslash_is_an_allowed_special(server, password):
    """The SDK's CreateAclAccount / ResetAclAccountPassWord docs list the backslash among the specials."""
    cli = client(server)
    create(cli, password=password)
    assert account(server, 'svc_cart')['password_sha256'] == hashlib.sha256(password.encode()).hexdigest()
    jdoe = account(server, 'jdoe')
    body = dcs_v2.AclAccountResetPasswordBody(new_password=password)
    cli.reset_acl_account_pass_word(dcs_v2.ResetAclAccountPassWordRequest(instance_id=ORDERS, account_id=jdoe['account_id'], body=body))
    assert account(server, 'jdoe')['password_sha256'] == hashlib.sha256(password.encode()).hexdigest()


# ---------------------------------------------------------------- DeleteAclAccount

def test_delete_goes_deleting_then_gone(server):
    cli = client(server)
    jdoe = account(server, 'jdoe')
    resp = cli.delete_acl_account(dcs_v2.DeleteAclAccountRequest(instance_id=ORDERS, account_id=jdoe['account_id']))
    assert isinstance(resp, dcs_v2.DeleteAclAccountResponse) and resp.status_code == 200
    assert by_name(list_accounts(cli), 'jdoe').status == 'DELETING'
    assert by_name(list_accounts(cli), 'jdoe') is None
    expect_error(lambda: cli.delete_acl_account(dcs_v2.DeleteAclAccountRequest(instance_id=ORDERS, account_id=jdoe['account_id'])),
                 404, 'DCS.4962')


def test_default_account_cannot_be_deleted(server):
    cli = client(server)
    default = account(server, 'default')
    expect_error(lambda: cli.delete_acl_account(dcs_v2.DeleteAclAccountRequest(instance_id=ORDERS, account_id=default['account_id'])),
                 400, 'DCS.4961')


def test_async_by_seconds(server):
    server.update_control('dcs', {'async_seconds': 60})
    cli = client(server)
    bi = account(server, 'bi_readonly')
    change_role(cli, bi['account_id'], dcs_v2.AclAccountRoleModifyBody(account_role='write'))
    assert by_name(settle(cli), 'bi_readonly').status == 'UPDATING'


def test_request_log_marks_writes(server):
    cli = client(server)
    list_accounts(cli)
    create(cli)
    log = server.get_log(service='dcs')
    assert [(e['operation'], e['write'], e['signature']) for e in log] == [('ListAclAccounts', False, 'ok'), ('CreateAclAccount', True, 'ok')]
    assert log[1]['params']['account_password'] == '***'
