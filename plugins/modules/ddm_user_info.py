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
  - With O(instance_ids) the module reads several instances of the region in one run, at the same time (at most
    O(concurrency) at once, each with a connection of its own), and returns one entry per instance in RV(instances) -
    one module process for a whole fleet instead of one per instance.
options:
  instance_id:
    description:
      - ID of the DDM instance, 36 letters and digits ending in C(in09).
      - Exactly one of O(instance_id) and O(instance_ids) is required.
    type: str
  name:
    description:
      - Return only the account with this name (exact, case-sensitive match). The API has no name filter,
        so the module lists every account and filters them.
    type: str
extends_documentation_fragment:
  - dbgov.cloud.huaweicloud
  - dbgov.cloud.discovery.instances
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

    - name: The accounts of several instances in one task (read at the same time)
      dbgov.cloud.ddm_user_info:
        instance_ids:
          - 0a8f1c6baa124e99853719d9257324dfin09
          - 5c1e7d2b9f4a4c8e8b3d6a1f0e9c2b7ain09
      register: fleet

    - name: Instances without any account
      ansible.builtin.debug:
        msg: "{{ fleet.instances | selectattr('users', 'equalto', []) | map(attribute='instance_id') | list }}"
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
  returned: success, with O(instance_id)
  type: str
  sample: 0a8f1c6baa124e99853719d9257324dfin09
  version_added: 1.0.0
instances:
  description:
    - With O(instance_ids), one entry per instance read, in the order of O(instance_ids) (an instance that could not be
      read is in RV(instance_errors) instead).
  returned: success, with O(instance_ids)
  type: list
  elements: dict
  version_added: 1.0.0
  contains:
    instance_id:
      description: The instance.
      type: str
      sample: 0a8f1c6baa124e99853719d9257324dfin09
    users:
      description: Its accounts, sorted by name, as RV(users).
      type: list
      elements: dict
      sample: [{name: bi_readonly, status: RUNNING, base_authority: [SELECT], databases: [orders], description: BI}]
instance_errors:
  description:
    - With O(instance_ids) and O(fail_on_instance_error=false), one entry per instance that could not be read
      (C(instance_id), C(msg), C(error_code), C(http_status), C(request_id), C(operation), C(service)); an empty list when
      every instance was read.
  returned: success, with O(instance_ids)
  type: list
  elements: dict
  version_added: 1.0.0
  sample: [{instance_id: 0a8f1c6baa124e99853719d9257324dfin09, error_code: DBS.280001, http_status: 404, msg: "..."}]
users:
  description: The accounts, sorted by name; an empty list when none (or none with O(name)) exists.
  returned: success, with O(instance_id)
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
from ansible_collections.dbgov.cloud.plugins.module_utils import ddm, discovery


def validate(params):
    if params.get('instance_ids') is None:
        ddm.check_instance_id('instance_id', params['instance_id'])
    ddm.check_name('name', params.get('name'))
    if params.get('instance_ids') is not None:
        return discovery.check_instances(params, ddm.check_instance_id)
    return None


def run_many(module, ids):
    """instance_ids: every instance read in a thread pool, each on a client (and HTTP session) of its own."""
    params = module.params
    new_client = module.worker_clients(ddm.DdmInstance.SERVICE)

    def read(instance_id):
        users = module.service(ddm.DdmInstance, instance_id, client=new_client()).users()
        return select_views(users, ddm.normalize_user, sort_by='name', name=params.get('name'))

    outcomes = discovery.read_each(ids, read, params['concurrency'])
    module.exit_info(region=params['region'], project_id=module.client(ddm.DdmInstance.SERVICE).project_id,
                     **discovery.instances_result(module, ids, outcomes, 'users'))


def run(module):
    ids = validate(module.params)
    if ids is not None:
        return run_many(module, ids)
    users = module.service(ddm.DdmInstance, module.params['instance_id']).users()
    module.exit_info(users=select_views(users, ddm.normalize_user, sort_by='name', name=module.params.get('name')),
                     region=module.params['region'], project_id=module.client(ddm.DdmInstance.SERVICE).project_id,
                     instance_id=module.params['instance_id'])


def main():
    module = HuaweiCloudModule(
        argument_spec=dict(
            instance_id=dict(type='str'),
            name=dict(type='str'),
            **discovery.instances_spec()
        ),
        required_one_of=[('instance_id', 'instance_ids')],
        mutually_exclusive=[('instance_id', 'instance_ids')],
        supports_check_mode=True,
    )
    module.run(run)


if __name__ == '__main__':
    main()
