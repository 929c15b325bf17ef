#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: dbgov.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: polardb_account_reset
short_description: Reset the permissions of the privileged account of a PolarDB for MySQL cluster
version_added: 0.1.0
description:
  - Calls the PolarDB C(ResetAccount) API, which restores the permissions of the privileged (C(Super)) account of a
    PolarDB for MySQL cluster, for example after its grants were revoked by accident. It can set the account's
    password in the same call.
  - Before any write the module checks that the cluster is a PolarDB for MySQL cluster in the C(Running) state
    (C(DescribeDBClusterAttribute)) and that the account exists, is the C(Super) account and is C(Available)
    (C(DescribeAccounts)). A failed check names what was found and sends no write.
  - With O(wait=true) it waits, bounded by O(wait_timeout), while the cluster is not C(Running) or the account not
    C(Available), before the reset and again after it.
options:
  cluster_id:
    description:
      - The ID of the PolarDB cluster, for example C(pc-bp1a2b3c4d5e6f7g8).
    type: str
    required: true
  account_name:
    description:
      - The name of the privileged account whose permissions are reset.
      - It must be the cluster's C(Super) account; a C(Normal) or C(ReadOnly) account fails before any write.
    type: str
    required: true
  account_password:
    description:
      - A new password for the account, sent with C(ResetAccount). Without it the password is left alone.
      - 8 to 32 characters, with at least three of uppercase letters, lowercase letters, digits and the special
        characters C(!@#$%^&*()_+-=); no other characters.
      - Passwords cannot be read back, so the module cannot tell whether the password already has this value.
    type: str
  wait:
    description:
      - Wait while the cluster is not C(Running) or the account is not C(Available), before the reset and after it.
      - With V(false) a cluster that is not C(Running) or an account that is not C(Available) fails the task at once.
    type: bool
    default: true
  wait_timeout:
    description:
      - Seconds to wait for each of those states (before and after the reset), and the time limit for retrying
        C(ConcurrentTaskExceeded) answers of C(ResetAccount).
    type: int
    default: 600
notes:
  - No PolarDB API tells whether the grants of a privileged account are damaged (they live inside MySQL and the
    control plane does not observe a C(REVOKE)), so the reset is an explicit action. Every run that passes the
    checks calls C(ResetAccount) and reports C(changed=true); check mode runs the same read-only checks and
    reports C(changed=true) without calling it. Run the task when a reset is wanted, not on every play.
  - C(ResetAccount) is safe to repeat. Its C(ConcurrentTaskExceeded) answer (another task is running on the
    cluster) is retried until O(wait_timeout); C(Throttling*) and C(ServiceUnavailable) answers are retried with backoff.
  - The API sends O(account_password) in the request's query string, as the official SDKs do. The module never
    puts it in a result, an error, a warning or a diff (diffs show C(<changed>)) and never logs request URLs.
  - What the server does with C(AccountPassword) in C(ResetAccount) and which error codes it returns for a
    non-C(Super) account, a non-MySQL cluster or a cluster that is not C(Running) are not documented (UNVERIFIED);
    the module therefore checks all three itself before the write.
  - Whether C(ResetAccount) briefly changes the cluster or account status is not documented (UNVERIFIED); with
    O(wait=true) the module waits for C(Running) and C(Available) again before it reports the end state.
  - O(account_name) follows the documented name rule (starts with a lowercase letter, then lowercase letters, digits
    and underscores, ends with a letter or digit). New MySQL accounts are limited to 16 characters; the module
    accepts up to 32 so that it does not refuse an existing account, whose existence it checks anyway.
  - Clusters C(Stopped), C(Deleting) or C(Deleted) fail at once, since they do not become C(Running) by themselves.
extends_documentation_fragment:
  - dbgov.cloud.alibabacloud
  - dbgov.cloud.attributes
  - dbgov.cloud.attributes.action_group_alibabacloud
attributes:
  check_mode:
    support: full
    details: Runs the read-only checks (and waits) and reports C(changed=true) without calling C(ResetAccount).
  diff_mode:
    support: full
    details: The diff shows the permissions going from C(unknown) to C(reset), and the password as C(<changed>) when set.
  idempotent:
    support: partial
    details:
      - The cloud cannot tell whether a reset is needed, so every run resets the permissions and reports a change.
      - Repeating the reset is harmless.
author:
  - dbgov.cloud contributors (@dbgov)
'''

EXAMPLES = r'''
- name: Repair the privileged account after its grants were revoked
  dbgov.cloud.polardb_account_reset:
    region: cn-hangzhou
    cluster_id: pc-bp1orders0prod01
    account_name: dba_admin

- name: Reset the permissions and rotate the password in the same call
  dbgov.cloud.polardb_account_reset:
    region: cn-hangzhou
    cluster_id: pc-bp1orders0prod01
    account_name: dba_admin
    account_password: "{{ vault_polardb_admin_password }}"
    wait_timeout: 900

- name: Connection options for every Alibaba Cloud module of the play
  module_defaults:
    group/dbgov.cloud.alibabacloud:
      region: cn-shanghai
      access_key: "{{ lookup('ansible.builtin.env', 'ALIBABA_CLOUD_ACCESS_KEY_ID') }}"
      secret_key: "{{ lookup('ansible.builtin.env', 'ALIBABA_CLOUD_ACCESS_KEY_SECRET') }}"
  block:
    - name: Preview the reset (read-only checks, no write)
      dbgov.cloud.polardb_account_reset:
        cluster_id: pc-uf6payments0sh07
        account_name: pay_admin
      check_mode: true
      register: preview

    - name: Show the account that would be reset
      ansible.builtin.debug:
        var: preview.account
'''

RETURN = r'''
account:
  description:
    - The privileged account. After a real reset, as read back (after waiting for C(Available) with O(wait=true));
      in check mode, as read before, with the predicted change.
  returned: success
  type: dict
  contains:
    account_name:
      description: The account name.
      type: str
      sample: dba_admin
    account_type:
      description: The account type, always C(Super) here.
      type: str
      sample: Super
    account_status:
      description: The account status (C(Creating), C(Available), C(Deleting)).
      type: str
      sample: Available
    account_lock_state:
      description: The lock state (C(UnLock) or C(Lock)).
      type: str
      sample: UnLock
    account_description:
      description: The account description (empty when none).
      type: str
      sample: cluster administrator
    account_password_valid_time:
      description: The password validity period as the API reports it.
      type: str
      sample: undefined
    database_privileges:
      description: Database privileges as the API reports them (documented for standard accounts; usually empty here).
      type: list
      elements: dict
      sample: []
    permissions:
      description: V(reset) once reset (or, in check mode, to be reset); the API cannot report the real grants.
      type: str
      sample: reset
    password:
      description: V(<changed>) when O(account_password) was given; never the password.
      type: str
      returned: when O(account_password) is set
      sample: <changed>
cluster:
  description: The cluster as last read (after waiting for C(Running) with O(wait=true)).
  returned: success
  type: dict
  contains:
    cluster_id:
      description: The cluster ID.
      type: str
      sample: pc-bp1a2b3c4d5e6f7g8
    description:
      description: The cluster description.
      type: str
      sample: orders production
    db_type:
      description: The database engine, always C(MySQL) here.
      type: str
      sample: MySQL
    db_version:
      description: The engine version.
      type: str
      sample: '8.0'
    status:
      description: The cluster status.
      type: str
      sample: Running
    lock_mode:
      description: The cluster lock mode.
      type: str
      sample: Unlock
request_id:
  description: The request ID of the C(ResetAccount) call; V(null) in check mode.
  returned: success
  type: str
  sample: 2FED790E-FB61-4721-8C1C-07C627A1B2C3
actions:
  description: The API operations planned (check mode) or performed, with the password replaced by C(********).
  returned: always
  type: list
  elements: dict
  sample:
    - operation: ResetAccount
      status: done
      target: pc-bp1a2b3c4d5e6f7g8/dba_admin
      params:
        DBClusterId: pc-bp1a2b3c4d5e6f7g8
        AccountName: dba_admin
        AccountPassword: '********'
'''

from ansible_collections.dbgov.cloud.plugins.module_utils.base import AlibabaCloudModule
from ansible_collections.dbgov.cloud.plugins.module_utils.common import (
    DIFF_CHANGED, SECRET_PLACEHOLDER, Plan, check_length, check_password, check_pattern, check_range, wait_until,
)
from ansible_collections.dbgov.cloud.plugins.module_utils import polardb

PERMISSIONS_BEFORE = 'unknown'
PERMISSIONS_AFTER = 'reset'


def validate(params):
    polardb.check_cluster_id('cluster_id', params['cluster_id'])
    check_length('account_name', params['account_name'], polardb.ACCOUNT_NAME_MAX, 2)
    check_pattern('account_name', params['account_name'], polardb.ACCOUNT_NAME_PATTERN,
                  'lowercase letters, digits and underscores, starting with a letter and ending with a letter or digit')
    check_password('account_password', params.get('account_password'), 8, 32, polardb.PASSWORD_SPECIALS, classes=3)
    check_range('wait_timeout', params['wait_timeout'], 1, 86400)


class Preflight:
    """The read-only checks before the reset, and the waits before and after it."""

    def __init__(self, module, client):
        self.module = module
        self.client = client
        self.cluster_id = module.params['cluster_id']
        self.account_name = module.params['account_name']
        self.wait = module.params['wait']
        self.timeout = module.params['wait_timeout']
        self.cluster = None

    def fail(self, msg, **fields):
        self.module.fail(msg, resource_id=self.cluster_id, **fields)

    def check_cluster(self, after_reset=False, **fields):
        """DescribeDBClusterAttribute: MySQL only; wait (bounded) while not Running."""
        raw = polardb.describe_cluster(self.client, self.cluster_id)
        db_type = raw.get('DBType')
        if db_type != 'MySQL':
            self.fail('cluster_id: cluster %s is a PolarDB for %s cluster; ResetAccount supports only PolarDB for MySQL clusters'
                      % (self.cluster_id, db_type or 'unknown-engine'), operation='DescribeDBClusterAttribute')
        status = raw.get('DBClusterStatus')
        if status != polardb.RUNNING and self.wait and status not in polardb.CLUSTER_STATES_NOT_WAITED:
            raw = self.wait_for(lambda: polardb.describe_cluster(self.client, self.cluster_id), 'DBClusterStatus', polardb.RUNNING,
                                polardb.CLUSTER_STATES_NOT_WAITED)
            status = raw.get('DBClusterStatus')
        self.cluster = polardb.normalize_cluster(raw)
        if status != polardb.RUNNING:
            stuck = 'it will not become Running by itself' if status in polardb.CLUSTER_STATES_NOT_WAITED else None
            self.fail_not_ready('cluster %s' % self.cluster_id, status, polardb.RUNNING, stuck, after_reset,
                                operation='DescribeDBClusterAttribute', **fields)
        return raw

    def check_account(self):
        """DescribeAccounts (every page): the account must exist and be the Super account; wait while not Available."""
        accounts = polardb.list_accounts(self.client, self.cluster_id)
        raw = polardb.find_account(accounts, self.account_name)
        if raw is None:
            self.fail('account_name: cluster %s has no account named %r; its accounts are: %s'
                      % (self.cluster_id, self.account_name, polardb.describe_names(accounts)), operation='DescribeAccounts')
        account_type = raw.get('AccountType')
        if account_type != 'Super':
            supers = [a.get('AccountName') for a in accounts if a.get('AccountType') == 'Super']
            hint = ('; the privileged account of this cluster is %s' % ', '.join(supers)) if supers else '; this cluster has no Super account'
            self.fail('account_name: account %r of cluster %s is a %s account; ResetAccount resets only the privileged (Super) account%s'
                      % (self.account_name, self.cluster_id, account_type, hint), operation='DescribeAccounts')
        return self.wait_account(raw)

    def wait_account(self, raw, after_reset=False, **fields):
        status = raw.get('AccountStatus')
        if status != polardb.AVAILABLE and self.wait and status not in polardb.ACCOUNT_STATES_NOT_WAITED:
            raw = self.wait_for(self.read_account, 'AccountStatus', polardb.AVAILABLE, polardb.ACCOUNT_STATES_NOT_WAITED)
            if raw is None:
                self.fail('account %r of cluster %s disappeared while waiting for it to be Available' % (self.account_name, self.cluster_id),
                          operation='DescribeAccounts', **fields)
            status = raw.get('AccountStatus')
        if status != polardb.AVAILABLE:
            stuck = 'it is being deleted' if status in polardb.ACCOUNT_STATES_NOT_WAITED else None
            self.fail_not_ready('account %r of cluster %s' % (self.account_name, self.cluster_id), status, polardb.AVAILABLE, stuck, after_reset,
                                operation='DescribeAccounts', **fields)
        return raw

    def read_account(self):
        """The account as DescribeAccounts (filtered by its name) lists it now, or None."""
        return polardb.find_account(polardb.list_accounts(self.client, self.cluster_id, self.account_name), self.account_name)

    def wait_for(self, read, field, wanted, not_waited):
        """Read again (``read()``, bounded by wait_timeout) until ``field`` is ``wanted`` or in ``not_waited`` (it will not end
        by itself) or the object is gone; return the last object read (None: gone)."""
        box = [None]

        def settled():
            box[0] = read()
            return box[0] is None or box[0].get(field) == wanted or box[0].get(field) in not_waited

        wait_until(settled, self.timeout)
        return box[0]

    def fail_not_ready(self, what, status, wanted, stuck, after_reset, **fields):
        """Fail: ``what`` is ``status``, not ``wanted``; why waiting did not help (``stuck``: a status that will not end by itself)
        and whether anything was changed."""
        if stuck:
            why = stuck
        elif self.wait:
            why = 'still not %s after waiting %d seconds (wait_timeout)' % (wanted, self.timeout)
        else:
            why = 'wait is false'
        when = 'after the reset' if after_reset else 'before the reset; nothing was changed'
        self.fail('%s is %s, not %s (%s), %s' % (what, status, wanted, why, when), **fields)

    def after_reset(self, plan, request_id):
        """The end state: wait for Running/Available again (wait=true), then the account as read back."""
        fields = dict(actions=plan.public(), request_id=request_id)
        if self.wait:
            self.check_cluster(after_reset=True, **fields)
        found = self.read_account()
        if found is None:
            self.fail('account %r of cluster %s is missing after the reset' % (self.account_name, self.cluster_id), operation='DescribeAccounts', **fields)
        if self.wait:
            found = self.wait_account(found, after_reset=True, **fields)
        return found


def account_view(raw, permissions, password_set):
    view = polardb.normalize_account(raw)
    view['permissions'] = permissions
    if password_set:
        view['password'] = DIFF_CHANGED
    return view


def build_plan(client, params, timeout):
    cluster_id, name, password = params['cluster_id'], params['account_name'], params.get('account_password')
    shown = dict(DBClusterId=cluster_id, AccountName=name)
    if password:
        shown['AccountPassword'] = SECRET_PLACEHOLDER
    plan = Plan()
    plan.add('ResetAccount', lambda: polardb.reset_account(client, cluster_id, name, password, deadline=timeout),
             target='%s/%s' % (cluster_id, name), **shown)
    return plan


def run(module):
    params = module.params
    module.add_secret(params.get('account_password'))
    validate(params)
    client = module.client(polardb.SERVICE)
    checks = Preflight(module, client)
    checks.check_cluster()
    raw = checks.check_account()
    password_set = bool(params.get('account_password'))
    before = polardb.normalize_account(raw)
    before['permissions'] = PERMISSIONS_BEFORE
    after = account_view(raw, PERMISSIONS_AFTER, password_set)
    plan = build_plan(client, params, params['wait_timeout'])

    def request_id():
        result = plan.actions[0].result
        return result.get('RequestId') if isinstance(result, dict) else None

    def reread():
        return account_view(checks.after_reset(plan, request_id()), PERMISSIONS_AFTER, password_set)

    module.finish(plan, before, after, key='account', reread=reread, request_id=request_id, cluster=lambda: checks.cluster)


def main():
    module = AlibabaCloudModule(
        argument_spec=dict(
            cluster_id=dict(type='str', required=True),
            account_name=dict(type='str', required=True),
            account_password=dict(type='str', no_log=True),
            wait=dict(type='bool', default=True),
            wait_timeout=dict(type='int', default=600),
        ),
        supports_check_mode=True,
    )
    module.run(run)


if __name__ == '__main__':
    main()
