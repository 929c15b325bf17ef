#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: dbgov.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: ddm_user_info
short_description: List the accounts of a Huawei Cloud DDM instance
version_added: 1.0.0
description:
  - List the accounts of a Huawei Cloud DDM (Distributed Database Middleware) instance with the DDM V3 account API,
    reading every page, optionally only the account with a given name.
  - Passwords are never returned (the API does not return them).
options:
  instance_id:
    description:
      - ID of the DDM instance, 36 letters and digits ending in C(in09).
    type: str
    required: true
  name:
    description:
      - Return only the account with this name (exact, case-sensitive match). The API has no name filter,
        so the module lists every account and filters them.
    type: str
extends_documentation_fragment:
  - dbgov.cloud.huaweicloud
  - dbgov.cloud.attributes.info_module
  - dbgov.cloud.attributes.action_group_huaweicloud
seealso:
  - module: dbgov.cloud.ddm_user
author:
  - dbgov.cloud contributors (@dbgov)
'''

EXAMPLES = r'''
- name: Audit DDM accounts
  module_defaults:
    group/dbgov.cloud.huaweicloud:
      region: cn-north-4
      access_key: "{{ lookup('ansible.builtin.env', 'HUAWEICLOUD_SDK_AK') }}"
      secret_key: "{{ lookup('ansible.builtin.env', 'HUAWEICLOUD_SDK_SK') }}"
  block:
    - name: All accounts of an instance
      dbgov.cloud.ddm_user_info:
        instance_id: 0a8f1c6baa124e99853719d9257324dfin09
      register: ddm_accounts

    - name: Accounts that may write
      ansible.builtin.debug:
        msg: "{{ ddm_accounts.users | selectattr('base_authority', 'contains', 'INSERT') | map(attribute='name') | list }}"

    - name: One account
      dbgov.cloud.ddm_user_info:
        instance_id: 0a8f1c6baa124e99853719d9257324dfin09
        name: bi_readonly
      register: bi

    - name: Fail when the reporting account is missing
      ansible.builtin.assert:
        that: bi.users | length == 1
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
  sample: 0a8f1c6baa124e99853719d9257324dfin09
  version_added: 1.0.0
users:
  description: The accounts, sorted by name; an empty list when none (or none with O(name)) exists.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: Account name.
      type: str
      sample: bi_readonly
    status:
      description: Account status as reported by DDM.
      type: str
      sample: RUNNING
    base_authority:
      description: Base privileges, sorted.
      type: list
      elements: str
      sample: [SELECT]
    databases:
      description: Names of the associated schemas, sorted.
      type: list
      elements: str
      sample: [billing, orders]
    description:
      description: Account description (empty string when none).
      type: str
      sample: BI dashboards
    password_lifetime:
      description: Days until the password expires; V(0) means never.
      type: int
      sample: 0
    created:
      description: Creation time.
      type: str
      sample: "2024-03-18T09:12:44+0800"
    password_last_changed:
      description: Time of the last password change.
      type: str
      sample: "2024-03-18T09:12:44+0800"
'''

from ansible_collections.dbgov.cloud.plugins.module_utils.base import HuaweiCloudModule
from ansible_collections.dbgov.cloud.plugins.module_utils.common import select_views
from ansible_collections.dbgov.cloud.plugins.module_utils import ddm


def validate(params):
    ddm.check_instance_id('instance_id', params['instance_id'])
    ddm.check_name('name', params.get('name'))


def run(module):
    validate(module.params)
    users = module.service(ddm.DdmInstance, module.params['instance_id']).users()
    module.exit_info(users=select_views(users, ddm.normalize_user, sort_by='name', name=module.params.get('name')),
                     region=module.params['region'], project_id=module.client(ddm.DdmInstance.SERVICE).project_id,
                     instance_id=module.params['instance_id'])


def main():
    module = HuaweiCloudModule(
        argument_spec=dict(
            instance_id=dict(type='str', required=True),
            name=dict(type='str'),
        ),
        supports_check_mode=True,
    )
    module.run(run)


if __name__ == '__main__':
    main()
