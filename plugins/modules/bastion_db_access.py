#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: dbgov.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: bastion_db_access
short_description: Manage the database-account grants of an Alibaba Cloud Bastionhost user or user group
version_added: 0.1.0
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
  instance_id:
    description:
      - The ID of the bastion host, for example C(bastionhost-cn-st220aw0a0c).
    type: str
    required: true
  user_id:
    description:
      - The ID of the bastion user whose grants are managed.
      - Exactly one of O(user_id), O(user_name), O(user_group_id) and O(user_group_name) is required.
    type: str
  user_name:
    description:
      - The logon name of the bastion user whose grants are managed (looked up with C(ListUsers), exact match).
    type: str
  user_group_id:
    description:
      - The ID of the bastion user group whose grants are managed.
    type: str
  user_group_name:
    description:
      - The name of the bastion user group whose grants are managed (looked up with C(ListUserGroups), exact match).
    type: str
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
extends_documentation_fragment:
  - dbgov.cloud.alibabacloud
  - dbgov.cloud.attributes
  - dbgov.cloud.attributes.action_group_alibabacloud
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
from ansible_collections.dbgov.cloud.plugins.module_utils.common import Plan, ValidationError, check_length, check_pattern
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


def resolve_databases(items, state, catalogue, instance_id):
    """Set ``item['db']`` (the database id) on every item; record looked-up databases in ``state``."""
    by_id = dict((d['database_id'], d) for d in (bastionhost.normalize_database(c) for c in catalogue)) if catalogue is not None else None
    for item in items:
        where = 'databases[%d]' % item['index']
        if item['database_name'] is not None:
            found = [d for d in by_id.values() if d['database_name'] == item['database_name']]
            if not found:
                raise bastionhost.LookupFailed('%s.database_name: no database named %r on bastion host %s' % (where, item['database_name'], instance_id))
            if len(found) > 1:
                raise bastionhost.LookupFailed('%s.database_name: %d databases are named %r on bastion host %s (ids %s); use database_id'
                                               % (where, len(found), item['database_name'], instance_id, ', '.join(sorted(d['database_id'] for d in found))))
            database = found[0]
        elif item['database_id'] in state.granted:
            database = state.databases[item['database_id']]
        else:
            database = by_id.get(item['database_id'])
            if database is None:
                raise bastionhost.LookupFailed('%s.database_id: no database with id %s on bastion host %s' % (where, item['database_id'], instance_id))
        state.databases.setdefault(database['database_id'], database)
        item['db'] = database['database_id']


def resolve_accounts(items, state, desired_state):
    """Merge the items per database: database id -> set of account ids (None: the whole database, state=absent only)."""
    want = {}
    for item in items:
        where = 'databases[%d]' % item['index']
        database_id = item['db']
        accounts = state.accounts.get(database_id, {})
        ids = None
        if item['account_ids'] is not None:
            missing = [a for a in item['account_ids'] if a not in accounts]
            if missing:
                raise bastionhost.LookupFailed('%s.account_ids: database %s has no account with id %s'
                                               % (where, _db_label(state, database_id), ', '.join(missing)))
            ids = set(item['account_ids'])
        elif item['account_names'] is not None:
            ids = set()
            for name in item['account_names']:
                found = [a['account_id'] for a in accounts.values() if a['account_name'] == name]
                if not found:
                    raise bastionhost.LookupFailed('%s.account_names: database %s has no account named %r' % (where, _db_label(state, database_id), name))
                if len(found) > 1:
                    raise bastionhost.LookupFailed('%s.account_names: database %s has %d accounts named %r (ids %s); use account_ids'
                                                   % (where, _db_label(state, database_id), len(found), name, ', '.join(sorted(found))))
                ids.add(found[0])
        if desired_state == 'absent':
            if database_id in want and want[database_id] is None:
                continue
            want[database_id] = None if ids is None else (want.get(database_id) or set()) | ids
        else:
            want[database_id] = want.get(database_id, set()) | (ids or set())
    return want


def _db_label(state, database_id):
    name = state.name_of(database_id)
    return '%s (id %s)' % (name, database_id) if name else 'id %s' % database_id


def compute_changes(want, state, desired_state, exclusive):
    """The entries to detach and to attach: each ``{'database_id', 'account_ids': sorted list or None}``.

    Never an empty account list: None means database-level, and a listed database is never detached whole
    unless the task asked for exactly that (state=absent without accounts).
    """
    detach, attach = [], []
    for database_id in sorted(want, key=bastionhost.numeric_key):
        wanted = want[database_id]
        granted = database_id in state.granted
        held = state.authorized.get(database_id, set()) if granted else set()
        if desired_state == 'absent':
            if wanted is None:
                if granted:
                    detach.append(dict(database_id=database_id, account_ids=None))
            elif wanted & held:
                detach.append(dict(database_id=database_id, account_ids=_sorted(wanted & held)))
            continue
        if exclusive and held - wanted:
            detach.append(dict(database_id=database_id, account_ids=_sorted(held - wanted)))
        if wanted - held:
            attach.append(dict(database_id=database_id, account_ids=_sorted(wanted - held)))
        elif not granted:
            attach.append(dict(database_id=database_id, account_ids=None))
    if exclusive:
        for database_id in sorted(state.granted - set(want), key=bastionhost.numeric_key):
            detach.append(dict(database_id=database_id, account_ids=None))
    return detach, attach


