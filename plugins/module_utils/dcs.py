# -*- coding: utf-8 -*-
# Copyright: dbgov.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Huawei Cloud DCS (Distributed Cache Service, Redis) ACL accounts: the input rules, one function per API call,
the normaliser that turns an API account into the view the modules return, ``AclInstance`` (the accounts of one
instance during one module run: find, instance readiness, write + wait) and the pure plan functions ``plan_account``
and ``plan_role``.

Shared by ``dcs_acl_role``, ``dcs_acl_account`` and ``dcs_acl_account_info``. No signing or HTTP here:
every call goes through ``HuaweiClient.request`` (module_utils/huaweicloud.py). API reference:
https://support.huaweicloud.com/eu/api-dcs/CreateAclAccount.html
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.dbgov.cloud.plugins.module_utils.huaweicloud import path_segment

from ansible_collections.dbgov.cloud.plugins.module_utils.common import (
    DIFF_CHANGED, SECRET_PLACEHOLDER, BatchItem, Plan, Service, ValidationError, api_view, drift_of, check_length, check_password, check_range,
    password_to_set, pattern_check, wait_until,
)
from ansible_collections.dbgov.cloud.plugins.module_utils import discovery
from ansible_collections.dbgov.cloud.plugins.module_utils.transport import ApiError

SERVICE = 'dcs'

# --- documented rules (DCS API reference: CreateAclAccount, UpdateAclAccount, ResetAclAccountPassWord) ---
ROLES = ('read', 'write')
READ_POLICIES = ('master', 'replica', 'master-replica')
# The instance and account ID formats are not documented: only what is safe in a URL path segment is checked.
ID_PATTERN = r'[A-Za-z0-9][A-Za-z0-9_-]{0,63}'
ID_RULE = '1 to 64 letters, digits, "-" or "_"'
NAME_PATTERN = r'[A-Za-z][A-Za-z0-9_-]{0,63}'
NAME_RULE = '1 to 64 characters, starts with a letter, only letters, digits, "-" and "_"'
# the SDK's CreateAclAccount / ResetAclAccountPassWord field docs (with the backslash); a newer API page also lists
# ' and ", refused here until confirmed (see the modules' notes)
PASSWORD_SPECIALS = '`~!@#$%^&*()-_=+\\|{},<.>/?'
PASSWORD_MIN, PASSWORD_MAX = 8, 64
DESCRIPTION_MAX = 1024
DEFAULT_TYPE = 'default'
DEFAULT_NAME = 'default'
WAIT_TIMEOUT_MAX = 7200

# 400 "instance busy / not running / another operation": the request was not executed, safe to send again
# (codes of the DCS API reference's error code list; the Terraform provider for Huawei Cloud retries the same list)
BUSY_CODES = frozenset((
    'DCS.4026', 'DCS.4049', 'DCS.4096', 'DCS.4097', 'DCS.4111', 'DCS.4113', 'DCS.4114', 'DCS.4115', 'DCS.4116',
    'DCS.4117', 'DCS.4118', 'DCS.4120', 'DCS.4121', 'DCS.4231', 'DCS.4975', 'CBC.99003651',
))

# instance statuses: RUNNING serves; these never turn into RUNNING by waiting
INSTANCE_DEAD = frozenset(('CREATEFAILED', 'ERROR', 'FROZEN'))
# account statuses that end a wait with a failure, per kind of change
FAILED_STATUSES = {
    'create': frozenset(('CREATEFAILED', 'ERROR')),
    'update': frozenset(('ERROR',)),
    'delete': frozenset(('DELETEFAILED', 'ERROR')),
}
# the writes whose effect the API applies asynchronously (UpdateAclAccountRemark is synchronous)
ASYNC_OPERATIONS = frozenset(('CreateAclAccount', 'UpdateAclAccount', 'ResetAclAccountPassWord', 'DeleteAclAccount'))
FAILED_ACCOUNT_STATUSES = frozenset(('ERROR', 'CREATEFAILED', 'DELETEFAILED'))
# account statuses of a change still in progress: what the list shows then is not the end state
SETTLING_STATUSES = frozenset(('CREATING', 'UPDATING', 'DELETING'))
# polling: first poll right after the write, then 1 s, 1.5 s, 2.25 s ... up to 10 s between reads
POLL_INTERVAL = 1.0
POLL_MAX_INTERVAL = 10.0

