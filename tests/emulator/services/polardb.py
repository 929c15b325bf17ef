"""Alibaba Cloud PolarDB (API 2017-08-01): clusters and their database accounts.

Served actions (RPC style, every business parameter in the query string): DescribeDBClusters,
DescribeDBClusterAttribute, DescribeAccounts, ResetAccount. Fields, types and error codes follow
the SDK alibabacloud-polardb20170801 models and the official API pages.

Choices the documentation leaves open (UNVERIFIED, marked "emulator choice" below):
- DescribeAccounts' AccountName filter matches exactly; a PageSize other than 30/50/100 is refused.
- ResetAccount on a non-MySQL cluster, a cluster that is not Running, a missing or non-Super account: the
  codes below are plausible, not documented for this action. The collection checks all of these before writing.
- ResetAccount changes no status; with AccountPassword it records the new password's SHA-256 in state['resets'].

State (seed/polardb.json): {"clusters": [{DescribeDBClusterAttribute fields..., "Accounts": [DescribeAccounts entries]}],
"resets": [...]}. A cluster may carry "GenerateAccounts": {"Prefix", "Count", "Start", "AccountType",
"DBName", "AccountPrivilege"} which seeding expands into that many Normal accounts (large estates for paging).

Control hooks (POST /_emulator/control/polardb/<hook>, JSON body):
- cluster_status {"cluster_id", "status", "reads": N, "then": "Running"}: the cluster shows `status` for the next
  N reads (DescribeDBClusterAttribute / DescribeDBClusters) and `then` afterwards; without "reads" it stays.
- account_status {"cluster_id", "account_name", "status", "reads": N, "then": "Available"}: the same for an account
  (counted on DescribeAccounts calls on its cluster).
- make_busy {"cluster_id", "count": N}: the next N ResetAccount calls on the cluster answer 403 ConcurrentTaskExceeded.
- add_clusters {"region", "count", "prefix": "bulk", "db_type": "MySQL", "tags": [{"Key", "Value"}]}: append that many
  generated clusters to a region (ids pc-<prefix><region letters><number>, large estates for discovery tests).
Control value (POST /_emulator/control/polardb): "denied_regions": [region, ...]: DescribeDBClusters for those regions
answers 403 Forbidden.RAM (emulator choice for "the credentials may not read this region").
"""

import copy
import datetime
import hashlib
import re

from ..core import AlibabaService, ApiError

SERVICE = AlibabaService('polardb', version='2017-08-01')

PAGE_SIZES = (30, 50, 100)
DEFAULT_PAGE_SIZE = 30
CLUSTER_ID_RE = re.compile(r'^pc-[a-z0-9]+$')
ACCOUNT_NAME_RE = re.compile(r'^[a-z][a-z0-9_]{0,30}[a-z0-9]$')
PASSWORD_SPECIALS = '!@#$%^&*()_+-='

ACCOUNT_FIELDS = ('AccountName', 'AccountDescription', 'AccountType', 'AccountStatus', 'AccountLockState',
                  'AccountPasswordValidTime', 'DatabasePrivileges')
# DescribeDBClusters items carry these (SDK DescribeDBClustersResponseBodyItemsDBCluster); DBNodes/Tags are wrapped.
LIST_FIELDS = ('DBClusterId', 'DBClusterDescription', 'DBType', 'DBVersion', 'Engine', 'DBClusterStatus', 'Category',
               'RegionId', 'ZoneId', 'PayType', 'CreateTime', 'ExpireTime', 'Expired', 'LockMode', 'DeletionLock',
               'VpcId', 'VswitchId', 'DBClusterNetworkType', 'DBNodeClass', 'DBNodeNumber', 'StorageType',
               'StorageUsed', 'StoragePayType', 'ResourceGroupId', 'ServerlessType', 'SubCategory', 'StrictConsistency')


# ---------------------------------------------------------------------------------------------- errors

