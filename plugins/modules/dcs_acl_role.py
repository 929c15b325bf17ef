#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: dbgov.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: dcs_acl_role
short_description: Set the role and read policy of a Huawei Cloud DCS (Redis) ACL account
version_added: 1.0.0
description:
  - Sets the role (V(read) or V(write)) and, optionally, the read policy of an existing ACL account of a Huawei Cloud
    DCS (Distributed Cache Service) Redis instance, idempotently.
  - The account is found by listing the instance's ACL accounts once (the API has no lookup by name). Only the fields
    that differ are sent (C(PUT .../accounts/{account_id}/role)).
  - The change is asynchronous. The module then polls the account list until the account is C(AVAILABLE) with the new
    values again (or fails when it ends in C(ERROR)), for at most O(wait_timeout) seconds. With O(wait=false) it
    returns right after the request, with the RV(job_id) the API answered.
  - To create, delete, describe or set the password of an account, use M(dbgov.cloud.dcs_acl_account).
options:
  instance_id:
    description:
      - The ID of the DCS instance.
    type: str
    required: true
  account_name:
    description:
      - The name of the ACL account (exact, case-sensitive).
      - Exactly one of O(account_name) and O(account_id) is required.
    type: str
  account_id:
    description:
      - The ID of the ACL account, as listed by M(dbgov.cloud.dcs_acl_account_info).
    type: str
  role:
    description:
      - V(read) makes the account read-only, V(write) gives it read and write access.
      - When omitted, the role is left as it is. At least one of O(role) and O(read_policy) is required.
    type: str
    choices: [read, write]
  read_policy:
    description:
      - Where the account's reads go. V(master), V(replica) or V(master-replica) (both).
      - The API applies it only on Proxy Cluster instances with read/write splitting enabled and on read/write
        splitting instances. When omitted, the read policy is left as it is.
      - The field is documented by the API but missing from the vendor SDK; this module sends it as documented
        (C(account_read_policy)).
    type: str
    choices: [master, replica, master-replica]
notes:
  - Before its first write the module reads the instance once and requires it to be C(RUNNING) (it waits while the
    instance is busy, and fails at once when it is C(ERROR), C(FROZEN) or C(CREATEFAILED)). A run that changes
    nothing makes exactly one call (the account list); check mode never writes and never reads the instance.
  - The instance-busy answers C(DCS.4026), C(DCS.4049), C(DCS.4096), C(DCS.4097), C(DCS.4111), C(DCS.4113) to
    C(DCS.4118), C(DCS.4120), C(DCS.4121), C(DCS.4231), C(DCS.4975) and C(CBC.99003651) are retried with backoff
    within O(wait_timeout); such a request was not executed.
  - The API answers a role change with a job ID, but whether that job can be queried (C(GET /v2/{project_id}/jobs/{job_id}))
    is not documented (UNVERIFIED), so the module waits on the account status instead; only when the change ends in
    C(ERROR) does it try the job once, for the failure reason.
  - The API reference lists C(account_read_policy) on accounts, the vendor SDK's account model does not. When the
    account list does not report it, the module cannot compare O(read_policy); it sends it only together with a role
    change, warns once that it cannot be verified, and does not report a change for the read policy alone (so a
    re-run writes nothing).
  - The C(default) account (type C(default)) belongs to the instance; whether the ACL APIs may change it is not
    documented (UNVERIFIED), so the module refuses to change it and only reports it when it already matches.
  - Needs the IAM permissions C(dcs:aclaccount:list), C(dcs:aclaccount:modify) (C(dcs:aclaccount:modifyRole)) and
    read access to the instance.
  - O(wait) waits until the account is C(AVAILABLE) with the new values; with O(wait=false), RV(account) shows the account as
    listed right after the request (usually C(UPDATING)).
  - O(wait_timeout) is 1 to 7200 seconds; each wait and each write has its own budget.
extends_documentation_fragment:
  - dbgov.cloud.huaweicloud
  - dbgov.cloud.attributes
  - dbgov.cloud.attributes.action_group_huaweicloud
  - dbgov.cloud.options.wait
attributes:
  check_mode:
    support: full
    details: Reads the account list and reports the planned change without making it.
  diff_mode:
    support: full
  idempotent:
    support: full
author:
  - dbgov.cloud contributors (@dbgov)