ACCOUNTS_PATH = '/v2/{project_id}/instances/%s/accounts'
ACCOUNT_PATH = '/v2/{project_id}/instances/%s/accounts/%s'
INSTANCE_PATH = '/v2/{project_id}/instances/%s'
JOB_PATH = '/v2/{project_id}/jobs/%s'


# --- validation (no request is sent before these pass) ---------------------------------------------

check_id = pattern_check(ID_PATTERN, ID_RULE)
check_name = pattern_check(NAME_PATTERN, NAME_RULE)


def check_account_password(option, value, name=None):
    """8-64 characters, 3 of 4 classes, only the documented specials, no ':', not the name forwards or backwards."""
    check_password(option, value, PASSWORD_MIN, PASSWORD_MAX, PASSWORD_SPECIALS, forbid=(':',), username=name)


def check_description(option, value):
    check_length(option, value, DESCRIPTION_MAX)


def check_wait_timeout(option, value):
    check_range(option, value, 1, WAIT_TIMEOUT_MAX)


# --- API calls --------------------------------------------------------------------------------------

def list_accounts(client, instance_id):
    """Every ACL account of ``instance_id`` (ListAclAccounts: no pagination, no filter)."""
    data = client.request('GET', ACCOUNTS_PATH % path_segment(instance_id), 'ListAclAccounts', expect=('accounts',))
    return data.get('accounts') or []


def show_instance(client, instance_id):
    return client.request('GET', INSTANCE_PATH % path_segment(instance_id), 'ShowInstance')


def show_job(client, job_id):
    return client.request('GET', JOB_PATH % path_segment(job_id), 'ShowJobInfo')


def create_account(client, instance_id, body, deadline=None):
    return client.request('POST', ACCOUNTS_PATH % path_segment(instance_id), 'CreateAclAccount', body=body,
                          busy_codes=BUSY_CODES, deadline=deadline)


def update_role(client, instance_id, account_id, body, deadline=None):
    """PUT .../role with only the fields to change; returns the job id (the change is asynchronous)."""
    data = client.request('PUT', (ACCOUNT_PATH + '/role') % (path_segment(instance_id), path_segment(account_id)), 'UpdateAclAccount',
                          body=body, busy_codes=BUSY_CODES, deadline=deadline)
    return data.get('job_id')


def update_description(client, instance_id, account_id, description, deadline=None):
    """Synchronous (204)."""
    return client.request('PUT', ACCOUNT_PATH % (path_segment(instance_id), path_segment(account_id)), 'UpdateAclAccountRemark',
                          body={'description': description}, busy_codes=BUSY_CODES, deadline=deadline)


def reset_password(client, instance_id, account_id, password, deadline=None):
    data = client.request('PUT', (ACCOUNT_PATH + '/password/reset') % (path_segment(instance_id), path_segment(account_id)),
                          'ResetAclAccountPassWord', body={'new_password': password}, busy_codes=BUSY_CODES, deadline=deadline)
    # documented: the lock fields are null unless the account is locked, which means the reset was refused
    if data.get('lock_time_left') not in (None, '', '0'):
        raise ApiError(SERVICE, 'ResetAclAccountPassWord', 200, data.get('code') or 'AccountLocked',
                       'the account is locked (%s left): %s' % (data.get('lock_time_left'), data.get('message') or ''))
    return data


def delete_account(client, instance_id, account_id, deadline=None):
    return client.request('DELETE', ACCOUNT_PATH % (path_segment(instance_id), path_segment(account_id)), 'DeleteAclAccount',
                          busy_codes=BUSY_CODES, deadline=deadline)


# --- views ------------------------------------------------------------------------------------------

