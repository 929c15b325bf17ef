# -*- coding: utf-8 -*-
# Copyright: dbgov.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""bastion_db_access and bastion_db_access_info: validation, the planner and the module flow against an
in-memory Bastionhost (AlibabaClient.call patched; paging, lookups and per-item codes as documented; no network)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json

import pytest

from ansible_collections.dbgov.cloud.plugins.module_utils import alibabacloud, bastionhost
from ansible_collections.dbgov.cloud.plugins.module_utils.common import ValidationError
from ansible_collections.dbgov.cloud.plugins.module_utils.transport import ApiError
from ansible_collections.dbgov.cloud.plugins.modules import bastion_db_access, bastion_db_access_info
from ansible_collections.dbgov.cloud.tests.unit.plugins.modules.helpers import ALIBABA_ARGS, ALIBABA_SK as SK, operations

IID = 'bastionhost-cn-st220aw0a0c'
WRITES = ('AttachDatabaseAccountsToUser', 'DetachDatabaseAccountsFromUser', 'AttachDatabaseAccountsToUserGroup',
          'DetachDatabaseAccountsFromUserGroup')


class FakeBastion:
    """Users, groups, databases with accounts, and grants; answers the list APIs page by page."""

    def __init__(self):
        self.users = {'1': 'jdoe', '2': 'asmith'}
        self.groups = {'1': 'dba-oncall'}
        self.databases = {'1': ('orders', {'11': 'app_orders', '12': 'bi_readonly', '13': 'dba_admin'}),
                          '2': ('crm', {'21': 'crm_app'}),
                          '3': ('payments', {'31': 'svc_payments', '32': 'bi_readonly'}),
                          '7': ('reporting', {'71': 'report_ro'}),
                          '8': ('reporting', {'81': 'report_ro'}),
                          '9': ('dups', {'91': 'same', '92': 'same'})}
        self.grants = {('user', '2'): {'1': {'13'}, '2': set(), '3': {'31'}}, ('user_group', '1'): {'3': {'32'}}}
        self.calls = []
        self.fail = {}   # (database id, account id or None) -> code

    def add_shards(self, count, accounts_each):
        for n in range(count):
            database_id = str(1000 + n)
            self.databases[database_id] = ('shard-%03d' % n, dict((str(100000 + n * 100 + i), 'svc_%02d' % i) for i in range(accounts_each)))

    def as_method(self):
        fake = self

        def call(client, *args, **kwargs):
            return fake(client, *args, **kwargs)
        return call

    def writes(self):
        return [c for c in self.calls if c[0] in WRITES]

    def __call__(self, client, action, params=None, write=False, idempotent=False, busy_codes=(), deadline=None):
        params = dict(params or {})
        self.calls.append((action, params))
        assert params['InstanceId'] == IID and params['RegionId'] == 'cn-hangzhou'
        alibabacloud.flatten(params)  # what would go on the wire must encode
        kind = 'user_group' if 'UserGroupId' in params else 'user'
        principal = (kind, params.get('UserGroupId') or params.get('UserId'))
        if action == 'ListUsers':
            return self.page(params, 'Users', [dict(UserId=k, UserName=v) for k, v in sorted(self.users.items())
                                               if params.get('UserName') in (None, v)])
        if action == 'ListUserGroups':
            return self.page(params, 'UserGroups', [dict(UserGroupId=k, UserGroupName=v) for k, v in sorted(self.groups.items())
                                                    if params.get('UserGroupName') in (None, v)])
        if action == 'ListDatabases':
            return self.page(params, 'Databases', [dict(DatabaseId=k, DatabaseName=v[0]) for k, v in sorted(self.databases.items())])
        if action.startswith('ListDatabasesFor'):
            held = self.grants.get(principal, {})
            return self.page(params, 'Databases', [dict(DatabaseId=k, DatabaseName=self.databases[k][0]) for k in sorted(held)])
        if action.startswith('ListDatabaseAccountsFor'):
            held = self.grants.get(principal, {}).get(params['DatabaseId'], set())
            accounts = self.databases[params['DatabaseId']][1]
            return self.page(params, 'DatabaseAccounts', [dict(DatabaseAccountId=k, DatabaseAccountName=v, DatabaseId=params['DatabaseId'],
                                                               IsAuthorized=k in held, ProtocolName='MySQL') for k, v in sorted(accounts.items())])
        assert action in WRITES and write and idempotent
        databases = params['Databases']
        assert len(databases) <= 10 and len(set(d['DatabaseId'] for d in databases)) == len(databases)
        held_all = self.grants.setdefault(principal, {})
        results = []
        for entry in databases:
            database_id, accounts = entry['DatabaseId'], entry.get('DatabaseAccountIds')
            assert accounts is None or 1 <= len(accounts) <= 10
            code = self.fail.pop((database_id, None), 'OK')
            result = dict(Code=code, Message='', DatabaseId=database_id, DatabaseAccounts=[])
            results.append(result)
            if code != 'OK':
                continue
            if action.startswith('Attach'):
                held = held_all.setdefault(database_id, set())
            elif accounts is None:
                held_all.pop(database_id, None)
                continue
            else:
                held = held_all.get(database_id, set())
            for account_id in accounts or []:
                account_code = self.fail.pop((database_id, account_id), 'OK')
                if account_code == 'OK':
                    (held.add if action.startswith('Attach') else held.discard)(account_id)
                result['DatabaseAccounts'].append(dict(Code=account_code, Message='', DatabaseAccountId=account_id))
        return dict(RequestId='REQ-%d' % len(self.calls), Results=results)

    @staticmethod
    def page(params, key, items):
        size, number = int(params['PageSize']), int(params['PageNumber'])
        return {key: items[(number - 1) * size:number * size], 'TotalCount': len(items)}


