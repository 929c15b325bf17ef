# -*- coding: utf-8 -*-
# Copyright: dbgov.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""bastion_user and bastion_user_info: validation (zero calls), the membership/lock plan, idempotence, per-user codes,
deletion and the group-derived grants. AlibabaClient.call is replaced by a stateful fake."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import re

import pytest

from ansible_collections.dbgov.cloud.plugins.module_utils import bastionhost
from ansible_collections.dbgov.cloud.plugins.module_utils.transport import ApiError
from ansible_collections.dbgov.cloud.plugins.modules import bastion_user, bastion_user_info
from ansible_collections.dbgov.cloud.tests.unit.plugins.modules.helpers import ALIBABA_ARGS

INSTANCE = 'bastionhost-cn-emu0prod01'
WRITES = ('LockUsers', 'UnlockUsers', 'AddUsersToGroup', 'RemoveUsersFromGroup', 'DeleteUser')


def page(key, items):
    return {key: items, 'TotalCount': len(items)}


class FakeBastion:
    def __init__(self):
        self.calls = []
        self.users = {'1': dict(UserId='1', UserName='jdoe', UserState=['Normal']), '2': dict(UserId='2', UserName='asmith', UserState=['Normal'])}
        self.groups = {'1': dict(name='dba-oncall', members={'2'}, grants={'3': ['33']}),
                       '2': dict(name='data-analysts', members=set(), grants={}),
                       '3': dict(name='app-support', members={'1'}, grants={'5': []})}
        self.user_grants = {'1': {'1': ['11']}}
        self.item_code = None

    def call(self, action, params=None, **kwargs):
        params = dict(params or {})
        self.calls.append(dict(operation=action, params=params))
        if action == 'GetUser':
            if params['UserId'] not in self.users:
                raise ApiError('bastionhost', action, 404, 'UserNotFound', 'The user is not found.', 'REQ')
            return dict(User=dict(self.users[params['UserId']]))
        if action == 'ListUsers':
            return page('Users', [dict(u) for u in self.users.values() if u['UserName'] == params.get('UserName', u['UserName'])])
        if action == 'ListUserGroupsForUser':
            groups = [dict(UserGroupId=g, UserGroupName=v['name']) for g, v in sorted(self.groups.items()) if params['UserId'] in v['members']]
            return dict(UserGroups=groups, Count=len(groups))
        if action == 'ListUserGroups':
            return page('UserGroups', [dict(UserGroupId=g, UserGroupName=v['name']) for g, v in sorted(self.groups.items())])
        if action in ('ListDatabasesForUser', 'ListDatabasesForUserGroup'):
            held = self.user_grants.get(params.get('UserId'), {}) if 'UserId' in params else self.groups[params['UserGroupId']]['grants']
            return page('Databases', [dict(DatabaseId=d, DatabaseName='db%s' % d) for d in sorted(held)])
        if action in ('ListDatabaseAccountsForUser', 'ListDatabaseAccountsForUserGroup'):
            held = self.user_grants.get(params.get('UserId'), {}) if 'UserId' in params else self.groups[params['UserGroupId']]['grants']
            ids = held.get(params['DatabaseId'], [])
            return page('DatabaseAccounts', [dict(DatabaseAccountId=a, DatabaseAccountName='acct%s' % a, DatabaseId=params['DatabaseId'],
                                                  IsAuthorized=True) for a in ids])
        if action == 'DeleteUser':
            del self.users[params['UserId']]
            return dict(RequestId='R')
        (user_id,) = json.loads(params['UserIds'])
        if self.item_code:
            return dict(RequestId='R-ITEM', Results=[dict(UserId=user_id, Code=self.item_code, Message='refused')])
        if action in ('LockUsers', 'UnlockUsers'):
            self.users[user_id]['UserState'] = ['Frozen'] if action == 'LockUsers' else ['Normal']
        elif action == 'AddUsersToGroup':
            self.groups[params['UserGroupId']]['members'].add(user_id)
        elif action == 'RemoveUsersFromGroup':
            self.groups[params['UserGroupId']]['members'].discard(user_id)
        return dict(RequestId='R', Results=[dict(UserId=user_id, Code='OK', Message='')])

    def writes(self):
        return [c for c in self.calls if c['operation'] in WRITES]


