# -*- coding: utf-8 -*-
# Copyright: dbgov.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""PolarDB (API 2017-08-01): one function per API call, the snake_case views the modules return, ``PolarDBCluster``
(one cluster during one module run: reads, the reset, and the pre-flight checks and waits around it) and the pure
plan function ``plan_reset``.

No signing or HTTP here: every call goes through ``AlibabaClient.call``/``paginate`` (module_utils/alibabacloud.py).
API reference: https://www.alibabacloud.com/help/en/polardb/api-polardb-2017-08-01-resetaccount
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.dbgov.cloud.plugins.module_utils.common import (
    DIFF_CHANGED, SECRET_PLACEHOLDER, ModuleFailure, Plan, Service, ValidationError, api_view, check_length, check_pattern,
    pattern_check,
)
from ansible_collections.dbgov.cloud.plugins.module_utils import discovery

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

check_cluster_id = pattern_check(CLUSTER_ID_PATTERN, CLUSTER_ID_RULE)


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


CLUSTER_FIELDS = (('DBClusterId', 'cluster_id'), ('DBClusterDescription', 'description'), ('DBType', 'db_type'),
                  ('DBVersion', 'db_version'), ('DBClusterStatus', 'status'), ('LockMode', 'lock_mode'))


def normalize_cluster(raw):
    """The few cluster fields the account modules report."""
    return api_view(raw, CLUSTER_FIELDS)


def describe_names(accounts, limit=10):
    """'a (Super), b (Normal), ...' for error messages: what was found instead of what was asked for."""
    if not accounts:
        return 'none'
    shown = ['%s (%s)' % (a.get('AccountName'), a.get('AccountType')) for a in accounts[:limit]]
    if len(accounts) > limit:
        shown.append('and %d more' % (len(accounts) - limit))
    return ', '.join(shown)


PERMISSIONS_BEFORE = 'unknown'
PERMISSIONS_AFTER = 'reset'


# ------------------------------------------------------------------ one cluster during one module run

