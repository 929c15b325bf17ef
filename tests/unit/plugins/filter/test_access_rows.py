# -*- coding: utf-8 -*-
# Copyright: dbgov.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""access_rows: every info module's result shape turned into rows (no network)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.dbgov.cloud.plugins.filter import access_rows as plugin
from ansible_collections.dbgov.cloud.plugins.filter.access_rows import access_rows

DDM = '0a8f1c6baa124e99853719d9257324dfin09'
DCS = '3f2a6c1e-8b4d-4e7a-9c2f-1d5e8a7b6c40'


def ddm_user(name, authority, databases, **extra):
    user = dict(name=name, base_authority=authority, databases=databases, description='', status='RUNNING',
                password_lifetime=90, created='2024-01-08T09:00:00+0000', password_last_changed='2024-01-08T09:00:00+0000')
    user.update(extra)
    return user


def ddm_result(users, item=None, region='cn-north-4', instance=DDM):
    # what ddm_user_info returns: the accounts and the identifying inputs it read
    result = dict(changed=False, users=users, instance_id=instance, region=region, project_id='0b1e5a9c7f3d4e2a8c6b4d1f3a5e7c9b')
    if item is not None:
        result['item'] = item
    return result


def by(rows, **match):
    return [r for r in rows if all(r[k] == v for k, v in match.items())]


# --- shape, input forms, context ----------------------------------------------------------------------


def test_every_row_has_every_key_in_the_documented_types():
    rows = access_rows(ddm_result([ddm_user('jdoe', ['SELECT'], ['orders'])]), 'ddm')
    assert len(rows) == 1
    assert set(rows[0]) == set(plugin.ROW_KEYS)
    for key in ('privileges', 'databases', 'notes'):
        assert isinstance(rows[0][key], list)
    assert isinstance(rows[0]['privileged'], bool)
    assert rows[0]['cloud'] == 'huaweicloud' and rows[0]['service'] == 'ddm'
    assert rows[0]['instance'] == DDM and rows[0]['region'] == 'cn-north-4' and rows[0]['instance_name'] == ''


def test_a_loop_result_gives_the_rows_of_every_item_with_the_item_context():
    loop = dict(changed=False, msg='All items completed', results=[
        ddm_result([ddm_user('a1', ['SELECT'], ['x'])], item=dict(instance_id=DDM, name='ddm-orders-prod', region='')),
        ddm_result([ddm_user('b1', ['SELECT'], ['y']), ddm_user('b2', ['SELECT'], ['y'])],
                   item=dict(instance_id='5c1e7d2b9f4a4c8e8b3d6a1f0e9c2b7ain09', name='', region='ap-southeast-1'),
                   instance='5c1e7d2b9f4a4c8e8b3d6a1f0e9c2b7ain09', region='ap-southeast-1'),
    ])
    rows = access_rows(loop, 'ddm')
    assert [r['principal'] for r in rows] == ['b1', 'b2', 'a1']  # sorted by instance name, else ID
    assert by(rows, principal='a1')[0]['instance_name'] == 'ddm-orders-prod'
    assert by(rows, principal='a1')[0]['region'] == 'cn-north-4'  # empty item region: the region the module read
    assert by(rows, principal='b1')[0]['region'] == 'ap-southeast-1'


def test_a_list_of_loop_results_and_single_results_is_flattened():
    one = ddm_result([ddm_user('a1', ['SELECT'], ['x'])])
    loop = dict(results=[ddm_result([ddm_user('a2', ['SELECT'], ['x'])])])
    assert [r['principal'] for r in access_rows([one, loop, [one]], 'ddm')] == ['a1', 'a1', 'a2']
    assert access_rows([], 'ddm') == []
    assert access_rows(None, 'ddm') == []
    assert access_rows(dict(results=[], skipped=True, msg='No items in the list'), 'ddm') == []


def test_a_string_item_is_the_instance_and_explicit_arguments_win():
    result = dict(users=[ddm_user('a1', ['SELECT'], ['x'])], item=DDM)
    assert access_rows(result, 'ddm')[0]['instance'] == DDM
    rows = access_rows(result, 'ddm', instance='other0000000000000000000000000000in09', instance_name='n', region='r')
    assert (rows[0]['instance'], rows[0]['instance_name'], rows[0]['region']) == ('other0000000000000000000000000000in09', 'n', 'r')


