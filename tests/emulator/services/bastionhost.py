"""Alibaba Cloud Bastionhost (yundun-bastionhost, API 2019-12-09): users, user groups, databases, database
accounts, and the database-account grants of users and user groups.

Served actions (RPC style, every business parameter in the query string): ListUsers, ListUserGroups,
ListDatabases, ListDatabaseAccounts, ListDatabasesForUser, ListDatabaseAccountsForUser, ListDatabasesForUserGroup,
ListDatabaseAccountsForUserGroup, AttachDatabaseAccountsToUser, DetachDatabaseAccountsFromUser,
AttachDatabaseAccountsToUserGroup, DetachDatabaseAccountsFromUserGroup. Fields, types and limits follow
the SDK alibabacloud-yundun-bastionhost20191209 1.7.2 models and the
official API pages: IDs are strings of digits, PageSize is at most 100 (default 20), list answers carry TotalCount,
`Databases` of Attach/Detach is the flat list `Databases.N.DatabaseId` / `Databases.N.DatabaseAccountIds.M` with at
most 10 databases and 10 accounts per database, and HTTP 200 answers carry a `Code` per database and per account.

Choices the documentation leaves open (UNVERIFIED, "emulator choice" below):
- Unknown instance, user, user group or database (as a request parameter): HTTP 404 `OBJECT_NOT_FOUND`
  (the per-item code set of the host APIs). A RegionId that differs from the instance's region: same answer.
- PageSize outside 1..100 or a non-numeric PageNumber: 400 `InvalidParameter`.
- More than 10 databases or more than 10 accounts for one database in one call, a database twice in one call,
  an entry without DatabaseId, or `Databases` sent as a JSON string: 400 `InvalidParameter` (every SDK flattens).
- Per item: an unknown database -> `OBJECT_NOT_FOUND` for the database (and for each of its accounts); an account
  that is not an account of that database -> `OBJECT_NOT_FOUND` for the account; granting what is already granted
  or revoking what is not granted -> `OK` (both are no-ops).
- `IsAuthorized` (and ListDatabasesForUser) reflect grants made to the user directly, not through its groups.
- ListDatabasesForUser's DatabaseName filter matches exactly. ListDatabasesForUserGroup's DatabaseAccountCount is
  the number of accounts of that database the group is authorized for.

State (seed/bastionhost.json): {"instances": [{"InstanceId", "RegionId", "Users": [ListUsers fields],
"UserGroups": [ListUserGroups fields + "Members": [UserId]], "Databases": [ListDatabases fields + "Accounts":
[ListDatabaseAccounts fields]], "UserGrants": {UserId: {DatabaseId: [DatabaseAccountId]}}, "UserGroupGrants":
{UserGroupId: {...}}}]}. A database authorized without accounts maps to an empty list. An instance may carry
"GenerateDatabases": {"Prefix", "Count", "StartId", "AccountsEach", "AccountPrefix", "AccountStartId",
"DatabaseType"} which seeding expands into that many databases with that many accounts each (large estates).

Control hooks (POST /_emulator/control/bastionhost/<hook>, JSON body):
- fail_items {"items": [{"database_id", "account_id" (optional), "code", "message", "operation" (optional: any
  Attach/Detach action), "count" (default 1)}]}: the next `count` Attach/Detach calls that carry that database (or
  that account of it) answer HTTP 200 with that item's `Code` set to `code`, and do not apply that item.
  Without account_id the whole database entry fails (database code and every account code).
- clear_fail_items {}: forget the queued per-item failures.

Control value (POST /_emulator/control/bastionhost, JSON body): "max_accounts_per_call": N (strict mode; default
unset). The API page says "up to 10 databases and 10 database accounts", which may also mean 10 accounts per call
in total: with N set, an Attach/Detach call carrying more than N database accounts in total answers 400
`InvalidParameter` naming the count and the limit, and writes nothing.
- add_instances {"region", "count", "prefix": "bulk", "status": "RUNNING", "tags": [{"Key", "Value"}]}: append that many
  generated bastion hosts to a region (large estates for discovery tests).
Control value (POST /_emulator/control/bastionhost): "denied_regions": [region, ...]: DescribeInstances for those regions
answers 403 Forbidden.RAM (emulator choice for "the credentials may not read this region").

DescribeInstances (discovery; API page "Bastionhost:DescribeInstances", SDK DescribeInstancesRequest/ResponseBody):
RegionId, PageNumber (default 1), PageSize (default 10; the documentation gives no maximum, the emulator refuses more
than 100), InstanceStatus, ResourceGroupId, InstanceId.N, Tag.N.Key/Value -> {"Instances": [...], "TotalCount"}.
An instance's "Description" is its name; "Tags" (state only) serve the tag filter.
"""

