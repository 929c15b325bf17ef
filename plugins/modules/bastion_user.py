#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: dbgov.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: bastion_user
short_description: Manage the standing of an Alibaba Cloud Bastionhost user (lock state, user groups, deletion)
version_added: 1.0.0
description:
  - Makes an existing Bastionhost user locked or unlocked, a member of the listed user groups, or deletes it.
  - Creating users is out of scope (users come from an identity source or the console); O(state=present) for a user
    that does not exist fails the task before any write.
  - Reads the user (C(GetUser) by ID or C(ListUsers) by exact name), its groups (C(ListUserGroupsForUser), all pages)
    and, when O(groups) is given, the bastion host's user groups (C(ListUserGroups)) once; writes only what differs.
options:
  instance_id:
    description:
      - The ID of the bastion host, for example C(bastionhost-cn-st220aw0a0c).
    type: str
    required: true
  user_id:
    description:
      - The ID of the bastion user. Exactly one of O(user_id) and O(user_name) is required.
    type: str
  user_name:
    description:
      - The logon name of the bastion user (looked up with C(ListUsers), exact match; several users with that name fail
        the task).
    type: str
  state:
    description:
      - V(present) keeps the user and applies O(locked) and O(groups).
      - V(absent) deletes the user (C(DeleteUser)), which also ends its group memberships and its own grants. Nothing
        happens when the user does not exist. Deleting cannot be undone; O(locked=true) is the reversible way to close
        a user's access.
    type: str
    choices: [present, absent]
    default: present
  locked:
    description:
      - V(true) locks the user (C(LockUsers)), so that it can no longer log on to the bastion host. V(false) unlocks it
        (C(UnlockUsers)). Omitted, the lock state is left as it is.
    type: bool
  groups:
    description:
      - The user groups the user must belong to, compared with its current groups as a set (C(AddUsersToGroup)).
      - Groups the user belongs to but that are not listed are left unless O(exclusive=true)
        (C(RemoveUsersFromGroup)); with O(exclusive=true) an empty list removes the user from every group.
    type: list
    elements: dict
    suboptions:
      user_group_id:
        description:
          - The ID of the user group. Exactly one of O(groups[].user_group_id) and O(groups[].user_group_name).
        type: str
      user_group_name:
        description:
          - The name of the user group (exact match).
        type: str
  exclusive:
    description:
      - With V(true), remove the user from every group that O(groups) does not list.
    type: bool
    default: false
notes:
  - The user's groups are read with C(ListUserGroupsForUser), paged until a short page (whether its C(Count) is the total
    or the page's count is not clearly documented).
  - A user is reported as locked when its C(UserState) lists C(Frozen), the state C(ListUsers) documents for a locked
    user; that C(LockUsers) leaves exactly this state is UNVERIFIED.
  - C(LockUsers), C(UnlockUsers), C(AddUsersToGroup) and C(RemoveUsersFromGroup) answer HTTP 200 with a code per user;
    any code but C(OK) fails the task naming the code. They are safe to repeat, so transient errors are retried.
  - Groups are left first; a lock comes before any group is joined and an unlock after, so an interrupted run never
    leaves more access than either state.
  - A grant a user holds through a group ends when the user leaves the group. Use M(dbgov.cloud.bastion_user_info) to
    see the grants a user holds directly and through each group.
extends_documentation_fragment:
  - dbgov.cloud.alibabacloud
  - dbgov.cloud.attributes
  - dbgov.cloud.attributes.action_group_alibabacloud
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
  idempotent:
    support: full
author:
  - dbgov.cloud contributors (@dbgov)
