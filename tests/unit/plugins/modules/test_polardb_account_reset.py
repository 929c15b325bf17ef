# -*- coding: utf-8 -*-
# Copyright: dbgov.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""polardb_account_reset: validation, the pre-flight checks and waits, the reset call, check mode and secrecy (no network).

AlibabaClient.call is replaced by a stateful fake (the real paginate runs on top of it); waits run on a fake clock.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import copy
import json

import pytest

from ansible_collections.dbgov.cloud.plugins.module_utils.common import ValidationError
from ansible_collections.dbgov.cloud.plugins.module_utils.transport import ApiError
from ansible_collections.dbgov.cloud.plugins.modules import polardb_account_reset
from ansible_collections.dbgov.cloud.tests.unit.plugins.modules.helpers import ALIBABA_ARGS, operations

CLUSTER = 'pc-bp1orders0prod01'
PASSWORD = 'N3w-Admin=Pass'


def account(name, account_type='Normal', status='Available', **extra):
    entry = dict(AccountName=name, AccountType=account_type, AccountStatus=status, AccountLockState='UnLock',
                 AccountDescription='', AccountPasswordValidTime='undefined', DatabasePrivileges=[])
    entry.update(extra)
    return entry


def accounts_seed():
    return [
        account('dba_admin', 'Super', AccountDescription='cluster administrator'),
        account('app_orders', DatabasePrivileges=[dict(DBName='orders_archive', AccountPrivilege='ReadOnly'),
                                                  dict(DBName='orders', AccountPrivilege='ReadWrite')]),
        account('audit_ro', 'ReadOnly'),
    ]


class FakeCloud:
    """Answers PolarDB actions from in-memory state and records (action, params, kwargs)."""

    def __init__(self):
        self.calls = []
        self.clusters = {CLUSTER: dict(DBClusterId=CLUSTER, DBClusterDescription='orders production', DBType='MySQL', DBVersion='8.0',
                                       DBClusterStatus='Running', LockMode='Unlock')}
        self.accounts = {CLUSTER: accounts_seed()}
        self.errors = {}           # action -> [ApiError, ...] raised in turn
        self.cluster_statuses = []  # statuses shown by the next DescribeDBClusterAttribute calls, then Running
        self.account_statuses = []  # statuses of the account shown by the next DescribeAccounts calls, then Available
        self.after_reset = None    # (cluster statuses, account statuses) queued by a ResetAccount
        self.page_sizes = set()

    def ops(self):
        return operations(self.calls)

    def call(self, action, params=None, **kwargs):
        params = dict(params or {})
        self.calls.append((action, params, kwargs))
        queued = self.errors.get(action)
        if queued:
            raise queued.pop(0)
        cluster_id = params.get('DBClusterId')
        if action == 'DescribeDBClusterAttribute':
            cluster = dict(self.clusters[cluster_id])
            if self.cluster_statuses:
                cluster['DBClusterStatus'] = self.cluster_statuses.pop(0)
            return dict(cluster, RequestId='req-attr')
        if action == 'DescribeAccounts':
            size, number = params['PageSize'], params['PageNumber']
            self.page_sizes.add(size)
            rows = [a for a in self.accounts[cluster_id] if not params.get('AccountName') or a['AccountName'] == params['AccountName']]
            rows = copy.deepcopy(rows[(number - 1) * size:number * size])
            if self.account_statuses:
                status = self.account_statuses.pop(0)
                for row in rows:
                    if row['AccountType'] == 'Super':
                        row['AccountStatus'] = status
            return dict(Accounts=rows, PageNumber=number, PageRecordCount=len(rows), RequestId='req-acc')
        if action == 'ResetAccount':
            if self.after_reset:
                self.cluster_statuses, self.account_statuses = [list(s) for s in self.after_reset]
            return dict(RequestId='req-reset-1')
        raise AssertionError('unexpected action %s' % action)


@pytest.fixture
def cloud(fake_alibaba_call, fake_clock):
    fake = FakeCloud()
    fake.clock = fake_clock
    fake_alibaba_call(lambda self, action, params=None, **kw: fake.call(action, params, **kw))
    return fake


