# -*- coding: utf-8 -*-
# Copyright: dbgov.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Alibaba Cloud Bastionhost (yundun-bastionhost 2019-12-09): database-account grants of users and user groups.

One small function per API call, the normalisers that turn API objects into the snake_case views the
modules return, ``BastionInstance`` (one bastion host during one module run: name -> id resolution, the grant
reads and writes, the end state with its per-item failures), and the pure engine of ``bastion_db_access``: the
change computation (``compute_changes``), the batching of grant writes (``pack``, ``plan_grants``) and the reading
of per-item result codes (``item_results``). No signing and no HTTP here: every call goes through
``AlibabaClient.call``/``paginate``. API reference:
https://www.alibabacloud.com/help/en/bh/bastionhost/developer-reference/api-yundun-bastionhost-2019-12-09-attachdatabaseaccountstouser

Batching (``pack``)
    Attach/Detach take ``Databases`` as a list of at most 10 databases, each with at most 10
    ``DatabaseAccountIds``. A database with more than 10 accounts is cut into chunks of 10 (in id order);
    each chunk is one ``Databases.N`` entry, and two chunks of one database never share a call (the
    ``Results`` of a call are keyed by ``DatabaseId``). With N chunks in all and at most M chunks for one
    database, no packing can use fewer than ``max(ceil(N / 10), M)`` calls, and ``pack`` always reaches
    that bound: chunk j (chunks listed database by database) goes to call ``j mod K``; a database's M <= K
    consecutive chunks land in M different calls and every call gets at most ceil(N / K) <= 10 chunks.
    Example: 25 databases x 12 accounts = 25 x 2 = 50 chunks -> max(ceil(50 / 10), 2) = 5 calls.

Empty account lists
    On the wire an empty ``DatabaseAccountIds`` vanishes and the entry means "the whole database (and,
    for Detach, all its accounts)". An entry here is either database-level (``account_ids`` None) or has
    a non-empty account list; ``databases_param`` refuses anything else (and ``alibabacloud.flatten``
    refuses empty lists too).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import re

from ansible_collections.dbgov.cloud.plugins.module_utils.common import (
    PartialFailure, Plan, Service, ValidationError, api_view, check_length, check_pattern,
)
from ansible_collections.dbgov.cloud.plugins.module_utils import discovery
from ansible_collections.dbgov.cloud.plugins.module_utils.transport import ApiError

SERVICE = 'bastionhost'

MAX_DATABASES_PER_CALL = 10
MAX_ACCOUNTS_PER_DATABASE = 10
PAGE_SIZE = 100
OK = 'OK'

_OPERATIONS = {
    'user': dict(id_param='UserId', attach='AttachDatabaseAccountsToUser', detach='DetachDatabaseAccountsFromUser',
                 list_databases='ListDatabasesForUser', list_accounts='ListDatabaseAccountsForUser'),
    'user_group': dict(id_param='UserGroupId', attach='AttachDatabaseAccountsToUserGroup',
                       detach='DetachDatabaseAccountsFromUserGroup', list_databases='ListDatabasesForUserGroup',
                       list_accounts='ListDatabaseAccountsForUserGroup'),
}


INSTANCE_ID_PATTERN = r'bastionhost-[a-z0-9][a-z0-9-]{0,63}'
NUMERIC_ID_PATTERN = r'[0-9]{1,20}'
NAME_MAX = 128
# the task's principal: exactly one of these options (both modules)
PRINCIPAL_OPTIONS = ('user_id', 'user_name', 'user_group_id', 'user_group_name')


class LookupFailed(ValidationError):
    """A name that matches nothing or more than one object (raised before any write)."""


class Principal:
    """The user or user group whose grants are read and written."""

    def __init__(self, kind, principal_id, name=None):
        if kind not in _OPERATIONS:
            raise ValueError('unknown principal kind %r' % kind)
        self.kind = kind
        self.id = str(principal_id)
        self.name = name
        self.ops = _OPERATIONS[kind]

    def param(self):
        return {self.ops['id_param']: self.id}

    def label(self):
        kind = 'user group' if self.kind == 'user_group' else 'user'
        if self.name:
            return '%s %s (id %s)' % (kind, self.name, self.id)
        return '%s id %s' % (kind, self.id)

    def view(self):
        return dict(type=self.kind, id=self.id, name=self.name)


# ---------------------------------------------------------------- the task's bastion host and principal (both modules)

def principal_argument_spec():
    """``instance_id`` and the principal options (pass PRINCIPAL_OPTIONS as mutually_exclusive and required_one_of)."""
    return dict(
        instance_id=dict(type='str', required=True),
        user_id=dict(type='str'),
        user_name=dict(type='str'),
        user_group_id=dict(type='str'),
        user_group_name=dict(type='str'),
    )


def check_principal_options(params):
    """Validate ``instance_id`` and the principal options (ValidationError naming the option)."""
    check_pattern('instance_id', params['instance_id'], INSTANCE_ID_PATTERN, 'a bastion host ID such as bastionhost-cn-st220aw0a0c')
    for option in ('user_id', 'user_group_id'):
        check_pattern(option, params.get(option), NUMERIC_ID_PATTERN, 'a numeric ID')
    for option in ('user_name', 'user_group_name'):
        check_length(option, params.get(option), NAME_MAX, 1)


