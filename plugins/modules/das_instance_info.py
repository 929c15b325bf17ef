#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: dbgov.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: das_instance_info
short_description: Discover the database instances Huawei Cloud DAS manages in one or more regions
version_added: 1.0.0
description:
  - Lists every database instance DAS (Data Admin Service) manages in the given regions, per datastore type
    (C(GET /v3/{project_id}/instances?datastore_type=...), every page), with whether the built-in account is logged in
    as DAS last recorded it (RV(instances[].login_flag)).
  - Returns one flat list; every item carries its O(region) and the O(datastore_types) entry it was listed under.
  - Each region needs its own project ID. The O(project_id) option applies to the connection's O(region) only; the
    project of every other region is looked up through IAM (one call per region).
options:
  datastore_types:
    description:
      - The datastore types to list (one list per type and region).
    type: list
    elements: str
    choices: [MySQL, PostgreSQL, SQLServer, TaurusDB]
    default: [MySQL]
  language:
    description:
      - The language of DAS messages (the C(X-Language) header).
    type: str
    choices: [en-us, zh-cn]
notes:
  - The list API has no name filter; O(name_pattern) is applied by the module.
  - Needs the IAM permission to list DAS instances in every region read (and C(iam:projects:listProjects) when the
    project of a region is looked up).
extends_documentation_fragment:
  - dbgov.cloud.huaweicloud
  - dbgov.cloud.discovery
  - dbgov.cloud.attributes.info_module
  - dbgov.cloud.attributes.action_group_huaweicloud
author:
  - dbgov.cloud contributors (@dbgov)
'''

EXAMPLES = r'''
- name: Every MySQL and PostgreSQL instance DAS manages in two regions
  dbgov.cloud.das_instance_info:
    region: cn-north-4
    regions: [cn-north-4, ap-southeast-1]
    datastore_types: [MySQL, PostgreSQL]
  register: das

- name: Log the built-in account out of every MySQL instance where DAS shows it logged in
  dbgov.cloud.das_builtin_account:
    region: "{{ item.region }}"
    instance_id: "{{ item.instance_id }}"
    state: logged_out
  loop: "{{ das.instances | selectattr('datastore_type', 'eq', 'MySQL') | selectattr('login_flag') | list }}"
  loop_control:
    label: "{{ item.region }} {{ item.name }}"
'''

RETURN = r'''
instances:
  description: The instances of every region that could be read, region by region in the order of O(regions).
  returned: success
  type: list
  elements: dict
  contains:
    instance_id:
      description: The database instance ID.
      type: str
      sample: 7d0908f6c98e328ffd1380dee11ba50ein01
    name:
      description: The instance name.
      type: str
      sample: rds-orders-prod
    region:
      description: The region the instance is in.
      type: str
      sample: cn-north-4
    status:
      description: The instance status as DAS reports it.
      type: str
      sample: ACTIVE
    cloud:
      description: Always C(huaweicloud).
      type: str
    service:
      description: Always C(das).
      type: str
    datastore_type:
      description: The O(datastore_types) entry the instance was listed under.
      type: str
      sample: MySQL
    engine_type:
      description: The engine type DAS reports.
      type: str
      sample: MySQL
    version:
      description: The engine version.
      type: str
      sample: '8.0'
    login_flag:
      description: Whether DAS records the built-in account as logged in.
      type: bool
    ip:
      description: The instance address.
      type: str
    port:
      description: The instance port.
      type: int
regions:
  description: The regions that were read.
  returned: success
  type: list
  elements: str
  sample: [cn-north-4]
region_errors:
  description:
    - One entry per region that could not be read (C(region), C(msg), C(error_code), C(http_status), C(request_id),
      C(operation), C(service)); empty when every region answered.
  returned: success
  type: list
  elements: dict
'''

from ansible_collections.dbgov.cloud.plugins.module_utils.base import HuaweiCloudModule
from ansible_collections.dbgov.cloud.plugins.module_utils.common import ValidationError
from ansible_collections.dbgov.cloud.plugins.module_utils import das, discovery


def validate(params):
    discovery.check_options(params)
    if not params['datastore_types']:
        raise ValidationError('datastore_types: list at least one datastore type')


def run(module):
    params = module.params
    validate(params)
    types = list(dict.fromkeys(params['datastore_types']))
    discovery.discover(module, lambda region: das.InstanceCatalog(module.region_client(das.SERVICE, region), region, params['language'])
                       .views(types, params['name_pattern']))


def main():
    spec = discovery.argument_spec()
    spec.update(
        datastore_types=dict(type='list', elements='str', choices=list(das.LIST_DATASTORE_TYPES), default=['MySQL']),
        language=dict(type='str', choices=list(das.LANGUAGES)),
    )
    module = HuaweiCloudModule(argument_spec=spec, supports_check_mode=True)
    module.run(run)


if __name__ == '__main__':
    main()
