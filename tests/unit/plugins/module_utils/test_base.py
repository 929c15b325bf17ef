# -*- coding: utf-8 -*-
# Copyright: dbgov.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The module base: finish/apply (check mode, changed, diff, action statuses, stop at the first failure), the
failure allowlist and secret masking (on the real JSON a module prints), run(), clients, and the validation helpers."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import contextlib
import json
import random
import string

import pytest

from ansible.module_utils.testing import patch_module_args

from ansible_collections.dbgov.cloud.plugins.module_utils import alibabacloud, huaweicloud
from ansible_collections.dbgov.cloud.plugins.module_utils.base import AlibabaCloudModule, HuaweiCloudModule
from ansible_collections.dbgov.cloud.plugins.module_utils.common import (
    DIFF_CHANGED, SECRET_PLACEHOLDER, BatchItem, Plan, ValidationError, check_length, check_password, check_pattern, check_range, wait_until,
)
from ansible_collections.dbgov.cloud.plugins.module_utils.transport import ERROR_FIELDS, ApiError

SEED = 777
SK = 'base-test-secret-key-0000000000000000000001'
TOKEN = 'base-test-security-token-0001'
PASSWORD = 'Unit-Test-Pw-42!'
HW_ARGS = dict(region='cn-north-4', project_id='e7f4b2c5a9d84f3e8c1b6a0d2f9e4c71', access_key='AKBASE000000000001', secret_key=SK,
               security_token=TOKEN, endpoint='http://127.0.0.1:1/{service}')
OWN_SPEC = dict(name=dict(type='str'), password=dict(type='str', no_log=True))
ALLOWED = set(ERROR_FIELDS) | {'failed', 'invocation'}


_STACK = contextlib.ExitStack()


@pytest.fixture(autouse=True)
def module_args_stack():
    """Modules print their result while their args are patched in: keep every patch until the test ends."""
    with _STACK:
        yield


def make_module(check_mode=False, diff=False, cls=HuaweiCloudModule, **args):
    values = dict(HW_ARGS, name='app', password=PASSWORD, _ansible_check_mode=check_mode, _ansible_diff=diff)
    if cls is AlibabaCloudModule:
        values.update(region='cn-hangzhou')
        del values['project_id']
    values.update(args)
    _STACK.enter_context(patch_module_args(values))
    return cls(argument_spec=OWN_SPEC, supports_check_mode=True)


def run_exit(capsys, func):
    """Run func (which ends in exit_json/fail_json); return (rc, parsed JSON result, raw stdout)."""
    with pytest.raises(SystemExit) as info:
        func()
    out = capsys.readouterr().out
    return info.value.code, json.loads(out), out


class Calls:
    """Action callables that record their order; ``fail_at`` makes one raise an ApiError."""

    def __init__(self, fail_at=None):
        self.done = []
        self.fail_at = fail_at

    def action(self, name):
        def call():
            if name == self.fail_at:
                raise ApiError('ddm', name, 409, 'DBS.300311', 'The account already exists.', 'req-%s' % name)
            self.done.append(name)
            return {'ok': name}
        return call


def three_step_plan(calls):
    plan = Plan()
    plan.add('CreateUser', calls.action('CreateUser'), target='app', name='app', password=SECRET_PLACEHOLDER)
    plan.add('UpdateUser', calls.action('UpdateUser'), target='app', base_authority=['SELECT'])
    plan.add('ResetPassword', calls.action('ResetPassword'), target='app', password=SECRET_PLACEHOLDER)
    return plan


def never(*_args):
    raise AssertionError('must not be called')


# ---------------------------------------------------------------------------------------------- finish / apply
def test_check_mode_never_calls_an_action(capsys):
    calls = Calls()
    plan = three_step_plan(calls)
    for action in plan.actions:
        action.call = never
    module = make_module(check_mode=True)
    rc, result, _out = run_exit(capsys, lambda: module.finish(plan, None, {'name': 'app'}, key='user', reread=never))
    assert rc == 0 and result['changed'] is True
    assert result['user'] == {'name': 'app'}  # the predicted state; no "after" read in check mode
    assert [a['status'] for a in result['actions']] == ['planned'] * 3
    assert 'diff' not in result


