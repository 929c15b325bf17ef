# -*- coding: utf-8 -*-
# Copyright: dbgov.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""ddm_user: the planner (only changed fields, set comparison), validation and the module flow (no network)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import copy
import json

import pytest

from ansible_collections.dbgov.cloud.plugins.module_utils import ddm
from ansible_collections.dbgov.cloud.plugins.module_utils.common import ValidationError
from ansible_collections.dbgov.cloud.plugins.module_utils.transport import ApiError
from ansible_collections.dbgov.cloud.plugins.modules import ddm_user
from ansible_collections.dbgov.cloud.tests.unit.plugins.modules.helpers import HUAWEI_ARGS, operations

IID = '0a8f1c6baa124e99853719d9257324dfin09'
PASSWORD = 'Xy7-secret-Pw'
APP = dict(name='app_orders', status='RUNNING', base_authority=['SELECT', 'INSERT', 'UPDATE', 'DELETE'],
           databases=[dict(name='orders'), dict(name='order_items')], description='orders service', password_lifetime=90,
           created='2023-09-12T07:02:11+0000', password_last_changed='2024-06-01T08:00:00+0000')


def params(**kwargs):
    """Module params as AnsibleModule would hand them over (unset options are None)."""
    base = dict(instance_id=IID, name='app_orders', state='present', password=None, update_password='on_create', base_authority=None,
                databases=None, description=None, password_lifetime=None, wait_timeout=300)
    base.update(kwargs)
    return base


class Recorder:
    """Stands in for the DdmInstance of ddm.plan_user: records what would be sent."""

    def __init__(self):
        self.sent = []

    def create(self, body):
        self.sent.append(('create', body))

    def update(self, name, body):  # pylint: disable=unused-argument
        self.sent.append(('update', body))

    def delete(self, name):  # pylint: disable=unused-argument
        self.sent.append(('delete', None))

    def reset_password(self, name, password):  # pylint: disable=unused-argument
        self.sent.append(('reset', password))


def plan_for(current, **kwargs):
    rec = Recorder()
    plan, before, after = ddm.plan_user(params(**kwargs), copy.deepcopy(current), rec)
    for action in plan.actions:
        action.call()
    return plan, before, after, rec.sent


# ------------------------------------------------------------------ planner

def test_same_sets_in_another_order_need_nothing():
    plan, before, after, sent = plan_for(APP, base_authority=['DELETE', 'UPDATE', 'INSERT', 'SELECT', 'SELECT'],
                                         databases=['order_items', 'orders'], description='orders service', password_lifetime=90)
    assert not plan and sent == [] and before == after


def test_unset_options_are_left_alone():
    plan, before, after, sent = plan_for(APP)
    assert not plan and sent == []
    assert after == before


def test_only_changed_fields_are_sent_and_databases_in_full():
    plan, before, after, sent = plan_for(APP, base_authority=['SELECT', 'INSERT', 'UPDATE', 'DELETE'], databases=['orders', 'billing'],
                                         description='orders service', password_lifetime=30)
    assert sent == [('update', dict(databases=[dict(name='billing'), dict(name='orders')], password_lifetime=30))]
    assert plan.public() == [dict(operation='UpdateDdmUser', status='planned', target=IID + '/app_orders',
                                  params=dict(databases=['billing', 'orders'], password_lifetime=30))]
    assert before['databases'] == ['order_items', 'orders'] and after['databases'] == ['billing', 'orders']
    assert after['password_lifetime'] == 30 and after['base_authority'] == before['base_authority']


def test_privileges_compare_as_sets():
    _plan, _b, after, sent = plan_for(APP, base_authority=['SELECT'])
    assert sent == [('update', dict(base_authority=['SELECT']))]
    assert after['base_authority'] == ['SELECT']


def test_lifetime_zero_equals_absent_and_empty_description_equals_none():
    current = dict(APP, description=None)
    del current['password_lifetime']
    plan, _b, _a, _s = plan_for(current, password_lifetime=0, description='')
    assert not plan


