#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: dbgov.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: bastion_db_access
short_description: Manage the database-account grants of an Alibaba Cloud Bastionhost user or user group
version_added: 1.0.0
description:
  - Makes the databases and database accounts that a Bastionhost user (or user group) is authorized to use
    match what the task declares.
  - Names are resolved to IDs with the list APIs (exact match). A name that matches nothing or more than one
    object fails the task before any write.
  - The current grants come from C(ListDatabasesForUser) and C(ListDatabaseAccountsForUser) (or the user-group
    twins), all pages. Accounts are read only for the databases the task names and, with O(exclusive=true),
    for every database the principal holds.
  - Writes use C(AttachDatabaseAccountsToUser)/C(DetachDatabaseAccountsFromUser) (or the user-group twins),
    batched into the fewest calls the API limits allow (at most 10 databases per call and 10 accounts per
    database; a database with more accounts spans several calls).
  - The API answers HTTP 200 with a result code per database and per account. Every item that is not C(OK)
    fails the task; the result lists each failed item with its code, the items that succeeded stay in effect,
    and running the task again finishes the job.
options:
  databases:
    description:
      - The grants to ensure (O(state=present)) or revoke (O(state=absent)), one item per database.
      - An item without O(databases[].account_ids) and O(databases[].account_names) is a database-level grant.
        With O(state=present) it authorizes the database itself; with O(state=absent) it revokes the database
        B(and all its accounts).
      - Items naming the same database are merged.
      - Required unless O(state=present) and O(exclusive=true) (where an empty list revokes every grant).
    type: list
    elements: dict
    suboptions:
      database_id:
        description:
          - The ID of the database on the bastion host. Exactly one of O(databases[].database_id) and
            O(databases[].database_name) is required.
        type: str
      database_name:
        description:
          - The name of the database on the bastion host (looked up with C(ListDatabases), exact match;
            fails when several databases have this name).
        type: str
      account_ids:
        description:
          - IDs of database accounts of this database. At most one of O(databases[].account_ids) and
            O(databases[].account_names); an empty list is refused (omit the key for a database-level grant).
        type: list
        elements: str
      account_names:
        description:
          - Names of database accounts of this database (exact match; fails when a name is ambiguous).
        type: list
        elements: str
  state:
    description:
      - V(present) grants the listed databases and accounts; V(absent) revokes them.
    type: str
    choices: [present, absent]
    default: present
  exclusive:
    description:
      - With O(state=present), also revoke every grant of the principal that the task does not list
        (databases not listed are revoked with all their accounts; on listed databases, accounts not listed
        are revoked, the database-level grant stays).
      - Not allowed with O(state=absent).
    type: bool
    default: false
  keep_database_grant:
    description:
      - With O(state=absent) and accounts listed. Granting accounts of a database also authorizes the database
        itself, and revoking the accounts alone would leave that database-level grant behind (the user stays
        authorized on a database with no account). By default (V(false)) a revocation that leaves no account of a
        database to the principal also revokes the database (least privilege), in the same detach call.
      - V(true) keeps the database-level grant (revokes only the listed accounts).
      - The other direction is always explicit. O(state=present) with accounts grants the database too, and
        O(state=absent) without accounts revokes the database with all its accounts.
    type: bool
    default: false
notes:
  - Only grants made directly to the user (or group) are managed. Whether C(ListDatabaseAccountsForUser) also reports
    grants a user inherits through a user group is UNVERIFIED; to manage a group's grants use O(user_group_id) or
    O(user_group_name).
  - Which per-item codes the database APIs return besides C(OK) is UNVERIFIED (the host APIs of the same product use
    C(UNEXPECTED), C(INVALID_ARGUMENT), C(OBJECT_NOT_FOUND), C(OBJECT_AlREADY_EXISTS)). Codes are compared
    case-insensitively and anything but C(OK), including a missing result, is a failure; a re-run reads the real
    state and retries only what is still missing.
  - Grants are revoked before new ones are made, so an interrupted run never leaves more access than either state.
  - Attach and detach calls are safe to repeat, so transient server errors are retried for them as for reads.
  - A call carries at most 10 databases with at most 10 accounts each. The API page's "up to 10 databases and 10
    database accounts" may also mean 10 accounts per call in all (UNVERIFIED); when the service refuses a call for its
    size (C(InvalidParameter) naming a count or limit), that call wrote nothing, so the module splits its batch in
    two, sends the halves (splitting again if needed) and lists each split under C(params.split) of that action.
