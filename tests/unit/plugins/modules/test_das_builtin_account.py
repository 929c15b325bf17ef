# -*- coding: utf-8 -*-
# Copyright: dbgov.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""das_builtin_account: validation, the instance check, check mode and the result (no network)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json

import pytest

from ansible.module_utils import basic
from ansible.module_utils.common.text.converters import to_bytes

from ansible_collections.dbgov.cloud.plugins.module_utils import huaweicloud
from ansible_collections.dbgov.cloud.plugins.module_utils.transport import ApiError
from ansible_collections.dbgov.cloud.plugins.modules import das_builtin_account

IID = 'da304cd5bbb944de828759bc7be3d3fein01'
SK = 'unit-test-secret-key-0000000000000000000001'
BASE = dict(region='cn-north-4', project_id='e7f4b2c5a9d84f3e8c1b6a0d2f9e4c71', access_key='AK0000000000000000001',
            secret_key=SK, endpoint='http://127.0.0.1:1/{service}')
LISTED = dict(instance_id=IID, instance_name='rds-orders-prod', instance_status='ACTIVE', version='8.0', engine_type='MySQL',
              ip='192.168.0.21', port=3306, cpu=4, mem=16, login_flag=True, slow_sql_flag=False, deadlock_flag=False,
              lock_blocking_flag=False, charge_flag=False, full_sql_flag=False)


class Exit(Exception):
    def __init__(self, failed, result):
        super(Exit, self).__init__(result)
        self.failed = failed
        self.result = result


@pytest.fixture
def cloud(monkeypatch):
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

    def exit_json(self, **kwargs):
        raise Exit(False, kwargs)

    def fail_json(self, **kwargs):
        raise Exit(True, kwargs)

    monkeypatch.setattr(huaweicloud.HuaweiClient, 'request', request)
    monkeypatch.setattr(basic.AnsibleModule, 'exit_json', exit_json)
    monkeypatch.setattr(basic.AnsibleModule, 'fail_json', fail_json)
    return state


def run_module(monkeypatch, check_mode=False, diff=False, **args):
    params = dict(BASE, **args)
    params['_ansible_check_mode'] = check_mode
    params['_ansible_diff'] = diff
    monkeypatch.setattr(basic, '_ANSIBLE_ARGS', to_bytes(json.dumps(dict(ANSIBLE_MODULE_ARGS=params))))
    if hasattr(basic, '_ANSIBLE_PROFILE'):
        monkeypatch.setattr(basic, '_ANSIBLE_PROFILE', 'legacy')
    with pytest.raises(Exit) as info:
        das_builtin_account.main()
    return info.value


def operations(cloud):
    return [c[0] for c in cloud['calls']]


def test_logoff_is_the_default_and_always_reports_a_change(cloud, monkeypatch):
    res = run_module(monkeypatch, instance_id=IID, diff=True)
    assert not res.failed
    assert operations(cloud) == ['ListCloudDbaInstances', 'LogoffBuiltInAccount']
    assert cloud['calls'][1][2]['body'] == {'datastore_type': 'MySQL'}
    r = res.result
    assert r['changed'] is True
    assert r['actions'] == [dict(operation='LogoffBuiltInAccount', status='done', target=IID, params={'datastore_type': 'MySQL'})]
    assert r['builtin_account'] == dict(instance_id=IID, datastore_type='MySQL', state='logged_out')
    assert 'db_user_id' not in r
    assert r['instance']['name'] == 'rds-orders-prod' and r['instance']['status'] == 'ACTIVE' and r['instance']['login_flag'] is True
    assert r['diff'] == dict(before=dict(instance_id=IID, datastore_type='MySQL', state='unknown'),
                             after=dict(instance_id=IID, datastore_type='MySQL', state='logged_out'))


def test_second_run_calls_again(cloud, monkeypatch):
    run_module(monkeypatch, instance_id=IID)
    res = run_module(monkeypatch, instance_id=IID)
    assert res.result['changed'] is True
    assert operations(cloud).count('LogoffBuiltInAccount') == 2


def test_check_mode_reads_but_never_writes(cloud, monkeypatch):
    res = run_module(monkeypatch, check_mode=True, instance_id=IID, state='logged_in')
    assert operations(cloud) == ['ListCloudDbaInstances']
    assert res.result['changed'] is True
    assert res.result['actions'][0]['status'] == 'planned'
    assert 'db_user_id' not in res.result['builtin_account']
    assert res.result['db_user_id'] is None


def test_login_returns_db_user_id_and_language_header(cloud, monkeypatch):
    res = run_module(monkeypatch, instance_id=IID, state='logged_in', language='zh-cn')
    assert operations(cloud) == ['ListCloudDbaInstances', 'LoginBuiltInAccount']
    assert all(c[2]['headers'] == {'X-Language': 'zh-cn'} for c in cloud['calls'])
    assert res.result['builtin_account'] == dict(instance_id=IID, datastore_type='MySQL', state='logged_in',
                                                 db_user_id='19a4c22a-8971-408c-9ca4-c5506aec4811')
    assert res.result['db_user_id'] == '19a4c22a-8971-408c-9ca4-c5506aec4811'
    assert res.result['actions'][0]['operation'] == 'LoginBuiltInAccount'


def test_unknown_instance_fails_before_any_write(cloud, monkeypatch):
    cloud['instances'] = [dict(LISTED, instance_id='0' * 32)]
    res = run_module(monkeypatch, instance_id=IID)
    assert res.failed
    assert operations(cloud) == ['ListCloudDbaInstances']
    assert res.result['msg'].startswith('instance_id: DAS does not list %s' % IID)
    assert res.result['resource_id'] == IID


@pytest.mark.parametrize('bad', ['short', IID + 'x', 'da304cd5-bb94-4de8-2875-9bc7be3d3fe0', 'da304cd5bbb944de828759bc7be3d3fe_n01'])
def test_bad_instance_id_makes_no_request(cloud, monkeypatch, bad):
    res = run_module(monkeypatch, instance_id=bad)
    assert res.failed and res.result['msg'].startswith('instance_id:')
    assert cloud['calls'] == []


@pytest.mark.parametrize('option,value', [('datastore_type', 'PostgreSQL'), ('state', 'present'), ('language', 'de-de')])
def test_bad_choice_names_the_option_and_makes_no_request(cloud, monkeypatch, option, value):
    res = run_module(monkeypatch, instance_id=IID, **{option: value})
    assert res.failed and option in res.result['msg']
    assert cloud['calls'] == []


def test_api_error_is_reported_with_code_and_request_id(cloud, monkeypatch):
    cloud['errors']['LogoffBuiltInAccount'] = ApiError('das', 'LogoffBuiltInAccount', 400, 'DAS.200114', 'Invalid instance_id.', 'req-1')
    res = run_module(monkeypatch, instance_id=IID)
    assert res.failed
    r = res.result
    assert 'DAS.200114' in r['msg'] and r['error_code'] == 'DAS.200114' and r['request_id'] == 'req-1'
    assert r['actions'][0]['status'] == 'failed'
    assert SK not in json.dumps(r)


def test_secret_never_in_result(cloud, monkeypatch):
    res = run_module(monkeypatch, instance_id=IID, state='logged_in', diff=True)
    assert SK not in json.dumps(res.result)
