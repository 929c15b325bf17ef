# -*- coding: utf-8 -*-
# Copyright: dbgov.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Each shared-option doc fragment documents exactly what its argument-spec helper builds (names, types, defaults, choices,
required). tests/ci/check_action_groups.py checks that a module using the helper extends the fragment."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest
import yaml

from ansible_collections.dbgov.cloud.plugins.doc_fragments import bastionhost as bastionhost_doc
from ansible_collections.dbgov.cloud.plugins.doc_fragments import options as options_doc
from ansible_collections.dbgov.cloud.plugins.module_utils import bastionhost, common

PAIRS = [
    (options_doc.ModuleDocFragment.PASSWORD, common.password_options()),
    (options_doc.ModuleDocFragment.WAIT, common.wait_options()),
    (bastionhost_doc.ModuleDocFragment.DOCUMENTATION, bastionhost.principal_argument_spec()),
]


def documented(text):
    return yaml.safe_load(text)['options']


@pytest.mark.parametrize('fragment, spec', PAIRS, ids=['password', 'wait', 'bastionhost_principal'])
def test_fragment_matches_its_argument_spec_helper(fragment, spec):
    docs = documented(fragment)
    assert sorted(docs) == sorted(spec)
    for name, option in spec.items():
        doc = docs[name]
        assert doc['type'] == option.get('type', 'str'), name
        assert doc.get('default') == option.get('default'), name
        assert doc.get('choices') == option.get('choices'), name
        assert bool(doc.get('required')) == bool(option.get('required')), name
        assert doc['description'], name


def test_helpers_hide_the_secret_and_only_it():
    spec = common.password_options()
    assert spec['password']['no_log'] is True and spec['update_password']['no_log'] is False


def test_wait_timeout_default_is_the_modules_choice():
    assert common.wait_options(wait_timeout=600)['wait_timeout']['default'] == 600