def test_create_sends_the_set_options_and_never_shows_the_password():
    plan, before, after, sent = plan_for(None, password=PASSWORD, base_authority=['SELECT', 'INSERT'], databases=['orders'],
                                         description='new', password_lifetime=0)
    assert sent == [('create', dict(name='app_orders', password=PASSWORD, base_authority=['INSERT', 'SELECT'], databases=[dict(name='orders')],
                                    description='new', password_lifetime=0))]
    assert before is None
    assert after == dict(name='app_orders', status=None, base_authority=['INSERT', 'SELECT'], databases=['orders'], description='new',
                         password_lifetime=0, created=None, password_last_changed=None)
    assert PASSWORD not in json.dumps(plan.public()) and plan.public()[0]['params']['password'] == '********'


def test_create_omits_unset_and_empty_lists():
    _plan, _b, _a, sent = plan_for(None, password=PASSWORD, base_authority=['SELECT'], databases=[])
    assert sent == [('create', dict(name='app_orders', password=PASSWORD, base_authority=['SELECT']))]


@pytest.mark.parametrize('missing', ['password', 'base_authority'])
def test_create_needs_password_and_privileges(missing):
    kwargs = dict(password=PASSWORD, base_authority=['SELECT'])
    kwargs[missing] = None
    with pytest.raises(ValidationError, match='^%s: required to create' % missing):
        plan_for(None, **kwargs)


def test_empty_databases_never_sent():
    with pytest.raises(ValidationError, match=r'^databases: an empty list would detach every schema \(order_items, orders\)'):
        plan_for(APP, databases=[])
    plan, _b, _a, _s = plan_for(dict(APP, databases=[]), databases=[])
    assert not plan


def test_update_password_always_resets_after_the_update():
    plan, _b, after, sent = plan_for(APP, password=PASSWORD, update_password='always', description='changed')
    assert sent == [('update', dict(description='changed')), ('reset', PASSWORD)]
    assert [a['operation'] for a in plan.public()] == ['UpdateDdmUser', 'ResetDdmUserPassword']
    assert plan.public()[1]['params'] == dict(password='********')
    assert 'password' not in after


def test_on_create_ignores_the_password_of_an_existing_account():
    plan, _b, _a, sent = plan_for(APP, password=PASSWORD)
    assert not plan and sent == []


def test_absent():
    plan, before, after, sent = plan_for(APP, state='absent')
    assert sent == [('delete', None)] and before['name'] == 'app_orders' and after is None
    plan, before, after, sent = plan_for(None, state='absent')
    assert not plan and before is None and after is None


# ------------------------------------------------------------------ validation

@pytest.mark.parametrize('kwargs, option', [
    (dict(name='1bad'), 'name'),
    (dict(instance_id='0a8f1c6baa124e99853719d9257324df'), 'instance_id'),
    (dict(base_authority=['SELECT', 'GRANT']), 'base_authority'),
    (dict(base_authority=[]), 'base_authority'),
    (dict(password='Sh0rt!'), 'password'),
    (dict(password_lifetime=70000), 'password_lifetime'),
    (dict(description='x' * 257), 'description'),
    (dict(databases=['Orders']), 'databases'),
    (dict(update_password='always'), 'password'),
])
def test_validate_names_the_option(kwargs, option):
    with pytest.raises(ValidationError) as info:
        ddm_user.validate(params(**kwargs))
    assert str(info.value).startswith(option + ': ')


# ------------------------------------------------------------------ module flow