ACCOUNT_FIELDS = (('account_id', 'id'), ('account_name', 'name'), ('account_type', 'type'), ('account_role', 'role'),
                  ('account_read_policy', 'read_policy'), ('status', 'status'))


def account_view(account):
    """The snake_case view the modules return (never a password: the API has none to give)."""
    return api_view(account, ACCOUNT_FIELDS, description=(account or {}).get('description') or '')


def select(accounts, name=None, account_id=None):
    """The API object with that exact name (case-sensitive) or id, or None."""
    for account in accounts:
        if account_id is not None and account.get('account_id') == account_id:
            return account
        if account_id is None and name is not None and account.get('account_name') == name:
            return account
    return None


def read_policy_reported(account):
    """True when the API account carries ``account_read_policy`` (the API reference lists it, the SDK's model does not)."""
    return 'account_read_policy' in (account or {})


def unverified_fields(accounts):
    """The fields a re-read of this instance's accounts cannot show: read_policy where no account reports it."""
    return () if any(read_policy_reported(account) for account in accounts) else ('read_policy',)


def role_changes(view, role=None, read_policy=None, policy_reported=True):
    """The role-change body: only the fields that are given and differ from ``view``.

    A read policy the list does not report cannot be compared: it is sent only together with a role change (the
    call is made anyway), never alone, so that a run that changes nothing else plans nothing.
    """
    body = {}
    if role is not None and role != view.get('role'):
        body['account_role'] = role
    if read_policy is not None and (read_policy != view.get('read_policy') if policy_reported else body):
        body['account_read_policy'] = read_policy
    return body


def read_policy_warning(current, read_policy, instance_id):
    """The warning of a run that asks for a read policy the account list does not report (once per run), else None."""
    if read_policy is None or current is None or read_policy_reported(current):
        return None
    return ('DCS instance %s does not report account_read_policy for its ACL accounts, so read_policy cannot be verified '
            'there; it is sent only together with a role change or on create' % instance_id)


def apply_role_changes(view, body):
    """``view`` as it will be once ``body`` took effect."""
    after = dict(view)
    if 'account_role' in body:
        after['role'] = body['account_role']
    if 'account_read_policy' in body:
        after['read_policy'] = body['account_read_policy']
    return after


def status_warning(view):
    """A warning when the account is in a failed status (a matching role then proves little), else None."""
    if view and view.get('status') in FAILED_ACCOUNT_STATUSES:
        return 'ACL account %r is in status %s; check it in the DCS console' % (view.get('name'), view.get('status'))
    return None


def _matches(account, expect):
    """True when every expected API field has its value (fields the API does not report are not judged)."""
    return all(account.get(key) == value for key, value in (expect or {}).items() if key in account)


# --- one instance during one module run -------------------------------------------------------------

