# Copyright: dbgov.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Tests for tests/ci/check_action_groups.py (run by `make checks`, stage "checks" of `make test`)."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import textwrap

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
SPEC = importlib.util.spec_from_file_location('check_action_groups', os.path.join(HERE, 'check_action_groups.py'))
CAG = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(CAG)

FRAGMENTS = {
    'huaweicloud': 'class ModuleDocFragment:\n    DOCUMENTATION = "options: {}"\n',
    'alibabacloud': 'class ModuleDocFragment:\n    DOCUMENTATION = "options: {}"\n',
    'options': 'class ModuleDocFragment:\n    PASSWORD = "options: {}"\n    WAIT = "options: {}"\n',
    'attributes': textwrap.dedent('''\
        class ModuleDocFragment:
            DOCUMENTATION = "attributes: {}"
            ACTION_GROUP_HUAWEICLOUD = "attributes: {}"
            ACTION_GROUP_ALIBABACLOUD = "attributes: {}"
        '''),
}

HUAWEI = ['dbgov.cloud.huaweicloud', 'dbgov.cloud.attributes', 'dbgov.cloud.attributes.action_group_huaweicloud']
ALIBABA = ['dbgov.cloud.alibabacloud', 'dbgov.cloud.attributes', 'dbgov.cloud.attributes.action_group_alibabacloud']


def module_source(extends, imports=(), code=''):
    """A minimal module file."""
    lines = ['DOCUMENTATION = r"""', 'module: x', 'short_description: x', 'extends_documentation_fragment:']
    lines += ['  - %s' % e for e in extends] + ['"""', '']
    lines += ['from ansible_collections.dbgov.cloud.plugins.module_utils.%s import client' % i for i in imports]
    return '\n'.join(lines + [code]) + '\n'


@pytest.fixture(name='coll')
def coll_fixture(tmp_path):
    """A minimal valid collection with one module per cloud; returns a helper to change it."""
    root = tmp_path
    (root / 'galaxy.yml').write_text('namespace: dbgov\nname: cloud\nversion: 0.1.0\n')
    (root / 'meta').mkdir()
    (root / 'plugins' / 'modules').mkdir(parents=True)
    (root / 'plugins' / 'doc_fragments').mkdir(parents=True)
    for name, text in FRAGMENTS.items():
        (root / 'plugins' / 'doc_fragments' / (name + '.py')).write_text(text)
    (root / 'changelogs' / 'fragments').mkdir(parents=True)
    (root / 'changelogs' / 'config.yaml').write_text(
        'sections:\n  - [minor_changes, Minor Changes]\n  - [bugfixes, Bugfixes]\nprelude_section_name: release_summary\n')
    (root / 'changelogs' / 'fragments' / '1-x.yml').write_text('minor_changes:\n  - x - a change.\n')

    class Coll:
        """Helpers around root."""

        path = root

        @staticmethod
        def runtime(huawei, alibaba, extra=''):
            (root / 'meta' / 'runtime.yml').write_text(
                'requires_ansible: ">=2.16.0"\naction_groups:\n  huaweicloud: %s\n  alibabacloud: %s\n%s' % (huawei, alibaba, extra))

        @staticmethod
        def module(name, extends, imports=(), code=''):
            (root / 'plugins' / 'modules' / (name + '.py')).write_text(module_source(extends, imports, code))

        @staticmethod
        def check(*extra_args):
            return CAG.main(['--root', str(root)] + list(extra_args))

    Coll.runtime('[ddm_user]', '[polardb_account_info]')
    Coll.module('ddm_user', HUAWEI, ['huaweicloud', 'ddm'])
    Coll.module('polardb_account_info', ALIBABA, ['alibabacloud', 'polardb'])
    return Coll


def test_valid_collection_passes(coll, capsys):
    assert coll.check() == 0
    assert 'ok' in capsys.readouterr().out


def test_fqcn_entries_and_metadata_accepted(coll):
    coll.runtime('[dbgov.cloud.ddm_user, {metadata: {extend_group: []}}]', '[polardb_account_info]')
    assert coll.check() == 0


def test_module_missing_from_group(coll, capsys):
    coll.module('dcs_acl_role', HUAWEI, ['huaweicloud'])
    assert coll.check() == 1
    assert "dcs_acl_role: missing from action group 'huaweicloud'" in capsys.readouterr().out


