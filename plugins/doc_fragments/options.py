# -*- coding: utf-8 -*-
# Copyright: dbgov.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type


class ModuleDocFragment(object):
    """Options that several modules share, each section paired with its argument-spec helper in module_utils/common.py
    (PASSWORD: password_options(), WAIT: wait_options()). A module that documents one of these options itself (a different
    default, say) overrides the whole entry."""

    PASSWORD = r'''
options:
  password:
    description:
      - The account password. Required when the module creates the account; for an existing account see O(update_password).
      - The service's password rules are listed in the module's notes; they are checked before any request and the
        password never appears in results, errors or diffs (a diff shows C(<changed>)).
    type: str
  update_password:
    description:
      - No API returns a password, so the module cannot tell whether an existing account already has O(password).
      - V(on_create) sets O(password) only when the module creates the account.
      - V(always) resets the password of an existing account to O(password) on every run (one call, so such a run always
        reports a change). O(password) is then required.
    type: str
    choices: [on_create, always]
    default: on_create
'''

    WAIT = r'''
options:
  wait:
    description:
      - Wait until the asynchronous changes of the task finished (what the module waits for is in its description).
      - With V(false), the module returns after its last request was accepted; the returned state is the one read
        right after it.
    type: bool
    default: true
  wait_timeout:
    description:
      - Seconds to wait for each asynchronous change, and to keep retrying a write while the service answers that it is
        busy.
    type: int
    default: 300
'''
