# -*- coding: utf-8 -*-
# Copyright: dbgov.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The API budget: calls spaced 1/rate apart across every Throttle sharing a state file (processes), on a fake clock."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os

import pytest

from ansible_collections.dbgov.cloud.plugins.module_utils import throttle


class Clock:
    """Wall time that only moves when someone sleeps (shared by the 'processes' of a test)."""

    def __init__(self, now=1000.0):
        self.now = now
        self.slept = []

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.slept.append(round(seconds, 6))
        self.now += seconds


def test_two_processes_share_one_budget(tmp_path):
    clock = Clock()
    path = throttle.state_path('alibabacloud', 'LTAIkey', str(tmp_path))
    first = throttle.Throttle(path, 10.0, clock=clock, sleep=lambda s: None)   # does not advance the clock: calls at once
    second = throttle.Throttle(path, 10.0, clock=clock, sleep=lambda s: None)
    delays = [first.acquire(), second.acquire(), first.acquire(), second.acquire()]
    assert delays == pytest.approx([0.0, 0.1, 0.2, 0.3])
    assert first.calls == 2 and second.waited == pytest.approx(0.4)


def test_a_sleeping_caller_is_spaced_by_the_rate(tmp_path):
    clock = Clock()
    limiter = throttle.Throttle(throttle.state_path('alibabacloud', 'k', str(tmp_path)), 4.0, clock=clock, sleep=clock.sleep)
    for _call in range(9):
        limiter.acquire()
    # 9 calls at 4 per second: the first at once, then 0.25 s apart -> 2 s in all
    assert clock.now - 1000.0 == pytest.approx(2.0) and clock.slept == [0.25] * 8
    clock.now += 10     # idle time is not banked: the next call goes at once, the one after waits again
    assert limiter.acquire() == 0.0 and limiter.acquire() == pytest.approx(0.25)


def test_keys_and_clouds_have_separate_budgets_and_the_key_is_not_in_the_name(tmp_path):
    names = set(throttle.state_path(cloud, key, str(tmp_path)) for cloud in ('alibabacloud', 'huaweicloud') for key in ('a', 'b'))
    assert len(names) == 4 and not any(os.path.basename(n).endswith(('-a', '-b')) for n in names)
    clock = Clock()
    one = throttle.Throttle(throttle.state_path('alibabacloud', 'a', str(tmp_path)), 1.0, clock=clock, sleep=lambda s: None)
    other = throttle.Throttle(throttle.state_path('alibabacloud', 'b', str(tmp_path)), 1.0, clock=clock, sleep=lambda s: None)
    assert [one.acquire(), other.acquire(), one.acquire()] == [0.0, 0.0, 1.0]


def test_rate_zero_is_off_and_a_garbled_or_future_slot_is_bounded(tmp_path):
    clock = Clock()
    path = throttle.state_path('huaweicloud', 'k', str(tmp_path))
    assert throttle.Throttle(path, 0.0, clock=clock, sleep=clock.sleep).acquire() == 0.0 and not os.path.exists(path)
    with open(path, 'w') as handle:
        handle.write('not a number')
    assert throttle.Throttle(path, 2.0, clock=clock, sleep=clock.sleep).acquire() == 0.0
    with open(path, 'w') as handle:
        handle.write('%f' % (clock.now + 3600))      # a clock set back by an hour must not stall every module
    assert throttle.Throttle(path, 2.0, clock=clock, sleep=clock.sleep).acquire() == pytest.approx(1.0)


def test_rate_resolution(monkeypatch):
    monkeypatch.delenv(throttle.ENV, raising=False)
    assert throttle.resolve_rate('alibabacloud', None) == 10.0 and throttle.resolve_rate('huaweicloud', None) == 0.0
    monkeypatch.setenv(throttle.ENV, '2.5')
    assert throttle.resolve_rate('huaweicloud', None) == 2.5 and throttle.resolve_rate('alibabacloud', 7) == 7.0


def test_report_for_verbose_results(tmp_path):
    limiter = throttle.Throttle(throttle.state_path('alibabacloud', 'k', str(tmp_path)), 5.0, clock=Clock(), sleep=lambda s: None)
    limiter.acquire()
    limiter.acquire()
    report = limiter.report()
    assert report['rate_limit'] == 5.0 and report['calls'] == 2 and report['waited_seconds'] == pytest.approx(0.2)
    assert report['shared_state'].startswith('dbgov-cloud-api-budget-alibabacloud-')