def test_apply_runs_every_action_in_order_then_rereads(capsys):
    calls = Calls()
    module = make_module()
    rereads = []
    rc, result, _out = run_exit(capsys, lambda: module.finish(three_step_plan(calls), None, {'name': 'predicted'}, key='user',
                                                              reread=lambda: rereads.append(1) or {'name': 'predicted', 'created': 'real'}))
    assert rc == 0 and calls.done == ['CreateUser', 'UpdateUser', 'ResetPassword'] and rereads == [1]
    assert result['changed'] is True and result['user'] == {'name': 'predicted', 'created': 'real'}
    statuses = [(a['operation'], a['status']) for a in result['actions']]
    assert statuses == [('CreateUser', 'done'), ('UpdateUser', 'done'), ('ResetPassword', 'done')]
    assert result['actions'][0] == dict(operation='CreateUser', status='done', target='app', params=dict(name='app', password=SECRET_PLACEHOLDER))


@pytest.mark.parametrize('check_mode', [False, True])
@pytest.mark.parametrize('size', [0, 1, 3])
def test_changed_is_bool_plan(capsys, check_mode, size):
    calls = Calls()
    plan = Plan()
    for index in range(size):
        plan.add('Op%d' % index, calls.action('Op%d' % index))
    module = make_module(check_mode=check_mode)
    _rc, result, _out = run_exit(capsys, lambda: module.finish(plan, {'a': 1}, {'a': 1}, key='thing', reread=lambda: {'a': 2}))
    assert result['changed'] is bool(plan) is (size > 0)
    assert len(result['actions']) == size
    assert calls.done == ([] if check_mode else ['Op%d' % i for i in range(size)])
    assert result['thing'] == ({'a': 2} if size and not check_mode else {'a': 1})


@pytest.mark.parametrize('diff', [False, True])
@pytest.mark.parametrize('check_mode', [False, True])
def test_diff_only_in_diff_mode(capsys, diff, check_mode):
    plan = Plan()
    plan.add('ResetPassword', lambda: None, target='app', password=SECRET_PLACEHOLDER)
    before = {'name': 'app', 'password': DIFF_CHANGED}
    module = make_module(check_mode=check_mode, diff=diff)
    _rc, result, _out = run_exit(capsys, lambda: module.finish(plan, before, {'name': 'app', 'password': DIFF_CHANGED}, key='user'))
    if diff:
        assert result['diff'] == {'before': before, 'after': {'name': 'app', 'password': DIFF_CHANGED}}
    else:
        assert 'diff' not in result


def test_diff_of_a_creation_and_a_deletion_uses_empty_views(capsys):
    plan = Plan()
    plan.add('DeleteUser', lambda: None, target='app')
    module = make_module(diff=True)
    _rc, result, _out = run_exit(capsys, lambda: module.finish(plan, {'name': 'app'}, None, key='user', reread=lambda: None))
    assert result['diff'] == {'before': {'name': 'app'}, 'after': {}}


def test_callable_extras_are_evaluated_after_the_plan_ran(capsys):
    calls = Calls()
    module = make_module()
    _rc, result, _out = run_exit(capsys, lambda: module.finish(three_step_plan(calls), None, {}, key='user',
                                                               request_ids=lambda: list(calls.done), fixed='x'))
    assert result['request_ids'] == ['CreateUser', 'UpdateUser', 'ResetPassword'] and result['fixed'] == 'x'


def test_apply_stops_at_the_first_failure_and_reports_progress(capsys):
    calls = Calls(fail_at='UpdateUser')
    module = make_module()
    rc, result, _out = run_exit(capsys, lambda: module.finish(three_step_plan(calls), None, {}, key='user', reread=never))
    assert rc == 1 and result['failed'] is True
    assert calls.done == ['CreateUser']  # ResetPassword never ran
    statuses = [(a['operation'], a['status']) for a in result['actions']]
    assert statuses == [('CreateUser', 'done'), ('UpdateUser', 'failed'), ('ResetPassword', 'planned')]
    assert result['msg'] == ('UpdateUser did not complete (1 of 3 planned actions had completed before it): DBS.300311: The account already exists. '
                             '(ddm UpdateUser, HTTP 409, request id req-UpdateUser)')
    assert (result['error_code'], result['http_status'], result['request_id'], result['operation'], result['service']) == (
        'DBS.300311', 409, 'req-UpdateUser', 'UpdateUser', 'ddm')
    assert set(result) <= ALLOWED


