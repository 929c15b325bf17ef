# -*- coding: utf-8 -*-
# Copyright: dbgov.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type


class ModuleDocFragment(object):
    """Attributes shared by the modules; modules add their own check_mode/diff_mode support."""

    DOCUMENTATION = r'''
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
  idempotent:
    description: When run twice in a row outside check mode, with the same arguments, the second invocation indicates no change.
  platform:
    description: Target OS/families that can be operated against.
    support: N/A
    platforms: all
'''

    INFO_MODULE = r'''
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
    support: full
    details: This module only reads; it behaves the same in check mode.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: N/A
    details: This module never changes anything.
  idempotent:
    description: When run twice in a row outside check mode, with the same arguments, the second invocation indicates no change.
    support: full
  platform:
    description: Target OS/families that can be operated against.
    support: N/A
    platforms: all
'''

    ACTION_GROUP_HUAWEICLOUD = r'''
attributes:
  action_group:
    description: Use C(group/dbgov.cloud.huaweicloud) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - dbgov.cloud.huaweicloud
'''

    ACTION_GROUP_ALIBABACLOUD = r'''
attributes:
  action_group:
    description: Use C(group/dbgov.cloud.alibabacloud) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - dbgov.cloud.alibabacloud
'''