def test_module_in_wrong_group(coll, capsys):
    coll.runtime('[ddm_user, polardb_account_info]', '[polardb_account_info]')
    assert coll.check() == 1
    assert 'polardb_account_info: is a alibabacloud module but listed in action group(s) huaweicloud' in capsys.readouterr().out


def test_entry_without_module_fails(coll, capsys):
    coll.runtime('[ddm_user, ddm_ghost]', '[polardb_account_info]')
    assert coll.check() == 1
    assert 'lists ddm_ghost, but plugins/modules/ddm_ghost.py does not exist' in capsys.readouterr().out


def test_planned_entry_without_module_is_only_noted(coll, capsys):
    coll.runtime('[ddm_user, ddm_ghost]', '[polardb_account_info]')
    (coll.path / 'tests' / 'ci').mkdir(parents=True)
    (coll.path / 'tests' / 'ci' / 'planned-modules.txt').write_text('# soon\nddm_ghost\nddm_user  # landed\n')
    assert coll.check() == 0
    out = capsys.readouterr().out
    assert 'planned module ddm_ghost' in out
    assert 'ddm_user now exists' in out


def test_module_extending_neither_fails(coll, capsys):
    coll.module('ddm_user', ['dbgov.cloud.attributes'])
    assert coll.check() == 1
    assert "ddm_user: extends neither cloud's doc fragments" in capsys.readouterr().out


def test_module_extending_both_clouds_fails(coll, capsys):
    coll.module('ddm_user', HUAWEI + ['dbgov.cloud.alibabacloud'])
    assert coll.check() == 1
    assert 'ddm_user: extends the doc fragments of several clouds' in capsys.readouterr().out


def test_missing_action_group_fragment(coll, capsys):
    coll.module('ddm_user', ['dbgov.cloud.huaweicloud'])
    assert coll.check() == 1
    assert 'ddm_user: a huaweicloud module must also extend dbgov.cloud.attributes.action_group_huaweicloud' in capsys.readouterr().out


def test_imports_other_cloud(coll, capsys):
    coll.module('ddm_user', HUAWEI, ['alibabacloud'])
    assert coll.check() == 1
    assert 'ddm_user: documented as huaweicloud but imports module_utils of alibabacloud' in capsys.readouterr().out


def test_nonexistent_fragment_section(coll, capsys):
    (coll.path / 'plugins' / 'doc_fragments' / 'attributes.py').write_text('class ModuleDocFragment:\n    DOCUMENTATION = ""\n')
    assert coll.check() == 1
    out = capsys.readouterr().out
    assert 'has no ACTION_GROUP_HUAWEICLOUD section' in out
    assert 'has no ACTION_GROUP_ALIBABACLOUD section' in out


def test_missing_fragment_file(coll, capsys):
    (coll.path / 'plugins' / 'doc_fragments' / 'alibabacloud.py').unlink()
    assert coll.check() == 1
    assert 'plugins/doc_fragments/alibabacloud.py does not exist' in capsys.readouterr().out


def test_no_documentation(coll, capsys):
    (coll.path / 'plugins' / 'modules' / 'ddm_user.py').write_text('import sys\n')
    assert coll.check() == 1
    assert 'ddm_user: no DOCUMENTATION string' in capsys.readouterr().out


def test_unknown_and_missing_group(coll, capsys):
    (coll.path / 'meta' / 'runtime.yml').write_text('action_groups:\n  huaweicloud: [ddm_user]\n  aws: []\n')
    assert coll.check() == 1
    out = capsys.readouterr().out
    assert "unknown action group 'aws'" in out
    assert "action group 'alibabacloud' is missing" in out


def test_no_changelog_fragment(coll, capsys):
    (coll.path / 'changelogs' / 'fragments' / '1-x.yml').unlink()
    assert coll.check() == 1
    assert 'changelogs/fragments/ is empty' in capsys.readouterr().out


@pytest.mark.parametrize('text, message', [
    ('features:\n  - x\n', "unknown section 'features'"),
    ('bugfixes: a string\n', 'bugfixes must be a non-empty list of strings'),
    ('- just a list\n', 'must be a non-empty mapping'),
    ('bugfixes: [unclosed\n', 'not valid YAML'),
])
def test_bad_changelog_fragment(coll, capsys, text, message):
    (coll.path / 'changelogs' / 'fragments' / '2-bad.yml').write_text(text)
    assert coll.check() == 1
    assert message in capsys.readouterr().out