@pytest.fixture
def cloud(fake_alibaba_call):
    fake = FakeBastion()
    fake_alibaba_call(lambda client, action, params=None, **kwargs: fake.call(action, params, **kwargs))
    return fake


@pytest.fixture
def run(module_runner):
    return module_runner(bastion_user.main, ALIBABA_ARGS, instance_id=INSTANCE)


def test_membership_changes_and_wire_format():
    assert bastionhost.group_membership_changes(['1', '3'], ['3', '2'], False) == (['2'], [])
    assert bastionhost.group_membership_changes(['1', '3'], ['3', '2'], True) == (['2'], ['1'])
    assert bastionhost.user_ids_param(['7', 12]) == '["7", "12"]'
    assert bastionhost.is_locked(dict(UserState=['Frozen'])) and not bastionhost.is_locked(dict(UserState=['Normal']))


@pytest.mark.parametrize('args, message', [
    (dict(user_name='jdoe', state='absent', locked=True), '^locked: not allowed with state=absent'),
    (dict(user_name='jdoe', exclusive=True), '^exclusive: requires groups'),
    (dict(user_name='jdoe', groups=[dict(user_group_id='1', user_group_name='x')]), r'^groups\[0\]: give exactly one'),
    (dict(user_name='jdoe', groups=[dict(user_group_id='one')]), r'^groups\[0\]\.user_group_id: '),
    (dict(user_id='x1'), '^user_id: '),
    (dict(user_name='jdoe', instance_id='i-123'), '^instance_id: '),
])
def test_bad_input_fails_naming_the_option_with_zero_calls(run, cloud, args, message):
    result = run(**args)
    assert result.failed and re.search(message, result.result['msg']) and cloud.calls == []


def test_offboarding_leaves_groups_then_locks_and_rerun_writes_nothing(run, cloud):
    args = dict(user_name='jdoe', groups=[], exclusive=True, locked=True)
    check = run(check_mode=True, diff=True, **args)
    assert check.result['changed'] and cloud.writes() == []
    assert [a['operation'] for a in check.result['actions']] == ['RemoveUsersFromGroup', 'LockUsers']
    assert check.result['user']['locked'] and check.result['user']['groups'] == []
    assert check.result['diff']['before']['groups'] == [dict(user_group_id='3', user_group_name='app-support')]
    done = run(**args)
    assert [w['operation'] for w in cloud.writes()] == ['RemoveUsersFromGroup', 'LockUsers']
    assert cloud.writes()[1]['params']['UserIds'] == '["1"]' and cloud.writes()[0]['params']['UserGroupId'] == '3'
    assert done.result['user']['locked'] and done.result['user']['user_state'] == ['Frozen'] and done.result['user']['groups'] == []
    del cloud.calls[:]
    again = run(**args)
    assert not again.result['changed'] and cloud.writes() == []


def test_join_by_name_keeps_unlisted_groups_then_unlock_comes_last(run, cloud):
    cloud.users['1']['UserState'] = ['Frozen']
    result = run(user_name='jdoe', groups=[dict(user_group_name='data-analysts')], locked=False)
    assert [(w['operation'], w['params'].get('UserGroupId')) for w in cloud.writes()] == [('AddUsersToGroup', '2'), ('UnlockUsers', None)]
    assert [g['user_group_name'] for g in result.result['user']['groups']] == ['app-support', 'data-analysts']


def test_missing_user_fails_for_present_and_is_a_noop_for_absent(run, cloud):
    result = run(user_name='nobody', locked=True)
    assert result.failed and result.result['msg'].startswith("user_name: no user 'nobody'") and 'does not create users' in result.result['msg']
    gone = run(user_id='99', state='absent')
    assert not gone.result['changed'] and gone.result['user'] is None and cloud.writes() == []