def test_without_any_context_the_instance_and_region_are_empty():
    rows = access_rows(dict(users=[ddm_user('a1', ['SELECT'], ['x'])]), 'ddm')
    assert rows[0]['instance'] == '' and rows[0]['region'] == ''


def test_invocation_is_never_read():
    """ansible-core 2.21+ no longer adds `invocation`; a filter reading it would work on older cores only."""
    old_shape = dict(users=[ddm_user('a1', ['SELECT'], ['x'])],
                     invocation=dict(module_args=dict(instance_id=DDM, region='cn-north-4')))
    rows = access_rows(old_shape, 'ddm')
    assert (rows[0]['instance'], rows[0]['region']) == ('', '')


def test_what_the_module_read_wins_over_the_loop_item():
    result = ddm_result([ddm_user('a1', ['SELECT'], ['x'])], region='ap-southeast-1',
                        item=dict(instance_id='5c1e7d2b9f4a4c8e8b3d6a1f0e9c2b7ain09', name='n', region='cn-north-4'))
    rows = access_rows(result, 'ddm')
    assert (rows[0]['instance'], rows[0]['region'], rows[0]['instance_name']) == (DDM, 'ap-southeast-1', 'n')


def test_failed_and_skipped_results_give_no_rows():
    failed = dict(failed=True, msg='DBS.300327: ...', error_code='DBS.300327', item=dict(instance_id=DDM))
    skipped = dict(skipped=True, item=dict(instance_id=DDM))
    ok = ddm_result([ddm_user('a1', ['SELECT'], ['x'])])
    assert [r['principal'] for r in access_rows(dict(results=[failed, skipped, ok]), 'ddm')] == ['a1']


@pytest.mark.parametrize('service', ['rds', '', None, 'DDM'])
def test_an_unknown_service_is_refused(service):
    with pytest.raises(AnsibleFilterError, match='service must be one of bastionhost, dcs, ddm, polardb'):
        access_rows([], service)


@pytest.mark.parametrize('data', ['text', 42, [1]])
def test_input_that_is_no_result_is_refused(data):
    with pytest.raises(AnsibleFilterError, match='expected a registered module result'):
        access_rows(data, 'ddm')


def test_a_bad_pattern_is_refused():
    with pytest.raises(AnsibleFilterError, match='privileged_patterns'):
        access_rows([], 'ddm', privileged_patterns=['('])


def test_the_filter_is_registered_under_its_name():
    assert plugin.FilterModule().filters() == {'access_rows': access_rows}


# --- DDM ------------------------------------------------------------------------------------------------


def test_ddm_ddl_is_privileged_and_the_findings_are_noted():
    rows = access_rows(ddm_result([
        ddm_user('jdoe', ['UPDATE', 'SELECT', 'DROP', 'ALTER', 'CREATE'], ['orders', 'billing'], description='John Doe (DBA)'),
        ddm_user('ops_audit', ['SELECT'], [], password_lifetime=0),
        ddm_user('app_orders', ['SELECT', 'INSERT'], ['orders'], status='FROZEN'),
    ]), 'ddm')
    jdoe, ops, app = by(rows, principal='jdoe')[0], by(rows, principal='ops_audit')[0], by(rows, principal='app_orders')[0]
    assert jdoe['privileges'] == ['ALTER', 'CREATE', 'DROP', 'SELECT', 'UPDATE']
    assert jdoe['databases'] == ['billing', 'orders']
    assert jdoe['privileged'] is True and jdoe['notes'] == ['DDL privileges (ALTER, CREATE, DROP)']
    assert jdoe['account'] == 'jdoe' and jdoe['principal_type'] == 'db_account' and jdoe['description'] == 'John Doe (DBA)'
    assert ops['privileged'] is False and ops['databases'] == [] and ops['notes'] == ['no database', 'password never expires']
    assert app['notes'] == ['status FROZEN'] and app['status'] == 'FROZEN'


def test_ddm_never_copies_unknown_keys_such_as_a_password():
    rows = access_rows(ddm_result([ddm_user('a1', ['SELECT'], ['x'], password='S3cret!pass', password_sha256='abc')]), 'ddm')
    assert 'S3cret!pass' not in repr(rows) and 'abc' not in repr(rows)


def test_names_that_look_administrative_are_privileged_with_a_note():
    rows = access_rows(ddm_result([ddm_user('sys_admin', ['SELECT'], ['x']), ddm_user('root', ['SELECT'], ['x']),
                                   ddm_user('rootless', ['SELECT'], ['x'])]), 'ddm')
    assert by(rows, principal='sys_admin')[0]['privileged'] and by(rows, principal='root')[0]['privileged']
    assert 'name suggests an administrator' in by(rows, principal='root')[0]['notes']
    assert not by(rows, principal='rootless')[0]['privileged']


