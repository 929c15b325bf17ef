# -*- coding: utf-8 -*-
# Copyright: dbgov.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Huawei Cloud DDM (Distributed Database Middleware) accounts: the input rules, one function per API call,
``DdmInstance`` (the accounts of one instance during one module run), the pure plan function ``plan_user`` and the
normaliser that turns an API account into the view the modules return.

Shared by ``ddm_user`` and ``ddm_user_info``. No signing or HTTP here: every call goes through
``HuaweiClient.request`` (module_utils/huaweicloud.py). API reference:
https://support.huaweicloud.com/intl/en-us/api-ddm/CreateDdmUser.html
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.dbgov.cloud.plugins.module_utils.huaweicloud import path_segment

import functools

from ansible_collections.dbgov.cloud.plugins.module_utils.common import (
    SECRET_PLACEHOLDER, BatchItem, Plan, Service, ValidationError, drift_of, check_length, check_password, check_pattern, check_range,
    password_to_set, pattern_check,
)
from ansible_collections.dbgov.cloud.plugins.module_utils import discovery
from ansible_collections.dbgov.cloud.plugins.module_utils.transport import ApiError

SERVICE = 'ddm'

# --- documented rules (DDM API reference: CreateDdmUser, UpdateDdmUser, ResetDdmUserPassword) -------
PRIVILEGES = ('CREATE', 'DROP', 'ALTER', 'INDEX', 'INSERT', 'DELETE', 'UPDATE', 'SELECT')
INSTANCE_ID_PATTERN = r'[A-Za-z0-9]{32}in09'
INSTANCE_ID_RULE = '36 letters and digits ending in "in09"'
NAME_PATTERN = r'[A-Za-z][A-Za-z0-9_]{0,31}'
NAME_RULE = '1 to 32 characters, starts with a letter, only letters, digits and "_"'
# DDM schema (logical database) names are lower case (DBS.300407); lengths differ between doc versions,
# so only the character rule is checked here and the API judges the length.
SCHEMA_PATTERN = r'[a-z][a-z0-9_]{0,63}'
SCHEMA_RULE = 'starts with a lowercase letter, only lowercase letters, digits and "_"'
PASSWORD_SPECIALS = '~!@#%^*-_+?'
PASSWORD_MIN, PASSWORD_MAX = 8, 32
DESCRIPTION_MAX = 256
LIFETIME_MAX = 65535
MAX_ACCOUNTS = 100
PAGE_LIMIT = 128

# 409 "another operation is in progress on the instance": not executed, safe to send again
BUSY_CODES = ('DBS.200019', 'DBS.212033')

USERS_PATH = '/v3/{project_id}/instances/%s/users'
USER_PATH = '/v3/{project_id}/instances/%s/users/%s'


# --- validation (no request is sent before these pass) ---------------------------------------------

check_instance_id = pattern_check(INSTANCE_ID_PATTERN, INSTANCE_ID_RULE)
check_name = pattern_check(NAME_PATTERN, NAME_RULE)


def check_privileges(option, values):
    if values is None:
        return
    unknown = [v for v in values if v not in PRIVILEGES]
    if unknown:
        raise ValidationError('%s: unknown privilege(s) %s; choose from %s'
                              % (option, ', '.join(repr(v) for v in unknown), ', '.join(PRIVILEGES)))


def check_schemas(option, values):
    if values is None:
        return
    for value in values:
        check_pattern(option, value, SCHEMA_PATTERN, SCHEMA_RULE)


def check_user_password(option, value, name=None):
    """The V3 password rules: 8-32 characters, 3 of 4 classes, only the listed specials, not the name (or reversed)."""
    if value is None:
        return
    check_password(option, value, PASSWORD_MIN, PASSWORD_MAX, PASSWORD_SPECIALS)
    if name and value in (name, name[::-1]):
        raise ValidationError('%s: the password must not be the account name or the name reversed' % option)