@pytest.fixture
def cloud(fake_alibaba_call):
    fake = FakeBastion()
    fake_alibaba_call(fake.as_method())
    return fake


@pytest.fixture
def run_module(module_runner):
    return module_runner(bastion_db_access.main, ALIBABA_ARGS, instance_id=IID)


@pytest.fixture
def run_info(module_runner):
    return module_runner(bastion_db_access_info.main, ALIBABA_ARGS, instance_id=IID)


def accounts_of(result, database_name):
    for grant in result['grants']:
        if grant['database_name'] == database_name:
            return sorted(a['account_name'] for a in grant['accounts'])
    raise AssertionError('%s not in grants' % database_name)


# ------------------------------------------------------------------ validation (before any request)

def params(**kwargs):
    base = dict(instance_id=IID, user_id=None, user_name='jdoe', user_group_id=None, user_group_name=None,
                databases=[dict(database_id=None, database_name='orders', account_ids=None, account_names=['app_orders'])],
                state='present', exclusive=False)
    base.update(kwargs)
    return base


def item(**kwargs):
    base = dict(database_id=None, database_name=None, account_ids=None, account_names=None)
    base.update(kwargs)
    return base


@pytest.mark.parametrize('kwargs, message', [
    (dict(instance_id='i-123'), 'instance_id'),
    (dict(user_name=None, user_id='12a'), 'user_id'),
    (dict(user_name=''), 'user_name'),
    (dict(databases=[item()]), 'databases[0]: give exactly one of database_id and database_name'),
    (dict(databases=[item(database_id='1', database_name='orders')]), 'databases[0]: give exactly one'),
    (dict(databases=[item(database_id='1'), item(database_id='x1')]), 'databases[1].database_id'),
    (dict(databases=[item(database_id='1', account_ids=['1'], account_names=['a'])]), 'at most one of account_ids and account_names'),
    (dict(databases=[item(database_id='1', account_ids=[])]), 'databases[0].account_ids: an empty list is not allowed'),
    (dict(databases=[item(database_id='1', account_names=[])]), 'databases[0].account_names: an empty list'),
    (dict(databases=[item(database_id='1', account_ids=['7', 'seven'])]), 'databases[0].account_ids'),
    (dict(databases=[item(database_name='x' * 129)]), 'databases[0].database_name'),
    (dict(state='absent', exclusive=True), 'exclusive: only valid with state=present'),
    (dict(databases=None), 'databases: required unless state=present and exclusive=true'),
    (dict(databases=None, state='absent'), 'databases: required'),
])
def test_validation_errors_name_the_option(kwargs, message):
    with pytest.raises(ValidationError) as info:
        bastion_db_access.validate(params(**kwargs))
    assert message in str(info.value)


def test_validation_normalises_and_dedupes():
    items = bastion_db_access.validate(params(databases=[item(database_id='1', account_ids=['3', '2', '3'])]))
    assert items == [dict(index=0, database_id='1', database_name=None, account_ids=['3', '2'], account_names=None)]
    assert bastion_db_access.validate(params(databases=None, exclusive=True)) == []


