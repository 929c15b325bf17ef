#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: dbgov.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: dcs_acl_account_info
short_description: List the ACL accounts of a Huawei Cloud DCS (Redis) instance
version_added: 1.0.0
description:
  - Lists the ACL accounts of a Huawei Cloud DCS (Distributed Cache Service) Redis instance with one call
    (C(GET /v2/{project_id}/instances/{instance_id}/accounts)), optionally only the one with a given name.
  - Passwords are never returned (the API has none to give).
options:
  instance_id:
    description:
      - The ID of the DCS instance.
    type: str
    required: true
  account_name:
    description:
      - Return only the account with this name (exact, case-sensitive); an empty list when there is none.
    type: str
notes:
  - The API has no name filter and no pagination; the module lists every account and filters locally.
  - Needs the IAM permission C(dcs:aclaccount:list).
extends_documentation_fragment:
  - dbgov.cloud.huaweicloud
  - dbgov.cloud.attributes.info_module
  - dbgov.cloud.attributes.action_group_huaweicloud
author:
  - dbgov.cloud contributors (@dbgov)
'''

EXAMPLES = r'''
- name: List the ACL accounts of the orders cache
  dbgov.cloud.dcs_acl_account_info:
    region: cn-north-4
    instance_id: 3f2a6c1e-8b4d-4e7a-9c2f-1d5e8a7b6c40
  register: acl

- name: Fail when an account can write although it should not
  ansible.builtin.assert:
    that: acl.accounts | selectattr('name', 'in', read_only_accounts) | selectattr('role', 'eq', 'write') | list | length == 0
  vars:
    read_only_accounts: [bi_readonly, ops_monitor]

- name: Look up one account with shared connection settings
  module_defaults:
    group/dbgov.cloud.huaweicloud:
      region: cn-north-4
      project_id: e7f4b2c5a9d84f3e8c1b6a0d2f9e4c71   # optional: found from the region when omitted
  dbgov.cloud.dcs_acl_account_info:
    instance_id: 3f2a6c1e-8b4d-4e7a-9c2f-1d5e8a7b6c40
    account_name: svc_payments
  register: svc_payments
'''

RETURN = r'''
region:
  description: The region the module read (the option or its environment fallback).
  returned: success
  type: str
  sample: cn-north-4
  version_added: 1.0.0
project_id:
  description: The project ID the module read (the option, its environment fallback, or resolved from O(region)).
  returned: success
  type: str
  sample: 0b1e5a9c7f3d4e2a8c6b4d1f3a5e7c9b
  version_added: 1.0.0
instance_id:
  description: The instance the module read (O(instance_id)).
  returned: success
  type: str
  sample: 5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d
  version_added: 1.0.0
accounts:
  description: The ACL accounts, in the order the API lists them.
  returned: success
  type: list
  elements: dict
  contains:
    id:
      description: The account ID.
      type: str
      sample: 7c1e5a2b-4f3d-4e9a-8b6c-2d1f0e9a8b7c
    name:
      description: The account name.
      type: str
      sample: bi_readonly
    type:
      description: V(normal), or V(default) for the instance's built-in account.
      type: str
      sample: normal
    role:
      description: V(read) or V(write).
      type: str
      sample: read
    read_policy:
      description: V(master), V(replica), V(master-replica), or V(null) when not set (the instance setting applies).
      type: str
      sample: null
    status:
      description: C(AVAILABLE), C(CREATING), C(UPDATING), C(ERROR) and so on.
      type: str
      sample: AVAILABLE
    description:
      description: The account description (empty when none).
      type: str
      sample: BI dashboards (read-only)
'''

from ansible_collections.dbgov.cloud.plugins.module_utils.base import HuaweiCloudModule
from ansible_collections.dbgov.cloud.plugins.module_utils.common import select_views
from ansible_collections.dbgov.cloud.plugins.module_utils import dcs


def validate(params):
    dcs.check_id('instance_id', params['instance_id'])
    dcs.check_name('account_name', params['account_name'])


def run(module):
    params = module.params
    validate(params)
    accounts = module.service(dcs.AclInstance, params['instance_id']).accounts()
    module.exit_info(accounts=select_views(accounts, dcs.account_view, account_name=params['account_name']),
                     region=params['region'], project_id=module.client(dcs.AclInstance.SERVICE).project_id, instance_id=params['instance_id'])


def main():
    module = HuaweiCloudModule(
        argument_spec=dict(
            instance_id=dict(type='str', required=True),
            account_name=dict(type='str'),
        ),
        supports_check_mode=True,
    )
    module.run(run)


if __name__ == '__main__':
    main()
