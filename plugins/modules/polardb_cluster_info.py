#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: dbgov.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: polardb_cluster_info
short_description: Discover the Alibaba Cloud PolarDB clusters of one or more regions
version_added: 1.0.0
description:
  - Lists every PolarDB cluster of the given regions (C(DescribeDBClusters), every page of 100), with engine, version
    and status, so that account governance can cover clusters nobody listed by hand.
  - Returns one flat list; every item carries its O(region), and both RV(instances[].instance_id) and
    RV(instances[].cluster_id) (the same cluster ID).
options:
  tags:
    description:
      - Return only the clusters that carry every one of these tags (C(Tag.N.Key)/C(Tag.N.Value)); the service filters.
        A tag whose value is null matches the key with any value.
    type: dict
  db_type:
    description:
      - Return only clusters of this engine (the service filters).
    type: str
    choices: [MySQL, PostgreSQL, Oracle]
notes:
  - The cluster description is the name RV(instances[].name) and O(name_pattern) refer to; O(name_pattern) is applied by
    the module.
  - Needs the RAM permission C(polardb:DescribeDBClusters) in every region read.
extends_documentation_fragment:
  - dbgov.cloud.alibabacloud
  - dbgov.cloud.discovery
  - dbgov.cloud.attributes.info_module
  - dbgov.cloud.attributes.action_group_alibabacloud
author:
  - dbgov.cloud contributors (@dbgov)
'''

EXAMPLES = r'''
- name: Every PolarDB for MySQL cluster of three regions
  dbgov.cloud.polardb_cluster_info:
    region: cn-hangzhou
    regions: [cn-hangzhou, cn-shanghai, ap-southeast-1]
    db_type: MySQL
  register: polardb

- name: The standard accounts of every discovered cluster
  dbgov.cloud.polardb_account_info:
    region: "{{ item.region }}"
    cluster_id: "{{ item.cluster_id }}"
    account_type: Normal
  loop: "{{ polardb.instances }}"
  loop_control:
    label: "{{ item.region }} {{ item.name }}"
'''

RETURN = r'''
instances:
  description: The clusters of every region that could be read, region by region in the order of O(regions).
  returned: success
  type: list
  elements: dict
  contains:
    instance_id:
      description: The cluster ID (the same as RV(instances[].cluster_id)).
      type: str
      sample: pc-bp1orders0prod01
    cluster_id:
      description: The cluster ID.
      type: str
      sample: pc-bp1orders0prod01
    name:
      description: The cluster description.
      type: str
      sample: orders production
    region:
      description: The region the cluster is in.
      type: str
      sample: cn-hangzhou
    status:
      description: The cluster status (C(Running), C(Stopped), C(ClassChanging) ...).
      type: str
      sample: Running
    cloud:
      description: Always C(alibabacloud).
      type: str
    service:
      description: Always C(polardb).
      type: str
    db_type:
      description: C(MySQL), C(PostgreSQL) or C(Oracle).
      type: str
      sample: MySQL
    db_version:
      description: The engine version.
      type: str
      sample: '8.0'
    engine:
      description: The engine, C(POLARDB).
      type: str
    category:
      description: The edition (C(Normal), C(Basic), C(Archive) ...).
      type: str
    zone_id:
      description: The zone.
      type: str
    pay_type:
      description: C(Postpaid) or C(Prepaid).
      type: str
    create_time:
      description: When the cluster was created.
      type: str
    expire_time:
      description: When a subscription cluster expires.
      type: str
    lock_mode:
      description: The lock mode (C(Unlock) when not locked).
      type: str
    db_node_number:
      description: The number of nodes.
      type: int
    resource_group_id:
      description: The resource group.
      type: str
    tags:
      description: The cluster tags, key to value.
      type: dict
regions:
  description: The regions that were read.
  returned: success
  type: list
  elements: str
  sample: [cn-hangzhou, cn-shanghai]
region_errors:
  description:
    - One entry per region that could not be read (C(region), C(msg), C(error_code), C(http_status), C(request_id),
      C(operation), C(service)); empty when every region answered.
  returned: success
  type: list
  elements: dict
'''

from ansible_collections.dbgov.cloud.plugins.module_utils.base import AlibabaCloudModule
from ansible_collections.dbgov.cloud.plugins.module_utils import discovery, polardb


def run(module):
    params = module.params
    discovery.check_options(params)
    discovery.discover(module, lambda region: polardb.ClusterCatalog(module.region_client(polardb.SERVICE, region), region)
                       .views(params['name_pattern'], params['tags'], params['db_type']))


def main():
    spec = discovery.argument_spec(tags=True)
    spec.update(db_type=dict(type='str', choices=['MySQL', 'PostgreSQL', 'Oracle']))
    module = AlibabaCloudModule(argument_spec=spec, supports_check_mode=True)
    module.run(run)


if __name__ == '__main__':
    main()
