#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: dbgov.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: ddm_user
short_description: Manage an account of a Huawei Cloud DDM instance
version_added: 1.0.0
description:
  - Create, change or delete one account of a Huawei Cloud DDM (Distributed Database Middleware) instance
    with the DDM V3 account API.
  - The module reads the accounts of the instance once, compares the options you set with the account
    (privileges and schemas as order-free sets) and sends only what differs. A second identical run sends no write.
  - Options you do not set are left as they are on the account.
  - With O(users) the module converges a whole instance's declared accounts in one run instead - one read, one plan for
    the set, the writes, and one read of the end state (never a read per account); with O(exclusive) it also deletes
    the accounts the list does not declare. Use it to keep many accounts in line (the P(dbgov.cloud.access_baseline#role)
    role does); the single-account options stay for single changes.
options:
  instance_id:
    description:
      - ID of the DDM instance, 36 letters and digits ending in C(in09).
    type: str
    required: true
  name:
    description:
      - Name of the account. 1 to 32 characters, starts with a letter, letters, digits and underscores only.
      - Matched exactly (case-sensitive) against the names of the instance's accounts.
      - Required unless O(users) is given; mutually exclusive with it.
    type: str
  users:
    description:
      - The declared accounts of the instance, converged in one run (see the description). Mutually exclusive with
        O(name) and the other single-account options (O(password), O(base_authority), O(databases), O(description),
        O(password_lifetime)); O(update_password) applies to every entry; O(state) is ignored (each entry has its own).
      - Every entry is validated before any request, and every planned change is checked before any write. A missing
        account without O(users[].password) or O(users[].base_authority) fails the task before any write, unless
        O(skip_unresolved=true).
      - When a write fails, the other accounts are still converged; the task then fails listing the failed and
        succeeded accounts (C(failed_items), C(succeeded_items)).
    type: list
    elements: dict
    suboptions:
      name:
        description: Name of the account (rules of O(name)).
        type: str
        required: true
      state:
        description: V(present) or V(absent), as O(state).
        type: str
        choices: [present, absent]
        default: present
      password:
        description: Password used when the account is created (and with O(update_password=always)).
        type: str
      base_authority:
        description: As O(base_authority).
        type: list
        elements: str
        choices: [CREATE, DROP, ALTER, INDEX, INSERT, DELETE, UPDATE, SELECT]
      databases:
        description: As O(databases).
        type: list
        elements: str
      description:
        description: As O(description).
        type: str
      password_lifetime:
        description: As O(password_lifetime).
        type: int
  exclusive:
    description:
      - With O(users), delete every account of the instance that O(users) does not name.
    type: bool
    default: false
  skip_unresolved:
    description:
      - With O(users), leave out (and report with drift V(unresolved)) a missing account that cannot be created because
        its entry has no password or no base_authority, instead of failing the task.
    type: bool
    default: false
  state:
    description:
      - V(present) creates the account or brings it to the options you set.
      - V(absent) deletes the account; an account that does not exist is not an error.
    type: str
    choices: [present, absent]
    default: present
  base_authority:
    description:
      - Base privileges of the account. Required when the account is created.
      - Compared as a set; when it differs, the complete list is sent.
    type: list
    elements: str
    choices: [CREATE, DROP, ALTER, INDEX, INSERT, DELETE, UPDATE, SELECT]
  databases:
    description:
      - Names of the schemas (logical databases) of the instance the account may use. Schema names are lower case.
      - Compared as a set; when it differs, the complete desired list is sent (the API replaces the associations).
      - An empty list is accepted when it needs no request (a new account, or an account without schemas). Detaching
        every schema from an account is refused, see the notes.
    type: list
    elements: str
  description:
    description:
      - Description of the account, at most 256 characters.
    type: str
  password_lifetime:
    description:
      - Days until the password expires, 0 to 65535. V(0) means the password never expires.
    type: int
  wait_timeout:
    description:
      - Seconds to keep retrying a write while the instance answers that another operation is in progress
        (HTTP 409 C(DBS.200019) or C(DBS.212033)). Throttled requests are retried within the same time.
    type: int
    default: 300
notes:
  - Account operations of the DDM V3 API are synchronous; the module re-reads the account after a change to report it.
  - Passwords cannot be read back, so the module cannot tell whether O(password) is the current password.
    With O(update_password=on_create) an existing account's password is never touched; with O(update_password=always)
    it is reset on every run and the task always reports C(changed).
  - Whether an empty C(databases) list in the V3 modify call detaches every schema is not documented (UNVERIFIED). The safe
    choice is made here - the module never sends an empty list; when O(databases=[]) would require it, the module fails after
    the read and before any write, naming O(databases). Keep at least one schema or remove the last one in the DDM console.
  - An empty O(base_authority) is refused for the same reason (whether the API accepts it is not documented).
  - The API documents C(0) and an absent value of C(password_lifetime) as "never expires"; both are reported as V(0).
  - An instance holds at most 100 accounts; a create beyond that fails with the API's error.
  - The module needs the IAM permissions C(ddm:user:list) and, for changes, C(ddm:user:create), C(ddm:user:modify),
    C(ddm:user:delete).
  - "O(password) rules: 8 to 32 characters with at least three of lowercase letters, uppercase letters, digits and the special
    characters C(~ ! @ # % ^ * - _ + ?) (no other characters), and not the account name or the name reversed."
extends_documentation_fragment:
  - dbgov.cloud.huaweicloud
  - dbgov.cloud.attributes
  - dbgov.cloud.attributes.action_group_huaweicloud
  - dbgov.cloud.options.password
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
  idempotent:
    support: partial
    details: Idempotent except with O(update_password=always), which resets the password on every run because a password cannot be read back.
seealso:
  - module: dbgov.cloud.ddm_user_info
author:
  - dbgov.cloud contributors (@dbgov)
'''

EXAMPLES = r'''
- name: Manage DDM accounts with shared connection settings
  module_defaults:
    group/dbgov.cloud.huaweicloud:
      region: cn-north-4
      access_key: "{{ lookup('ansible.builtin.env', 'HUAWEICLOUD_SDK_AK') }}"
      secret_key: "{{ lookup('ansible.builtin.env', 'HUAWEICLOUD_SDK_SK') }}"
  block:
    - name: An application account with read/write access to two schemas
      dbgov.cloud.ddm_user:
        instance_id: 0a8f1c6baa124e99853719d9257324dfin09
        name: app_orders
        password: "{{ vault_app_orders_password }}"
        base_authority: [SELECT, INSERT, UPDATE, DELETE]
        databases: [orders, order_items]
        description: orders service
        password_lifetime: 90

    - name: A read-only reporting account (only the differing fields are sent)
      dbgov.cloud.ddm_user:
        instance_id: 0a8f1c6baa124e99853719d9257324dfin09
        name: bi_readonly
        password: "{{ vault_bi_password }}"
        base_authority: [SELECT]
        databases: [orders, billing]

- name: Rotate a password (always reports changed)
  dbgov.cloud.ddm_user:
    region: cn-north-4
    instance_id: 0a8f1c6baa124e99853719d9257324dfin09
    name: svc_payments
    password: "{{ vault_svc_payments_new_password }}"
    update_password: always

- name: Remove a leaver's account (no error when it is already gone)
  dbgov.cloud.ddm_user:
    region: cn-north-4
    instance_id: 0a8f1c6baa124e99853719d9257324dfin09
    name: jdoe
    state: absent
    wait_timeout: 600

- name: Converge the whole account set of an instance in one task (one read, the writes, one re-read)
  dbgov.cloud.ddm_user:
    region: cn-north-4
    instance_id: 0a8f1c6baa124e99853719d9257324dfin09
    exclusive: true
    users:
      - name: app_orders
        password: "{{ vault_app_orders_password }}"
        base_authority: [SELECT, INSERT, UPDATE, DELETE]
        databases: [orders, order_items]
      - name: bi_readonly
        password: "{{ vault_bi_password }}"
        base_authority: [SELECT]
        databases: [orders, billing]
      - name: jdoe
        state: absent
'''

RETURN = r'''
user:
  description:
    - The account after the task (the predicted account in check mode); V(null) when it does not exist.
  returned: when O(name) is given
  type: dict
  contains:
    name:
      description: Account name.
      type: str
      sample: app_orders
    status:
      description: Account status as reported by DDM (V(null) for an account predicted in check mode).
      type: str
      sample: RUNNING
    base_authority:
      description: Base privileges, sorted.
      type: list
      elements: str
      sample: [DELETE, INSERT, SELECT, UPDATE]
    databases:
      description: Names of the associated schemas, sorted.
      type: list
      elements: str
      sample: [order_items, orders]
    description:
      description: Account description (empty string when none).
      type: str
      sample: orders service
    password_lifetime:
      description: Days until the password expires; V(0) means never.
      type: int
      sample: 90
    created:
      description: Creation time (V(null) for an account predicted in check mode).
      type: str
      sample: "2024-03-18T09:12:44+0800"
    password_last_changed:
      description: Time of the last password change (V(null) for an account predicted in check mode).
      type: str
      sample: "2024-03-18T09:12:44+0800"
users:
  description:
    - With O(users), first one entry per undeclared account deleted by O(exclusive) (deletions go first), then one
      per declared account (in the declared order).
  returned: when O(users) is given
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
    user:
      description: The account after the task, as RV(user) (V(null) when it does not exist).
      type: dict
    note:
      description: Why an unresolved account was left out (V(null) otherwise).
      type: str
    diff:
      description: The account's own diff (in diff mode).
      type: dict
  sample:
    - {name: app_orders, drift: none, changed: false, actions: [], note: null,
       user: {name: app_orders, base_authority: [DELETE, INSERT, SELECT, UPDATE], databases: [order_items, orders]}}
actions:
  description: The API operations planned (check mode) or performed, in order. Passwords appear as V(********).
  returned: always
  type: list
  elements: dict
  sample:
    - operation: UpdateDdmUser
      status: done
      target: 0a8f1c6baa124e99853719d9257324dfin09/app_orders
      params: {base_authority: [INSERT, SELECT], databases: [orders, order_items]}
'''

from ansible_collections.dbgov.cloud.plugins.module_utils.base import HuaweiCloudModule
from ansible_collections.dbgov.cloud.plugins.module_utils.common import ValidationError, password_options
from ansible_collections.dbgov.cloud.plugins.module_utils import common, ddm


def validate_account(params, prefix=''):
    """Check the options of one account; raise ValidationError naming the option (``prefix``: V(users[i].))."""
    ddm.check_name(prefix + 'name', params['name'])
    ddm.check_privileges(prefix + 'base_authority', params.get('base_authority'))
    if params.get('base_authority') is not None and not params['base_authority']:
        raise ValidationError('%sbase_authority: give at least one privilege (whether the API accepts an empty list is not documented)' % prefix)
    ddm.check_schemas(prefix + 'databases', params.get('databases'))
    ddm.check_user_password(prefix + 'password', params.get('password'), params['name'])
    ddm.check_description(prefix + 'description', params.get('description'))
    ddm.check_lifetime(prefix + 'password_lifetime', params.get('password_lifetime'))
    if params['state'] == 'present' and params['update_password'] == 'always' and params.get('password') is None:
        raise ValidationError('%spassword: required with update_password=always' % prefix)


def validate(params):
    """Check every option before any request; raise ValidationError naming the option."""
    ddm.check_instance_id('instance_id', params['instance_id'])
    if params.get('users') is None:
        if params.get('exclusive'):
            raise ValidationError('exclusive: only with users (the declared account set)')
        validate_account(params)
    else:
        for index, entry in enumerate(params['users']):
            validate_account(ddm.item_params(params, entry), 'users[%d].' % index)
        common.check_unique('users', [entry['name'] for entry in params['users']])
    if params.get('wait_timeout') is not None and params['wait_timeout'] < 0:
        raise ValidationError('wait_timeout: must be 0 or more seconds')


def run(module):
    params = module.params
    validate(params)
    instance = module.service(ddm.DdmInstance, params['instance_id'])
    if params.get('users') is not None:
        items = ddm.plan_users(params, instance.users(), instance)    # one read, the whole set planned before any write
        module.finish_batch(items, key='users', item_key='user', reread=lambda: ddm.reread_users(instance))
        return
    current = instance.find(params['name'])
    plan, before, after = ddm.plan_user(params, current, instance)
    # the password cannot be shown or compared: the diff marks it, the returned user never holds it
    module.finish(plan, before, after, key='user', diff_secrets=('password',) if ddm.sets_password(plan) else (),
                  reread=lambda: ddm.normalize_user(instance.find(params['name'])))


def main():
    module = HuaweiCloudModule(
        argument_spec=dict(
            instance_id=dict(type='str', required=True),
            name=dict(type='str'),
            users=dict(type='list', elements='dict', options=dict(
                name=dict(type='str', required=True),
                state=dict(type='str', default='present', choices=['present', 'absent']),
                password=dict(type='str', no_log=True),
                base_authority=dict(type='list', elements='str', choices=list(ddm.PRIVILEGES)),
                databases=dict(type='list', elements='str'),
                description=dict(type='str'),
                password_lifetime=dict(type='int', no_log=False),
            )),
            exclusive=dict(type='bool', default=False),
            skip_unresolved=dict(type='bool', default=False),
            state=dict(type='str', default='present', choices=['present', 'absent']),
            **password_options(),
            base_authority=dict(type='list', elements='str', choices=list(ddm.PRIVILEGES)),
            databases=dict(type='list', elements='str'),
            description=dict(type='str'),
            password_lifetime=dict(type='int', no_log=False),
            wait_timeout=dict(type='int', default=300),
        ),
        required_one_of=[('name', 'users')],
        mutually_exclusive=[('users', opt) for opt in ('name', 'password', 'base_authority', 'databases', 'description', 'password_lifetime')],
        supports_check_mode=True,
    )
    module.run(run)


if __name__ == '__main__':
    main()
