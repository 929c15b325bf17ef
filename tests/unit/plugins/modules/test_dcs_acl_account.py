# -*- coding: utf-8 -*-
# Copyright: dbgov.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""dcs_acl_account: validation, the lifecycle plan (create, update, password, delete), check mode, secrets (fake cloud)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json

import pytest

from ansible_collections.dbgov.cloud.plugins.modules import dcs_acl_account
from ansible_collections.dbgov.cloud.tests.unit.plugins.modules.helpers import HUAWEI_ARGS, HUAWEI_SK as SK, operations

IID = '3f2a6c1e-8b4d-4e7a-9c2f-1d5e8a7b6c40'
PASSWORD = 'Str0ng-Redis-Pass'

pytestmark = pytest.mark.usefixtures('no_dcs_poll_delay')


def api_account(name, role='read', account_type='normal', description=''):
    return dict(account_id='id-' + name, account_name=name, account_type=account_type, instance_id=IID, status='AVAILABLE',
                account_role=role, description=description, error_code=None, account_read_policy=None)


@pytest.fixture
def cloud(fake_huawei_request):
    """A small stateful DCS: asynchronous changes show their pending status on one list, then settle."""
    state = dict(calls=[], accounts=[api_account('default', 'write', 'default'), api_account('jdoe', description='John Doe')],
                 pending={}, passwords={})

    def find(account_id):
        return next(a for a in state['accounts'] if a['account_id'] == account_id)

    def start(account, status):
        account['status'] = status
        state['pending'][account['account_id']] = 1

    def request(self, method, path, operation, body=None, **kwargs):
        state['calls'].append(dict(operation=operation, method=method, path=path, body=body))
        parts = path.split('/')
        if operation == 'ListAclAccounts':
            for account in list(state['accounts']):
                left = state['pending'].get(account['account_id'])
                if left == 0:
                    del state['pending'][account['account_id']]
                    if account['status'] == 'DELETING':
                        state['accounts'].remove(account)
                    else:
                        account['status'] = 'AVAILABLE'
                elif left is not None:
                    state['pending'][account['account_id']] = left - 1
            return dict(accounts=[dict(a) for a in state['accounts']])
        if operation == 'ShowInstance':
            return dict(instance_id=IID, status='RUNNING')
        if operation == 'CreateAclAccount':
            account = api_account(body['account_name'], body['account_role'], description=body.get('description', ''))
            state['accounts'].append(account)
            state['passwords'][account['account_id']] = body['account_password']
            start(account, 'CREATING')
            return {}
        if operation == 'UpdateAclAccount':
            account = find(parts[-2])
            account['account_role'] = body.get('account_role', account['account_role'])
            account['account_read_policy'] = body.get('account_read_policy', account['account_read_policy'])
            start(account, 'UPDATING')
            return dict(instance_id=IID, job_id='job-1')
        if operation == 'UpdateAclAccountRemark':
            find(parts[-1])['description'] = body['description']
            return {}
        if operation == 'ResetAclAccountPassWord':
            account = find(parts[-3])
            state['passwords'][account['account_id']] = body['new_password']
            start(account, 'UPDATING')
            return dict(code='0', message='success', lock_time=None, lock_time_left=None, retry_times_left=None)
        if operation == 'DeleteAclAccount':
            start(find(parts[-1]), 'DELETING')
            return {}
        raise AssertionError('unexpected operation %s' % operation)

    fake_huawei_request(request)
    return state


@pytest.fixture
def run_module(module_runner):
    run = module_runner(dcs_acl_account.main, HUAWEI_ARGS, instance_id=IID)

    def run_checked(check_mode=False, diff=False, **args):
        res = run(check_mode=check_mode, diff=diff, **args)
        assert PASSWORD not in json.dumps(res.result) and SK not in json.dumps(res.result)
        return res
    return run_checked


def writes(cloud):
    return [c['operation'] for c in cloud['calls'] if c['method'] != 'GET']


CREATE = dict(account_name='svc_cart', role='read', password=PASSWORD, description='Cart service')


def test_create_check_mode(cloud, run_module):
    res = run_module(check_mode=True, diff=True, **CREATE)
    assert res.result['changed'] is True and operations(cloud['calls']) == ['ListAclAccounts']
    assert res.result['account'] == dict(id=None, name='svc_cart', type='normal', role='read', read_policy=None, status='AVAILABLE',
                                         description='Cart service', password='<changed>')
    assert res.result['diff']['before'] == {}
    assert res.result['actions'][0]['params'] == dict(account_name='svc_cart', account_role='read', account_password='********',
                                                      description='Cart service')


