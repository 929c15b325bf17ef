"""Bastionhost conformance: every emulated action driven through the official alibabacloud-yundun-bastionhost20191209
client, which must parse the emulator's answers into its models with the right values; errors surface as the SDK's
exceptions with the right codes. The emulator checks every signature (V3 by default, V2 when the SDK is set to it)
with alibabacloud_openapi_util, and the SDK itself encodes ``Databases`` (the flat Databases.N.… form).
"""

import pytest

from emulator.clients import alibaba_request, alibaba_sdk_client, expect_alibaba_error as expect_error

bastion_client = pytest.importorskip('alibabacloud_yundun_bastionhost20191209.client')
models = pytest.importorskip('alibabacloud_yundun_bastionhost20191209.models')
sdk_exceptions = pytest.importorskip('alibabacloud_tea_openapi.exceptions')

PROD = 'bastionhost-cn-emu0prod01'
BULK = 'bastionhost-cn-emu0bulk01'
APAC = 'bastionhost-sg-emu0apac01'
REGION = 'cn-hangzhou'
VERSION = '2019-12-09'


def client(server, **config):
    return alibaba_sdk_client(bastion_client.Client, server, **config)


def grants(server, instance_id, key='UserGrants'):
    instance = next(i for i in server.get_state('bastionhost')['instances'] if i['InstanceId'] == instance_id)
    return instance[key]


def db(database_id, *accounts, group=False):
    cls = models.AttachDatabaseAccountsToUserGroupRequestDatabases if group else models.AttachDatabaseAccountsToUserRequestDatabases
    return cls(database_id=database_id, database_account_ids=list(accounts) or None)


def detach_db(database_id, *accounts, group=False):
    cls = models.DetachDatabaseAccountsFromUserGroupRequestDatabases if group else models.DetachDatabaseAccountsFromUserRequestDatabases
    return cls(database_id=database_id, database_account_ids=list(accounts) or None)


# ---------------------------------------------------------------------------------------------- catalogue reads

def test_list_users_parses_into_the_model(server):
    resp = client(server).list_users(models.ListUsersRequest(instance_id=PROD, region_id=REGION, page_size='100'))
    body = resp.body
    assert resp.status_code == 200 and body.request_id and body.total_count == 7
    jdoe = body.users[0]
    assert (jdoe.user_id, jdoe.user_name, jdoe.display_name, jdoe.source) == ('1', 'jdoe', 'John Doe', 'Local')
    assert jdoe.user_state == ['Normal'] and isinstance(jdoe.effective_end_time, int) and jdoe.need_reset_password is False
    frozen = next(u for u in body.users if u.user_name == 'emartin')
    assert frozen.user_state == ['Frozen']


def test_list_users_filters_exactly_and_pages(server):
    sdk = client(server)
    one = sdk.list_users(models.ListUsersRequest(instance_id=PROD, region_id=REGION, user_name='jdoe')).body
    assert one.total_count == 1 and one.users[0].user_id == '1'
    assert sdk.list_users(models.ListUsersRequest(instance_id=PROD, user_name='jdo')).body.total_count == 0
    ram = sdk.list_users(models.ListUsersRequest(instance_id=PROD, source='Ram')).body
    assert sorted(u.user_name for u in ram.users) == ['dkim', 'ops_robot']
    members = sdk.list_users(models.ListUsersRequest(instance_id=PROD, user_group_id='1')).body
    assert sorted(u.user_name for u in members.users) == ['asmith', 'cgarcia']
    page = sdk.list_users(models.ListUsersRequest(instance_id=PROD, page_number='2', page_size='3')).body
    assert page.total_count == 7 and [u.user_id for u in page.users] == ['4', '5', '6']
    default = sdk.list_users(models.ListUsersRequest(instance_id=PROD)).body
    assert len(default.users) == 7