def cluster_not_found():
    # Documented text (PolarDB API pages): the message says DBInstanceId although the parameter is DBClusterId.
    return ApiError(404, 'InvalidDBClusterId.NotFound', 'The DBInstanceId provided does not exist in our records.')


def cluster_malformed():
    return ApiError(404, 'InvalidDBClusterId.Malformed', 'The specified parameter DBClusterId is not valid.')


def page_param(ctx, name, default, allowed=None):
    raw = ctx.params.get(name, '')
    if raw == '':
        return default
    try:
        value = int(raw)
    except ValueError:
        value = None
    if value is None or value < 1 or (allowed is not None and value not in allowed):
        # emulator choice: the documentation lists the valid values but not the answer to others
        raise ApiError(400, f'Invalid{name}.Malformed', f'The specified parameter {name} is not valid.')
    return value


# ---------------------------------------------------------------------------------------------- seed

def _generated_accounts(spec):
    start, count = int(spec.get('Start', 1)), int(spec['Count'])
    width = max(3, len(str(start + count - 1)))
    for number in range(start, start + count):
        account = {'AccountName': f"{spec['Prefix']}{number:0{width}d}", 'AccountType': spec.get('AccountType', 'Normal'),
                   'AccountDescription': spec.get('Description', '')}
        if spec.get('DBName'):
            account['DatabasePrivileges'] = [{'DBName': spec['DBName'], 'AccountPrivilege': spec.get('AccountPrivilege', 'ReadOnly')}]
        yield account


def seed_defaults(state):
    """Fill the fields the seed leaves out with the values a real cluster/account would show."""
    state.setdefault('resets', [])
    for cluster in state.setdefault('clusters', []):
        spec = cluster.pop('GenerateAccounts', None)
        accounts = cluster.setdefault('Accounts', [])
        if spec:
            accounts.extend(_generated_accounts(spec))
        region = cluster.setdefault('RegionId', 'cn-hangzhou')
        zone = cluster.setdefault('ZoneId', f'{region}-i')
        cluster.setdefault('ZoneIds', zone)
        cluster.setdefault('DBClusterDescription', cluster['DBClusterId'])
        cluster.setdefault('DBVersion', '8.0')
        cluster.setdefault('Engine', 'POLARDB')
        cluster.setdefault('DBClusterStatus', 'Running')
        cluster.setdefault('Category', 'Normal')
        cluster.setdefault('SubCategory', 'Exclusive')
        cluster.setdefault('PayType', 'Postpaid')
        cluster.setdefault('CreationTime', '2024-03-18T02:14:51Z')
        cluster.setdefault('ExpireTime', '')
        cluster.setdefault('Expired', 'false')
        cluster.setdefault('LockMode', 'Unlock')
        cluster.setdefault('DeletionLock', 0)
        cluster.setdefault('MaintainTime', '18:00Z-19:00Z')
        cluster.setdefault('VPCId', 'vpc-bp1emu0000000000000')
        cluster.setdefault('VSwitchId', 'vsw-bp1emu0000000000000')
        cluster.setdefault('DBClusterNetworkType', 'VPC')
        cluster.setdefault('DBNodeClass', 'polar.mysql.x4.large' if cluster.get('DBType') == 'MySQL' else 'polar.pg.x4.large')
        cluster.setdefault('StorageType', 'psl5')
        cluster.setdefault('StoragePayType', 'Postpaid')
        cluster.setdefault('StorageUsed', 3221225472)
        cluster.setdefault('StorageSpace', 53687091200)
        cluster.setdefault('ResourceGroupId', 'rg-acfmemu000000')
        cluster.setdefault('StrictConsistency', 'ON')
        cluster.setdefault('Tags', [])
        if 'DBNodes' not in cluster:
            suffix = cluster['DBClusterId'][3:]
            cluster['DBNodes'] = [
                {'DBNodeId': f'pi-{suffix}w', 'DBNodeRole': 'Writer', 'DBNodeStatus': 'Running', 'DBNodeClass': cluster['DBNodeClass'],
                 'ZoneId': zone, 'FailoverPriority': 1, 'MaxConnections': 8000, 'MaxIOPS': 32000, 'CpuCores': '4', 'MemorySize': '16384',
                 'CreationTime': cluster['CreationTime'], 'HotReplicaMode': 'OFF', 'ImciSwitch': 'OFF'},
                {'DBNodeId': f'pi-{suffix}r', 'DBNodeRole': 'Reader', 'DBNodeStatus': 'Running', 'DBNodeClass': cluster['DBNodeClass'],
                 'ZoneId': zone, 'FailoverPriority': 1, 'MaxConnections': 8000, 'MaxIOPS': 32000, 'CpuCores': '4', 'MemorySize': '16384',
                 'CreationTime': cluster['CreationTime'], 'HotReplicaMode': 'OFF', 'ImciSwitch': 'OFF'},
            ]
        for account in accounts:
            account.setdefault('AccountDescription', '')
            account.setdefault('AccountType', 'Normal')
            account.setdefault('AccountStatus', 'Available')
            account.setdefault('AccountLockState', 'UnLock')
            account.setdefault('AccountPasswordValidTime', 'undefined')
            account.setdefault('DatabasePrivileges', [])