'''

EXAMPLES = r'''
- name: Bastionhost users
  module_defaults:
    group/dbgov.cloud.alibabacloud:
      region: cn-hangzhou
  block:
    - name: jdoe belongs to the DBA on-call group (other groups untouched)
      dbgov.cloud.bastion_user:
        instance_id: bastionhost-cn-emu0prod01
        user_name: jdoe
        groups:
          - user_group_name: dba-oncall

    - name: Offboarding - out of every group and locked (reversible)
      dbgov.cloud.bastion_user:
        instance_id: bastionhost-cn-emu0prod01
        user_name: jdoe
        groups: []
        exclusive: true
        locked: true

    - name: Delete a user for good
      dbgov.cloud.bastion_user:
        instance_id: bastionhost-cn-emu0prod01
        user_id: "27"
        state: absent
'''

RETURN = r'''
user:
  description: The user after the run (as read back after a change; in check mode as predicted); null when it does not exist.
  returned: success
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
      description: Whether the user is locked (C(Frozen)).
      type: bool
      sample: false
    groups:
      description: The user groups the user belongs to, sorted by name.
      type: list
      elements: dict
      contains:
        user_group_id:
          description: The user group ID.
          type: str
          sample: "1"
        user_group_name:
          description: The user group name.
          type: str
          sample: dba-oncall
instance_id:
  description: The bastion host the task named.
  returned: always
  type: str
  sample: bastionhost-cn-st220aw0a0c
actions:
  description: The API operations planned (check mode) or performed, in order.
  returned: always
  type: list
  elements: dict
  sample:
    - operation: RemoveUsersFromGroup
      status: done
      target: user jdoe (id 1)
      params:
        UserGroupId: "3"
        user_group_name: app-support