def _base(instance_id, region):
    return dict(InstanceId=instance_id, RegionId=region)


# ---------------------------------------------------------------- reads (all pages)

def list_users(client, instance_id, region, user_name=None):
    """ListUsers; ``user_name`` is an exact-match server filter."""
    params = _base(instance_id, region)
    if user_name is not None:
        params['UserName'] = user_name
    return client.paginate('ListUsers', params, 'Users', page_size=PAGE_SIZE)


def list_user_groups(client, instance_id, region, user_group_name=None):
    """ListUserGroups; ``user_group_name`` is an exact-match server filter."""
    params = _base(instance_id, region)
    if user_group_name is not None:
        params['UserGroupName'] = user_group_name
    return client.paginate('ListUserGroups', params, 'UserGroups', page_size=PAGE_SIZE)


def list_databases(client, instance_id, region):
    """ListDatabases: every database of the bastion host (the API has no name filter)."""
    return client.paginate('ListDatabases', _base(instance_id, region), 'Databases', page_size=PAGE_SIZE)


def list_databases_for(client, instance_id, region, principal):
    """ListDatabasesForUser / ListDatabasesForUserGroup: the databases the principal is authorized for."""
    params = _base(instance_id, region)
    params.update(principal.param())
    return client.paginate(principal.ops['list_databases'], params, 'Databases', page_size=PAGE_SIZE)


def list_database_accounts_for(client, instance_id, region, principal, database_id):
    """ListDatabaseAccountsForUser(Group): every account of one database, each flagged ``IsAuthorized``."""
    params = _base(instance_id, region)
    params.update(principal.param())
    params['DatabaseId'] = str(database_id)
    return client.paginate(principal.ops['list_accounts'], params, 'DatabaseAccounts', page_size=PAGE_SIZE)


# ---------------------------------------------------------------- writes

def databases_param(entries):
    """The ``Databases`` list of an Attach/Detach call; an entry without accounts is database-level."""
    if len(entries) > MAX_DATABASES_PER_CALL:
        raise ValueError('a call takes at most %d databases, got %d' % (MAX_DATABASES_PER_CALL, len(entries)))
    seen = set()
    databases = []
    for entry in entries:
        database_id = str(entry['database_id'])
        if database_id in seen:
            raise ValueError('database %s appears twice in one call' % database_id)
        seen.add(database_id)
        item = dict(DatabaseId=database_id)
        accounts = entry.get('account_ids')
        if accounts is not None:
            if not accounts:
                raise ValueError('database %s: an empty account list would mean the whole database' % database_id)
            if len(accounts) > MAX_ACCOUNTS_PER_DATABASE:
                raise ValueError('database %s: at most %d accounts per call, got %d' % (database_id, MAX_ACCOUNTS_PER_DATABASE, len(accounts)))
            item['DatabaseAccountIds'] = [str(a) for a in accounts]
        databases.append(item)
    return databases


def attach(client, instance_id, region, principal, entries):
    """AttachDatabaseAccountsToUser(Group); returns the response (per-item codes in ``Results``)."""
    return _write(client, principal.ops['attach'], instance_id, region, principal, entries)


def detach(client, instance_id, region, principal, entries):
    """DetachDatabaseAccountsFromUser(Group); returns the response (per-item codes in ``Results``)."""
    return _write(client, principal.ops['detach'], instance_id, region, principal, entries)


def _write(client, action, instance_id, region, principal, entries):
    params = _base(instance_id, region)
    params.update(principal.param())
    params['Databases'] = databases_param(entries)
    # granting or revoking the same items twice leaves the same state: safe to retry on transient errors
    return client.call(action, params, write=True, idempotent=True)


# ---------------------------------------------------------------- batching

def chunk_entry(entry, size=MAX_ACCOUNTS_PER_DATABASE):
    """Cut one database entry into entries of at most ``size`` accounts (a database-level entry stays whole)."""
    accounts = entry.get('account_ids')
    if accounts is None:
        return [dict(entry)]
    if not accounts:
        raise ValueError('database %s: an empty account list would mean the whole database' % entry['database_id'])
    names = entry.get('account_names')
    chunks = []
    for start in range(0, len(accounts), size):
        chunk = dict(entry, account_ids=list(accounts[start:start + size]))
        if names is not None:
            chunk['account_names'] = list(names[start:start + size])
        chunks.append(chunk)
    return chunks