# ---------------------------------------------------------------------------------------------- helpers

def find_cluster(ctx, cluster_id):
    if not CLUSTER_ID_RE.match(cluster_id):
        raise cluster_malformed()
    for cluster in ctx.state['clusters']:
        if cluster['DBClusterId'] == cluster_id:
            return cluster
    raise cluster_not_found()


def _observe_cluster(ctx, cluster):
    """One read of the cluster: count it against a pending cluster_status transition (after the answer is built)."""
    pending = ctx.control.get('cluster_transitions', {}).get(cluster['DBClusterId'])
    if pending is not None:
        pending['reads'] -= 1
        if pending['reads'] <= 0:
            cluster['DBClusterStatus'] = pending['then']
            del ctx.control['cluster_transitions'][cluster['DBClusterId']]


def _observe_accounts(ctx, cluster):
    transitions = ctx.control.get('account_transitions', {})
    for key in list(transitions):
        cluster_id, _sep, name = key.partition('/')
        if cluster_id != cluster['DBClusterId']:
            continue
        pending = transitions[key]
        pending['reads'] -= 1
        if pending['reads'] <= 0:
            for account in cluster['Accounts']:
                if account['AccountName'] == name:
                    account['AccountStatus'] = pending['then']
            del transitions[key]


def cluster_attribute(cluster):
    return {key: copy.deepcopy(value) for key, value in cluster.items() if key not in ('Accounts', 'ZoneId')}


def cluster_list_item(cluster):
    item = {key: copy.deepcopy(cluster[key]) for key in LIST_FIELDS if key in cluster}
    item['CreateTime'] = cluster.get('CreationTime')
    item['DBNodeNumber'] = len(cluster.get('DBNodes', []))
    nodes = []
    for node in cluster.get('DBNodes', []):
        entry = {key: node[key] for key in ('DBNodeId', 'DBNodeRole', 'DBNodeClass', 'ZoneId', 'HotReplicaMode', 'ImciSwitch') if key in node}
        entry['RegionId'] = cluster['RegionId']
        nodes.append(entry)
    item['DBNodes'] = {'DBNode': nodes}
    item['Tags'] = {'Tag': copy.deepcopy(cluster.get('Tags', []))}
    return item


def account_entry(account):
    return {key: copy.deepcopy(account[key]) for key in ACCOUNT_FIELDS if key in account}


def password_ok(password):
    classes = sum((any(c.islower() for c in password), any(c.isupper() for c in password), any(c.isdigit() for c in password),
                   any(c in PASSWORD_SPECIALS for c in password)))
    allowed = all((c.isascii() and c.isalnum()) or c in PASSWORD_SPECIALS for c in password)
    return 8 <= len(password) <= 32 and classes >= 3 and allowed


