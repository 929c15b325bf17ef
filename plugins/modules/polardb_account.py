#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: dbgov.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: polardb_account
short_description: Manage a standard database account of a PolarDB for MySQL cluster
version_added: 1.0.0
description:
  - Creates, changes and deletes a B(standard) (C(Normal)) database account of a PolarDB for MySQL cluster - its password,
    description, lock state and database privileges.
  - Reads the cluster (C(DescribeDBClusterAttribute)) and the account (C(DescribeAccounts), every page) once, computes the
    API calls needed and makes only those. A second identical run makes no write call.
  - The privileged (C(Super)) account is never deleted and its privileges are never changed here; use
    M(dbgov.cloud.polardb_account_reset) to repair it.
options:
  cluster_id:
    description:
      - The ID of the PolarDB for MySQL cluster, for example C(pc-bp1a2b3c4d5e6f7g8).
    type: str
    required: true
  account_name:
    description:
      - The account name. Lowercase letters, digits and underscores, starting with a letter and ending with a letter or
        digit; 2 to 16 characters for a new account.
    type: str
    required: true
  state:
    description:
      - V(present) creates the account when it is missing and makes it match the other options.
      - V(absent) deletes it (C(DeleteAccount)); nothing happens when it does not exist.
    type: str
    choices: [present, absent]
    default: present
  password:
    description:
      - The account password. Required to create the account.
      - 8 to 32 characters, with at least three of uppercase letters, lowercase letters, digits and the special characters
        C(!@#$%^&*()_+-=); no other characters.
      - Set on an existing account only with O(update_password=always) (C(ModifyAccountPassword)).
    type: str
  description:
    description:
      - The account description (C(ModifyAccountDescription) when it differs). 2 to 256 characters, not starting with
        C(http://) or C(https://). Omitted, the description is left as it is.
    type: str
  locked:
    description:
      - V(true) locks the account (it can no longer log on), V(false) unlocks it (C(ModifyAccountLockState)).
      - Omitted, the lock state is left as it is.
    type: bool
  privileges:
    description:
      - The database privileges the account must hold, compared with the current ones as a set.
      - Databases the account holds but that are not listed are left alone unless O(exclusive=true).
      - Omitted, the privileges are left as they are.
    type: list
    elements: dict
    suboptions:
      database_name:
        description:
          - The database name.
        type: str
        required: true
      privilege:
        description:
          - The privilege on that database.
        type: str
        required: true
        choices: [ReadWrite, ReadOnly, DMLOnly, DDLOnly, ReadIndex]
  exclusive:
    description:
      - With V(true), revoke the privileges on every database that O(privileges) does not list (an empty list revokes
        all of them).
    type: bool
    default: false
  wait:
    description:
      - Wait, bounded by O(wait_timeout), while the cluster is not C(Running) before writing, and until a new account is
        C(Available) before the next write. With V(false) a cluster that is not C(Running) fails the task before any write.
    type: bool
    default: true
  wait_timeout:
    description:
      - Seconds to wait for each of those states, and the time limit for retrying C(ConcurrentTaskExceeded) answers.
    type: int
    default: 600
notes:
  - The account is read with C(DescribeAccounts); its C(AccountLockState) (C(Lock)/C(UnLock)) and C(DatabasePrivileges)
    are the current state the module compares with.
  - A database whose privilege must change is revoked (C(RevokeAccountPrivilege)) and granted again
    (C(GrantAccountPrivilege)). The documentation says that a grant of a database the account can already access
    answers success; that it also replaces the privilege is not documented (UNVERIFIED), so the module does not rely
    on it. Revokes run before grants, so an interrupted run never leaves more access than either state.
  - Several databases are granted in one call, as C(DBName) and C(AccountPrivilege) comma lists in the same order (the
    form C(CreateAccount) documents); several are revoked in one call as a C(DBName) comma list (documented).
  - The privileged (C(Super)) account cannot be deleted or have O(privileges) set here (the task fails before any
    write, naming M(dbgov.cloud.polardb_account_reset)); its password, description and lock state can be managed.
    Privileges of a global read-only (C(ReadOnly)) account are not managed either.
  - The password travels in the request's query string, as with the official SDKs. The module never puts it in a
    result, an error, a warning or a diff (diffs and results show C(<changed>)).
  - With O(update_password=always) every run sets the password and reports a change.
  - PolarDB accepts these calls only while the cluster is C(Running) (documented for C(DeleteAccount) and
    C(GrantAccountPrivilege)); the module checks the cluster first and fails for non-MySQL clusters.
extends_documentation_fragment:
  - dbgov.cloud.alibabacloud
  - dbgov.cloud.attributes
  - dbgov.cloud.attributes.action_group_alibabacloud
  - dbgov.cloud.options.password
  - dbgov.cloud.options.wait
attributes:
  check_mode:
    support: full
    details: Reads, plans and reports the predicted account without any write.
  diff_mode:
    support: full
    details: The diff shows the account before and after; a password being set shows as C(<changed>).
  idempotent:
    support: full
    details: Except with O(update_password=always), which sets the password on every run.
author:
  - dbgov.cloud contributors (@dbgov)
'''

EXAMPLES = r'''
- name: A personal read-only account on two databases
  dbgov.cloud.polardb_account:
    region: cn-hangzhou
    cluster_id: pc-bp1orders0prod01
    account_name: jdoe
    password: "{{ vault_jdoe_polardb_password }}"
    description: John Doe (DBA on call)
    privileges:
      - {database_name: orders, privilege: ReadOnly}
      - {database_name: payments, privilege: ReadOnly}

- name: Exactly these privileges, nothing else
  dbgov.cloud.polardb_account:
    region: cn-hangzhou
    cluster_id: pc-bp1orders0prod01
    account_name: app_orders
    privileges:
      - {database_name: orders, privilege: ReadWrite}
    exclusive: true

- name: Lock the account of someone who left (reversible)
  dbgov.cloud.polardb_account:
    region: cn-hangzhou
    cluster_id: pc-bp1orders0prod01
    account_name: jdoe
    locked: true

- name: Delete it
  dbgov.cloud.polardb_account:
    region: cn-hangzhou
    cluster_id: pc-bp1orders0prod01
    account_name: jdoe
    state: absent
'''

RETURN = r'''
account:
  description:
    - The account after the run (as read back after a change; in check mode as predicted); null when it does not exist.
  returned: success
  type: dict
  contains:
    account_name:
      description: The account name.
      type: str
      sample: jdoe
    account_type:
      description: C(Normal), C(Super) or C(ReadOnly).
      type: str
      sample: Normal
    account_status:
      description: C(Creating), C(Available) or C(Deleting).
      type: str
      sample: Available
    account_lock_state:
      description: C(UnLock) or C(Lock).
      type: str
      sample: UnLock
    locked:
      description: Whether the account is locked.
      type: bool
      sample: false
    account_description:
      description: The description (empty when none).
      type: str
      sample: John Doe (DBA on call)
    account_password_valid_time:
      description: The password validity period as the API reports it.
      type: str
      sample: undefined
    database_privileges:
      description: The database privileges, sorted by database name.
      type: list
      elements: dict
      contains:
        db_name:
          description: The database name.
          type: str
          sample: orders
        account_privilege:
          description: The privilege.
          type: str
          sample: ReadOnly
    password:
      description: V(<changed>) when the run set the password; never the password.
      type: str
      returned: when the password was set
      sample: <changed>
cluster_id:
  description: The cluster ID the task named.
  returned: always
  type: str
  sample: pc-bp1a2b3c4d5e6f7g8
actions:
  description: The API operations planned (check mode) or performed, in order, passwords shown as C(********).
  returned: always
  type: list
  elements: dict
  sample:
    - operation: GrantAccountPrivilege
      status: done
      target: pc-bp1a2b3c4d5e6f7g8/jdoe
      params:
        DBName: orders,payments
        AccountPrivilege: ReadOnly,ReadOnly
'''

from ansible_collections.dbgov.cloud.plugins.module_utils.base import AlibabaCloudModule
from ansible_collections.dbgov.cloud.plugins.module_utils.common import (
    SECRET_PLACEHOLDER, Plan, ValidationError, check_password, check_pattern, check_range,
    password_options, password_to_set, wait_options,
)
from ansible_collections.dbgov.cloud.plugins.module_utils import polardb

RESET_HINT = 'use dbgov.cloud.polardb_account_reset to repair the privileged account'


def validate(params):
    """Check every option before any request; return the desired privileges {database: privilege} (None: not managed)."""
    polardb.check_cluster_id('cluster_id', params['cluster_id'])
    polardb.check_account_name('account_name', params['account_name'])
    check_password('password', params.get('password'), 8, 32, polardb.PASSWORD_SPECIALS, classes=3)
    polardb.check_description('description', params.get('description'))
    check_range('wait_timeout', params['wait_timeout'], 1, 86400)
    if params['state'] == 'absent':
        for option in ('password', 'description', 'locked', 'privileges'):
            if params.get(option) is not None:
                raise ValidationError('%s: not allowed with state=absent' % option)
        if params['exclusive']:
            raise ValidationError('exclusive: not allowed with state=absent')
        return None
    privileges = params.get('privileges')
    if privileges is None:
        if params['exclusive']:
            raise ValidationError('exclusive: requires privileges (an empty list revokes every privilege)')
        return None
    desired = {}
    for index, item in enumerate(privileges):
        where = 'privileges[%d]' % index
        check_pattern(where + '.database_name', item['database_name'], polardb.DB_NAME_PATTERN,
                      'letters, digits, underscores and hyphens, starting with a letter or digit, at most 64 characters')
        if desired.get(item['database_name'], item['privilege']) != item['privilege']:
            raise ValidationError('%s.database_name: database %r is listed with two privileges (%s and %s)'
                                  % (where, item['database_name'], desired[item['database_name']], item['privilege']))
        desired[item['database_name']] = item['privilege']
    return desired


def check_account_type(params, raw, desired):
    kind = raw.get('AccountType')
    name, cluster_id = params['account_name'], params['cluster_id']
    if kind == polardb.SUPER and params['state'] == 'absent':
        raise ValidationError('state: account %r of cluster %s is the privileged (Super) account; this module does not delete it (%s)'
                              % (name, cluster_id, RESET_HINT))
    if kind != polardb.NORMAL and desired is not None:
        hint = RESET_HINT if kind == polardb.SUPER else 'a global read-only account has no per-database privileges'
        raise ValidationError('privileges: account %r of cluster %s is a %s account; this module manages the privileges of standard '
                              '(Normal) accounts only (%s)' % (name, cluster_id, kind, hint))


def build_plan(engine, params, raw, desired):
    """(plan, predicted raw account, password set?) from the current raw account (None: missing) and the options."""
    name, cluster_id = params['account_name'], params['cluster_id']
    target = '%s/%s' % (cluster_id, name)
    plan = Plan()
    if params['state'] == 'absent':
        if raw is not None:
            plan.add('DeleteAccount', lambda: engine.delete(name), target=target, DBClusterId=cluster_id, AccountName=name)
        return plan, None, False
    lock_state = None if params.get('locked') is None else (polardb.LOCKED if params['locked'] else polardb.UNLOCKED)
    if raw is None:
        if not params.get('password'):
            raise ValidationError('password: required to create account %r on cluster %s (it does not exist)' % (name, cluster_id))
        grant = dict(desired or {})
        shown = dict(DBClusterId=cluster_id, AccountName=name, AccountType=polardb.NORMAL, AccountPassword=SECRET_PLACEHOLDER)
        if params.get('description') is not None:
            shown['AccountDescription'] = params['description']
        if grant:
            shown['DBName'] = ','.join(sorted(grant))
            shown['AccountPrivilege'] = ','.join(grant[db] for db in sorted(grant))
        plan.add('CreateAccount', lambda: engine.create(name, params['password'], params.get('description'), grant), target=target, **shown)
        if lock_state == polardb.LOCKED:
            plan.add('ModifyAccountLockState', lambda: engine.set_lock(name, True), target=target, AccountLockState=polardb.LOCKED)
        predicted = polardb.predict_account(None, name, params.get('description'), grant, lock_state=lock_state)
        return plan, predicted, True
    description = params.get('description')
    if description is not None and description != (raw.get('AccountDescription') or ''):
        plan.add('ModifyAccountDescription', lambda: engine.set_description(name, description), target=target, AccountDescription=description)
    else:
        description = None
    password = password_to_set(params)
    if password:
        plan.add('ModifyAccountPassword', lambda: engine.set_password(name, password), target=target, NewAccountPassword=SECRET_PLACEHOLDER)
    revoke, grant = polardb.privilege_changes(polardb.privilege_map(raw), desired or {}, params['exclusive']) if desired is not None else ([], {})
    if revoke:
        plan.add('RevokeAccountPrivilege', lambda: engine.revoke(name, revoke), target=target, DBName=','.join(revoke))
    if grant:
        plan.add('GrantAccountPrivilege', lambda: engine.grant(name, grant), target=target, DBName=','.join(sorted(grant)),
                 AccountPrivilege=','.join(grant[db] for db in sorted(grant)))
    if lock_state is not None and lock_state != raw.get('AccountLockState'):
        plan.add('ModifyAccountLockState', lambda: engine.set_lock(name, lock_state == polardb.LOCKED), target=target, AccountLockState=lock_state)
    else:
        lock_state = None
    predicted = polardb.predict_account(raw, name, description, grant, revoke, lock_state)
    return plan, predicted, bool(password)


def check_cluster(engine, params, plan):
    raw = engine.describe()
    if raw.get('DBType') != 'MySQL':
        raise ValidationError('cluster_id: cluster %s is a PolarDB for %s cluster; this module manages PolarDB for MySQL accounts'
                              % (params['cluster_id'], raw.get('DBType') or 'unknown-engine'))
    if plan and not engine.wait and raw.get('DBClusterStatus') != polardb.RUNNING:
        raise ValidationError('cluster_id: cluster %s is %s, not Running (wait is false); nothing was changed'
                              % (params['cluster_id'], raw.get('DBClusterStatus')))
    return raw


def wait_for_cluster(engine, params, raw):
    raw = engine.wait_running(raw)
    if raw.get('DBClusterStatus') != polardb.RUNNING:
        raise ValidationError('cluster_id: cluster %s is %s, not Running (after waiting up to %d seconds); nothing was changed'
                              % (params['cluster_id'], raw.get('DBClusterStatus'), params['wait_timeout']))


def run(module):
    params = module.params
    module.add_secret(params.get('password'))
    desired = validate(params)
    engine = module.service(polardb.StandardAccounts, params['cluster_id'])
    name = params['account_name']
    raw = engine.read_account(name)
    if raw is not None:
        check_account_type(params, raw, desired)
    elif params['state'] == 'present' and len(name) > polardb.NEW_ACCOUNT_NAME_MAX:
        raise ValidationError('account_name: a new account name has at most %d characters' % polardb.NEW_ACCOUNT_NAME_MAX)
    plan, predicted, password_set = build_plan(engine, params, raw, desired)
    cluster = check_cluster(engine, params, plan)
    if plan and not module.check_mode:
        wait_for_cluster(engine, params, cluster)
    before = polardb.standard_account_view(raw)
    after = polardb.standard_account_view(predicted, password_set)

    def reread():
        found = engine.wait_available(name) if params['state'] == 'present' else engine.read_account(name)
        return polardb.standard_account_view(found, password_set)

    module.finish(plan, before, after, key='account', reread=reread, cluster_id=params['cluster_id'])


def main():
    spec = dict(
        cluster_id=dict(type='str', required=True),
        account_name=dict(type='str', required=True),
        state=dict(type='str', default='present', choices=['present', 'absent']),
        description=dict(type='str'),
        locked=dict(type='bool'),
        privileges=dict(type='list', elements='dict', options=dict(
            database_name=dict(type='str', required=True),
            privilege=dict(type='str', required=True, choices=list(polardb.PRIVILEGES)),
        )),
        exclusive=dict(type='bool', default=False),
        **wait_options(wait_timeout=600)
    )
    spec.update(password_options())
    module = AlibabaCloudModule(argument_spec=spec, supports_check_mode=True)
    module.run(run)


if __name__ == '__main__':
    main()
