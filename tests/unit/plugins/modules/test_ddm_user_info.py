# -*- coding: utf-8 -*-
# Copyright: dbgov.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""ddm_user_info: filtering, paging and validation (no network)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from ansible_collections.dbgov.cloud.plugins.modules import ddm_user_info
from ansible_collections.dbgov.cloud.tests.unit.plugins.modules.helpers import HUAWEI_ARGS

IID = '0a8f1c6baa124e99853719d9257324dfin09'


@pytest.fixture
def cloud(fake_huawei_request):
    state = dict(calls=[], users=[dict(name='u%03d' % i, status='RUNNING', base_authority=['SELECT'], databases=[dict(name='orders')])
                                  for i in range(150, 0, -1)])

    def request(self, method, path, operation, query=None, **kwargs):
        state['calls'].append((operation, query))
        page = state['users'][query['offset']:query['offset'] + query['limit']]
        return dict(users=page, offset=query['offset'], limit=query['limit'], total=len(state['users']))

    fake_huawei_request(request)
    return state


@pytest.fixture
def run_module(module_runner):
    return module_runner(ddm_user_info.main, HUAWEI_ARGS, instance_id=IID)


def test_all_pages_sorted(cloud, run_module):
    res = run_module()
    assert not res.failed and res.result['changed'] is False
    names = [u['name'] for u in res.result['users']]
    assert len(names) == 150 and names == sorted(names)
    assert [c[1]['offset'] for c in cloud['calls']] == [0, 128]
    assert res.result['users'][0] == dict(name='u001', status='RUNNING', base_authority=['SELECT'], databases=['orders'], description='',
                                          password_lifetime=0, created=None, password_last_changed=None)


def test_filter_by_name(cloud, run_module):
    assert [u['name'] for u in run_module(name='u042').result['users']] == ['u042']
    assert run_module(name='nobody').result['users'] == []


@pytest.mark.parametrize('args', [dict(instance_id='nope'), dict(name='bad-name')])
def test_bad_input_makes_no_request(cloud, run_module, args):
    res = run_module(**args)
    assert res.failed and res.result['msg'].startswith(list(args)[0] + ': ')
    assert cloud['calls'] == []


# --- instance_ids: several instances in one run -----------------------------------------------------------------

IID2 = '5c1e7d2b9f4a4c8e8b3d6a1f0e9c2b7ain09'


def test_instance_ids_every_page_of_every_instance_each_on_its_own_connection(fake_huawei_request, module_runner):
    calls = []
    users = dict((iid, [dict(name='u%03d' % i, status='RUNNING', base_authority=['SELECT'], databases=[]) for i in range(count)])
                 for iid, count in ((IID, 130), (IID2, 2)))

    def request(self, method, path, operation, query=None, **kwargs):
        instance_id = path.split('/')[-2]
        calls.append((instance_id, query['offset'], id(self.transport)))
        page = users[instance_id][query['offset']:query['offset'] + query['limit']]
        return dict(users=page, offset=query['offset'], limit=query['limit'], total=len(users[instance_id]))

    fake_huawei_request(request)
    res = module_runner(ddm_user_info.main, HUAWEI_ARGS)(instance_ids=[IID, IID2], name='u001')
    assert not res.failed
    assert sorted(c[:2] for c in calls) == [(IID, 0), (IID, 128), (IID2, 0)]
    assert len(set(c[2] for c in calls if c[0] == IID) | set(c[2] for c in calls if c[0] == IID2)) == 2
    assert [(i['instance_id'], [u['name'] for u in i['users']]) for i in res.result['instances']] == [(IID, ['u001']), (IID2, ['u001'])]
    assert res.result['instance_errors'] == [] and 'users' not in res.result


@pytest.mark.parametrize('args', [dict(instance_ids=[IID, 'nope']), dict(instance_ids=[IID2], concurrency=17)])
def test_bad_instance_ids_make_no_request(cloud, module_runner, args):
    res = module_runner(ddm_user_info.main, HUAWEI_ARGS)(**args)
    assert res.failed and res.result['msg'].startswith(('instance_ids[1]: ', 'concurrency: ')) and cloud['calls'] == []


def test_instance_id_and_instance_ids_are_exclusive(cloud, run_module):
    res = run_module(instance_ids=[IID2])
    assert res.failed and 'mutually exclusive' in res.result['msg'] and cloud['calls'] == []
