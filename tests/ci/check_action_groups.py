# Copyright: dbgov.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Keep meta/runtime.yml action groups, plugins/modules, doc fragments and changelog fragments in step.

Fails (exit 1) when:
  * a module in plugins/modules/ is missing from its action group, or sits in the wrong or in two groups;
  * an action-group entry has no module file (entries listed in tests/ci/planned-modules.txt are only
    reported while they are absent: they are being written);
  * a module's DOCUMENTATION does not extend its cloud's doc fragments
    (Huawei: dbgov.cloud.huaweicloud + dbgov.cloud.attributes.action_group_huaweicloud;
     Alibaba: dbgov.cloud.alibabacloud + dbgov.cloud.attributes.action_group_alibabacloud),
    extends both clouds' fragments or neither, imports the other cloud's module_utils, or extends a
    dbgov.cloud fragment (or fragment section) that does not exist;
  * a plugin of another type (plugins/inventory/, plugins/lookup/ ...) is not documented under its file name, extends a
    dbgov.cloud fragment that does not exist, is listed in an action group, or (inventory) its ``plugin`` option does
    not accept exactly its FQCN;
  * a module builds options with a shared argument-spec helper (password_options, wait_options,
    principal_argument_spec) but does not extend the doc fragment that documents them, or the other way round
    (tests/unit/plugins/test_doc_fragments.py checks that each fragment and its helper agree);
  * changelogs/fragments/ holds no fragment, or a fragment is not a mapping of known sections to lists of
    strings (the sanity `changelog` test validates them fully);
  * with --base REF: plugins/, roles/ or meta/ changed since REF but no changelog fragment was added.

The group of a module is decided by the doc fragments it extends, cross-checked with the cloud of the
module_utils it imports. The module files are parsed (ast), never imported.

Usage: python tests/ci/check_action_groups.py [--root DIR] [--base GIT_REF]
"""

from __future__ import annotations

import argparse
import ast
import os
import re
import subprocess
import sys

import yaml

# action group -> what its modules must extend, and how to recognise its module_utils in an import
GROUPS = {
    'huaweicloud': {
        'fragments': ('huaweicloud', 'attributes.action_group_huaweicloud'),
        'import_hint': re.compile(r'huawei|(^|[._])(hwc|ddm|dcs|das|iam)([._]|$)'),
    },
    'alibabacloud': {
        'fragments': ('alibabacloud', 'attributes.action_group_alibabacloud'),
        'import_hint': re.compile(r'alibaba|aliyun|alicloud|(^|[._])(acs|polardb|bastion\w*)([._]|$)'),
    },
}

PLANNED_FILE = os.path.join('tests', 'ci', 'planned-modules.txt')
# plugin directories with one plugin per file, checked besides plugins/modules (filter/test files hold several)
PLUGIN_DIRS = ('inventory', 'lookup', 'callback', 'connection', 'become', 'cache', 'vars', 'strategy')

# argument-spec helper (a function of module_utils) -> the doc fragment that documents its options
OPTION_FRAGMENTS = {
    'password_options': 'options.password',
    'wait_options': 'options.wait',
    'principal_argument_spec': 'bastionhost',
}


class Report:
    """Collects errors and notes."""

    def __init__(self):
        self.errors = []
        self.notes = []

    def error(self, msg):
        """Record a failure."""
        self.errors.append(msg)

    def note(self, msg):
        """Record something worth saying that is not a failure."""
        self.notes.append(msg)


def load_yaml(path):
    """Parse a YAML file."""
    with open(path, encoding='utf-8') as handle:
        return yaml.safe_load(handle)


def helper_calls(tree):
    """Names of the OPTION_FRAGMENTS helpers that a module's code calls (``helper()`` or ``x.helper()``)."""
    called = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, 'attr', None)
            if name in OPTION_FRAGMENTS:
                called.add(name)
    return called


def check_option_fragments(module, tree, extends, prefix, report):
    """Shared options: the helper that builds them and the fragment that documents them go together."""
    called = helper_calls(tree)
    for helper, fragment in sorted(OPTION_FRAGMENTS.items()):
        documented = prefix + fragment in extends
        if helper in called and not documented:
            report.error('%s: builds options with %s() but does not extend %s%s' % (module, helper, prefix, fragment))
        elif documented and helper not in called:
            report.error('%s: extends %s%s but does not build its options with %s()' % (module, prefix, fragment, helper))


