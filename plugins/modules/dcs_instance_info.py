#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: dbgov.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: dcs_instance_info
short_description: Discover the Huawei Cloud DCS (Redis) instances of one or more regions, and which support ACL accounts
version_added: 1.0.0
description:
  - Lists every DCS (Distributed Cache Service) instance of the given regions (C(GET /v2/{project_id}/instances), every
    page of 1000), with the engine and engine version and whether the instance supports ACL accounts
    (RV(instances[].acl_supported)), so that ACL governance can cover every Redis instance, including those nobody
    listed by hand.
  - Returns one flat list; every item carries its O(region).
  - Each region needs its own project ID. The O(project_id) option applies to the connection's O(region) only; the
    project of every other region is looked up through IAM (one call per region).
options:
  tags:
    description:
      - Return only the instances that carry every one of these tags; the service filters (its C(tags) parameter,
        C(key=value) pairs separated by commas, so keys and values may not contain C(,) or C(=)).
      - Every tag needs a value.
    type: dict
notes:
  - RV(instances[].acl_supported) comes from the instance's C(features.support_acl) when the list reports it
    (RV(instances[].acl_supported_from) is then C(features)). Otherwise the module applies the documented rule (ACL
    accounts exist on Redis 4.0 and later; not on Redis 3.0 or Memcached) and reports C(engine_version) as the source.
  - O(name_pattern) is applied by the module (the service's C(name) filter matches parts of names).
  - Needs the IAM permission C(dcs:instance:list) in every region read (and C(iam:projects:listProjects) when the
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
- name: Every Redis instance of two regions
  dbgov.cloud.dcs_instance_info:
    region: cn-north-4
    regions: [cn-north-4, ap-southeast-1]
  register: dcs

- name: The ACL accounts of every instance that supports them
  dbgov.cloud.dcs_acl_account_info:
    region: "{{ item.region }}"
    instance_id: "{{ item.instance_id }}"
  loop: "{{ dcs.instances | selectattr('acl_supported') | list }}"
  loop_control:
    label: "{{ item.region }} {{ item.name }}"

- name: Production caches of the payments team only
  dbgov.cloud.dcs_instance_info:
    region: cn-north-4
    tags:
      team: payments
    name_pattern: "redis-*-prod"
'''

RETURN = r'''
instances:
  description: The DCS instances of every region that could be read, region by region in the order of O(regions).
  returned: success
  type: list
  elements: dict
  contains:
    instance_id:
      description: The DCS instance ID.
      type: str
      sample: 3f2a6c1e-8b4d-4e7a-9c2f-1d5e8a7b6c40
    name:
      description: The instance name.
      type: str
      sample: redis-orders-prod
    region:
      description: The region the instance is in.
      type: str
      sample: cn-north-4
    status:
      description: The instance status (C(RUNNING), C(CREATING), C(FROZEN) ...).
      type: str
      sample: RUNNING
    cloud:
      description: Always C(huaweicloud).
      type: str
    service:
      description: Always C(dcs).
      type: str
    engine:
      description: C(Redis) or C(Memcached).
      type: str
      sample: Redis
    engine_version:
      description: The engine version.
      type: str
      sample: '5.0'
    acl_supported:
      description: Whether the instance supports ACL accounts (see the notes).
      type: bool
      sample: true
    acl_supported_from:
      description: Where RV(instances[].acl_supported) comes from, C(features) (the API) or C(engine_version) (the rule).
      type: str
      sample: features
    spec_code:
      description: The flavor of the instance.
      type: str
    capacity:
      description: The cache capacity in GB.
      type: int
    ip:
      description: The address clients connect to.
      type: str
    port:
      description: The port clients connect to.
      type: int
    domain_name:
      description: The domain name of the instance.
      type: str
    no_password_access:
      description: C(true) when the instance allows access without a password (ACL accounts then do not apply).
      type: str
    enterprise_project_id:
      description: The enterprise project ID.
      type: str
    description:
      description: The instance description.
      type: str
    created_at:
      description: When the instance was created.
      type: str
    sub_status:
      description: The sub-status, when the service reports one.
      type: str
    tags:
      description: The instance tags, key to value.
      type: dict
regions:
  description: The regions that were read.
  returned: success
  type: list
  elements: str
  sample: [cn-north-4, ap-southeast-1]
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
from ansible_collections.dbgov.cloud.plugins.module_utils import dcs, discovery


def validate(params):
    discovery.check_options(params, tag_separators=dcs.TAG_SEPARATORS)
    for key, value in (params['tags'] or {}).items():
        if value is None or value == '':
            raise ValidationError('tags: the tag %r needs a value' % key)


def run(module):
    params = module.params
    validate(params)
    discovery.discover(module, lambda region: dcs.InstanceCatalog(module.region_client(dcs.SERVICE, region), region)
                       .views(params['name_pattern'], params['tags']))


def main():
    module = HuaweiCloudModule(argument_spec=discovery.argument_spec(tags=True), supports_check_mode=True)
    module.run(run)


if __name__ == '__main__':
    main()