import json

from ..core import AlibabaService, ApiError

SERVICE = AlibabaService('bastionhost', version='2019-12-09', product='yundun-bastionhost')

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
MAX_DATABASES = 10
MAX_ACCOUNTS = 10
DEFAULT_PORTS = {'MySQL': 3306, 'PostgreSQL': 5432, 'Oracle': 1521, 'SQLServer': 1433}

USER_FIELDS = ('UserId', 'UserName', 'DisplayName', 'Source', 'SourceUserId', 'UserState', 'Comment', 'Email', 'Mobile',
               'MobileCountryCode', 'EffectiveStartTime', 'EffectiveEndTime', 'NeedResetPassword', 'TwoFactorStatus',
               'TwoFactorMethods', 'LanguageStatus', 'Language')
DATABASE_FIELDS = ('DatabaseId', 'DatabaseName', 'DatabaseType', 'DatabasePort', 'DatabasePrivateAddress', 'DatabasePublicAddress',
                   'ActiveAddressType', 'Comment', 'NetworkDomainId', 'Source', 'SourceInstanceId', 'SourceInstanceRegionId',
                   'SourceInstanceState')
DATABASE_FOR_FIELDS = ('DatabaseId', 'DatabaseName', 'DatabaseType', 'DatabasePort', 'DatabasePrivateAddress', 'DatabasePublicAddress',
                       'ActiveAddressType', 'Comment', 'NetworkDomainId', 'Source', 'SourceInstanceId', 'ProjectId', 'ProjectName')
PRINCIPALS = {
    'user': {'param': 'UserId', 'collection': 'Users', 'grants': 'UserGrants', 'noun': 'user'},
    'group': {'param': 'UserGroupId', 'collection': 'UserGroups', 'grants': 'UserGroupGrants', 'noun': 'user group'},
}


# ---------------------------------------------------------------------------------------------- errors and params

def not_found(what):
    # emulator choice: the per-item code of the same product's host APIs, as an HTTP 404
    return ApiError(404, 'OBJECT_NOT_FOUND', f'The {what} does not exist.')


def invalid(name, why):
    return ApiError(400, 'InvalidParameter', f'The parameter {name} is not valid: {why}.')


def _number(ctx, name, default, low, high=None):
    raw = ctx.params.get(name, '')
    if raw == '':
        return default
    try:
        value = int(raw)
    except ValueError:
        raise invalid(name, 'not a number') from None
    if value < low or (high is not None and value > high):
        raise invalid(name, f'must be between {low} and {high}' if high else f'must be at least {low}')
    return value


def paged(ctx, key, items):
    """One page of ``items`` under ``key`` with TotalCount (PageNumber from 1, PageSize 1..100, default 20)."""
    number = _number(ctx, 'PageNumber', 1, 1)
    size = _number(ctx, 'PageSize', DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE)
    return 200, {key: items[(number - 1) * size:number * size], 'TotalCount': len(items)}


def _id_order(item, key):
    value = str(item.get(key, ''))
    return (0, int(value), '') if value.isdigit() else (1, 0, value)


def find_instance(ctx):
    instance_id = ctx.require('InstanceId')
    region = ctx.params.get('RegionId')
    for instance in ctx.state['instances']:
        if instance['InstanceId'] == instance_id and region in (None, '', instance['RegionId']):
            return instance
    raise not_found('bastion host instance')


def find_database(instance, database_id):
    for database in instance['Databases']:
        if database['DatabaseId'] == database_id:
            return database
    return None


def find_principal(ctx, instance, kind):
    spec = PRINCIPALS[kind]
    principal_id = ctx.require(spec['param'])
    for item in instance[spec['collection']]:
        if item[spec['param']] == principal_id:
            return principal_id
    raise not_found(spec['noun'])


