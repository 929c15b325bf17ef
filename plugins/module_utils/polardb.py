# -*- coding: utf-8 -*-
# Copyright: dbgov.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""PolarDB (API 2017-08-01): one function per API call, and the snake_case views the modules return.

No signing or HTTP here: every call goes through ``AlibabaClient.call``/``paginate`` (module_utils/alibabacloud.py).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.dbgov.cloud.plugins.module_utils.common import (
    DIFF_CHANGED, ValidationError, check_length, check_pattern, exact_matches, wait_until,
)

SERVICE = 'polardb'

# ResetAccount answers 403 ConcurrentTaskExceeded while another task runs on the cluster: "busy, try again".
# Throttling* and ServiceUnavailable are retried by the client itself.
BUSY_CODES = ('ConcurrentTaskExceeded',)

# DescribeAccounts accepts PageSize 30, 50 or 100 and answers without a total: page until a short page.
ACCOUNTS_PAGE_SIZE = 100

CLUSTER_ID_PATTERN = r'pc-[a-z0-9]{1,64}'
CLUSTER_ID_RULE = 'a PolarDB cluster ID such as pc-bp1a2b3c4d5e6f7g8'
# CreateAccount rule for MySQL: starts with a lowercase letter, ends with a letter or digit, [a-z0-9_].
ACCOUNT_NAME_PATTERN = r'[a-z](?:[a-z0-9_]*[a-z0-9])?'
ACCOUNT_NAME_MAX = 32
PASSWORD_SPECIALS = '!@#$%^&*()_+-='
ACCOUNT_TYPES = ('Normal', 'Super', 'ReadOnly')

RUNNING = 'Running'
AVAILABLE = 'Available'
# Cluster states that do not end by themselves: waiting for Running would only burn wait_timeout.
CLUSTER_STATES_NOT_WAITED = frozenset(['Stopped', 'Deleting', 'Deleted'])
ACCOUNT_STATES_NOT_WAITED = frozenset(['Deleting'])


# ------------------------------------------------------------------ validation

def check_cluster_id(option, value):
    check_pattern(option, value, CLUSTER_ID_PATTERN, CLUSTER_ID_RULE)


# ------------------------------------------------------------------ API calls

def describe_cluster(client, cluster_id):
    """DescribeDBClusterAttribute: the raw cluster object (flat, no wrapper)."""
    return client.call('DescribeDBClusterAttribute', {'DBClusterId': cluster_id})


def list_accounts(client, cluster_id, account_name=None):
    """DescribeAccounts, every page (PageSize 100 until a short page); ``account_name`` is passed as the server filter.

    The filter's semantics (exact or prefix) are not documented: callers match names exactly themselves.
    """
    params = {'DBClusterId': cluster_id}
    if account_name:
        params['AccountName'] = account_name
    return client.paginate('DescribeAccounts', params, 'Accounts', page_size=ACCOUNTS_PAGE_SIZE, total_key=None)


def reset_account(client, cluster_id, account_name, password=None, deadline=None):
    """ResetAccount (safe to repeat): retried on ConcurrentTaskExceeded until ``deadline`` seconds have passed."""
    params = {'DBClusterId': cluster_id, 'AccountName': account_name}
    if password:
        params['AccountPassword'] = password
    return client.call('ResetAccount', params, write=True, idempotent=True, busy_codes=BUSY_CODES, deadline=deadline)


# ------------------------------------------------------------------ views

def find_account(accounts, account_name):
    """The raw account named exactly ``account_name``, or None."""
    for account in accounts:
        if account.get('AccountName') == account_name:
            return account
    return None


def normalize_privilege(raw):
    return dict(db_name=raw.get('DBName'), account_privilege=raw.get('AccountPrivilege'))


def normalize_account(raw):
    """snake_case view of a DescribeAccounts entry (never a password: the API has none to give)."""
    if raw is None:
        return None
    return dict(
        account_name=raw.get('AccountName'),
        account_type=raw.get('AccountType'),
        account_status=raw.get('AccountStatus'),
        account_lock_state=raw.get('AccountLockState'),
        account_description=raw.get('AccountDescription') or '',
        account_password_valid_time=raw.get('AccountPasswordValidTime'),
        database_privileges=sorted((normalize_privilege(p) for p in raw.get('DatabasePrivileges') or []),
                                   key=lambda p: (p['db_name'] or '', p['account_privilege'] or '')),
    )


