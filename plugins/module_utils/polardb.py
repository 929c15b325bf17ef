# -*- coding: utf-8 -*-
# Copyright: dbgov.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""PolarDB (API 2017-08-01): one function per API call, and the snake_case views the modules return.

No signing or HTTP here: every call goes through ``AlibabaClient.call``/``paginate`` (module_utils/alibabacloud.py).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.dbgov.cloud.plugins.module_utils.common import check_pattern, exact_matches
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


# ------------------------------------------------------------------ discovery: the clusters of one region

CLUSTERS_PAGE_SIZE = 100  # DescribeDBClusters accepts 30, 50 or 100 and answers with TotalRecordCount

# API field -> view field of a DescribeDBClusters item
CLUSTER_FIELDS = (
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
    view = dict(instance_id=item.get('DBClusterId'), cluster_id=item.get('DBClusterId'), name=item.get('DBClusterDescription'),
                region=item.get('RegionId') or region, status=item.get('DBClusterStatus'), cloud='alibabacloud', service=SERVICE)
    view.update((name, item.get(key)) for key, name in CLUSTER_FIELDS)
    tags = (item.get('Tags') or {}).get('Tag') if isinstance(item.get('Tags'), dict) else item.get('Tags')
    view['tags'] = dict((t.get('Key'), t.get('Value')) for t in tags or [] if isinstance(t, dict))
    return view


def _cluster_items(data):
    items = data.get('Items') if isinstance(data, dict) else None
    return items.get('DBCluster') if isinstance(items, dict) else None


class ClusterCatalog:
    """The PolarDB clusters of one region (DescribeDBClusters, every page), bound to a client of that region."""

    def __init__(self, client, region):
        self.client = client
        self.region = region

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