def test_create_then_rerun(cloud, run_module):
    res = run_module(**CREATE)
    assert res.result['changed'] is True
    assert operations(cloud['calls']) == ['ListAclAccounts', 'ShowInstance', 'CreateAclAccount', 'ListAclAccounts', 'ListAclAccounts']
    assert cloud['calls'][2]['body'] == dict(account_name='svc_cart', account_role='read', account_password=PASSWORD,
                                             description='Cart service')
    assert res.result['account']['status'] == 'AVAILABLE' and res.result['account']['id'] == 'id-svc_cart'
    assert res.result['account']['password'] == '<changed>'
    del cloud['calls'][:]
    again = run_module(**CREATE)
    assert again.result['changed'] is False and operations(cloud['calls']) == ['ListAclAccounts']
    assert 'password' not in again.result['account']


def test_create_with_read_policy_sets_it_after_the_creation(cloud, run_module):
    res = run_module(wait=False, read_policy='replica', **CREATE)
    # the creation is waited for (the role call needs the new account's ID), the role change is not (wait=false)
    assert operations(cloud['calls']) == ['ListAclAccounts', 'ShowInstance', 'CreateAclAccount', 'ListAclAccounts', 'ListAclAccounts',
                                          'UpdateAclAccount', 'ListAclAccounts']
    put = next(c for c in cloud['calls'] if c['operation'] == 'UpdateAclAccount')
    assert put['path'].endswith('/accounts/id-svc_cart/role') and put['body'] == dict(account_read_policy='replica')
    assert res.result['job_id'] == 'job-1'


def test_description_change_is_synchronous(cloud, run_module):
    res = run_module(diff=True, account_name='jdoe', description='John Doe (EMEA)')
    assert res.result['changed'] is True
    assert operations(cloud['calls']) == ['ListAclAccounts', 'ShowInstance', 'UpdateAclAccountRemark', 'ListAclAccounts']
    assert res.result['diff']['before']['description'] == 'John Doe' and res.result['diff']['after']['description'] == 'John Doe (EMEA)'


def test_password_on_create_leaves_existing_accounts_alone(cloud, run_module):
    res = run_module(account_name='jdoe', password=PASSWORD)
    assert res.result['changed'] is False and writes(cloud) == []


def test_password_always_resets_and_reports_a_change(cloud, run_module):
    res = run_module(diff=True, account_name='jdoe', password=PASSWORD, update_password='always')
    assert res.result['changed'] is True and writes(cloud) == ['ResetAclAccountPassWord']
    assert cloud['passwords']['id-jdoe'] == PASSWORD
    assert res.result['diff']['after']['password'] == '<changed>' and 'password' not in res.result['diff']['before']
    assert res.result['actions'][0]['params'] == dict(new_password='********')


def test_all_changes_in_order_and_waits_between_async_steps(cloud, run_module):
    res = run_module(wait=False, account_name='jdoe', role='write', description='x', password=PASSWORD, update_password='always')
    assert writes(cloud) == ['UpdateAclAccountRemark', 'ResetAclAccountPassWord', 'UpdateAclAccount']
    done = operations(cloud['calls'])
    between = done[done.index('ResetAclAccountPassWord') + 1:done.index('UpdateAclAccount')]
    assert between and set(between) == {'ListAclAccounts'}
    assert res.result['account']['status'] == 'UPDATING'  # the last step was not waited for


def test_delete_and_delete_again(cloud, run_module):
    res = run_module(diff=True, account_name='jdoe', state='absent')
    assert res.result['changed'] is True and writes(cloud) == ['DeleteAclAccount']
    assert res.result['account'] == {} and res.result['diff']['after'] == {} and res.result['diff']['before']['name'] == 'jdoe'
    assert not any(a['account_name'] == 'jdoe' for a in cloud['accounts'])
    del cloud['calls'][:]
    again = run_module(account_name='jdoe', state='absent')
    assert again.result['changed'] is False and operations(cloud['calls']) == ['ListAclAccounts']


def test_delete_check_mode(cloud, run_module):
    res = run_module(check_mode=True, account_name='jdoe', state='absent')
    assert res.result['changed'] is True and writes(cloud) == [] and res.result['actions'][0]['status'] == 'planned'


@pytest.mark.parametrize('args, fragment', [
    (dict(account_name='default', state='absent'), 'cannot be deleted'),
    (dict(account_name='svc_cart', role='admin', password=PASSWORD), 'role'),
    (dict(account_name='9lives', role='read', password=PASSWORD), 'account_name: '),
    (dict(account_name='svc_cart', role='read', password='Has:Colon-123'), 'password: '),
    (dict(account_name='svc_cart', role='read', password='short'), 'password: '),
    (dict(account_name='svc_cart', role='read', password='svc_cart-X1'), 'account name'),
    (dict(account_name='svc_cart', role='read', description='x' * 1025), 'description: '),
    (dict(account_name='svc_cart', state='gone'), 'state'),
    (dict(account_name='jdoe', update_password='always'), 'password: required with update_password=always'),
])
def test_bad_input_fails_before_any_request(cloud, run_module, args, fragment):
    res = run_module(**args)
    assert res.failed and fragment in res.result['msg'] and cloud['calls'] == []
    assert 'Colon' not in res.result['msg']