class PolarDBCluster(Service):
    """One PolarDB cluster: reads, the privileged-account reset, and the read-only checks and waits before and after it.

    Every check raises ModuleFailure (``operation`` and ``resource_id`` in the result) instead of returning a failure.
    """

    SERVICE = SERVICE

    def __init__(self, client, cluster_id, region=None, wait=True, wait_timeout=None, sleep=None, clock=None):
        super(PolarDBCluster, self).__init__(client, cluster_id, region, wait, wait_timeout, sleep, clock)
        self.cluster_id = cluster_id
        self.cluster = None   # the normalised cluster, once check_cluster() read it

    # reads and the write
    def describe(self):
        return describe_cluster(self.client, self.cluster_id)

    def accounts(self, account_name=None):
        return list_accounts(self.client, self.cluster_id, account_name)

    def read_account(self, account_name):
        """The account as DescribeAccounts (filtered by its name) lists it now, or None."""
        return find_account(self.accounts(account_name), account_name)

    def reset(self, account_name, password=None):
        return reset_account(self.client, self.cluster_id, account_name, password, deadline=self.wait_timeout)

    # the pre-flight checks and waits
    def refuse(self, msg, **fields):
        """Raise ModuleFailure: a check failed (the result names the cluster)."""
        raise ModuleFailure(msg, resource_id=self.cluster_id, **fields)

    def check_cluster(self, after_reset=False, **fields):
        """DescribeDBClusterAttribute: MySQL only; wait (bounded) while not Running."""
        raw = self.describe()
        db_type = raw.get('DBType')
        if db_type != 'MySQL':
            self.refuse('cluster_id: cluster %s is a PolarDB for %s cluster; ResetAccount supports only PolarDB for MySQL clusters'
                        % (self.cluster_id, db_type or 'unknown-engine'), operation='DescribeDBClusterAttribute')
        status = raw.get('DBClusterStatus')
        if status != RUNNING and self.wait and status not in CLUSTER_STATES_NOT_WAITED:
            raw = self.wait_for(self.describe, 'DBClusterStatus', RUNNING, CLUSTER_STATES_NOT_WAITED)
            status = raw.get('DBClusterStatus')
        self.cluster = normalize_cluster(raw)
        if status != RUNNING:
            stuck = 'it will not become Running by itself' if status in CLUSTER_STATES_NOT_WAITED else None
            self.refuse_not_ready('cluster %s' % self.cluster_id, status, RUNNING, stuck, after_reset,
                                  operation='DescribeDBClusterAttribute', **fields)
        return raw

    def check_account(self, account_name):
        """DescribeAccounts (every page): the account must exist and be the Super account; wait while not Available."""
        accounts = self.accounts()
        raw = find_account(accounts, account_name)
        if raw is None:
            self.refuse('account_name: cluster %s has no account named %r; its accounts are: %s'
                        % (self.cluster_id, account_name, describe_names(accounts)), operation='DescribeAccounts')
        account_type = raw.get('AccountType')
        if account_type != 'Super':
            supers = [a.get('AccountName') for a in accounts if a.get('AccountType') == 'Super']
            hint = ('; the privileged account of this cluster is %s' % ', '.join(supers)) if supers else '; this cluster has no Super account'
            self.refuse('account_name: account %r of cluster %s is a %s account; ResetAccount resets only the privileged (Super) account%s'
                        % (account_name, self.cluster_id, account_type, hint), operation='DescribeAccounts')
        return self.wait_account(raw)

    def wait_account(self, raw, after_reset=False, **fields):
        account_name = raw.get('AccountName')
        status = raw.get('AccountStatus')
        if status != AVAILABLE and self.wait and status not in ACCOUNT_STATES_NOT_WAITED:
            raw = self.wait_for(lambda: self.read_account(account_name), 'AccountStatus', AVAILABLE, ACCOUNT_STATES_NOT_WAITED)
            if raw is None:
                self.refuse('account %r of cluster %s disappeared while waiting for it to be Available' % (account_name, self.cluster_id),
                            operation='DescribeAccounts', **fields)
            status = raw.get('AccountStatus')
        if status != AVAILABLE:
            stuck = 'it is being deleted' if status in ACCOUNT_STATES_NOT_WAITED else None
            self.refuse_not_ready('account %r of cluster %s' % (account_name, self.cluster_id), status, AVAILABLE, stuck, after_reset,
                                  operation='DescribeAccounts', **fields)
        return raw

    def wait_for(self, read, field, wanted, not_waited):
        """Read again (``read()``, bounded by wait_timeout) until ``field`` is ``wanted`` or in ``not_waited`` (it will not end
        by itself) or the object is gone; return the last object read (None: gone)."""
        box = [None]

        def settled():
            box[0] = read()
            return box[0] is None or box[0].get(field) == wanted or box[0].get(field) in not_waited

        self.wait_until(settled)
        return box[0]

    def refuse_not_ready(self, what, status, wanted, stuck, after_reset, **fields):
        """Raise: ``what`` is ``status``, not ``wanted``; why waiting did not help (``stuck``: a status that will not end by itself)
        and whether anything was changed."""
        if stuck:
            why = stuck
        elif self.wait:
            why = 'still not %s after waiting %d seconds (wait_timeout)' % (wanted, self.wait_timeout)
        else:
            why = 'wait is false'
        when = 'after the reset' if after_reset else 'before the reset; nothing was changed'
        self.refuse('%s is %s, not %s (%s), %s' % (what, status, wanted, why, when), **fields)

    def after_reset(self, account_name, **fields):
        """The end state: wait for Running/Available again (wait=true), then the account as read back. ``fields`` (the
        reset's request id) go into a failure."""
        if self.wait:
            self.check_cluster(after_reset=True, **fields)
        found = self.read_account(account_name)
        if found is None:
            self.refuse('account %r of cluster %s is missing after the reset' % (account_name, self.cluster_id), operation='DescribeAccounts', **fields)
        if self.wait:
            found = self.wait_account(found, after_reset=True, **fields)
        return found


# ------------------------------------------------------------------ the plan (pure)

def reset_view(raw, permissions, password_set):
    """The account view of polardb_account_reset: the permissions it knows of and, when set, the password as <changed>."""
    view = normalize_account(raw)
    view['permissions'] = permissions
    if password_set:
        view['password'] = DIFF_CHANGED
    return view


def plan_reset(cluster, account_name, password=None):
    """One ResetAccount (the API offers no way to read whether the privileged grants are broken)."""
    shown = dict(DBClusterId=cluster.cluster_id, AccountName=account_name)
    if password:
        shown['AccountPassword'] = SECRET_PLACEHOLDER
    plan = Plan()
    plan.add('ResetAccount', lambda: cluster.reset(account_name, password), target='%s/%s' % (cluster.cluster_id, account_name), **shown)
    return plan


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
        DatabasePrivileges=[])
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