def _filter_exact(items, ctx, filters):
    for param, field in filters:
        value = ctx.params.get(param)
        if value not in (None, ''):
            items = [item for item in items if str(item.get(field)) == value]
    return items


# ---------------------------------------------------------------------------------------------- views

def user_view(user):
    return {field: user[field] for field in USER_FIELDS if field in user}


def group_view(group):
    view = {field: group[field] for field in ('UserGroupId', 'UserGroupName', 'Comment') if field in group}
    view['MemberCount'] = len(group.get('Members', []))
    return view


def database_view(database, fields=DATABASE_FIELDS):
    return {field: database[field] for field in fields if field in database}


def account_view(database, account):
    view = {'DatabaseAccountId': account['DatabaseAccountId'], 'DatabaseAccountName': account['DatabaseAccountName'],
            'DatabaseId': database['DatabaseId'], 'HasPassword': 'true' if account.get('HasPassword', True) else 'false'}
    if database['DatabaseType'] in ('PostgreSQL', 'Oracle'):
        view['DatabaseSchema'] = account.get('DatabaseSchema', '')
    return view


# ---------------------------------------------------------------------------------------------- seed

def _generated(spec, region):
    start, count = int(spec.get('StartId', 1)), int(spec['Count'])
    accounts_each, account_id = int(spec.get('AccountsEach', 0)), int(spec.get('AccountStartId', 100000))
    width = max(3, len(str(count)))
    for number in range(count):
        accounts = []
        for index in range(1, accounts_each + 1):
            accounts.append({'DatabaseAccountId': str(account_id), 'DatabaseAccountName': f"{spec.get('AccountPrefix', 'svc_')}{index:02d}"})
            account_id += 1
        yield {'DatabaseId': str(start + number), 'DatabaseName': f"{spec['Prefix']}{number + 1:0{width}d}",
               'DatabaseType': spec.get('DatabaseType', 'MySQL'), 'Source': 'Rds', 'SourceInstanceRegionId': region,
               'DatabasePrivateAddress': f'10.8.{number // 250}.{number % 250 + 1}', 'Accounts': accounts}


INSTANCE_LIST_FIELDS = ('InstanceId', 'Description', 'InstanceStatus', 'RegionId', 'ImageVersion', 'PlanCode', 'LicenseCode', 'Legacy',
                        'ExpireTime', 'StartTime', 'InternetEndpoint', 'IntranetEndpoint', 'PublicNetworkAccess', 'VpcId', 'VswitchId',
                        'ResourceGroupId', 'BandWidth')


def _instance_defaults(instance, region):
    short = instance['InstanceId'].rsplit('-', 1)[-1]
    for key, value in (('Description', instance['InstanceId']), ('InstanceStatus', 'RUNNING'), ('ImageVersion', '3.2.45'),
                       ('PlanCode', 'cloudbastion_ha'), ('LicenseCode', 'bhah_ent_50_asset'), ('Legacy', False),
                       ('ExpireTime', 4102444800000), ('StartTime', 1704067200000), ('PublicNetworkAccess', False),
                       ('InternetEndpoint', f'{short}-public.bastionhost.aliyuncs.com'),
                       ('IntranetEndpoint', f'{short}.bastionhost.aliyuncs.com'), ('VpcId', 'vpc-emu0bastion0000000'),
                       ('VswitchId', 'vsw-emu0bastion0000000'), ('ResourceGroupId', 'rg-acfmemu000000'), ('BandWidth', 5), ('Tags', [])):
        instance.setdefault(key, value)