'''

from ansible_collections.dbgov.cloud.plugins.module_utils.base import AlibabaCloudModule
from ansible_collections.dbgov.cloud.plugins.module_utils.common import Plan, ValidationError, check_length, check_pattern
from ansible_collections.dbgov.cloud.plugins.module_utils import bastionhost

USER_OPTIONS = ('user_id', 'user_name')


def validate(params):
    bastionhost.check_user_options(params)
    if params['state'] == 'absent':
        for option in ('locked', 'groups'):
            if params.get(option) is not None:
                raise ValidationError('%s: not allowed with state=absent (absent deletes the user)' % option)
        if params['exclusive']:
            raise ValidationError('exclusive: not allowed with state=absent')
    if params.get('groups') is None and params['exclusive']:
        raise ValidationError('exclusive: requires groups (an empty list removes the user from every group)')
    for index, group in enumerate(params.get('groups') or []):
        where = 'groups[%d]' % index
        if (group.get('user_group_id') is None) == (group.get('user_group_name') is None):
            raise ValidationError('%s: give exactly one of user_group_id and user_group_name' % where)
        check_pattern(where + '.user_group_id', group.get('user_group_id'), bastionhost.NUMERIC_ID_PATTERN, 'a numeric ID')
        check_length(where + '.user_group_name', group.get('user_group_name'), bastionhost.NAME_MAX, 1)


def resolve_groups(items, catalogue, instance_id):
    """{group id: name} of the listed groups, looked up in the bastion host's groups (exact match, unique)."""
    wanted = {}
    for index, item in enumerate(items):
        where = 'groups[%d]' % index
        if item.get('user_group_id') is not None:
            found = [g for g in catalogue if g['user_group_id'] == item['user_group_id']]
            option, value = where + '.user_group_id', item['user_group_id']
        else:
            found = [g for g in catalogue if g['user_group_name'] == item['user_group_name']]
            option, value = where + '.user_group_name', item['user_group_name']
        if not found:
            raise bastionhost.LookupFailed('%s: no user group %r on bastion host %s' % (option, value, instance_id), code='NotFound')
        if len(found) > 1:
            raise bastionhost.LookupFailed('%s: %d user groups are named %r on bastion host %s; use user_group_id'
                                           % (option, len(found), value, instance_id), code='Ambiguous')
        wanted[found[0]['user_group_id']] = found[0]['user_group_name']
    return wanted


def label(user):
    return 'user %s (id %s)' % (user.get('UserName'), user.get('UserId'))


def build_plan(users, params, user, current_groups, wanted):
    """(plan, predicted groups, predicted raw user) for an existing user."""
    user_id, target = str(user['UserId']), label(user)
    plan = Plan()
    names = dict((g['user_group_id'], g['user_group_name']) for g in current_groups)
    names.update(wanted or {})
    add, remove = bastionhost.group_membership_changes(names_of(current_groups), list(wanted or {}), params['exclusive'])
    if wanted is None:
        add, remove = [], []
    locked_now = bastionhost.is_locked(user)
    lock, unlock = params.get('locked') is True and not locked_now, params.get('locked') is False and locked_now
    for group_id in remove:
        plan.add('RemoveUsersFromGroup', _call(users.leave, user_id, group_id), target=target, UserGroupId=group_id, user_group_name=names[group_id])
    if lock:
        plan.add('LockUsers', _call(users.lock, user_id), target=target, UserIds=[user_id])
    for group_id in add:
        plan.add('AddUsersToGroup', _call(users.join, user_id, group_id), target=target, UserGroupId=group_id, user_group_name=names[group_id])
    if unlock:
        plan.add('UnlockUsers', _call(users.unlock, user_id), target=target, UserIds=[user_id])
    kept = [g for g in current_groups if g['user_group_id'] not in remove]
    predicted = kept + [dict(user_group_id=g, user_group_name=names[g]) for g in add]
    after = dict(user)
    if lock or unlock:
        others = [state for state in user.get('UserState') or [] if state not in ('Normal', bastionhost.LOCKED_STATE)]
        after['UserState'] = ([bastionhost.LOCKED_STATE] if lock else [] if others else ['Normal']) + others
    return plan, predicted, after


def _call(method, *args):
    return lambda: method(*args)


def names_of(groups):
    return [g['user_group_id'] for g in groups]


def run(module):
    params = module.params
    validate(params)
    instance_id = params['instance_id']
    users = module.service(bastionhost.Users, instance_id)
    user = users.find(params.get('user_id'), params.get('user_name'))
    if user is None:
        if params['state'] == 'present':
            option = 'user_name' if params.get('user_name') is not None else 'user_id'
            raise ValidationError('%s: no user %r on bastion host %s; bastion_user does not create users (they come from an identity '
                                  'source or the console)' % (option, params.get(option), instance_id), code='NotFound')
        module.finish(Plan(), None, None, key='user', instance_id=instance_id)
        return
    user_id = str(user['UserId'])
    current_groups = users.groups_of(user_id)
    before = bastionhost.user_view(user, current_groups)

    def reread():
        end = users.find(user_id=user_id)
        return bastionhost.user_view(end, users.groups_of(user_id)) if end is not None else None

    if params['state'] == 'absent':
        plan = Plan()
        plan.add('DeleteUser', _call(users.delete, user_id), target=label(user), UserId=user_id)
        module.finish(plan, before, None, key='user', reread=reread, instance_id=instance_id)
        return
    wanted = None
    if params.get('groups') is not None:
        wanted = resolve_groups(params['groups'], users.all_groups(), instance_id) if params['groups'] else {}
    plan, groups_after, user_after = build_plan(users, params, user, current_groups, wanted)

    module.finish(plan, before, bastionhost.user_view(user_after, groups_after), key='user', reread=reread, instance_id=instance_id)


def main():
    module = AlibabaCloudModule(
        argument_spec=dict(
            instance_id=dict(type='str', required=True),
            user_id=dict(type='str'),
            user_name=dict(type='str'),
            state=dict(type='str', default='present', choices=['present', 'absent']),
            locked=dict(type='bool'),
            groups=dict(type='list', elements='dict', options=dict(
                user_group_id=dict(type='str'),
                user_group_name=dict(type='str'),
            )),
            exclusive=dict(type='bool', default=False),
        ),
        supports_check_mode=True,
        mutually_exclusive=[USER_OPTIONS],
        required_one_of=[USER_OPTIONS],
    )
    module.run(run)


if __name__ == '__main__':
    main()