class StandardAccounts(PolarDBCluster):
    """The standard accounts of one PolarDB for MySQL cluster: read them, write them, wait for them (bounded by wait_timeout)."""

    def _params(self, name, **more):
        params = {'DBClusterId': self.cluster_id, 'AccountName': name}
        params.update((k, v) for k, v in more.items() if v is not None)
        return params

    def wait_running(self, raw):
        """The cluster once Running (bounded by wait_timeout; not for states that do not end by themselves)."""
        status = raw.get('DBClusterStatus')
        if status == RUNNING or not self.wait or status in CLUSTER_STATES_NOT_WAITED:
            return raw
        return self.wait_for(self.describe, 'DBClusterStatus', RUNNING, CLUSTER_STATES_NOT_WAITED)

    def wait_available(self, name):
        """Read ``name`` until it is Available or gone (bounded); return the last read (None: gone)."""
        if not self.wait:
            return self.read_account(name)
        return self.wait_for(lambda: self.read_account(name), 'AccountStatus', AVAILABLE, ())

    def _write(self, action, params):
        return self.client.call(action, params, write=True, busy_codes=BUSY_CODES, deadline=self.wait_timeout)

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
                                deadline=self.wait_timeout)

    def revoke(self, name, databases):
        """RevokeAccountPrivilege for the databases in one call (comma list); safe to repeat."""
        return self.client.call('RevokeAccountPrivilege', self._params(name, DBName=','.join(sorted(databases))), write=True,
                                idempotent=True, busy_codes=BUSY_CODES, deadline=self.wait_timeout)

    def set_lock(self, name, locked):
        """ModifyAccountLockState (Lock/UnLock); setting the state it already has changes nothing."""
        return self.client.call('ModifyAccountLockState', self._params(name, AccountLockState=LOCKED if locked else UNLOCKED),
                                write=True, idempotent=True, busy_codes=BUSY_CODES, deadline=self.wait_timeout)


def check_account_name(option, value):
    """The documented account-name rule (2 to ACCOUNT_NAME_MAX characters; new MySQL accounts: at most 16)."""
    check_length(option, value, ACCOUNT_NAME_MAX, 2)
    check_pattern(option, value, ACCOUNT_NAME_PATTERN,
                  'lowercase letters, digits and underscores, starting with a letter and ending with a letter or digit')


# ------------------------------------------------------------------ discovery: the clusters of one region

CLUSTERS_PAGE_SIZE = 100  # DescribeDBClusters accepts 30, 50 or 100 and answers with TotalRecordCount

# API field -> view field of a DescribeDBClusters item
LISTED_CLUSTER_FIELDS = (
    ('DBType', 'db_type'),
    ('DBVersion', 'db_version'),
    ('Engine', 'engine'),
    ('Category', 'category'),
    ('ZoneId', 'zone_id'),
    ('PayType', 'pay_type'),
    ('CreateTime', 'create_time'),
    ('ExpireTime', 'expire_time'),
    ('LockMode', 'lock_mode'),
    ('DBNodeNumber', 'db_node_number'),
    ('ResourceGroupId', 'resource_group_id'),
)


def cluster_view(item, region):
    """The discovery view of a DescribeDBClusters item: ``instance_id`` and ``cluster_id`` are both the cluster ID, the
    description is the name; tags as a dict."""
    view = discovery.instance_view('alibabacloud', SERVICE, item, LISTED_CLUSTER_FIELDS, item.get('DBClusterId'),
                                   item.get('DBClusterDescription'), item.get('RegionId') or region, item.get('DBClusterStatus'))
    view['cluster_id'] = item.get('DBClusterId')
    tags = (item.get('Tags') or {}).get('Tag') if isinstance(item.get('Tags'), dict) else item.get('Tags')
    view['tags'] = dict((t.get('Key'), t.get('Value')) for t in tags or [] if isinstance(t, dict))
    return view


def _cluster_items(data):
    items = data.get('Items') if isinstance(data, dict) else None
    return items.get('DBCluster') if isinstance(items, dict) else None


class ClusterCatalog(discovery.Catalog):
    """The PolarDB clusters of one region (DescribeDBClusters, every page), bound to a client of that region."""

    def list(self, tags=None, db_type=None):
        params = {'RegionId': self.region}
        if db_type:
            params['DBType'] = db_type
        if tags:
            params['Tag'] = [dict(Key=key) if value is None else dict(Key=key, Value=value) for key, value in discovery.tag_pairs(tags)]

        def fetch(number, size):
            return self.client.call('DescribeDBClusters', dict(params, PageNumber=number, PageSize=size))
        return discovery.number_pages(fetch, CLUSTERS_PAGE_SIZE, _cluster_items, 'TotalRecordCount', SERVICE, 'DescribeDBClusters')

    def views(self, name_pattern=None, tags=None, db_type=None):
        return [cluster_view(item, self.region) for item in self.list(tags, db_type)
                if discovery.name_matches(item.get('DBClusterDescription'), name_pattern)]