def now():
    return datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ')


# ---------------------------------------------------------------------------------------------- actions

def denied(ctx, region):
    if region in (ctx.control.get('denied_regions') or []):
        raise ApiError(403, 'Forbidden.RAM', 'User not authorized to operate on the specified resource, or this API doesn\'t support RAM.')


@SERVICE.action('DescribeDBClusters', write=False)
def describe_dbclusters(ctx):
    region = ctx.require('RegionId')
    denied(ctx, region)
    page_number = page_param(ctx, 'PageNumber', 1)
    page_size = page_param(ctx, 'PageSize', DEFAULT_PAGE_SIZE, PAGE_SIZES)
    ids = [value.strip() for value in ctx.params.get('DBClusterIds', '').split(',') if value.strip()]
    db_type = ctx.params.get('DBType', '')
    status = ctx.params.get('DBClusterStatus', '')
    description = ctx.params.get('DBClusterDescription', '')
    tags = [tag for tag in ctx.get_list('Tag') if isinstance(tag, dict) and tag.get('Key')]
    selected = []
    for cluster in ctx.state['clusters']:
        cluster_tags = {tag['Key']: tag.get('Value') for tag in cluster.get('Tags', [])}
        if cluster['RegionId'] != region or (ids and cluster['DBClusterId'] not in ids):
            continue
        if db_type and cluster['DBType'].lower() != db_type.lower():
            continue
        if status and cluster['DBClusterStatus'] != status:
            continue
        if description and description not in cluster.get('DBClusterDescription', ''):
            continue
        if any(tag['Key'] not in cluster_tags or ('Value' in tag and cluster_tags[tag['Key']] != tag['Value']) for tag in tags):
            continue
        selected.append(cluster)
    page = selected[(page_number - 1) * page_size:page_number * page_size]
    items = [cluster_list_item(cluster) for cluster in page]
    for cluster in page:
        _observe_cluster(ctx, cluster)
    return 200, {'Items': {'DBCluster': items}, 'PageNumber': page_number, 'PageRecordCount': len(items), 'TotalRecordCount': len(selected)}


@SERVICE.action('DescribeDBClusterAttribute', write=False)
def describe_dbcluster_attribute(ctx):
    cluster = find_cluster(ctx, ctx.require('DBClusterId'))
    body = cluster_attribute(cluster)
    _observe_cluster(ctx, cluster)
    return 200, body


@SERVICE.action('DescribeAccounts', write=False)
def describe_accounts(ctx):
    cluster = find_cluster(ctx, ctx.require('DBClusterId'))
    page_number = page_param(ctx, 'PageNumber', 1)
    page_size = page_param(ctx, 'PageSize', DEFAULT_PAGE_SIZE, PAGE_SIZES)
    name = ctx.params.get('AccountName', '')
    accounts = [account for account in cluster['Accounts'] if not name or account['AccountName'] == name]  # emulator choice: exact
    page = [account_entry(account) for account in accounts[(page_number - 1) * page_size:page_number * page_size]]
    _observe_accounts(ctx, cluster)
    # No total in this response (SDK model and documentation): clients page until a short page.
    return 200, {'Accounts': page, 'PageNumber': page_number, 'PageRecordCount': len(page)}