def seed_defaults(state):
    """Fill what a seed leaves out with the values a real bastion host would show."""
    for instance in state.setdefault('instances', []):
        region = instance.setdefault('RegionId', 'cn-hangzhou')
        _instance_defaults(instance, region)
        spec = instance.pop('GenerateDatabases', None)
        databases = instance.setdefault('Databases', [])
        if spec:
            databases.extend(_generated(spec, region))
        for user in instance.setdefault('Users', []):
            user.setdefault('DisplayName', user['UserName'])
            user.setdefault('Source', 'Local')
            user.setdefault('SourceUserId', '')
            user.setdefault('UserState', ['Normal'])
            user.setdefault('Comment', '')
            user.setdefault('Email', f"{user['UserName']}@example.com")
            user.setdefault('Mobile', '')
            user.setdefault('MobileCountryCode', 'CN')
            user.setdefault('EffectiveStartTime', 1704067200)
            user.setdefault('EffectiveEndTime', 4102444800)
            user.setdefault('NeedResetPassword', False)
            user.setdefault('TwoFactorStatus', 'Global')
            user.setdefault('TwoFactorMethods', [])
            user.setdefault('LanguageStatus', 'Global')
            user.setdefault('Language', 'en')
        for group in instance.setdefault('UserGroups', []):
            group.setdefault('Comment', '')
            group.setdefault('Members', [])
        for database in databases:
            kind = database.setdefault('DatabaseType', 'MySQL')
            database.setdefault('DatabasePort', DEFAULT_PORTS.get(kind, 3306))
            database.setdefault('DatabasePrivateAddress', '')
            database.setdefault('DatabasePublicAddress', '')
            database.setdefault('ActiveAddressType', 'Private' if database['DatabasePrivateAddress'] else 'Public')
            database.setdefault('Comment', '')
            database.setdefault('NetworkDomainId', '1')
            database.setdefault('Source', 'Local')
            database.setdefault('SourceInstanceId', '')
            database.setdefault('SourceInstanceRegionId', region if database['Source'] != 'Local' else '')
            database.setdefault('SourceInstanceState', 'Normal' if database['Source'] != 'Local' else '')
            database.setdefault('ProjectId', '')
            database.setdefault('ProjectName', '')
            database.setdefault('Accounts', [])
        for key in ('UserGrants', 'UserGroupGrants'):
            instance.setdefault(key, {})


# ---------------------------------------------------------------------------------------------- catalogue reads

@SERVICE.action('DescribeInstances')
def describe_instances(ctx):
    region = ctx.params.get('RegionId') or ''
    if region in (ctx.control.get('denied_regions') or []):
        raise ApiError(403, 'Forbidden.RAM', 'User not authorized to operate on the specified resource, or this API doesn\'t support RAM.')
    number = _number(ctx, 'PageNumber', 1, 1)
    size = _number(ctx, 'PageSize', 10, 1, MAX_PAGE_SIZE)
    ids = [value for value in ctx.get_list('InstanceId') if value]
    tags = [tag for tag in ctx.get_list('Tag') if isinstance(tag, dict) and tag.get('Key')]
    status, group = ctx.params.get('InstanceStatus'), ctx.params.get('ResourceGroupId')
    selected = []
    for instance in ctx.state['instances']:
        held = {tag['Key']: tag.get('Value') for tag in instance.get('Tags', [])}
        if (region and instance['RegionId'] != region) or (ids and instance['InstanceId'] not in ids):
            continue
        if (status and instance['InstanceStatus'] != status) or (group and instance['ResourceGroupId'] != group):
            continue
        if any(tag['Key'] not in held or ('Value' in tag and held[tag['Key']] != tag['Value']) for tag in tags):
            continue
        selected.append({field: instance[field] for field in INSTANCE_LIST_FIELDS if field in instance})
    return 200, {'Instances': selected[(number - 1) * size:number * size], 'TotalCount': len(selected)}


@SERVICE.action('ListUsers')
def list_users(ctx):
    instance = find_instance(ctx)
    users = sorted(instance['Users'], key=lambda u: _id_order(u, 'UserId'))
    users = _filter_exact(users, ctx, (('UserName', 'UserName'), ('DisplayName', 'DisplayName'), ('Mobile', 'Mobile'),
                                       ('Source', 'Source'), ('SourceUserId', 'SourceUserId')))
    if ctx.params.get('UserState'):
        users = [u for u in users if ctx.params['UserState'] in u['UserState']]
    if ctx.params.get('UserGroupId'):
        groups = [g for g in instance['UserGroups'] if g['UserGroupId'] == ctx.params['UserGroupId']]
        members = set(groups[0]['Members']) if groups else set()
        users = [u for u in users if u['UserId'] in members]
    return paged(ctx, 'Users', [user_view(u) for u in users])


@SERVICE.action('ListUserGroups')
def list_user_groups(ctx):
    instance = find_instance(ctx)
    groups = sorted(instance['UserGroups'], key=lambda g: _id_order(g, 'UserGroupId'))
    groups = _filter_exact(groups, ctx, (('UserGroupName', 'UserGroupName'),))
    return paged(ctx, 'UserGroups', [group_view(g) for g in groups])