def module_tree(path):
    """The parsed module file, or None when it does not parse (module_info reports that)."""
    with open(path, encoding='utf-8') as handle:
        try:
            return ast.parse(handle.read(), path)
        except SyntaxError:
            return None


def module_info(path, prefix):
    """(documentation dict or error string, set of dbgov.cloud module_utils imported) for a module file."""
    with open(path, encoding='utf-8') as handle:
        source = handle.read()
    try:
        tree = ast.parse(source, path)
    except SyntaxError as exc:
        return 'syntax error: %s' % exc, set()
    doc = None
    utils = set()
    utils_prefix = 'ansible_collections.%splugins.module_utils.' % prefix
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == 'DOCUMENTATION' for t in node.targets):
            if isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
                doc = node.value.value
        elif isinstance(node, ast.ImportFrom) and node.module:
            if node.module.startswith(utils_prefix):
                utils.add(node.module[len(utils_prefix):])
            elif node.module + '.' == utils_prefix:
                utils.update(alias.name for alias in node.names)
        elif isinstance(node, ast.Import):
            utils.update(a.name[len(utils_prefix):] for a in node.names if a.name.startswith(utils_prefix))
    if doc is None:
        return 'no DOCUMENTATION string', utils
    try:
        parsed = yaml.safe_load(doc)
    except yaml.YAMLError as exc:
        return 'DOCUMENTATION is not valid YAML: %s' % exc, utils
    if not isinstance(parsed, dict):
        return 'DOCUMENTATION is not a mapping', utils
    return parsed, utils


def fragment_sections(root, fragment):
    """Section names (lower case, DOCUMENTATION -> '') of plugins/doc_fragments/<fragment>.py, or None if absent."""
    path = os.path.join(root, 'plugins', 'doc_fragments', fragment + '.py')
    if not os.path.exists(path):
        return None
    with open(path, encoding='utf-8') as handle:
        tree = ast.parse(handle.read(), path)
    sections = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef) and node.name == 'ModuleDocFragment':
            for item in node.body:
                if isinstance(item, ast.Assign):
                    for target in item.targets:
                        if isinstance(target, ast.Name) and target.id.isupper():
                            sections.add('' if target.id == 'DOCUMENTATION' else target.id.lower())
    return sections