@SERVICE.action('ResetAccount', write=True)
def reset_account(ctx):
    cluster = find_cluster(ctx, ctx.require('DBClusterId'))
    name = ctx.require('AccountName')
    if not ACCOUNT_NAME_RE.match(name):
        raise ApiError(400, 'InvalidAccountName.Malformed', 'The specified parameter AccountName is not valid.')
    password = ctx.params.get('AccountPassword')
    if password is not None and not password_ok(password):
        # documented for ModifyAccountPassword; emulator choice for ResetAccount
        raise ApiError(400, 'InvalidAccountPassword.Malformed', 'The specified parameter AccountPassword is not valid.')
    if cluster['DBType'] != 'MySQL':
        # emulator choice: "Only PolarDB for MySQL clusters support this operation" (no documented code)
        raise ApiError(403, 'OperationDenied.DBClusterType', 'The operation is not permitted due to the type of cluster.')
    if cluster['DBClusterStatus'] != 'Running':
        raise ApiError(403, 'OperationDenied.DBClusterStatus', 'The operation is not permitted due to status of cluster.')  # emulator choice
    account = next((item for item in cluster['Accounts'] if item['AccountName'] == name), None)
    if account is None:
        raise ApiError(404, 'InvalidAccountName.NotFound', 'The specified account name does not exist.')  # emulator choice
    if account['AccountType'] != 'Super':
        # the documentation: "You can reset only the permissions of a privileged account."; code is an emulator choice
        raise ApiError(400, 'InvalidAccountName.Malformed', 'The specified parameter AccountName is not valid.')
    if account['AccountStatus'] != 'Available':
        raise ApiError(403, 'OperationDenied.AccountStatus', 'The operation is not permitted due to status of account.')  # emulator choice
    busy = ctx.control.get('busy', {})
    if busy.get(cluster['DBClusterId'], 0) > 0:
        busy[cluster['DBClusterId']] -= 1
        raise ApiError(403, 'ConcurrentTaskExceeded', 'The number of concurrent tasks exceeds the quota.')
    record = {'DBClusterId': cluster['DBClusterId'], 'AccountName': name, 'Time': now(), 'RequestId': ctx.request_id,
              'PasswordSet': password is not None}
    if password is not None:
        record['PasswordSha256'] = hashlib.sha256(password.encode('utf-8')).hexdigest()
    ctx.state['resets'].append(record)
    return 200, {'RequestId': ctx.request_id}


# ---------------------------------------------------------------------------------------------- control hooks

def _cluster(state, cluster_id):
    for cluster in state['clusters']:
        if cluster['DBClusterId'] == cluster_id:
            return cluster
    raise LookupError(f'no PolarDB cluster {cluster_id!r}')


def _reads(body):
    reads = body.get('reads')
    if reads is not None and (not isinstance(reads, int) or reads < 1):
        raise ValueError('reads must be an integer >= 1')
    return reads


@SERVICE.control('cluster_status')
def control_cluster_status(state, control, body):
    """{"cluster_id", "status", "reads": N, "then": "Running"}: show status for N reads, then `then`."""
    body = body or {}
    cluster = _cluster(state, body.get('cluster_id'))
    if not body.get('status'):
        raise ValueError('status is required')
    reads = _reads(body)
    cluster['DBClusterStatus'] = body['status']
    transitions = control.setdefault('cluster_transitions', {})
    transitions.pop(cluster['DBClusterId'], None)
    if reads is not None:
        transitions[cluster['DBClusterId']] = {'reads': reads, 'then': body.get('then', 'Running')}
    return {'cluster_id': cluster['DBClusterId'], 'status': cluster['DBClusterStatus'], 'pending': transitions.get(cluster['DBClusterId'])}


@SERVICE.control('account_status')
def control_account_status(state, control, body):
    """{"cluster_id", "account_name", "status", "reads": N, "then": "Available"}: the same for an account."""
    body = body or {}
    cluster = _cluster(state, body.get('cluster_id'))
    account = next((item for item in cluster['Accounts'] if item['AccountName'] == body.get('account_name')), None)
    if account is None:
        raise LookupError(f'no account {body.get("account_name")!r} in {cluster["DBClusterId"]}')
    if not body.get('status'):
        raise ValueError('status is required')
    reads = _reads(body)
    account['AccountStatus'] = body['status']
    key = f'{cluster["DBClusterId"]}/{account["AccountName"]}'
    transitions = control.setdefault('account_transitions', {})
    transitions.pop(key, None)
    if reads is not None:
        transitions[key] = {'reads': reads, 'then': body.get('then', 'Available')}
    return {'account': key, 'status': account['AccountStatus'], 'pending': transitions.get(key)}


