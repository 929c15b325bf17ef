# -*- coding: utf-8 -*-
# Copyright: dbgov.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Bastionhost service layer: batching (fewest calls under 10 databases x 10 accounts), the Databases encoding,
per-item result codes, the grant state model, lookups and paging (no network)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import itertools
import random

import pytest

from ansible_collections.dbgov.cloud.plugins.module_utils import alibabacloud, bastionhost
from ansible_collections.dbgov.cloud.plugins.module_utils.common import ValidationError
from ansible_collections.dbgov.cloud.tests.unit.plugins.fakes import fake_alibaba_client

IID = 'bastionhost-cn-st220aw0a0c'
REGION = 'cn-hangzhou'


def entries(spec):
    """[(database id, number of accounts or None)] -> entries with distinct account ids."""
    out, next_account = [], 1000
    for database_id, count in spec:
        accounts = None
        if count is not None:
            accounts = [str(next_account + i) for i in range(count)]
            next_account += count
        out.append(dict(database_id=str(database_id), account_ids=accounts))
    return out


def check_packing(spec, calls):
    """Every call is within the limits, no database twice per call, and the calls carry exactly the input."""
    carried = {}
    for call in calls:
        assert 1 <= len(call) <= bastionhost.MAX_DATABASES_PER_CALL
        ids = [e['database_id'] for e in call]
        assert len(set(ids)) == len(ids)
        for entry in call:
            accounts = entry['account_ids']
            if accounts is None:
                carried.setdefault(entry['database_id'], []).append(None)
            else:
                assert 1 <= len(accounts) <= bastionhost.MAX_ACCOUNTS_PER_DATABASE
                carried.setdefault(entry['database_id'], []).extend(accounts)
        bastionhost.databases_param(call)  # the encoder accepts every call
    for entry in entries(spec):
        expected = [None] if entry['account_ids'] is None else entry['account_ids']
        assert sorted(carried.pop(entry['database_id']), key=str) == sorted(expected, key=str)
    assert not carried


def brute_force_minimum(chunks_per_database, max_databases):
    """The fewest calls by exhaustive backtracking: every chunk in some call, <= max_databases per call, a database once per call."""
    chunks = [d for d, m in enumerate(chunks_per_database) for _dummy in range(m)]

    def fits(calls, index):
        if index == len(chunks):
            return True
        tried_empty = False
        for call in calls:
            if not call:
                if tried_empty:  # empty calls are interchangeable: trying one is enough
                    continue
                tried_empty = True
            if len(call) < max_databases and chunks[index] not in call:
                call.append(chunks[index])
                if fits(calls, index + 1):
                    return True
                call.pop()
        return False
    for count in itertools.count(1):
        if fits([[] for _dummy in range(count)], 0):
            return count


# ------------------------------------------------------------------ batching: the documented counts

def test_25_databases_with_12_accounts_need_exactly_5_calls():
    # 12 accounts > 10: every database needs 2 entries (10 + 2): 50 entries, at most 10 per call -> 5 calls.
    # No packing can do better: 300 grants need 300 account slots, but the binding limit is the entry count
    # (each database needs 2 entries of its own), so ceil(50 / 10) = 5 is the lower bound, and pack reaches it.
    spec = [(i, 12) for i in range(1, 26)]
    calls = bastionhost.pack(entries(spec))
    assert bastionhost.minimum_calls(entries(spec)) == 5
    assert len(calls) == 5
    assert [len(c) for c in calls] == [10] * 5
    check_packing(spec, calls)


@pytest.mark.parametrize('spec, expected', [
    ([], 0),
    ([(1, 2)], 1),
    ([(1, None)], 1),
    ([(i, 10) for i in range(10)], 1),          # exactly at both limits
    ([(i, 10) for i in range(11)], 2),          # 11 databases
    ([(1, 11)], 2),                              # one database over the account limit spans 2 calls
    ([(1, 35)], 4),                              # 10 + 10 + 10 + 5: a database never twice per call
    ([(1, 35), (2, 1)], 4),                      # the small one fits beside a chunk
    ([(i, 1) for i in range(95)], 10),
    ([(i, 1) for i in range(100)], 10),
    ([(i, 1) for i in range(101)], 11),
    ([(1, 100), (2, 3)], 10),                    # 10 chunks of database 1 force 10 calls
    ([(1, 101)], 11),
    ([(i, 20) for i in range(5)] + [(9, None)], 2),
])
def test_minimal_call_counts(spec, expected):
    calls = bastionhost.pack(entries(spec))
    assert len(calls) == expected == bastionhost.minimum_calls(entries(spec))
    check_packing(spec, calls)


