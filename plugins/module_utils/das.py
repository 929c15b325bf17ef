# -*- coding: utf-8 -*-
# Copyright: dbgov.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Huawei Cloud DAS (Data Admin Service): the built-in ("clouddba") account calls and the Cloud-DBA instance list.

One function per API call, ``DasInstance`` (one DB instance as DAS manages it, during one module run) and the pure
plan function ``plan_builtin_account``; no signing or HTTP here (``HuaweiClient.request`` does both).
There is no API that tells whether the built-in account is logged in (see the module's notes).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.dbgov.cloud.plugins.module_utils.common import ModuleFailure, Plan, Service, api_view
from ansible_collections.dbgov.cloud.plugins.module_utils import discovery

SERVICE = 'das'

# the only documented datastore type of the built-in account calls
DATASTORE_TYPES = ('MySQL',)
LANGUAGES = ('en-us', 'zh-cn')
INSTANCE_ID_PATTERN = r'[A-Za-z0-9]{32,36}'

# "Frequent requests" (HTTP 400): DAS-level throttling, the request was not executed, so it is safe to repeat
RETRY_CODES = ('DAS.200002',)

LIST_PAGE_SIZE = 200  # documented maximum of ListCloudDbaInstances (default 20)
MAX_PAGES = 1000      # a guard against a service that never stops paging

# API field -> view field of a Cloud-DBA instance
INSTANCE_FIELDS = (
    ('instance_id', 'instance_id'),
    ('instance_name', 'name'),
    ('instance_status', 'status'),
    ('engine_type', 'engine_type'),
    ('version', 'version'),
    ('login_flag', 'login_flag'),
    ('ip', 'ip'),
    ('port', 'port'),
)


def _headers(language, json_body=False):
    # login/logoff: the SDK's DasClient sends their bodies as "application/json" (no charset), and so do we
    headers = {'Content-Type': 'application/json'} if json_body else {}
    if language:
        headers['X-Language'] = language
    return headers or None


def list_cloud_dba_instances(client, datastore_type, language=None, deadline=None):
    """Every Cloud-DBA instance of ``datastore_type`` (ListCloudDbaInstances, all pages), as API objects."""
    instances, offset = [], 0
    for _page in range(MAX_PAGES):
        data = client.request('GET', '/v3/{project_id}/instances', 'ListCloudDbaInstances',
                              query={'datastore_type': datastore_type, 'offset': offset, 'limit': LIST_PAGE_SIZE},
                              headers=_headers(language), busy_codes=RETRY_CODES, deadline=deadline, expect=('instance_list',))
        page = data.get('instance_list') or []
        instances.extend(page)
        offset += len(page)
        total = data.get('total_count')
        if not page or (offset >= total if isinstance(total, int) else len(page) < LIST_PAGE_SIZE):
            break
    return instances


def find_instance(client, instance_id, datastore_type, language=None, deadline=None):
    """(the normalised view of ``instance_id`` or None, how many instances DAS listed)."""
    instances = list_cloud_dba_instances(client, datastore_type, language=language, deadline=deadline)
    for item in instances:
        if item.get('instance_id') == instance_id:
            return normalize_instance(item), len(instances)
    return None, len(instances)


def login_builtin_account(client, instance_id, datastore_type, language=None, deadline=None):
    """LoginBuiltInAccount; returns the ``db_user_id`` DAS answers with."""
    data = client.request('POST', '/v3/{project_id}/instances/%s/login-built-in-account' % instance_id, 'LoginBuiltInAccount',
                          body={'datastore_type': datastore_type}, headers=_headers(language, json_body=True),
                          busy_codes=RETRY_CODES, deadline=deadline)
    return data.get('db_user_id')


def logoff_builtin_account(client, instance_id, datastore_type, language=None, deadline=None):
    """LogoffBuiltInAccount (HTTP 200 with an empty body)."""
    client.request('POST', '/v3/{project_id}/instances/%s/logoff-built-in-account' % instance_id, 'LogoffBuiltInAccount',
                   body={'datastore_type': datastore_type}, headers=_headers(language, json_body=True),
                   busy_codes=RETRY_CODES, deadline=deadline)


def normalize_instance(item):
    """The snake_case view of a Cloud-DBA instance (DASInstanceInfo)."""
    return api_view(item, INSTANCE_FIELDS)


def account_view(instance_id, datastore_type, state, db_user_id=None):
    """What the module reports about the built-in account: the state it requested (never a state it read)."""
    view = dict(instance_id=instance_id, datastore_type=datastore_type, state=state)
    if db_user_id is not None:
        view['db_user_id'] = db_user_id
    return view


OPERATIONS = dict(logged_in='LoginBuiltInAccount', logged_out='LogoffBuiltInAccount')


class DasInstance(Service):
    """One DB instance as DAS manages it: ``datastore_type`` and ``language`` (the X-Language header) apply to every call."""

    SERVICE = SERVICE

    def __init__(self, client, instance_id, region=None, wait=True, wait_timeout=None, datastore_type='MySQL', language=None):
        super(DasInstance, self).__init__(client, instance_id, region, wait, wait_timeout)
        self.datastore_type = datastore_type
        self.language = language

    def listed(self):
        """The normalised view of the instance as DAS lists it; ModuleFailure (InstanceNotListed) when it is not listed."""
        instance, listed = find_instance(self.client, self.resource_id, self.datastore_type, self.language)
        if instance is None:
            raise ModuleFailure('instance_id: DAS does not list %s among the %d Cloud-DBA instances of datastore_type %s in region %s; '
                                'check the ID, the region and that DAS manages the instance'
                                % (self.resource_id, listed, self.datastore_type, self.region),
                                code='InstanceNotListed', operation='ListCloudDbaInstances', resource_id=self.resource_id)
        return instance

    def login(self):
        return login_builtin_account(self.client, self.resource_id, self.datastore_type, self.language)

    def logoff(self):
        return logoff_builtin_account(self.client, self.resource_id, self.datastore_type, self.language)


def plan_builtin_account(instance, state):
    """(plan, before, after) for the built-in account: always exactly one call, since the current state cannot be read."""
    plan = Plan()
    call = instance.login if state == 'logged_in' else instance.logoff
    plan.add(OPERATIONS[state], call, target=instance.resource_id, datastore_type=instance.datastore_type)
    before = account_view(instance.resource_id, instance.datastore_type, 'unknown')
    after = account_view(instance.resource_id, instance.datastore_type, state)
    return plan, before, after


# --- discovery: the instances DAS manages in one region ---------------------------------------------

# datastore types the Cloud-DBA list accepts (the list call; the built-in account calls take MySQL only)
LIST_DATASTORE_TYPES = ('MySQL', 'PostgreSQL', 'SQLServer', 'TaurusDB')


def discovery_view(item, region, datastore_type):
    """The discovery view of a Cloud-DBA instance: the identifying fields, DAS's own, the datastore type listed."""
    view = normalize_instance(item)
    view.update(region=region, datastore_type=datastore_type, cloud='huaweicloud', service=SERVICE)
    return view


class InstanceCatalog(discovery.Catalog):
    """The instances DAS manages in one region (ListCloudDbaInstances, every page of every datastore type)."""

    def __init__(self, client, region, language=None):
        super(InstanceCatalog, self).__init__(client, region)
        self.language = language

    def views(self, datastore_types, name_pattern=None):
        views = []
        for datastore_type in datastore_types:
            for item in list_cloud_dba_instances(self.client, datastore_type, language=self.language):
                if discovery.name_matches(item.get('instance_name'), name_pattern):
                    views.append(discovery_view(item, self.region, datastore_type))
        return views