extends_documentation_fragment:
  - dbgov.cloud.alibabacloud
  - dbgov.cloud.attributes
  - dbgov.cloud.attributes.action_group_alibabacloud
  - dbgov.cloud.bastionhost
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
  idempotent:
    support: full
author:
  - dbgov.cloud contributors (@dbgov)
'''

EXAMPLES = r'''
- name: Bastionhost database grants
  module_defaults:
    group/dbgov.cloud.alibabacloud:
      region: cn-hangzhou
      access_key: "{{ lookup('ansible.builtin.env', 'ALIBABA_CLOUD_ACCESS_KEY_ID') }}"
      secret_key: "{{ lookup('ansible.builtin.env', 'ALIBABA_CLOUD_ACCESS_KEY_SECRET') }}"
  block:
    - name: Let jdoe use two accounts of the orders database
      dbgov.cloud.bastion_db_access:
        instance_id: bastionhost-cn-emu0prod01
        user_name: jdoe
        databases:
          - database_name: orders-prod
            account_names: [app_orders, bi_readonly]

    - name: Revoke one account again
      dbgov.cloud.bastion_db_access:
        instance_id: bastionhost-cn-emu0prod01
        user_name: jdoe
        databases:
          - database_name: orders-prod
            account_names: [bi_readonly]
        state: absent

    - name: The DBA group holds exactly these grants, nothing else
      dbgov.cloud.bastion_db_access:
        instance_id: bastionhost-cn-emu0prod01
        user_group_name: dba-oncall
        databases:
          - database_id: "3"
            account_ids: ["31", "33"]
          - database_name: orders-prod
        exclusive: true

    - name: Revoke a database with all its accounts
      dbgov.cloud.bastion_db_access:
        instance_id: bastionhost-cn-emu0prod01
        user_id: "3"
        databases:
          - database_name: analytics-dw
        state: absent
'''

RETURN = r'''
principal:
  description: The user or user group whose grants were managed.
  returned: success
  type: dict
  contains:
    type:
      description: V(user) or V(user_group).
      type: str
      sample: user
    id:
      description: The user or user group ID.
      type: str
      sample: "12"
    name:
      description: The name, when the task gave a name (null when it gave an ID).
      type: str
      sample: jdoe
grants:
  description:
    - The grants on the databases involved (the listed ones and, with O(exclusive=true), every database the
      principal held), after the change (as read back; in check mode as predicted).
  returned: success
  type: list
  elements: dict
  contains:
    database_id:
      description: The database ID.
      type: str
      sample: "3"
    database_name:
      description: The database name.
      type: str
      sample: orders-prod
    authorized:
      description: Whether the principal is authorized for the database.
      type: bool
      sample: true
    accounts:
      description: The authorized accounts of the database (sorted by name).
      type: list
      elements: dict
      contains:
        account_id:
          description: The database account ID.
          type: str
          sample: "7"
        account_name:
          description: The database account name.
          type: str
          sample: app_orders
actions:
  description:
    - The Attach/Detach calls planned (check mode) or made, in order. Each call's C(params.databases) lists what
      it carried; an entry without C(account_ids) is database-level. After a call each entry has C(result)
      (V(ok) or V(failed)) and, when failed, C(errors) with the per-item codes.
    - When the service refused the call for its size and the batch was sent again in halves, C(params.split) lists
      each refusal (C(code), C(message), C(request_id), the refused C(databases) and C(accounts) counts, and the
      C(halves) sent instead).
  returned: always
  type: list
  elements: dict
  sample:
    - operation: AttachDatabaseAccountsToUser
      status: done
      target: user jdoe (id 12)
      params:
        databases:
          - database_id: "3"
            database_name: orders-prod
            account_ids: ["7", "8"]
            account_names: [app_orders, bi_readonly]
            result: ok
failed_items:
  description: On a per-item failure, every database or account the API did not report as C(OK).
  returned: failure (per-item codes)
  type: list
  elements: dict
  sample:
    - operation: AttachDatabaseAccountsToUser
      database_id: "3"
      database_name: orders-prod
      account_id: "8"
      account_name: bi_readonly
      code: OBJECT_NOT_FOUND
      message: The database account does not exist.
