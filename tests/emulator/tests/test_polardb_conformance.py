"""PolarDB conformance: every emulated PolarDB action driven through the official alibabacloud-polardb20170801 client.

The SDK must parse the emulator's answers into its models with the right values, and errors must surface as the
SDK's exceptions with the documented codes. The emulator checks every signature (V3 ACS3-HMAC-SHA256 by default,
V2 HMAC-SHA1 when the SDK is configured for it) with alibabacloud_openapi_util.
"""

import hashlib

import pytest

from emulator.clients import alibaba_sdk_client, expect_alibaba_error as expect_error

polardb_client = pytest.importorskip('alibabacloud_polardb20170801.client')
models = pytest.importorskip('alibabacloud_polardb20170801.models')
pytest.importorskip('alibabacloud_tea_openapi.exceptions')

ORDERS = 'pc-bp1orders0prod01'
BILLING = 'pc-bp1billing0stg02'
ANALYTICS_PG = 'pc-bp1analytics0pg3'
LEGACY_STOPPED = 'pc-bp1legacy0crm004'
SAAS = 'pc-bp1saas0tenants6'
PASSWORD = 'Reset-Passw0rd=9'


def client(server, **config):
    return alibaba_sdk_client(polardb_client.Client, server, **config)


def seeded_cluster(server, cluster_id):
    return next(c for c in server.get_state('polardb')['clusters'] if c['DBClusterId'] == cluster_id)


def control(server, hook, **body):
    return server.run_control('polardb', hook, body)


def describe_accounts(cli, cluster_id, **kwargs):
    return cli.describe_accounts(models.DescribeAccountsRequest(dbcluster_id=cluster_id, **kwargs)).body


def reset(cli, cluster_id, name, password=None):
    return cli.reset_account(models.ResetAccountRequest(dbcluster_id=cluster_id, account_name=name, account_password=password))


# ---------------------------------------------------------------- DescribeDBClusters

def test_describe_dbclusters_parses_items_and_totals(server):
    body = client(server).describe_dbclusters(models.DescribeDBClustersRequest(region_id='cn-hangzhou')).body
    expected = [c for c in server.get_state('polardb')['clusters'] if c['RegionId'] == 'cn-hangzhou']
    assert body.total_record_count == len(expected) and body.page_record_count == len(expected) and body.page_number == 1
    assert [c.dbcluster_id for c in body.items.dbcluster] == [c['DBClusterId'] for c in expected]
    orders = body.items.dbcluster[0]
    assert (orders.dbtype, orders.dbversion, orders.dbcluster_status, orders.engine) == ('MySQL', '8.0', 'Running', 'POLARDB')
    assert orders.dbcluster_description == 'orders production' and orders.region_id == 'cn-hangzhou'
    assert orders.dbnode_number == 2 and [n.dbnode_role for n in orders.dbnodes.dbnode] == ['Writer', 'Reader']
    assert {(t.key, t.value) for t in orders.tags.tag} == {('env', 'prod'), ('team', 'orders')}
    assert orders.deletion_lock == 0 and orders.expired == 'false' and orders.lock_mode == 'Unlock'


def test_describe_dbclusters_filters(server):
    cli = client(server)
    pg = cli.describe_dbclusters(models.DescribeDBClustersRequest(region_id='cn-hangzhou', dbtype='PostgreSQL')).body
    assert [c.dbcluster_id for c in pg.items.dbcluster] == [ANALYTICS_PG]
    some = cli.describe_dbclusters(models.DescribeDBClustersRequest(region_id='cn-hangzhou', dbcluster_ids=f'{ORDERS},{BILLING}')).body
    assert sorted(c.dbcluster_id for c in some.items.dbcluster) == sorted([ORDERS, BILLING]) and some.total_record_count == 2
    stopped = cli.describe_dbclusters(models.DescribeDBClustersRequest(region_id='cn-hangzhou', dbcluster_status='Stopped')).body
    assert [c.dbcluster_id for c in stopped.items.dbcluster] == [LEGACY_STOPPED]
    tagged = cli.describe_dbclusters(models.DescribeDBClustersRequest(
        region_id='cn-hangzhou', tag=[models.DescribeDBClustersRequestTag(key='team', value='billing')])).body
    assert [c.dbcluster_id for c in tagged.items.dbcluster] == [BILLING]
    shanghai = cli.describe_dbclusters(models.DescribeDBClustersRequest(region_id='cn-shanghai')).body
    assert [c.dbcluster_id for c in shanghai.items.dbcluster] == ['pc-uf6payments0sh07']