def test_list_user_groups(server):
    body = client(server).list_user_groups(models.ListUserGroupsRequest(instance_id=PROD, region_id=REGION, user_group_name='dba-oncall')).body
    assert body.total_count == 1
    group = body.user_groups[0]
    assert (group.user_group_id, group.user_group_name, group.comment, group.member_count) == ('1', 'dba-oncall', 'DBA on-call rotation', 2)


def test_list_databases_default_page_and_all_pages(server):
    sdk = client(server)
    first = sdk.list_databases(models.ListDatabasesRequest(instance_id=BULK, region_id=REGION)).body
    assert first.total_count == 120 and len(first.databases) == 20        # PageSize default 20
    seen = []
    for number in (1, 2):
        page = sdk.list_databases(models.ListDatabasesRequest(instance_id=BULK, page_number=str(number), page_size='100')).body
        seen.extend(d.database_id for d in page.databases)
    assert len(seen) == 120 and len(set(seen)) == 120
    prod = sdk.list_databases(models.ListDatabasesRequest(instance_id=PROD, database_type='PostgreSQL')).body
    assert sorted(d.database_name for d in prod.databases) == ['analytics-dw', 'reporting']
    orders = next(d for d in sdk.list_databases(models.ListDatabasesRequest(instance_id=PROD, page_size='100')).body.databases if d.database_id == '1')
    assert (orders.database_name, orders.database_type, orders.database_port, orders.database_private_address) == ('orders-prod', 'MySQL', 3306, '10.0.3.21')
    assert (orders.source, orders.source_instance_id) == ('Rds', 'rm-bp1orders0001')
    assert (orders.active_address_type, orders.source_instance_state) == ('Private', 'Normal')


def test_list_database_accounts(server):
    sdk = client(server)
    body = sdk.list_database_accounts(models.ListDatabaseAccountsRequest(instance_id=PROD, region_id=REGION, database_id='5')).body
    assert body.total_count == 3
    etl = body.database_accounts[0]
    assert (etl.database_account_id, etl.database_account_name, etl.database_id) == ('51', 'etl_loader', '5')
    assert (etl.database_schema, etl.has_password) == ('staging', 'true')
    named = sdk.list_database_accounts(models.ListDatabaseAccountsRequest(instance_id=PROD, database_account_name='bi_readonly', page_size='100')).body
    assert sorted(a.database_id for a in named.database_accounts) == ['1', '2', '3', '5', '9']
    expect_error(lambda: sdk.list_database_accounts(models.ListDatabaseAccountsRequest(instance_id=PROD, database_id='404')), 404, 'OBJECT_NOT_FOUND')


# ---------------------------------------------------------------------------------------------- grant reads

def test_list_databases_and_accounts_for_user(server):
    sdk = client(server)
    body = sdk.list_databases_for_user(models.ListDatabasesForUserRequest(instance_id=PROD, region_id=REGION, user_id='2', page_size='100')).body
    assert body.total_count == 3 and [d.database_id for d in body.databases] == ['1', '3', '5']
    assert body.databases[0].database_name == 'orders-prod' and body.databases[0].database_port == 3306
    accounts = sdk.list_database_accounts_for_user(models.ListDatabaseAccountsForUserRequest(
        instance_id=PROD, region_id=REGION, user_id='2', database_id='1', page_size='100')).body
    assert accounts.total_count == 4                                          # every account of the database, flagged
    flags = dict((a.database_account_name, a.is_authorized) for a in accounts.database_accounts)
    assert flags == {'app_orders': False, 'bi_readonly': False, 'dba_admin': True, 'svc_reporting': False}
    assert all(a.protocol_name == 'MySQL' and a.database_id == '1' for a in accounts.database_accounts)
    only = sdk.list_database_accounts_for_user(models.ListDatabaseAccountsForUserRequest(
        instance_id=PROD, user_id='2', database_id='1', database_account_name='dba_admin')).body
    assert only.total_count == 1 and only.database_accounts[0].is_authorized is True
    named = sdk.list_databases_for_user(models.ListDatabasesForUserRequest(instance_id=PROD, user_id='2', database_name='payments-prod')).body
    assert [d.database_id for d in named.databases] == ['3']
    assert sdk.list_databases_for_user(models.ListDatabasesForUserRequest(instance_id=PROD, user_id='1')).body.total_count == 0