@SERVICE.action('ListDatabases')
def list_databases(ctx):
    instance = find_instance(ctx)
    databases = sorted(instance['Databases'], key=lambda d: _id_order(d, 'DatabaseId'))
    databases = _filter_exact(databases, ctx, (('DatabaseType', 'DatabaseType'), ('Source', 'Source'), ('NetworkDomainId', 'NetworkDomainId')))
    return paged(ctx, 'Databases', [database_view(d) for d in databases])


@SERVICE.action('ListDatabaseAccounts')
def list_database_accounts(ctx):
    instance = find_instance(ctx)
    database_id = ctx.params.get('DatabaseId')
    if database_id:
        database = find_database(instance, database_id)
        if database is None:
            raise not_found('database')
        databases = [database]
    else:
        databases = instance['Databases']
    accounts = [account_view(d, a) for d in databases for a in d['Accounts']]
    accounts = _filter_exact(sorted(accounts, key=lambda a: _id_order(a, 'DatabaseAccountId')), ctx,
                             (('DatabaseAccountName', 'DatabaseAccountName'),))
    return paged(ctx, 'DatabaseAccounts', accounts)


# ---------------------------------------------------------------------------------------------- grant reads

def _databases_for(ctx, kind):
    instance = find_instance(ctx)
    principal_id = find_principal(ctx, instance, kind)
    grants = instance[PRINCIPALS[kind]['grants']].get(principal_id, {})
    databases = [d for d in sorted(instance['Databases'], key=lambda d: _id_order(d, 'DatabaseId')) if d['DatabaseId'] in grants]
    databases = _filter_exact(databases, ctx, (('DatabaseName', 'DatabaseName'), ('DatabaseType', 'DatabaseType'),
                                               ('NetworkDomainId', 'NetworkDomainId')))
    address = ctx.params.get('DatabaseAddress')
    if address:
        databases = [d for d in databases if address in (d['DatabasePrivateAddress'], d['DatabasePublicAddress'])]
    views = []
    for database in databases:
        view = database_view(database, DATABASE_FOR_FIELDS)
        if kind == 'group':
            view['DatabaseAccountCount'] = len(grants[database['DatabaseId']])
        views.append(view)
    return paged(ctx, 'Databases', views)


def _accounts_for(ctx, kind):
    instance = find_instance(ctx)
    principal_id = find_principal(ctx, instance, kind)
    database = find_database(instance, ctx.require('DatabaseId'))
    if database is None:
        raise not_found('database')
    held = set(instance[PRINCIPALS[kind]['grants']].get(principal_id, {}).get(database['DatabaseId'], []))
    accounts = [{'DatabaseAccountId': a['DatabaseAccountId'], 'DatabaseAccountName': a['DatabaseAccountName'],
                 'DatabaseId': database['DatabaseId'], 'IsAuthorized': a['DatabaseAccountId'] in held,
                 'ProtocolName': database['DatabaseType']}
                for a in sorted(database['Accounts'], key=lambda a: _id_order(a, 'DatabaseAccountId'))]
    accounts = _filter_exact(accounts, ctx, (('DatabaseAccountName', 'DatabaseAccountName'),))
    return paged(ctx, 'DatabaseAccounts', accounts)


@SERVICE.action('ListDatabasesForUser')
def list_databases_for_user(ctx):
    return _databases_for(ctx, 'user')


@SERVICE.action('ListDatabasesForUserGroup')
def list_databases_for_user_group(ctx):
    return _databases_for(ctx, 'group')


@SERVICE.action('ListDatabaseAccountsForUser')
def list_database_accounts_for_user(ctx):
    return _accounts_for(ctx, 'user')


@SERVICE.action('ListDatabaseAccountsForUserGroup')
def list_database_accounts_for_user_group(ctx):
    return _accounts_for(ctx, 'group')


# ---------------------------------------------------------------------------------------------- grant writes