@pytest.fixture
def run(module_runner):
    return module_runner(polardb_account_reset.main, ALIBABA_ARGS, cluster_id=CLUSTER, account_name='dba_admin')


def params(**kwargs):
    values = dict(cluster_id=CLUSTER, account_name='dba_admin', account_password=None, wait=True, wait_timeout=600)
    values.update(kwargs)
    return values


# ------------------------------------------------------------------ validation

@pytest.mark.parametrize('kwargs, option', [
    (dict(cluster_id='rm-bp1orders'), 'cluster_id'),
    (dict(cluster_id='pc-'), 'cluster_id'),
    (dict(cluster_id='PC-BP1ORDERS'), 'cluster_id'),
    (dict(account_name='Dba_admin'), 'account_name'),
    (dict(account_name='dba_'), 'account_name'),
    (dict(account_name='1dba'), 'account_name'),
    (dict(account_name='d'), 'account_name'),
    (dict(account_name='a' * 33), 'account_name'),
    (dict(account_name='dba-admin'), 'account_name'),
    (dict(account_password='Sh0rt!'), 'account_password'),
    (dict(account_password='alllowercase123'), 'account_password'),
    (dict(account_password='Bad~Passw0rd'), 'account_password'),
    (dict(account_password='A' * 20 + 'a1!' + 'x' * 10), 'account_password'),
    (dict(wait_timeout=0), 'wait_timeout'),
])
def test_validate_names_the_option(kwargs, option):
    with pytest.raises(ValidationError) as info:
        polardb_account_reset.validate(params(**kwargs))
    assert str(info.value).startswith(option + ': ')
    if kwargs.get('account_password'):
        assert kwargs['account_password'] not in str(info.value)


@pytest.mark.parametrize('password', ['N3w-Admin=Pass', 'abcdEFGH1234', 'abcd1234!@#$', 'ABCD1234()_+', 'x' * 7 + 'Y1', 'Aa1!' * 8])
def test_validate_accepts(password):
    polardb_account_reset.validate(params(account_password=password, account_name='ab'))
    polardb_account_reset.validate(params(account_name='a' * 32))


def test_bad_input_makes_no_request(cloud, run):
    for args in (dict(cluster_id='bad'), dict(account_name='Root'), dict(account_password='short'), dict(wait_timeout=-1)):
        res = run(**args)
        assert res.failed, args
    assert cloud.calls == []


# ------------------------------------------------------------------ the reset

def test_reset_of_the_super_account(cloud, run):
    res = run(diff=True)
    assert not res.failed and res.result['changed'] is True
    assert cloud.ops() == ['DescribeDBClusterAttribute', 'DescribeAccounts', 'ResetAccount', 'DescribeDBClusterAttribute', 'DescribeAccounts']
    action, sent, kwargs = cloud.calls[2]
    assert sent == dict(DBClusterId=CLUSTER, AccountName='dba_admin')
    assert kwargs == dict(write=True, idempotent=True, busy_codes=('ConcurrentTaskExceeded',), deadline=600)
    assert cloud.calls[1][1] == dict(DBClusterId=CLUSTER, PageNumber=1, PageSize=100)
    assert cloud.calls[4][1] == dict(DBClusterId=CLUSTER, AccountName='dba_admin', PageNumber=1, PageSize=100)
    result = res.result
    assert result['request_id'] == 'req-reset-1'
    assert result['account'] == dict(account_name='dba_admin', account_type='Super', account_status='Available', account_lock_state='UnLock',
                                     account_description='cluster administrator', account_password_valid_time='undefined',
                                     database_privileges=[], permissions='reset')
    assert result['cluster'] == dict(cluster_id=CLUSTER, description='orders production', db_type='MySQL', db_version='8.0',
                                     status='Running', lock_mode='Unlock')
    assert result['actions'] == [dict(operation='ResetAccount', status='done', target=CLUSTER + '/dba_admin',
                                      params=dict(DBClusterId=CLUSTER, AccountName='dba_admin'))]
    assert result['diff']['before']['permissions'] == 'unknown' and result['diff']['after']['permissions'] == 'reset'
    assert 'password' not in result['diff']['after']


