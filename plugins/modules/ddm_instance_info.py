#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: dbgov.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: ddm_instance_info
short_description: Discover the Huawei Cloud DDM instances of one or more regions
version_added: 1.0.0
description:
  - Lists every DDM (Distributed Database Middleware) instance of the given regions
    (C(GET /v1/{project_id}/instances), every page of 128), so that account governance can cover instances nobody
    listed by hand.
  - Returns one flat list; every item carries its O(region).
  - Each region needs its own project ID. The O(project_id) option applies to the connection's O(region) only; the
    project of every other region is looked up through IAM (one call per region).
notes:
  - The DDM documentation describes the C(offset) of the instance list both as a record offset and as a page number;
    the module sends record offsets and checks that the pages add up to C(total_record), failing the region with
    C(IncompleteListing) otherwise, so a different reading by the service can never produce a silently partial list.
  - The list API has no name or tag filter; O(name_pattern) is applied by the module.
  - Needs the IAM permission C(ddm:instance:list) in every region read (and C(iam:projects:listProjects) when the
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
- name: Every DDM instance of three regions
  dbgov.cloud.ddm_instance_info:
    region: cn-north-4
    regions: [cn-north-4, ap-southeast-1, la-south-2]
  register: ddm

- name: Review the accounts of every discovered instance
  dbgov.cloud.ddm_user_info:
    region: "{{ item.region }}"
    instance_id: "{{ item.instance_id }}"
  loop: "{{ ddm.instances }}"
  loop_control:
    label: "{{ item.region }} {{ item.name }}"

- name: Only production instances; fail when a region cannot be read
  dbgov.cloud.ddm_instance_info:
    region: cn-north-4
    regions: [cn-north-4, ap-southeast-1]
    name_pattern: "ddm-prod-*"
    fail_on_region_error: true
'''

RETURN = r'''
instances:
  description: The DDM instances of every region that could be read, region by region in the order of O(regions).
  returned: success
  type: list
  elements: dict
  contains:
    instance_id:
      description: The DDM instance ID.
      type: str
      sample: 0a8f1c6baa124e99853719d9257324dfin09
    name:
      description: The instance name.
      type: str
      sample: ddm-orders-prod
    region:
      description: The region the instance is in.
      type: str
      sample: cn-north-4
    status:
      description: The instance status, C(RUNNING) when available (also C(CREATING), C(ERROR), C(RESIZING) ...).
      type: str
      sample: RUNNING
    cloud:
      description: Always C(huaweicloud).
      type: str
    service:
      description: Always C(ddm).
      type: str
    engine_version:
      description: The DDM engine version.
      type: str
      sample: 3.1.0
    project_id:
      description: The project of the region.
      type: str
    enterprise_project_id:
      description: The enterprise project ID.
      type: str
    available_zone:
      description: The availability zone.
      type: str
    node_count:
      description: The number of nodes.
      type: int
    node_status:
      description: The node status.
      type: str
    access_ip:
      description: The address clients connect to.
      type: str
    access_port:
      description: The port clients connect to.
      type: str
    vpc_id:
      description: The VPC ID.
      type: str
    created:
      description: When the instance was created.
      type: str
    updated:
      description: When the instance was last updated.
      type: str
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
  sample: [{region: cn-south-1, error_code: ProjectNotResolved, msg: "ProjectNotResolved: region 'cn-south-1' matches 0 IAM projects"}]
'''

from ansible_collections.dbgov.cloud.plugins.module_utils.base import HuaweiCloudModule
from ansible_collections.dbgov.cloud.plugins.module_utils import ddm, discovery


def run(module):
    params = module.params
    discovery.check_options(params)
    discovery.discover(module, lambda region: ddm.InstanceCatalog(module.region_client(ddm.SERVICE, region), region)
                       .views(params['name_pattern']))


def main():
    module = HuaweiCloudModule(argument_spec=discovery.argument_spec(), supports_check_mode=True)
    module.run(run)


if __name__ == '__main__':
    main()
