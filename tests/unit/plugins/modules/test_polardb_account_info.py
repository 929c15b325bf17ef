# -*- coding: utf-8 -*-
# Copyright: dbgov.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""polardb_account_info: every page, exact-name and type filters, snake_case output, validation (no network)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json

import pytest

from ansible.module_utils import basic
from ansible.module_utils.common.text.converters import to_bytes

from ansible_collections.dbgov.cloud.plugins.module_utils import alibabacloud
from ansible_collections.dbgov.cloud.plugins.module_utils.transport import ApiError
from ansible_collections.dbgov.cloud.plugins.modules import polardb_account_info

CLUSTER = 'pc-bp1saas0tenants6'
BASE = dict(region='cn-hangzhou', access_key='LTAIunit00000000001', secret_key='unit-secret-0001', endpoint='http://127.0.0.1:1/{service}',
            cluster_id=CLUSTER)


def account(name, account_type='Normal', privileges=()):
    return dict(AccountName=name, AccountType=account_type, AccountStatus='Available', AccountLockState='UnLock', AccountDescription='',
                AccountPasswordValidTime='undefined', DatabasePrivileges=[dict(DBName=d, AccountPrivilege=p) for d, p in privileges])


class Exit(Exception):
    def __init__(self, failed, result):
        super(Exit, self).__init__(result)
        self.failed = failed
        self.result = result


def exit_json(self, **result):  # pylint: disable=unused-argument
    raise Exit(False, result)


def fail_json(self, **result):  # pylint: disable=unused-argument
    raise Exit(True, result)


@pytest.fixture
def cloud(monkeypatch):
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

    monkeypatch.setattr(alibabacloud.AlibabaClient, 'call', call)
    monkeypatch.setattr(basic.AnsibleModule, 'exit_json', exit_json)
    monkeypatch.setattr(basic.AnsibleModule, 'fail_json', fail_json)
    return state


def run(monkeypatch, check_mode=False, **args):
    module_args = dict(BASE, _ansible_check_mode=check_mode)
    module_args.update(args)
    monkeypatch.setattr(basic, '_ANSIBLE_ARGS', to_bytes(json.dumps(dict(ANSIBLE_MODULE_ARGS=module_args))))
    if hasattr(basic, '_ANSIBLE_PROFILE'):
        monkeypatch.setattr(basic, '_ANSIBLE_PROFILE', 'legacy')
    with pytest.raises(Exit) as info:
        polardb_account_info.main()
    return info.value


def test_every_page_sorted_and_snake_case(cloud, monkeypatch):
    res = run(monkeypatch)
    assert not res.failed and res.result['changed'] is False
    assert [c[1] for c in cloud['calls']] == [dict(DBClusterId=CLUSTER, PageNumber=n, PageSize=100) for n in (1, 2)]
    accounts = res.result['accounts']
    assert len(accounts) == 120
    assert [a['account_name'] for a in accounts] == sorted(a['AccountName'] for a in cloud['accounts'])
    assert accounts[-1] == dict(account_name='tenant_118', account_type='Normal', account_status='Available', account_lock_state='UnLock',
                                account_description='', account_password_valid_time='undefined',
                                database_privileges=[dict(db_name='tenants', account_privilege='ReadOnly')])


def test_type_filter(cloud, monkeypatch):
    res = run(monkeypatch, account_type='Super')
    assert [a['account_name'] for a in res.result['accounts']] == ['saas_admin'] and len(cloud['calls']) == 2


def test_name_filter_is_exact_even_if_the_server_matched_more(cloud, monkeypatch):
    res = run(monkeypatch, account_name='tenant_001')
    assert [a['account_name'] for a in res.result['accounts']] == ['tenant_001']
    assert cloud['calls'] == [('DescribeAccounts', dict(DBClusterId=CLUSTER, AccountName='tenant_001', PageNumber=1, PageSize=100))]
    res = run(monkeypatch, account_name='tenant_00')
    assert res.result['accounts'] == []


def test_check_mode_reads_the_same(cloud, monkeypatch):
    res = run(monkeypatch, check_mode=True, account_type='ReadOnly')
    assert [a['account_name'] for a in res.result['accounts']] == ['ops_readonly']


def test_bad_input_makes_no_request(cloud, monkeypatch):
    assert run(monkeypatch, cluster_id='rm-bp1x').failed
    assert run(monkeypatch, account_type='Admin').failed
    assert cloud['calls'] == []


def test_api_error(cloud, monkeypatch):
    cloud['errors'].append(ApiError('polardb', 'DescribeAccounts', 404, 'InvalidDBClusterId.NotFound', 'not found', 'req-404'))
    res = run(monkeypatch)
    assert res.failed and res.result['error_code'] == 'InvalidDBClusterId.NotFound' and res.result['request_id'] == 'req-404'
    assert 'InvalidDBClusterId.NotFound' in res.result['msg']