class AclInstance(Service):
    """The ACL accounts of one DCS instance during one module run.

    Reads the account list once (``find``), checks once before the first write that the instance is RUNNING,
    performs writes (busy codes retried within ``wait_timeout``), waits for the asynchronous ones and remembers
    the end state a wait saw, so that the final re-read costs no extra call.
    """

    SERVICE = SERVICE

    def __init__(self, client, instance_id, region=None, wait=True, wait_timeout=None, sleep=None, clock=None):
        super(AclInstance, self).__init__(client, instance_id, region, wait, wait_timeout, sleep, clock)
        self.instance_id = instance_id
        self.job_id = None
        self.latest = None      # the API account seen by the last wait, while no later write changed it
        self._running = False

    # reads
    def accounts(self):
        return list_accounts(self.client, self.instance_id)

    def find(self, name=None, account_id=None):
        return select(self.accounts(), name, account_id)

    def missing(self, name=None, account_id=None, count=None):
        what = 'named %r' % name if account_id is None else 'with ID %r' % account_id
        return ValidationError('no ACL account %s on DCS instance %s (the instance lists %s account(s))'
                               % (what, self.instance_id, '?' if count is None else count))

    def reread(self, name=None, account_id=None):
        """The end state: what the last wait saw, else one list call."""
        if self.latest is not None:
            return account_view(self.latest)
        return account_view(self.find(name, account_id))

    def settled(self, account, name=None, account_id=None):
        """``account``, or, while a change on it is still in progress (e.g. an earlier run's role change whose answer was
        lost), the account once that change ended, bounded by ``wait_timeout``: a plan made against an UPDATING account
        would trust values that may still be reverted."""
        if account is None or account.get('status') not in SETTLING_STATUSES:
            return account
        seen = {'account': account}

        def probe():
            seen['account'] = self.find(name, account_id)
            return seen['account'] is None or seen['account'].get('status') not in SETTLING_STATUSES

        self._wait(probe)
        if seen['account'] is not None and seen['account'].get('status') in SETTLING_STATUSES:
            raise ApiError(SERVICE, 'ListAclAccounts', None, 'AccountNotSettled',
                           'ACL account %r is still %s after %s s (wait_timeout): an earlier change has not ended; try again later'
                           % (account.get('account_name'), seen['account'].get('status'), self.wait_timeout))
        return seen['account']

    def ensure_running(self):
        """Once per run, before the first write: the instance must be RUNNING (waits while it is busy)."""
        if self._running:
            return
        seen = {}

        def probe():
            seen['status'] = show_instance(self.client, self.instance_id).get('status')
            return seen['status'] == 'RUNNING' or seen['status'] in INSTANCE_DEAD

        self._wait(probe)
        status = seen['status']
        if status != 'RUNNING':
            waited = '' if status in INSTANCE_DEAD else ' after %s s (wait_timeout)' % self.wait_timeout
            raise ApiError(SERVICE, 'ShowInstance', None, 'InstanceNotRunning',
                           'DCS instance %s is %s, not RUNNING%s' % (self.instance_id, status, waited))
        self._running = True

    # writes (each checks the instance first, retries busy codes until wait_timeout, then waits if asked)
    def create(self, name, role, password, description=None, wait=None):
        self.ensure_running()
        body = dict(account_name=name, account_role=role, account_password=password)
        if description:
            body['description'] = description
        create_account(self.client, self.instance_id, body, deadline=self.wait_timeout)
        self.latest = None
        if self._should_wait(wait):
            return self.wait_for('create', 'CreateAclAccount', name=name, expect=dict(account_role=role))
        return None

    def change_role(self, account_id, name, body, wait=None):
        self.ensure_running()
        self.job_id = update_role(self.client, self.instance_id, account_id, body, deadline=self.wait_timeout)
        self.latest = None
        if self._should_wait(wait):
            return self.wait_for('update', 'UpdateAclAccount', account_id=account_id, name=name, expect=body)
        return None

    def set_description(self, account_id, description):
        self.ensure_running()
        update_description(self.client, self.instance_id, account_id, description, deadline=self.wait_timeout)
        self.latest = None

    def set_password(self, account_id, name, password, wait=None):
        self.ensure_running()
        reset_password(self.client, self.instance_id, account_id, password, deadline=self.wait_timeout)
        self.latest = None
        if self._should_wait(wait):
            return self.wait_for('update', 'ResetAclAccountPassWord', account_id=account_id, name=name)
        return None

    def delete(self, account_id, name, wait=None):
        self.ensure_running()
        delete_account(self.client, self.instance_id, account_id, deadline=self.wait_timeout)
        self.latest = None
        if self._should_wait(wait):
            self.wait_for('delete', 'DeleteAclAccount', account_id=account_id, name=name)

    # waits
    def _should_wait(self, wait):
        return self.wait if wait is None else wait

    def _wait(self, probe):
        return self.wait_until(probe, interval=POLL_INTERVAL, max_interval=POLL_MAX_INTERVAL)

    def wait_for(self, kind, operation, account_id=None, name=None, expect=None):
        """Poll the list until the change of ``kind`` (create/update/delete) ended; return the API account.

        Ends well on AVAILABLE with the ``expect``-ed API fields (create/update) or when the account is gone
        (delete, also ``DELETED``); raises ApiError on a failed status or after ``wait_timeout``.
        """
        failed = FAILED_STATUSES[kind]
        seen = {}

        def probe():
            account = select(self.accounts(), name if account_id is None else None, account_id)
            seen['account'] = account
            if account is None:
                return 'gone' if kind == 'delete' else None
            status = account.get('status')
            if kind == 'delete' and status == 'DELETED':
                return 'gone'
            if status in failed:
                return 'failed'
            if kind != 'delete' and status == 'AVAILABLE' and _matches(account, expect):
                return 'done'
            return None

        outcome = self._wait(probe)
        account = seen.get('account')
        if outcome == 'done':
            self.latest = account
            return account
        if outcome == 'gone':
            return None
        label = name or account_id
        if outcome == 'failed':
            raise ApiError(SERVICE, operation, None, 'AccountStatusError', 'ACL account %r ended in status %s%s'
                           % (label, account.get('status'), self._job_detail(operation)), executed=True)
        status = account.get('status') if account else 'not listed yet'
        raise ApiError(SERVICE, operation, None, 'WaitTimeout', 'ACL account %r is still %s after %s s (wait_timeout)'
                       % (label, status, self.wait_timeout), executed=True)

    def settle(self, expected):
        """After a batch of writes sent without waiting: poll the list (one call when everything has settled) until every
        account of ``expected`` (``{name: API fields expected, or None for deleted}``) has ended; return ``{name: view}`` of
        the instance. Raises ApiError on a failed status or after ``wait_timeout``."""
        seen = {}

        def probe():
            accounts = self.accounts()
            seen['accounts'] = accounts
            by_name = dict((a.get('account_name'), a) for a in accounts)
            pending = []
            for name, expect in expected.items():
                account = by_name.get(name)
                if expect is None:
                    if account is not None and account.get('status') != 'DELETED':
                        if account.get('status') in FAILED_STATUSES['delete']:
                            seen['failed'] = account
                            return True
                        pending.append(name)
                elif account is None or account.get('status') != 'AVAILABLE' or not _matches(account, expect):
                    if account is not None and account.get('status') in FAILED_STATUSES['create'] | FAILED_STATUSES['update']:
                        seen['failed'] = account
                        return True
                    pending.append(name)
            seen['pending'] = pending
            return not pending

        done = self._wait(probe)
        if seen.get('failed') is not None:
            account = seen['failed']
            raise ApiError(SERVICE, 'ListAclAccounts', None, 'AccountStatusError', 'ACL account %r ended in status %s'
                           % (account.get('account_name'), account.get('status')), executed=True)
        if not done:
            raise ApiError(SERVICE, 'ListAclAccounts', None, 'WaitTimeout', 'ACL accounts %s have not settled after %s s (wait_timeout)'
                           % (', '.join(repr(n) for n in seen.get('pending', [])), self.wait_timeout), executed=True)
        return dict((a.get('account_name'), account_view(a)) for a in seen['accounts'] if a.get('status') != 'DELETED')

    def _job_detail(self, operation):
        """The job's failure reason, when the role change's job can be queried (UNVERIFIED that it can)."""
        if operation != 'UpdateAclAccount' or not self.job_id:
            return ''
        try:
            job = show_job(self.client, self.job_id)
        except ApiError:
            return ' (job %s)' % self.job_id
        reason = job.get('fail_reason')
        return ' (job %s: %s%s)' % (self.job_id, job.get('status'), ', %s' % reason if reason else '')


