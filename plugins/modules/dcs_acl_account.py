#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: dbgov.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: dcs_acl_account
short_description: Manage Huawei Cloud DCS (Redis) ACL accounts
version_added: 1.0.0
description:
  - Creates, updates and deletes the ACL accounts of a Huawei Cloud DCS (Distributed Cache Service) Redis instance,
    with their role, read policy, description and password.
  - The account is found by listing the instance's ACL accounts once (the API has no lookup by name); only what
    differs is changed. Creating, changing the role or the password and deleting are asynchronous; the module polls
    the account list until the account is C(AVAILABLE) again (or gone), for at most O(wait_timeout) seconds.
  - To change only the role of an account, M(dbgov.cloud.dcs_acl_role) is the smaller tool; to list accounts, use
    M(dbgov.cloud.dcs_acl_account_info).
  - With O(accounts) the module converges a whole instance's declared ACL accounts in one run instead - one read, one
    plan for the set, the writes (sent one after the other without waiting in between), then one wait for the whole
    set that polls the list (a single call when everything has settled); with O(exclusive) it also deletes the
    accounts the list does not declare (never the C(default) account). The
    P(dbgov.cloud.access_baseline#role) role uses it.
options:
  instance_id:
    description:
      - The ID of the DCS instance.
    type: str
    required: true
  account_name:
    description:
      - The name of the ACL account (exact, case-sensitive), 1 to 64 characters, starting with a letter, with only
        letters, digits, C(-) and C(_).
      - The C(default) account belongs to the instance; it can be neither created nor deleted.
      - Required unless O(accounts) is given; mutually exclusive with it.
    type: str
  accounts:
    description:
      - The declared ACL accounts of the instance, converged in one run (see the description). Mutually exclusive with
        O(account_name), O(role), O(read_policy), O(password) and O(description); O(update_password), O(wait) and
        O(wait_timeout) apply to the whole set; O(state) is ignored (each entry has its own).
      - Every entry is validated before any request, and every planned change is checked before any write. A missing
        account without O(accounts[].role) or O(accounts[].password) fails the task before any write, unless
        O(skip_unresolved=true).
      - When a write fails, the other accounts are still converged; the task then fails listing the failed and
        succeeded accounts (C(failed_items), C(succeeded_items)). An account that ends in a failed status during the
        final wait fails the task.
    type: list
    elements: dict
    suboptions:
      account_name:
        description: Name of the account (rules of O(account_name)).
        type: str
        required: true
      state:
        description: V(present) or V(absent), as O(state).
        type: str
        choices: [present, absent]
        default: present
      role:
        description: As O(role).
        type: str
        choices: [read, write]
      read_policy:
        description: As O(read_policy).
        type: str
        choices: [master, replica, master-replica]
      password:
        description: Password used when the account is created (and with O(update_password=always)).
        type: str
      description:
        description: As O(description).
        type: str
  exclusive:
    description:
      - With O(accounts), delete every ACL account of the instance that O(accounts) does not name, except the
        C(default) account.
    type: bool
    default: false
  skip_unresolved:
    description:
      - With O(accounts), leave out (and report with drift V(unresolved)) a missing account that cannot be created
        because its entry has no role or no password, instead of failing the task.
    type: bool
    default: false
  state:
    description:
      - V(present) creates or updates the account, V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
  role:
    description:
      - V(read) (read-only) or V(write) (read and write). Required to create the account; when omitted for an existing
        account, its role is left as it is.
    type: str
    choices: [read, write]
  read_policy:
    description:
      - Where the account's reads go. V(master), V(replica) or V(master-replica) (both). When omitted, left as it is.
      - The API applies it only on Proxy Cluster instances with read/write splitting enabled and on read/write
        splitting instances. It cannot be given at creation, so on a new account it is set right after the
        creation finished (the module then waits for the creation even with O(wait=false)).
    type: str
    choices: [master, replica, master-replica]
  description:
    description:
      - The account description, up to 1024 characters. An empty string clears it; when omitted, it is left as it is.
    type: str
notes:
  - Passwords cannot be read back, hence O(update_password). The password never appears in results, diffs or
    errors; RV(account.password) shows V(<changed>) when the run sets it.
  - Password special characters are those of the vendor SDK's field documentation (which includes the backslash C(\));
    one newer API page also lists C(') and C("), which are refused here until confirmed (UNVERIFIED).
  - The API reference lists C(account_read_policy) on accounts, the vendor SDK's account model does not. When the
    account list of the instance does not report it, O(read_policy) cannot be verified; the module then sends it only
    together with a role change or on create, warns once, and does not report a change for it alone.
  - Before its first write the module reads the instance once and requires it to be C(RUNNING) (it waits while the
    instance is busy). A run that changes nothing makes exactly one call (the account list); check mode never writes
    and never reads the instance.
  - The instance-busy answers (C(DCS.4026), C(DCS.4049) and the others the API uses for a running backup, restore,
    restart, resize, upgrade and so on) are retried with backoff within O(wait_timeout); such a request was not executed.
  - Whether the ACL APIs may change the C(default) account is not documented (UNVERIFIED); the module refuses to change
    it (its password belongs to the instance password APIs) and only reports it when it already matches.
  - Whether a deleted account lingers in the list as C(DELETED) is not documented (UNVERIFIED); the module treats
    C(DELETED) like gone.
  - Needs the IAM permissions C(dcs:aclaccount:list), C(dcs:aclaccount:create), C(dcs:aclaccount:modify) and
    C(dcs:aclaccount:delete) as used, and read access to the instance.
  - "O(password) rules: 8 to 64 characters with at least three of lowercase letters, uppercase letters, digits and the special
    characters C(`~!@#$%^&*()-_=+\\|{},<.>/?); no other characters (in particular no C(:)), and it must not contain the account
    name forwards or backwards."
  - O(wait) waits until the account is C(AVAILABLE) again (or gone after a delete). When a run makes two asynchronous changes
    to one account (password and role), it waits between them even with O(wait=false).
  - With O(wait=false), a deletion (or another asynchronous change) is only accepted when the task ends, not finished;
    RV(finished) is V(false) and RV(account) is the state read right after the request (for example C(DELETING)). To
    wait for many such deletions at once, use M(dbgov.cloud.dcs_acl_account_info) with
    O(dbgov.cloud.dcs_acl_account_info#module:instance_ids) and O(dbgov.cloud.dcs_acl_account_info#module:wait_deleted),
    as the P(dbgov.cloud.offboard#role) role does.
  - O(wait_timeout) is 1 to 7200 seconds.
extends_documentation_fragment:
  - dbgov.cloud.huaweicloud
  - dbgov.cloud.attributes
  - dbgov.cloud.attributes.action_group_huaweicloud
  - dbgov.cloud.options.password
  - dbgov.cloud.options.wait
attributes:
  check_mode:
    support: full
    details: Reads the account list and reports the planned changes without making them.
  diff_mode:
    support: full
    details: The password shows as V(<changed>) when the run sets it.
  idempotent:
    support: partial
    details: With O(update_password=always) every run resets the password and reports a change; otherwise full.
author:
  - dbgov.cloud contributors (@dbgov)
'''

EXAMPLES = r'''
- name: A read-only account for the BI dashboards
  dbgov.cloud.dcs_acl_account:
    region: cn-north-4
    instance_id: 3f2a6c1e-8b4d-4e7a-9c2f-1d5e8a7b6c40
    account_name: bi_readonly
    role: read
    password: "{{ vault_bi_redis_password }}"
    description: BI dashboards (read-only)

- name: Govern the accounts of the orders cache with shared connection settings
  module_defaults:
    group/dbgov.cloud.huaweicloud:
      region: cn-north-4
      project_id: e7f4b2c5a9d84f3e8c1b6a0d2f9e4c71   # optional: found from the region when omitted
  vars:
    orders_cache_id: 3f2a6c1e-8b4d-4e7a-9c2f-1d5e8a7b6c40
  block:
    - name: Rotate the password of the payments service account
      dbgov.cloud.dcs_acl_account:
        instance_id: "{{ orders_cache_id }}"
        account_name: svc_payments
        role: write
        password: "{{ vault_svc_payments_redis_password }}"
        update_password: always

    - name: Remove the account of a contractor who left
      dbgov.cloud.dcs_acl_account:
        instance_id: "{{ orders_cache_id }}"
        account_name: jdoe
        state: absent

- name: Converge the whole ACL account set of an instance in one task
  dbgov.cloud.dcs_acl_account:
    region: cn-north-4
    instance_id: 3f2a6c1e-8b4d-4e7a-9c2f-1d5e8a7b6c40
    exclusive: true
    accounts:
      - account_name: bi_readonly
        role: read
        password: "{{ vault_bi_redis_password }}"
      - account_name: svc_payments
        role: write
        password: "{{ vault_payments_redis_password }}"
'''

RETURN = r'''
accounts:
  description:
    - With O(accounts), first one entry per undeclared account deleted by O(exclusive) (deletions go first), then one
      per declared account (in the declared order).
  returned: success, when O(accounts) is given
  type: list
  elements: dict
  contains:
    name:
      description: Account name.
      type: str
    drift:
      description:
        - How the account differed before the task - V(none), V(missing) (created), V(different) (changed),
          V(undeclared) (deleted by O(exclusive)), V(unresolved) (missing, left out by O(skip_unresolved)).
      type: str
    changed:
      description: Whether this account was changed (would be, in check mode).
      type: bool
    actions:
      description: The API operations of this account, as RV(actions).
      type: list
      elements: dict
    account:
      description: The account after the task, as RV(account) without C(password) (V(null) when it does not exist).
      type: dict
    note:
      description: Why an unresolved account was left out (V(null) otherwise).
      type: str
    diff:
      description: The account's own diff (in diff mode).
      type: dict
  sample:
    - {name: bi_readonly, drift: missing, changed: true, note: null,
       actions: [{operation: CreateAclAccount, status: done, target: bi_readonly}],
       account: {id: 5b0e7e52-6c1f-4a3e-9d0b-1c2d3e4f5a6b, name: bi_readonly, type: normal, role: read, read_policy: null,
                 status: AVAILABLE, description: ''}}
account:
  description:
    - The ACL account. After a real change, as listed at the end of the run; in check mode, as it would be;
      V({}) when the account is absent at the end.
  returned: success, when O(account_name) is given
  type: dict
  contains:
    id:
      description: The account ID (V(null) in check mode for an account still to be created).
      type: str
      sample: 7c1e5a2b-4f3d-4e9a-8b6c-2d1f0e9a8b7c
    name:
      description: The account name.
      type: str
      sample: bi_readonly
    type:
      description: V(normal), or V(default) for the instance's built-in account.
      type: str
      sample: normal
    role:
      description: V(read) or V(write).
      type: str
      sample: read
    read_policy:
      description: V(master), V(replica), V(master-replica), or V(null) when not set (the instance setting applies).
      type: str
      sample: null
    status:
      description: C(AVAILABLE), C(CREATING), C(UPDATING), C(ERROR) and so on.
      type: str
      sample: AVAILABLE
    description:
      description: The account description (empty when none).
      type: str
      sample: BI dashboards (read-only)
    password:
      description: V(<changed>) when this run set (or in check mode would set) the password; absent otherwise. Never the password.
      type: str
      returned: when the password is set
      sample: <changed>
finished:
  description:
    - V(false) when the run sent an asynchronous change (create, role or password change, delete) without waiting for it
      (O(wait=false)) - the cloud accepted it, it may not have finished. V(true) otherwise (nothing to wait for, check
      mode, or the module waited). Without O(accounts).
  returned: success
  type: bool
  sample: false
  version_added: 1.0.0
job_id:
  description: The job ID the API returned for the last role change; V(null) when there was none or in check mode.
  returned: success
  type: str
  sample: 8abf4a0d7b2c4f8e9a1c2b3d4e5f6a7b
actions:
  description: The API operations planned (check mode) or performed, in order. Passwords show as C(********).
  returned: success
  type: list
  elements: dict
  sample:
    - operation: CreateAclAccount
      status: done
      target: bi_readonly
      params: {account_name: bi_readonly, account_role: read, account_password: '********', description: BI dashboards (read-only)}
'''

from ansible_collections.dbgov.cloud.plugins.module_utils.base import HuaweiCloudModule
from ansible_collections.dbgov.cloud.plugins.module_utils.common import DIFF_CHANGED, ValidationError, password_options, wait_options
from ansible_collections.dbgov.cloud.plugins.module_utils import common, dcs


def validate_account(params, prefix=''):
    """Check the options of one account; raise ValidationError naming the option (``prefix``: V(accounts[i].))."""
    dcs.check_name(prefix + 'account_name', params['account_name'])
    dcs.check_account_password(prefix + 'password', params['password'], params['account_name'])
    dcs.check_description(prefix + 'description', params['description'])
    if params['account_name'] == dcs.DEFAULT_NAME and params['state'] == 'absent':
        raise ValidationError('%saccount_name: the default account belongs to the instance and cannot be deleted' % prefix)
    if params['state'] == 'present' and params['update_password'] == 'always' and params['password'] is None:
        raise ValidationError('%spassword: required with update_password=always' % prefix)


def validate(params):
    dcs.check_id('instance_id', params['instance_id'])
    if params.get('accounts') is None:
        if params.get('exclusive'):
            raise ValidationError('exclusive: only with accounts (the declared account set)')
        validate_account(params)
    else:
        for index, entry in enumerate(params['accounts']):
            validate_account(dcs.item_params(params, entry), 'accounts[%d].' % index)
        common.check_unique('accounts', [entry['account_name'] for entry in params['accounts']])
    dcs.check_wait_timeout('wait_timeout', params['wait_timeout'])


def run_batch(module):
    """accounts: one read, the whole set planned, the writes sent without waiting, then one wait for the whole set."""
    params = module.params
    acl = module.service(dcs.AclInstance, params['instance_id'], wait=False)
    accounts = acl.accounts()
    items = dcs.plan_accounts(acl, accounts, params)
    expected = dcs.settle_expectations(items)

    def reread():
        if params['wait']:
            return acl.settle(expected)
        return dict((a.get('account_name'), dcs.account_view(a)) for a in acl.accounts())

    module.finish_batch(items, key='accounts', item_key='account', reread=reread, unverified=dcs.unverified_fields(accounts))


def run(module):
    params = module.params
    validate(params)
    if params.get('accounts') is not None:
        return run_batch(module)
    acl = module.service(dcs.AclInstance, params['instance_id'])
    accounts = acl.accounts()
    current = dcs.select(accounts, params['account_name'])
    plan, before, after = dcs.plan_account(acl, current, params)
    if not plan and params['state'] == 'present' and dcs.status_warning(before):
        module.warn(dcs.status_warning(before))
    if params['state'] == 'present' and dcs.read_policy_warning(current, params['read_policy'], params['instance_id']):
        module.warn(dcs.read_policy_warning(current, params['read_policy'], params['instance_id']))

    def reread():
        if params['state'] == 'absent':
            return {} if acl.wait else (dcs.account_view(acl.find(name=params['account_name'])) or {})
        view = acl.reread(name=params['account_name'])
        if view is not None and after and 'password' in after:
            view['password'] = DIFF_CHANGED
        return view

    unwaited = not params['wait'] and not module.check_mode and any(a.operation in dcs.ASYNC_OPERATIONS for a in plan.actions)
    module.finish(plan, before, after, key='account', reread=reread, unverified=dcs.unverified_fields(accounts),
                  job_id=lambda: acl.job_id, finished=not unwaited)


def main():
    module = HuaweiCloudModule(
        argument_spec=dict(
            instance_id=dict(type='str', required=True),
            account_name=dict(type='str'),
            accounts=dict(type='list', elements='dict', options=dict(
                account_name=dict(type='str', required=True),
                state=dict(type='str', choices=['present', 'absent'], default='present'),
                role=dict(type='str', choices=list(dcs.ROLES)),
                read_policy=dict(type='str', choices=list(dcs.READ_POLICIES)),
                password=dict(type='str', no_log=True),
                description=dict(type='str'),
            )),
            exclusive=dict(type='bool', default=False),
            skip_unresolved=dict(type='bool', default=False),
            state=dict(type='str', choices=['present', 'absent'], default='present'),
            role=dict(type='str', choices=list(dcs.ROLES)),
            read_policy=dict(type='str', choices=list(dcs.READ_POLICIES)),
            **password_options(),
            description=dict(type='str'),
            **wait_options()
        ),
        required_one_of=[('account_name', 'accounts')],
        mutually_exclusive=[('accounts', opt) for opt in ('account_name', 'role', 'read_policy', 'password', 'description')],
        supports_check_mode=True,
    )
    module.run(run)


if __name__ == '__main__':
    main()
