# Copyright: dbgov.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Tests for the pieces of hack/ci.py that decide what a stage checks (run by `make checks`), and for the loopback guard."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import textwrap

import pytest
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SPEC = importlib.util.spec_from_file_location('ci_driver', os.path.join(ROOT, 'hack', 'ci.py'))
CI = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(CI)


class FakeContext:
    """What smoke_cases needs of a Context."""

    def __init__(self, coll):
        self.coll = coll

    def path(self, *parts):
        return os.path.join(self.coll, *parts)


def test_every_module_needs_a_smoke_case(tmp_path):
    smoke = tmp_path / 'tests' / 'smoke'
    smoke.mkdir(parents=True)
    (smoke / 'good.yml').write_text('args: {instance_id: x}\nchanges: first\n')
    (smoke / 'bad.yml').write_text('args: {instance_id: x}\nchanges: sometimes\n')
    cases, problems = CI.smoke_cases(FakeContext(str(tmp_path)), ['good', 'bad', 'new_module'])
    assert list(cases) == ['good']
    assert problems == ['tests/smoke/bad.yml: needs args (a mapping), changes (first/never/always) and optional keywords (a mapping)',
                        'new_module: no smoke case: add tests/smoke/new_module.yml (see tests/smoke/README.md)']


def test_the_shipped_smoke_cases_cover_every_module():
    modules = sorted(f[:-3] for f in os.listdir(os.path.join(ROOT, 'plugins', 'modules')) if f.endswith('.py') and not f.startswith('_'))
    cases, problems = CI.smoke_cases(FakeContext(ROOT), modules)
    assert problems == [] and sorted(cases) == modules


def test_role_probes_give_a_typed_option_a_wrong_value(tmp_path):
    for role, options in (('typed', {'b_list': {'type': 'list'}, 'a_str': {'type': 'str'}}),
                          ('choices', {'mode': {'type': 'str', 'choices': ['x', 'y']}}),
                          ('untyped', {'name': {'type': 'str'}})):
        meta = tmp_path / 'roles' / role / 'meta'
        meta.mkdir(parents=True)
        (meta / 'argument_specs.yml').write_text(yaml.safe_dump({'argument_specs': {'main': {'options': options}}}))
    probes = CI.role_probes(str(tmp_path))
    assert probes == {'typed': ('b_list', {'not': 'a list'}), 'choices': ('mode', 'not-one-of-the-choices'), 'untyped': None}


def test_the_smoke_play_checks_changed_and_writes_per_step():
    play = CI.smoke_playbook('dbgov.cloud.', {'thing': {'args': {'a': 1}, 'changes': 'always'}}, {'r': ('opt', 'x')}, {})[0]
    runs = [t for t in play['tasks'] if 'dbgov.cloud.thing' in t]
    asserts = [t['ansible.builtin.assert']['that'] for t in play['tasks'] if 'ansible.builtin.assert' in t]
    assert [t['check_mode'] for t in runs] == [True, False, False, True]
    assert [a[1:] for a in asserts] == [['smoke_result.changed == True', 'smoke_writes | int == 0'],
                                        ['smoke_result.changed == True', 'smoke_writes | int > 0'],
                                        ['smoke_result.changed == True', 'smoke_writes | int > 0'],
                                        ['smoke_result.changed == True', 'smoke_writes | int == 0']]
    probe = play['tasks'][-1]
    assert probe['block'][0]['vars'] == {'opt': 'x'} and 'argument_errors' in probe['rescue'][0]['ansible.builtin.assert']['that'][0]


@pytest.mark.parametrize('requirements, problems', [
    (['python >= 3.9 (on the host)', 'requests >= 2.25.0'], 0),
    (['python >= 3.9'], 1),
    (['python >= 3.8', 'requests >= 2.25.0'], 1),
    ([], 2),
])
def test_module_requirements_are_checked(requirements, problems):
    assert len(CI.module_requirements_problems('m', {'doc': {'requirements': requirements}}, '2.25.0')) == problems


def test_released_names_come_from_the_changelog():
    data = yaml.safe_load(textwrap.dedent('''\
        releases:
          1.0.0:
            modules: [{name: ddm_user, description: x, namespace: ''}]
            objects: {role: [{name: offboard, description: y, namespace: null}]}
            plugins: {filter: [{name: access_rows, description: z, namespace: null}]}
            changes: {minor_changes: [a]}
          1.1.0:
            release_date: '2027-01-01'
        '''))
    assert CI.released_names(data) == {'ddm_user', 'offboard', 'access_rows'}


def test_the_cores_claimed_are_the_cores_tested():
    with open(os.path.join(ROOT, 'meta', 'runtime.yml'), encoding='utf-8') as handle:
        requires = yaml.safe_load(handle)['requires_ansible']
    assert requires == '>=%s.0' % CI.CORES[0][0]
    assert CI.DEFAULT_CORE == CI.CORES[-1][0]
    assert set(c[2] for c in CI.CORES) == set(CI.MODULE_PYTHONS)  # every module Python runs the real modules once
    with open(os.path.join(ROOT, 'hack', 'requirements-ci.txt'), encoding='utf-8') as handle:
        assert 'ansible-core>=%s,<' % CI.DEFAULT_CORE in handle.read()
    with open(os.path.join(ROOT, 'tests', 'config.yml'), encoding='utf-8') as handle:
        assert yaml.safe_load(handle)['modules']['python_requires'] == '>=%s' % CI.MODULE_PYTHONS[0]


GUARD_PROBE = '''
import socket
assert socket.socket.connect.__name__ == "_connect", "guard not installed"
for call in (lambda: socket.getaddrinfo("198.51.100.7", 443), lambda: socket.create_connection(("198.51.100.7", 443), 1)):
    try:
        call()
    except ConnectionRefusedError as exc:
        assert "only to loopback" in str(exc), exc
    else:
        raise SystemExit("not refused")
socket.getaddrinfo("127.0.0.1", 80)
print("guarded")
'''


def test_the_loopback_guard_refuses_other_hosts_before_sending_anything():
    env = dict(os.environ, DBGOV_LOOPBACK_ONLY='1', PYTHONPATH=os.path.join(ROOT, 'hack', 'loopback_guard'))
    out = subprocess.run([sys.executable, '-c', GUARD_PROBE], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, check=False)
    assert out.returncode == 0 and out.stdout.decode().strip() == 'guarded', out.stdout.decode()