@SERVICE.control('make_busy')
def control_make_busy(state, control, body):
    """{"cluster_id", "count": N}: the next N ResetAccount calls on the cluster answer 403 ConcurrentTaskExceeded."""
    body = body or {}
    cluster = _cluster(state, body.get('cluster_id'))
    count = body.get('count', 1)
    if not isinstance(count, int) or count < 0:
        raise ValueError('count must be an integer >= 0')
    control.setdefault('busy', {})[cluster['DBClusterId']] = count
    return {'cluster_id': cluster['DBClusterId'], 'busy': count}


# ---------------------------------------------------------------------------------------------- standard accounts
# CreateAccount, DeleteAccount, ModifyAccountDescription, ModifyAccountPassword, GrantAccountPrivilege,
# RevokeAccountPrivilege, ModifyAccountLockState (official API pages "PolarDB:<Action>", API 2017-08-01).
# Documented: InvalidAccountName.Malformed (400), InvalidAccountName.Duplicate (400, CheckAccountName),
# InvalidDBName.Malformed (400, Revoke/Grant), InvalidAccountPassword.Malformed (400, ModifyAccountPassword),
# ConcurrentTaskExceeded, cluster must be Running (DeleteAccount, GrantAccountPrivilege), Grant/Revoke only for
# standard accounts, "already granted -> success" (GrantAccountPrivilege), DBName/AccountPrivilege comma lists.
# Emulator choices (UNVERIFIED): a missing account -> 404 InvalidAccountName.NotFound; Grant/Revoke on a Super account
# -> 400 InvalidAccountName.Malformed; a bad privilege -> 400 InvalidAccountPrivilege.Malformed; a bad description
# -> 400 InvalidAccountDescription.Malformed; Grant on a database already held replaces its privilege; a new account
# is Available at once; CreateAccount without AccountType creates a Super account (documented: empty means Super),
# refused (400 InvalidAccountType.Duplicate) when the cluster already has one (MySQL: at most one).

NEW_ACCOUNT_NAME_RE = re.compile(r'^[a-z](?:[a-z0-9_]{0,14}[a-z0-9])?$')
RESERVED_NAMES = frozenset(['root', 'admin', 'mysql', 'system', 'sys'])
PRIVILEGES = ('ReadWrite', 'ReadOnly', 'DMLOnly', 'DDLOnly', 'ReadIndex')
DB_NAME_RE = re.compile(r'^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$')


def _writable_cluster(ctx):
    cluster = find_cluster(ctx, ctx.require('DBClusterId'))
    if cluster['DBType'] != 'MySQL' and ctx.operation in ('GrantAccountPrivilege', 'RevokeAccountPrivilege'):
        raise ApiError(403, 'OperationDenied.DBClusterType', 'The operation is not permitted due to the type of cluster.')
    if cluster['DBClusterStatus'] != 'Running':
        raise ApiError(403, 'OperationDenied.DBClusterStatus', 'The operation is not permitted due to status of cluster.')
    busy = ctx.control.get('busy', {})
    if busy.get(cluster['DBClusterId'], 0) > 0:
        busy[cluster['DBClusterId']] -= 1
        raise ApiError(400, 'ConcurrentTaskExceeded', 'Concurrent task exceeding the allowed amount.')
    return cluster


def _account(cluster, name):
    if not ACCOUNT_NAME_RE.match(name):
        raise ApiError(400, 'InvalidAccountName.Malformed', 'The specified parameter AccountName is not valid.')
    account = next((item for item in cluster['Accounts'] if item['AccountName'] == name), None)
    if account is None:
        raise ApiError(404, 'InvalidAccountName.NotFound', 'The specified account name does not exist.')
    return account


def _standard(account):
    if account['AccountType'] != 'Normal':
        raise ApiError(400, 'InvalidAccountName.Malformed', 'The specified parameter AccountName is not valid.')
    return account


