# -*- coding: utf-8 -*-
# Copyright: dbgov.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""dcs_acl_account_info: one list call, the name filter, validation before any request (fake cloud; no network)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from ansible.module_utils import basic

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


# --- instance_ids: several instances in one run; wait_deleted ---------------------------------------------------

IID2 = '8c4d2e1f-6a7b-4c9d-8e0f-1a2b3c4d5e6f'
IID3 = '5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d'


def acl(name, status='AVAILABLE'):
    return dict(account_id='id-' + name, account_name=name, account_type='normal', status=status, account_role='read')


@pytest.fixture
def fleet(fake_huawei_request):
    """Per instance, the successive lists it answers (the last one repeats); an ApiError in place of a list is raised."""
    state = dict(calls=[], lists={})

    def request(self, method, path, operation, **kwargs):
        instance_id = path.split('/')[-2]
        state['calls'].append(dict(instance=instance_id, transport=id(self.transport), project=self.project_id))
        answers = state['lists'][instance_id]
        answer = answers.pop(0) if len(answers) > 1 else answers[0]
        if isinstance(answer, ApiError):
            raise answer
        return dict(accounts=[dict(a) for a in answer])

    fake_huawei_request(request)
    return state


def test_instance_ids_one_list_per_instance_each_on_its_own_connection(fleet, run_module):
    fleet['lists'] = {IID: [[acl('jdoe')]], IID2: [[]], IID3: [[acl('ops')]]}
    res = run_module(check_mode=True, instance_ids=[IID, IID2, IID3, IID], account_name='jdoe')
    assert not res.failed and res.result['changed'] is False
    assert sorted(c['instance'] for c in fleet['calls']) == sorted([IID, IID2, IID3])   # the repeated ID read once
    assert len(set(c['transport'] for c in fleet['calls'])) == 3
    assert set(c['project'] for c in fleet['calls']) == {HUAWEI_ARGS['project_id']}
    assert [(i['instance_id'], [a['name'] for a in i['accounts']]) for i in res.result['instances']] == [(IID, ['jdoe']), (IID2, []), (IID3, [])]
    assert res.result['instance_errors'] == [] and 'accounts' not in res.result and 'instance_id' not in res.result


def test_an_unreadable_instance_fails_the_task_naming_it(fleet, run_module):
    fleet['lists'] = {IID: [[]], IID2: [ApiError('dcs', 'ListAclAccounts', 404, 'DCS.4800', 'The instance does not exist.', 'req-7')]}
    res = run_module(instance_ids=[IID, IID2])
    assert res.failed and res.result['error_code'] == 'DCS.4800' and res.result['request_id'] == 'req-7'
    assert '1 of 2 instances could not be read' in res.result['msg'] and IID2 in res.result['msg']


def test_instance_errors_reported_when_told_not_to_fail(fleet, run_module, monkeypatch):
    warnings = []
    monkeypatch.setattr(basic.AnsibleModule, 'warn', lambda self, msg: warnings.append(msg))
    fleet['lists'] = {IID: [[]], IID2: [ApiError('dcs', 'ListAclAccounts', 404, 'DCS.4800', 'The instance does not exist.', 'req-7')]}
    res = run_module(instance_ids=[IID, IID2], fail_on_instance_error=False)
    assert not res.failed and [i['instance_id'] for i in res.result['instances']] == [IID]
    error = res.result['instance_errors'][0]
    assert error['instance_id'] == IID2 and error['error_code'] == 'DCS.4800' and error['request_id'] == 'req-7'
    assert [w for w in warnings if w.startswith('%s could not be read: DCS.4800' % IID2)]


@pytest.mark.usefixtures('no_dcs_poll_delay')
def test_wait_deleted_polls_only_the_instances_still_listing_the_name(fleet, run_module):
    fleet['lists'] = {IID: [[acl('jdoe', 'DELETING'), acl('ops')], [acl('jdoe', 'DELETING'), acl('ops')], [acl('ops')]],
                      IID2: [[acl('jdoe', 'DELETED')]], IID3: [[acl('ops')]]}
    res = run_module(instance_ids=[IID, IID2, IID3], wait_deleted=['jdoe'])
    assert not res.failed
    assert [c['instance'] for c in fleet['calls']].count(IID) == 3
    assert [c['instance'] for c in fleet['calls']].count(IID2) == 1 and [c['instance'] for c in fleet['calls']].count(IID3) == 1
    assert [a['name'] for a in res.result['instances'][0]['accounts']] == ['ops']


@pytest.mark.usefixtures('no_dcs_poll_delay')
def test_wait_deleted_fails_on_a_failed_deletion(fleet, run_module):
    fleet['lists'] = {IID: [[acl('jdoe', 'DELETING')], [acl('jdoe', 'DELETEFAILED')]], IID2: [[]]}
    res = run_module(instance_ids=[IID, IID2], wait_deleted=['jdoe'])
    assert res.failed and res.result['error_code'] == 'AccountStatusError'
    assert "'jdoe' ended in status DELETEFAILED on DCS instance %s" % IID in res.result['msg']


def test_wait_deleted_gives_up_after_wait_timeout(fleet, run_module, fake_clock):
    fleet['lists'] = {IID: [[acl('jdoe', 'DELETING')]], IID2: [[]]}
    res = run_module(instance_ids=[IID, IID2], wait_deleted=['jdoe'], wait_timeout=30, fail_on_instance_error=False)
    assert not res.failed and [i['instance_id'] for i in res.result['instances']] == [IID2]
    error = res.result['instance_errors'][0]
    assert error['instance_id'] == IID and error['error_code'] == 'WaitTimeout' and 'after 30 s' in error['msg']
    # polled 1 s apart, then 1.5 times longer each time, within the 30 s
    assert 5 <= [c['instance'] for c in fleet['calls']].count(IID) <= 10 and fake_clock.now >= 30


@pytest.mark.parametrize('args', [
    dict(instance_id=IID, instance_ids=[IID2]), dict(instance_ids=[IID, 'a/b']), dict(instance_ids=[]),
    dict(instance_id=IID, wait_deleted=['jdoe']), dict(instance_ids=[IID], wait_deleted=['1x']),
    dict(instance_ids=[IID], concurrency=0), dict(instance_ids=[IID], wait_deleted=['jdoe'], wait_timeout=0),
])
def test_bad_multi_instance_input_fails_before_any_request(fleet, run_module, args):
    res = run_module(**args)
    assert res.failed and fleet['calls'] == []


def test_wait_deleted_does_not_wait_in_check_mode(fleet, run_module):
    fleet['lists'] = {IID: [[acl('jdoe', 'AVAILABLE')]]}   # check mode: the deletion was only planned
    res = run_module(check_mode=True, instance_ids=[IID], wait_deleted=['jdoe'])
    assert not res.failed and len(fleet['calls']) == 1
    assert [a['name'] for a in res.result['instances'][0]['accounts']] == ['jdoe']
