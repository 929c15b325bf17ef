# -*- coding: utf-8 -*-
# Copyright: dbgov.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""module_utils/dcs: input rules, views, role planning, and AclInstance's waits (fake client, fake clock; no network)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from ansible_collections.dbgov.cloud.plugins.module_utils import dcs
from ansible_collections.dbgov.cloud.plugins.module_utils.common import ValidationError
from ansible_collections.dbgov.cloud.plugins.module_utils.transport import ApiError
from ansible_collections.dbgov.cloud.tests.unit.plugins.fakes import FakeClock, FakeHuaweiClient, refused_secret

IID = '3f2a6c1e-8b4d-4e7a-9c2f-1d5e8a7b6c40'
AID = '7c1e5a2b-4f3d-4e9a-8b6c-2d1f0e9a8b7c'


def api_account(name='bi_readonly', role='read', status='AVAILABLE', account_id=AID, **extra):
    account = dict(account_id=account_id, account_name=name, account_type='normal', instance_id=IID, status=status,
                   account_role=role, description='BI dashboards', error_code=None, account_read_policy=None)
    account.update(extra)
    return account


# --- validation ---------------------------------------------------------------------------------------

@pytest.mark.parametrize('name', ['a', 'bi_readonly', 'svc-payments', 'A' * 64, 'default'])
def test_good_names(name):
    dcs.check_name('account_name', name)


@pytest.mark.parametrize('name', ['', '1abc', '_abc', 'a b', 'a.b', 'a' * 65, u'caf\u00e9'])
def test_bad_names_name_the_option(name):
    with pytest.raises(ValidationError, match='^account_name: '):
        dcs.check_name('account_name', name)


@pytest.mark.parametrize('value', ['3f2a6c1e-8b4d-4e7a-9c2f-1d5e8a7b6c40', 'abc123'])
def test_good_ids(value):
    dcs.check_id('instance_id', value)


@pytest.mark.parametrize('value', ['', '../accounts', 'a/b', 'a?b=1', 'x' * 65])
def test_ids_that_would_break_the_path_are_refused(value):
    with pytest.raises(ValidationError, match='^instance_id: '):
        dcs.check_id('instance_id', value)


@pytest.mark.parametrize('password', ['Str0ng-Redis-Pass', 'abcDEF12', 'abc123!?', 'A' * 30 + 'b' * 30 + '1234'])
def test_good_passwords(password):
    dcs.check_account_password('password', password, 'svc_cart')


@pytest.mark.parametrize('password, problem', [
    ('Sh0rt!', 'must be 8 to 64'),
    ('A' * 63 + 'b1', 'must be 8 to 64'),
    ('alllowercase1', 'at least 3 of'),
    ('Has:Colon-123', "':'"),
    ('Quote"Pass1', "'\"'"),
    ('Xsvc_cart-12', 'account name'),
    ('Xtrac_cvs-12', 'account name'),
])
def test_bad_passwords_never_echo_the_password(password, problem):
    assert problem in refused_secret(dcs.check_account_password, 'password', password, 'svc_cart')


def test_description_and_wait_timeout_limits():
    dcs.check_description('description', 'x' * 1024)
    with pytest.raises(ValidationError, match='^description: '):
        dcs.check_description('description', 'x' * 1025)
    dcs.check_wait_timeout('wait_timeout', 1)
    with pytest.raises(ValidationError, match='^wait_timeout: '):
        dcs.check_wait_timeout('wait_timeout', 0)


# --- views and planning ---------------------------------------------------------------------------------

def test_account_view_is_snake_case_and_has_no_error_code():
    view = dcs.account_view(api_account(account_read_policy='replica', description=None))
    assert view == dict(id=AID, name='bi_readonly', type='normal', role='read', read_policy='replica', status='AVAILABLE', description='')
    assert dcs.account_view(None) is None