def test_a_failure_reports_changed_only_when_something_was_written(capsys):
    # the first action is refused: nothing was written
    module = make_module()
    rc, result, _out = run_exit(capsys, lambda: module.finish(three_step_plan(Calls(fail_at='CreateUser')), None, {}, key='user', reread=never))
    assert rc == 1 and result['changed'] is False
    # an earlier action went through: changed, although the task failed
    module = make_module()
    rc, result, _out = run_exit(capsys, lambda: module.finish(three_step_plan(Calls(fail_at='ResetPassword')), None, {}, key='user', reread=never))
    assert rc == 1 and result['changed'] is True
    # the cloud accepted the write and then the wait failed (executed=True): changed
    plan = Plan()

    def write_then_fail():
        raise ApiError('dcs', 'UpdateAclAccount', None, 'AccountStatusError', 'ended in status ERROR', executed=True)
    plan.add('UpdateAclAccount', write_then_fail, target='app')
    module = make_module()
    rc, result, _out = run_exit(capsys, lambda: module.finish(plan, None, {}, key='user', reread=never))
    assert rc == 1 and result['changed'] is True and result['error_code'] == 'AccountStatusError'


def test_apply_in_check_mode_is_a_no_op():
    plan = Plan()
    plan.add('X', never)
    make_module(check_mode=True).apply(plan)
    assert plan.public() == [dict(operation='X', status='planned')]


# ---------------------------------------------------------------------------------------------- failures and secrets
def test_fail_keeps_only_allowlisted_fields(capsys):
    module = make_module()
    rc, result, _out = run_exit(capsys, lambda: module.fail(
        'it failed', error_code='E1', http_status=400, request_id='r1', operation='Op', service='ddm', resource_id='app',
        actions=[{'operation': 'Op', 'status': 'failed'}], failed_items=[{'id': '1', 'code': 'X'}],
        url='https://ddm.example.com/v3/p?password=' + PASSWORD, body='{"password": "x"}', headers={'Authorization': 'sig'},
        response='<raw>', exception='Traceback', secret_key=SK, empty=None, request_id_extra=None))
    assert rc == 1
    assert set(result) - {'failed', 'invocation'} == {'msg', 'error_code', 'http_status', 'request_id', 'operation', 'service', 'resource_id',
                                                      'actions', 'failed_items'}
    assert result['msg'] == 'it failed'


def test_fail_drops_none_values(capsys):
    _rc, result, _out = run_exit(capsys, lambda: make_module().fail('x', error_code=None, request_id=None, http_status=0))
    assert 'error_code' not in result and 'request_id' not in result and result['http_status'] == 0


def test_fail_api_reports_code_message_and_request_id(capsys):
    err = ApiError('polardb', 'ResetAccount', 404, 'InvalidDBClusterId.NotFound', 'The DBClusterId does not exist.', 'REQ-9', attempts=1)
    plan = Plan()
    plan.add('ResetAccount', never, target='pc-1')
    _rc, result, _out = run_exit(capsys, lambda: make_module(cls=AlibabaCloudModule).fail_api(
        err, msg='resetting pc-1', plan=plan, resource_id='pc-1'))
    assert result['msg'] == 'resetting pc-1: InvalidDBClusterId.NotFound: The DBClusterId does not exist. (polardb ResetAccount, HTTP 404, request id REQ-9)'
    assert (result['error_code'], result['request_id'], result['resource_id']) == ('InvalidDBClusterId.NotFound', 'REQ-9', 'pc-1')
    assert result['actions'] == [dict(operation='ResetAccount', status='planned', target='pc-1')]