def test_list_databases_and_accounts_for_user_group(server):
    sdk = client(server)
    body = sdk.list_databases_for_user_group(models.ListDatabasesForUserGroupRequest(instance_id=PROD, region_id=REGION, user_group_id='1')).body
    assert [(d.database_id, d.database_account_count) for d in body.databases] == [('1', 1), ('3', 1)]
    accounts = sdk.list_database_accounts_for_user_group(models.ListDatabaseAccountsForUserGroupRequest(
        instance_id=PROD, region_id=REGION, user_group_id='2', database_id='5')).body
    assert dict((a.database_account_id, a.is_authorized) for a in accounts.database_accounts) == {'51': False, '52': True, '53': False}
    assert accounts.database_accounts[0].protocol_name == 'PostgreSQL'


def test_unknown_objects_and_bad_paging_are_errors(server):
    sdk = client(server)
    expect_error(lambda: sdk.list_databases_for_user(models.ListDatabasesForUserRequest(instance_id=PROD, user_id='404')), 404, 'OBJECT_NOT_FOUND')
    expect_error(lambda: sdk.list_databases_for_user_group(models.ListDatabasesForUserGroupRequest(instance_id=PROD, user_group_id='404')),
                 404, 'OBJECT_NOT_FOUND')
    expect_error(lambda: sdk.list_database_accounts_for_user(models.ListDatabaseAccountsForUserRequest(instance_id=PROD, user_id='2', database_id='404')),
                 404, 'OBJECT_NOT_FOUND')
    expect_error(lambda: sdk.list_database_accounts_for_user(models.ListDatabaseAccountsForUserRequest(instance_id=PROD, user_id='2')),
                 400, 'MissingParameter')
    expect_error(lambda: sdk.list_users(models.ListUsersRequest(instance_id='bastionhost-cn-nope')), 404, 'OBJECT_NOT_FOUND')
    expect_error(lambda: sdk.list_users(models.ListUsersRequest(instance_id=APAC, region_id=REGION)), 404, 'OBJECT_NOT_FOUND')
    assert sdk.list_users(models.ListUsersRequest(instance_id=APAC, region_id='ap-southeast-1')).body.total_count == 1
    expect_error(lambda: sdk.list_users(models.ListUsersRequest(instance_id=PROD, page_size='101')), 400, 'InvalidParameter')
    expect_error(lambda: sdk.list_users(models.ListUsersRequest(region_id=REGION)), 400, 'MissingParameter')


# ---------------------------------------------------------------------------------------------- grant writes

def test_attach_to_user_flat_encoding_and_per_item_codes(server):
    sdk = client(server)
    request = models.AttachDatabaseAccountsToUserRequest(instance_id=PROD, region_id=REGION, user_id='1',
                                                         databases=[db('1', '11', '12'), db('4'), db('404', '1'), db('2', '99')])
    body = sdk.attach_database_accounts_to_user(request).body
    assert body.request_id
    results = dict((r.database_id, r) for r in body.results)
    assert (results['1'].code, results['1'].user_id) == ('OK', '1')
    assert [(a.database_account_id, a.code) for a in results['1'].database_accounts] == [('11', 'OK'), ('12', 'OK')]
    assert results['4'].code == 'OK' and results['4'].database_accounts == []
    assert results['404'].code == 'OBJECT_NOT_FOUND' and results['404'].database_accounts[0].code == 'OBJECT_NOT_FOUND'
    assert results['2'].code == 'OK' and results['2'].database_accounts[0].code == 'OBJECT_NOT_FOUND'
    assert grants(server, PROD)['1'] == {'1': ['11', '12'], '4': [], '2': []}
    entry = server.get_log(operation='AttachDatabaseAccountsToUser')[-1]
    assert entry['write'] and entry['signature'] == 'ok'
    assert entry['params']['Databases.1.DatabaseAccountIds.2'] == '12' and entry['params']['Databases.2.DatabaseId'] == '4'
    assert 'Databases.2.DatabaseAccountIds.1' not in entry['params']


