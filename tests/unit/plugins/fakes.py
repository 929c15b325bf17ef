# -*- coding: utf-8 -*-
# Copyright: dbgov.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Stand-ins the unit tests of module_utils and modules share.

Import it as ``ansible_collections.dbgov.cloud.tests.unit.plugins.fakes``: that name works under ``ansible-test units``
and under plain pytest with PYTHONPATH at the collections root.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type


class FakeClock:
    """A clock that sleeping advances (nothing really sleeps): pass ``sleep``/``clock`` to a wait, or put the whole object
    in place of the ``time`` module of ``module_utils.common`` (it has ``sleep`` and ``monotonic``)."""

    def __init__(self):
        self.now = 0.0
        self.sleeps = []

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds

    def clock(self):
        return self.now

    monotonic = clock
