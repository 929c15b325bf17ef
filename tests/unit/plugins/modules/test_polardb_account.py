# -*- coding: utf-8 -*-
# Copyright: dbgov.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""polardb_account: validation (zero calls), the plan from the read state, idempotence, check mode, the Super-account
refusal and secrecy. AlibabaClient.call is replaced by a stateful fake (the real paginate runs on top of it)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json

import pytest

from ansible_collections.dbgov.cloud.plugins.module_utils import polardb
from ansible_collections.dbgov.cloud.plugins.module_utils.common import ValidationError
from ansible_collections.dbgov.cloud.plugins.modules import polardb_account
from ansible_collections.dbgov.cloud.tests.unit.plugins.modules.helpers import ALIBABA_ARGS, operations

CLUSTER = 'pc-bp1orders0prod01'
PASSWORD = 'Str0ng-Pass=1'
WRITES = ('CreateAccount', 'DeleteAccount', 'ModifyAccountDescription', 'ModifyAccountPassword', 'GrantAccountPrivilege',
          'RevokeAccountPrivilege', 'ModifyAccountLockState')


class FakePolarDB:
    def __init__(self):
        self.calls = []
        self.cluster = dict(DBClusterId=CLUSTER, DBType='MySQL', DBClusterStatus='Running')
        self.accounts = [
            dict(AccountName='dba_admin', AccountType='Super', AccountStatus='Available', AccountLockState='UnLock', DatabasePrivileges=[]),
            dict(AccountName='jdoe', AccountType='Normal', AccountStatus='Available', AccountLockState='UnLock', AccountDescription='John',
                 DatabasePrivileges=[dict(DBName='orders', AccountPrivilege='DDLOnly'), dict(DBName='payments', AccountPrivilege='ReadOnly')]),
        ]

    def find(self, name):
        return next(a for a in self.accounts if a['AccountName'] == name)

    def call(self, action, params=None, **kwargs):
        params = dict(params or {})
        self.calls.append(dict(operation=action, params=params, write=kwargs.get('write', False)))
        if action == 'DescribeDBClusterAttribute':
            return dict(self.cluster)
        if action == 'DescribeAccounts':
            found = [dict(a) for a in self.accounts if a['AccountName'] == params.get('AccountName', a['AccountName'])]
            return dict(Accounts=found, PageNumber=params['PageNumber'], PageRecordCount=len(found))
        name = params['AccountName']
        if action == 'CreateAccount':
            dbs = params.get('DBName', '').split(',') if params.get('DBName') else []
            privileges = params.get('AccountPrivilege', '').split(',') if dbs else []
            self.accounts.append(dict(AccountName=name, AccountType=params['AccountType'], AccountStatus='Available', AccountLockState='UnLock',
                                      AccountDescription=params.get('AccountDescription', ''),
                                      DatabasePrivileges=[dict(DBName=d, AccountPrivilege=p) for d, p in zip(dbs, privileges)]))
        elif action == 'DeleteAccount':
            self.accounts.remove(self.find(name))
        elif action == 'ModifyAccountDescription':
            self.find(name)['AccountDescription'] = params['AccountDescription']
        elif action == 'ModifyAccountLockState':
            self.find(name)['AccountLockState'] = params['AccountLockState']
        elif action == 'GrantAccountPrivilege':
            account = self.find(name)
            held = dict((p['DBName'], p['AccountPrivilege']) for p in account['DatabasePrivileges'])
            held.update(zip(params['DBName'].split(','), params['AccountPrivilege'].split(',')))
            account['DatabasePrivileges'] = [dict(DBName=d, AccountPrivilege=p) for d, p in sorted(held.items())]
        elif action == 'RevokeAccountPrivilege':
            gone = params['DBName'].split(',')
            account = self.find(name)
            account['DatabasePrivileges'] = [p for p in account['DatabasePrivileges'] if p['DBName'] not in gone]
        return dict(RequestId='REQ-%d' % len(self.calls))

    def writes(self):
        return [c for c in self.calls if c['operation'] in WRITES]


@pytest.fixture
def cloud(fake_alibaba_call):
    fake = FakePolarDB()
    fake_alibaba_call(lambda client, action, params=None, **kwargs: fake.call(action, params, **kwargs))
    return fake


@pytest.fixture
def run(module_runner):
    return module_runner(polardb_account.main, ALIBABA_ARGS, cluster_id=CLUSTER)


def test_privilege_changes_revoke_changed_and_extra_only_when_exclusive():
    current = dict(orders='DDLOnly', payments='ReadOnly', archive='ReadWrite')
    desired = dict(orders='ReadOnly', billing='ReadWrite')
    assert polardb.privilege_changes(current, desired, False) == (['orders'], dict(orders='ReadOnly', billing='ReadWrite'))
    assert polardb.privilege_changes(current, desired, True) == (['archive', 'orders', 'payments'], dict(orders='ReadOnly', billing='ReadWrite'))
    assert polardb.privilege_changes(current, dict(current), True) == ([], {})


def test_check_description():
    polardb.check_description('description', 'ok description')
    for bad in ('x', 'https://evil', 'a' * 257):
        with pytest.raises(ValidationError, match='^description: '):
            polardb.check_description('description', bad)