@pytest.fixture
def cloud(fake_huawei_request):
    """A stateful stand-in for the signed HTTP call: answers by operation and records (operation, kwargs)."""
    state = dict(calls=[], users={'app_orders': copy.deepcopy(APP)}, errors={}, meanwhile={})

    def request(self, method, path, operation, **kwargs):
        state['calls'].append((operation, kwargs))
        if operation in state['meanwhile']:
            state['meanwhile'].pop(operation)()  # another actor changes the cloud just before this call
        queued = state['errors'].get(operation)
        if queued:
            raise queued.pop(0)
        name = path.rstrip('/').split('/')[-2 if operation == 'ResetDdmUserPassword' else -1]
        body = kwargs.get('body') or {}
        if operation == 'ListDdmUsers':
            users = list(state['users'].values())
            return dict(users=copy.deepcopy(users), offset=0, limit=128, total=len(users))
        if operation == 'CreateDdmUser':
            user = dict(status='RUNNING', created='2024-07-01T00:00:00+0000', password_last_changed='2024-07-01T00:00:00+0000',
                        description='', databases=[])
            user.update((k, v) for k, v in body.items() if k != 'password')
            state['users'][body['name']] = user
        elif operation == 'UpdateDdmUser':
            state['users'][name].update(body)
        elif operation == 'ResetDdmUserPassword':
            state['users'][name]['password_last_changed'] = '2024-07-02T00:00:00+0000'
        elif operation == 'DeleteDdmUser':
            del state['users'][name]
        return {}

    fake_huawei_request(request)
    return state


@pytest.fixture
def run_module(module_runner):
    return module_runner(ddm_user.main, HUAWEI_ARGS, instance_id=IID)


NEW = dict(name='svc_new', password=PASSWORD, base_authority=['SELECT'], databases=['orders'])


def test_create_then_rerun(cloud, run_module):
    res = run_module(diff=True, **NEW)
    assert not res.failed and res.result['changed'] is True
    assert operations(cloud['calls']) == ['ListDdmUsers', 'CreateDdmUser', 'ListDdmUsers']
    assert res.result['user']['status'] == 'RUNNING' and res.result['user']['databases'] == ['orders']
    assert 'password' not in res.result['user']
    assert res.result['diff']['before'] == {} and res.result['diff']['after']['password'] == '<changed>'
    assert PASSWORD not in json.dumps(res.result)
    assert cloud['calls'][1][1]['busy_codes'] == ('DBS.200019', 'DBS.212033') and cloud['calls'][1][1]['deadline'] == 300
    del cloud['calls'][:]
    res = run_module(diff=True, **NEW)
    assert res.result['changed'] is False and operations(cloud['calls']) == ['ListDdmUsers']
    assert res.result['diff']['before'] == res.result['diff']['after']


def test_check_mode_never_writes_or_rereads(cloud, run_module):
    res = run_module(check_mode=True, **NEW)
    assert res.result['changed'] is True and operations(cloud['calls']) == ['ListDdmUsers']
    assert res.result['actions'][0]['status'] == 'planned'
    assert res.result['user']['name'] == 'svc_new' and res.result['user']['created'] is None


def test_change_sends_one_put_with_only_the_changed_fields(cloud, run_module):
    res = run_module(diff=True, name='app_orders', base_authority=['SELECT'], databases=['orders', 'order_items'])
    assert operations(cloud['calls']) == ['ListDdmUsers', 'UpdateDdmUser', 'ListDdmUsers']
    assert cloud['calls'][1][1]['body'] == dict(base_authority=['SELECT'])
    assert res.result['diff']['before']['base_authority'] == ['DELETE', 'INSERT', 'SELECT', 'UPDATE']
    assert res.result['diff']['after']['base_authority'] == ['SELECT']
    assert 'password' not in res.result['diff']['after']


def test_password_always(cloud, run_module):
    res = run_module(diff=True, name='app_orders', password=PASSWORD, update_password='always')
    assert res.result['changed'] is True
    assert operations(cloud['calls']) == ['ListDdmUsers', 'ResetDdmUserPassword', 'ListDdmUsers']
    assert res.result['user']['password_last_changed'] == '2024-07-02T00:00:00+0000'
    assert res.result['diff']['after']['password'] == '<changed>' and 'password' not in res.result['diff']['before']
    assert PASSWORD not in json.dumps(res.result)