def normalize_cluster(raw):
    """The few cluster fields the account modules report."""
    if raw is None:
        return None
    return dict(
        cluster_id=raw.get('DBClusterId'),
        description=raw.get('DBClusterDescription'),
        db_type=raw.get('DBType'),
        db_version=raw.get('DBVersion'),
        status=raw.get('DBClusterStatus'),
        lock_mode=raw.get('LockMode'),
    )


def filter_accounts(accounts, account_name=None, account_type=None):
    """Exact-name and type filters over raw accounts (both optional)."""
    return exact_matches(accounts, AccountName=account_name, AccountType=account_type)


def describe_names(accounts, limit=10):
    """'a (Super), b (Normal), ...' for error messages: what was found instead of what was asked for."""
    if not accounts:
        return 'none'
    shown = ['%s (%s)' % (a.get('AccountName'), a.get('AccountType')) for a in accounts[:limit]]
    if len(accounts) > limit:
        shown.append('and %d more' % (len(accounts) - limit))
    return ', '.join(shown)


# ------------------------------------------------------------------ standard accounts (polardb_account)
# API reference: "PolarDB:CreateAccount", "DeleteAccount", "ModifyAccountDescription", "ModifyAccountPassword",
# "GrantAccountPrivilege", "RevokeAccountPrivilege", "ModifyAccountLockState" (alibabacloud.com/help/en/polardb).

PRIVILEGES = ('ReadWrite', 'ReadOnly', 'DMLOnly', 'DDLOnly', 'ReadIndex')
LOCKED, UNLOCKED = 'Lock', 'UnLock'
NORMAL, SUPER = 'Normal', 'Super'
NEW_ACCOUNT_NAME_MAX = 16
DESCRIPTION_MIN, DESCRIPTION_MAX = 2, 256
# database names: letters, digits, underscores and hyphens, starting with a letter or digit (at most 64 characters)
DB_NAME_PATTERN = r'[A-Za-z0-9][A-Za-z0-9_-]{0,63}'


def check_description(option, value):
    """CreateAccount/ModifyAccountDescription rule: 2 to 256 characters, not starting with http:// or https://."""
    if value is None:
        return
    check_length(option, value, DESCRIPTION_MAX, DESCRIPTION_MIN)
    if value.lower().startswith(('http://', 'https://')):
        raise ValidationError('%s: must not start with http:// or https://' % option)


def privilege_map(raw):
    """{database name: privilege} of a raw DescribeAccounts entry."""
    return dict((p.get('DBName'), p.get('AccountPrivilege')) for p in (raw or {}).get('DatabasePrivileges') or [])


def standard_account_view(raw, password_changed=False):
    """normalize_account plus ``locked`` (bool) and, when a password is set by the run, ``password: <changed>``."""
    if raw is None:
        return None
    view = normalize_account(raw)
    view['locked'] = raw.get('AccountLockState') == LOCKED
    if password_changed:
        view['password'] = DIFF_CHANGED
    return view


def privilege_changes(current, desired, exclusive):
    """(revoke, grant): the databases to revoke (sorted) and {database: privilege} to grant.

    ``current``/``desired`` map database -> privilege. A database whose privilege differs is revoked and granted again:
    the documentation says that GrantAccountPrivilege answers success when the account already has access to the
    database, not that it replaces the privilege. With ``exclusive``, databases not desired are revoked too.
    """
    revoke = set(db for db, privilege in desired.items() if db in current and current[db] != privilege)
    if exclusive:
        revoke |= set(current) - set(desired)
    grant = dict((db, privilege) for db, privilege in desired.items() if current.get(db) != privilege)
    return sorted(revoke), grant


def predict_account(raw, name, description=None, privileges=None, revoke=(), lock_state=None):
    """The raw account as DescribeAccounts would show it after the planned actions (``raw`` None: a new Normal account)."""
    after = dict(raw) if raw is not None else dict(
        AccountName=name, AccountType=NORMAL, AccountStatus=AVAILABLE, AccountLockState=UNLOCKED, AccountDescription='',
        AccountPasswordValidTime='undefined', DatabasePrivileges=[])
    held = privilege_map(after)
    for db in revoke:
        held.pop(db, None)
    held.update(privileges or {})
    after['DatabasePrivileges'] = [dict(DBName=db, AccountPrivilege=p) for db, p in sorted(held.items())]
    if description is not None:
        after['AccountDescription'] = description
    if lock_state is not None:
        after['AccountLockState'] = lock_state
    return after