@pytest.mark.parametrize('args, message', [
    (dict(account_name='Bad-Name'), '^account_name: '),
    (dict(account_name='kpatel', password='short'), '^password: the password must be 8 to 32'),
    (dict(account_name='kpatel', state='absent', locked=True), '^locked: not allowed with state=absent'),
    (dict(account_name='kpatel', exclusive=True), '^exclusive: requires privileges'),
    (dict(account_name='kpatel', privileges=[dict(database_name='a', privilege='ReadOnly'), dict(database_name='a', privilege='ReadWrite')]),
     r'^privileges\[1\]\.database_name: database .a. is listed with two privileges'),
    (dict(account_name='kpatel', privileges=[dict(database_name='bad name', privilege='ReadOnly')]), r'^privileges\[0\]\.database_name: '),
    (dict(account_name='kpatel', description='http://x.example'), '^description: '),
])
def test_bad_input_fails_naming_the_option_with_zero_calls(run, cloud, args, message):
    result = run(**args)
    assert result.failed
    assert __import__('re').search(message, result.result['msg'])
    assert cloud.calls == []


def test_create_then_identical_rerun_makes_no_write(run, cloud):
    args = dict(account_name='kpatel', password=PASSWORD, description='Kiran', locked=True,
                privileges=[dict(database_name='orders', privilege='ReadOnly'), dict(database_name='billing', privilege='ReadWrite')])
    check = run(check_mode=True, diff=True, **args)
    assert check.result['changed'] and cloud.writes() == []
    assert [a['operation'] for a in check.result['actions']] == ['CreateAccount', 'ModifyAccountLockState']
    assert check.result['account']['locked'] is True and check.result['account']['password'] == '<changed>'
    assert check.result['diff']['before'] == {}
    created = run(diff=True, **args)
    assert created.result['changed']
    assert [w['operation'] for w in cloud.writes()] == ['CreateAccount', 'ModifyAccountLockState']
    create = cloud.writes()[0]['params']
    assert (create['AccountType'], create['DBName'], create['AccountPrivilege']) == ('Normal', 'billing,orders', 'ReadWrite,ReadOnly')
    assert created.result['account']['database_privileges'] == [dict(db_name='billing', account_privilege='ReadWrite'),
                                                                dict(db_name='orders', account_privilege='ReadOnly')]
    assert PASSWORD not in json.dumps(created.result)
    assert created.result['actions'][0]['params']['AccountPassword'] == '********'
    del cloud.calls[:]
    again = run(**args)
    assert not again.result['changed'] and cloud.writes() == [] and again.result['actions'] == []
    assert operations(cloud.calls) == ['DescribeAccounts', 'DescribeDBClusterAttribute']


def test_change_revokes_before_granting_and_unlisted_databases_stay_unless_exclusive(run, cloud):
    result = run(account_name='jdoe', privileges=[dict(database_name='orders', privilege='ReadOnly')], description='John Doe')
    assert [w['operation'] for w in cloud.writes()] == ['ModifyAccountDescription', 'RevokeAccountPrivilege', 'GrantAccountPrivilege']
    assert cloud.writes()[1]['params']['DBName'] == 'orders'
    assert {p['db_name'] for p in result.result['account']['database_privileges']} == {'orders', 'payments'}
    del cloud.calls[:]
    result = run(account_name='jdoe', privileges=[dict(database_name='orders', privilege='ReadOnly')], exclusive=True)
    assert [(w['operation'], w['params']['DBName']) for w in cloud.writes()] == [('RevokeAccountPrivilege', 'payments')]
    assert result.result['account']['database_privileges'] == [dict(db_name='orders', account_privilege='ReadOnly')]


def test_password_is_set_only_with_update_password_always(run, cloud):
    assert not run(account_name='jdoe', password=PASSWORD).result['changed']
    result = run(account_name='jdoe', password=PASSWORD, update_password='always', diff=True)
    assert result.result['changed'] and [w['operation'] for w in cloud.writes()] == ['ModifyAccountPassword']
    assert cloud.writes()[0]['params']['NewAccountPassword'] == PASSWORD
    assert PASSWORD not in json.dumps(result.result) and result.result['diff']['after']['password'] == '<changed>'


def test_create_without_password_fails_before_any_write(run, cloud):
    result = run(account_name='kpatel')
    assert result.failed and result.result['msg'].startswith('password: required to create') and cloud.writes() == []


def test_super_account_is_never_deleted_nor_given_privileges(run, cloud):
    for args in (dict(state='absent'), dict(privileges=[])):
        result = run(account_name='dba_admin', **args)
        assert result.failed and 'polardb_account_reset' in result.result['msg']
    assert cloud.writes() == []


def test_delete_and_delete_again(run, cloud):
    assert run(account_name='jdoe', state='absent').result['changed']
    assert [w['operation'] for w in cloud.writes()] == ['DeleteAccount']
    again = run(account_name='jdoe', state='absent')
    assert not again.result['changed'] and again.result['account'] is None and len(cloud.writes()) == 1


def test_non_mysql_cluster_fails(run, cloud):
    cloud.cluster['DBType'] = 'PostgreSQL'
    result = run(account_name='jdoe', locked=True)
    assert result.failed and result.result['msg'].startswith('cluster_id: cluster pc-bp1orders0prod01 is a PolarDB for PostgreSQL')
    assert cloud.writes() == []
