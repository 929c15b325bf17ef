# -*- coding: utf-8 -*-
# Copyright: dbgov.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The AWX credential types inject exactly the environment variables the modules read."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os
import re

import pytest
import yaml

from ansible_collections.dbgov.cloud.plugins.doc_fragments import alibabacloud as ali_doc
from ansible_collections.dbgov.cloud.plugins.doc_fragments import huaweicloud as hw_doc
from ansible_collections.dbgov.cloud.plugins.module_utils import alibabacloud, huaweicloud

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..'))
FILES = os.path.join(ROOT, 'roles', 'awx_credential_types', 'files')
CASES = [('huaweicloud.yml', huaweicloud.AUTH_SPEC, hw_doc), ('alibabacloud.yml', alibabacloud.AUTH_SPEC, ali_doc)]


def fallback_env(spec):
    """option -> env names the module reads for it."""
    return dict((name, list(opt['fallback'][1])) for name, opt in spec.items() if opt.get('fallback'))


def documented_env(fragment):
    doc = yaml.safe_load(fragment.ModuleDocFragment.DOCUMENTATION)
    found = {}
    for name, opt in doc['options'].items():
        found[name] = re.findall(r'E\(([A-Z0-9_]+)\)', ' '.join(opt['description']))
    return found


def load(name):
    with open(os.path.join(FILES, name)) as handle:
        return yaml.safe_load(handle)


@pytest.mark.parametrize('filename, spec, fragment', CASES)
def test_every_injected_env_feeds_an_option(filename, spec, fragment):
    definition = load(filename)
    env = definition['injectors']['env']
    read = fallback_env(spec)
    documented = documented_env(fragment)
    for var, template in env.items():
        assert not var.startswith('ANSIBLE_'), var
        field = re.match(r'\{\{ *(\w+) *\}\}\Z', template).group(1)
        assert field in read, '%s injects input %s, which is no module option with an env fallback' % (var, field)
        assert var in read[field], '%s is not read by option %s (reads %s)' % (var, field, read[field])
        assert var in documented[field], '%s is not documented for option %s' % (var, field)


@pytest.mark.parametrize('filename, spec, fragment', CASES)
def test_inputs_cover_options_and_mark_secrets(filename, spec, fragment):
    definition = load(filename)
    fields = dict((f['id'], f) for f in definition['inputs']['fields'])
    injected = set(re.match(r'\{\{ *(\w+) *\}\}', t).group(1) for t in definition['injectors']['env'].values())
    assert set(fields) == injected, 'every input is injected and nothing else'
    for name, field in fields.items():
        assert bool(field.get('secret')) == bool(spec[name].get('no_log')), 'secret flag of %s must match no_log' % name
    for name in definition['inputs']['required']:
        assert spec[name].get('required'), '%s is required by the type but optional in the modules' % name
    assert 'extra_vars' not in definition['injectors'], 'secrets travel as env, never as extra vars'


def test_docs_fallbacks_match_code():
    for _filename, spec, fragment in CASES:
        documented = documented_env(fragment)
        for option, names in fallback_env(spec).items():
            assert documented[option] == names, option
