# -*- coding: utf-8 -*-
# Copyright: dbgov.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The export lines the docs show are the ones `make emulator` prints for port 8765 (tests/emulator/exports.py), and
the commands the quick start prints exist (make targets). The readme_quickstart integration target runs them."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import importlib.util
import os
import re

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..'))
DOCS = {
    'README.md': os.path.join(ROOT, 'README.md'),
    'guide_quickstart.rst': os.path.join(ROOT, 'docs', 'docsite', 'rst', 'guide_quickstart.rst'),
    'guide_scenarios.rst': os.path.join(ROOT, 'docs', 'docsite', 'rst', 'guide_scenarios.rst'),
}


def load_exports():
    spec = importlib.util.spec_from_file_location('dbgov_emulator_exports', os.path.join(ROOT, 'tests', 'emulator', 'exports.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def read(path):
    with open(path) as handle:
        return handle.read()


def shown_exports(text):
    """The `export` lines of a document, without a console prompt."""
    return [re.sub(r'^\s*(\$ )?', '', line) for line in text.splitlines() if re.match(r'\s*(\$ )?export ', line)]


@pytest.mark.parametrize('name', sorted(DOCS))
def test_docs_show_what_make_emulator_prints(name):
    exports = load_exports()
    assert shown_exports(read(DOCS[name])) == exports.export_lines('http://127.0.0.1:%d' % exports.STANDARD_PORT)


def test_export_lines_set_every_variable_the_modules_read():
    exports = load_exports()
    lines = exports.export_lines('http://127.0.0.1:8999')
    env = dict(pair.split('=', 1) for line in lines for pair in line[len('export '):].split(' '))
    assert env == dict((name, "'%s'" % value if '{' in value else value)
                       for name, value in exports.settings('http://127.0.0.1:8999').items())
    assert env['DBGOV_HUAWEICLOUD_ENDPOINT'] == env['DBGOV_ALIBABACLOUD_ENDPOINT'] == "'http://127.0.0.1:8999/{service}'"
    assert 'http://127.0.0.1:8999' in exports.banner('http://127.0.0.1:8999')
    assert all(line in exports.banner('http://127.0.0.1:8999').splitlines() for line in lines)


def test_the_make_targets_the_readme_prints_exist():
    makefile = read(os.path.join(ROOT, 'Makefile'))
    targets = set(re.findall(r'(?m)^([a-z-]+):', makefile))
    # `make x` in running text, or a command line `make x` / `$ make x` in a code block
    printed = set(re.findall(r'(?m)(?:`|^\s*(?:\$ )?)make ([a-z-]+)', read(DOCS['README.md']) + read(DOCS['guide_quickstart.rst'])))
    assert printed and printed <= targets, printed - targets
    assert '--exports' in makefile
