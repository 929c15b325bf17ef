# -*- coding: utf-8 -*-
# Copyright: dbgov.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The API budget: a rate limit (calls per second) shared by every module process of one controller that talks to the
same cloud with the same access key, so that forks (``-f``) and parallel hosts do not trip the clouds' request limits.

The processes coordinate through a small state file in the temporary directory, named after a hash of the cloud and
the access key (never the key itself) and locked with ``fcntl.flock`` while a call takes its slot: the file holds the
time of the next free slot. A call takes ``max(now, next slot)`` and moves the slot on by ``1 / rate``; it then sleeps
until its slot. Calls are thereby spaced ``1 / rate`` seconds apart across all processes, whatever their number.

Alibaba Cloud documents request limits per API and account (Bastionhost: 10 calls per second for most operations,
see the API reference's "QPS limits"); the default rate for Alibaba Cloud follows it. Huawei Cloud answers a throttled
request with HTTP 429, which the transport retries with back-off; there the budget is off unless set.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import hashlib
import os
import tempfile
import time

try:
    import fcntl
    HAS_FCNTL = True
except ImportError:  # pragma: no cover - not POSIX: each process keeps its own budget
    HAS_FCNTL = False

ENV = 'DBGOV_API_RATE_LIMIT'
DEFAULT_RATES = {'alibabacloud': 10.0, 'huaweicloud': 0.0}


def state_path(cloud, access_key, directory=None):
    """The state file of (cloud, access key): in ``directory`` (default: the temporary directory), keyed by a hash."""
    digest = hashlib.sha256(('%s\0%s' % (cloud, access_key or '')).encode('utf-8')).hexdigest()[:20]
    return os.path.join(directory or tempfile.gettempdir(), 'dbgov-cloud-api-budget-%s-%s' % (cloud, digest))


def resolve_rate(cloud, option):
    """The calls per second: the option, else the environment variable, else the cloud's default; 0 means no limit."""
    if option is None:
        raw = os.environ.get(ENV)
        option = float(raw) if raw not in (None, '') else DEFAULT_RATES.get(cloud, 0.0)
    return max(0.0, float(option))


class Throttle:
    """Spaces the calls of every process sharing ``path`` ``1 / rate`` seconds apart.

    ``clock`` (wall time, shared between processes) and ``sleep`` are replaceable in tests. ``calls`` and ``waited``
    count this process's calls and the seconds it slept for the budget.
    """

    def __init__(self, path, rate, clock=None, sleep=None):
        self.path = path
        self.rate = rate
        self.clock = clock or time.time
        self.sleep = sleep or time.sleep
        self.calls = 0
        self.waited = 0.0

    def _take_slot(self, now, interval):
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            if HAS_FCNTL:
                fcntl.flock(fd, fcntl.LOCK_EX)
            raw = os.read(fd, 64)
            try:
                slot = float(raw.decode('ascii').strip() or 0)
            except ValueError:
                slot = 0.0
            # a slot far in the future (a clock set back, a garbled file) is not honoured beyond one second
            slot = min(max(now, slot), now + max(1.0, interval))
            os.lseek(fd, 0, os.SEEK_SET)
            os.ftruncate(fd, 0)
            os.write(fd, ('%.6f' % (slot + interval)).encode('ascii'))
            return slot
        finally:
            os.close(fd)   # closing releases the lock

    def acquire(self):
        """Wait for this call's slot (no wait when the budget is off)."""
        self.calls += 1
        if not self.rate:
            return 0.0
        now = self.clock()
        try:
            slot = self._take_slot(now, 1.0 / self.rate)
        except OSError:
            return 0.0   # an unwritable temporary directory disables the shared budget rather than the module
        delay = slot - now
        if delay > 0:
            self.sleep(delay)
            self.waited += delay
        return max(0.0, delay)

    def report(self):
        """What the result shows under ``api_budget`` (visible with -v)."""
        return dict(rate_limit=self.rate, calls=self.calls, waited_seconds=round(self.waited, 3),
                    shared_state=os.path.basename(self.path) if self.rate else None)
