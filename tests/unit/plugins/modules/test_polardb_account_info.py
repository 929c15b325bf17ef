# -*- coding: utf-8 -*-
# Copyright: dbgov.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""polardb_account_info: every page, exact-name and type filters, snake_case output, validation (no network)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from ansible_collections.dbgov.cloud.plugins.module_utils.transport import ApiError
from ansible_collections.dbgov.cloud.plugins.modules import polardb_account_info
from ansible_collections.dbgov.cloud.tests.unit.plugins.modules.helpers import ALIBABA_ARGS

CLUSTER = 'pc-bp1saas0tenants6'


def account(name, account_type='Normal', privileges=()):
    return dict(AccountName=name, AccountType=account_type, AccountStatus='Available', AccountLockState='UnLock', AccountDescription='',
                AccountPasswordValidTime='undefined', DatabasePrivileges=[dict(DBName=d, AccountPrivilege=p) for d, p in privileges])


@pytest.fixture
def cloud(fake_alibaba_call):
    state = dict(calls=[], errors=[], accounts=[account('saas_admin', 'Super'), account('ops_readonly', 'ReadOnly')]
                 + [account('tenant_%03d' % n, privileges=[('tenants', 'ReadOnly')]) for n in range(118, 0, -1)])

    def call(self, action, params=None, **kwargs):
        state['calls'].append((action, dict(params)))
        if state['errors']:
            raise state['errors'].pop(0)
        size, number = params['PageSize'], params['PageNumber']
        rows = [a for a in state['accounts'] if not params.get('AccountName') or a['AccountName'] == params['AccountName']]
        page = rows[(number - 1) * size:number * size]
        return dict(Accounts=page, PageNumber=number, PageRecordCount=len(page), RequestId='r')

    fake_alibaba_call(call)
    return state


@pytest.fixture
def run(module_runner):
    return module_runner(polardb_account_info.main, ALIBABA_ARGS, cluster_id=CLUSTER)


def test_every_page_sorted_and_snake_case(cloud, run):
    res = run()
    assert not res.failed and res.result['changed'] is False
    assert [c[1] for c in cloud['calls']] == [dict(DBClusterId=CLUSTER, PageNumber=n, PageSize=100) for n in (1, 2)]
    accounts = res.result['accounts']
    assert len(accounts) == 120
    assert [a['account_name'] for a in accounts] == sorted(a['AccountName'] for a in cloud['accounts'])
    assert accounts[-1] == dict(account_name='tenant_118', account_type='Normal', account_status='Available', account_lock_state='UnLock',
                                account_description='', account_password_valid_time='undefined',
                                database_privileges=[dict(db_name='tenants', account_privilege='ReadOnly')])


def test_type_filter(cloud, run):
    res = run(account_type='Super')
    assert [a['account_name'] for a in res.result['accounts']] == ['saas_admin'] and len(cloud['calls']) == 2


def test_name_filter_is_exact_even_if_the_server_matched_more(cloud, run):
    res = run(account_name='tenant_001')
    assert [a['account_name'] for a in res.result['accounts']] == ['tenant_001']
    assert cloud['calls'] == [('DescribeAccounts', dict(DBClusterId=CLUSTER, AccountName='tenant_001', PageNumber=1, PageSize=100))]
    res = run(account_name='tenant_00')
    assert res.result['accounts'] == []


def test_check_mode_reads_the_same(cloud, run):
    res = run(check_mode=True, account_type='ReadOnly')
    assert [a['account_name'] for a in res.result['accounts']] == ['ops_readonly']


def test_bad_input_makes_no_request(cloud, run):
    assert run(cluster_id='rm-bp1x').failed
    assert run(account_type='Admin').failed
    assert cloud['calls'] == []


def test_api_error(cloud, run):
    cloud['errors'].append(ApiError('polardb', 'DescribeAccounts', 404, 'InvalidDBClusterId.NotFound', 'not found', 'req-404'))
    res = run()
    assert res.failed and res.result['error_code'] == 'InvalidDBClusterId.NotFound' and res.result['request_id'] == 'req-404'
    assert 'InvalidDBClusterId.NotFound' in res.result['msg']
