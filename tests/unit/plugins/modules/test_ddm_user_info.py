# -*- coding: utf-8 -*-
# Copyright: dbgov.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""ddm_user_info: filtering, paging and validation (no network)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json

import pytest

from ansible.module_utils import basic
from ansible.module_utils.common.text.converters import to_bytes

from ansible_collections.dbgov.cloud.plugins.module_utils import huaweicloud
from ansible_collections.dbgov.cloud.plugins.modules import ddm_user_info

IID = '0a8f1c6baa124e99853719d9257324dfin09'
BASE = dict(region='cn-north-4', project_id='e7f4b2c5a9d84f3e8c1b6a0d2f9e4c71', access_key='AK0000000000000000001',
            secret_key='unit-test-secret-key-0000000000000000000001', endpoint='http://127.0.0.1:1/{service}')


class Exit(Exception):
    def __init__(self, failed, result):
        super(Exit, self).__init__(result)
        self.failed = failed
        self.result = result


@pytest.fixture
def cloud(monkeypatch):
    state = dict(calls=[], users=[dict(name='u%03d' % i, status='RUNNING', base_authority=['SELECT'], databases=[dict(name='orders')])
                                  for i in range(150, 0, -1)])

    def request(self, method, path, operation, query=None, **kwargs):
        state['calls'].append((operation, query))
        page = state['users'][query['offset']:query['offset'] + query['limit']]
        return dict(users=page, offset=query['offset'], limit=query['limit'], total=len(state['users']))

    def exit_json(self, **kwargs):
        raise Exit(False, kwargs)

    def fail_json(self, **kwargs):
        raise Exit(True, kwargs)

    monkeypatch.setattr(huaweicloud.HuaweiClient, 'request', request)
    monkeypatch.setattr(basic.AnsibleModule, 'exit_json', exit_json)
    monkeypatch.setattr(basic.AnsibleModule, 'fail_json', fail_json)
    return state


def run_module(monkeypatch, **args):
    module_args = dict(BASE, instance_id=IID)
    module_args.update(args)
    monkeypatch.setattr(basic, '_ANSIBLE_ARGS', to_bytes(json.dumps(dict(ANSIBLE_MODULE_ARGS=module_args))))
    if hasattr(basic, '_ANSIBLE_PROFILE'):
        monkeypatch.setattr(basic, '_ANSIBLE_PROFILE', 'legacy')
    with pytest.raises(Exit) as info:
        ddm_user_info.main()
    return info.value


def test_all_pages_sorted(cloud, monkeypatch):
    res = run_module(monkeypatch)
    assert not res.failed and res.result['changed'] is False
    names = [u['name'] for u in res.result['users']]
    assert len(names) == 150 and names == sorted(names)
    assert [c[1]['offset'] for c in cloud['calls']] == [0, 128]
    assert res.result['users'][0] == dict(name='u001', status='RUNNING', base_authority=['SELECT'], databases=['orders'], description='',
                                          password_lifetime=0, created=None, password_last_changed=None)


def test_filter_by_name(cloud, monkeypatch):
    assert [u['name'] for u in run_module(monkeypatch, name='u042').result['users']] == ['u042']
    assert run_module(monkeypatch, name='nobody').result['users'] == []


@pytest.mark.parametrize('args', [dict(instance_id='nope'), dict(name='bad-name')])
def test_bad_input_makes_no_request(cloud, monkeypatch, args):
    res = run_module(monkeypatch, **args)
    assert res.failed and res.result['msg'].startswith(list(args)[0] + ': ')
    assert cloud['calls'] == []
