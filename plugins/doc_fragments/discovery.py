# -*- coding: utf-8 -*-
# Copyright: dbgov.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type


class ModuleDocFragment(object):
    """The options and results every instance-discovery module (``*_instance_info``, ``polardb_cluster_info``) shares."""

    DOCUMENTATION = r'''
options:
  regions:
    description:
      - The regions to read. Omitted, the connection's O(region) alone.
      - The regions are read at the same time (at most O(concurrency) at once), each with a connection of its own.
      - A region that cannot be read (unknown to the credentials, access denied, unreachable, throttled beyond the
        retries) is reported in RV(region_errors) and does not fail the task, unless O(fail_on_region_error=true).
    type: list
    elements: str
  name_pattern:
    description:
      - Return only the instances whose whole name matches this shell-style wildcard (V(*), V(?), V([abc])),
        case-sensitively, for example V(prod-*). Matched by the module after listing.
    type: str
  fail_on_region_error:
    description:
      - Fail the task when any region cannot be read (the message names every such region). By default such a region
        is reported in RV(region_errors), a warning is shown, and the instances of the other regions are returned.
    type: bool
    default: false
  concurrency:
    description:
      - How many regions are read at the same time (1 to 16).
    type: int
    default: 4
notes:
  - The module lists every page of every region before it returns; when the pages of a region do not add up to the total
    the service announced, that region fails with C(IncompleteListing) rather than returning a partial list.
'''

    TAGS = r'''
options:
  tags:
    description:
      - Return only the instances that carry every one of these tags (key and value, exact); the service filters.
    type: dict
'''

    INSTANCES = r'''
options:
  instance_ids:
    description:
      - IDs of several instances of the region, read in one run instead of O(instance_id) (at most 1000; a repeated ID
        is read once). Each instance's accounts are returned in RV(instances), in this order; the single-instance
        results (RV(instance_id) and the account list) are not returned.
      - An instance that cannot be read (unknown ID, access denied, an API error after the retries) fails the task,
        naming every such instance, unless O(fail_on_instance_error=false).
    type: list
    elements: str
    version_added: 1.0.0
  concurrency:
    description:
      - With O(instance_ids), how many instances are read at the same time (1 to 16), each with a connection of its own.
    type: int
    default: 4
  fail_on_instance_error:
    description:
      - With O(instance_ids), fail the task when any instance cannot be read (the message names every such instance
        with its error code and request ID); this is the default, so that a caller never mistakes an unread instance
        for one without accounts.
      - With V(false), such an instance is reported in RV(instance_errors) with a warning, and the others are returned.
    type: bool
    default: true
'''