def minimum_calls(entries, max_databases=MAX_DATABASES_PER_CALL, max_accounts=MAX_ACCOUNTS_PER_DATABASE):
    """The fewest calls that can carry ``entries``: max(ceil(chunks / max_databases), most chunks of one database)."""
    if not entries:
        return 0
    per_database = [len(chunk_entry(e, max_accounts)) for e in entries]
    total = sum(per_database)
    return max([-(-total // max_databases)] + per_database)


def pack(entries, max_databases=MAX_DATABASES_PER_CALL, max_accounts=MAX_ACCOUNTS_PER_DATABASE):
    """Pack database entries (``database_id``, ``account_ids`` list or None, extra keys kept) into the fewest calls.

    Returns a list of calls, each a list of entries: at most ``max_databases`` entries per call, at most
    ``max_accounts`` accounts per entry, a database at most once per call. See the module docstring for
    why the count is minimal.
    """
    ids = [str(e['database_id']) for e in entries]
    if len(set(ids)) != len(ids):
        raise ValueError('pack() needs each database once; merge the entries first')
    calls_needed = minimum_calls(entries, max_databases, max_accounts)
    calls = [[] for _dummy in range(calls_needed)]
    position = 0
    for entry in entries:
        for chunk in chunk_entry(entry, max_accounts):
            calls[position % calls_needed].append(chunk)
            position += 1
    return calls


# ---------------------------------------------------------------- per-item results

def _is_ok(code):
    return str(code or '').upper() == OK


def item_results(operation, entries, response):
    """Compare the sent entries with the response's ``Results``: return (succeeded, failed) item lists.

    An item is one account of a database, or the database itself for a database-level entry. An item is
    failed when its database's ``Code`` or its own account ``Code`` is not ``OK`` (compared case-insensitively),
    or when the response has no result for it (nothing proves it was done).
    """
    by_database = {}
    for result in (response or {}).get('Results') or []:
        by_database[str(result.get('DatabaseId'))] = result
    succeeded, failed = [], []
    for entry in entries:
        database_id = str(entry['database_id'])
        base = dict(operation=operation, database_id=database_id, database_name=entry.get('database_name'))
        result = by_database.get(database_id)
        if result is None:
            failed.append(dict(base, code='NO_RESULT', message='the response has no result for this database'))
            continue
        database_ok = _is_ok(result.get('Code'))
        if not database_ok:
            failed.append(dict(base, code=str(result.get('Code')), message=result.get('Message') or ''))
        accounts = entry.get('account_ids')
        if accounts is None:
            if database_ok:
                succeeded.append(base)
            continue
        account_results = dict((str(a.get('DatabaseAccountId')), a) for a in result.get('DatabaseAccounts') or [])
        names = entry.get('account_names') or [None] * len(accounts)
        for account_id, account_name in zip(accounts, names):
            item = dict(base, account_id=str(account_id), account_name=account_name)
            account = account_results.get(str(account_id))
            if account is None:
                if database_ok:
                    failed.append(dict(item, code='NO_RESULT', message='the response has no result for this account'))
            elif not _is_ok(account.get('Code')):
                failed.append(dict(item, code=str(account.get('Code')), message=account.get('Message') or ''))
            elif database_ok:
                succeeded.append(item)
    return succeeded, failed


def describe_item(item):
    text = item['operation'] + ' database ' + _label(item.get('database_name'), item['database_id'])
    if item.get('account_id'):
        text += ' account ' + _label(item.get('account_name'), item['account_id'])
    if item.get('code'):
        text += ': ' + item['code']
        if item.get('message'):
            text += ' (%s)' % item['message']
    return text


def _label(name, ident):
    return '%s (id %s)' % (name, ident) if name else 'id %s' % ident


# ---------------------------------------------------------------- normalisers

DATABASE_FIELDS = (('DatabaseName', 'database_name'), ('DatabaseType', 'database_type'), ('DatabasePort', 'database_port'),
                   ('ActiveAddressType', 'active_address_type'), ('DatabasePrivateAddress', 'database_private_address'),
                   ('DatabasePublicAddress', 'database_public_address'), ('NetworkDomainId', 'network_domain_id'),
                   ('Source', 'source'), ('SourceInstanceId', 'source_instance_id'), ('Comment', 'comment'))


def normalize_database(database):
    return api_view(database, DATABASE_FIELDS, database_id=str(database.get('DatabaseId')))


def is_authorized(account):
    """``IsAuthorized`` is a boolean in the SDK model; accept the string forms too."""
    value = account.get('IsAuthorized')
    if isinstance(value, str):
        return value.strip().lower() == 'true'
    return bool(value)


def normalize_account(account):
    return dict(account_id=str(account.get('DatabaseAccountId')), account_name=account.get('DatabaseAccountName'),
                database_id=str(account.get('DatabaseId')), protocol_name=account.get('ProtocolName'),
                authorized=is_authorized(account))


# ---------------------------------------------------------------- lookups (exact match; ambiguity is an error)

def exact(items, key, value):
    return [i for i in items if i.get(key) == value]


def resolve_principal(client, instance_id, region, user_id=None, user_name=None, user_group_id=None, user_group_name=None):
    """A Principal from exactly one of the four options; names are looked up (exact, unique)."""
    if user_id is not None:
        return Principal('user', user_id)
    if user_group_id is not None:
        return Principal('user_group', user_group_id)
    if user_name is not None:
        found = exact(list_users(client, instance_id, region, user_name), 'UserName', user_name)
        return Principal('user', _single('user_name', 'user', user_name, found, instance_id)['UserId'], user_name)
    if user_group_name is not None:
        found = exact(list_user_groups(client, instance_id, region, user_group_name), 'UserGroupName', user_group_name)
        group = _single('user_group_name', 'user group', user_group_name, found, instance_id)
        return Principal('user_group', group['UserGroupId'], user_group_name)
    raise ValueError('no principal given')


def _single(option, kind, name, found, instance_id):
    if not found:
        raise LookupFailed('%s: no %s named %r on bastion host %s' % (option, kind, name, instance_id), code='NotFound')
    if len(found) > 1:
        raise LookupFailed('%s: %d %ss are named %r on bastion host %s; use the id instead' % (option, len(found), kind, name, instance_id),
                           code='Ambiguous')
    return found[0]


class GrantState:
    """What a principal holds: authorized databases and, for the databases read, the authorized accounts.

    ``databases`` maps database id -> normalised database (every database known: authorized or looked up),
    ``granted`` is the set of authorized database ids, ``accounts`` maps a read database id -> {account id ->
    normalised account} (every account of that database), ``authorized`` maps it -> set of authorized ids.
    """

    def __init__(self):
        self.databases = {}
        self.granted = set()
        self.accounts = {}
        self.authorized = {}

    def set_granted(self, databases):
        for database in databases:
            view = normalize_database(database)
            self.databases[view['database_id']] = view
            self.granted.add(view['database_id'])

    def set_accounts(self, database_id, accounts):
        views = [normalize_account(a) for a in accounts]
        self.accounts[database_id] = dict((a['account_id'], a) for a in views)
        self.authorized[database_id] = set(a['account_id'] for a in views if a['authorized'])

    def copy(self):
        other = GrantState()
        other.databases = dict(self.databases)
        other.granted = set(self.granted)
        other.accounts = dict(self.accounts)
        other.authorized = dict((k, set(v)) for k, v in self.authorized.items())
        return other

    def apply(self, kind, entries):
        """Predict the effect of an attach/detach of ``entries`` (as the API documents it)."""
        for entry in entries:
            database_id = str(entry['database_id'])
            accounts = entry.get('account_ids')
            held = self.authorized.setdefault(database_id, set())
            if kind == 'attach':
                self.granted.add(database_id)
                held.update(accounts or [])
            elif accounts is None:
                self.granted.discard(database_id)
                held.clear()
            else:
                held.difference_update(accounts)

    def name_of(self, database_id):
        database = self.databases.get(database_id)
        return database['database_name'] if database else None

    def account_name(self, database_id, account_id):
        account = self.accounts.get(database_id, {}).get(account_id)
        return account['account_name'] if account else None

    def view(self, database_ids):
        """End state of ``database_ids``: authorized flag and authorized accounts (sorted by name, then id)."""
        view = []
        for database_id in database_ids:
            held = sorted(self.authorized.get(database_id, ()), key=lambda a: (self.account_name(database_id, a) or '', a))
            view.append(dict(database_id=database_id, database_name=self.name_of(database_id),
                             authorized=database_id in self.granted,
                             accounts=[dict(account_id=a, account_name=self.account_name(database_id, a)) for a in held]))
        return sorted(view, key=lambda d: (d['database_name'] is None, d['database_name'] or '', numeric_key(d['database_id'])))


def numeric_key(value):
    """Sort key: numeric ids in numeric order, anything else after them."""
    return (0, int(value), '') if str(value).isdigit() else (1, 0, str(value))


def databases_view(state):
    """bastion_db_access_info: every authorized database with its authorized accounts, sorted by name."""
    view = []
    for database_id in state.granted:
        database = dict(state.databases[database_id])
        accounts = [a for a in state.accounts.get(database_id, {}).values() if a['authorized']]
        database['accounts'] = [dict(account_id=a['account_id'], account_name=a['account_name'], protocol_name=a['protocol_name'])
                                for a in sorted(accounts, key=lambda a: (a['account_name'] or '', a['account_id']))]
        view.append(database)
    return sorted(view, key=lambda d: (d['database_name'] or '', d['database_id']))


# ---------------------------------------------------------------- one bastion host during one module run

class BastionInstance(Service):
    """One bastion host: looks names up, reads a principal's grants and writes grants (with per-item results)."""

    SERVICE = SERVICE

    def __init__(self, client, instance_id, region=None, wait=True, wait_timeout=None):
        super(BastionInstance, self).__init__(client, instance_id, region, wait, wait_timeout)
        self.instance_id = instance_id

    def principal(self, params):
        """The Principal that exactly one of the PRINCIPAL_OPTIONS in ``params`` names (a name is looked up)."""
        return resolve_principal(self.client, self.instance_id, self.region, **dict((k, params.get(k)) for k in PRINCIPAL_OPTIONS))

    def databases(self):
        return list_databases(self.client, self.instance_id, self.region)

    def read_accounts(self, state, principal, database_ids):
        """Read the accounts of ``database_ids`` (each flagged authorized or not) into ``state``."""
        for database_id in database_ids:
            state.set_accounts(database_id, list_database_accounts_for(self.client, self.instance_id, self.region, principal, database_id))

    def read_state(self, principal, database_ids=None):
        """The principal's authorized databases (all pages) and the accounts of ``database_ids`` (default: every authorized one)."""
        state = GrantState()
        state.set_granted(list_databases_for(self.client, self.instance_id, self.region, principal))
        ids = sorted(state.granted, key=numeric_key) if database_ids is None else list(database_ids)
        self.read_accounts(state, principal, ids)
        return state

    def read_for(self, principal, items, exclusive):
        """The current state a bastion_db_access task needs: the granted databases, the catalogue when an item names a
        database by name or names one not granted, and the accounts of the involved databases. Resolves the items'
        databases (``item['db']``); returns (state, involved database ids)."""
        state = GrantState()
        state.set_granted(list_databases_for(self.client, self.instance_id, self.region, principal))
        catalogue = None
        if any(i['database_name'] is not None or i['database_id'] not in state.granted for i in items):
            catalogue = self.databases()
        resolve_databases(items, state, catalogue, self.instance_id)
        wanted_ids = []
        for item in items:
            if item['db'] not in wanted_ids:
                wanted_ids.append(item['db'])
        involved = involved_databases(wanted_ids, state, exclusive)
        self.read_accounts(state, principal, involved)
        return state, involved

    def write(self, kind, principal, entries):
        """Attach or detach ``entries`` (one call); returns the response (per-item codes in ``Results``)."""
        return (attach if kind == 'attach' else detach)(self.client, self.instance_id, self.region, principal, entries)

    def end_state(self, principal, state, involved, outcome):
        """After the plan ran: PartialFailure when an item failed, else the grants of ``involved`` as read back."""
        if outcome.failed:
            raise outcome.failure(principal)
        end = self.read_state(principal, involved)
        for database_id in involved:
            end.databases.setdefault(database_id, state.databases.get(database_id))
        return end.view(involved)


# ---------------------------------------------------------------- the engine of bastion_db_access (pure)

def resolve_databases(items, state, catalogue, instance_id):
    """Set ``item['db']`` (the database id) on every item; record looked-up databases in ``state``."""
    by_id = dict((d['database_id'], d) for d in (normalize_database(c) for c in catalogue)) if catalogue is not None else None
    for item in items:
        where = 'databases[%d]' % item['index']
        if item['database_name'] is not None:
            found = [d for d in by_id.values() if d['database_name'] == item['database_name']]
            if not found:
                raise LookupFailed('%s.database_name: no database named %r on bastion host %s' % (where, item['database_name'], instance_id))
            if len(found) > 1:
                raise LookupFailed('%s.database_name: %d databases are named %r on bastion host %s (ids %s); use database_id'
                                   % (where, len(found), item['database_name'], instance_id, ', '.join(sorted(d['database_id'] for d in found))))
            database = found[0]
        elif item['database_id'] in state.granted:
            database = state.databases[item['database_id']]
        else:
            database = by_id.get(item['database_id'])
            if database is None:
                raise LookupFailed('%s.database_id: no database with id %s on bastion host %s' % (where, item['database_id'], instance_id))
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
                raise LookupFailed('%s.account_ids: database %s has no account with id %s'
                                   % (where, _db_label(state, database_id), ', '.join(missing)))
            ids = set(item['account_ids'])
        elif item['account_names'] is not None:
            ids = set()
            for name in item['account_names']:
                found = [a['account_id'] for a in accounts.values() if a['account_name'] == name]
                if not found:
                    raise LookupFailed('%s.account_names: database %s has no account named %r' % (where, _db_label(state, database_id), name))
                if len(found) > 1:
                    raise LookupFailed('%s.account_names: database %s has %d accounts named %r (ids %s); use account_ids'
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


def compute_changes(want, state, desired_state, exclusive, keep_database_grant=False):
    """The entries to detach and to attach: each ``{'database_id', 'account_ids': sorted list or None}``.

    Never an empty account list: None means database-level. A listed database is detached whole when the task asked
    for exactly that (state=absent without accounts), or when a revocation would leave the principal no account on it
    (the database-level grant would stay behind) unless ``keep_database_grant``.
    """
    detach_entries, attach_entries = [], []
    for database_id in sorted(want, key=numeric_key):
        wanted = want[database_id]
        granted = database_id in state.granted
        held = state.authorized.get(database_id, set()) if granted else set()
        if desired_state == 'absent':
            if wanted is None:
                if granted:
                    detach_entries.append(dict(database_id=database_id, account_ids=None))
            elif granted and not keep_database_grant and not held - wanted:
                # no account of this database would remain: revoke the database-level grant too (one whole detach)
                detach_entries.append(dict(database_id=database_id, account_ids=None))
            elif wanted & held:
                detach_entries.append(dict(database_id=database_id, account_ids=_sorted(wanted & held)))
            continue
        if exclusive and held - wanted:
            detach_entries.append(dict(database_id=database_id, account_ids=_sorted(held - wanted)))
        if wanted - held:
            attach_entries.append(dict(database_id=database_id, account_ids=_sorted(wanted - held)))
        elif not granted:
            attach_entries.append(dict(database_id=database_id, account_ids=None))
    if exclusive:
        for database_id in sorted(state.granted - set(want), key=numeric_key):
            detach_entries.append(dict(database_id=database_id, account_ids=None))
    return detach_entries, attach_entries


def _sorted(ids):
    return sorted(ids, key=numeric_key)


def involved_databases(want, state, exclusive):
    ids = set(want)
    if exclusive:
        ids |= state.granted
    return sorted(ids, key=numeric_key)


def public_entry(state, entry):
    public = dict(database_id=entry['database_id'], database_name=state.name_of(entry['database_id']))
    if entry.get('account_ids') is not None:
        public['account_ids'] = list(entry['account_ids'])
        public['account_names'] = [state.account_name(entry['database_id'], a) for a in entry['account_ids']]
    return public


class Outcome:
    """The per-item results of the grant writes of one run."""

    def __init__(self):
        self.succeeded = []
        self.failed = []

    def failure(self, principal):
        """The PartialFailure that reports every failed item (the succeeded ones stay in effect)."""
        failed, succeeded = self.failed, self.succeeded
        return PartialFailure('Bastionhost refused %d of %d grant items for %s; the %d that succeeded stay in effect (run the task again '
                              'to finish): %s' % (len(failed), len(failed) + len(succeeded), principal.label(), len(succeeded),
                                                  '; '.join(describe_item(f) for f in failed)),
                              failed, succeeded, code=failed[0]['code'], operation=failed[0]['operation'])


def plan_grants(bastion, principal, state, detach_entries, attach_entries):
    """One action per call, detaches first; returns (plan, predicted end state, Outcome filled in as the calls run)."""
    plan = Plan()
    predicted = state.copy()
    outcome = Outcome()
    for kind, entries in (('detach', detach_entries), ('attach', attach_entries)):
        operation = principal.ops[kind]
        for call_entries in pack(entries):
            public = [public_entry(state, e) for e in call_entries]
            for sent, shown in zip(call_entries, public):
                sent['database_name'] = shown['database_name']
                if 'account_names' in shown:
                    sent['account_names'] = shown['account_names']
            action = plan.add(operation, None, target=principal.label(), databases=public)
            action.call = _caller(bastion, principal, kind, operation, call_entries, public, outcome, action.params)
            predicted.apply(kind, call_entries)
    return plan, predicted, outcome


def _caller(bastion, principal, kind, operation, entries, public, outcome, shown_params):
    def call():
        splits = []
        response = write_splitting(lambda batch: bastion.write(kind, principal, batch), entries, splits)
        if splits:
            shown_params['split'] = splits  # the call was refused for its size and sent again in halves
        succeeded, failed = item_results(operation, entries, response)
        outcome.succeeded.extend(succeeded)
        outcome.failed.extend(failed)
        for shown in public:
            errors = [dict((k, f[k]) for k in ('account_id', 'account_name', 'code', 'message') if f.get(k) is not None)
                      for f in failed if f['database_id'] == shown['database_id']]
            shown['result'] = 'failed' if errors else 'ok'
            if errors:
                shown['errors'] = errors
        return response.get('RequestId')
    return call


# ---------------------------------------------------------------- a call refused for its size

# The API page's "up to 10 databases and 10 database accounts" may mean 10 accounts per database (how the calls are
# packed) or 10 accounts per call in all. A call the service refuses for a count or limit (InvalidParameter naming
# it) was refused whole and wrote nothing: its batch is split in two and the halves are sent instead.
_SIZE_WORDS = re.compile(r'at most|limit|exceed|maximum|too many|more than|no more than|up to', re.IGNORECASE)


def refused_for_size(err):
    """True when ``err`` is a whole-call InvalidParameter refusal whose message names a count or a limit."""
    code, message = str(getattr(err, 'code', '') or ''), str(getattr(err, 'message', '') or '')
    return code.startswith('InvalidParameter') and bool(re.search(r'\d', message)) and bool(_SIZE_WORDS.search(message))


def _size(entries):
    return dict(databases=len(entries), accounts=sum(len(e.get('account_ids') or []) for e in entries))


def split_batch(entries):
    """Two halves of a batch (by databases when it holds several, else the one database's accounts); None when it
    cannot be split (one database-level entry or one account)."""
    if len(entries) > 1:
        middle = len(entries) // 2
        return [entries[:middle], entries[middle:]]
    accounts = entries[0].get('account_ids') if entries else None
    if not accounts or len(accounts) < 2:
        return None
    return [[chunk] for chunk in chunk_entry(entries[0], -(-len(accounts) // 2))]


def merge_responses(responses):
    """One response from the responses of a split batch: the Results per database merged (a database whose accounts
    were split appears once, with every account result, and with the first code that is not OK)."""
    merged, order = {}, []
    for response in responses:
        for result in (response or {}).get('Results') or []:
            database_id = str(result.get('DatabaseId'))
            if database_id not in merged:
                merged[database_id] = dict(result, DatabaseAccounts=list(result.get('DatabaseAccounts') or []))
                order.append(database_id)
                continue
            known = merged[database_id]
            known['DatabaseAccounts'].extend(result.get('DatabaseAccounts') or [])
            if _is_ok(known.get('Code')) and not _is_ok(result.get('Code')):
                known['Code'], known['Message'] = result.get('Code'), result.get('Message')
    request_ids = [r.get('RequestId') for r in responses if r and r.get('RequestId')]
    return dict(RequestId=', '.join(request_ids), Results=[merged[d] for d in order])


def write_splitting(write, entries, splits):
    """``write(entries)``; when the call is refused for its size, split the batch, write the halves (recursively) and
    return the merged response. Every split is appended to ``splits`` (code, message, the refused size, the halves)."""
    try:
        return write(entries)
    except ApiError as err:
        halves = split_batch(entries) if refused_for_size(err) else None
        if halves is None:
            raise
        splits.append(dict(code=err.code, message=err.message, request_id=err.request_id, halves=[_size(h) for h in halves],
                           **_size(entries)))
        return merge_responses([write_splitting(write, half, splits) for half in halves])


# ---------------------------------------------------------------- users: lock state and group membership (bastion_user)
# API reference: "Bastionhost:GetUser", "ListUsers", "ListUserGroupsForUser", "LockUsers", "UnlockUsers", "DeleteUser",
# "AddUsersToGroup", "RemoveUsersFromGroup" (alibabacloud.com/help/en/bh). UserIds is a JSON string (at most 100 ids);
# the batch answers are HTTP 200 with one Results[] item per user whose Code must be OK.

LOCKED_STATE = 'Frozen'
USER_NOT_FOUND_CODES = ('UserNotFound', 'OBJECT_NOT_FOUND')


class UserItemFailed(ApiError):
    """A batch call answered HTTP 200 with a per-user Code other than OK."""


def user_ids_param(user_ids):
    """The ``UserIds`` value: a JSON list of id strings, as the API documents it."""
    return json.dumps([str(u) for u in user_ids])


def is_locked(user):
    """A user is locked when its UserState lists Frozen (the state LockUsers leaves)."""
    return LOCKED_STATE in (user.get('UserState') or [])


def group_membership_changes(current_ids, desired_ids, exclusive):
    """(add, remove): group ids to join and to leave, sorted; groups not desired are left only with ``exclusive``."""
    add = sorted(set(desired_ids) - set(current_ids), key=numeric_key)
    remove = sorted(set(current_ids) - set(desired_ids), key=numeric_key) if exclusive else []
    return add, remove


USER_FIELDS = (('UserName', 'user_name'), ('DisplayName', 'display_name'), ('Source', 'source'))


def plain_user_view(user):
    """The view of a raw user alone (no groups, no grants) with its lock state; None when no user."""
    if user is None:
        return None
    view = api_view(user, USER_FIELDS, user_id=str(user.get('UserId')), user_state=list(user.get('UserState') or []))
    view['locked'] = is_locked(user)
    return view


def user_view(user, groups):
    """The bastion_user(_info) view of a raw user and its groups ([{user_group_id, user_group_name}]); None when no user."""
    view = plain_user_view(user)
    if view is not None:
        view['groups'] = sorted(groups, key=lambda g: (g['user_group_name'] or '', numeric_key(g['user_group_id'])))
    return view


class Users(BastionInstance):
    """The users of one bastion host: find one, read its groups, lock/unlock/delete it, change its group membership."""

    def __init__(self, client, instance_id, region=None, wait=True, wait_timeout=None):
        super(Users, self).__init__(client, instance_id, region, wait, wait_timeout)
        self._group_grants = {}  # user group id -> its grants, read once per module run

    def _params(self, **more):
        params = _base(self.instance_id, self.region)
        params.update(more)
        return params

    def find(self, user_id=None, user_name=None):
        """The raw user (GetUser by id, or ListUsers with the exact UserName filter), or None when there is none."""
        if user_name is not None:
            found = exact(list_users(self.client, self.instance_id, self.region, user_name), 'UserName', user_name)
            if len(found) > 1:
                raise LookupFailed('user_name: %d users are named %r on bastion host %s; use user_id'
                                   % (len(found), user_name, self.instance_id), code='Ambiguous')
            return found[0] if found else None
        try:
            return self.client.call('GetUser', self._params(UserId=str(user_id)), expect=('User',)).get('User')
        except ApiError as exc:
            if exc.code in USER_NOT_FOUND_CODES:
                return None
            raise

    def groups_of(self, user_id):
        """ListUserGroupsForUser, every page (until a short page: whether Count is the total or the page's count is not
        documented beyond "the total number of user groups returned"); normalised groups."""
        raw = self.client.paginate('ListUserGroupsForUser', self._params(UserId=str(user_id)), 'UserGroups', page_size=PAGE_SIZE,
                                   total_key=None)
        return [dict(user_group_id=str(g.get('UserGroupId')), user_group_name=g.get('UserGroupName')) for g in raw]

    def all_groups(self):
        """Every user group of the bastion host: [{user_group_id, user_group_name}]."""
        return [dict(user_group_id=str(g.get('UserGroupId')), user_group_name=g.get('UserGroupName'))
                for g in list_user_groups(self.client, self.instance_id, self.region)]

    def _batch(self, action, user_id, **more):
        response = self.client.call(action, self._params(UserIds=user_ids_param([user_id]), **more), write=True, idempotent=True)
        results = [r for r in response.get('Results') or [] if str(r.get('UserId')) == str(user_id)]
        code = str(results[0].get('Code')) if results else 'NO_RESULT'
        if not _is_ok(code):
            message = (results[0].get('Message') if results else '') or 'the response has no OK result for user %s' % user_id
            raise UserItemFailed(SERVICE, action, 200, code, message, response.get('RequestId'), executed=False)
        return response

    def lock(self, user_id):
        return self._batch('LockUsers', user_id)

    def unlock(self, user_id):
        return self._batch('UnlockUsers', user_id)

    def join(self, user_id, group_id):
        return self._batch('AddUsersToGroup', user_id, UserGroupId=str(group_id))

    def leave(self, user_id, group_id):
        return self._batch('RemoveUsersFromGroup', user_id, UserGroupId=str(group_id))

    def delete(self, user_id):
        return self.client.call('DeleteUser', self._params(UserId=str(user_id)), write=True)

    def grants(self, principal):
        """The principal's database grants: every authorized database with its authorized accounts."""
        state = self.read_state(principal)
        return state.view(sorted(state.granted, key=numeric_key))

    def all_users(self):
        """Every raw user of the bastion host (ListUsers, every page)."""
        return list_users(self.client, self.instance_id, self.region)

    def access_of(self, user):
        """The view of a raw ``user`` with its groups, its own grants and, per group, the group's grants (each group read
        once per module run, however many users share it)."""
        user_id = str(user['UserId'])
        view = user_view(user, self.groups_of(user_id))
        view['grants'] = self.grants(Principal('user', user_id, user.get('UserName')))
        cache = self._group_grants
        for group in view['groups']:
            if group['user_group_id'] not in cache:
                cache[group['user_group_id']] = self.grants(Principal('user_group', group['user_group_id'], group['user_group_name']))
        view['group_grants'] = [dict(user_group_id=g['user_group_id'], user_group_name=g['user_group_name'],
                                     grants=cache[g['user_group_id']]) for g in view['groups']]
        return view


def check_user_options(params):
    """Validate ``instance_id`` and the user options ``user_id``/``user_name`` (ValidationError naming the option)."""
    check_pattern('instance_id', params['instance_id'], INSTANCE_ID_PATTERN, 'a bastion host ID such as bastionhost-cn-st220aw0a0c')
    check_pattern('user_id', params.get('user_id'), NUMERIC_ID_PATTERN, 'a numeric ID')
    check_length('user_name', params.get('user_name'), NAME_MAX, 1)


# ---------------------------------------------------------------- discovery: the bastion hosts of one region

# DescribeInstances documents PageSize with a default of 10 and no maximum; 50 stays within what the product's other
# list calls accept (100), and the paging refuses a listing whose pages do not add up to TotalCount
INSTANCES_PAGE_SIZE = 50

INSTANCE_FIELDS = (
    ('Description', 'description'),
    ('ImageVersion', 'image_version'),
    ('PlanCode', 'plan_code'),
    ('Legacy', 'legacy'),
    ('InternetEndpoint', 'internet_endpoint'),
    ('IntranetEndpoint', 'intranet_endpoint'),
    ('PublicNetworkAccess', 'public_network_access'),
    ('VpcId', 'vpc_id'),
    ('ResourceGroupId', 'resource_group_id'),
    ('StartTime', 'start_time'),
    ('ExpireTime', 'expire_time'),
)


def instance_view(item, region):
    """The discovery view of a DescribeInstances item (the description is the name: a bastion host has no other)."""
    return discovery.instance_view('alibabacloud', 'bastionhost', item, INSTANCE_FIELDS, item.get('InstanceId'), item.get('Description'),
                                   item.get('RegionId') or region, item.get('InstanceStatus'))


class InstanceCatalog(discovery.Catalog):
    """The bastion hosts of one region (DescribeInstances, every page), bound to a client of that region."""

    def list(self, tags=None, status=None):
        params = {'RegionId': self.region}
        if status:
            params['InstanceStatus'] = status
        if tags:
            params['Tag'] = [dict(Key=key) if value is None else dict(Key=key, Value=value) for key, value in discovery.tag_pairs(tags)]

        def fetch(number, size):
            return self.client.call('DescribeInstances', dict(params, PageNumber=number, PageSize=size))
        return discovery.number_pages(fetch, INSTANCES_PAGE_SIZE, lambda data: data.get('Instances'), 'TotalCount',
                                      'bastionhost', 'DescribeInstances')

    def views(self, name_pattern=None, tags=None, status=None):
        return [instance_view(item, self.region) for item in self.list(tags, status)
                if discovery.name_matches(item.get('Description'), name_pattern)]
