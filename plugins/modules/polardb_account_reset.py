#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: dbgov.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: polardb_account_reset
short_description: Reset the permissions of the privileged account of a PolarDB for MySQL cluster
version_added: 1.0.0
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
  wait_timeout:
    description:
      - Seconds to wait for the cluster to be C(Running) and the account C(Available) (each time, before and after the reset), and the time limit for retrying
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
  - O(wait) waits while the cluster is not C(Running) or the account is not C(Available), before the reset and after it.
    With O(wait=false) a cluster that is not C(Running) or an account that is not C(Available) fails the task at once.
extends_documentation_fragment:
  - dbgov.cloud.alibabacloud
  - dbgov.cloud.attributes
  - dbgov.cloud.attributes.action_group_alibabacloud
  - dbgov.cloud.options.wait
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
from ansible_collections.dbgov.cloud.plugins.module_utils.common import check_length, check_password, check_pattern, check_range, wait_options
from ansible_collections.dbgov.cloud.plugins.module_utils import polardb


def validate(params):
    polardb.check_cluster_id('cluster_id', params['cluster_id'])
    check_length('account_name', params['account_name'], polardb.ACCOUNT_NAME_MAX, 2)
    check_pattern('account_name', params['account_name'], polardb.ACCOUNT_NAME_PATTERN,
                  'lowercase letters, digits and underscores, starting with a letter and ending with a letter or digit')
    check_password('account_password', params.get('account_password'), 8, 32, polardb.PASSWORD_SPECIALS, classes=3)
    check_range('wait_timeout', params['wait_timeout'], 1, 86400)


def run(module):
    params = module.params
    module.add_secret(params.get('account_password'))
    validate(params)
    name, password = params['account_name'], params.get('account_password')
    cluster = module.service(polardb.PolarDBCluster, params['cluster_id'])
    cluster.check_cluster()
    raw = cluster.check_account(name)
    before = polardb.reset_view(raw, polardb.PERMISSIONS_BEFORE, False)
    after = polardb.reset_view(raw, polardb.PERMISSIONS_AFTER, bool(password))
    plan = polardb.plan_reset(cluster, name, password)

    def request_id():
        result = plan.actions[0].result
        return result.get('RequestId') if isinstance(result, dict) else None

    def reread():
        return polardb.reset_view(cluster.after_reset(name, request_id=request_id()), polardb.PERMISSIONS_AFTER, bool(password))

    module.finish(plan, before, after, key='account', reread=reread, request_id=request_id, cluster=lambda: cluster.cluster)


def main():
    module = AlibabaCloudModule(
        argument_spec=dict(
            cluster_id=dict(type='str', required=True),
            account_name=dict(type='str', required=True),
            account_password=dict(type='str', no_log=True),
            **wait_options(wait_timeout=600)
        ),
        supports_check_mode=True,
    )
    module.run(run)


if __name__ == '__main__':
    main()