@pytest.mark.parametrize('args', [
    dict(user_id='1', user_name='jdoe', databases=[dict(database_id='1')]),                 # two principals
    dict(databases=[dict(database_id='1')]),                                                  # no principal
    dict(user_name='jdoe', databases=[dict(account_ids=['1'])]),                              # item with neither id nor name
    dict(user_name='jdoe', databases=[dict(database_id='1', account_ids=[])]),                # empty account list
    dict(user_name='jdoe', databases=[dict(database_id='1', privileges=['x'])]),              # unknown key
    dict(user_name='jdoe', databases=[dict(database_id='1')], state='absent', exclusive=True),
])
def test_bad_input_makes_no_request(cloud, run_module, args):
    res = run_module(**args)
    assert res.failed and cloud.calls == []
    assert SK not in json.dumps(res.result)


# ------------------------------------------------------------------ the planner

def state_with(granted, authorized):
    state = bastionhost.GrantState()
    state.granted = set(granted)
    state.authorized = dict((k, set(v)) for k, v in authorized.items())
    return state


def test_present_adds_only_what_is_missing():
    state = state_with(['1'], {'1': {'11'}})
    detach, attach = bastionhost.compute_changes({'1': {'11', '12'}, '2': set()}, state, 'present', False)
    assert detach == [] and attach == [dict(database_id='1', account_ids=['12']), dict(database_id='2', account_ids=None)]


def test_present_exclusive_revokes_accounts_on_listed_and_whole_unlisted_databases():
    state = state_with(['1', '2', '3'], {'1': {'11', '13'}, '2': set(), '3': {'31'}})
    detach, attach = bastionhost.compute_changes({'1': {'11'}}, state, 'present', True)
    assert attach == []
    assert detach == [dict(database_id='1', account_ids=['13']), dict(database_id='2', account_ids=None), dict(database_id='3', account_ids=None)]


def test_absent_revokes_accounts_only_or_the_whole_database():
    state = state_with(['1', '3'], {'1': {'11', '13'}, '3': {'31'}})
    detach, attach = bastionhost.compute_changes({'1': {'13', '12'}, '3': None, '4': None}, state, 'absent', False)
    assert attach == [] and detach == [dict(database_id='1', account_ids=['13']), dict(database_id='3', account_ids=None)]


def test_nothing_to_do():
    state = state_with(['1'], {'1': {'11'}})
    assert bastionhost.compute_changes({'1': {'11'}}, state, 'present', True) == ([], [])
    assert bastionhost.compute_changes({'1': set()}, state, 'present', False) == ([], [])
    assert bastionhost.compute_changes({'1': {'12'}, '5': None}, state, 'absent', False) == ([], [])


# ------------------------------------------------------------------ the module flow

GRANT_TWO = dict(user_name='jdoe', databases=[dict(database_name='orders', account_names=['app_orders', 'bi_readonly'])])


def test_grant_two_accounts_by_name_then_rerun(cloud, run_module):
    res = run_module(diff=True, **GRANT_TWO)
    assert not res.failed and res.result['changed']
    assert operations(cloud.calls) == [
        'ListUsers', 'ListDatabasesForUser', 'ListDatabases', 'ListDatabaseAccountsForUser',
        'AttachDatabaseAccountsToUser', 'ListDatabasesForUser', 'ListDatabaseAccountsForUser']
    assert cloud.writes()[0][1]['Databases'] == [dict(DatabaseId='1', DatabaseAccountIds=['11', '12'])]
    assert accounts_of(res.result, 'orders') == ['app_orders', 'bi_readonly']
    assert res.result['diff']['before'] == dict(grants=[dict(database_id='1', database_name='orders', authorized=False, accounts=[])])
    assert res.result['diff']['after'] == dict(grants=res.result['grants'])
    assert res.result['actions'][0]['params']['databases'][0]['result'] == 'ok'
    assert res.result['principal'] == dict(type='user', id='1', name='jdoe')
    cloud.calls = []
    res = run_module(**GRANT_TWO)
    assert not res.result['changed'] and res.result['actions'] == [] and cloud.writes() == []


def test_check_mode_reads_but_never_writes_or_rereads(cloud, run_module):
    res = run_module(check_mode=True, diff=True, **GRANT_TWO)
    assert res.result['changed'] and cloud.writes() == []
    assert operations(cloud.calls).count('ListDatabasesForUser') == 1
    assert accounts_of(res.result, 'orders') == ['app_orders', 'bi_readonly']     # predicted
    assert res.result['actions'][0]['status'] == 'planned'


def test_revoke_one_account_sends_only_that_account_with_keep_database_grant(cloud, run_module):
    res = run_module(user_name='asmith', state='absent', keep_database_grant=True,
                     databases=[dict(database_name='orders', account_names=['dba_admin'])])
    assert res.result['changed']
    assert [(c[0], c[1]['Databases']) for c in cloud.writes()] == [('DetachDatabaseAccountsFromUser', [dict(DatabaseId='1', DatabaseAccountIds=['13'])])]
    assert cloud.grants[('user', '2')]['1'] == set()        # the database-level grant stays


