#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: dbgov.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: bastion_user_info
short_description: Show how Alibaba Cloud Bastionhost users reach databases - directly and through their user groups
version_added: 1.0.0
description:
  - Reads a Bastionhost user, its lock state, the user groups it belongs to, the database grants it holds directly and
    the database grants it reaches through each of its groups.
  - Calls C(GetUser) (by ID) or C(ListUsers) (by exact name), C(ListUserGroupsForUser), then for the user and for each
    of its groups C(ListDatabasesForUser)/C(ListDatabasesForUserGroup) and, per authorized database,
    C(ListDatabaseAccountsForUser)/C(ListDatabaseAccountsForUserGroup); every list is read to its last page.
  - Without O(user_id) and O(user_name), reads every user of the bastion host (C(ListUsers), all pages) the same way
    and returns them in RV(users) (the whole bastion host, for a review of who reaches which database). Bastionhost has
    no call that lists the grants of a whole host, so this costs the per-user reads above; each user group's grants
    are read once, however many users share the group.
options:
  instance_id:
    description:
      - The ID of the bastion host, for example C(bastionhost-cn-st220aw0a0c).
    type: str
    required: true
  user_id:
    description:
      - The ID of the bastion user. At most one of O(user_id) and O(user_name); with neither, every user is read.
    type: str
  user_name:
    description:
      - The logon name of the bastion user (exact match).
    type: str
  read_access:
    description:
      - Read each user's groups and database grants (the keys C(groups), C(grants) and C(group_grants)).
      - V(false) returns the users alone, with their lock state - one C(ListUsers) call per page for every user of
        the host, for example to find a person's users by name before offboarding them.
    type: bool
    default: true
    version_added: 1.0.0
notes:
  - Grants made to a user group are read from the group itself (C(group_grants)), apart from the user's own grants
    (C(grants)). Whether C(ListDatabaseAccountsForUser) also reports grants inherited through groups is UNVERIFIED, so
    the module does not rely on it; each group of the user is read once.
  - A user is reported as locked when its C(UserState) lists C(Frozen).
extends_documentation_fragment:
  - dbgov.cloud.alibabacloud
  - dbgov.cloud.attributes.info_module
  - dbgov.cloud.attributes.action_group_alibabacloud
author:
  - dbgov.cloud contributors (@dbgov)
'''

EXAMPLES = r'''
- name: Every way jdoe reaches a database through the bastion host
  dbgov.cloud.bastion_user_info:
    region: cn-hangzhou
    instance_id: bastionhost-cn-emu0prod01
    user_name: jdoe
  register: jdoe

- name: Every user of the bastion host and every database each one reaches
  dbgov.cloud.bastion_user_info:
    region: cn-hangzhou
    instance_id: bastionhost-cn-emu0prod01
  register: everyone

- name: Only the names and lock states of every user (one call per page)
  dbgov.cloud.bastion_user_info:
    region: cn-hangzhou
    instance_id: bastionhost-cn-emu0prod01
    read_access: false
  register: names

- name: The users who reach a database
  ansible.builtin.debug:
    msg: "{{ everyone.users | selectattr('grants') | map(attribute='user_name') | list }}"

- name: Databases reached through a group
  ansible.builtin.debug:
    msg: "{{ item.user_group_name }}: {{ item.grants | map(attribute='database_name') | list }}"
  loop: "{{ jdoe.user.group_grants }}"
  when: jdoe.user is not none
'''

RETURN = r'''
users:
  description:
    - Every user of the bastion host, sorted by user ID, each with the keys of RV(user).
  returned: when neither O(user_id) nor O(user_name) is given
  type: list
  elements: dict
  sample: [{user_id: "1", user_name: jdoe, locked: false, groups: [], grants: [], group_grants: []}]
  version_added: 1.0.0
user:
  description: The user; null when the bastion host has no such user.
  returned: when O(user_id) or O(user_name) is given
  type: dict
  contains:
    user_id:
      description: The user ID.
      type: str
      sample: "1"
    user_name:
      description: The logon name.
      type: str
      sample: jdoe
    display_name:
      description: The display name.
      type: str
      sample: John Doe
    source:
      description: C(Local), C(Ram), C(AD) or C(LDAP).
      type: str
      sample: Local
    user_state:
      description: The user states as the API reports them.
      type: list
      elements: str
      sample: [Normal]
    locked:
      description: Whether the user is locked.
      type: bool
      sample: false
    groups:
      description:
        - The user groups the user belongs to (C(user_group_id), C(user_group_name)), sorted by name.
        - Not returned with O(read_access=false), nor are C(grants) and C(group_grants).
      type: list
      elements: dict
      sample: [{user_group_id: "3", user_group_name: app-support}]
    grants:
      description:
        - The database grants made to the user itself, one item per authorized database (C(database_id),
          C(database_name), C(authorized), C(accounts) with C(account_id) and C(account_name)).
      type: list
      elements: dict
      sample: [{database_id: "1", database_name: orders-prod, authorized: true, accounts: [{account_id: "13", account_name: dba_admin}]}]
    group_grants:
      description: For each group of the user, the database grants the user reaches through it (same item shape as C(grants)).
      type: list
      elements: dict
      contains:
        user_group_id:
          description: The user group ID.
          type: str
          sample: "3"
        user_group_name:
          description: The user group name.
          type: str
          sample: app-support
        grants:
          description: The group's database grants.
          type: list
          elements: dict
          sample: []
instance_id:
  description: The bastion host the task named.
  returned: always
  type: str
  sample: bastionhost-cn-st220aw0a0c
region:
  description: The region the task used.
  returned: always
  type: str
  sample: cn-hangzhou
'''

from ansible_collections.dbgov.cloud.plugins.module_utils.base import AlibabaCloudModule
from ansible_collections.dbgov.cloud.plugins.module_utils import bastionhost

USER_OPTIONS = ('user_id', 'user_name')


def run(module):
    params = module.params
    bastionhost.check_user_options(params)
    users = module.service(bastionhost.Users, params['instance_id'])
    view = users.access_of if params['read_access'] else bastionhost.plain_user_view
    if params.get('user_id') is None and params.get('user_name') is None:
        views = [view(user) for user in sorted(users.all_users(), key=lambda u: bastionhost.numeric_key(u.get('UserId')))]
        module.exit_info(users=views, instance_id=params['instance_id'], region=params['region'])
        return
    user = users.find(params.get('user_id'), params.get('user_name'))
    module.exit_info(user=view(user) if user is not None else None, instance_id=params['instance_id'], region=params['region'])


def main():
    module = AlibabaCloudModule(
        argument_spec=dict(
            instance_id=dict(type='str', required=True),
            user_id=dict(type='str'),
            user_name=dict(type='str'),
            read_access=dict(type='bool', default=True),
        ),
        supports_check_mode=True,
        mutually_exclusive=[USER_OPTIONS],
    )
    module.run(run)


if __name__ == '__main__':
    main()