# --- several instances: wait for deletions sent without waiting (dcs_acl_account_info wait_deleted) ----------

def deletion_state(accounts, names):
    """(names of ``names`` still listed, the first such API account in a failed deletion status or None); an account
    listed as ``DELETED`` counts as gone."""
    listed = [a for a in accounts if a.get('account_name') in names and a.get('status') != 'DELETED']
    failed = [a for a in listed if a.get('status') in FAILED_STATUSES['delete']]
    return [a.get('account_name') for a in listed], (failed[0] if failed else None)


def wait_deletions(ids, outcomes, names, reread, wait_timeout, sleep=None, clock=None):
    """Wait until none of the account ``names`` is listed on any instance of ``ids``, polling only the instances where
    one still is - all of them in one round (``reread(ids)`` returns their ``[(accounts, ApiError or None)]``), every
    POLL_INTERVAL seconds (x1.5 up to POLL_MAX_INTERVAL), for at most ``wait_timeout`` seconds in all - so that the
    waits of many instances overlap instead of adding up.

    ``outcomes``: the first read of every instance (``[(accounts, error)]``, no call is made when nothing is pending).
    Returns the outcomes, where an instance whose account ended in DELETEFAILED/ERROR has an ``AccountStatusError`` and
    one where an account is still listed after ``wait_timeout`` a ``WaitTimeout`` (ApiError, as its error).
    """
    state = dict(zip(ids, outcomes))

    def pending():
        waiting = []
        for instance_id in ids:
            accounts, err = state[instance_id]
            if err is not None:
                continue
            listed, failed = deletion_state(accounts, names)
            if failed is not None:
                state[instance_id] = (None, ApiError(SERVICE, 'ListAclAccounts', None, 'AccountStatusError',
                                                     'ACL account %r ended in status %s on DCS instance %s'
                                                     % (failed.get('account_name'), failed.get('status'), instance_id)))
            elif listed:
                waiting.append(instance_id)
        return waiting

    rounds = {'first': True}

    def probe():
        if not rounds['first']:
            waiting = pending()
            state.update(zip(waiting, reread(waiting)))
        rounds['first'] = False
        return not pending()

    wait_until(probe, wait_timeout, interval=POLL_INTERVAL, max_interval=POLL_MAX_INTERVAL, sleep=sleep, clock=clock)
    for instance_id in pending():
        listed = deletion_state(state[instance_id][0], names)[0]
        state[instance_id] = (None, ApiError(SERVICE, 'ListAclAccounts', None, 'WaitTimeout',
                                             'ACL account(s) %s still listed on DCS instance %s after %s s (wait_timeout)'
                                             % (', '.join(repr(n) for n in listed), instance_id, wait_timeout)))
    return [state[instance_id] for instance_id in ids]