def _db_names(ctx, required=True):
    raw = ctx.require('DBName') if required else ctx.params.get('DBName', '')
    names = [name.strip() for name in raw.split(',')] if raw else []
    if any(not DB_NAME_RE.match(name) for name in names) or len(set(names)) != len(names):
        raise ApiError(400, 'InvalidDBName.Malformed', 'The specified parameter DBName is not valid.')
    return names


def _privileges(ctx, names, required=True):
    raw = ctx.require('AccountPrivilege') if required else ctx.params.get('AccountPrivilege', '')
    values = [value.strip() for value in raw.split(',')] if raw else []
    if len(values) == 1 and len(names) > 1:
        values = values * len(names)
    if len(values) != len(names) or any(value not in PRIVILEGES for value in values):
        raise ApiError(400, 'InvalidAccountPrivilege.Malformed', 'The specified parameter AccountPrivilege is not valid.')
    return dict(zip(names, values))


def _description(ctx, required):
    value = ctx.require('AccountDescription') if required else ctx.params.get('AccountDescription')
    if value is not None and (not 2 <= len(value) <= 256 or value.lower().startswith(('http://', 'https://'))):
        raise ApiError(400, 'InvalidAccountDescription.Malformed', 'The specified parameter AccountDescription is not valid.')
    return value


def _grant(account, privileges):
    held = {p['DBName']: p for p in account['DatabasePrivileges']}
    for name, privilege in privileges.items():
        if name in held:
            held[name]['AccountPrivilege'] = privilege
        else:
            account['DatabasePrivileges'].append({'DBName': name, 'AccountPrivilege': privilege})
    account['DatabasePrivileges'].sort(key=lambda p: p['DBName'])


def _record_password(ctx, cluster, name, password):
    ctx.state.setdefault('passwords', []).append({'DBClusterId': cluster['DBClusterId'], 'AccountName': name, 'RequestId': ctx.request_id,
                                                  'PasswordSha256': hashlib.sha256(password.encode('utf-8')).hexdigest()})


@SERVICE.action('CreateAccount', write=True)
def create_account(ctx):
    cluster = _writable_cluster(ctx)
    name = ctx.require('AccountName')
    if not NEW_ACCOUNT_NAME_RE.match(name) or name in RESERVED_NAMES:
        raise ApiError(400, 'InvalidAccountName.Malformed', 'The specified parameter AccountName is not valid.')
    if any(item['AccountName'] == name for item in cluster['Accounts']):
        raise ApiError(400, 'InvalidAccountName.Duplicate', 'The specified account name already exists.')
    password = ctx.require('AccountPassword')
    if not password_ok(password):
        raise ApiError(400, 'InvalidAccountPassword.Malformed', 'The specified parameter AccountPassword is not valid.')
    kind = ctx.params.get('AccountType') or 'Super'
    if kind not in ('Normal', 'Super'):
        raise ApiError(400, 'InvalidAccountType.Malformed', 'The specified parameter AccountType is not valid.')
    if kind == 'Super' and cluster['DBType'] == 'MySQL' and any(a['AccountType'] == 'Super' for a in cluster['Accounts']):
        raise ApiError(400, 'InvalidAccountType.Duplicate', 'The cluster already has a privileged account.')
    description = _description(ctx, required=False)
    names = _db_names(ctx, required=False)
    privileges = _privileges(ctx, names, required=False) if names else {}
    if privileges and kind != 'Normal':
        raise ApiError(400, 'InvalidDBName.Malformed', 'The specified parameter DBName is not valid.')
    account = {'AccountName': name, 'AccountType': kind, 'AccountStatus': 'Available', 'AccountLockState': 'UnLock',
               'AccountDescription': description or '', 'AccountPasswordValidTime': 'undefined', 'DatabasePrivileges': []}
    _grant(account, privileges)
    cluster['Accounts'].append(account)
    _record_password(ctx, cluster, name, password)
    return 200, {'RequestId': ctx.request_id}


