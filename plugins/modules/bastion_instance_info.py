#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: dbgov.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: bastion_instance_info
short_description: Discover the Alibaba Cloud Bastionhost instances of one or more regions
version_added: 1.0.0
description:
  - Lists every Bastionhost instance of the given regions (C(DescribeInstances), every page), so that the database
    grants of every bastion host can be reviewed, including hosts nobody listed by hand.
  - Returns one flat list; every item carries its O(region).
options:
  tags:
    description:
      - Return only the bastion hosts that carry every one of these tags (C(Tag.N.Key)/C(Tag.N.Value)); the service
        filters. A tag whose value is null matches the key with any value.
    type: dict
  status:
    description:
      - Return only bastion hosts in this state (the service filters).
    type: str
    choices: [PENDING, CREATING, RUNNING, EXPIRED, CREATE_FAILED, UPGRADING, UPGRADE_FAILED]
notes:
  - A bastion host has no name besides its description; RV(instances[].name) and O(name_pattern) refer to it, and
    O(name_pattern) is applied by the module.
  - The documentation gives C(DescribeInstances) a default page size of 10 and no maximum; the module asks for 50 per
    page and fails the region with C(IncompleteListing) when the pages do not add up to C(TotalCount).
extends_documentation_fragment:
  - dbgov.cloud.alibabacloud
  - dbgov.cloud.discovery
  - dbgov.cloud.attributes.info_module
  - dbgov.cloud.attributes.action_group_alibabacloud
author:
  - dbgov.cloud contributors (@dbgov)
'''

EXAMPLES = r'''
- name: Every running bastion host of two regions
  dbgov.cloud.bastion_instance_info:
    region: cn-hangzhou
    regions: [cn-hangzhou, ap-southeast-1]
    status: RUNNING
  register: bastions

- name: What jdoe may reach through each of them, directly and through groups (user null where jdoe has no account)
  dbgov.cloud.bastion_user_info:
    region: "{{ item.region }}"
    instance_id: "{{ item.instance_id }}"
    user_name: jdoe
  loop: "{{ bastions.instances }}"
  loop_control:
    label: "{{ item.region }} {{ item.name }}"
'''

RETURN = r'''
instances:
  description: The bastion hosts of every region that could be read, region by region in the order of O(regions).
  returned: success
  type: list
  elements: dict
  contains:
    instance_id:
      description: The Bastionhost instance ID.
      type: str
      sample: bastionhost-cn-emu0prod01
    name:
      description: The instance description.
      type: str
      sample: production bastion
    region:
      description: The region the bastion host is in.
      type: str
      sample: cn-hangzhou
    status:
      description: The instance state (C(RUNNING), C(EXPIRED) ...).
      type: str
      sample: RUNNING
    cloud:
      description: Always C(alibabacloud).
      type: str
    service:
      description: Always C(bastionhost).
      type: str
    description:
      description: The instance description (the same as RV(instances[].name)).
      type: str
    image_version:
      description: The version of the bastion host.
      type: str
    plan_code:
      description: The edition (C(cloudbastion), C(cloudbastion_ha)).
      type: str
    legacy:
      description: Whether this is a V2/V3.1 (legacy) bastion host.
      type: bool
    internet_endpoint:
      description: The public domain name.
      type: str
    intranet_endpoint:
      description: The private domain name.
      type: str
    public_network_access:
      description: Whether public access is enabled.
      type: bool
    vpc_id:
      description: The VPC ID.
      type: str
    resource_group_id:
      description: The resource group.
      type: str
    start_time:
      description: When the instance started (UNIX milliseconds).
      type: int
    expire_time:
      description: When the instance expires (UNIX milliseconds).
      type: int
regions:
  description: The regions that were read.
  returned: success
  type: list
  elements: str
  sample: [cn-hangzhou]
region_errors:
  description:
    - One entry per region that could not be read (C(region), C(msg), C(error_code), C(http_status), C(request_id),
      C(operation), C(service)); empty when every region answered.
  returned: success
  type: list
  elements: dict
'''

from ansible_collections.dbgov.cloud.plugins.module_utils.base import AlibabaCloudModule
from ansible_collections.dbgov.cloud.plugins.module_utils import bastionhost, discovery


def run(module):
    params = module.params
    discovery.check_options(params)
    discovery.discover(module, lambda region: bastionhost.InstanceCatalog(module.region_client('bastionhost', region), region)
                       .views(params['name_pattern'], params['tags'], params['status']))


def main():
    spec = discovery.argument_spec(tags=True)
    spec.update(status=dict(type='str', choices=['PENDING', 'CREATING', 'RUNNING', 'EXPIRED', 'CREATE_FAILED', 'UPGRADING',
                                                 'UPGRADE_FAILED']))
    module = AlibabaCloudModule(argument_spec=spec, supports_check_mode=True)
    module.run(run)


if __name__ == '__main__':
    main()
