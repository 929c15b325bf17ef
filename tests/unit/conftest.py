# -*- coding: utf-8 -*-
# Copyright: dbgov.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every unit test runs behind the loopback guard (no connection outside 127.0.0.0/8), with the instance metadata
services pointed at a closed loopback port, so the credential chain's last link can never reach a real address."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from ansible_collections.dbgov.cloud.tests.emulator import loopback_guard


@pytest.fixture(autouse=True)
def loopback_only(monkeypatch):
    """Every test runs behind the loopback guard; the metadata endpoints point at a closed loopback port."""
    with loopback_guard.loopback_only(monkeypatch.setenv):
        yield