'''

EXAMPLES = r'''
- name: Make the BI account read-only
  dbgov.cloud.dcs_acl_role:
    region: cn-north-4
    instance_id: 3f2a6c1e-8b4d-4e7a-9c2f-1d5e8a7b6c40
    account_name: bi_readonly
    role: read

- name: Govern the roles of the orders cache with shared connection settings
  module_defaults:
    group/dbgov.cloud.huaweicloud:
      region: cn-north-4
      project_id: e7f4b2c5a9d84f3e8c1b6a0d2f9e4c71   # optional: found from the region when omitted
  vars:
    orders_cache_id: 3f2a6c1e-8b4d-4e7a-9c2f-1d5e8a7b6c40
  block:
    - name: Give the payments service write access and read from replicas
      dbgov.cloud.dcs_acl_role:
        instance_id: "{{ orders_cache_id }}"
        account_name: svc_payments
        role: write
        read_policy: replica

    - name: Start a role change on a large instance without waiting for it
      dbgov.cloud.dcs_acl_role:
        instance_id: "{{ orders_cache_id }}"
        account_id: 7c1e5a2b-4f3d-4e9a-8b6c-2d1f0e9a8b7c
        role: read
        wait: false
      register: role_change

    - name: Show the job of the role change
      ansible.builtin.debug:
        msg: "{{ role_change.job_id }}"
'''

RETURN = r'''
account:
  description:
    - The ACL account. After a real change, as listed at the end of the run; in check mode, as it would be.
  returned: success
  type: dict
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
      sample: replica
    status:
      description: C(AVAILABLE), C(UPDATING), C(CREATING), C(ERROR) and so on.
      type: str
      sample: AVAILABLE
    description:
      description: The account description (empty when none).
      type: str
      sample: BI dashboards
job_id:
  description: The job ID the API returned for the role change; V(null) when nothing was changed or in check mode.
  returned: success
  type: str
  sample: 8abf4a0d7b2c4f8e9a1c2b3d4e5f6a7b
actions:
  description: The API operations planned (check mode) or performed, in order.
  returned: success
  type: list
  elements: dict
  sample:
    - operation: UpdateAclAccount
      status: done
      target: bi_readonly
      params: {account_role: read}
'''

from ansible_collections.dbgov.cloud.plugins.module_utils.base import HuaweiCloudModule
from ansible_collections.dbgov.cloud.plugins.module_utils.common import wait_options
from ansible_collections.dbgov.cloud.plugins.module_utils import dcs


def validate(params):
    dcs.check_id('instance_id', params['instance_id'])
    dcs.check_name('account_name', params['account_name'])
    dcs.check_id('account_id', params['account_id'])
    dcs.check_wait_timeout('wait_timeout', params['wait_timeout'])


def run(module):
    params = module.params
    validate(params)
    acl = module.service(dcs.AclInstance, params['instance_id'])
    accounts = acl.accounts()
    current = acl.settled(dcs.select(accounts, params['account_name'], params['account_id']), params['account_name'], params['account_id'])
    if current is None:
        raise acl.missing(params['account_name'], params['account_id'], len(accounts))
    plan, before, after = dcs.plan_role(acl, current, params)
    if not plan and dcs.status_warning(before):
        module.warn(dcs.status_warning(before))
    if dcs.read_policy_warning(current, params['read_policy'], params['instance_id']):
        module.warn(dcs.read_policy_warning(current, params['read_policy'], params['instance_id']))
    module.finish(plan, before, after, key='account', reread=lambda: acl.reread(account_id=before['id']),
                  unverified=dcs.unverified_fields(accounts), job_id=lambda: acl.job_id)


def main():
    module = HuaweiCloudModule(
        argument_spec=dict(
            instance_id=dict(type='str', required=True),
            account_name=dict(type='str'),
            account_id=dict(type='str'),
            role=dict(type='str', choices=list(dcs.ROLES)),
            read_policy=dict(type='str', choices=list(dcs.READ_POLICIES)),
            **wait_options()
        ),
        supports_check_mode=True,
        required_one_of=[('account_name', 'account_id'), ('role', 'read_policy')],
        mutually_exclusive=[('account_name', 'account_id')],
    )
    module.run(run)


if __name__ == '__main__':
    main()