def _sorted(ids):
    return sorted(ids, key=bastionhost.numeric_key)


def involved_databases(want, state, exclusive):
    ids = set(want)
    if exclusive:
        ids |= state.granted
    return sorted(ids, key=bastionhost.numeric_key)


def public_entry(state, entry):
    public = dict(database_id=entry['database_id'], database_name=state.name_of(entry['database_id']))
    if entry.get('account_ids') is not None:
        public['account_ids'] = list(entry['account_ids'])
        public['account_names'] = [state.account_name(entry['database_id'], a) for a in entry['account_ids']]
    return public


def build_plan(module, client, principal, state, detach, attach, outcome):
    """One action per call, detaches first; returns the plan and the predicted end state."""
    params = module.params
    plan = Plan()
    predicted = state.copy()
    for kind, entries in (('detach', detach), ('attach', attach)):
        operation = principal.ops[kind]
        for call_entries in bastionhost.pack(entries):
            public = [public_entry(state, e) for e in call_entries]
            for sent, shown in zip(call_entries, public):
                sent['database_name'] = shown['database_name']
                if 'account_names' in shown:
                    sent['account_names'] = shown['account_names']
            plan.add(operation, _caller(client, params, principal, kind, operation, call_entries, public, outcome),
                     target=principal.label(), databases=public)
            predicted.apply(kind, call_entries)
    return plan, predicted


def _caller(client, params, principal, kind, operation, entries, public, outcome):
    write = bastionhost.attach if kind == 'attach' else bastionhost.detach

    def call():
        response = write(client, params['instance_id'], params['region'], principal, entries)
        succeeded, failed = bastionhost.item_results(operation, entries, response)
        outcome['succeeded'].extend(succeeded)
        outcome['failed'].extend(failed)
        for shown in public:
            errors = [dict((k, f[k]) for k in ('account_id', 'account_name', 'code', 'message') if f.get(k) is not None)
                      for f in failed if f['database_id'] == shown['database_id']]
            shown['result'] = 'failed' if errors else 'ok'
            if errors:
                shown['errors'] = errors
        return response.get('RequestId')
    return call


def failure_message(principal, outcome):
    failed, succeeded = outcome['failed'], outcome['succeeded']
    return ('Bastionhost refused %d of %d grant items for %s; the %d that succeeded stay in effect (run the task again to finish): %s'
            % (len(failed), len(failed) + len(succeeded), principal.label(), len(succeeded),
               '; '.join(bastionhost.describe_item(f) for f in failed)))


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
        ),
        supports_check_mode=True,
        mutually_exclusive=[bastionhost.PRINCIPAL_OPTIONS],
        required_one_of=[bastionhost.PRINCIPAL_OPTIONS],
    )
    module.run(run)


def run(module):
    params = module.params
    items = validate(params)
    client = module.client('bastionhost')
    instance_id, region = params['instance_id'], params['region']
    principal = bastionhost.principal_from_params(client, params)

    state = bastionhost.GrantState()
    state.set_granted(bastionhost.list_databases_for(client, instance_id, region, principal))
    catalogue = None
    if any(i['database_name'] is not None or i['database_id'] not in state.granted for i in items):
        catalogue = bastionhost.list_databases(client, instance_id, region)
    resolve_databases(items, state, catalogue, instance_id)
    wanted_ids = []
    for item in items:
        if item['db'] not in wanted_ids:
            wanted_ids.append(item['db'])
    involved = involved_databases(wanted_ids, state, params['exclusive'])
    state.read_accounts(client, instance_id, region, principal, involved)
    want = resolve_accounts(items, state, params['state'])

    detach, attach = compute_changes(want, state, params['state'], params['exclusive'])
    outcome = dict(succeeded=[], failed=[])
    plan, predicted = build_plan(module, client, principal, state, detach, attach, outcome)

    def reread():
        # finish() calls this right after the plan ran: per-item failures end the task here, before the re-read
        if outcome['failed']:
            module.fail(failure_message(principal, outcome), failed_items=outcome['failed'], actions=plan.public(),
                        error_code=outcome['failed'][0]['code'], operation=outcome['failed'][0]['operation'],
                        changed=bool(outcome['succeeded']), succeeded_items=outcome['succeeded'])
        end = bastionhost.read_state(client, instance_id, region, principal, involved)
        for database_id in involved:
            end.databases.setdefault(database_id, state.databases.get(database_id))
        return end.view(involved)

    module.finish(plan, state.view(involved), predicted.view(involved), key='grants', reread=reread, principal=principal.view())


if __name__ == '__main__':
    main()
