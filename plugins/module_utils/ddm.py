# -*- coding: utf-8 -*-
# Copyright: dbgov.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Huawei Cloud DDM (Distributed Database Middleware) accounts: one function per API call, the input
rules, and the normaliser that turns an API account into the view the modules return.

Shared by ``ddm_user`` and ``ddm_user_info``. No signing or HTTP here: every call goes through
``HuaweiClient.request`` (module_utils/huaweicloud.py).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.dbgov.cloud.plugins.module_utils.huaweicloud import path_segment

from ansible_collections.dbgov.cloud.plugins.module_utils.common import ValidationError, check_length, check_password, check_pattern, check_range
from ansible_collections.dbgov.cloud.plugins.module_utils import discovery
from ansible_collections.dbgov.cloud.plugins.module_utils.transport import ApiError

SERVICE = 'ddm'

# --- documented rules (reference §1.1) ------------------------------------------------------------
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

def check_instance_id(option, value):
    check_pattern(option, value, INSTANCE_ID_PATTERN, INSTANCE_ID_RULE)


def check_name(option, value):
    check_pattern(option, value, NAME_PATTERN, NAME_RULE)


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
                              query={'offset': offset, 'limit': PAGE_LIMIT})
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
    view = dict(instance_id=item.get('id'), name=item.get('name'), region=region, status=item.get('status'),
                cloud='huaweicloud', service=SERVICE)
    view.update((name, item.get(key)) for key, name in INSTANCE_FIELDS)
    return view


class InstanceCatalog:
    """The DDM instances of one region (ListInstances, every page), bound to a client of that region."""

    def __init__(self, client, region):
        self.client = client
        self.region = region

    def list(self):
        def fetch(offset, limit):
            return self.client.request('GET', INSTANCES_PATH, 'ListInstances', query={'offset': offset, 'limit': limit})
        return discovery.offset_pages(fetch, INSTANCE_PAGE_LIMIT, 'instances', 'total_record', SERVICE, 'ListInstances')

    def views(self, name_pattern=None):
        return [instance_view(item, self.region) for item in self.list() if discovery.name_matches(item.get('name'), name_pattern)]