def test_revoking_the_last_account_revokes_the_database_too(cloud, run_module):
    """Least privilege: (bug fixed) revoking a user's only account on a database left the user authorized on it."""
    res = run_module(user_name='asmith', state='absent', databases=[dict(database_name='orders', account_names=['dba_admin'])])
    assert not res.failed and res.result['changed']
    assert [(c[0], c[1]['Databases']) for c in cloud.writes()] == [('DetachDatabaseAccountsFromUser', [dict(DatabaseId='1')])]
    assert '1' not in cloud.grants[('user', '2')]
    assert [g for g in res.result['grants'] if g['database_id'] == '1'][0]['authorized'] is False


def test_absent_with_accounts_and_keep_database_grant():
    state = state_with(['1', '2'], {'1': {'11'}, '2': set()})
    assert bastionhost.compute_changes({'1': {'11'}, '2': {'21'}}, state, 'absent', False) == (
        [dict(database_id='1', account_ids=None), dict(database_id='2', account_ids=None)], [])
    assert bastionhost.compute_changes({'1': {'11'}, '2': {'21'}}, state, 'absent', False, keep_database_grant=True) == (
        [dict(database_id='1', account_ids=['11'])], [])


def test_exclusive_detaches_exactly_the_others(cloud, run_module):
    res = run_module(user_name='asmith', exclusive=True, databases=[dict(database_id='1', account_ids=['13'])])
    assert [(c[0], c[1]['Databases']) for c in cloud.writes()] == [
        ('DetachDatabaseAccountsFromUser', [dict(DatabaseId='2'), dict(DatabaseId='3')])]
    assert sorted(cloud.grants[('user', '2')]) == ['1']
    assert [g['database_id'] for g in res.result['grants'] if g['authorized']] == ['1']
    # exclusive reads the accounts of every granted database (for the diff), not more
    assert sorted(c[1]['DatabaseId'] for c in cloud.calls if c[0] == 'ListDatabaseAccountsForUser') == ['1', '1', '2', '2', '3', '3']


def test_25_databases_times_12_accounts_in_5_calls(cloud, run_module):
    cloud.add_shards(25, 12)
    databases = [dict(database_name='shard-%03d' % n, account_names=['svc_%02d' % i for i in range(12)]) for n in range(25)]
    res = run_module(user_id='1', databases=databases)
    assert len(cloud.writes()) == 5 and len(res.result['actions']) == 5
    assert all(len(g['accounts']) == 12 for g in res.result['grants'])
    cloud.calls = []
    res = run_module(user_id='1', databases=databases)
    assert not res.result['changed'] and cloud.writes() == []


def test_per_item_failure_names_the_item_and_a_rerun_finishes(cloud, run_module):
    cloud.fail[('1', '12')] = 'OBJECT_NOT_FOUND'
    res = run_module(**GRANT_TWO)
    assert res.failed
    assert res.result['failed_items'] == [dict(operation='AttachDatabaseAccountsToUser', database_id='1', database_name='orders',
                                               account_id='12', account_name='bi_readonly', code='OBJECT_NOT_FOUND', message='')]
    assert 'refused 1 of 2' in res.result['msg'] and 'bi_readonly (id 12): OBJECT_NOT_FOUND' in res.result['msg']
    assert res.result['error_code'] == 'OBJECT_NOT_FOUND'
    entry = res.result['actions'][0]['params']['databases'][0]
    assert entry['result'] == 'failed' and entry['errors'] == [dict(account_id='12', account_name='bi_readonly', code='OBJECT_NOT_FOUND', message='')]
    cloud.calls = []
    res = run_module(**GRANT_TWO)
    assert res.result['changed'] and cloud.writes()[0][1]['Databases'] == [dict(DatabaseId='1', DatabaseAccountIds=['12'])]


def test_per_item_failures_do_not_stop_the_other_calls(cloud, run_module):
    cloud.add_shards(12, 1)
    cloud.fail[('1000', None)] = 'UNEXPECTED'
    res = run_module(user_id='1', databases=[dict(database_name='shard-%03d' % n) for n in range(12)])
    assert res.failed and len(cloud.writes()) == 2
    assert [(f['database_id'], f['code']) for f in res.result['failed_items']] == [('1000', 'UNEXPECTED')]
    assert 'the 11 that succeeded stay in effect' in res.result['msg']
    assert [a['status'] for a in res.result['actions']] == ['done', 'done']