def test_custom_patterns_replace_the_defaults_and_a_single_string_is_one_pattern():
    result = ddm_result([ddm_user('sys_admin', ['SELECT'], ['x']), ddm_user('data_owner', ['SELECT'], ['x'])])
    rows = access_rows(result, 'ddm', privileged_patterns='_owner$')
    assert [r['principal'] for r in rows if r['privileged']] == ['data_owner']
    assert [r['principal'] for r in access_rows(result, 'ddm', privileged_patterns=[]) if r['privileged']] == []


# --- DCS ------------------------------------------------------------------------------------------------


def dcs_result(accounts):
    return dict(changed=False, accounts=accounts, item=dict(instance_id=DCS, name='redis-orders-prod', region=''),
                instance_id=DCS, region='cn-north-4', project_id='0b1e5a9c7f3d4e2a8c6b4d1f3a5e7c9b')


def dcs_account(name, role, kind='normal', read_policy=None, status='AVAILABLE'):
    return dict(id='id-' + name, name=name, type=kind, role=role, read_policy=read_policy, status=status, description=name + ' account')


def test_dcs_default_account_is_privileged_and_every_account_reaches_every_key():
    rows = access_rows(dcs_result([dcs_account('default', 'write', kind='default'), dcs_account('bi_readonly', 'read'),
                                   dcs_account('svc_sessions', 'write', read_policy='replica', status='UPDATING')]), 'dcs')
    default, reader, sessions = by(rows, principal='default')[0], by(rows, principal='bi_readonly')[0], by(rows, principal='svc_sessions')[0]
    assert default['privileged'] is True and default['notes'] == ['built-in default account (full access)']
    assert reader['privileged'] is False and reader['privileges'] == ['read'] and reader['databases'] == ['*']
    assert sessions['notes'] == ['read policy replica', 'status UPDATING']
    assert {r['cloud'] for r in rows} == {'huaweicloud'} and {r['instance_name'] for r in rows} == {'redis-orders-prod'}


# --- PolarDB --------------------------------------------------------------------------------------------


def polardb_account(name, kind='Normal', grants=(), lock='UnLock', status='Available', description=''):
    return dict(account_name=name, account_type=kind, account_status=status, account_lock_state=lock,
                account_description=description, account_password_valid_time='undefined',
                database_privileges=[dict(db_name=db, account_privilege=priv) for db, priv in grants])


def polardb_result(accounts):
    return dict(changed=False, accounts=accounts, item=dict(cluster_id='pc-bp1orders0prod01', name='orders', region='cn-shanghai'))


def test_polardb_super_readonly_and_normal_accounts():
    rows = access_rows(polardb_result([
        polardb_account('dba_admin', kind='Super'),
        polardb_account('audit_ro', kind='ReadOnly'),
        polardb_account('app_orders', grants=[('orders_archive', 'ReadOnly'), ('orders', 'ReadWrite')]),
        polardb_account('asmith', grants=[('orders', 'ReadIndex')], lock='Lock'),
        polardb_account('idle', status='Creating'),
    ]), 'polardb')
    dba, audit, app = by(rows, principal='dba_admin')[0], by(rows, principal='audit_ro')[0], by(rows, principal='app_orders')[0]
    assert dba['privileges'] == ['Super'] and dba['databases'] == ['*'] and dba['privileged'] is True
    assert dba['notes'] == ['privileged account (all databases)']
    assert audit['privileges'] == ['ReadOnly'] and audit['databases'] == ['*'] and audit['privileged'] is False
    assert app['privileges'] == ['orders:ReadWrite', 'orders_archive:ReadOnly'] and app['databases'] == ['orders', 'orders_archive']
    assert by(rows, principal='asmith')[0]['notes'] == ['locked']
    assert by(rows, principal='idle')[0]['notes'] == ['no database', 'status Creating']
    assert {(r['cloud'], r['instance'], r['region'], r['instance_name']) for r in rows} == {('alibabacloud', 'pc-bp1orders0prod01', 'cn-shanghai', 'orders')}


# --- Bastionhost ----------------------------------------------------------------------------------------


