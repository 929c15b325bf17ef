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


class FakeHuaweiClient:
    """Stands in for HuaweiClient: ``request`` records every call (all its arguments, the optional ones defaulting to None)
    in ``calls`` and returns ``answer(operation, call)``, which a test's subclass implements."""

    def __init__(self):
        self.calls = []

    def request(self, method, path, operation, **kwargs):
        call = dict(dict(query=None, body=None, headers=None, busy_codes=None, deadline=None), method=method, path=path,
                    operation=operation, **kwargs)
        self.calls.append(call)
        return self.answer(operation, call)

    def answer(self, operation, call):  # pylint: disable=unused-argument
        return {}

    def operations(self):
        return [c['operation'] for c in self.calls]


def fake_alibaba_client(base, answer, calls):
    """A real ``base`` (AlibabaClient: paginate and the rest run) whose ``call`` appends
    (action, params, write, idempotent) to ``calls`` and returns ``answer(action, params)``, without HTTP."""

    class FakeAlibabaClient(base):
        def __init__(self):  # pylint: disable=super-init-not-called
            self.calls = calls

        def call(self, action, params=None, write=False, idempotent=False, busy_codes=(), deadline=None):
            params = dict(params or {})
            self.calls.append((action, params, write, idempotent))
            return answer(action, params)

    return FakeAlibabaClient()