def check_description(option, value):
    check_length(option, value, DESCRIPTION_MAX)


def check_lifetime(option, value):
    check_range(option, value, 0, LIFETIME_MAX)


# --- API calls --------------------------------------------------------------------------------------

def list_users(client, instance_id):
    """Every account of ``instance_id`` (ListDdmUsers V3), all pages."""
    users, offset = [], 0
    while True:
        data = client.request('GET', USERS_PATH % path_segment(instance_id), 'ListDdmUsers',
                              query={'offset': offset, 'limit': PAGE_LIMIT}, expect=('users',))
        page = data.get('users') or []
        users.extend(page)
        total = data.get('total')
        offset += len(page)
        if not page or len(page) < PAGE_LIMIT or (total is not None and offset >= total):
            return users


def find_user(client, instance_id, name):
    """The API object of account ``name`` (exact, case-sensitive match) or None."""
    for user in list_users(client, instance_id):
        if user.get('name') == name:
            return user
    return None


def create_user(client, instance_id, body, deadline=None):
    return client.request('POST', USERS_PATH % path_segment(instance_id), 'CreateDdmUser', body=body,
                          busy_codes=BUSY_CODES, deadline=deadline)


def update_user(client, instance_id, name, body, deadline=None):
    return client.request('PUT', USER_PATH % (path_segment(instance_id), path_segment(name)), 'UpdateDdmUser', body=body,
                          busy_codes=BUSY_CODES, deadline=deadline)


def delete_user(client, instance_id, name, deadline=None):
    return client.request('DELETE', USER_PATH % (path_segment(instance_id), path_segment(name)), 'DeleteDdmUser',
                          busy_codes=BUSY_CODES, deadline=deadline)


def reset_password(client, instance_id, name, password, deadline=None):
    return client.request('POST', (USER_PATH + '/password') % (path_segment(instance_id), path_segment(name)), 'ResetDdmUserPassword',
                          body={'password': password}, busy_codes=BUSY_CODES, deadline=deadline)


def is_missing_account(err):
    """True when an ApiError says the account does not exist (DBS.300327)."""
    return isinstance(err, ApiError) and err.code == 'DBS.300327'


# --- views ------------------------------------------------------------------------------------------

def schema_names(databases):
    """Schema names from API ``databases`` items (``{"name": ...}``), sorted, without duplicates."""
    return sorted(set(d.get('name') for d in (databases or []) if isinstance(d, dict) and d.get('name')))


def normalize_user(user):
    """The snake_case view of an API account; never holds a password (the API never returns one)."""
    if user is None:
        return None
    lifetime = user.get('password_lifetime')
    return dict(
        name=user.get('name'),
        status=user.get('status'),
        base_authority=sorted(set(user.get('base_authority') or [])),
        databases=schema_names(user.get('databases')),
        description=user.get('description') or '',
        # "0 and empty mean the password never expires" (SDK model): report both as 0
        password_lifetime=int(lifetime) if lifetime is not None else 0,
        created=user.get('created'),
        password_last_changed=user.get('password_last_changed'),
    )


COMPARED = ('base_authority', 'databases', 'description', 'password_lifetime')


# --- one instance during one module run ---------------------------------------------------------------

class DdmInstance(Service):
    """The accounts of one DDM instance: every write retries the busy codes until ``wait_timeout`` seconds have passed."""

    SERVICE = SERVICE

    def users(self):
        return list_users(self.client, self.resource_id)

    def find(self, name):
        """The API object of account ``name`` (exact, case-sensitive match) or None."""
        return find_user(self.client, self.resource_id, name)

    def create(self, body):
        return create_user(self.client, self.resource_id, body, deadline=self.wait_timeout)

    def update(self, name, body):
        return update_user(self.client, self.resource_id, name, body, deadline=self.wait_timeout)

    def reset_password(self, name, password):
        return reset_password(self.client, self.resource_id, name, password, deadline=self.wait_timeout)

    def delete(self, name):
        try:
            return delete_user(self.client, self.resource_id, name, deadline=self.wait_timeout)
        except ApiError as err:
            if is_missing_account(err):  # deleted by someone else since the read: the goal is reached
                return {}
            raise


