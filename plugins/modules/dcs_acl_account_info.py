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
  - With O(instance_ids) the module reads several instances of the region in one run, at the same time (at most
    O(concurrency) at once, each with a connection of its own), and returns one entry per instance in RV(instances) -
    one module process for a whole fleet instead of one per instance. With O(wait_deleted) it also waits, for all the
    instances at once, until deletions sent without waiting (M(dbgov.cloud.dcs_acl_account) with O(dbgov.cloud.dcs_acl_account#module:wait=false))
    have finished.
options:
  instance_id:
    description:
      - The ID of the DCS instance.
      - Exactly one of O(instance_id) and O(instance_ids) is required.
    type: str
  wait_deleted:
    description:
      - With O(instance_ids), names of ACL accounts whose deletion was sent without waiting. The module polls the
        instances where one of these names is still listed (an account listed as C(DELETED) counts as gone), all of them
        in one round, first 1 s apart and then 1.5 times longer each time (at most 10 s), until none is listed, for at
        most O(wait_timeout) seconds in all. An instance where one is still listed after that, or where one ended in
        C(DELETEFAILED) or C(ERROR), is an instance error (C(WaitTimeout), C(AccountStatusError)), which fails the task
        unless O(fail_on_instance_error=false).
      - RV(instances) then shows each instance's accounts as last read. No extra call is made when none is listed.
      - A name listed on an instance that is not being deleted is waited for until O(wait_timeout), so give only the names
        deleted on every one of O(instance_ids).
      - In check mode (where the deletions were only planned, not sent) the module reads once and does not wait.
    type: list
    elements: str
    version_added: 1.0.0
  wait_timeout:
    description:
      - With O(wait_deleted), the most seconds the module waits for the deletions (1 to 7200); otherwise ignored.
    type: int
    default: 300
  account_name:
    description:
      - Return only the account with this name (exact, case-sensitive); an empty list when there is none.
    type: str
notes:
  - The API has no name filter and no pagination; the module lists every account and filters locally.
  - Needs the IAM permission C(dcs:aclaccount:list).
extends_documentation_fragment:
  - dbgov.cloud.huaweicloud
  - dbgov.cloud.discovery.instances
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

- name: Offboard jdoe from two caches, waiting once for both deletions
  vars:
    cache_instances: [3f2a6c1e-8b4d-4e7a-9c2f-1d5e8a7b6c40, 8c4d2e1f-6a7b-4c9d-8e0f-1a2b3c4d5e6f]
  block:
    - name: Delete the account on each instance without waiting for the deletion
      dbgov.cloud.dcs_acl_account:
        region: cn-north-4
        instance_id: "{{ item }}"
        account_name: jdoe
        state: absent
        wait: false
      loop: "{{ cache_instances }}"

    - name: Wait once for all those deletions (the instances are polled together)
      dbgov.cloud.dcs_acl_account_info:
        region: cn-north-4
        instance_ids: "{{ cache_instances }}"
        wait_deleted: [jdoe]
        wait_timeout: 300
      register: after_deletion
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
  sample: 5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d
  version_added: 1.0.0
instances:
  description:
    - With O(instance_ids), one entry per instance read, in the order of O(instance_ids) (an instance that could not be
      read, or whose O(wait_deleted) wait failed, is in RV(instance_errors) instead).
  returned: success, with O(instance_ids)
  type: list
  elements: dict
  version_added: 1.0.0
  contains:
    instance_id:
      description: The instance.
      type: str
      sample: 3f2a6c1e-8b4d-4e7a-9c2f-1d5e8a7b6c40
    accounts:
      description: Its ACL accounts, as RV(accounts).
      type: list
      elements: dict
      sample: [{id: 7c1e5a2b-4f3d-4e9a-8b6c-2d1f0e9a8b7c, name: default, type: default, role: write, status: AVAILABLE}]
instance_errors:
  description:
    - With O(instance_ids) and O(fail_on_instance_error=false), one entry per instance that could not be read or whose
      O(wait_deleted) wait failed (C(instance_id), C(msg), C(error_code), C(http_status), C(request_id), C(operation),
      C(service)); an empty list when there is none.
  returned: success, with O(instance_ids)
  type: list
  elements: dict
  version_added: 1.0.0
  sample: [{instance_id: 3f2a6c1e-8b4d-4e7a-9c2f-1d5e8a7b6c40, error_code: WaitTimeout, msg: "..."}]
accounts:
  description: The ACL accounts, in the order the API lists them.
  returned: success, with O(instance_id)
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
from ansible_collections.dbgov.cloud.plugins.module_utils import dcs, discovery
from ansible_collections.dbgov.cloud.plugins.module_utils.common import ValidationError


def validate(params):
    dcs.check_name('account_name', params['account_name'])
    if params.get('instance_ids') is None:
        dcs.check_id('instance_id', params['instance_id'])
        if params.get('wait_deleted') is not None:
            raise ValidationError('wait_deleted: only with instance_ids')
        return None
    for index, name in enumerate(params.get('wait_deleted') or []):
        dcs.check_name('wait_deleted[%d]' % index, name)
    if params.get('wait_deleted'):
        dcs.check_wait_timeout('wait_timeout', params['wait_timeout'])
    return discovery.check_instances(params, dcs.check_id)


def run_many(module, ids):
    """instance_ids: every instance read in a thread pool, each on a client (and HTTP session) of its own; with
    wait_deleted, the instances still listing a deleted name are polled again together until none does."""
    params = module.params
    new_client = module.worker_clients(dcs.SERVICE)
    engines = dict((instance_id, module.service(dcs.AclInstance, instance_id, client=new_client())) for instance_id in ids)

    def read_all(some):
        return discovery.read_each(some, lambda instance_id: engines[instance_id].accounts(), params['concurrency'])

    outcomes = read_all(ids)
    if params.get('wait_deleted') and not module.check_mode:
        outcomes = dcs.wait_deletions(ids, outcomes, set(params['wait_deleted']), read_all, params['wait_timeout'])
    views = [(None, err) if err is not None else (select_views(accounts, dcs.account_view, account_name=params['account_name']), None)
             for accounts, err in outcomes]
    module.exit_info(region=params['region'], project_id=module.client(dcs.SERVICE).project_id,
                     **discovery.instances_result(module, ids, views, 'accounts'))


def run(module):
    params = module.params
    ids = validate(params)
    if ids is not None:
        return run_many(module, ids)
    accounts = module.service(dcs.AclInstance, params['instance_id']).accounts()
    module.exit_info(accounts=select_views(accounts, dcs.account_view, account_name=params['account_name']),
                     region=params['region'], project_id=module.client(dcs.AclInstance.SERVICE).project_id, instance_id=params['instance_id'])


def main():
    module = HuaweiCloudModule(
        argument_spec=dict(
            instance_id=dict(type='str'),
            account_name=dict(type='str'),
            wait_deleted=dict(type='list', elements='str'),
            wait_timeout=dict(type='int', default=300),
            **discovery.instances_spec()
        ),
        required_one_of=[('instance_id', 'instance_ids')],
        mutually_exclusive=[('instance_id', 'instance_ids')],
        supports_check_mode=True,
    )
    module.run(run)


if __name__ == '__main__':
    main()