# --- the plans (pure: no request is sent here; ``acl`` performs the queued calls) ----------------------

def _plan_create(acl, params):
    plan, name = Plan(), params['account_name']
    if name == DEFAULT_NAME:
        raise ValidationError('account_name: the default account belongs to the instance and cannot be created')
    missing = [option for option in ('role', 'password') if params[option] is None]
    if missing:
        raise ValidationError('%s: required to create ACL account %r' % (', '.join(missing), name))
    policy = params['read_policy']
    shown = dict(account_name=name, account_role=params['role'], account_password=SECRET_PLACEHOLDER)
    if params['description']:
        shown['description'] = params['description']
    plan.add('CreateAclAccount', lambda: acl.create(name, params['role'], params['password'], params['description'],
                                                    wait=True if policy else None), target=name, **shown)
    if policy:
        plan.add('UpdateAclAccount', lambda: acl.change_role(acl.latest['account_id'], name, dict(account_read_policy=policy)),
                 target=name, account_read_policy=policy)
    after = dict(id=None, name=name, type='normal', role=params['role'], read_policy=policy, status='AVAILABLE',
                 description=params['description'] or '', password=DIFF_CHANGED)
    return plan, None, after


def _plan_update(acl, current, params):
    plan = Plan()
    before = account_view(current)
    account_id, name = before['id'], before['name']
    body = role_changes(before, params['role'], params['read_policy'], read_policy_reported(current))
    after = apply_role_changes(before, body)
    description = params['description']
    password = password_to_set(params)
    if description is not None and description != before['description']:
        plan.add('UpdateAclAccountRemark', lambda: acl.set_description(account_id, description), target=name, description=description)
        after['description'] = description
    if password is not None:
        # a role change follows: wait for the reset even with wait=false
        plan.add('ResetAclAccountPassWord', lambda: acl.set_password(account_id, name, password, wait=True if body else None),
                 target=name, new_password=SECRET_PLACEHOLDER)
        after['password'] = DIFF_CHANGED
    if body:
        plan.add('UpdateAclAccount', lambda: acl.change_role(account_id, name, body), target=name, **body)
    if plan and before['type'] == DEFAULT_TYPE:
        raise ValidationError('account_name: %r is the default account of the instance; this module does not change it (planned: %s)'
                              % (name, ', '.join(a.operation for a in plan.actions)))
    return plan, before, after