def test_select_by_name_is_exact_and_by_id_wins():
    accounts = [api_account('BI_readonly', account_id='1'), api_account('bi_readonly', account_id='2')]
    assert dcs.select(accounts, name='bi_readonly')['account_id'] == '2'
    assert dcs.select(accounts, name='bi_readonly', account_id='1')['account_name'] == 'BI_readonly'
    assert dcs.select(accounts, name='nobody') is None


@pytest.mark.parametrize('role, policy, expected', [
    ('read', None, {}),
    ('write', None, {'account_role': 'write'}),
    (None, 'replica', {'account_read_policy': 'replica'}),
    ('write', 'master', {'account_role': 'write', 'account_read_policy': 'master'}),
    ('read', 'master', {'account_read_policy': 'master'}),
])
def test_role_changes_only_send_differences(role, policy, expected):
    view = dcs.account_view(api_account())
    body = dcs.role_changes(view, role, policy)
    assert body == expected
    after = dcs.apply_role_changes(view, body)
    assert after['role'] == (role or 'read') and after['read_policy'] == policy
    assert view['role'] == 'read'  # not mutated


def test_busy_codes_cover_the_documented_list():
    assert {'DCS.4026', 'DCS.4049', 'DCS.4096', 'DCS.4975', 'CBC.99003651'} <= dcs.BUSY_CODES
    assert 'APIGW.0308' not in dcs.BUSY_CODES  # throttling is the transport's


# --- AclInstance against a fake client ------------------------------------------------------------------

class FakeClient(FakeHuaweiClient):
    """Answers by operation; ``lists`` is a queue of account lists (the last one repeats)."""

    def __init__(self, lists, instance_status='RUNNING', job=None, errors=None):
        super(FakeClient, self).__init__()
        self.lists = list(lists)
        self.instance_status = instance_status
        self.job = job
        self.errors = errors or {}

    def answer(self, operation, call):
        if operation in self.errors:
            raise self.errors[operation]
        if operation == 'ListAclAccounts':
            return dict(accounts=self.lists.pop(0) if len(self.lists) > 1 else self.lists[0])
        if operation == 'ShowInstance':
            status = self.instance_status
            if isinstance(status, list):
                status = status.pop(0) if len(status) > 1 else status[0]
            return dict(instance_id=IID, status=status)
        if operation == 'UpdateAclAccount':
            return dict(instance_id=IID, job_id='job-1')
        if operation == 'ShowJobInfo':
            return self.job or {}
        if operation == 'ResetAclAccountPassWord':
            return dict(code='0', message='success', lock_time=None, lock_time_left=None, retry_times_left=None)
        return {}


def acl_for(client, **params):
    clock = FakeClock()
    settings = dict(dict(wait=True, wait_timeout=30), **params)
    return dcs.AclInstance(client, IID, 'cn-north-4', sleep=clock.sleep, clock=clock.clock, **settings), clock


def test_role_change_waits_until_available_with_the_new_role():
    client = FakeClient([[api_account(role='write', status='UPDATING')], [api_account(role='write', status='UPDATING')],
                         [api_account(role='write')]])
    acl, clock = acl_for(client)
    end = acl.change_role(AID, 'bi_readonly', dict(account_role='write'))
    assert end['account_role'] == 'write' and end['status'] == 'AVAILABLE'
    assert client.operations() == ['ShowInstance', 'UpdateAclAccount', 'ListAclAccounts', 'ListAclAccounts', 'ListAclAccounts']
    put = client.calls[1]
    assert put['method'] == 'PUT' and put['path'].endswith('/accounts/%s/role' % AID)
    assert put['body'] == dict(account_role='write') and put['busy_codes'] == dcs.BUSY_CODES and put['deadline'] == 30
    assert acl.job_id == 'job-1'
    assert clock.now == pytest.approx(2.5)  # polls at 0, 1 and 2.5 s
    # the end state comes from the wait: no extra list call
    assert acl.reread(account_id=AID)['role'] == 'write' and len(client.calls) == 5