def test_detach_from_user_accounts_only_or_whole_database(server):
    sdk = client(server)
    body = sdk.detach_database_accounts_from_user(models.DetachDatabaseAccountsFromUserRequest(
        instance_id=PROD, region_id=REGION, user_id='3', databases=[detach_db('5', '53')])).body
    assert body.results[0].code == 'OK' and body.results[0].database_accounts[0].database_account_id == '53'
    assert grants(server, PROD)['3'] == {'5': ['52']}                     # the database stays, one account left
    sdk.detach_database_accounts_from_user(models.DetachDatabaseAccountsFromUserRequest(
        instance_id=PROD, user_id='2', databases=[detach_db('1'), detach_db('6')]))
    assert sorted(grants(server, PROD)['2']) == ['3', '5']               # database 1 and all its accounts are gone; 6 was a no-op


def test_user_group_twins(server):
    sdk = client(server)
    body = sdk.attach_database_accounts_to_user_group(models.AttachDatabaseAccountsToUserGroupRequest(
        instance_id=PROD, region_id=REGION, user_group_id='3', databases=[db('9', '91', '92', group=True)])).body
    assert (body.results[0].code, body.results[0].user_group_id) == ('OK', '3')
    assert grants(server, PROD, 'UserGroupGrants')['3'] == {'9': ['91', '92']}
    body = sdk.detach_database_accounts_from_user_group(models.DetachDatabaseAccountsFromUserGroupRequest(
        instance_id=PROD, region_id=REGION, user_group_id='3', databases=[detach_db('9', '92', group=True)])).body
    assert body.results[0].database_accounts[0].code == 'OK'
    assert grants(server, PROD, 'UserGroupGrants')['3'] == {'9': ['91']}


def test_limits_are_enforced(server):
    sdk = client(server)
    eleven_databases = [db(str(1001 + i)) for i in range(11)]
    expect_error(lambda: sdk.attach_database_accounts_to_user(models.AttachDatabaseAccountsToUserRequest(
        instance_id=BULK, user_id='1', databases=eleven_databases)), 400, 'InvalidParameter')
    eleven_accounts = [db('1001', *[str(50001 + i) for i in range(11)])]
    expect_error(lambda: sdk.attach_database_accounts_to_user(models.AttachDatabaseAccountsToUserRequest(
        instance_id=BULK, user_id='1', databases=eleven_accounts)), 400, 'InvalidParameter')
    expect_error(lambda: sdk.attach_database_accounts_to_user(models.AttachDatabaseAccountsToUserRequest(
        instance_id=BULK, user_id='1', databases=[db('1001'), db('1001', '50001')])), 400, 'InvalidParameter')
    assert grants(server, BULK) == {}
    ten_by_ten = [db(str(1001 + i), *[str(50001 + 12 * i + j) for j in range(10)]) for i in range(10)]
    body = sdk.attach_database_accounts_to_user(models.AttachDatabaseAccountsToUserRequest(instance_id=BULK, user_id='1', databases=ten_by_ten)).body
    assert len(body.results) == 10 and all(r.code == 'OK' and len(r.database_accounts) == 10 for r in body.results)
    expect_error(lambda: sdk.attach_database_accounts_to_user(models.AttachDatabaseAccountsToUserRequest(
        instance_id=PROD, user_id='404', databases=[db('1')])), 404, 'OBJECT_NOT_FOUND')