def test_a_second_run_resets_again(cloud, run):
    """No API tells whether the grants are damaged: every run is an explicit reset (documented in notes)."""
    run()
    res = run()
    assert res.result['changed'] is True and cloud.ops().count('ResetAccount') == 2


def test_reset_with_password(cloud, run):
    res = run(diff=True, account_password=PASSWORD)
    assert cloud.calls[2][1] == dict(DBClusterId=CLUSTER, AccountName='dba_admin', AccountPassword=PASSWORD)
    assert res.result['actions'][0]['params']['AccountPassword'] == '********'
    assert res.result['diff']['after']['password'] == '<changed>' and 'password' not in res.result['diff']['before']
    assert res.result['account']['password'] == '<changed>'
    assert PASSWORD not in json.dumps(res.result)


def test_check_mode_reads_and_never_writes(cloud, run):
    res = run(check_mode=True, diff=True, account_password=PASSWORD)
    assert res.result['changed'] is True
    assert cloud.ops() == ['DescribeDBClusterAttribute', 'DescribeAccounts']
    assert res.result['request_id'] is None and res.result['actions'][0]['status'] == 'planned'
    assert res.result['account']['account_name'] == 'dba_admin' and res.result['account']['permissions'] == 'reset'
    assert PASSWORD not in json.dumps(res.result)


def test_account_on_a_later_page_is_found(cloud, run):
    cloud.accounts[CLUSTER] = [account('tenant_%03d' % n) for n in range(1, 231)] + accounts_seed()
    res = run()
    assert not res.failed
    reads = [c[1] for c in cloud.calls if c[0] == 'DescribeAccounts']
    assert [(r['PageNumber'], r['PageSize']) for r in reads[:3]] == [(1, 100), (2, 100), (3, 100)]
    assert cloud.page_sizes == {100}


def test_without_wait_the_end_state_is_read_once(cloud, run):
    res = run(wait=False)
    assert cloud.ops() == ['DescribeDBClusterAttribute', 'DescribeAccounts', 'ResetAccount', 'DescribeAccounts']
    assert res.result['account']['account_status'] == 'Available'


# ------------------------------------------------------------------ pre-flight failures (no write)

def test_normal_account_fails_before_any_write(cloud, run):
    res = run(account_name='app_orders')
    assert res.failed and 'ResetAccount' not in cloud.ops()
    assert res.result['msg'] == ("account_name: account 'app_orders' of cluster %s is a Normal account; ResetAccount resets only the "
                                 "privileged (Super) account; the privileged account of this cluster is dba_admin" % CLUSTER)
    assert res.result['resource_id'] == CLUSTER and res.result['operation'] == 'DescribeAccounts'


def test_readonly_account_fails_naming_its_type(cloud, run):
    res = run(account_name='audit_ro')
    assert res.failed and 'is a ReadOnly account' in res.result['msg'] and 'ResetAccount' not in cloud.ops()


def test_missing_account_lists_what_was_found(cloud, run):
    res = run(account_name='ghost')
    assert res.failed and 'ResetAccount' not in cloud.ops()
    assert "has no account named 'ghost'; its accounts are: dba_admin (Super), app_orders (Normal), audit_ro (ReadOnly)" in res.result['msg']


def test_postgresql_cluster_fails_before_any_read_of_accounts(cloud, run):
    cloud.clusters[CLUSTER]['DBType'] = 'PostgreSQL'
    res = run()
    assert res.failed and cloud.ops() == ['DescribeDBClusterAttribute']
    assert res.result['msg'] == ('cluster_id: cluster %s is a PolarDB for PostgreSQL cluster; ResetAccount supports only PolarDB for MySQL '
                                 'clusters' % CLUSTER)


def test_stopped_cluster_fails_at_once(cloud, run):
    cloud.clusters[CLUSTER]['DBClusterStatus'] = 'Stopped'
    res = run()
    assert res.failed and cloud.ops() == ['DescribeDBClusterAttribute'] and cloud.clock.sleeps == []
    assert 'is Stopped, not Running (it will not become Running by itself), before the reset; nothing was changed' in res.result['msg']


def test_not_running_without_wait_fails_at_once(cloud, run):
    cloud.cluster_statuses = ['Rebooting']
    res = run(wait=False)
    assert res.failed and cloud.ops() == ['DescribeDBClusterAttribute']
    assert 'is Rebooting, not Running (wait is false)' in res.result['msg']