def test_create_needs_role_and_password(cloud, run_module):
    res = run_module(account_name='svc_cart', role='read')
    assert res.failed and res.result['msg'] == "password: required to create ACL account 'svc_cart'" and writes(cloud) == []


def test_default_account_is_neither_created_nor_changed(cloud, run_module):
    cloud['accounts'] = [a for a in cloud['accounts'] if a['account_type'] != 'default']
    res = run_module(account_name='default', role='write', password=PASSWORD)
    assert res.failed and 'cannot be created' in res.result['msg']
    cloud['accounts'].append(api_account('default', 'write', 'default'))
    res = run_module(account_name='default', description='changed')
    assert res.failed and 'does not change it' in res.result['msg'] and writes(cloud) == []
    assert run_module(account_name='default', role='write').result['changed'] is False


# ------------------------------------------------------------------ accounts: a whole instance in one run

def declared(name, **kwargs):
    return dict(dict(account_name=name, role='read', password=PASSWORD), **kwargs)


SET = [declared('jdoe', description='John Doe')] + [declared('svc_%02d' % i) for i in range(4)]


def test_accounts_first_run_writes_then_waits_once_for_the_set(cloud, run_module):
    res = run_module(diff=True, accounts=SET)
    assert not res.failed and res.result['changed'] is True
    # one read, the instance check, four creates without waiting in between, then the wait for the set (the fake settles
    # a change on the second list after it, so the set needs two lists whatever its size)
    assert operations(cloud['calls']) == (['ListAclAccounts', 'ShowInstance'] + ['CreateAclAccount'] * 4
                                          + ['ListAclAccounts', 'ListAclAccounts'])
    entries = dict((e['name'], e) for e in res.result['accounts'])
    assert entries['jdoe']['drift'] == 'none' and entries['svc_02']['drift'] == 'missing'
    assert entries['svc_02']['account']['status'] == 'AVAILABLE' and entries['svc_02']['account']['id'] == 'id-svc_02'
    assert res.result['diff']['after']['accounts']['svc_02']['password'] == '<changed>'
    assert PASSWORD not in json.dumps(res.result)
    del cloud['calls'][:]
    again = run_module(accounts=SET)
    assert again.result['changed'] is False and operations(cloud['calls']) == ['ListAclAccounts']


def test_accounts_check_mode_and_exclusive_never_touch_the_default_account(cloud, run_module):
    res = run_module(check_mode=True, accounts=[declared('svc_new')], exclusive=True)
    assert operations(cloud['calls']) == ['ListAclAccounts']
    assert [(e['name'], e['drift']) for e in res.result['accounts']] == [('jdoe', 'undeclared'), ('svc_new', 'missing')]
    res = run_module(accounts=[declared('svc_new')], exclusive=True)
    assert writes(cloud) == ['DeleteAclAccount', 'CreateAclAccount']
    assert sorted(a['account_name'] for a in cloud['accounts']) == ['default', 'svc_new']
    assert res.result['accounts'][0]['account'] is None


def test_accounts_unresolved_and_bad_input(cloud, run_module):
    res = run_module(accounts=[dict(account_name='svc_x', role='read')])
    assert res.failed and res.result['msg'].startswith('accounts[0]: cannot create: password not given')
    assert writes(cloud) == []
    res = run_module(accounts=[dict(account_name='svc_x', role='read')], skip_unresolved=True)
    assert not res.failed and res.result['accounts'][0]['drift'] == 'unresolved' and writes(cloud) == []
    del cloud['calls'][:]
    for args in (dict(accounts=[declared('ok'), declared('ok')]), dict(accounts=[declared('default', state='absent')]),
                 dict(accounts=[declared('1bad')]), dict(account_name='jdoe', exclusive=True)):
        assert run_module(**args).failed, args
    assert cloud['calls'] == []


def test_delete_without_waiting_reports_it_accepted_not_finished(cloud, run_module):
    res = run_module(wait=False, account_name='jdoe', state='absent')
    assert res.result['changed'] is True and writes(cloud) == ['DeleteAclAccount']
    assert operations(cloud['calls']) == ['ListAclAccounts', 'ShowInstance', 'DeleteAclAccount', 'ListAclAccounts']
    assert res.result['finished'] is False and res.result['account']['status'] == 'DELETING'


@pytest.mark.parametrize('args', [dict(check_mode=True, wait=False, state='absent'), dict(wait=False, role='read'), dict(state='absent')])
def test_finished_when_nothing_was_left_running(cloud, run_module, args):
    res = run_module(account_name='jdoe', **args)
    assert res.result['finished'] is True
