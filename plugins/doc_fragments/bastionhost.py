# -*- coding: utf-8 -*-
# Copyright: dbgov.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type


class ModuleDocFragment(object):
    """The bastion host and principal options of the Bastionhost modules (argument spec: bastionhost.principal_argument_spec)."""

    DOCUMENTATION = r'''
options:
  instance_id:
    description:
      - The ID of the bastion host, for example C(bastionhost-cn-st220aw0a0c).
    type: str
    required: true
  user_id:
    description:
      - The ID of the bastion user whose grants the task manages or reads.
      - Exactly one of O(user_id), O(user_name), O(user_group_id) and O(user_group_name) is required.
    type: str
  user_name:
    description:
      - The logon name of the bastion user (looked up with C(ListUsers), exact match; a name that matches no user
        or several users fails the task before any write).
    type: str
  user_group_id:
    description:
      - The ID of the bastion user group whose grants the task manages or reads.
    type: str
  user_group_name:
    description:
      - The name of the bastion user group (looked up with C(ListUserGroups), exact match).
    type: str
'''
