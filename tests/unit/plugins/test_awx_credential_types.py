# -*- coding: utf-8 -*-
# Copyright: dbgov.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The AWX credential types inject exactly the environment variables the modules read: an option's env fallback or a
variable of the credential chain (module_utils/credentials.py), each documented under the option named for it."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os
import re

import pytest
import yaml

from ansible_collections.dbgov.cloud.plugins.doc_fragments import alibabacloud as ali_doc
from ansible_collections.dbgov.cloud.plugins.doc_fragments import huaweicloud as hw_doc
from ansible_collections.dbgov.cloud.plugins.module_utils import alibabacloud, credentials, huaweicloud

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..'))
FILES = os.path.join(ROOT, 'roles', 'awx_credential_types', 'files')
CASES = [('huaweicloud.yml', huaweicloud.AUTH_SPEC, hw_doc), ('alibabacloud.yml', alibabacloud.AUTH_SPEC, ali_doc)]
CHAIN = {'huaweicloud.yml': (credentials.HUAWEI_ENV, credentials.ENV_DOCS['huaweicloud']),
         'alibabacloud.yml': (credentials.ALIBABA_ENV, credentials.ENV_DOCS['alibabacloud'])}
# secrets of the chain (the other chain inputs are names, ARNs, durations and file paths)
CHAIN_SECRETS = ('secret_key', 'security_token')
# required by the modules at run time although optional in the argument spec (the chain fails naming it)
RUNTIME_REQUIRED = ('region',)


def readers(filename, spec):
    """input id -> (env names that feed it, the option documenting them): spec fallbacks and the chain's variables."""
    found = dict((name, (names, name)) for name, names in fallback_env(spec).items())
    chain_env, docs = CHAIN[filename]
    for key, names in chain_env.items():
        found[key] = (list(names), docs[key])
    return found


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
    read = readers(filename, spec)
    documented = documented_env(fragment)
    for var, template in env.items():
        assert not var.startswith('ANSIBLE_'), var
        field = re.match(r'\{\{ *(\w+) *\}\}\Z', template).group(1)
        assert field in read, '%s injects input %s, which neither an option nor the credential chain reads' % (var, field)
        names, option = read[field]
        assert var in names, '%s is not read for %s (reads %s)' % (var, field, names)
        assert var in documented[option], '%s is not documented under option %s' % (var, option)


@pytest.mark.parametrize('filename, spec, fragment', CASES)
def test_inputs_cover_options_and_mark_secrets(filename, spec, fragment):
    definition = load(filename)
    fields = dict((f['id'], f) for f in definition['inputs']['fields'])
    injected = set(re.match(r'\{\{ *(\w+) *\}\}', t).group(1) for t in definition['injectors']['env'].values())
    assert set(fields) == injected, 'every input is injected and nothing else'
    for name, field in fields.items():
        secret = spec[name].get('no_log') if name in spec else name in CHAIN_SECRETS
        assert bool(field.get('secret')) == bool(secret), 'secret flag of %s must match no_log' % name
    for name in definition['inputs']['required']:
        assert spec[name].get('required') or name in RUNTIME_REQUIRED, '%s is required by the type but optional in the modules' % name
    for name, opt in spec.items():
        if opt.get('required'):
            assert name in definition['inputs']['required'], '%s is required by the modules but optional in the type' % name
    assert 'extra_vars' not in definition['injectors'], 'secrets travel as env, never as extra vars'


def test_docs_fallbacks_match_code():
    for _filename, spec, fragment in CASES:
        documented = documented_env(fragment)
        for option, names in fallback_env(spec).items():
            # the fallbacks, in their order of precedence (the chain's variables may be documented next to them)
            assert [name for name in documented[option] if name in names] == names, option


@pytest.mark.parametrize('filename, spec, fragment', CASES)
def test_every_chain_variable_is_documented(filename, spec, fragment):
    """The credential chain reads no variable that ansible-doc does not show (under the option ENV_DOCS names)."""
    documented = documented_env(fragment)
    chain_env, docs = CHAIN[filename]
    for key, names in chain_env.items():
        assert docs[key] in spec, docs[key]
        for name in names:
            assert name in documented[docs[key]], '%s (%s) is not documented under option %s' % (name, key, docs[key])


@pytest.mark.parametrize('filename, spec, fragment', CASES)
def test_credentials_are_optional_and_documented_so(filename, spec, fragment):
    doc = yaml.safe_load(fragment.ModuleDocFragment.DOCUMENTATION)['options']
    for name in ('region', 'access_key', 'secret_key'):
        assert not spec[name].get('required') and not doc[name].get('required'), name
    for name in ('profile', 'assume_role', 'metadata_endpoint'):
        assert name in spec and name in doc, name
