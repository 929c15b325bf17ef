# -*- coding: utf-8 -*-
# Copyright: dbgov.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fixtures of the module tests: run a module's main() in-process and capture its result; stand-in cloud clients.

``module_runner(main, *defaults, **more)``: a runner ``run(check_mode=False, diff=False, **args)`` that calls ``main()`` with
the module args ``defaults`` + ``more`` + ``args`` and returns the ModuleExit its exit_json/fail_json raised.
``fake_huawei_request(fake)`` / ``fake_alibaba_call(fake)``: answer every ``HuaweiClient.request`` /
``AlibabaClient.call`` with ``fake`` (called like the method, ``self`` first); nothing reaches a network.
``no_dcs_poll_delay``: DCS waits poll again at once (no sleep between reads).
``fake_clock``: every ``common.wait_until`` runs on a FakeClock (returned): sleeping advances it, nothing really sleeps.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json

import pytest

from ansible.module_utils import basic
from ansible.module_utils.common.text.converters import to_bytes

from ansible_collections.dbgov.cloud.plugins.module_utils import alibabacloud, common, dcs, huaweicloud
from ansible_collections.dbgov.cloud.tests.unit.plugins.fakes import FakeClock
from ansible_collections.dbgov.cloud.tests.unit.plugins.modules.helpers import ModuleExit


def _exit_json(self, **result):  # pylint: disable=unused-argument
    raise ModuleExit(False, result)


def _fail_json(self, **result):  # pylint: disable=unused-argument
    raise ModuleExit(True, result)


@pytest.fixture
def module_runner(monkeypatch):
    monkeypatch.setattr(basic.AnsibleModule, 'exit_json', _exit_json)
    monkeypatch.setattr(basic.AnsibleModule, 'fail_json', _fail_json)

    def bind(main, *defaults, **more):
        def run(check_mode=False, diff=False, **args):
            module_args = {}
            for values in defaults + (more, args):
                module_args.update(values)
            module_args['_ansible_check_mode'] = check_mode
            module_args['_ansible_diff'] = diff
            monkeypatch.setattr(basic, '_ANSIBLE_ARGS', to_bytes(json.dumps(dict(ANSIBLE_MODULE_ARGS=module_args))))
            if hasattr(basic, '_ANSIBLE_PROFILE'):
                monkeypatch.setattr(basic, '_ANSIBLE_PROFILE', 'legacy')
            with pytest.raises(ModuleExit) as info:
                main()
            return info.value
        return run
    return bind


@pytest.fixture
def fake_huawei_request(monkeypatch):
    return lambda fake: monkeypatch.setattr(huaweicloud.HuaweiClient, 'request', fake)


@pytest.fixture
def fake_alibaba_call(monkeypatch):
    return lambda fake: monkeypatch.setattr(alibabacloud.AlibabaClient, 'call', fake)


@pytest.fixture
def no_dcs_poll_delay(monkeypatch):
    monkeypatch.setattr(dcs, 'POLL_INTERVAL', 0.0)
    monkeypatch.setattr(dcs, 'POLL_MAX_INTERVAL', 0.0)


@pytest.fixture
def fake_clock(monkeypatch):
    clock = FakeClock()
    monkeypatch.setattr(common, 'time', clock)
    return clock