def test_delete_twice(cloud, run_module):
    res = run_module(name='app_orders', state='absent')
    assert res.result['changed'] is True and res.result['user'] is None
    # the re-read after the deletion checks that the account is gone
    assert operations(cloud['calls']) == ['ListDdmUsers', 'DeleteDdmUser', 'ListDdmUsers']
    del cloud['calls'][:]
    res = run_module(name='app_orders', state='absent')
    assert res.result['changed'] is False and operations(cloud['calls']) == ['ListDdmUsers']


def test_delete_of_an_account_gone_meanwhile_is_ok(cloud, run_module):
    cloud['errors']['DeleteDdmUser'] = [ApiError('ddm', 'DeleteDdmUser', 400, 'DBS.300327', 'The account does not exist.', 'req-1')]
    # someone else deletes the account between the module's read and its delete
    cloud['meanwhile']['DeleteDdmUser'] = lambda: cloud['users'].pop('app_orders')
    res = run_module(name='app_orders', state='absent')
    assert not res.failed and res.result['changed'] is True


def test_a_deletion_the_cloud_did_not_do_fails(cloud, run_module):
    cloud['errors']['DeleteDdmUser'] = [ApiError('ddm', 'DeleteDdmUser', 400, 'DBS.300327', 'The account does not exist.', 'req-1')]
    res = run_module(name='app_orders', state='absent')
    assert res.failed and res.result['changed'] is True and res.result['error_code'] == 'ChangeNotApplied'
    assert res.result['msg'].endswith('(the resource still exists)')


def test_bad_input_makes_no_request(cloud, run_module):
    for args in (dict(name='bad-name'), dict(name='x', password='short'), dict(name='x', password_lifetime=70000),
                 dict(name='x', base_authority=['SELECT', 'GRANT'])):
        res = run_module(**args)
        assert res.failed, args
    assert cloud['calls'] == []


def test_create_without_password_fails_before_any_write(cloud, run_module):
    res = run_module(name='svc_new', base_authority=['SELECT'])
    assert res.failed and res.result['msg'].startswith('password: required to create')
    assert operations(cloud['calls']) == ['ListDdmUsers']


def test_api_error_reports_code_and_request_id(cloud, run_module):
    cloud['errors']['CreateDdmUser'] = [ApiError('ddm', 'CreateDdmUser', 400, 'DBS.300300', 'Failed to create a DDM account', 'req-42')]
    res = run_module(**NEW)
    assert res.failed
    assert 'DBS.300300' in res.result['msg'] and 'req-42' in res.result['msg']
    assert res.result['error_code'] == 'DBS.300300' and res.result['request_id'] == 'req-42'
    assert res.result['actions'][0]['status'] == 'failed'
    assert PASSWORD not in json.dumps(res.result)


# ------------------------------------------------------------------ users: a whole instance in one run

def entry(name, **kwargs):
    return dict(dict(name=name, password=PASSWORD, base_authority=['SELECT'], databases=['orders']), **kwargs)


SET = [entry('app_orders', base_authority=['SELECT', 'INSERT', 'UPDATE', 'DELETE'], databases=['orders', 'order_items'],
             description='orders service', password_lifetime=90)] + [entry('svc_%02d' % i) for i in range(5)]


def test_users_first_run_creates_the_set_with_one_read_before_and_one_after(cloud, run_module):
    res = run_module(diff=True, users=SET)
    assert not res.failed and res.result['changed'] is True
    assert operations(cloud['calls']) == ['ListDdmUsers'] + ['CreateDdmUser'] * 5 + ['ListDdmUsers']
    entries = dict((e['name'], e) for e in res.result['users'])
    assert entries['app_orders']['drift'] == 'none' and entries['app_orders']['changed'] is False
    assert entries['svc_03']['drift'] == 'missing' and entries['svc_03']['changed'] is True
    assert entries['svc_03']['user']['status'] == 'RUNNING'          # the re-read, not the prediction
    assert [a['operation'] for a in entries['svc_03']['actions']] == ['CreateDdmUser']
    assert res.result['diff']['after']['users']['svc_03']['password'] == '<changed>'
    assert 'svc_03' not in res.result['diff']['before']['users']
    assert PASSWORD not in json.dumps(res.result)
    del cloud['calls'][:]
    res = run_module(diff=True, users=SET)
    assert res.result['changed'] is False and operations(cloud['calls']) == ['ListDdmUsers']
    assert set(e['drift'] for e in res.result['users']) == {'none'}