def test_describe_dbclusters_pages_and_limits(server):
    cli = client(server)
    page2 = cli.describe_dbclusters(models.DescribeDBClustersRequest(region_id='cn-hangzhou', page_size=30, page_number=2)).body
    assert page2.page_number == 2 and page2.page_record_count == 0 and page2.items.dbcluster == [] and page2.total_record_count == 6
    expect_error(lambda: cli.describe_dbclusters(models.DescribeDBClustersRequest(region_id='cn-hangzhou', page_size=20)),
                 400, 'InvalidPageSize.Malformed')
    expect_error(lambda: cli.describe_dbclusters(models.DescribeDBClustersRequest()), 400, 'MissingParameter')


# ---------------------------------------------------------------- DescribeDBClusterAttribute

def test_describe_dbcluster_attribute_parses(server):
    body = client(server).describe_dbcluster_attribute(models.DescribeDBClusterAttributeRequest(dbcluster_id=ORDERS)).body
    assert body.dbcluster_id == ORDERS and body.dbtype == 'MySQL' and body.dbversion == '8.0' and body.dbcluster_status == 'Running'
    assert body.region_id == 'cn-hangzhou' and body.zone_ids == 'cn-hangzhou-i' and body.category == 'Normal' and body.engine == 'POLARDB'
    assert body.deletion_lock == 0 and body.expired == 'false' and body.lock_mode == 'Unlock' and body.pay_type == 'Postpaid'
    assert [(n.dbnode_role, n.dbnode_status) for n in body.dbnodes] == [('Writer', 'Running'), ('Reader', 'Running')]
    assert body.dbnodes[0].max_connections == 8000 and body.dbnodes[0].failover_priority == 1
    assert {(t.key, t.value) for t in body.tags} == {('env', 'prod'), ('team', 'orders')}
    assert body.request_id
    pg = client(server).describe_dbcluster_attribute(models.DescribeDBClusterAttributeRequest(dbcluster_id=ANALYTICS_PG)).body
    assert (pg.dbtype, pg.dbversion) == ('PostgreSQL', '14')


def test_describe_dbcluster_attribute_errors(server):
    cli = client(server)
    expect_error(lambda: cli.describe_dbcluster_attribute(models.DescribeDBClusterAttributeRequest(dbcluster_id='pc-doesnotexist1')),
                 404, 'InvalidDBClusterId.NotFound')
    expect_error(lambda: cli.describe_dbcluster_attribute(models.DescribeDBClusterAttributeRequest(dbcluster_id='rm-notpolardb')),
                 404, 'InvalidDBClusterId.Malformed')
    expect_error(lambda: cli.describe_dbcluster_attribute(models.DescribeDBClusterAttributeRequest()), 400, 'MissingParameter')


def test_cluster_status_hook_is_seen_through_the_sdk(server):
    cli = client(server)
    control(server, 'cluster_status', cluster_id=BILLING, status='Rebooting', reads=2)

    def status():
        return cli.describe_dbcluster_attribute(models.DescribeDBClusterAttributeRequest(dbcluster_id=BILLING)).body.dbcluster_status
    assert [status(), status(), status(), status()] == ['Rebooting', 'Rebooting', 'Running', 'Running']


