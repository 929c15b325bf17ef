#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: dbgov.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: bastion_db_access_info
short_description: List the database-account grants of an Alibaba Cloud Bastionhost user or user group
version_added: 1.0.0
description:
  - Returns the databases a Bastionhost user (or user group) is authorized for, each with its authorized
    database accounts.
  - Reads C(ListDatabasesForUser) and, for each authorized database, C(ListDatabaseAccountsForUser) (or the
    user-group twins), all pages. A name is looked up with C(ListUsers)/C(ListUserGroups) (exact match).
notes:
  - Whether a user's list also shows grants inherited through user groups is UNVERIFIED; query the group to see its grants.
extends_documentation_fragment:
  - dbgov.cloud.alibabacloud
  - dbgov.cloud.attributes.info_module
  - dbgov.cloud.attributes.action_group_alibabacloud
  - dbgov.cloud.bastionhost
author:
  - dbgov.cloud contributors (@dbgov)
'''

EXAMPLES = r'''
- name: What may asmith use through the bastion host?
  dbgov.cloud.bastion_db_access_info:
    region: cn-hangzhou
    instance_id: bastionhost-cn-emu0prod01
    user_name: asmith
  register: asmith_grants

- name: Show the database names and account names
  ansible.builtin.debug:
    msg: "{{ item.database_name }}: {{ item.accounts | map(attribute='account_name') | join(', ') }}"
  loop: "{{ asmith_grants.databases }}"

- name: The grants of a user group, with module_defaults for the connection
  module_defaults:
    group/dbgov.cloud.alibabacloud:
      region: cn-hangzhou
  dbgov.cloud.bastion_db_access_info:
    instance_id: bastionhost-cn-emu0prod01
    user_group_name: dba-oncall
'''

RETURN = r'''
region:
  description: The region the module read (the option or its environment fallback).
  returned: success
  type: str
  sample: cn-hangzhou
  version_added: 1.0.0
instance_id:
  description: The bastion host instance the module read (O(instance_id)).
  returned: success
  type: str
  sample: bastionhost-cn-st220aw0a0c
  version_added: 1.0.0
principal:
  description: The user or user group.
  returned: success
  type: dict
  contains:
    type:
      description: V(user) or V(user_group).
      type: str
      sample: user
    id:
      description: The user or user group ID.
      type: str
      sample: "12"
    name:
      description: The name, when the task gave a name (null when it gave an ID).
      type: str
      sample: jdoe
databases:
  description: The databases the principal is authorized for, sorted by name, each with its authorized accounts.
  returned: success
  type: list
  elements: dict
  contains:
    database_id:
      description: The database ID.
      type: str
      sample: "3"
    database_name:
      description: The database name.
      type: str
      sample: orders-prod
    database_type:
      description: V(MySQL), V(Oracle), V(PostgreSQL) or V(SQLServer).
      type: str
      sample: MySQL
    database_port:
      description: The database port.
      type: int
      sample: 3306
    active_address_type:
      description: V(Public) or V(Private).
      type: str
      sample: Private
    database_private_address:
      description: The private address.
      type: str
      sample: 10.0.3.21
    database_public_address:
      description: The public address.
      type: str
      sample: ""
    network_domain_id:
      description: The network domain ID.
      type: str
      sample: "1"
    source:
      description: V(Local), V(Rds) or V(PolarDB).
      type: str
      sample: Rds
    source_instance_id:
      description: The ID of the RDS or PolarDB instance the database comes from.
      type: str
      sample: rm-bp1orders0001
    comment:
      description: The comment.
      type: str
      sample: orders production
    accounts:
      description: The authorized accounts of the database, sorted by name.
      type: list
      elements: dict
      contains:
        account_id:
          description: The database account ID.
          type: str
          sample: "7"
        account_name:
          description: The database account name.
          type: str
          sample: app_orders
        protocol_name:
          description: The protocol (V(MySQL), V(Oracle), V(PostgreSQL), V(SQLServer)).
          type: str
          sample: MySQL
'''

from ansible_collections.dbgov.cloud.plugins.module_utils.base import AlibabaCloudModule
from ansible_collections.dbgov.cloud.plugins.module_utils import bastionhost


def validate(params):
    bastionhost.check_principal_options(params)


def main():
    module = AlibabaCloudModule(
        argument_spec=bastionhost.principal_argument_spec(),
        supports_check_mode=True,
        mutually_exclusive=[bastionhost.PRINCIPAL_OPTIONS],
        required_one_of=[bastionhost.PRINCIPAL_OPTIONS],
    )
    module.run(run)


def run(module):
    params = module.params
    validate(params)
    bastion = module.service(bastionhost.BastionInstance, params['instance_id'])
    principal = bastion.principal(params)
    module.exit_info(principal=principal.view(), databases=bastionhost.databases_view(bastion.read_state(principal)),
                     region=params['region'], instance_id=params['instance_id'])


if __name__ == '__main__':
    main()