def _entries(ctx):
    """The decoded, checked ``Databases`` list: [(DatabaseId, [account ids] or None)]."""
    if 'Databases' in ctx.params:
        raise invalid('Databases', 'expected the flat list Databases.N.DatabaseId / Databases.N.DatabaseAccountIds.M')
    databases = ctx.get_list('Databases')
    if len(databases) > MAX_DATABASES:
        raise invalid('Databases', f'at most {MAX_DATABASES} databases per call, got {len(databases)}')
    entries, seen = [], set()
    for index, item in enumerate(databases, 1):
        if not isinstance(item, dict) or not item.get('DatabaseId'):
            raise invalid(f'Databases.{index}.DatabaseId', 'missing')
        database_id = item['DatabaseId']
        if database_id in seen:
            raise invalid('Databases', f'database {database_id} appears twice')
        seen.add(database_id)
        accounts = item.get('DatabaseAccountIds')
        if accounts is not None:
            if not isinstance(accounts, list):
                raise invalid(f'Databases.{index}.DatabaseAccountIds', 'expected a list')
            if len(accounts) > MAX_ACCOUNTS:
                raise invalid(f'Databases.{index}.DatabaseAccountIds', f'at most {MAX_ACCOUNTS} accounts per database, got {len(accounts)}')
        entries.append((database_id, accounts))
    cap = ctx.control.get('max_accounts_per_call')
    total = sum(len(accounts or []) for _database_id, accounts in entries)
    if cap and total > cap:
        raise invalid('Databases', f'at most {cap} database accounts per call in total, got {total}')
    return entries


def _take_failure(control, operation, database_id, account_id):
    for rule in control.get('fail_items', []):
        if rule.get('operation') not in (None, '', operation):
            continue
        if str(rule['database_id']) != database_id or (str(rule['account_id']) if rule.get('account_id') is not None else None) != account_id:
            continue
        rule['count'] = rule.get('count', 1) - 1
        if rule['count'] <= 0:
            control['fail_items'].remove(rule)
        return rule.get('code') or 'UNEXPECTED', rule.get('message') or 'Injected per-item failure.'
    return None


def _write(ctx, kind, attach):
    instance = find_instance(ctx)
    principal_id = find_principal(ctx, instance, kind)
    entries = _entries(ctx)
    grants = instance[PRINCIPALS[kind]['grants']]
    held_by_database = grants.setdefault(principal_id, {})
    results = []
    for database_id, account_ids in entries:
        result = {'Code': 'OK', 'Message': '', 'DatabaseId': database_id, PRINCIPALS[kind]['param']: principal_id, 'DatabaseAccounts': []}
        results.append(result)
        database = find_database(instance, database_id)
        failure = _take_failure(ctx.control, ctx.operation, database_id, None)
        if failure is None and database is None:
            failure = ('OBJECT_NOT_FOUND', 'The database does not exist.')
        if failure is not None:
            result['Code'], result['Message'] = failure
            result['DatabaseAccounts'] = [{'Code': failure[0], 'Message': failure[1], 'DatabaseAccountId': a} for a in account_ids or []]
            continue
        known = {a['DatabaseAccountId'] for a in database['Accounts']}
        if attach:
            held = held_by_database.setdefault(database_id, [])
        elif account_ids is None:
            held_by_database.pop(database_id, None)
            continue
        else:
            held = held_by_database.get(database_id, [])
        for account_id in account_ids or []:
            failure = _take_failure(ctx.control, ctx.operation, database_id, account_id)
            if failure is None and account_id not in known:
                failure = ('OBJECT_NOT_FOUND', 'The database account does not exist.')
            if failure is None:
                if attach and account_id not in held:
                    held.append(account_id)
                elif not attach and account_id in held:
                    held.remove(account_id)
                failure = ('OK', '')
            result['DatabaseAccounts'].append({'Code': failure[0], 'Message': failure[1], 'DatabaseAccountId': account_id})
    if not held_by_database:
        grants.pop(principal_id, None)
    return 200, {'Results': results}


@SERVICE.action('AttachDatabaseAccountsToUser', write=True)
def attach_database_accounts_to_user(ctx):
    return _write(ctx, 'user', attach=True)


@SERVICE.action('DetachDatabaseAccountsFromUser', write=True)
def detach_database_accounts_from_user(ctx):
    return _write(ctx, 'user', attach=False)


@SERVICE.action('AttachDatabaseAccountsToUserGroup', write=True)
def attach_database_accounts_to_user_group(ctx):
    return _write(ctx, 'group', attach=True)


@SERVICE.action('DetachDatabaseAccountsFromUserGroup', write=True)
def detach_database_accounts_from_user_group(ctx):
    return _write(ctx, 'group', attach=False)