def test_unknown_group_fails_before_any_write(run, cloud):
    result = run(user_name='jdoe', groups=[dict(user_group_name='nope')])
    assert result.failed and result.result['msg'].startswith(r"groups[0].user_group_name: no user group 'nope'") and cloud.writes() == []


def test_per_user_code_fails_the_task_with_the_code(run, cloud):
    cloud.item_code = 'INVALID_ARGUMENT'
    result = run(user_name='jdoe', locked=True)
    assert result.failed and result.result['error_code'] == 'INVALID_ARGUMENT' and result.result['request_id'] == 'R-ITEM'
    assert 'LockUsers did not complete' in result.result['msg']


def test_delete(run, cloud):
    result = run(user_name='jdoe', state='absent', diff=True)
    assert result.result['changed'] and result.result['user'] is None and [w['operation'] for w in cloud.writes()] == ['DeleteUser']
    assert result.result['diff']['before']['user_name'] == 'jdoe' and result.result['diff']['after'] == {}


def test_info_shows_own_and_group_grants(module_runner, cloud):
    info = module_runner(bastion_user_info.main, ALIBABA_ARGS, instance_id=INSTANCE)
    user = info(user_name='asmith').result['user']
    assert user['locked'] is False and user['grants'] == [] and [g['user_group_name'] for g in user['groups']] == ['dba-oncall']
    assert user['group_grants'] == [dict(user_group_id='1', user_group_name='dba-oncall', grants=[
        dict(database_id='3', database_name='db3', authorized=True, accounts=[dict(account_id='33', account_name='acct33')])])]
    jdoe = info(user_id='1').result
    assert jdoe['user']['grants'][0]['accounts'] == [dict(account_id='11', account_name='acct11')] and jdoe['instance_id'] == INSTANCE
    assert jdoe['user']['group_grants'][0]['grants'][0]['database_id'] == '5' and jdoe['region'] == 'cn-hangzhou'
    assert info(user_name='nobody').result['user'] is None
    assert not any(c['operation'] in WRITES for c in cloud.calls)


def test_info_without_a_user_reads_every_user_and_each_group_once(module_runner, cloud):
    cloud.users['10'] = dict(UserId='10', UserName='zlee', UserState=['Frozen'])
    cloud.groups['1']['members'].add('10')    # dba-oncall: asmith and zlee
    info = module_runner(bastion_user_info.main, ALIBABA_ARGS, instance_id=INSTANCE)
    result = info().result
    assert 'user' not in result and [u['user_name'] for u in result['users']] == ['jdoe', 'asmith', 'zlee']   # by numeric id
    assert result['users'][2]['locked'] is True and result['users'][2]['group_grants'] == result['users'][1]['group_grants']
    assert result['users'][0]['grants'][0]['accounts'] == [dict(account_id='11', account_name='acct11')]
    group_reads = [c['params']['UserGroupId'] for c in cloud.calls if c['operation'] == 'ListDatabasesForUserGroup']
    assert sorted(group_reads) == ['1', '3']   # dba-oncall read once for its two users
    assert [c['operation'] for c in cloud.calls].count('ListUsers') == 1 and 'UserName' not in cloud.calls[0]['params']
    assert not any(c['operation'] in WRITES for c in cloud.calls)


def test_info_without_access_reads_only_the_user_list(module_runner, cloud):
    info = module_runner(bastion_user_info.main, ALIBABA_ARGS, instance_id=INSTANCE)
    result = info(read_access=False).result
    assert [(u['user_name'], u['locked']) for u in result['users']] == [('jdoe', False), ('asmith', False)]
    assert not any(k in u for u in result['users'] for k in ('groups', 'grants', 'group_grants'))
    assert 'groups' not in info(user_name='asmith', read_access=False).result['user']
    assert [c['operation'] for c in cloud.calls] == ['ListUsers', 'ListUsers']