def test_no_secret_in_a_failure_even_when_the_cloud_echoes_it(capsys):
    """A cloud error message that quotes the SK, the token or the password: the printed result masks all three
    (no_log options), in msg, in fields and in the invocation."""
    echo = 'bad credentials %s / %s / password %s' % (SK, TOKEN, PASSWORD)
    err = ApiError('ddm', 'CreateUser', 400, 'DBS.300306', echo, 'req-echo')
    _rc, result, out = run_exit(capsys, lambda: make_module().fail_api(err))
    for secret in (SK, TOKEN, PASSWORD):
        assert secret not in out
    # every field of the printed result, including `invocation` where the core still adds it (before 2.21)
    assert SK not in json.dumps(result) and TOKEN not in json.dumps(result)
    assert 'DBS.300306' in result['msg'] and 'req-echo' in result['msg']


def test_run_maps_validation_and_api_errors(capsys):
    def bad_input(module):
        raise ValidationError('name: %r is not valid' % module.params['name'])

    _rc, result, out = run_exit(capsys, lambda: make_module().run(bad_input))
    assert result['msg'] == "name: 'app' is not valid" and set(result) <= ALLOWED

    def api_down(module):
        raise ApiError('ddm', 'ListDdmUsers', 503, 'APIGW.0201', 'backend unavailable', 'r-503', attempts=7)

    _rc, result, out = run_exit(capsys, lambda: make_module().run(api_down))
    assert result['msg'] == 'APIGW.0201: backend unavailable (ddm ListDdmUsers, HTTP 503, request id r-503, after 7 attempts)'
    assert SK not in out and set(result) <= ALLOWED


def test_add_secret_masks_a_runtime_value(capsys):
    module = make_module()
    module.add_secret('derived-secret-123')
    module.add_secret(None)
    _rc, _result, out = run_exit(capsys, lambda: module.fail('got derived-secret-123 back'))
    assert 'derived-secret-123' not in out


def test_auth_options_are_no_log():
    for spec in (huaweicloud.AUTH_SPEC, alibabacloud.AUTH_SPEC):
        assert spec['secret_key']['no_log'] is True and spec['security_token']['no_log'] is True
        assert spec['access_key']['no_log'] is False
        for option in spec.values():
            names = option.get('fallback', (None, []))[1]
            assert not [name for name in names if name.startswith('ANSIBLE_')]


def test_env_fallbacks_first_found_wins(monkeypatch):
    monkeypatch.setenv('HW_SECRET_KEY', 'second')
    monkeypatch.setenv('HUAWEICLOUD_SDK_SK', 'first')
    monkeypatch.setenv('HW_PROJECT_ID', 'p' * 32)
    monkeypatch.setenv('HW_ACCESS_KEY', 'AK')
    _STACK.enter_context(patch_module_args(dict(region='cn-north-4', name='x')))
    module = HuaweiCloudModule(argument_spec=OWN_SPEC)
    # the credential chain's environment link: first found of each pair
    assert module.credentials() == ('AK', 'first', None) and module.params['project_id'] == 'p' * 32
    assert module.credentials.source == 'environment (HW_ACCESS_KEY)' and 'first' in module.ansible.no_log_values
    monkeypatch.setenv('ALICLOUD_ACCESS_KEY', 'ali-ak')
    monkeypatch.setenv('ALIBABA_CLOUD_ACCESS_KEY_SECRET', 'ali-sk')
    monkeypatch.setenv('ALIBABA_CLOUD_REGION_ID', 'cn-hangzhou')
    _STACK.enter_context(patch_module_args(dict(name='x')))
    module = AlibabaCloudModule(argument_spec=OWN_SPEC)
    assert module.credentials() == ('ali-ak', 'ali-sk', None) and module.params['region'] == 'cn-hangzhou'
    assert module.client('polardb')._credentials is module.credentials  # pylint: disable=protected-access