def test_user_group_grants(cloud, run_module):
    res = run_module(user_group_name='dba-oncall', databases=[dict(database_name='payments', account_names=['svc_payments'])])
    assert [c[0] for c in cloud.writes()] == ['AttachDatabaseAccountsToUserGroup']
    assert cloud.writes()[0][1]['UserGroupId'] == '1'
    assert accounts_of(res.result, 'payments') == ['bi_readonly', 'svc_payments']
    assert res.result['principal'] == dict(type='user_group', id='1', name='dba-oncall')


@pytest.mark.parametrize('args, message', [
    (dict(user_name='nobody', databases=[dict(database_id='1')]), "user_name: no user named 'nobody'"),
    (dict(user_group_name='nobody', databases=[dict(database_id='1')]), "user_group_name: no user group named 'nobody'"),
    (dict(user_name='jdoe', databases=[dict(database_name='reporting')]), "2 databases are named 'reporting'"),
    (dict(user_name='jdoe', databases=[dict(database_name='nope')]), "databases[0].database_name: no database named 'nope'"),
    (dict(user_name='jdoe', databases=[dict(database_id='1'), dict(database_id='404')]), 'databases[1].database_id: no database with id 404'),
    (dict(user_name='jdoe', databases=[dict(database_id='1', account_ids=['11', '99'])]), 'has no account with id 99'),
    (dict(user_name='jdoe', databases=[dict(database_id='1', account_names=['ghost'])]), "has no account named 'ghost'"),
    (dict(user_name='jdoe', databases=[dict(database_id='9', account_names=['same'])]), "has 2 accounts named 'same'"),
])
def test_lookup_failures_happen_before_any_write(cloud, run_module, args, message):
    res = run_module(**args)
    assert res.failed and message in res.result['msg'] and cloud.writes() == []


def test_missing_and_ambiguous_principals_have_stable_codes(cloud, run_module):
    res = run_module(user_name='nobody', databases=[dict(database_id='1')])
    assert res.failed and res.result['error_code'] == 'NotFound' and cloud.writes() == []
    res = run_module(user_group_name='nobody', databases=[dict(database_id='1')])
    assert res.failed and res.result['error_code'] == 'NotFound'


def test_items_for_the_same_database_are_merged(cloud, run_module):
    res = run_module(user_name='jdoe', databases=[dict(database_id='1', account_ids=['11']),
                                                  dict(database_name='orders', account_names=['bi_readonly', 'app_orders'])])
    assert [c[1]['Databases'] for c in cloud.writes()] == [[dict(DatabaseId='1', DatabaseAccountIds=['11', '12'])]]
    assert len(res.result['grants']) == 1


def test_database_level_grant_and_revoke(cloud, run_module):
    run_module(user_name='jdoe', databases=[dict(database_name='crm')])
    assert cloud.writes()[0][1]['Databases'] == [dict(DatabaseId='2')] and cloud.grants[('user', '1')] == {'2': set()}
    cloud.calls = []
    res = run_module(user_name='asmith', state='absent', databases=[dict(database_name='orders')])
    assert cloud.writes()[0][1]['Databases'] == [dict(DatabaseId='1')]
    assert res.result['grants'] == [dict(database_id='1', database_name='orders', authorized=False, accounts=[])]


def test_api_error_reports_code_and_request_id(cloud, run_module, monkeypatch):
    def boom(self, action, params=None, **kwargs):
        raise ApiError('bastionhost', action, 404, 'OBJECT_NOT_FOUND', 'The user does not exist.', 'REQ-42')
    monkeypatch.setattr(alibabacloud.AlibabaClient, 'call', boom)
    res = run_module(user_id='404', databases=[dict(database_id='1')])
    assert res.failed and res.result['error_code'] == 'OBJECT_NOT_FOUND' and res.result['request_id'] == 'REQ-42'
    assert SK not in json.dumps(res.result)


# ------------------------------------------------------------------ the info module

def test_info_lists_databases_with_authorized_accounts(cloud, run_info):
    res = run_info(user_name='asmith')
    assert not res.failed and not res.result['changed']
    assert [(d['database_name'], [a['account_name'] for a in d['accounts']]) for d in res.result['databases']] == [
        ('crm', []), ('orders', ['dba_admin']), ('payments', ['svc_payments'])]
    assert cloud.writes() == []


def test_info_for_a_group_and_bad_input(cloud, run_info):
    res = run_info(user_group_id='1')
    assert [d['database_id'] for d in res.result['databases']] == ['3']
    assert res.result['principal'] == dict(type='user_group', id='1', name=None)
    cloud.calls = []
    res = run_info(user_group_id='1', user_name='jdoe')
    assert res.failed and cloud.calls == []