succeeded_items:
  description:
    - On a per-item failure, every database or account grant that the API reported as C(OK) in the same run; they stay in effect
      (the task then reports C(changed=true) when there is at least one).
  returned: failure (per-item codes)
  type: list
  elements: dict
  sample:
    - operation: AttachDatabaseAccountsToUser
      database_id: "3"
      database_name: orders-prod
      account_id: "7"
      account_name: app_orders
'''

from ansible_collections.dbgov.cloud.plugins.module_utils.base import AlibabaCloudModule
from ansible_collections.dbgov.cloud.plugins.module_utils.common import ValidationError, check_length, check_pattern
from ansible_collections.dbgov.cloud.plugins.module_utils import bastionhost


def validate(params):
    """Check every option before any request; return the normalised database items."""
    bastionhost.check_principal_options(params)
    state, exclusive, databases = params['state'], params['exclusive'], params['databases']
    if exclusive and state == 'absent':
        raise ValidationError('exclusive: only valid with state=present')
    if databases is None:
        if not (state == 'present' and exclusive):
            raise ValidationError('databases: required unless state=present and exclusive=true')
        databases = []
    items = []
    for index, raw in enumerate(databases):
        where = 'databases[%d]' % index
        if (raw.get('database_id') is None) == (raw.get('database_name') is None):
            raise ValidationError('%s: give exactly one of database_id and database_name' % where)
        if raw.get('account_ids') is not None and raw.get('account_names') is not None:
            raise ValidationError('%s: give at most one of account_ids and account_names' % where)
        check_pattern(where + '.database_id', raw.get('database_id'), bastionhost.NUMERIC_ID_PATTERN, 'a numeric ID')
        check_length(where + '.database_name', raw.get('database_name'), bastionhost.NAME_MAX, 1)
        item = dict(index=index, database_id=raw.get('database_id'), database_name=raw.get('database_name'),
                    account_ids=None, account_names=None)
        for key in ('account_ids', 'account_names'):
            values = raw.get(key)
            if values is None:
                continue
            if not values:
                raise ValidationError('%s.%s: an empty list is not allowed (omit it for a database-level grant)' % (where, key))
            for value in values:
                if key == 'account_ids':
                    check_pattern('%s.%s' % (where, key), value, bastionhost.NUMERIC_ID_PATTERN, 'numeric IDs')
                else:
                    check_length('%s.%s' % (where, key), value, bastionhost.NAME_MAX, 1)
            item[key] = _unique(values)
        items.append(item)
    return items


def _unique(values):
    seen, out = set(), []
    for value in values:
        if value not in seen:
            seen.add(value)
            out.append(value)
    return out


def main():
    module = AlibabaCloudModule(
        argument_spec=dict(
            bastionhost.principal_argument_spec(),
            databases=dict(type='list', elements='dict', options=dict(
                database_id=dict(type='str'),
                database_name=dict(type='str'),
                account_ids=dict(type='list', elements='str'),
                account_names=dict(type='list', elements='str'),
            )),
            state=dict(type='str', default='present', choices=['present', 'absent']),
            exclusive=dict(type='bool', default=False),
            keep_database_grant=dict(type='bool', default=False),
        ),
        supports_check_mode=True,
        mutually_exclusive=[bastionhost.PRINCIPAL_OPTIONS],
        required_one_of=[bastionhost.PRINCIPAL_OPTIONS],
    )
    module.run(run)


def run(module):
    params = module.params
    items = validate(params)
    bastion = module.service(bastionhost.BastionInstance, params['instance_id'])
    principal = bastion.principal(params)
    state, involved = bastion.read_for(principal, items, params['exclusive'])
    want = bastionhost.resolve_accounts(items, state, params['state'])
    detach, attach = bastionhost.compute_changes(want, state, params['state'], params['exclusive'], params['keep_database_grant'])
    plan, predicted, outcome = bastionhost.plan_grants(bastion, principal, state, detach, attach)
    # the re-read raises PartialFailure (failed_items, succeeded_items) when an item failed
    module.finish(plan, state.view(involved), predicted.view(involved), key='grants',
                  reread=lambda: bastion.end_state(principal, state, involved, outcome), principal=principal.view())


if __name__ == '__main__':
    main()