def bastion_db(name, accounts, **extra):
    database = dict(database_id='1', database_name=name, database_type='MySQL', source='Rds', source_instance_id='rm-bp1orders0001',
                    comment='orders production', accounts=[dict(account_id=str(i), account_name=a, protocol_name='MySQL')
                                                           for i, a in enumerate(accounts)])
    database.update(extra)
    return database


def bastion_result(principal, databases, item):
    return dict(changed=False, principal=principal, databases=databases, item=item)


ITEM = dict(instance_id='bastionhost-cn-emu0prod01', name='bastion-prod', region='', user_name='asmith', user_group_name='')


def test_bastion_user_one_row_per_database_account():
    databases = [bastion_db('orders-prod', ['dba_admin', 'app_orders']), bastion_db('analytics-dw', [], source='Local', source_instance_id='')]
    rows = access_rows(bastion_result(dict(type='user', id='2', name='asmith'), databases, ITEM), 'bastionhost')
    assert len(rows) == 3
    assert {r['principal'] for r in rows} == {'asmith'} and {r['principal_type'] for r in rows} == {'bastion_user'}
    dba = by(rows, account='dba_admin')[0]
    assert dba['privileged'] is True and dba['privileges'] == ['logon'] and dba['databases'] == ['orders-prod']
    assert dba['notes'] == ['database orders-prod (MySQL Rds rm-bp1orders0001)', 'privileged database account']
    assert dba['description'] == 'orders production' and dba['instance'] == 'bastionhost-cn-emu0prod01'
    assert by(rows, account='app_orders')[0]['privileged'] is False
    empty = by(rows, account='')[0]
    assert empty['databases'] == ['analytics-dw'] and empty['privileges'] == []
    assert empty['notes'] == ['database analytics-dw (MySQL Local)', 'database authorized without an account']


def test_bastion_principal_without_databases_gives_one_row():
    rows = access_rows(bastion_result(dict(type='user', id='1', name='jdoe'), [], dict(ITEM, user_name='jdoe')), 'bastionhost')
    assert len(rows) == 1
    assert rows[0]['principal'] == 'jdoe' and rows[0]['account'] == '' and rows[0]['databases'] == []
    assert rows[0]['notes'] == ['no database authorized'] and rows[0]['privileged'] is False


def test_bastion_user_group_and_principals_given_by_id():
    group = access_rows(bastion_result(dict(type='user_group', id='2', name='data-analysts'), [bastion_db('analytics-dw', ['bi_readonly'])],
                                       dict(ITEM, user_name='', user_group_name='data-analysts')), 'bastionhost')
    assert group[0]['principal'] == 'data-analysts' and group[0]['principal_type'] == 'bastion_user_group'
    by_id = access_rows(bastion_result(dict(type='user', id='12', name=None), [], dict(instance_id='bastionhost-cn-x', user_id='12')),
                        'bastionhost')
    assert by_id[0]['principal'] == 'id 12' and by_id[0]['principal_type'] == 'bastion_user'
    group_by_id = access_rows(bastion_result(dict(type='user_group', id='3', name=None), [], dict(instance_id='bastionhost-cn-x')),
                              'bastionhost')
    assert group_by_id[0]['principal'] == 'id 3' and group_by_id[0]['principal_type'] == 'bastion_user_group'


# --- bastion_user_info: own grants, group-derived grants, lock state -----------------------------------


def bastion_user_result(grants, group_grants, locked=False):
    user = dict(user_id='2', user_name='asmith', display_name='Alice Smith', source='Local', user_state=['Frozen' if locked else 'Normal'],
                locked=locked, groups=[dict(user_group_id=g['user_group_id'], user_group_name=g['user_group_name']) for g in group_grants],
                grants=grants, group_grants=group_grants)
    return dict(changed=False, user=user, instance_id='bastionhost-cn-emu0prod01', region='cn-hangzhou',
                invocation=dict(module_args=dict(instance_id='bastionhost-cn-emu0prod01', region='cn-hangzhou', user_name='asmith')))


def grant(database_name, *accounts):
    return dict(database_id='1', database_name=database_name, authorized=True,
                accounts=[dict(account_id=str(n), account_name=a) for n, a in enumerate(accounts)])


