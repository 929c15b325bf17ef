# -*- coding: utf-8 -*-
# Copyright: dbgov.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""dcs_acl_account_info: one list call, the name filter, validation before any request (fake cloud; no network)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from ansible_collections.dbgov.cloud.plugins.module_utils.transport import ApiError
from ansible_collections.dbgov.cloud.plugins.modules import dcs_acl_account_info
from ansible_collections.dbgov.cloud.tests.unit.plugins.modules.helpers import HUAWEI_ARGS

IID = '3f2a6c1e-8b4d-4e7a-9c2f-1d5e8a7b6c40'
ACCOUNTS = [
    dict(account_id='a1', account_name='default', account_type='default', instance_id=IID, status='AVAILABLE', account_role='write',
         description=None, error_code=None),
    dict(account_id='a2', account_name='bi_readonly', account_type='normal', instance_id=IID, status='UPDATING', account_role='read',
         description='BI', error_code=None, account_read_policy='replica'),
]


@pytest.fixture
def cloud(fake_huawei_request):
    state = dict(calls=[], errors=[])

    def request(self, method, path, operation, **kwargs):
        state['calls'].append((method, path, operation))
        for error in state['errors']:
            raise error
        return dict(accounts=ACCOUNTS)

    fake_huawei_request(request)
    return state


@pytest.fixture
def run_module(module_runner):
    return module_runner(dcs_acl_account_info.main, HUAWEI_ARGS)


def test_lists_every_account_with_one_call(cloud, run_module):
    res = run_module(check_mode=True, instance_id=IID)
    assert not res.failed and res.result['changed'] is False
    assert cloud['calls'] == [('GET', '/v2/{project_id}/instances/%s/accounts' % IID, 'ListAclAccounts')]
    assert res.result['accounts'] == [
        dict(id='a1', name='default', type='default', role='write', read_policy=None, status='AVAILABLE', description=''),
        dict(id='a2', name='bi_readonly', type='normal', role='read', read_policy='replica', status='UPDATING', description='BI'),
    ]


@pytest.mark.parametrize('name, count', [('bi_readonly', 1), ('BI_READONLY', 0), ('ghost', 0)])
def test_name_filter_is_exact(cloud, run_module, name, count):
    res = run_module(instance_id=IID, account_name=name)
    assert len(res.result['accounts']) == count and len(cloud['calls']) == 1


@pytest.mark.parametrize('args', [dict(instance_id='a/b'), dict(instance_id=IID, account_name='1x'), dict()])
def test_bad_input_fails_before_any_request(cloud, run_module, args):
    res = run_module(**args)
    assert res.failed and cloud['calls'] == []


def test_api_error(cloud, run_module):
    cloud['errors'].append(ApiError('dcs', 'ListAclAccounts', 404, 'DCS.4800', 'The instance does not exist.', 'req-9'))
    res = run_module(instance_id=IID)
    assert res.failed and res.result['error_code'] == 'DCS.4800' and res.result['request_id'] == 'req-9'