# --- the plan (pure: no request is sent here) ----------------------------------------------------------

def desired_values(params):
    """The compared options the task sets, normalised like normalize_user (sets as sorted lists)."""
    want = {}
    for key in ('base_authority', 'databases'):
        if params.get(key) is not None:
            want[key] = sorted(set(params[key]))
    if params.get('description') is not None:
        want['description'] = params['description']
    if params.get('password_lifetime') is not None:
        want['password_lifetime'] = params['password_lifetime']
    return want


def changed_fields(current, want):
    """The keys of ``want`` whose value differs from the current view (lists are already sorted sets)."""
    return [key for key in COMPARED if key in want and want[key] != current.get(key)]


def _api_field(key, value):
    if key == 'databases':
        return [dict(name=n) for n in value]
    return value


def plan_user(params, current, instance):
    """Plan the calls that bring account ``current`` (API object or None) to the module ``params``.

    ``instance`` performs the calls (a ``DdmInstance``: create, update, reset_password, delete); returns
    (plan, before view, predicted after view).
    """
    plan = Plan()
    name = params['name']
    target = '%s/%s' % (params['instance_id'], name)
    before = normalize_user(current)
    want = desired_values(params)

    if params['state'] == 'absent':
        if current is not None:
            plan.add('DeleteDdmUser', functools.partial(instance.delete, name), target=target)
        return plan, before, None

    if current is None:
        missing = [opt for opt in ('password', 'base_authority') if params.get(opt) is None]
        if missing:
            raise ValidationError('%s: required to create account %r, which does not exist' % (' and '.join(missing), name))
        body = dict(name=name, password=params['password'], base_authority=want['base_authority'])
        shown = dict(name=name, password=SECRET_PLACEHOLDER, base_authority=want['base_authority'])
        for key in ('databases', 'description', 'password_lifetime'):
            if key in want and not (key == 'databases' and not want[key]):
                body[key] = _api_field(key, want[key])
                shown[key] = want[key]
        plan.add('CreateDdmUser', functools.partial(instance.create, body), target=target, **shown)
        after = dict(name=name, status=None, base_authority=want['base_authority'], databases=want.get('databases', []),
                     description=want.get('description', ''), password_lifetime=want.get('password_lifetime', 0),
                     created=None, password_last_changed=None)
        return plan, before, after

    after = dict(before)
    fields = changed_fields(before, want)
    if 'databases' in fields and not want['databases']:
        raise ValidationError('databases: an empty list would detach every schema (%s) from account %r; the module refuses to send it '
                              'because whether the DDM API clears the associations for an empty list is not verified'
                              % (', '.join(before['databases']), name))
    if fields:
        body = dict((key, _api_field(key, want[key])) for key in fields)
        plan.add('UpdateDdmUser', functools.partial(instance.update, name, body), target=target, **dict((key, want[key]) for key in fields))
        after.update((key, want[key]) for key in fields)
    password = password_to_set(params)
    if password is not None:
        plan.add('ResetDdmUserPassword', functools.partial(instance.reset_password, name, password), target=target, password=SECRET_PLACEHOLDER)
    return plan, before, after


def sets_password(plan):
    return any('password' in action.params for action in plan.actions)


# --- a whole instance's account set in one run -----------------------------------------------------------

USER_ITEM_FIELDS = ('name', 'state', 'password', 'base_authority', 'databases', 'description', 'password_lifetime')


def item_params(params, entry):
    """The single-account params of one ``users`` entry (``instance_id`` and ``update_password`` from the task)."""
    item = dict((key, entry.get(key)) for key in USER_ITEM_FIELDS)
    item['state'] = item['state'] or 'present'
    item.update(instance_id=params['instance_id'], update_password=params.get('update_password') or 'on_create')
    return item


