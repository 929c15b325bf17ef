# -*- coding: utf-8 -*-
# Copyright: dbgov.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""das_builtin_account: validation, the instance check, check mode and the result (no network)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json

import pytest

from ansible_collections.dbgov.cloud.plugins.module_utils.transport import ApiError
from ansible_collections.dbgov.cloud.plugins.modules import das_builtin_account
from ansible_collections.dbgov.cloud.tests.unit.plugins.modules.helpers import HUAWEI_ARGS, HUAWEI_SK as SK, operations

IID = 'da304cd5bbb944de828759bc7be3d3fein01'
LISTED = dict(instance_id=IID, instance_name='rds-orders-prod', instance_status='ACTIVE', version='8.0', engine_type='MySQL',
              ip='192.168.0.21', port=3306, cpu=4, mem=16, login_flag=True, slow_sql_flag=False, deadlock_flag=False,
              lock_blocking_flag=False, charge_flag=False, full_sql_flag=False)


@pytest.fixture
def cloud(fake_huawei_request):
    """Replace the signed HTTP call: answers by operation, records (operation, kwargs)."""
    state = dict(calls=[], instances=[LISTED], errors={})

    def request(self, method, path, operation, **kwargs):
        state['calls'].append((operation, path, kwargs))
        if operation in state['errors']:
            raise state['errors'][operation]
        if operation == 'ListCloudDbaInstances':
            return dict(instance_list=state['instances'], total_count=len(state['instances']))
        if operation == 'LoginBuiltInAccount':
            return dict(db_user_id='19a4c22a-8971-408c-9ca4-c5506aec4811')
        return {}

    fake_huawei_request(request)
    return state


@pytest.fixture
def run_module(module_runner):
    return module_runner(das_builtin_account.main, HUAWEI_ARGS)


def test_logoff_is_the_default_and_always_reports_a_change(cloud, run_module):
    res = run_module(instance_id=IID, diff=True)
    assert not res.failed
    assert operations(cloud['calls']) == ['ListCloudDbaInstances', 'LogoffBuiltInAccount']
    assert cloud['calls'][1][2]['body'] == {'datastore_type': 'MySQL'}
    r = res.result
    assert r['changed'] is True
    assert r['actions'] == [dict(operation='LogoffBuiltInAccount', status='done', target=IID, params={'datastore_type': 'MySQL'})]
    assert r['builtin_account'] == dict(instance_id=IID, datastore_type='MySQL', state='logged_out')
    assert 'db_user_id' not in r
    assert r['instance']['name'] == 'rds-orders-prod' and r['instance']['status'] == 'ACTIVE' and r['instance']['login_flag'] is True
    assert r['diff'] == dict(before=dict(instance_id=IID, datastore_type='MySQL', state='unknown'),
                             after=dict(instance_id=IID, datastore_type='MySQL', state='logged_out'))


def test_second_run_calls_again(cloud, run_module):
    run_module(instance_id=IID)
    res = run_module(instance_id=IID)
    assert res.result['changed'] is True
    assert operations(cloud['calls']).count('LogoffBuiltInAccount') == 2


def test_check_mode_reads_but_never_writes(cloud, run_module):
    res = run_module(check_mode=True, instance_id=IID, state='logged_in')
    assert operations(cloud['calls']) == ['ListCloudDbaInstances']
    assert res.result['changed'] is True
    assert res.result['actions'][0]['status'] == 'planned'
    assert 'db_user_id' not in res.result['builtin_account']
    assert res.result['db_user_id'] is None


def test_login_returns_db_user_id_and_language_header(cloud, run_module):
    res = run_module(instance_id=IID, state='logged_in', language='zh-cn')
    assert operations(cloud['calls']) == ['ListCloudDbaInstances', 'LoginBuiltInAccount']
    assert [c[2]['headers'] for c in cloud['calls']] == [{'X-Language': 'zh-cn'}, {'X-Language': 'zh-cn', 'Content-Type': 'application/json'}]
    assert res.result['builtin_account'] == dict(instance_id=IID, datastore_type='MySQL', state='logged_in',
                                                 db_user_id='19a4c22a-8971-408c-9ca4-c5506aec4811')
    assert res.result['db_user_id'] == '19a4c22a-8971-408c-9ca4-c5506aec4811'
    assert res.result['actions'][0]['operation'] == 'LoginBuiltInAccount'


def test_unknown_instance_fails_before_any_write(cloud, run_module):
    cloud['instances'] = [dict(LISTED, instance_id='0' * 32)]
    res = run_module(instance_id=IID)
    assert res.failed
    assert operations(cloud['calls']) == ['ListCloudDbaInstances']
    assert res.result['msg'].startswith('instance_id: DAS does not list %s' % IID)
    assert res.result['error_code'] == 'InstanceNotListed'
    assert res.result['resource_id'] == IID


@pytest.mark.parametrize('bad', ['short', IID + 'x', 'da304cd5-bb94-4de8-2875-9bc7be3d3fe0', 'da304cd5bbb944de828759bc7be3d3fe_n01'])
def test_bad_instance_id_makes_no_request(cloud, run_module, bad):
    res = run_module(instance_id=bad)
    assert res.failed and res.result['msg'].startswith('instance_id:')
    assert cloud['calls'] == []


@pytest.mark.parametrize('option,value', [('datastore_type', 'PostgreSQL'), ('state', 'present'), ('language', 'de-de')])
def test_bad_choice_names_the_option_and_makes_no_request(cloud, run_module, option, value):
    res = run_module(instance_id=IID, **{option: value})
    assert res.failed and option in res.result['msg']
    assert cloud['calls'] == []


def test_api_error_is_reported_with_code_and_request_id(cloud, run_module):
    cloud['errors']['LogoffBuiltInAccount'] = ApiError('das', 'LogoffBuiltInAccount', 400, 'DAS.200114', 'Invalid instance_id.', 'req-1')
    res = run_module(instance_id=IID)
    assert res.failed
    r = res.result
    assert 'DAS.200114' in r['msg'] and r['error_code'] == 'DAS.200114' and r['request_id'] == 'req-1'
    assert r['actions'][0]['status'] == 'failed'
    assert SK not in json.dumps(r)


def test_secret_never_in_result(cloud, run_module):
    res = run_module(instance_id=IID, state='logged_in', diff=True)
    assert SK not in json.dumps(res.result)