def _plan_delete(acl, current):
    plan = Plan()
    before = account_view(current)
    if before['type'] == DEFAULT_TYPE:
        raise ValidationError('account_name: %r is the default account of the instance and cannot be deleted' % before['name'])
    plan.add('DeleteAclAccount', lambda: acl.delete(before['id'], before['name']), target=before['name'])
    return plan, before, {}


def plan_account(acl, current, params):
    """dcs_acl_account: (plan, before, predicted after) bringing API account ``current`` (or None) to ``params``."""
    if params['state'] == 'absent':
        return _plan_delete(acl, current) if current is not None else (Plan(), None, {})
    if current is None:
        return _plan_create(acl, params)
    return _plan_update(acl, current, params)


def plan_role(acl, current, params):
    """dcs_acl_role: (plan, before, predicted after) bringing the role and read policy of ``current`` to ``params``."""
    plan = Plan()
    before = account_view(current)
    body = role_changes(before, params['role'], params['read_policy'], read_policy_reported(current))
    after = apply_role_changes(before, body)
    if body:
        if before['type'] == DEFAULT_TYPE:
            raise ValidationError('account_name: %r is the default account of the instance; this module does not change it (%s differ)'
                                  % (before['name'], ', '.join(sorted(body))))
        plan.add('UpdateAclAccount', lambda: acl.change_role(before['id'], before['name'], body), target=before['name'], **body)
    return plan, before, after


# --- a whole instance's account set in one run -----------------------------------------------------------

ACCOUNT_ITEM_FIELDS = ('account_name', 'state', 'role', 'read_policy', 'password', 'description')


def item_params(params, entry):
    """The single-account params of one ``accounts`` entry (``update_password`` from the task)."""
    item = dict((key, entry.get(key)) for key in ACCOUNT_ITEM_FIELDS)
    item['state'] = item['state'] or 'present'
    item['update_password'] = params.get('update_password') or 'on_create'
    return item


def plan_accounts(acl, accounts, params):
    """Plan the declared set ``params['accounts']`` against the instance's API accounts: with ``exclusive`` first one
    deletion per undeclared account except the default one (by name), then one ``BatchItem`` per declared account.

    A missing account without role or password is V(unresolved): left out with ``skip_unresolved``, else the task fails
    before any write. ``acl`` should not wait per write (``wait=False``): ``settle`` waits for the whole set at the end.
    """
    by_name = dict((a.get('account_name'), a) for a in accounts)
    items, declared = [], set(entry['account_name'] for entry in params['accounts'])
    if params.get('exclusive'):   # deletions first
        for name in sorted(set(by_name) - declared):
            if by_name[name].get('account_type') == DEFAULT_TYPE or name == DEFAULT_NAME:
                continue
            plan, before, after = _plan_delete(acl, by_name[name])
            items.append(BatchItem(name, plan, before, None, 'undeclared'))
    for index, entry in enumerate(params['accounts']):
        item = item_params(params, entry)
        name = item['account_name']
        current = by_name.get(name)
        missing = [opt for opt in ('role', 'password') if not item.get(opt)]
        if current is None and item['state'] == 'present' and missing and name != DEFAULT_NAME:
            note = 'cannot create: %s not given' % ' and '.join(missing)
            if not params.get('skip_unresolved'):
                raise ValidationError('accounts[%d]: %s (ACL account %r does not exist); nothing was changed' % (index, note, name))
            items.append(BatchItem(name, Plan(), None, None, 'unresolved', note=note))
            continue
        try:
            plan, before, after = plan_account(acl, current, item)
        except ValidationError as exc:
            raise ValidationError('accounts[%d] (%s): %s' % (index, name, exc))
        secrets = ('password',) if after and after.get('password') == DIFF_CHANGED else ()
        if after:
            after = dict((k, v) for k, v in after.items() if k != 'password')
        items.append(BatchItem(name, plan, before, after or None, drift_of(plan, before, item['state']), diff_secrets=secrets))
    return items