def test_strict_mode_caps_the_accounts_of_one_call(server):
    """max_accounts_per_call: a call over the total cap is refused whole (InvalidParameter naming count and limit)."""
    sdk = client(server)
    server.update_control('bastionhost', {'max_accounts_per_call': 10})
    two_by_six = [db(str(1001 + i), *[str(50001 + 12 * i + j) for j in range(6)]) for i in range(2)]
    err = expect_error(lambda: sdk.attach_database_accounts_to_user(models.AttachDatabaseAccountsToUserRequest(
        instance_id=BULK, user_id='1', databases=two_by_six)), 400, 'InvalidParameter')
    assert 'at most 10 database accounts per call in total, got 12' in err.message
    assert grants(server, BULK) == {}
    one_by_ten = [db('1001', *[str(50001 + j) for j in range(10)]), db('1002')]  # a whole database counts no account
    body = sdk.attach_database_accounts_to_user(models.AttachDatabaseAccountsToUserRequest(instance_id=BULK, user_id='1', databases=one_by_ten)).body
    assert [r.code for r in body.results] == ['OK', 'OK']
    assert len(grants(server, BULK)['1']['1001']) == 10
    server.update_control('bastionhost', {'max_accounts_per_call': None})
    sdk.attach_database_accounts_to_user(models.AttachDatabaseAccountsToUserRequest(instance_id=BULK, user_id='1', databases=two_by_six))
    assert len(grants(server, BULK)['1']['1002']) == 6


def test_databases_as_a_json_string_is_refused(server):
    resp = alibaba_request(server.url, 'AttachDatabaseAccountsToUser', VERSION,
                           query={'InstanceId': PROD, 'UserId': '1', 'Databases': '[{"DatabaseId":"1"}]'})
    assert resp.status_code == 400 and resp.json()['Code'] == 'InvalidParameter'


def test_fail_items_hook_fails_chosen_items_once(server):
    sdk = client(server)
    server.run_control('bastionhost', 'fail_items', {'items': [
        {'database_id': '1', 'account_id': '12', 'code': 'UNEXPECTED', 'message': 'backend hiccup'},
        {'database_id': '3', 'code': 'INVALID_ARGUMENT', 'operation': 'AttachDatabaseAccountsToUser'}]})
    request = models.AttachDatabaseAccountsToUserRequest(instance_id=PROD, user_id='1', databases=[db('1', '11', '12'), db('3', '31')])
    results = dict((r.database_id, r) for r in sdk.attach_database_accounts_to_user(request).body.results)
    assert results['1'].code == 'OK'
    assert [(a.database_account_id, a.code, a.message) for a in results['1'].database_accounts] == [('11', 'OK', ''), ('12', 'UNEXPECTED', 'backend hiccup')]
    assert results['3'].code == 'INVALID_ARGUMENT' and results['3'].database_accounts[0].code == 'INVALID_ARGUMENT'
    assert grants(server, PROD)['1'] == {'1': ['11']}                     # failed items are not applied
    results = dict((r.database_id, r) for r in sdk.attach_database_accounts_to_user(request).body.results)
    assert results['3'].code == 'OK' and all(a.code == 'OK' for a in results['1'].database_accounts)
    assert grants(server, PROD)['1'] == {'1': ['11', '12'], '3': ['31']}


def test_v2_signature_is_accepted_and_a_bad_secret_refused(server):
    sdk = client(server, signature_algorithm='v2')
    assert sdk.list_user_groups(models.ListUserGroupsRequest(instance_id=PROD, region_id=REGION)).body.total_count == 3
    bad = client(server, access_key_secret='not-the-secret')
    with pytest.raises(sdk_exceptions.AlibabaCloudException) as info:
        bad.list_users(models.ListUsersRequest(instance_id=PROD))
    assert info.value.code == 'SignatureDoesNotMatch' or 'Signature' in str(info.value.code)
