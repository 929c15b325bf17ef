#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: dbgov.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: polardb_account_info
short_description: List the database accounts of a PolarDB cluster
version_added: 1.0.0
description:
  - Lists the accounts of a PolarDB cluster with C(DescribeAccounts), every page (C(PageSize=100) until a short page,
    since the API reports no total), optionally filtered by name and type.
  - Returns each account with snake_case keys and its database privileges.
options:
  cluster_id:
    description:
      - The ID of the PolarDB cluster, for example C(pc-bp1a2b3c4d5e6f7g8).
    type: str
    required: true
  account_name:
    description:
      - Return only the account with exactly this name (an empty list when there is none).
    type: str
  account_type:
    description:
      - Return only accounts of this type. V(Super) is the privileged account, V(Normal) a standard account,
        V(ReadOnly) a global read-only account.
    type: str
    choices: [Normal, Super, ReadOnly]
notes:
  - O(account_name) is also sent to the API as its C(AccountName) filter, whose semantics (exact or prefix) are not
    documented (UNVERIFIED); the module keeps only exact matches.
  - The API never returns passwords. C(DatabasePrivileges) is documented for standard accounts only.
extends_documentation_fragment:
  - dbgov.cloud.alibabacloud
  - dbgov.cloud.attributes.info_module
  - dbgov.cloud.attributes.action_group_alibabacloud
author:
  - dbgov.cloud contributors (@dbgov)
'''

EXAMPLES = r'''
- name: Every account of a cluster
  dbgov.cloud.polardb_account_info:
    region: cn-hangzhou
    cluster_id: pc-bp1orders0prod01
  register: polardb_accounts

- name: Find the privileged account before resetting it
  module_defaults:
    group/dbgov.cloud.alibabacloud:
      region: cn-hangzhou
  block:
    - name: Read the Super account
      dbgov.cloud.polardb_account_info:
        cluster_id: pc-bp1orders0prod01
        account_type: Super
      register: privileged

    - name: Reset its permissions
      dbgov.cloud.polardb_account_reset:
        cluster_id: pc-bp1orders0prod01
        account_name: "{{ privileged.accounts[0].account_name }}"
      when: privileged.accounts | length == 1
'''

RETURN = r'''
region:
  description: The region the module read (the option or its environment fallback).
  returned: success
  type: str
  sample: cn-hangzhou
  version_added: 1.0.0
cluster_id:
  description: The cluster the module read (O(cluster_id)).
  returned: success
  type: str
  sample: pc-bp1orders0prod01
  version_added: 1.0.0
accounts:
  description: The accounts that match the filters, sorted by name.
  returned: success
  type: list
  elements: dict
  contains:
    account_name:
      description: The account name.
      type: str
      sample: app_orders
    account_type:
      description: C(Normal), C(Super) or C(ReadOnly).
      type: str
      sample: Normal
    account_status:
      description: C(Creating), C(Available) or C(Deleting).
      type: str
      sample: Available
    account_lock_state:
      description: C(UnLock) or C(Lock).
      type: str
      sample: UnLock
    account_description:
      description: The account description (empty when none).
      type: str
      sample: orders service
    account_password_valid_time:
      description: The password validity period as the API reports it.
      type: str
      sample: undefined
    database_privileges:
      description: The account's database privileges, sorted by database name.
      type: list
      elements: dict
      contains:
        db_name:
          description: The database name.
          type: str
          sample: orders
        account_privilege:
          description: C(ReadWrite), C(ReadOnly), C(DMLOnly), C(DDLOnly) or C(ReadIndex).
          type: str
          sample: ReadWrite
'''

from ansible_collections.dbgov.cloud.plugins.module_utils.base import AlibabaCloudModule
from ansible_collections.dbgov.cloud.plugins.module_utils.common import select_views
from ansible_collections.dbgov.cloud.plugins.module_utils import polardb


def validate(params):
    polardb.check_cluster_id('cluster_id', params['cluster_id'])


def run(module):
    params = module.params
    validate(params)
    raw = module.service(polardb.PolarDBCluster, params['cluster_id']).accounts(params.get('account_name'))
    accounts = select_views(raw, polardb.normalize_account, sort_by='account_name',
                            AccountName=params.get('account_name'), AccountType=params.get('account_type'))
    module.exit_info(accounts=accounts, region=params['region'], cluster_id=params['cluster_id'])


def main():
    module = AlibabaCloudModule(
        argument_spec=dict(
            cluster_id=dict(type='str', required=True),
            account_name=dict(type='str'),
            account_type=dict(type='str', choices=list(polardb.ACCOUNT_TYPES)),
        ),
        supports_check_mode=True,
    )
    module.run(run)


if __name__ == '__main__':
    main()