def settle_expectations(items):
    """What ``AclInstance.settle`` waits for: the API fields each changed account must show, None when deleted."""
    expected = {}
    for item in items:
        if not item.plan:
            continue
        if item.after is None:
            expected[item.name] = None
        else:
            expect = dict(account_role=item.after.get('role'), account_read_policy=item.after.get('read_policy'))
            expected[item.name] = dict((k, v) for k, v in expect.items() if v is not None)
    return expected


# --- discovery: the DCS instances of one region -----------------------------------------------------

INSTANCES_PATH = '/v2/{project_id}/instances'
INSTANCE_PAGE_LIMIT = 1000  # documented maximum of "Querying All DCS Instances" (default 10)
# ACL accounts are documented for Redis 4.0 and 5.0; the list's features.support_acl decides when present
ACL_MIN_VERSION = 4.0
TAG_SEPARATORS = ',='  # the list API's tags filter is "key=value,key=value"

# API field -> view field of a listed instance (InstanceListInfo)
INSTANCE_FIELDS = (
    ('engine', 'engine'),
    ('engine_version', 'engine_version'),
    ('spec_code', 'spec_code'),
    ('capacity', 'capacity'),
    ('ip', 'ip'),
    ('port', 'port'),
    ('domain_name', 'domain_name'),
    ('no_password_access', 'no_password_access'),
    ('enterprise_project_id', 'enterprise_project_id'),
    ('description', 'description'),
    ('created_at', 'created_at'),
    ('sub_status', 'sub_status'),
)


def acl_support(item):
    """(supported, source): the list's ``features.support_acl`` when it has one, else the documented engine rule."""
    features = item.get('features')
    if isinstance(features, dict) and isinstance(features.get('support_acl'), bool):
        return features['support_acl'], 'features'
    try:
        version = float(item.get('engine_version'))
    except (TypeError, ValueError):
        version = 0.0
    return (item.get('engine') or '').lower() == 'redis' and version >= ACL_MIN_VERSION, 'engine_version'


def instance_view(item, region):
    """The discovery view of a listed DCS instance, with ``acl_supported`` and the tags as a dict."""
    view = discovery.instance_view('huaweicloud', SERVICE, item, INSTANCE_FIELDS, item.get('instance_id'), item.get('name'), region,
                                   item.get('status'))
    view['acl_supported'], view['acl_supported_from'] = acl_support(item)
    view['tags'] = dict((t.get('key'), t.get('value')) for t in item.get('tags') or [] if isinstance(t, dict))
    return view


class InstanceCatalog(discovery.Catalog):
    """The DCS instances of one region (ListInstances, every page), bound to a client of that region."""

    def list(self, tags=None):
        query = {}
        if tags:
            query['tags'] = ','.join(key if value is None else '%s=%s' % (key, value) for key, value in discovery.tag_pairs(tags))

        def fetch(offset, limit):
            return self.client.request('GET', INSTANCES_PATH, 'ListInstances', query=dict(query, offset=offset, limit=limit))
        return discovery.offset_pages(fetch, INSTANCE_PAGE_LIMIT, 'instances', 'instance_num', SERVICE, 'ListInstances')

    def views(self, name_pattern=None, tags=None):
        return [instance_view(item, self.region) for item in self.list(tags)
                if discovery.name_matches(item.get('name'), name_pattern)]