class StandardAccounts:
    """The standard accounts of one PolarDB for MySQL cluster: read them, write them, wait for them."""

    def __init__(self, client, cluster_id, wait=True, timeout=600):
        self.client = client
        self.cluster_id = cluster_id
        self.wait = wait
        self.timeout = timeout

    def _params(self, name, **more):
        params = {'DBClusterId': self.cluster_id, 'AccountName': name}
        params.update((k, v) for k, v in more.items() if v is not None)
        return params

    def cluster(self):
        """DescribeDBClusterAttribute (raw)."""
        return describe_cluster(self.client, self.cluster_id)

    def wait_running(self, raw):
        """The cluster once Running (bounded by the timeout; not for states that do not end by themselves)."""
        status = raw.get('DBClusterStatus')
        if status == RUNNING or not self.wait or status in CLUSTER_STATES_NOT_WAITED:
            return raw
        box = [raw]

        def settled():
            box[0] = self.cluster()
            return box[0].get('DBClusterStatus') in (RUNNING,) + tuple(CLUSTER_STATES_NOT_WAITED)
        wait_until(settled, self.timeout)
        return box[0]

    def read(self, name):
        """The raw account named exactly ``name`` (DescribeAccounts with the name filter, every page), or None."""
        return find_account(list_accounts(self.client, self.cluster_id, name), name)

    def wait_available(self, name):
        """Read ``name`` until it is Available or gone (bounded); return the last read (None: gone)."""
        box = [None]

        def settled():
            box[0] = self.read(name)
            return box[0] is None or box[0].get('AccountStatus') == AVAILABLE
        if self.wait:
            wait_until(settled, self.timeout)
        else:
            box[0] = self.read(name)
        return box[0]

    def _write(self, action, params):
        return self.client.call(action, params, write=True, busy_codes=BUSY_CODES, deadline=self.timeout)

    def create(self, name, password, description=None, privileges=None):
        """CreateAccount of a Normal account, with its database privileges in the same call (aligned comma lists)."""
        dbs = sorted(privileges or {})
        params = self._params(name, AccountPassword=password, AccountType=NORMAL, AccountDescription=description)
        if dbs:
            params['DBName'] = ','.join(dbs)
            params['AccountPrivilege'] = ','.join(privileges[db] for db in dbs)
        result = self._write('CreateAccount', params)
        if self.wait:
            self.wait_available(name)
        return result

    def delete(self, name):
        return self._write('DeleteAccount', self._params(name))

    def set_description(self, name, description):
        return self._write('ModifyAccountDescription', self._params(name, AccountDescription=description))

    def set_password(self, name, password):
        return self._write('ModifyAccountPassword', self._params(name, NewAccountPassword=password))

    def grant(self, name, privileges):
        """GrantAccountPrivilege for {database: privilege} in one call (aligned comma lists); safe to repeat."""
        dbs = sorted(privileges)
        params = self._params(name, DBName=','.join(dbs), AccountPrivilege=','.join(privileges[db] for db in dbs))
        return self.client.call('GrantAccountPrivilege', params, write=True, idempotent=True, busy_codes=BUSY_CODES,
                                deadline=self.timeout)

    def revoke(self, name, databases):
        """RevokeAccountPrivilege for the databases in one call (comma list); safe to repeat."""
        return self.client.call('RevokeAccountPrivilege', self._params(name, DBName=','.join(sorted(databases))), write=True,
                                idempotent=True, busy_codes=BUSY_CODES, deadline=self.timeout)

    def set_lock(self, name, locked):
        """ModifyAccountLockState (Lock/UnLock); setting the state it already has changes nothing."""
        return self.client.call('ModifyAccountLockState', self._params(name, AccountLockState=LOCKED if locked else UNLOCKED),
                                write=True, idempotent=True, busy_codes=BUSY_CODES, deadline=self.timeout)


def check_account_name(option, value):
    """The documented account-name rule (2 to ACCOUNT_NAME_MAX characters; new MySQL accounts: at most 16)."""
    check_length(option, value, ACCOUNT_NAME_MAX, 2)
    check_pattern(option, value, ACCOUNT_NAME_PATTERN,
                  'lowercase letters, digits and underscores, starting with a letter and ending with a letter or digit')
