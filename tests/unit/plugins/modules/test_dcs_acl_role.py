# -*- coding: utf-8 -*-
# Copyright: dbgov.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""dcs_acl_role: validation before any request, planning, check mode, waits and results (fake cloud; no network)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json

import pytest

from ansible.module_utils import basic

from ansible_collections.dbgov.cloud.plugins.module_utils import dcs
from ansible_collections.dbgov.cloud.plugins.module_utils.transport import ApiError
from ansible_collections.dbgov.cloud.plugins.modules import dcs_acl_role
from ansible_collections.dbgov.cloud.tests.unit.plugins.modules.helpers import HUAWEI_ARGS, HUAWEI_SK as SK, operations

IID = '3f2a6c1e-8b4d-4e7a-9c2f-1d5e8a7b6c40'

pytestmark = pytest.mark.usefixtures('no_dcs_poll_delay')


def api_account(name, role='read', account_type='normal', policy=None):
    return dict(account_id='id-' + name, account_name=name, account_type=account_type, instance_id=IID, status='AVAILABLE',
                account_role=role, description='', error_code=None, account_read_policy=policy)


@pytest.fixture
def cloud(fake_huawei_request):
    """A small stateful DCS: a role change shows UPDATING on the next list, then AVAILABLE (or ``fail_with``)."""
    state = dict(calls=[], accounts=[api_account('default', 'write', 'default'), api_account('bi_readonly'),
                                     api_account('svc_sessions', 'write', policy='replica')],
                 pending={}, errors={}, fail_with=None, instance_status='RUNNING')

    def request(self, method, path, operation, body=None, **kwargs):
        state['calls'].append(dict(operation=operation, method=method, path=path, body=body, kwargs=kwargs))
        if operation in state['errors']:
            raise state['errors'][operation]
        if operation == 'ListAclAccounts':
            for account in state['accounts']:
                left = state['pending'].get(account['account_id'])
                if left is not None:
                    if left == 0:
                        account['status'] = state['fail_with'] or 'AVAILABLE'
                        del state['pending'][account['account_id']]
                    else:
                        account['status'] = 'UPDATING'
                        state['pending'][account['account_id']] = left - 1
            return dict(accounts=[dict(a) for a in state['accounts']])
        if operation == 'ShowInstance':
            return dict(instance_id=IID, status=state['instance_status'])
        if operation == 'UpdateAclAccount':
            account_id = path.split('/')[-2]
            account = next(a for a in state['accounts'] if a['account_id'] == account_id)
            account['account_role'] = body.get('account_role', account['account_role'])
            account['account_read_policy'] = body.get('account_read_policy', account['account_read_policy'])
            account['status'] = 'UPDATING'
            state['pending'][account_id] = 1
            return dict(instance_id=IID, job_id='job-%d' % len(state['calls']))
        if operation == 'ShowJobInfo':
            return dict(job_id='job', status='FAIL', fail_reason='node unreachable')
        raise AssertionError('unexpected operation %s' % operation)

    fake_huawei_request(request)
    return state


@pytest.fixture
def run_module(module_runner):
    return module_runner(dcs_acl_role.main, HUAWEI_ARGS, instance_id=IID)


def writes(cloud):
    return [c for c in cloud['calls'] if c['method'] != 'GET']


def test_check_mode_plans_without_writing_or_reading_the_instance(cloud, run_module):
    res = run_module(check_mode=True, diff=True, account_name='bi_readonly', role='write')
    assert not res.failed and res.result['changed'] is True
    assert operations(cloud['calls']) == ['ListAclAccounts']
    assert res.result['account']['role'] == 'write' and res.result['job_id'] is None
    assert res.result['diff'] == dict(before=dict(res.result['account'], role='read'), after=res.result['account'])
    assert res.result['actions'] == [dict(operation='UpdateAclAccount', status='planned', target='bi_readonly',
                                          params=dict(account_role='write'))]


def test_apply_sends_one_put_and_waits_until_available(cloud, run_module):
    res = run_module(account_name='bi_readonly', role='write')
    assert not res.failed and res.result['changed'] is True
    assert operations(cloud['calls']) == ['ListAclAccounts', 'ShowInstance', 'UpdateAclAccount', 'ListAclAccounts', 'ListAclAccounts']
    assert writes(cloud)[0]['body'] == dict(account_role='write')
    assert writes(cloud)[0]['kwargs']['busy_codes'] == dcs.BUSY_CODES and writes(cloud)[0]['kwargs']['deadline'] == 300
    assert res.result['account'] == dict(id='id-bi_readonly', name='bi_readonly', type='normal', role='write', read_policy=None,
                                         status='AVAILABLE', description='')
    assert res.result['job_id'] == 'job-3' and res.result['actions'][0]['status'] == 'done'
    assert 'diff' not in res.result


def test_rerun_is_one_read_and_no_write(cloud, run_module):
    res = run_module(account_name='svc_sessions', role='write', read_policy='replica')
    assert res.result['changed'] is False and operations(cloud['calls']) == ['ListAclAccounts']
    assert res.result['actions'] == [] and res.result['job_id'] is None


def test_only_the_differing_field_is_sent(cloud, run_module):
    res = run_module(account_name='svc_sessions', role='write', read_policy='master')
    assert res.result['changed'] is True
    assert writes(cloud)[0]['body'] == dict(account_read_policy='master')
    assert res.result['account']['read_policy'] == 'master'