def test_clients_share_one_transport():
    module = make_module(timeout=7.5, validate_certs=False)
    ddm, das = module.client('ddm'), module.client('das')
    assert module.client('ddm') is ddm and ddm.transport is das.transport is module.transport
    assert module.transport.timeout == 7.5 and module.transport.session.verify is False
    assert ddm.base == 'http://127.0.0.1:1/ddm'
    assert isinstance(ddm, huaweicloud.HuaweiClient)
    ali = make_module(cls=AlibabaCloudModule).client('polardb')
    assert isinstance(ali, alibabacloud.AlibabaClient)
    assert make_module().transport.session.verify is True


# ---------------------------------------------------------------------------------------------- validation helpers
PASSWORD_ALPHABET = string.ascii_letters + string.digits + '~!@#%^*-_+?$&()=[]{}:;"\'<>,./|\\ ' + u'\u00e9\u4e2d\U0001f642'


def test_check_password_message_never_contains_the_password():
    """Random passwords (valid and invalid) against the DDM rules: whatever is wrong, the message names the option
    and the rule, never the password."""
    rng = random.Random(SEED)
    failures = 0
    for case in range(500):
        length = rng.randint(6, 40)
        password = ''.join(rng.choice(PASSWORD_ALPHABET) for dummy in range(length))
        username = rng.choice([None, password[1:5], password[::-1][:6], 'app_user'])
        try:
            check_password('password', password, 8, 32, '~!@#%^*-_+?', forbid=(':',), username=username)
        except ValidationError as exc:
            failures += 1
            message = str(exc)
            assert message.startswith('password: the password '), 'seed=%d case=%d' % (SEED, case)
            assert password not in message, 'seed=%d case=%d password=%r message=%r' % (SEED, case, password, message)
    assert 100 < failures < 500


@pytest.mark.parametrize('password,problem', [
    ('Short1!', 'must be 8 to 32 characters long'),
    ('alllowercase', 'at least 3 of'),
    ('Abcdefg1:x', "not allowed (':')"),
    ('Abcdefg1\u4e2dx', 'not allowed'),
    ('Xapp_user1!', 'must not contain the account name'),
    ('X1!resu_ppa', 'must not contain the account name'),
])
def test_check_password_rules(password, problem):
    with pytest.raises(ValidationError) as info:
        check_password('password', password, 8, 32, '~!@#%^*-_+?:', forbid=(':',), username='app_user')
    assert problem in str(info.value) and password not in str(info.value)


def test_check_password_accepts_a_good_password():
    check_password('password', 'Good-Passw0rd', 8, 32, '~!@#%^*-_+?', username='app_user')
    check_password('password', None, 8, 32, '~!')


def test_other_checks_name_the_option():
    check_pattern('name', 'app_user', r'[A-Za-z]\w{0,31}', 'letters')
    with pytest.raises(ValidationError, match=r"^name: '1bad' is not valid \(must start with a letter\)$"):
        check_pattern('name', '1bad', r'[A-Za-z]\w{0,31}', 'must start with a letter')
    with pytest.raises(ValidationError, match='^name:'):
        check_pattern('name', 'good\n', r'[a-z]+', 'letters')  # no trailing newline sneaking past $
    with pytest.raises(ValidationError, match=r'^password_lifetime: 70000 is out of range \(0 to 65535\)$'):
        check_range('password_lifetime', 70000, 0, 65535)
    with pytest.raises(ValidationError, match='^description: length 300'):
        check_length('description', 'x' * 300, 256)
    check_range('x', None, 0, 1)
    check_length('x', None, 1)


def test_wait_until_is_bounded_and_backs_off():
    now = [0.0]
    sleeps = []

    def sleep(seconds):
        sleeps.append(seconds)
        now[0] += seconds

    assert wait_until(lambda: False, timeout=30, sleep=sleep, clock=lambda: now[0]) is False
    assert now[0] == 30 and sleeps[0] == 2.0 and max(sleeps) <= 10.0
    polls = iter([None, None, {'status': 'AVAILABLE'}])
    assert wait_until(lambda: next(polls), timeout=30, sleep=sleep, clock=lambda: now[0]) == {'status': 'AVAILABLE'}