# ---------------------------------------------------------------------------------------------- control hooks

@SERVICE.control('fail_items')
def control_fail_items(state, control, body):
    items = (body or {}).get('items')
    if not isinstance(items, list) or not items:
        raise ValueError('fail_items needs {"items": [{"database_id", "account_id"?, "code", "message"?, "operation"?, "count"?}]}')
    queued = control.setdefault('fail_items', [])
    for item in items:
        if not isinstance(item, dict) or not item.get('database_id') or not item.get('code'):
            raise ValueError('each item needs database_id and code')
        count = item.get('count', 1)
        if not isinstance(count, int) or count < 1:
            raise ValueError('count must be an integer >= 1')
        queued.append({'database_id': str(item['database_id']),
                       'account_id': str(item['account_id']) if item.get('account_id') is not None else None,
                       'code': str(item['code']), 'message': item.get('message'), 'operation': item.get('operation'), 'count': count})
    return {'fail_items': queued}


@SERVICE.control('clear_fail_items')
def control_clear_fail_items(state, control, body):
    control['fail_items'] = []
    return {'fail_items': []}


# ---------------------------------------------------------------------------------------------- users and group membership
# GetUser, LockUsers, UnlockUsers, DeleteUser, AddUsersToGroup, RemoveUsersFromGroup, ListUserGroupsForUser (official API
# pages "Bastionhost:<Action>", SDK 1.7.2 models). Documented: UserIds is a JSON string of at most 100 user ids (SDK
# type str); the batch answers are HTTP 200 with Results[] {Code, Message, UserId(, UserGroupId)} and the codes OK,
# UNEXPECTED, INVALID_ARGUMENT, OBJECT_NOT_FOUND, OBJECT_AlREADY_EXISTS; DeleteUser answers 404 UserNotFound for an
# unknown user; GetUser answers {"User": {...}}; ListUserGroupsForUser answers UserGroups[] and Count.
# Emulator choices (UNVERIFIED): a locked user shows UserState ["Frozen"] (ListUsers documents Frozen as a state) and
# unlocking shows ["Normal"]; locking a locked user or unlocking an unlocked one answers OK; adding a member answers
# OBJECT_AlREADY_EXISTS, removing a non-member OBJECT_NOT_FOUND (per item, HTTP 200); GetUser of an unknown user
# answers 404 UserNotFound as DeleteUser does; ListUserGroupsForUser's Count is the total; deleting a user removes
# its group memberships and its own grants; UserIds not a JSON list of digit strings -> 400 InvalidParameter.

MAX_USER_IDS = 100


def _user_ids(ctx):
    raw = ctx.require('UserIds')
    try:
        ids = json.loads(raw)
    except ValueError:
        raise invalid('UserIds', 'expected a JSON list such as ["1","2"]') from None
    if not isinstance(ids, list) or not ids or not all(isinstance(i, str) and i.isdigit() for i in ids):
        raise invalid('UserIds', 'expected a JSON list of user ids (strings of digits)')
    if len(ids) > MAX_USER_IDS:
        raise invalid('UserIds', f'at most {MAX_USER_IDS} user ids, got {len(ids)}')
    return ids


def _find_user(instance, user_id):
    return next((u for u in instance['Users'] if u['UserId'] == user_id), None)


def _group(ctx, instance):
    group_id = ctx.require('UserGroupId')
    group = next((g for g in instance['UserGroups'] if g['UserGroupId'] == group_id), None)
    if group is None:
        raise not_found('user group')
    return group


@SERVICE.action('GetUser')
def get_user(ctx):
    instance = find_instance(ctx)
    user = _find_user(instance, ctx.require('UserId'))
    if user is None:
        raise ApiError(404, 'UserNotFound', 'The user is not found.')
    return 200, {'User': user_view(user)}