@SERVICE.action('DeleteAccount', write=True)
def delete_account(ctx):
    cluster = _writable_cluster(ctx)
    account = _account(cluster, ctx.require('AccountName'))
    cluster['Accounts'].remove(account)
    return 200, {'RequestId': ctx.request_id}


@SERVICE.action('ModifyAccountDescription', write=True)
def modify_account_description(ctx):
    cluster = find_cluster(ctx, ctx.require('DBClusterId'))
    account = _account(cluster, ctx.require('AccountName'))
    account['AccountDescription'] = _description(ctx, required=True)
    return 200, {'RequestId': ctx.request_id}


@SERVICE.action('ModifyAccountPassword', write=True)
def modify_account_password(ctx):
    cluster = _writable_cluster(ctx)
    account = _account(cluster, ctx.require('AccountName'))
    password = ctx.require('NewAccountPassword')
    if not password_ok(password):
        raise ApiError(400, 'InvalidAccountPassword.Malformed', 'The specified parameter AccountPassword is not valid.')
    _record_password(ctx, cluster, account['AccountName'], password)
    return 200, {'RequestId': ctx.request_id}


@SERVICE.action('GrantAccountPrivilege', write=True)
def grant_account_privilege(ctx):
    cluster = _writable_cluster(ctx)
    account = _standard(_account(cluster, ctx.require('AccountName')))
    names = _db_names(ctx)
    _grant(account, _privileges(ctx, names))
    return 200, {'RequestId': ctx.request_id}


@SERVICE.action('RevokeAccountPrivilege', write=True)
def revoke_account_privilege(ctx):
    cluster = _writable_cluster(ctx)
    account = _standard(_account(cluster, ctx.require('AccountName')))
    names = set(_db_names(ctx))
    account['DatabasePrivileges'] = [p for p in account['DatabasePrivileges'] if p['DBName'] not in names]
    return 200, {'RequestId': ctx.request_id}


@SERVICE.action('ModifyAccountLockState', write=True)
def modify_account_lock_state(ctx):
    cluster = find_cluster(ctx, ctx.require('DBClusterId'))
    account = _account(cluster, ctx.require('AccountName'))
    state = ctx.require('AccountLockState')
    if state not in ('Lock', 'UnLock'):
        raise ApiError(400, 'InvalidAccountLockState.Malformed', 'The specified parameter AccountLockState is not valid.')
    account['AccountLockState'] = state
    valid_time = ctx.params.get('AccountPasswordValidTime')
    if valid_time:
        account['AccountPasswordValidTime'] = valid_time
    return 200, {'RequestId': ctx.request_id}


@SERVICE.control('add_clusters')
def add_clusters(state, control, body):  # pylint: disable=unused-argument
    """Append ``count`` generated clusters to ``region``."""
    body = body or {}
    region, count = body.get('region'), body.get('count', 1)
    if not isinstance(region, str) or not region:
        raise ValueError('region is required')
    if not isinstance(count, int) or not 0 <= count <= 10000:
        raise ValueError('count must be an integer from 0 to 10000')
    prefix = re.sub('[^a-z0-9]', '', body.get('prefix', 'bulk').lower())
    letters = re.sub('[^a-z0-9]', '', region)
    start = sum(1 for cluster in state['clusters'] if cluster.get('RegionId') == region)
    for number in range(start + 1, start + count + 1):
        state['clusters'].append({'DBClusterId': f'pc-{prefix}{letters}{number:05d}', 'RegionId': region,
                                  'DBClusterDescription': f'{prefix}-{region}-{number:04d}', 'DBType': body.get('db_type', 'MySQL'),
                                  'Tags': [dict(tag) for tag in body.get('tags', [])]})
    seed_defaults(state)
    return {'count': sum(1 for cluster in state['clusters'] if cluster.get('RegionId') == region)}