def test_by_account_id(cloud, run_module):
    res = run_module(account_id='id-bi_readonly', read_policy='replica')
    assert res.result['changed'] is True and writes(cloud)[0]['path'].endswith('/accounts/id-bi_readonly/role')


def test_wait_false_returns_the_job_without_polling(cloud, run_module):
    res = run_module(account_name='bi_readonly', role='write', wait=False)
    assert res.result['changed'] is True and res.result['job_id'] == 'job-3'
    assert operations(cloud['calls']) == ['ListAclAccounts', 'ShowInstance', 'UpdateAclAccount', 'ListAclAccounts']
    assert res.result['account']['status'] == 'UPDATING'


def test_change_ending_in_error_fails_naming_the_status(cloud, run_module):
    cloud['fail_with'] = 'ERROR'
    res = run_module(account_name='bi_readonly', role='write')
    assert res.failed
    assert 'ended in status ERROR' in res.result['msg'] and 'node unreachable' in res.result['msg']
    assert res.result['error_code'] == 'AccountStatusError'
    assert res.result['actions'][0]['status'] == 'failed'


def test_instance_not_running_fails_before_the_write(cloud, run_module):
    cloud['instance_status'] = 'FROZEN'
    res = run_module(account_name='bi_readonly', role='write')
    assert res.failed and 'FROZEN' in res.result['msg'] and res.result['error_code'] == 'InstanceNotRunning'
    assert writes(cloud) == []


def test_missing_account_is_a_clear_failure(cloud, run_module):
    res = run_module(account_name='ghost', role='read')
    assert res.failed and res.result['msg'] == "no ACL account named 'ghost' on DCS instance %s (the instance lists 3 account(s))" % IID
    assert operations(cloud['calls']) == ['ListAclAccounts']


def test_default_account_is_not_changed(cloud, run_module):
    res = run_module(account_name='default', role='read')
    assert res.failed and 'default account' in res.result['msg'] and writes(cloud) == []
    assert run_module(account_name='default', role='write').result['changed'] is False


@pytest.mark.parametrize('args, fragment', [
    (dict(account_name='bi_readonly', role='admin'), 'role'),
    (dict(account_name='1bad', role='read'), 'account_name: '),
    (dict(account_name='bi_readonly'), 'one of the following is required: role, read_policy'),
    (dict(role='read'), 'one of the following is required: account_name, account_id'),
    (dict(account_name='bi_readonly', account_id='x', role='read'), 'mutually exclusive'),
    (dict(account_id='../../jobs', role='read'), 'account_id: '),
    (dict(account_name='bi_readonly', role='read', read_policy='nearest'), 'read_policy'),
    (dict(account_name='bi_readonly', role='read', wait_timeout=0), 'wait_timeout: '),
])
def test_bad_input_fails_before_any_request(cloud, run_module, args, fragment):
    res = run_module(**args)
    assert res.failed and fragment in res.result['msg']
    assert cloud['calls'] == []


def test_api_error_carries_code_and_request_id_but_no_secret(cloud, run_module):
    cloud['errors']['ListAclAccounts'] = ApiError('dcs', 'ListAclAccounts', 404, 'DCS.4800', 'The instance does not exist.', 'req-1')
    res = run_module(account_name='bi_readonly', role='write')
    assert res.failed and res.result['error_code'] == 'DCS.4800' and res.result['request_id'] == 'req-1'
    assert 'DCS.4800: The instance does not exist.' in res.result['msg'] and SK not in json.dumps(res.result)


def test_unchanged_account_in_error_status_is_reported_with_a_warning(cloud, run_module, monkeypatch):
    cloud['accounts'][1]['status'] = 'ERROR'
    warnings = []
    monkeypatch.setattr(basic.AnsibleModule, 'warn', lambda self, text: warnings.append(text))
    res = run_module(account_name='bi_readonly', role='read')
    assert res.result['changed'] is False
    assert warnings == ["ACL account 'bi_readonly' is in status ERROR; check it in the DCS console"]


def test_an_account_still_updating_is_waited_for_before_planning(cloud, run_module):
    """An earlier run's role change whose answer was lost: the account is UPDATING with the asked role, and that change
    then fails (reverted, ERROR). Planning against the UPDATING view reported "no change" and wrote nothing; planning
    against the settled view sends the change again. (Bug fixed.)"""
    account = next(a for a in cloud['accounts'] if a['account_name'] == 'bi_readonly')
    account.update(status='UPDATING')
    cloud['pending'][account['account_id']] = 1
    cloud['fail_with'] = 'ERROR'
    res = run_module(account_name='bi_readonly', role='read')
    # the first list sees UPDATING, the second the settled ERROR (role still read): nothing to change, a warning says ERROR
    assert operations(cloud['calls'])[:2] == ['ListAclAccounts', 'ListAclAccounts']
    assert not res.failed and res.result['account']['status'] == 'ERROR'


def test_an_account_that_never_settles_fails_clearly(cloud, run_module, monkeypatch):
    account = next(a for a in cloud['accounts'] if a['account_name'] == 'bi_readonly')
    account.update(status='UPDATING')
    cloud['pending'][account['account_id']] = 10 ** 6
    res = run_module(account_name='bi_readonly', role='write', wait_timeout=1)
    assert res.failed and res.result['error_code'] == 'AccountNotSettled'
    assert "ACL account 'bi_readonly' is still UPDATING after 1 s" in res.result['msg'] and writes(cloud) == []