# ---------------------------------------------------------------- DescribeAccounts

def test_describe_accounts_parses_models(server):
    body = describe_accounts(client(server), ORDERS)
    seeded = seeded_cluster(server, ORDERS)['Accounts']
    assert body.page_number == 1 and body.page_record_count == len(seeded) and body.request_id
    assert [a.account_name for a in body.accounts] == [a['AccountName'] for a in seeded]
    admin, app = body.accounts[0], body.accounts[1]
    assert (admin.account_type, admin.account_status, admin.account_lock_state) == ('Super', 'Available', 'UnLock')
    assert admin.account_description == 'cluster administrator' and admin.account_password_valid_time == 'undefined'
    assert admin.database_privileges == []
    assert app.account_type == 'Normal'
    assert [(p.dbname, p.account_privilege) for p in app.database_privileges] == [('orders', 'ReadWrite'), ('orders_archive', 'ReadOnly')]
    by_name = {a.account_name: a for a in body.accounts}
    assert by_name['asmith'].account_lock_state == 'Lock' and by_name['audit_ro'].account_type == 'ReadOnly'


def test_describe_accounts_pages_without_total(server):
    cli = client(server)
    names = [a['AccountName'] for a in seeded_cluster(server, SAAS)['Accounts']]
    assert len(names) == 250
    pages = [describe_accounts(cli, SAAS, page_size=100, page_number=n) for n in (1, 2, 3, 4)]
    assert [p.page_record_count for p in pages] == [100, 100, 50, 0]
    assert [a.account_name for p in pages for a in p.accounts] == names
    assert 'TotalRecordCount' not in pages[0].to_map() and 'TotalCount' not in pages[0].to_map()
    default = describe_accounts(cli, SAAS)
    assert default.page_record_count == 30 and [a.account_name for a in default.accounts] == names[:30]
    fifty = describe_accounts(cli, SAAS, page_size=50, page_number=5)
    assert [a.account_name for a in fifty.accounts] == names[200:250]
    tenant = [a for a in default.accounts if a.account_name.startswith('tenant_')][0]
    assert [(p.dbname, p.account_privilege) for p in tenant.database_privileges] == [('tenants', 'ReadOnly')]


def test_describe_accounts_name_filter_and_errors(server):
    cli = client(server)
    one = describe_accounts(cli, ORDERS, account_name='jdoe')
    assert [a.account_name for a in one.accounts] == ['jdoe'] and one.page_record_count == 1
    assert describe_accounts(cli, ORDERS, account_name='jdo').accounts == []
    expect_error(lambda: describe_accounts(cli, ORDERS, page_size=40), 400, 'InvalidPageSize.Malformed')
    expect_error(lambda: describe_accounts(cli, ORDERS, page_number=0), 400, 'InvalidPageNumber.Malformed')
    expect_error(lambda: describe_accounts(cli, 'pc-doesnotexist1'), 404, 'InvalidDBClusterId.NotFound')


def test_account_status_hook_is_seen_through_the_sdk(server):
    cli = client(server)
    control(server, 'account_status', cluster_id=ORDERS, account_name='dba_admin', status='Creating', reads=1)

    def status():
        return describe_accounts(cli, ORDERS, account_name='dba_admin').accounts[0].account_status
    assert [status(), status()] == ['Creating', 'Available']


# ---------------------------------------------------------------- ResetAccount

def test_reset_account_super(server):
    resp = reset(client(server), ORDERS, 'dba_admin')
    assert resp.status_code == 200 and resp.body.request_id
    resets = server.get_state('polardb')['resets']
    assert resets == [{'DBClusterId': ORDERS, 'AccountName': 'dba_admin', 'Time': resets[0]['Time'], 'RequestId': resp.body.request_id,
                       'PasswordSet': False}]
    write = server.get_log(operation='ResetAccount')[-1]
    assert write['write'] is True and write['signature'] == 'ok' and write['status'] == 200


