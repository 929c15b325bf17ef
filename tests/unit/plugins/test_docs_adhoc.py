# -*- coding: utf-8 -*-
# Copyright: dbgov.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The quick start guide shows one ad-hoc line per module, and CI runs exactly those lines (adhoc_env_credentials)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import os
import re
import shlex

import yaml

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..'))
GUIDE = os.path.join(ROOT, 'docs', 'docsite', 'rst', 'guide_quickstart.rst')
TARGET = os.path.join(ROOT, 'tests', 'integration', 'targets', 'adhoc_env_credentials', 'tasks', 'main.yml')
MODULES = os.path.join(ROOT, 'plugins', 'modules')


def normalised(module, args, flags):
    """JSON arguments compare as data (the target folds them over lines), key=value ones as words."""
    args = json.loads(args) if args.lstrip().startswith('{') else args.split()
    return module, args, list(flags)


def guide_commands():
    found = []
    with open(GUIDE) as handle:
        for line in handle:
            match = re.match(r'\s*\$ (ansible localhost .*)$', line)
            if not match:
                continue
            words = shlex.split(match.group(1))
            assert words[:3] == ['ansible', 'localhost', '-m'] and words[4] == '-a', line
            assert words[3].startswith('dbgov.cloud.'), line
            found.append(normalised(words[3][len('dbgov.cloud.'):], words[5], words[6:]))
    return found


def target_commands():
    with open(TARGET) as handle:
        play = yaml.safe_load(handle)
    return [normalised(c['module'], c['args'], c.get('flags', [])) for c in play[0]['vars']['commands']]


def test_ci_runs_the_lines_of_the_guide():
    assert guide_commands() == target_commands()


def test_every_module_has_an_ad_hoc_line():
    # the *_credentials modules refuse to run without no_log (their result holds secrets), which ad hoc cannot set
    modules = sorted(name[:-3] for name in os.listdir(MODULES)
                     if name.endswith('.py') and not name.startswith('_') and not name.endswith('_credentials.py'))
    shown = sorted(set(command[0] for command in guide_commands()))
    assert shown == modules


def test_stateful_lines_are_check_mode():
    for module, _args, flags in guide_commands():
        if not module.endswith('_info'):
            assert '--check' in flags, module