def unresolved_note(item, current):
    """Why a missing account cannot be created from ``item`` (None when it can)."""
    if current is not None or item['state'] != 'present':
        return None
    missing = [opt for opt in ('password', 'base_authority') if not item.get(opt)]
    return 'cannot create: %s not given' % ' and '.join(missing) if missing else None


def plan_users(params, current_users, instance):
    """Plan the whole declared set ``params['users']`` against the instance's API accounts ``current_users``.

    With ``exclusive``, first one deletion per undeclared account (sorted by name), then one ``BatchItem`` per declared
    account, in the declared order. A declared account that is missing and lacks what a create needs is V(unresolved): with
    ``skip_unresolved`` it is left out and reported, else the task fails before any write.
    """
    by_name = dict((user.get('name'), user) for user in current_users)
    items, declared = [], set(entry['name'] for entry in params['users'])
    if params.get('exclusive'):   # deletions first: they free account slots (at most 100 per instance) for the creates
        for name in sorted(set(by_name) - declared):
            item = dict(instance_id=params['instance_id'], name=name, state='absent')
            plan, before, after = plan_user(item, by_name[name], instance)
            items.append(BatchItem(name, plan, before, after, 'undeclared'))
    for index, entry in enumerate(params['users']):
        item = item_params(params, entry)
        current = by_name.get(item['name'])
        note = unresolved_note(item, current)
        if note is not None:
            if not params.get('skip_unresolved'):
                raise ValidationError('users[%d]: %s (account %r does not exist); nothing was changed' % (index, note, item['name']))
            items.append(BatchItem(item['name'], Plan(), None, None, 'unresolved', note=note))
            continue
        try:
            plan, before, after = plan_user(item, current, instance)
        except ValidationError as exc:
            raise ValidationError('users[%d] (%s): %s' % (index, item['name'], exc))
        items.append(BatchItem(item['name'], plan, before, after, drift_of(plan, before, item['state']),
                               diff_secrets=('password',) if sets_password(plan) else ()))
    return items


def reread_users(instance):
    """The end state of the whole instance in one read: ``{name: view}``."""
    return dict((user.get('name'), normalize_user(user)) for user in instance.users())


# --- discovery: the DDM instances of one region -----------------------------------------------------

INSTANCES_PATH = '/v1/{project_id}/instances'
INSTANCE_PAGE_LIMIT = 128  # documented maximum of "Querying DDM Instances" (default 10)

# API field -> view field of a listed instance (ShowInstanceBeanResponse)
INSTANCE_FIELDS = (
    ('engine_version', 'engine_version'),
    ('project_id', 'project_id'),
    ('enterprise_project_id', 'enterprise_project_id'),
    ('available_zone', 'available_zone'),
    ('node_count', 'node_count'),
    ('node_status', 'node_status'),
    ('access_ip', 'access_ip'),
    ('access_port', 'access_port'),
    ('vpc_id', 'vpc_id'),
    ('created', 'created'),
    ('updated', 'updated'),
)


def instance_view(item, region):
    """The discovery view of a listed DDM instance: the identifying fields every service shares, then DDM's own."""
    return discovery.instance_view('huaweicloud', SERVICE, item, INSTANCE_FIELDS, item.get('id'), item.get('name'), region,
                                   item.get('status'))


class InstanceCatalog(discovery.Catalog):
    """The DDM instances of one region (ListInstances, every page), bound to a client of that region."""

    def list(self):
        def fetch(offset, limit):
            return self.client.request('GET', INSTANCES_PATH, 'ListInstances', query={'offset': offset, 'limit': limit})
        return discovery.offset_pages(fetch, INSTANCE_PAGE_LIMIT, 'instances', 'total_record', SERVICE, 'ListInstances')

    def views(self, name_pattern=None):
        return [instance_view(item, self.region) for item in self.list() if discovery.name_matches(item.get('name'), name_pattern)]
