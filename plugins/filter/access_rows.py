# -*- coding: utf-8 -*-
# Copyright: dbgov.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The access_rows filter: the results of the collection's _info modules as flat access-review rows."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
name: access_rows
short_description: Turn the results of the dbgov.cloud info modules into access-review rows
version_added: 1.0.0
description:
  - Normalises what M(dbgov.cloud.ddm_user_info), M(dbgov.cloud.dcs_acl_account_info),
    M(dbgov.cloud.polardb_account_info), M(dbgov.cloud.bastion_db_access_info) and M(dbgov.cloud.bastion_user_info)
    return into one flat list of rows,
    one shape for every service, so that one report can say who has which access where.
  - The input is a registered result of one of those modules, a registered loop over one of them (its C(results)),
    or a list of either. Results that failed or were skipped give no row.
  - The instance of a result is taken from O(instance), else from what the info module returns about what it read
    (C(instance_id) or C(cluster_id)), else from the loop item (a string, or a dictionary with C(instance_id) or
    C(cluster_id)). The region is found the same way (O(region), the result's C(region), the item's C(region)), the
    instance name from O(instance_name) or the item (C(name) or C(instance_name)).
  - A result of a multi-instance read (O(dbgov.cloud.ddm_user_info#module:instance_ids),
    O(dbgov.cloud.dcs_acl_account_info#module:instance_ids)) counts as one result per entry of its C(instances), each
    with that entry's C(instance_id), the result's C(region) and the name O(instance_names) gives the instance.
  - The filter never reads C(invocation) (which ansible-core 2.21 and later no longer add to task results).
  - "One row per account for V(ddm), V(dcs) and V(polardb): the database account is the principal.
    For V(bastionhost) one row per bastion user or user group, database and authorized database account;
    a database authorized without an account, and a principal with no database at all, give a row with an empty
    C(account). A M(dbgov.cloud.bastion_user_info) result also gives the rows the user reaches through each of its
    user groups, with the group in C(via) (and the note C(via group <name>)); a group without grants gives none.
    A M(dbgov.cloud.bastion_user_info) result of every user of a host (no user named) gives the rows of each user."
  - "V(*) in C(databases) means every database (or every key) of the instance: a DCS ACL account, a PolarDB
    C(Super) or C(ReadOnly) account. An empty C(databases) list means the account reaches no database."
positional: service
options:
  _input:
    description: A registered info-module result, a registered loop result (with C(results)), or a list of them.
    type: raw
    required: true
  service:
    description: The service whose info module produced the input.
    type: str
    required: true
    choices: [ddm, dcs, polardb, bastionhost]
  instance:
    description: The instance (or cluster) ID, when it cannot be found in the input.
    type: str
  instance_name:
    description: A readable name of the instance, copied into every row.
    type: str
  instance_names:
    description:
      - Readable names of instances by ID (for the entries of a multi-instance read, or results without a loop item
        naming their instance); O(instance_name) wins.
    type: dict
    version_added: 1.0.0
  region:
    description: The region, when it cannot be found in the input.
    type: str
  privileged_patterns:
    description:
      - Regular expressions (Python C(re.search), case-insensitive) on the account name that mark an account as
        privileged in addition to what the service itself says (DDM C(CREATE)/C(DROP)/C(ALTER), the DCS default
        account, the PolarDB C(Super) account).
      - Bastionhost grants are judged by the database account's name only.
    type: list
    elements: str
    default: ['admin', '^root$', '^sa$', '^dba', 'super']
author:
  - dbgov.cloud contributors
'''

EXAMPLES = r'''
- name: Read the accounts of two DDM instances
  dbgov.cloud.ddm_user_info:
    instance_id: "{{ item.instance_id }}"
  loop:
    - {instance_id: 0a8f1c6baa124e99853719d9257324dfin09, name: ddm-orders-prod}
    - {instance_id: 5c1e7d2b9f4a4c8e8b3d6a1f0e9c2b7ain09, name: ddm-analytics}
  register: ddm_accounts

- name: One row per account
  ansible.builtin.set_fact:
    ddm_rows: "{{ ddm_accounts | dbgov.cloud.access_rows('ddm') }}"

- name: The privileged accounts of one PolarDB cluster
  ansible.builtin.debug:
    msg: "{{ polardb_result | dbgov.cloud.access_rows('polardb', instance='pc-bp1orders0prod01') | selectattr('privileged') | list }}"

- name: Accounts named like a vendor default are privileged too
  ansible.builtin.set_fact:
    bastion_rows: "{{ bastion_results | dbgov.cloud.access_rows('bastionhost', privileged_patterns=['admin', '^sa$', '_owner$']) }}"
'''

RETURN = r'''
_value:
  description: The rows, sorted by cloud, service, instance (its name when given, else its ID), principal, account and databases.
  type: list
  elements: dict
  contains:
    cloud:
      description: V(huaweicloud) or V(alibabacloud).
      type: str
      sample: huaweicloud
    service:
      description: V(ddm), V(dcs), V(polardb) or V(bastionhost).
      type: str
      sample: ddm
    region:
      description: The region, when known (else an empty string).
      type: str
      sample: cn-north-4
    instance:
      description: The instance, cluster or bastion host ID.
      type: str
      sample: 0a8f1c6baa124e99853719d9257324dfin09
    instance_name:
      description: The instance name given by the caller (else an empty string).
      type: str
      sample: ddm-orders-prod
    principal:
      description: Who has the access. The account name for DDM, DCS and PolarDB; the bastion user or user group name for Bastionhost.
      type: str
      sample: jdoe
    principal_type:
      description: V(db_account), V(bastion_user) or V(bastion_user_group).
      type: str
      sample: db_account
    account:
      description: The database (or Redis ACL) account the access is exercised with; empty for a bastion principal without one.
      type: str
      sample: jdoe
    privileges:
      description:
        - DDM base privileges; the DCS role (V(read) or V(write)); PolarDB C(Super), C(ReadOnly) or C(<database>:<privilege>)
          items; V(logon) for a Bastionhost grant.
      type: list
      elements: str
      sample: [ALTER, CREATE, DELETE, DROP, INDEX, INSERT, SELECT, UPDATE]
    databases:
      description: The databases (schemas) the access reaches, sorted; V(*) means all of the instance.
      type: list
      elements: str
      sample: [billing, orders]
    privileged:
      description: Whether the access is privileged (administrative, DDL, or a name matching O(privileged_patterns)).
      type: bool
      sample: true
    status:
      description: The account's status as the service reports it (empty when the service reports none).
      type: str
      sample: RUNNING
    description:
      description: The account's (or bastion database's) description.
      type: str
      sample: John Doe (DBA)
    notes:
      description: Findings for the reviewer, for example C(no database), C(password never expires), C(locked).
      type: list
      elements: str
      sample: [DDL privileges (ALTER, CREATE, DROP)]
    locked:
      description: Whether the account (PolarDB) or the bastion user is locked; false where the service has no lock.
      type: bool
      sample: false
    via:
      description: For a Bastionhost user's access through one of its user groups, the group name; else empty.
      type: str
      sample: dba-oncall
'''

import re

from ansible.errors import AnsibleFilterError
from ansible.module_utils.common.text.converters import to_text

CLOUDS = {'ddm': 'huaweicloud', 'dcs': 'huaweicloud', 'polardb': 'alibabacloud', 'bastionhost': 'alibabacloud'}
DEFAULT_PRIVILEGED_PATTERNS = ('admin', '^root$', '^sa$', '^dba', 'super')
DDM_DDL = ('ALTER', 'CREATE', 'DROP')
ALL = '*'
ROW_KEYS = ('cloud', 'service', 'region', 'instance', 'instance_name', 'principal', 'principal_type', 'account',
            'privileges', 'databases', 'privileged', 'status', 'description', 'notes', 'locked', 'via')


def _text(value):
    """A cell value as text: None is empty."""
    return u'' if value is None else to_text(value, errors='surrogate_or_strict')


def _texts(values):
    return [_text(v) for v in (values or []) if v is not None]


def _results(data):
    """Flatten the input into single module results (a multi-instance read: one per entry of its ``instances``)."""
    if data is None:
        return []
    if isinstance(data, dict):
        if isinstance(data.get('instances'), list) and not (data.get('failed') or data.get('skipped')):
            return [dict(entry, region=data.get('region')) for entry in data['instances'] if isinstance(entry, dict)]
        if isinstance(data.get('results'), list) and not any(k in data for k in ('users', 'accounts', 'databases', 'user')):
            found = []
            for result in data['results']:
                found.extend(_results(result))
            return found
        return [data]
    if isinstance(data, (list, tuple)):
        found = []
        for item in data:
            found.extend(_results(item))
        return found
    raise AnsibleFilterError('access_rows: expected a registered module result or a list of them, got %s' % type(data).__name__)


def _context(result, instance, region, instance_name, names=None):
    """(instance, region, instance name) of one result: explicit arguments, then what the module says it read
    (its result's instance_id/cluster_id and region), then the loop item; the name from ``names`` (by ID) when the item
    gives none. Never ``invocation``: ansible-core 2.21 stopped adding it to task results."""
    item = result.get('item')
    found = {'instance': result.get('instance_id') or result.get('cluster_id'), 'region': result.get('region'), 'name': None}
    if isinstance(item, str):
        found['instance'] = found['instance'] or item
    elif isinstance(item, dict):
        found['instance'] = found['instance'] or item.get('instance_id') or item.get('cluster_id')
        found['region'] = found['region'] or item.get('region')
        found['name'] = item.get('name') or item.get('instance_name')
    found['name'] = found['name'] or (names or {}).get(instance or found['instance'])
    return (_text(instance or found['instance']), _text(region or found['region']), _text(instance_name or found['name']))


class _Judge(object):
    """Privilege-by-name check."""

    def __init__(self, patterns):
        try:
            self.patterns = [re.compile(p, re.IGNORECASE) for p in patterns]
        except (re.error, TypeError) as exc:
            raise AnsibleFilterError('access_rows: privileged_patterns: %s' % exc)

    def by_name(self, name):
        return bool(name) and any(p.search(name) for p in self.patterns)


def _row(service, ctx, **values):
    instance, region, instance_name = ctx
    row = dict(cloud=CLOUDS[service], service=service, region=region, instance=instance, instance_name=instance_name,
               principal=u'', principal_type=u'db_account', account=u'', privileges=[], databases=[], privileged=False,
               status=u'', description=u'', notes=[], locked=False, via=u'')
    row.update(values)
    return row


def _ddm_rows(result, ctx, judge):
    rows = []
    for user in result.get('users') or []:
        name = _text(user.get('name'))
        privileges = sorted(set(_texts(user.get('base_authority'))))
        databases = sorted(set(_texts(user.get('databases'))))
        ddl = [p for p in privileges if p in DDM_DDL]
        notes = []
        if ddl:
            notes.append(u'DDL privileges (%s)' % u', '.join(ddl))
        if judge.by_name(name):
            notes.append(u'name suggests an administrator')
        if not databases:
            notes.append(u'no database')
        if user.get('password_lifetime') == 0:
            notes.append(u'password never expires')
        status = _text(user.get('status'))
        if status and status != 'RUNNING':
            notes.append(u'status %s' % status)
        rows.append(_row('ddm', ctx, principal=name, account=name, privileges=privileges, databases=databases,
                         privileged=bool(ddl) or judge.by_name(name), status=status,
                         description=_text(user.get('description')), notes=notes))
    return rows


def _dcs_rows(result, ctx, judge):
    rows = []
    for account in result.get('accounts') or []:
        name = _text(account.get('name'))
        default = account.get('type') == 'default'
        notes = []
        if default:
            notes.append(u'built-in default account (full access)')
        if judge.by_name(name):
            notes.append(u'name suggests an administrator')
        if account.get('read_policy'):
            notes.append(u'read policy %s' % _text(account.get('read_policy')))
        status = _text(account.get('status'))
        if status and status != 'AVAILABLE':
            notes.append(u'status %s' % status)
        rows.append(_row('dcs', ctx, principal=name, account=name, privileges=_texts([account.get('role')]),
                         databases=[ALL], privileged=default or judge.by_name(name), status=status,
                         description=_text(account.get('description')), notes=notes))
    return rows


def _polardb_rows(result, ctx, judge):
    rows = []
    for account in result.get('accounts') or []:
        name = _text(account.get('account_name'))
        kind = _text(account.get('account_type'))
        grants = sorted((_text(g.get('db_name')), _text(g.get('account_privilege'))) for g in account.get('database_privileges') or [])
        notes = []
        if kind == 'Super':
            privileges, databases = [u'Super'], [ALL]
            notes.append(u'privileged account (all databases)')
        elif kind == 'ReadOnly':
            privileges, databases = [u'ReadOnly'], [ALL]
            notes.append(u'global read-only account')
        else:
            privileges = [u'%s:%s' % grant for grant in grants]
            databases = sorted(set(db for db, _priv in grants))
            if not databases:
                notes.append(u'no database')
        if judge.by_name(name) and kind != 'Super':
            notes.append(u'name suggests an administrator')
        if account.get('account_lock_state') == 'Lock':
            notes.append(u'locked')
        status = _text(account.get('account_status'))
        if status and status != 'Available':
            notes.append(u'status %s' % status)
        rows.append(_row('polardb', ctx, principal=name, account=name, privileges=privileges, databases=databases,
                         privileged=kind == 'Super' or judge.by_name(name), status=status,
                         locked=account.get('account_lock_state') == 'Lock',
                         description=_text(account.get('account_description')), notes=notes))
    return rows


def _bastion_user_rows(result, ctx, judge):
    """A bastion_user_info result: the user's own grants, then the grants it reaches through each of its groups."""
    user = result.get('user')
    if not user:
        return []
    locked = bool(user.get('locked'))
    name = _text(user.get('user_name')) or u'id %s' % _text(user.get('user_id'))
    common = dict(principal=name, principal_type=u'bastion_user', locked=locked)
    extra = [u'locked'] if locked else []
    rows = _grant_rows(user.get('grants') or [], ctx, judge, common, extra)
    for group in user.get('group_grants') or []:
        group_name = _text(group.get('user_group_name'))
        rows.extend(_grant_rows(group.get('grants') or [], ctx, judge, dict(common, via=group_name),
                                [u'via group %s' % group_name] + extra))
    return rows or [_row('bastionhost', ctx, notes=[u'no database authorized'] + extra, **common)]


def _grant_rows(databases, ctx, judge, common, extra=()):
    """One row per authorized database account (or per database authorized without an account)."""
    rows = []
    for database in databases:
        db_name = _text(database.get('database_name'))
        source = u' '.join(t for t in _texts([database.get('database_type'), database.get('source'), database.get('source_instance_id')]) if t)
        where = [u'database %s (%s)' % (db_name, source) if source else u'database %s' % db_name] + list(extra)
        accounts = database.get('accounts') or []
        if not accounts:
            rows.append(_row('bastionhost', ctx, databases=[db_name], description=_text(database.get('comment')),
                             notes=where + [u'database authorized without an account'], **common))
        for account in accounts:
            account_name = _text(account.get('account_name'))
            privileged = judge.by_name(account_name)
            notes = where + ([u'privileged database account'] if privileged else [])
            rows.append(_row('bastionhost', ctx, account=account_name, privileges=[u'logon'], databases=[db_name],
                             privileged=privileged, description=_text(database.get('comment')), notes=notes, **common))
    return rows


def _bastion_rows(result, ctx, judge):
    if isinstance(result.get('users'), list):   # bastion_user_info without a user: every user of the host
        rows = []
        for user in result['users']:
            rows.extend(_bastion_user_rows(dict(result, user=user), ctx, judge))
        return rows
    if 'user' in result:
        return _bastion_user_rows(result, ctx, judge)
    principal = result.get('principal') or {}
    item = result.get('item') if isinstance(result.get('item'), dict) else {}
    group = principal.get('type') == 'user_group' or bool(item.get('user_group_name') or item.get('user_group_id'))
    name = _text(principal.get('name') or item.get('user_group_name' if group else 'user_name'))
    if not name:
        name = u'id %s' % _text(principal.get('id') or item.get('user_group_id' if group else 'user_id'))
    common = dict(principal=name, principal_type=u'bastion_user_group' if group else u'bastion_user')
    databases = result.get('databases') or []
    if not databases:
        return [_row('bastionhost', ctx, notes=[u'no database authorized'], **common)]
    return _grant_rows(databases, ctx, judge, common)


SERVICES = {'ddm': _ddm_rows, 'dcs': _dcs_rows, 'polardb': _polardb_rows, 'bastionhost': _bastion_rows}


def access_rows(data, service, instance=None, instance_name=None, region=None, privileged_patterns=None, instance_names=None):
    """The dbgov.cloud.access_rows filter."""
    if service not in SERVICES:
        raise AnsibleFilterError('access_rows: service must be one of %s, got %r' % (', '.join(sorted(SERVICES)), service))
    if privileged_patterns is None:
        privileged_patterns = DEFAULT_PRIVILEGED_PATTERNS
    elif isinstance(privileged_patterns, str):
        privileged_patterns = [privileged_patterns]
    judge = _Judge(privileged_patterns)
    rows = []
    for result in _results(data):
        if not isinstance(result, dict):
            raise AnsibleFilterError('access_rows: expected a registered module result (a dictionary), got %s' % type(result).__name__)
        if result.get('failed') or result.get('skipped'):
            continue
        rows.extend(SERVICES[service](result, _context(result, instance, region, instance_name, instance_names), judge))
    rows.sort(key=lambda r: (r['cloud'], r['service'], r['instance_name'] or r['instance'], r['instance'], r['principal'], r['via'], r['account'],
                             r['databases']))
    return rows


class FilterModule(object):
    """dbgov.cloud filters."""

    def filters(self):
        return {'access_rows': access_rows}