# ---------------------------------------------------------------------------------------------- faults (issue: reliability and security)
def _run_never(module):
    pytest.fail('main ran although a connection option was invalid')


@pytest.mark.parametrize('args,text', [
    (dict(timeout=0), 'timeout: 0.0 is out of range'),
    (dict(timeout=-5), 'timeout: -5.0 is out of range'),
    (dict(timeout=float('inf')), 'timeout: inf is out of range'),
    (dict(endpoint='http://[127.0.0.1'), "endpoint: 'http://[127.0.0.1' is not a valid URL"),
    (dict(endpoint='ftp://127.0.0.1/{service}'), 'the scheme must be https or http'),
    (dict(endpoint='127.0.0.1:8765'), 'the scheme must be https or http'),
    (dict(endpoint='http://127.0.0.1:99999/'), 'is not a valid URL'),
    (dict(endpoint='http://127.0.0.1:8765/{service}?x=1'), 'must not have a query'),
    (dict(endpoint='http://127.0.0.1:8765/{servce}'), 'the only placeholders are {service} and {region}'),
    (dict(endpoint='http://bad host/'), 'it needs a valid host name'),
    (dict(ca_bundle='/nonexistent/ca.pem'), 'ca_bundle: /nonexistent/ca.pem is not a readable file'),
    (dict(region='cn-north-4/../x'), "region: 'cn-north-4/../x' is not valid"),
])
@pytest.mark.parametrize('cls', [HuaweiCloudModule, AlibabaCloudModule])
def test_connection_options_are_validated_before_any_request(capsys, args, text, cls):
    """(Bug fixed: timeout 0/-5 and a bad IPv6 endpoint raised unhandled ValueErrors from requests.)"""
    module = make_module(cls=cls, **args)
    _rc, result, _out = run_exit(capsys, lambda: module.run(_run_never))
    assert result['failed'] and text in result['msg'], result['msg']
    assert module._transport is None  # no session was even created


def test_an_endpoint_with_credentials_is_refused_without_echoing_it(capsys):
    module = make_module(endpoint='https://user:hunter2-pw@127.0.0.1/{service}')
    _rc, result, out = run_exit(capsys, lambda: module.run(_run_never))
    assert result['msg'] == 'endpoint: the URL must not carry a user name or password' and 'hunter2-pw' not in result['msg']


def test_negative_numeric_module_options_fail():
    spec = dict(OWN_SPEC, wait_timeout=dict(type='int', default=300))
    _STACK.enter_context(patch_module_args(dict(HW_ARGS, name='x', wait_timeout=-1)))
    module = HuaweiCloudModule(argument_spec=spec)
    with pytest.raises(ValidationError, match=r'wait_timeout: -1 is out of range'):
        module.validate_connection()


def test_an_unexpected_exception_is_a_clean_failure_with_the_traceback_aside(capsys, monkeypatch):
    from ansible.module_utils import basic
    if getattr(basic, '_traceback', None) is not None:  # ansible-core 2.19+: tracebacks only where display_traceback asks
        monkeypatch.setattr(basic._traceback, 'is_traceback_enabled', lambda event: True)

    def broken(module):
        raise KeyError('users %s' % SK)

    _rc, result, out = run_exit(capsys, lambda: make_module().run(broken))
    assert result['msg'].startswith('unexpected error (KeyError): ') and 'Traceback' not in result['msg']
    assert result['error_code'] == 'UnexpectedError' and 'Traceback (most recent call last)' in result['exception']
    assert SK not in out


def test_an_unknown_option_is_reported_before_required_one_of(capsys):
    """(Bug fixed: a typo 'acount_name' gave only "one of the following is required: account_name, account_id".)"""
    spec = dict(account_name=dict(type='str'), account_id=dict(type='str'), password=dict(type='str', no_log=True))
    args = dict(HW_ARGS, acount_name='x', password=PASSWORD)
    del args['secret_key']  # also a missing required option: the typo still speaks first
    _STACK.enter_context(patch_module_args(args))
    _rc, result, out = run_exit(capsys, lambda: HuaweiCloudModule(argument_spec=spec, required_one_of=[('account_name', 'account_id')]))
    assert result['msg'].startswith('Unsupported parameters for') and 'acount_name' in result['msg']
    assert PASSWORD not in out and TOKEN not in out