def test_users_check_mode_plans_everything_and_writes_nothing(cloud, run_module):
    res = run_module(check_mode=True, users=SET[:3], exclusive=True)
    assert res.result['changed'] is True and operations(cloud['calls']) == ['ListDdmUsers']
    assert [a['status'] for a in res.result['actions']] == ['planned', 'planned']
    assert [e['drift'] for e in res.result['users']] == ['none', 'missing', 'missing']


def test_users_exclusive_deletes_the_undeclared_and_updates_what_differs(cloud, run_module):
    cloud['users']['old_one'] = dict(APP, name='old_one')
    res = run_module(users=[entry('app_orders', base_authority=['SELECT'])], exclusive=True)
    assert operations(cloud['calls']) == ['ListDdmUsers', 'DeleteDdmUser', 'UpdateDdmUser', 'ListDdmUsers']
    assert [(e['name'], e['drift']) for e in res.result['users']] == [('old_one', 'undeclared'), ('app_orders', 'different')]
    assert res.result['users'][0]['user'] is None and sorted(cloud['users']) == ['app_orders']


def test_users_a_failed_write_leaves_the_others_converged(cloud, run_module):
    res = run_module(users=SET[:2])   # svc_00 exists; of svc_01 and svc_02, the first create fails
    assert not res.failed and 'svc_00' in cloud['users']
    cloud['errors']['CreateDdmUser'] = [ApiError('ddm', 'CreateDdmUser', 400, 'DBS.300300', 'quota', 'req-7')]
    del cloud['calls'][:]
    res = run_module(users=SET[:4])
    assert res.failed and res.result['changed'] is True
    assert operations(cloud['calls']) == ['ListDdmUsers', 'CreateDdmUser', 'CreateDdmUser', 'ListDdmUsers']
    assert [f['name'] for f in res.result['failed_items']] == ['svc_01'] and res.result['failed_items'][0]['request_id'] == 'req-7'
    assert res.result['succeeded_items'] == ['svc_02'] and 'svc_02' in cloud['users'] and 'svc_01' not in cloud['users']
    assert [a['status'] for a in res.result['actions']] == ['failed', 'done']
    assert PASSWORD not in json.dumps(res.result)


def test_users_unresolved_fails_before_any_write_unless_skipped(cloud, run_module):
    users = [entry('svc_a'), dict(name='svc_nopw', base_authority=['SELECT'])]
    res = run_module(users=users)
    assert res.failed and res.result['msg'].startswith('users[1]: cannot create: password not given')
    assert operations(cloud['calls']) == ['ListDdmUsers']
    res = run_module(users=users, skip_unresolved=True)
    assert not res.failed and [e['drift'] for e in res.result['users']] == ['missing', 'unresolved']
    assert res.result['users'][1]['note'] == 'cannot create: password not given' and 'svc_nopw' not in cloud['users']


@pytest.mark.parametrize('args, start', [
    (dict(users=[dict(name='ok_one'), dict(name='1bad')]), 'users[1].name: '),
    (dict(users=[dict(name='ok_one', password='short')]), 'users[0].password: '),
    (dict(users=[dict(name='ok_one'), dict(name='ok_one')]), 'users: each account may appear once'),
    (dict(name='app_orders', exclusive=True), 'exclusive: only with users'),
])
def test_users_bad_input_makes_no_request(cloud, run_module, args, start):
    res = run_module(**args)
    assert res.failed and res.result['msg'].startswith(start), res.result['msg']
    assert cloud['calls'] == []


def test_users_and_name_are_mutually_exclusive(cloud, run_module):
    res = run_module(name='app_orders', users=SET)
    assert res.failed and 'mutually exclusive' in res.result['msg'] and cloud['calls'] == []