def test_available_but_old_role_keeps_polling():
    client = FakeClient([[api_account(role='read')], [api_account(role='write')]])
    acl, _clock = acl_for(client)
    acl.change_role(AID, 'bi_readonly', dict(account_role='write'))
    assert client.operations().count('ListAclAccounts') == 2


def test_instance_is_checked_once_per_run():
    client = FakeClient([[api_account()]])
    acl, _clock = acl_for(client)
    acl.set_description(AID, 'x')
    acl.set_description(AID, 'y')
    assert client.operations() == ['ShowInstance', 'UpdateAclAccountRemark', 'UpdateAclAccountRemark']


def test_busy_instance_is_waited_for():
    client = FakeClient([[api_account()]], instance_status=['RESTARTING', 'RESTARTING', 'RUNNING'])
    acl, _clock = acl_for(client)
    acl.set_description(AID, 'x')
    assert client.operations() == ['ShowInstance'] * 3 + ['UpdateAclAccountRemark']


@pytest.mark.parametrize('status', ['FROZEN', 'ERROR', 'CREATEFAILED'])
def test_dead_instance_fails_at_once_without_writing(status):
    client = FakeClient([[api_account()]], instance_status=status)
    acl, _clock = acl_for(client)
    with pytest.raises(ApiError) as info:
        acl.set_description(AID, 'x')
    assert info.value.code == 'InstanceNotRunning' and status in info.value.message and 'wait_timeout' not in info.value.message
    assert client.operations() == ['ShowInstance']


def test_instance_never_running_times_out():
    client = FakeClient([[api_account()]], instance_status='EXTENDING')
    acl, clock = acl_for(client, wait_timeout=20)
    with pytest.raises(ApiError) as info:
        acl.set_description(AID, 'x')
    assert info.value.code == 'InstanceNotRunning' and 'EXTENDING' in info.value.message and clock.now == pytest.approx(20)


def test_role_change_ending_in_error_names_the_status_and_job_reason():
    client = FakeClient([[api_account(status='UPDATING', role='write')], [api_account(status='ERROR')]],
                        job=dict(job_id='job-1', status='FAIL', fail_reason='node unreachable'))
    acl, _clock = acl_for(client)
    with pytest.raises(ApiError) as info:
        acl.change_role(AID, 'bi_readonly', dict(account_role='write'))
    err = info.value
    assert err.code == 'AccountStatusError' and err.operation == 'UpdateAclAccount'
    assert 'ended in status ERROR' in err.message and 'job-1: FAIL, node unreachable' in err.message


def test_job_query_failure_does_not_hide_the_status():
    client = FakeClient([[api_account(status='ERROR')]], errors=dict(ShowJobInfo=ApiError('dcs', 'ShowJobInfo', 404, 'DCS.4964', 'no job')))
    acl, _clock = acl_for(client)
    with pytest.raises(ApiError) as info:
        acl.change_role(AID, 'bi_readonly', dict(account_role='write'))
    assert 'ended in status ERROR (job job-1)' in info.value.message


def test_wait_timeout_names_the_last_status():
    client = FakeClient([[api_account(status='UPDATING', role='write')]])
    acl, clock = acl_for(client, wait_timeout=10)
    with pytest.raises(ApiError) as info:
        acl.change_role(AID, 'bi_readonly', dict(account_role='write'))
    assert info.value.code == 'WaitTimeout' and 'still UPDATING after 10 s' in info.value.message
    assert clock.now == pytest.approx(10)


def test_wait_false_returns_after_the_request():
    client = FakeClient([[api_account()]])
    acl, _clock = acl_for(client, wait=False)
    assert acl.change_role(AID, 'bi_readonly', dict(account_role='write')) is None
    assert client.operations() == ['ShowInstance', 'UpdateAclAccount'] and acl.job_id == 'job-1'
    # forced wait (a later step needs the account) still waits
    client.lists = [[api_account(role='write')]]
    acl.change_role(AID, 'bi_readonly', dict(account_role='write'), wait=True)
    assert client.operations()[-1] == 'ListAclAccounts'