@SERVICE.action('ListUserGroupsForUser')
def list_user_groups_for_user(ctx):
    instance = find_instance(ctx)
    user_id = ctx.require('UserId')
    if _find_user(instance, user_id) is None:
        raise ApiError(404, 'UserNotFound', 'The user is not found.')
    groups = [g for g in sorted(instance['UserGroups'], key=lambda g: _id_order(g, 'UserGroupId')) if user_id in g['Members']]
    keyword = ctx.params.get('Keyword')
    if keyword:
        groups = [g for g in groups if keyword in g['UserGroupName']]
    views = [{'UserGroupId': g['UserGroupId'], 'UserGroupName': g['UserGroupName'], 'Comment': g.get('Comment', ''),
              'ProjectId': '', 'ProjectName': ''} for g in groups]
    if ctx.params.get('PagingOff', '').lower() == 'true':
        return 200, {'UserGroups': views, 'Count': len(views)}
    _status, body = paged(ctx, 'UserGroups', views)
    return 200, {'UserGroups': body['UserGroups'], 'Count': body['TotalCount']}


def _set_lock(ctx, locked):
    instance = find_instance(ctx)
    results = []
    for user_id in _user_ids(ctx):
        user = _find_user(instance, user_id)
        if user is None:
            results.append({'Code': 'OBJECT_NOT_FOUND', 'Message': 'The user does not exist.', 'UserId': user_id})
            continue
        states = [s for s in user['UserState'] if s not in ('Normal', 'Frozen')]
        user['UserState'] = (['Frozen'] if locked else ['Normal'] if not states else []) + states
        results.append({'Code': 'OK', 'Message': '', 'UserId': user_id})
    return 200, {'Results': results}


@SERVICE.action('LockUsers', write=True)
def lock_users(ctx):
    return _set_lock(ctx, True)


@SERVICE.action('UnlockUsers', write=True)
def unlock_users(ctx):
    return _set_lock(ctx, False)


@SERVICE.action('DeleteUser', write=True)
def delete_user(ctx):
    instance = find_instance(ctx)
    user_id = ctx.require('UserId')
    user = _find_user(instance, user_id)
    if user is None:
        raise ApiError(404, 'UserNotFound', 'The user is not found.')
    instance['Users'].remove(user)
    for group in instance['UserGroups']:
        if user_id in group['Members']:
            group['Members'].remove(user_id)
    instance['UserGrants'].pop(user_id, None)
    return 200, {}


def _membership(ctx, add):
    instance = find_instance(ctx)
    group = _group(ctx, instance)
    results = []
    for user_id in _user_ids(ctx):
        result = {'Code': 'OK', 'Message': '', 'UserGroupId': group['UserGroupId'], 'UserId': user_id}
        if _find_user(instance, user_id) is None:
            result.update(Code='OBJECT_NOT_FOUND', Message='The user does not exist.')
        elif add and user_id in group['Members']:
            result.update(Code='OBJECT_AlREADY_EXISTS', Message='The user is already a member of the user group.')
        elif not add and user_id not in group['Members']:
            result.update(Code='OBJECT_NOT_FOUND', Message='The user is not a member of the user group.')
        elif add:
            group['Members'].append(user_id)
        else:
            group['Members'].remove(user_id)
        results.append(result)
    return 200, {'Results': results}


@SERVICE.action('AddUsersToGroup', write=True)
def add_users_to_group(ctx):
    return _membership(ctx, add=True)


@SERVICE.action('RemoveUsersFromGroup', write=True)
def remove_users_from_group(ctx):
    return _membership(ctx, add=False)


@SERVICE.control('add_instances')
def control_add_instances(state, control, body):  # pylint: disable=unused-argument
    """Append ``count`` generated bastion hosts (no users, no databases) to ``region``."""
    body = body or {}
    region, count = body.get('region'), body.get('count', 1)
    if not isinstance(region, str) or not region:
        raise ValueError('region is required')
    if not isinstance(count, int) or not 0 <= count <= 10000:
        raise ValueError('count must be an integer from 0 to 10000')
    prefix = ''.join(c for c in body.get('prefix', 'bulk').lower() if c.isalnum())
    start = sum(1 for instance in state['instances'] if instance['RegionId'] == region)
    for number in range(start + 1, start + count + 1):
        state['instances'].append({'InstanceId': f'bastionhost-{region.split("-")[0]}-{prefix}{number:05d}', 'RegionId': region,
                                   'Description': f'{prefix}-{region}-{number:04d}', 'InstanceStatus': body.get('status', 'RUNNING'),
                                   'Tags': [dict(tag) for tag in body.get('tags', [])]})
    seed_defaults(state)
    return {'count': sum(1 for instance in state['instances'] if instance['RegionId'] == region)}
