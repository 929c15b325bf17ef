# -*- coding: utf-8 -*-
# Copyright: dbgov.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""dcs_acl_account_info: one list call, the name filter, validation before any request (fake cloud; no network)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json

import pytest

from ansible.module_utils import basic
from ansible.module_utils.common.text.converters import to_bytes

from ansible_collections.dbgov.cloud.plugins.module_utils import huaweicloud
from ansible_collections.dbgov.cloud.plugins.module_utils.transport import ApiError
from ansible_collections.dbgov.cloud.plugins.modules import dcs_acl_account_info

IID = '3f2a6c1e-8b4d-4e7a-9c2f-1d5e8a7b6c40'
BASE = dict(region='cn-north-4', project_id='e7f4b2c5a9d84f3e8c1b6a0d2f9e4c71', access_key='AK0000000000000000001',
            secret_key='unit-test-secret-key-0000000000000000000001', endpoint='http://127.0.0.1:1/{service}')
ACCOUNTS = [
    dict(account_id='a1', account_name='default', account_type='default', instance_id=IID, status='AVAILABLE', account_role='write',
         description=None, error_code=None),
    dict(account_id='a2', account_name='bi_readonly', account_type='normal', instance_id=IID, status='UPDATING', account_role='read',
         description='BI', error_code=None, account_read_policy='replica'),
]


class Exit(Exception):
    def __init__(self, failed, result):
        super(Exit, self).__init__(result)
        self.failed = failed
        self.result = result


@pytest.fixture
def cloud(monkeypatch):
    state = dict(calls=[], errors=[])

    def request(self, method, path, operation, **kwargs):
        state['calls'].append((method, path, operation))
        for error in state['errors']:
            raise error
        return dict(accounts=ACCOUNTS)

    def exit_json(self, **kwargs):
        raise Exit(False, kwargs)

    def fail_json(self, **kwargs):
        raise Exit(True, kwargs)

    monkeypatch.setattr(huaweicloud.HuaweiClient, 'request', request)
    monkeypatch.setattr(basic.AnsibleModule, 'exit_json', exit_json)
    monkeypatch.setattr(basic.AnsibleModule, 'fail_json', fail_json)
    return state


def run_module(monkeypatch, check_mode=False, **args):
    params = dict(BASE, **args)
    params['_ansible_check_mode'] = check_mode
    monkeypatch.setattr(basic, '_ANSIBLE_ARGS', to_bytes(json.dumps(dict(ANSIBLE_MODULE_ARGS=params))))
    if hasattr(basic, '_ANSIBLE_PROFILE'):
        monkeypatch.setattr(basic, '_ANSIBLE_PROFILE', 'legacy')
    with pytest.raises(Exit) as info:
        dcs_acl_account_info.main()
    return info.value


def test_lists_every_account_with_one_call(cloud, monkeypatch):
    res = run_module(monkeypatch, check_mode=True, instance_id=IID)
    assert not res.failed and res.result['changed'] is False
    assert cloud['calls'] == [('GET', '/v2/{project_id}/instances/%s/accounts' % IID, 'ListAclAccounts')]
    assert res.result['accounts'] == [
        dict(id='a1', name='default', type='default', role='write', read_policy=None, status='AVAILABLE', description=''),
        dict(id='a2', name='bi_readonly', type='normal', role='read', read_policy='replica', status='UPDATING', description='BI'),
    ]


@pytest.mark.parametrize('name, count', [('bi_readonly', 1), ('BI_READONLY', 0), ('ghost', 0)])
def test_name_filter_is_exact(cloud, monkeypatch, name, count):
    res = run_module(monkeypatch, instance_id=IID, account_name=name)
    assert len(res.result['accounts']) == count and len(cloud['calls']) == 1


@pytest.mark.parametrize('args', [dict(instance_id='a/b'), dict(instance_id=IID, account_name='1x'), dict()])
def test_bad_input_fails_before_any_request(cloud, monkeypatch, args):
    res = run_module(monkeypatch, **args)
    assert res.failed and cloud['calls'] == []


def test_api_error(cloud, monkeypatch):
    cloud['errors'].append(ApiError('dcs', 'ListAclAccounts', 404, 'DCS.4800', 'The instance does not exist.', 'req-9'))
    res = run_module(monkeypatch, instance_id=IID)
    assert res.failed and res.result['error_code'] == 'DCS.4800' and res.result['request_id'] == 'req-9'