def test_create_waits_for_the_new_account_to_appear_and_be_available():
    client = FakeClient([[], [api_account('svc_cart', status='CREATING')], [api_account('svc_cart')]])
    acl, _clock = acl_for(client)
    end = acl.create('svc_cart', 'read', 'Str0ng-Redis-Pass', 'Cart')
    assert end['account_name'] == 'svc_cart' and acl.latest is end
    post = client.calls[1]
    assert post['operation'] == 'CreateAclAccount' and post['body'] == dict(
        account_name='svc_cart', account_role='read', account_password='Str0ng-Redis-Pass', description='Cart')


def test_create_failed_is_reported():
    client = FakeClient([[api_account('svc_cart', status='CREATEFAILED')]])
    acl, _clock = acl_for(client)
    with pytest.raises(ApiError) as info:
        acl.create('svc_cart', 'read', 'Str0ng-Redis-Pass')
    assert 'CREATEFAILED' in info.value.message and 'Str0ng' not in info.value.message
    assert 'description' not in client.calls[1]['body']


@pytest.mark.parametrize('last', [[], [api_account(status='DELETED')]])
def test_delete_waits_until_gone(last):
    client = FakeClient([[api_account(status='DELETING')], last])
    acl, _clock = acl_for(client)
    acl.delete(AID, 'bi_readonly')
    assert client.operations() == ['ShowInstance', 'DeleteAclAccount', 'ListAclAccounts', 'ListAclAccounts']
    assert acl.latest is None


def test_delete_failed_is_reported():
    client = FakeClient([[api_account(status='DELETEFAILED')]])
    acl, _clock = acl_for(client)
    with pytest.raises(ApiError, match='DELETEFAILED'):
        acl.delete(AID, 'bi_readonly')


def test_password_reset_sends_only_the_new_password_and_waits():
    client = FakeClient([[api_account(status='UPDATING')], [api_account()]])
    acl, _clock = acl_for(client)
    acl.set_password(AID, 'bi_readonly', 'N3w-Passw0rd!')
    reset = client.calls[1]
    assert reset['path'].endswith('/password/reset') and reset['body'] == dict(new_password='N3w-Passw0rd!')
    assert client.operations()[-2:] == ['ListAclAccounts', 'ListAclAccounts']


def test_locked_account_refuses_the_reset():
    class Locked(FakeClient):
        def request(self, method, path, operation, **kwargs):
            if operation == 'ResetAclAccountPassWord':
                return dict(code='DCS.4990', message='locked', lock_time='30', lock_time_left='29', retry_times_left='0')
            return super(Locked, self).request(method, path, operation, **kwargs)

    acl, _clock = acl_for(Locked([[api_account()]]))
    with pytest.raises(ApiError) as info:
        acl.set_password(AID, 'bi_readonly', 'N3w-Passw0rd!')
    assert 'locked (29 left)' in info.value.message and 'N3w' not in info.value.message


def test_reread_without_a_wait_lists_once():
    client = FakeClient([[api_account(description='new')]])
    acl, _clock = acl_for(client)
    acl.set_description(AID, 'new')
    assert acl.reread(name='bi_readonly')['description'] == 'new'
    assert client.operations() == ['ShowInstance', 'UpdateAclAccountRemark', 'ListAclAccounts']


def test_missing_account_message_lists_nothing_secret():
    acl, _clock = acl_for(FakeClient([[api_account()]]))
    err = acl.missing(name='ghost', count=7)
    assert str(err) == "no ACL account named 'ghost' on DCS instance %s (the instance lists 7 account(s))" % IID
    assert 'with ID' in str(acl.missing(account_id='x', count=1))


def test_read_policy_is_unverified_only_where_no_account_reports_it():
    reported = {'account_name': 'a', 'account_read_policy': None}
    unreported = {'account_name': 'b'}
    assert dcs.unverified_fields([unreported, reported]) == ()
    assert dcs.unverified_fields([unreported]) == ('read_policy',)
    assert dcs.unverified_fields([]) == ('read_policy',)