def test_a_list_of_dicts_with_a_string_element_never_prints_the_secrets(capsys):
    """Some cores stop collecting no_log values at the first element of a list of dicts that is not a dict and then
    print module_args (secret_key included) with the validation error at -vvv."""
    spec = dict(databases=dict(type='list', elements='dict', options=dict(name=dict(type='str'), secret=dict(type='str', no_log=True))))
    _STACK.enter_context(patch_module_args(dict(HW_ARGS, databases=['orders', {'name': 'x', 'secret': 'inner-secret-42'}])))
    _rc, result, out = run_exit(capsys, lambda: HuaweiCloudModule(argument_spec=spec))
    assert result['failed'] and result['msg'].startswith('databases[0] is a str, not a dictionary')
    for secret in (SK, TOKEN, 'inner-secret-42'):
        assert secret not in out


@pytest.mark.parametrize('secret', [SK, TOKEN, PASSWORD, 'p@ss word/+=&"\\\u00e9x'])
def test_every_encoding_of_every_secret_is_masked(capsys, secret):
    """(Bug fixed: a SignatureDoesNotMatch echoing the canonical request showed AccountPassword=Reset_Pass1%21.)"""
    import base64
    import json as _json
    from urllib.parse import quote, quote_plus
    module = make_module()
    module.add_secret(secret)
    forms = [secret, quote(secret, safe='~'), quote(secret, safe='~').lower(), quote_plus(secret), _json.dumps(secret)[1:-1],
             base64.b64encode(secret.encode('utf-8')).decode('ascii'), quote(quote(secret, safe='~'), safe='~')]
    echo = 'canonical request: POST / AccountPassword=%s&token=%s body {"password": "%s"} auth %s double %s' % (
        forms[1], forms[3], forms[4], forms[5], forms[6])
    _rc, _result, out = run_exit(capsys, lambda: module.fail_api(ApiError('polardb', 'ResetAccount', 400, 'SignatureDoesNotMatch', echo)))
    for form in forms:
        if len(form) > 3:
            assert form not in out, form


def test_a_write_whose_answer_was_lost_reports_changed_and_uncertain(capsys):
    module = make_module()
    plan = Plan()

    def lost():
        raise ApiError('ddm', 'CreateDdmUser', None, 'ConnectionError', 'dropped: ...', uncertain=True)
    plan.add('CreateDdmUser', lost, target='app')
    _rc, result, _out = run_exit(capsys, lambda: module.finish(plan, None, {}, 'user'))
    assert result['failed'] and result['changed'] is True
    assert result['msg'].startswith('outcome uncertain: CreateDdmUser was sent but its answer was lost')
    assert result['actions'][0]['status'] == 'uncertain'


def test_retries_are_shown_in_the_result(capsys):
    module = make_module()
    module.transport.events.append('ddm ListDdmUsers attempt 1: ConnectionError: refused: ...; retrying in 0.3 s')
    _rc, result, _out = run_exit(capsys, lambda: module.finish(Plan(), {}, {}, 'user'))
    assert result['retries'] == ['ddm ListDdmUsers attempt 1: ConnectionError: refused: ...; retrying in 0.3 s']


@pytest.mark.parametrize('reread,fields', [
    ({'name': 'app', 'roles': ['read']}, 'roles is [\'read\'], asked [\'write\', \'read\']'),
    ({}, '(the resource was not found)'),
])
def test_a_reread_that_disagrees_with_the_change_fails_naming_the_field(capsys, reread, fields):
    """(Bug fixed: DDM answered an update "done" and the module reported changed while its own re-read showed the old value.)"""
    plan = Plan()
    plan.add('UpdateUser', lambda: {}, target='app')
    before, predicted = {'name': 'app', 'roles': ['read']}, {'name': 'app', 'roles': ['write', 'read'], 'password': DIFF_CHANGED}
    _rc, result, _out = run_exit(capsys, lambda: make_module().finish(plan, before, predicted, 'user', reread=lambda: reread))
    assert result['failed'] and result['changed'] is True and result['error_code'] == 'ChangeNotApplied'
    assert result['msg'] == 'the state read back after the change is not what was asked: %s' % fields