def git(root, *args):
    """Run git quietly in root."""
    subprocess.run(['git', '-C', str(root), '-c', 'user.name=t', '-c', 'user.email=t@t', '-c', 'commit.gpgsign=false'] + list(args),
                   check=True, stdout=subprocess.DEVNULL)


def test_base_ref_requires_new_fragment(coll, capsys):
    git(coll.path, 'init', '-q')
    git(coll.path, 'add', '.')
    git(coll.path, 'commit', '-q', '-m', 'base')
    coll.module('ddm_user', HUAWEI, ['huaweicloud', 'ddm'] + ['transport'])
    assert coll.check('--base', 'HEAD') == 1
    assert 'without a changelog fragment: plugins/modules/ddm_user.py' in capsys.readouterr().out
    (coll.path / 'changelogs' / 'fragments' / '3-ddm.yml').write_text('bugfixes:\n  - ddm_user - fix.\n')
    assert coll.check('--base', 'HEAD') == 0


def test_shared_options_need_their_fragment(coll, capsys):
    coll.module('ddm_user', HUAWEI, ['huaweicloud', 'ddm'], code='spec = dict(common.wait_options(), **password_options())')
    assert coll.check() == 1
    out = capsys.readouterr().out
    assert 'ddm_user: builds options with password_options() but does not extend dbgov.cloud.options.password' in out
    assert 'ddm_user: builds options with wait_options() but does not extend dbgov.cloud.options.wait' in out


def test_fragment_without_its_helper_fails_and_the_pair_passes(coll, capsys):
    coll.module('ddm_user', HUAWEI + ['dbgov.cloud.options.password'], ['huaweicloud', 'ddm'])
    assert coll.check() == 1
    assert 'ddm_user: extends dbgov.cloud.options.password but does not build its options with password_options()' in capsys.readouterr().out
    coll.module('ddm_user', HUAWEI + ['dbgov.cloud.options.password'], ['huaweicloud', 'ddm'], code='spec = password_options()')
    assert coll.check() == 0


def inventory_source(name='estate', choices=None, extends=('constructed',)):
    """A minimal inventory plugin file."""
    lines = ['DOCUMENTATION = r"""', 'name: %s' % name, 'short_description: x', 'options:', '  plugin:', '    description: x',
             '    choices: [%s]' % (choices or 'dbgov.cloud.%s' % name), 'extends_documentation_fragment:']
    lines += ['  - %s' % e for e in extends] + ['"""', '']
    lines += ['from ansible_collections.dbgov.cloud.plugins.module_utils import alibabacloud, huaweicloud']
    return '\n'.join(lines) + '\n'


def test_inventory_plugin_of_both_clouds_passes(coll, capsys):
    (coll.path / 'plugins' / 'inventory').mkdir()
    (coll.path / 'plugins' / 'inventory' / 'estate.py').write_text(inventory_source())
    assert coll.check() == 0
    assert '2 module(s), 1 other plugin(s)' in capsys.readouterr().out


@pytest.mark.parametrize('source, message', [
    (inventory_source(choices='estate'), 'option plugin must accept exactly dbgov.cloud.estate'),
    (inventory_source(name='other'), "DOCUMENTATION name is 'other', not the file name 'estate'"),
    (inventory_source(extends=('constructed', 'dbgov.cloud.nothere')), 'plugins/doc_fragments/nothere.py does not exist'),
    (inventory_source(extends=('dbgov.cloud.huaweicloud.inventory',)), 'has no INVENTORY section'),
    ('x = 1\n', 'no DOCUMENTATION string'),
])
def test_inventory_plugin_problems(coll, capsys, source, message):
    (coll.path / 'plugins' / 'inventory').mkdir()
    (coll.path / 'plugins' / 'inventory' / 'estate.py').write_text(source)
    assert coll.check() == 1
    assert message in capsys.readouterr().out


def test_inventory_plugin_in_an_action_group_fails(coll, capsys):
    (coll.path / 'plugins' / 'inventory').mkdir()
    (coll.path / 'plugins' / 'inventory' / 'estate.py').write_text(inventory_source())
    coll.runtime('[ddm_user, estate]', '[polardb_account_info]')
    assert coll.check() == 1
    assert 'plugins/inventory/estate.py: listed in an action group of meta/runtime.yml' in capsys.readouterr().out
