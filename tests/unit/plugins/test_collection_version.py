# -*- coding: utf-8 -*-
# Copyright: dbgov.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""galaxy.yml is the one source of the collection version: the User-Agent's copy (a module cannot read galaxy.yml at
run time) must say the same."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os

import yaml

from ansible_collections.dbgov.cloud.plugins.module_utils import transport

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))


def test_transport_version_is_galaxy_version():
    with open(os.path.join(ROOT, 'galaxy.yml')) as handle:
        galaxy = yaml.safe_load(handle)
    assert transport.COLLECTION_VERSION == str(galaxy['version'])
    assert transport.USER_AGENT.endswith('/' + str(galaxy['version']))