def as_list(value):
    """extends_documentation_fragment may be a string or a list."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return list(value)


def check_fragments_exist(root, prefix, label, extends, fragment_cache, report):
    """Every dbgov.cloud doc fragment (and fragment section) that ``label`` extends exists."""
    for fragment in extends:
        if not fragment.startswith(prefix):
            continue
        name, _dot, section = fragment[len(prefix):].partition('.')
        if name not in fragment_cache:
            fragment_cache[name] = fragment_sections(root, name)
        if fragment_cache[name] is None:
            report.error('%s: extends %s, but plugins/doc_fragments/%s.py does not exist' % (label, fragment, name))
        elif section.lower() not in fragment_cache[name]:
            report.error('%s: extends %s, but plugins/doc_fragments/%s.py has no %s section'
                         % (label, fragment, name, section.upper() or 'DOCUMENTATION'))


def check_plugins(root, prefix, groups, report):
    """Plugins other than modules (one per file): documented under their file name, extending only doc fragments that
    exist, in no action group (action groups hold modules); an inventory plugin's ``plugin`` option accepts exactly its
    FQCN (what a ``*.yml`` inventory source names). Returns the plugin files checked."""
    listed = set(entry for entries in groups.values() for entry in entries)
    found, fragment_cache = [], {}
    for directory in PLUGIN_DIRS:
        path = os.path.join(root, 'plugins', directory)
        names = sorted(f[:-3] for f in os.listdir(path) if f.endswith('.py') and not f.startswith('_')) if os.path.isdir(path) else []
        for name in names:
            where = 'plugins/%s/%s.py' % (directory, name)
            found.append(where)
            doc, _utils = module_info(os.path.join(path, name + '.py'), prefix)
            if isinstance(doc, str):
                report.error('%s: %s' % (where, doc))
                continue
            if doc.get('name') != name:
                report.error('%s: DOCUMENTATION name is %r, not the file name %r' % (where, doc.get('name'), name))
            check_fragments_exist(root, prefix, where, as_list(doc.get('extends_documentation_fragment')), fragment_cache, report)
            if name in listed:
                report.error('%s: listed in an action group of meta/runtime.yml, which holds modules only' % where)
            if directory == 'inventory':
                choices = ((doc.get('options') or {}).get('plugin') or {}).get('choices')
                if choices != [prefix + name]:
                    report.error('%s: option plugin must accept exactly %s%s (choices), got %r' % (where, prefix, name, choices))
    return found


def check_modules(root, prefix, groups, planned, report):
    """Modules <-> action groups <-> doc fragments."""
    module_dir = os.path.join(root, 'plugins', 'modules')
    modules = []
    if os.path.isdir(module_dir):
        modules = sorted(f[:-3] for f in os.listdir(module_dir) if f.endswith('.py') and not f.startswith('_'))
    membership = {}
    for group, entries in groups.items():
        for entry in entries:
            membership.setdefault(entry, []).append(group)
    fragment_cache = {}
    for module in modules:
        doc, utils = module_info(os.path.join(module_dir, module + '.py'), prefix)
        if isinstance(doc, str):
            report.error('%s: %s' % (module, doc))
            continue
        extends = as_list(doc.get('extends_documentation_fragment'))
        tree = module_tree(os.path.join(module_dir, module + '.py'))
        if tree is not None:
            check_option_fragments(module, tree, extends, prefix, report)
        # 1. fragments that exist
        check_fragments_exist(root, prefix, module, extends, fragment_cache, report)
        # 2. the group, from the fragments
        by_fragment = sorted(g for g, spec in GROUPS.items() if any(prefix + f in extends for f in spec['fragments']))
        by_import = sorted(g for g, spec in GROUPS.items() if any(spec['import_hint'].search(u) for u in utils))
        if len(by_fragment) > 1:
            report.error('%s: extends the doc fragments of several clouds: %s' % (module, ', '.join(by_fragment)))
            continue
        if not by_fragment:
            report.error('%s: extends neither cloud\'s doc fragments (%s)'
                         % (module, '; '.join(' + '.join(prefix + f for f in s['fragments']) for s in GROUPS.values())))
            continue
        group = by_fragment[0]
        if by_import and by_import != [group]:
            report.error('%s: documented as %s but imports module_utils of %s (%s)'
                         % (module, group, ', '.join(by_import), ', '.join(sorted(utils))))
        missing = [prefix + f for f in GROUPS[group]['fragments'] if prefix + f not in extends]
        if missing:
            report.error('%s: a %s module must also extend %s' % (module, group, ', '.join(missing)))
        # 3. membership
        listed = membership.get(module, [])
        if group not in listed:
            report.error('%s: missing from action group %r in meta/runtime.yml' % (module, group))
        wrong = [g for g in listed if g != group]
        if wrong:
            report.error('%s: is a %s module but listed in action group(s) %s' % (module, group, ', '.join(wrong)))
    for entry, listed in sorted(membership.items()):
        if len(listed) != len(set(listed)):
            report.error('meta/runtime.yml: %s is listed twice in one action group' % entry)
        if entry in modules:
            continue
        if entry in planned:
            report.note('planned module %s (action group %s) is not written yet' % (entry, ', '.join(listed)))
        else:
            report.error('meta/runtime.yml: action group %s lists %s, but plugins/modules/%s.py does not exist'
                         % (', '.join(listed), entry, entry))
    for name in sorted(planned & set(modules)):
        report.note('%s now exists: it can be removed from %s' % (name, PLANNED_FILE))
    return modules


def read_groups(root, prefix, report):
    """{group: [short module name, ...]} from meta/runtime.yml."""
    runtime = load_yaml(os.path.join(root, 'meta', 'runtime.yml')) or {}
    raw = runtime.get('action_groups') or {}
    groups = {}
    for group, entries in raw.items():
        if group not in GROUPS:
            report.error('meta/runtime.yml: unknown action group %r (known: %s; teach tests/ci/check_action_groups.py)'
                         % (group, ', '.join(GROUPS)))
        groups[group] = []
        for entry in entries or []:
            if isinstance(entry, dict) and set(entry) == {'metadata'}:
                continue
            if not isinstance(entry, str):
                report.error('meta/runtime.yml: action group %s: unexpected entry %r' % (group, entry))
                continue
            if entry.startswith(prefix):
                entry = entry[len(prefix):]
            if '.' in entry:
                report.error('meta/runtime.yml: action group %s: %s is not a module of this collection' % (group, entry))
                continue
            groups[group].append(entry)
    for group in GROUPS:
        if group not in raw:
            report.error('meta/runtime.yml: action group %r is missing' % group)
    return groups


def check_changelog_fragments(root, report):
    """changelogs/fragments is not empty and each fragment has a sane shape."""
    config = load_yaml(os.path.join(root, 'changelogs', 'config.yaml')) or {}
    sections = set(s[0] for s in config.get('sections', []))
    sections.add(config.get('prelude_section_name', 'release_summary'))
    sections.add(config.get('trivial_section_name', 'trivial'))
    frag_dir = os.path.join(root, 'changelogs', config.get('notesdir', 'fragments'))
    fragments = []
    if os.path.isdir(frag_dir):
        fragments = sorted(f for f in os.listdir(frag_dir) if f.endswith(('.yml', '.yaml')))
    if not fragments:
        report.error('changelogs/fragments/ is empty: every change needs a changelog fragment')
    for fname in fragments:
        where = 'changelogs/fragments/%s' % fname
        try:
            data = load_yaml(os.path.join(frag_dir, fname))
        except yaml.YAMLError as exc:
            report.error('%s: not valid YAML: %s' % (where, exc))
            continue
        if not isinstance(data, dict) or not data:
            report.error('%s: must be a non-empty mapping of section -> list of entries' % where)
            continue
        for key, value in data.items():
            if key not in sections:
                report.error('%s: unknown section %r (known: %s)' % (where, key, ', '.join(sorted(sections))))
            elif key == config.get('prelude_section_name', 'release_summary'):
                if not isinstance(value, str):
                    report.error('%s: %s must be a string' % (where, key))
            elif not isinstance(value, list) or not value or not all(isinstance(v, str) and v.strip() for v in value):
                report.error('%s: %s must be a non-empty list of strings' % (where, key))
    return fragments


def check_changed_since(root, base, report):
    """With --base: changes to plugins/, roles/ or meta/ need a changelog fragment added since base."""
    try:
        out = subprocess.run(['git', '-C', root, 'diff', '--name-status', base], check=True,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE).stdout.decode()
        untracked = subprocess.run(['git', '-C', root, 'ls-files', '--others', '--exclude-standard'], check=True,
                                   stdout=subprocess.PIPE).stdout.decode()
    except (OSError, subprocess.CalledProcessError) as exc:
        report.error('--base %s: git failed: %s' % (base, getattr(exc, 'stderr', b'') or exc))
        return
    changed = [line.split('\t')[-1] for line in out.splitlines() if line.strip()] + untracked.split()
    added = [line.split('\t')[-1] for line in out.splitlines() if line.startswith(('A', 'M'))] + untracked.split()
    relevant = [p for p in changed if p.startswith(('plugins/', 'roles/', 'meta/'))]
    fragments = [p for p in added if p.startswith('changelogs/fragments/') and p.endswith(('.yml', '.yaml'))]
    if relevant and not fragments:
        report.error('changed since %s without a changelog fragment: %s' % (base, ', '.join(sorted(relevant)[:10])))


def read_planned(root):
    """Module names that are listed in action groups before their file exists."""
    path = os.path.join(root, PLANNED_FILE)
    if not os.path.exists(path):
        return set()
    with open(path, encoding='utf-8') as handle:
        return set(line.split('#')[0].strip() for line in handle if line.split('#')[0].strip())


def main(argv=None):
    """Entry point; returns the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--root', default=os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                        help='collection root (default: this repository)')
    parser.add_argument('--base', help='git ref: require a changelog fragment when plugins/, roles/ or meta/ changed since it')
    args = parser.parse_args(argv)
    root = args.root
    galaxy = load_yaml(os.path.join(root, 'galaxy.yml'))
    prefix = '%s.%s.' % (galaxy['namespace'], galaxy['name'])
    report = Report()
    groups = read_groups(root, prefix, report)
    modules = check_modules(root, prefix, groups, read_planned(root), report)
    plugins = check_plugins(root, prefix, groups, report)
    fragments = check_changelog_fragments(root, report)
    if args.base:
        check_changed_since(root, args.base, report)
    for note in report.notes:
        print('NOTE: %s' % note)
    for error in report.errors:
        print('ERROR: %s' % error)
    print('check_action_groups: %d module(s), %d other plugin(s), %d action group entr(y/ies), %d changelog fragment(s): %s'
          % (len(modules), len(plugins), sum(len(v) for v in groups.values()), len(fragments),
             'FAILED (%d errors)' % len(report.errors) if report.errors else 'ok'))
    return 1 if report.errors else 0


if __name__ == '__main__':
    sys.exit(main())