def _batch(calls):
    items = []
    for name, before, after in [('app', {'name': 'app', 'roles': ['read']}, {'name': 'app', 'roles': ['write'], 'password': DIFF_CHANGED}),
                                ('old', {'name': 'old', 'roles': ['read']}, None),
                                ('new', None, {'name': 'new', 'roles': ['read']}),
                                ('same', {'name': 'same', 'roles': ['read']}, {'name': 'same', 'roles': ['read']})]:
        plan = Plan()
        if name != 'same':
            plan.add('Write', lambda name=name: calls.append(name), target=name)
        items.append(BatchItem(name, plan, before, after, 'different'))
    return items


@pytest.mark.parametrize('views,failed', [
    # every write shows in the re-read: no failure
    ({'app': {'name': 'app', 'roles': ['write']}, 'new': {'name': 'new', 'roles': ['read']}, 'same': {'name': 'same', 'roles': ['read']}}, []),
    # the cloud answered "done" for all three and did nothing (the seeded state is read back)
    ({'app': {'name': 'app', 'roles': ['read']}, 'old': {'name': 'old', 'roles': ['read']}, 'same': {'name': 'same', 'roles': ['read']}},
     [('app', "roles is ['read'], asked ['write']"), ('old', '(the resource still exists)'), ('new', '(the resource was not found)')]),
])
def test_a_batch_item_whose_reread_disagrees_fails_naming_it(capsys, views, failed):
    """(Gap closed: the set modes, ddm_user users and dcs_acl_account accounts, did no end-state check per account.)"""
    calls = []
    module = make_module()
    items = _batch(calls)
    _rc, result, _out = run_exit(capsys, lambda: module.run(
        lambda m: m.finish_batch(items, key='users', item_key='user', reread=lambda: views)))
    assert calls == ['app', 'old', 'new'] and result['changed'] is True
    if not failed:
        assert not result.get('failed') and [u['name'] for u in result['users'] if u['changed']] == ['app', 'old', 'new']
        return
    assert result['failed'] and result['failed_items'] and [f['name'] for f in result['failed_items']] == [entry[0] for entry in failed]
    for item, (name, detail) in zip(result['failed_items'], failed):
        assert item['error_code'] == 'ChangeNotApplied' and item['msg'].endswith(detail), item
    assert result['succeeded_items'] == []


def test_a_batch_that_did_not_wait_is_not_checked(capsys):
    calls = []
    _STACK.enter_context(patch_module_args(dict(HW_ARGS, wait=False)))
    module = HuaweiCloudModule(argument_spec=dict(OWN_SPEC, wait=dict(type='bool')), supports_check_mode=True)
    items = _batch(calls)
    _rc, result, _out = run_exit(capsys, lambda: module.run(
        lambda m: m.finish_batch(items, key='users', item_key='user', reread=lambda: {})))
    assert not result.get('failed') and result['changed'] is True


def test_a_reread_that_matches_in_another_order_passes(capsys):
    plan = Plan()
    plan.add('UpdateUser', lambda: {}, target='app')
    predicted = {'roles': ['b', 'a'], 'updated': None}
    _rc, result, _out = run_exit(capsys, lambda: make_module().finish(plan, {'roles': ['a']}, predicted, 'user',
                                                                      reread=lambda: {'roles': ['a', 'b'], 'updated': 'now'}))
    assert not result.get('failed') and result['changed'] is True


@pytest.mark.parametrize('password', ['password', 'the', 'Password'])
def test_a_password_that_is_a_word_of_the_message_never_blanks_it_out(password):
    """(Bug fixed: the password 'password' made the message '********: the ******** must ...'.)"""
    with pytest.raises(ValidationError) as info:
        check_password('password', password, 8, 32, '~!@#%^*-_=+?')
    assert password not in str(info.value) and 'PASSWORD' in str(info.value).upper()