def test_bastion_user_info_gives_own_rows_and_a_row_per_group_path():
    result = bastion_user_result([grant('analytics-dw')], [
        dict(user_group_id='1', user_group_name='dba-oncall', grants=[grant('orders-prod', 'dba_admin'), grant('payments-prod', 'dba_admin')]),
        dict(user_group_id='3', user_group_name='app-support', grants=[]),
    ])
    rows = access_rows(result, 'bastionhost')
    assert [(r['via'], r['databases'], r['account']) for r in rows] == [
        ('', ['analytics-dw'], ''), ('dba-oncall', ['orders-prod'], 'dba_admin'), ('dba-oncall', ['payments-prod'], 'dba_admin')]
    assert all(r['principal'] == 'asmith' and r['principal_type'] == 'bastion_user' and r['locked'] is False for r in rows)
    assert 'via group dba-oncall' in rows[1]['notes'] and rows[1]['privileged']
    assert 'database authorized without an account' in rows[0]['notes']
    assert rows[0]['instance'] == 'bastionhost-cn-emu0prod01'


def test_a_locked_bastion_user_without_any_path_gives_one_locked_row():
    rows = access_rows(bastion_user_result([], [], locked=True), 'bastionhost')
    assert len(rows) == 1 and rows[0]['locked'] and rows[0]['notes'] == ['no database authorized', 'locked']
    assert access_rows(dict(changed=False, user=None), 'bastionhost') == []


def test_bastion_user_info_of_every_user_gives_each_users_rows():
    asmith = bastion_user_result([grant('analytics-dw', 'bi_readonly')], [])['user']
    jdoe = dict(asmith, user_id='1', user_name='jdoe', grants=[], group_grants=[])
    result = dict(changed=False, users=[jdoe, asmith], instance_id='bastionhost-cn-emu0prod01', region='cn-hangzhou')
    rows = access_rows(result, 'bastionhost')
    assert [(r['principal'], r['account']) for r in rows] == [('asmith', 'bi_readonly'), ('jdoe', '')]
    assert rows[1]['notes'] == ['no database authorized'] and all(r['instance'] == 'bastionhost-cn-emu0prod01' for r in rows)
    assert access_rows(dict(changed=False, users=[], instance_id='bastionhost-cn-emu0prod01'), 'bastionhost') == []


def test_polardb_lock_state_is_a_column():
    result = dict(changed=False, accounts=[dict(account_name='asmith', account_type='Normal', account_status='Available',
                                                account_lock_state='Lock', account_description='', database_privileges=[]),
                                           dict(account_name='jdoe', account_type='Normal', account_status='Available',
                                                account_lock_state='UnLock', account_description='', database_privileges=[])],
                  invocation=dict(module_args=dict(cluster_id='pc-bp1orders0prod01', region='cn-hangzhou')))
    rows = access_rows(result, 'polardb')
    assert [(r['principal'], r['locked']) for r in rows] == [('asmith', True), ('jdoe', False)]


# --- multi-instance reads (instance_ids) -------------------------------------------------------------------

def test_multi_instance_results_give_each_instance_its_id_region_and_name():
    other = '5c1e7d2b9f4a4c8e8b3d6a1f0e9c2b7ain09'
    multi = dict(changed=False, region='cn-north-4', project_id='p', instance_errors=[],
                 instances=[dict(instance_id=DDM, users=[ddm_user('jdoe', ['SELECT'], ['orders'])]),
                            dict(instance_id=other, users=[ddm_user('bi', ['SELECT'], ['bi']), ddm_user('ops', ['SELECT'], [])])])
    loop = dict(results=[dict(multi, region='ap-southeast-1', item=dict(region='ap-southeast-1', instance_ids=[DDM]),
                              instances=[dict(instance_id='9e3b6f1d2c8a4e7b9a5c0d4f8e1b2a6cin09', users=[ddm_user('sg', ['SELECT'], [])])])])
    rows = access_rows([{'results': [multi]}, loop], 'ddm', instance_names={DDM: 'ddm-orders', other: 'ddm-bi'})
    assert [(r['instance'], r['instance_name'], r['region'], r['principal']) for r in rows] == [
        ('9e3b6f1d2c8a4e7b9a5c0d4f8e1b2a6cin09', '', 'ap-southeast-1', 'sg'),
        (other, 'ddm-bi', 'cn-north-4', 'bi'), (other, 'ddm-bi', 'cn-north-4', 'ops'),
        (DDM, 'ddm-orders', 'cn-north-4', 'jdoe')]


@pytest.mark.parametrize('result', [dict(failed=True, msg='x', instances=[]), dict(skipped=True, instances=[dict(instance_id=DDM, users=[])])])
def test_failed_or_skipped_multi_instance_results_give_no_row(result):
    assert access_rows(result, 'ddm') == []