def test_reset_account_with_password_records_hash_and_redacts_log(server):
    reset(client(server), BILLING, 'polar_root', PASSWORD)
    record = server.get_state('polardb')['resets'][-1]
    assert record['PasswordSet'] and record['PasswordSha256'] == hashlib.sha256(PASSWORD.encode()).hexdigest()
    entry = server.get_log(operation='ResetAccount')[-1]
    assert entry['params']['AccountPassword'] == '***' and PASSWORD not in repr(entry)


def test_reset_account_v2_signature(server):
    resp = reset(client(server, signature_algorithm='v2'), ORDERS, 'dba_admin', PASSWORD)
    assert resp.body.request_id and server.get_log(operation='ResetAccount')[-1]['signature'] == 'ok'


def test_reset_account_refusals(server):
    cli = client(server)
    expect_error(lambda: reset(cli, ORDERS, 'app_orders'), 400, 'InvalidAccountName.Malformed')
    expect_error(lambda: reset(cli, ORDERS, 'Bad-Name'), 400, 'InvalidAccountName.Malformed')
    expect_error(lambda: reset(cli, ORDERS, 'ghost_admin'), 404, 'InvalidAccountName.NotFound')
    expect_error(lambda: reset(cli, ANALYTICS_PG, 'pg_admin'), 403, 'OperationDenied.DBClusterType')
    expect_error(lambda: reset(cli, LEGACY_STOPPED, 'crm_admin'), 403, 'OperationDenied.DBClusterStatus')
    expect_error(lambda: reset(cli, 'pc-doesnotexist1', 'dba_admin'), 404, 'InvalidDBClusterId.NotFound')
    expect_error(lambda: reset(cli, ORDERS, 'dba_admin', 'short1A'), 400, 'InvalidAccountPassword.Malformed')
    expect_error(lambda: reset(cli, ORDERS, 'dba_admin', 'onlylowercase1'), 400, 'InvalidAccountPassword.Malformed')
    expect_error(lambda: reset(cli, ORDERS, 'dba_admin', 'Bad~Passw0rd'), 400, 'InvalidAccountPassword.Malformed')
    expect_error(lambda: cli.reset_account(models.ResetAccountRequest(dbcluster_id=ORDERS)), 400, 'MissingParameter')
    control(server, 'account_status', cluster_id=ORDERS, account_name='dba_admin', status='Creating')
    expect_error(lambda: reset(cli, ORDERS, 'dba_admin'), 403, 'OperationDenied.AccountStatus')
    assert server.get_state('polardb')['resets'] == []


def test_reset_account_busy_then_ok(server):
    cli = client(server)
    control(server, 'make_busy', cluster_id=ORDERS, count=2)
    for _attempt in range(2):
        err = expect_error(lambda: reset(cli, ORDERS, 'dba_admin'), 403, 'ConcurrentTaskExceeded')
        assert 'The number of concurrent tasks exceeds the quota.' in err.message
    assert reset(cli, ORDERS, 'dba_admin').body.request_id
    assert [e['status'] for e in server.get_log(operation='ResetAccount')] == [403, 403, 200]


def test_injected_fault_uses_alibaba_error_shape(server):
    server.add_fault({'service': 'polardb', 'operation': 'ResetAccount', 'kind': 'error', 'status': 403, 'code': 'ConcurrentTaskExceeded',
                      'message': 'The number of concurrent tasks exceeds the quota.'})
    expect_error(lambda: reset(client(server), ORDERS, 'dba_admin'), 403, 'ConcurrentTaskExceeded')
    assert reset(client(server), ORDERS, 'dba_admin').body.request_id


def test_wrong_secret_is_refused(server):
    expect_error(lambda: reset(client(server, access_key_secret='not-the-secret'), ORDERS, 'dba_admin'), 400, 'SignatureDoesNotMatch')
    assert server.get_state('polardb')['resets'] == []