def test_random_estates_always_reach_the_lower_bound():
    rng = random.Random(20240601)
    for _dummy in range(300):
        spec = [(i, rng.choice([None, 1, 3, 9, 10, 11, 19, 20, 21, 40])) for i in range(rng.randint(1, 40))]
        calls = bastionhost.pack(entries(spec))
        check_packing(spec, calls)
        chunks = [1 if n is None else -(-n // 10) for _i, n in spec]
        assert len(calls) == bastionhost.minimum_calls(entries(spec)) == max([-(-sum(chunks) // 10)] + chunks)


def test_pack_matches_an_exhaustive_search_on_small_limits():
    # with limits of 3 databases x 2 accounts per call the search space is small enough to try every packing
    rng = random.Random(7)
    for _dummy in range(150):
        spec = [(i, rng.choice([None, 1, 2, 3, 4, 5, 7])) for i in range(rng.randint(1, 5))]
        calls = bastionhost.pack(entries(spec), max_databases=3, max_accounts=2)
        chunks = [1 if n is None else -(-n // 2) for _i, n in spec]
        assert len(calls) == brute_force_minimum(chunks, 3)
        for call in calls:
            assert len(call) <= 3 and len(set(e['database_id'] for e in call)) == len(call)
            assert all(e['account_ids'] is None or 1 <= len(e['account_ids']) <= 2 for e in call)


def test_pack_keeps_names_aligned_with_ids():
    entry = dict(database_id='7', database_name='orders', account_ids=[str(i) for i in range(12)],
                 account_names=['acct%d' % i for i in range(12)])
    calls = bastionhost.pack([entry])
    assert [c[0]['account_ids'] for c in calls] == [[str(i) for i in range(10)], ['10', '11']]
    assert [c[0]['account_names'] for c in calls] == [['acct%d' % i for i in range(10)], ['acct10', 'acct11']]
    assert all(c[0]['database_name'] == 'orders' for c in calls)


def test_pack_refuses_a_database_twice_and_empty_account_lists():
    with pytest.raises(ValueError):
        bastionhost.pack([dict(database_id='1', account_ids=['1']), dict(database_id='1', account_ids=['2'])])
    with pytest.raises(ValueError):
        bastionhost.pack([dict(database_id='1', account_ids=[])])


# ------------------------------------------------------------------ the Databases parameter on the wire

def test_databases_param_flattens_as_the_sdk_does():
    param = bastionhost.databases_param([dict(database_id='1', account_ids=['1', '2']), dict(database_id='5', account_ids=None)])
    flat = alibabacloud.flatten(dict(Databases=param))
    assert flat == {'Databases.1.DatabaseId': '1', 'Databases.1.DatabaseAccountIds.1': '1', 'Databases.1.DatabaseAccountIds.2': '2',
                    'Databases.2.DatabaseId': '5'}


@pytest.mark.parametrize('bad', [
    [dict(database_id='5', account_ids=[])],                                    # would mean "the whole database"
    [dict(database_id=str(i), account_ids=None) for i in range(11)],            # 11 databases
    [dict(database_id='1', account_ids=[str(i) for i in range(11)])],          # 11 accounts
    [dict(database_id='1', account_ids=None), dict(database_id='1', account_ids=['2'])],
])
def test_databases_param_refuses_what_the_api_would_misread(bad):
    with pytest.raises(ValueError):
        bastionhost.databases_param(bad)


# ------------------------------------------------------------------ per-item result codes

SENT = [dict(database_id='1', database_name='orders', account_ids=['11', '12'], account_names=['app', 'bi']),
        dict(database_id='2', database_name='crm', account_ids=None)]


def response(db1='OK', acc11='OK', acc12='OK', db2='OK', drop=()):
    results = [dict(Code=db1, Message='' if db1 == 'OK' else 'db failed', DatabaseId='1', UserId='3',
                    DatabaseAccounts=[dict(Code=acc11, Message='', DatabaseAccountId='11'),
                                      dict(Code=acc12, Message='gone' if acc12 != 'OK' else '', DatabaseAccountId='12')]),
               dict(Code=db2, Message='', DatabaseId='2', UserId='3', DatabaseAccounts=[])]
    for database_id in drop:
        results = [r for r in results if r['DatabaseId'] != database_id]
    return dict(RequestId='R', Results=results)


def test_all_ok():
    ok, failed = bastionhost.item_results('Attach', SENT, response())
    assert failed == []
    assert [(i['database_id'], i.get('account_id')) for i in ok] == [('1', '11'), ('1', '12'), ('2', None)]


def test_one_account_fails_the_rest_succeed():
    ok, failed = bastionhost.item_results('Attach', SENT, response(acc12='OBJECT_NOT_FOUND'))
    assert failed == [dict(operation='Attach', database_id='1', database_name='orders', account_id='12', account_name='bi',
                           code='OBJECT_NOT_FOUND', message='gone')]
    assert [(i['database_id'], i.get('account_id')) for i in ok] == [('1', '11'), ('2', None)]
    assert bastionhost.describe_item(failed[0]) == 'Attach database orders (id 1) account bi (id 12): OBJECT_NOT_FOUND (gone)'


def test_database_level_failure_and_lowercase_ok():
    ok, failed = bastionhost.item_results('Detach', SENT, response(db1='UNEXPECTED', acc11='ok', acc12='ok', db2='ok'))
    assert [(f['database_id'], f.get('account_id'), f['code']) for f in failed] == [('1', None, 'UNEXPECTED')]
    assert [(i['database_id'], i.get('account_id')) for i in ok] == [('2', None)]


def test_missing_results_are_failures():
    ok, failed = bastionhost.item_results('Attach', SENT, response(drop=('2',)))
    assert [(f['database_id'], f['code']) for f in failed] == [('2', 'NO_RESULT')]
    resp = response()
    resp['Results'][0]['DatabaseAccounts'].pop()
    ok, failed = bastionhost.item_results('Attach', SENT, resp)
    assert [(f['database_id'], f.get('account_id'), f['code']) for f in failed] == [('1', '12', 'NO_RESULT')]
    ok, failed = bastionhost.item_results('Attach', SENT, {})
    assert len(failed) == 2 and ok == []


# ------------------------------------------------------------------ grant state

def account(account_id, name, database_id, authorized):
    return dict(DatabaseAccountId=account_id, DatabaseAccountName=name, DatabaseId=database_id, IsAuthorized=authorized, ProtocolName='MySQL')


def make_state():
    state = bastionhost.GrantState()
    state.set_granted([dict(DatabaseId='1', DatabaseName='orders'), dict(DatabaseId='2', DatabaseName='crm')])
    state.set_accounts('1', [account('11', 'app', '1', True), account('12', 'bi', '1', False), account('13', 'dba', '1', 'true')])
    state.set_accounts('2', [account('21', 'crm_app', '2', False)])
    return state


def test_state_reads_is_authorized_in_both_forms():
    state = make_state()
    assert state.authorized == {'1': {'11', '13'}, '2': set()}
    assert state.granted == {'1', '2'}


def test_state_predicts_the_documented_semantics():
    state = make_state()
    predicted = state.copy()
    predicted.apply('detach', [dict(database_id='1', account_ids=['13'])])     # only that account
    predicted.apply('attach', [dict(database_id='3', account_ids=None)])       # database only
    predicted.apply('detach', [dict(database_id='2', account_ids=None)])       # database and all its accounts
    assert predicted.granted == {'1', '3'} and predicted.authorized['1'] == {'11'}
    assert state.authorized['1'] == {'11', '13'} and state.granted == {'1', '2'}   # the copy is independent
    view = predicted.view(['1', '2', '3'])
    assert view == [dict(database_id='2', database_name='crm', authorized=False, accounts=[]),
                    dict(database_id='1', database_name='orders', authorized=True, accounts=[dict(account_id='11', account_name='app')]),
                    dict(database_id='3', database_name=None, authorized=True, accounts=[])]


# ------------------------------------------------------------------ reads through the real paginate()

def FakeClient(answers):  # pylint: disable=invalid-name
    """The real client minus HTTP: ``call`` answers with ``answers(action, params)`` and records every call."""
    return fake_alibaba_client(alibabacloud.AlibabaClient, answers, [])


def paged_answer(key, items):
    def answer(action, params):
        size, number = int(params['PageSize']), int(params['PageNumber'])
        return {key: items[(number - 1) * size:number * size], 'TotalCount': len(items)}
    return answer


def test_every_page_is_read_and_region_is_always_sent():
    databases = [dict(DatabaseId=str(i), DatabaseName='db%d' % i) for i in range(1, 251)]
    client = FakeClient(paged_answer('Databases', databases))
    principal = bastionhost.Principal('user', '7')
    got = bastionhost.list_databases_for(client, IID, REGION, principal)
    assert len(got) == 250
    assert [(c[0], c[1]['PageNumber'], c[1]['PageSize']) for c in client.calls] == [('ListDatabasesForUser', 1, 100),
                                                                                    ('ListDatabasesForUser', 2, 100),
                                                                                    ('ListDatabasesForUser', 3, 100)]
    assert all(c[1]['RegionId'] == REGION and c[1]['InstanceId'] == IID and c[1]['UserId'] == '7' for c in client.calls)


def test_group_reads_use_the_group_twins():
    client = FakeClient(paged_answer('DatabaseAccounts', [account('11', 'app', '1', True)]))
    group = bastionhost.Principal('user_group', '4', 'dba')
    bastionhost.list_database_accounts_for(client, IID, REGION, group, '1')
    assert client.calls[0][0] == 'ListDatabaseAccountsForUserGroup'
    assert client.calls[0][1]['UserGroupId'] == '4' and client.calls[0][1]['DatabaseId'] == '1'
    assert group.label() == 'user group dba (id 4)' and group.view() == dict(type='user_group', id='4', name='dba')


def test_writes_are_idempotent_writes_with_flat_databases():
    client = FakeClient(lambda action, params: dict(Results=[]))
    bastionhost.detach(client, IID, REGION, bastionhost.Principal('user', '3'), [dict(database_id='1', account_ids=['11'])])
    action, params, write, idempotent = client.calls[0]
    assert (action, write, idempotent) == ('DetachDatabaseAccountsFromUser', True, True)
    assert params['Databases'] == [dict(DatabaseId='1', DatabaseAccountIds=['11'])] and params['RegionId'] == REGION


@pytest.mark.parametrize('users, message', [
    ([], "user_name: no user named 'jdoe'"),
    ([dict(UserId='1', UserName='jdoe'), dict(UserId='9', UserName='jdoe')], "user_name: 2 users are named 'jdoe'"),
])
def test_user_lookup_failures_are_validation_errors(users, message):
    client = FakeClient(paged_answer('Users', users))
    with pytest.raises(ValidationError) as info:
        bastionhost.resolve_principal(client, IID, REGION, user_name='jdoe')
    assert message in str(info.value)


def test_lookup_is_exact_even_if_the_server_filter_is_not():
    client = FakeClient(paged_answer('Users', [dict(UserId='1', UserName='jdoe2'), dict(UserId='2', UserName='jdoe')]))
    principal = bastionhost.resolve_principal(client, IID, REGION, user_name='jdoe')
    assert (principal.kind, principal.id, principal.name) == ('user', '2', 'jdoe')
    assert client.calls[0][1]['UserName'] == 'jdoe'
    client = FakeClient(paged_answer('UserGroups', [dict(UserGroupId='5', UserGroupName='dba')]))
    assert bastionhost.resolve_principal(client, IID, REGION, user_group_name='dba').id == '5'
    assert bastionhost.resolve_principal(client, IID, REGION, user_id='8').label() == 'user id 8'


def test_read_state_reads_accounts_of_the_granted_databases_only_by_default():
    def answer(action, params):
        if action == 'ListDatabasesForUser':
            return dict(Databases=[dict(DatabaseId='10', DatabaseName='b'), dict(DatabaseId='9', DatabaseName='a')], TotalCount=2)
        return dict(DatabaseAccounts=[account('1', 'x', params['DatabaseId'], True)], TotalCount=1)
    client = FakeClient(answer)
    state = bastionhost.BastionInstance(client, IID, REGION).read_state(bastionhost.Principal('user', '1'))
    assert [c[1].get('DatabaseId') for c in client.calls] == [None, '9', '10']
    assert state.granted == {'9', '10'}