def test_deleting_account_fails(cloud, run):
    cloud.account_statuses = ['Deleting']
    res = run()
    assert res.failed and 'ResetAccount' not in cloud.ops()
    assert "account 'dba_admin' of cluster %s is Deleting, not Available (it is being deleted)" % CLUSTER in res.result['msg']


# ------------------------------------------------------------------ waits

def test_rebooting_cluster_is_waited_for(cloud, run):
    cloud.cluster_statuses = ['Rebooting', 'Rebooting', 'Rebooting']
    res = run()
    assert not res.failed and res.result['changed'] is True
    assert cloud.ops()[:5] == ['DescribeDBClusterAttribute'] * 4 + ['DescribeAccounts']
    assert len(cloud.clock.sleeps) == 2 and cloud.clock.sleeps[1] > cloud.clock.sleeps[0]
    assert res.result['cluster']['status'] == 'Running'


def test_wait_timeout_names_the_status(cloud, run):
    cloud.cluster_statuses = ['ClassChanging'] * 100
    res = run(wait_timeout=30)
    assert res.failed and 'ResetAccount' not in cloud.ops()
    assert res.result['msg'] == ('cluster %s is ClassChanging, not Running (still not Running after waiting 30 seconds (wait_timeout)), '
                                 'before the reset; nothing was changed' % CLUSTER)
    assert cloud.clock.now <= 30


def test_creating_account_is_waited_for(cloud, run):
    cloud.account_statuses = ['Creating', 'Creating']
    res = run()
    assert not res.failed
    assert cloud.ops()[:4] == ['DescribeDBClusterAttribute', 'DescribeAccounts', 'DescribeAccounts', 'DescribeAccounts']
    assert cloud.calls[2][1]['AccountName'] == 'dba_admin'


def test_states_after_the_reset_are_waited_for(cloud, run):
    cloud.after_reset = (['Rebooting'], ['Creating'])
    res = run()
    assert not res.failed and res.result['cluster']['status'] == 'Running' and res.result['account']['account_status'] == 'Available'
    assert cloud.ops()[2:] == ['ResetAccount', 'DescribeDBClusterAttribute', 'DescribeDBClusterAttribute', 'DescribeAccounts', 'DescribeAccounts']


def test_timeout_after_the_reset_fails_with_the_request_id(cloud, run):
    cloud.after_reset = (['Rebooting'] * 100, [])
    res = run(wait_timeout=20, account_password=PASSWORD)
    assert res.failed and 'after the reset' in res.result['msg']
    assert res.result['request_id'] == 'req-reset-1' and res.result['actions'][0]['status'] == 'done'
    assert PASSWORD not in json.dumps(res.result)


# ------------------------------------------------------------------ API errors

def test_api_error_of_the_reset(cloud, run):
    cloud.errors['ResetAccount'] = [ApiError('polardb', 'ResetAccount', 403, 'ConcurrentTaskExceeded',
                                             'The number of concurrent tasks exceeds the quota.', 'req-busy', attempts=9)]
    res = run(account_password=PASSWORD)
    assert res.failed and res.result['error_code'] == 'ConcurrentTaskExceeded' and res.result['request_id'] == 'req-busy'
    assert res.result['msg'].startswith('ResetAccount did not complete (0 of 1 planned actions had completed before it): ConcurrentTaskExceeded')
    assert res.result['actions'][0]['status'] == 'failed' and res.result['actions'][0]['params']['AccountPassword'] == '********'
    assert PASSWORD not in json.dumps(res.result)


def test_unknown_cluster(cloud, run):
    cloud.errors['DescribeDBClusterAttribute'] = [ApiError('polardb', 'DescribeDBClusterAttribute', 404, 'InvalidDBClusterId.NotFound',
                                                           'The DBInstanceId provided does not exist in our records.', 'req-404')]
    res = run(cluster_id='pc-doesnotexist1')
    assert res.failed and res.result['error_code'] == 'InvalidDBClusterId.NotFound' and res.result['request_id'] == 'req-404'
    assert cloud.ops() == ['DescribeDBClusterAttribute']
