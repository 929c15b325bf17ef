"""PolarDB standard-account conformance: CreateAccount, DeleteAccount, ModifyAccountDescription, ModifyAccountPassword,
GrantAccountPrivilege, RevokeAccountPrivilege and ModifyAccountLockState driven through the official
alibabacloud-polardb20170801 client; the end state is read back with DescribeAccounts through the same client."""

import hashlib

import pytest

from emulator.clients import alibaba_sdk_client, expect_alibaba_error as expect_error

polardb_client = pytest.importorskip('alibabacloud_polardb20170801.client')
models = pytest.importorskip('alibabacloud_polardb20170801.models')

ORDERS = 'pc-bp1orders0prod01'
LEGACY_STOPPED = 'pc-bp1legacy0crm004'
PASSWORD = 'New-Passw0rd=7'


def client(server):
    return alibaba_sdk_client(polardb_client.Client, server)


def account(cli, name, cluster_id=ORDERS):
    body = cli.describe_accounts(models.DescribeAccountsRequest(dbcluster_id=cluster_id, account_name=name)).body
    return body.accounts[0] if body.accounts else None


def privileges(acc):
    return {(p.dbname, p.account_privilege) for p in acc.database_privileges}


def test_create_grant_revoke_lock_describe_delete(server):
    cli = client(server)
    created = cli.create_account(models.CreateAccountRequest(
        dbcluster_id=ORDERS, account_name='kpatel', account_password=PASSWORD, account_type='Normal',
        account_description='Kiran Patel', dbname='orders,payments', account_privilege='ReadOnly,DMLOnly'))
    assert created.body.request_id and created.status_code == 200
    acc = account(cli, 'kpatel')
    assert (acc.account_type, acc.account_status, acc.account_lock_state, acc.account_description) == ('Normal', 'Available', 'UnLock', 'Kiran Patel')
    assert privileges(acc) == {('orders', 'ReadOnly'), ('payments', 'DMLOnly')}
    stored = [p for p in server.get_state('polardb')['passwords'] if p['AccountName'] == 'kpatel']
    assert stored[-1]['PasswordSha256'] == hashlib.sha256(PASSWORD.encode()).hexdigest()

    cli.grant_account_privilege(models.GrantAccountPrivilegeRequest(dbcluster_id=ORDERS, account_name='kpatel', dbname='orders_archive',
                                                                    account_privilege='ReadIndex'))
    cli.revoke_account_privilege(models.RevokeAccountPrivilegeRequest(dbcluster_id=ORDERS, account_name='kpatel', dbname='orders,payments'))
    assert privileges(account(cli, 'kpatel')) == {('orders_archive', 'ReadIndex')}

    cli.modify_account_lock_state(models.ModifyAccountLockStateRequest(dbcluster_id=ORDERS, account_name='kpatel', account_lock_state='Lock'))
    assert account(cli, 'kpatel').account_lock_state == 'Lock'
    cli.modify_account_lock_state(models.ModifyAccountLockStateRequest(dbcluster_id=ORDERS, account_name='kpatel', account_lock_state='UnLock'))
    assert account(cli, 'kpatel').account_lock_state == 'UnLock'

    cli.modify_account_description(models.ModifyAccountDescriptionRequest(dbcluster_id=ORDERS, account_name='kpatel',
                                                                          account_description='Kiran Patel (left)'))
    assert account(cli, 'kpatel').account_description == 'Kiran Patel (left)'
    cli.modify_account_password(models.ModifyAccountPasswordRequest(dbcluster_id=ORDERS, account_name='kpatel', new_account_password='Other-Passw0rd=8'))
    assert server.get_state('polardb')['passwords'][-1]['PasswordSha256'] == hashlib.sha256(b'Other-Passw0rd=8').hexdigest()

    assert cli.delete_account(models.DeleteAccountRequest(dbcluster_id=ORDERS, account_name='kpatel')).body.request_id
    assert account(cli, 'kpatel') is None


def test_grant_is_idempotent_and_replaces_a_privilege(server):
    cli = client(server)
    for _attempt in range(2):
        cli.grant_account_privilege(models.GrantAccountPrivilegeRequest(dbcluster_id=ORDERS, account_name='jdoe', dbname='orders',
                                                                        account_privilege='ReadWrite'))
    assert privileges(account(cli, 'jdoe')) == {('orders', 'ReadWrite')}


def test_documented_errors(server):
    cli = client(server)
    expect_error(lambda: cli.create_account(models.CreateAccountRequest(dbcluster_id=ORDERS, account_name='jdoe', account_password=PASSWORD,
                                                                        account_type='Normal')), 400, 'InvalidAccountName.Duplicate')
    expect_error(lambda: cli.create_account(models.CreateAccountRequest(dbcluster_id=ORDERS, account_name='Bad-Name', account_password=PASSWORD,
                                                                        account_type='Normal')), 400, 'InvalidAccountName.Malformed')
    expect_error(lambda: cli.create_account(models.CreateAccountRequest(dbcluster_id=ORDERS, account_name='newbie', account_password='short',
                                                                        account_type='Normal')), 400, 'InvalidAccountPassword.Malformed')
    expect_error(lambda: cli.create_account(models.CreateAccountRequest(dbcluster_id=ORDERS, account_name='second_admin', account_password=PASSWORD)),
                 400, 'InvalidAccountType.Duplicate')
    expect_error(lambda: cli.revoke_account_privilege(models.RevokeAccountPrivilegeRequest(dbcluster_id=ORDERS, account_name='jdoe', dbname='bad db')),
                 400, 'InvalidDBName.Malformed')
    expect_error(lambda: cli.grant_account_privilege(models.GrantAccountPrivilegeRequest(dbcluster_id=ORDERS, account_name='dba_admin', dbname='orders',
                                                                                         account_privilege='ReadOnly')), 400, 'InvalidAccountName.Malformed')
    expect_error(lambda: cli.grant_account_privilege(models.GrantAccountPrivilegeRequest(dbcluster_id=ORDERS, account_name='jdoe', dbname='orders',
                                                                                         account_privilege='Everything')),
                 400, 'InvalidAccountPrivilege.Malformed')
    expect_error(lambda: cli.delete_account(models.DeleteAccountRequest(dbcluster_id=ORDERS, account_name='nobody')), 404, 'InvalidAccountName.NotFound')
    expect_error(lambda: cli.delete_account(models.DeleteAccountRequest(dbcluster_id='pc-doesnotexist1', account_name='jdoe')), 404,
                 'InvalidDBClusterId.NotFound')
    expect_error(lambda: cli.delete_account(models.DeleteAccountRequest(dbcluster_id=LEGACY_STOPPED, account_name='app_crm')), 403,
                 'OperationDenied.DBClusterStatus')
    expect_error(lambda: cli.modify_account_lock_state(models.ModifyAccountLockStateRequest(dbcluster_id=ORDERS, account_name='jdoe',
                                                                                            account_lock_state='Frozen')),
                 400, 'InvalidAccountLockState.Malformed')
    expect_error(lambda: cli.modify_account_description(models.ModifyAccountDescriptionRequest(dbcluster_id=ORDERS, account_name='jdoe',
                                                                                               account_description='https://x')), 400,
                 'InvalidAccountDescription.Malformed')
    server.run_control('polardb', 'make_busy', {'cluster_id': ORDERS, 'count': 1})
    expect_error(lambda: cli.delete_account(models.DeleteAccountRequest(dbcluster_id=ORDERS, account_name='jdoe')), 400, 'ConcurrentTaskExceeded')
    assert account(cli, 'jdoe') is not None
