# Copyright: dbgov.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""CI driver behind the Makefile (`make test` and the per-stage targets).

    python3 hack/ci.py venv                     create or refresh the tool venv in .venv/ (Python 3.13)
    .venv/bin/python hack/ci.py run [STAGE...]  run stages (default: all) and print a summary
    .venv/bin/python hack/ci.py run release     what `make release-check` runs

`run` prepares, then runs each stage; a failing stage never stops the others:
  * writes the offline stand-in for ansible-test's get-pip bootstrap (ansible-test downloads get-pip.py from a
    non-PyPI host, which an offline machine cannot reach; see write_get_pip_shim);
  * copies the work tree (git-tracked + untracked-not-ignored files, and .git) into
    <work>/ansible_collections/<namespace>/<name>, because ansible-test needs that physical layout.
    <work> is removed after a run whose stages all passed (CI_KEEP=1 keeps it) and kept after a failure, for the
    diagnosis. Override with CI_WORK=<dir> (always kept);
  * prints per-stage timings and ends with the line `stages: N passed, N failed`; exits 1 if a stage failed.

Versions (README "Testing"): the tool venv runs the newest stable ansible-core (DEFAULT_CORE) on Python 3.13;
every older series the collection claims gets its own small venv in .venv/cores/ (ansible-core + requests only),
made here with the Pythons found in pyenv (PYENV_ROOT, default ~/.pyenv) or on PATH. .venv/pythons/ holds links to
them, first on the PATH of every child, so that ansible-test finds python3.9 ... python3.13 (pyenv's shims refuse
versions that are not selected).

Only the standard library is used, so `venv` runs with a bare interpreter.
"""

from __future__ import annotations

import concurrent.futures
import datetime
import fcntl
import glob
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
import urllib.request
import xml.etree.ElementTree as ET

ROOT = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))
VENV = os.path.join(ROOT, '.venv')
VENV_BIN = os.path.join(VENV, 'bin')
VENV_PY = os.path.join(VENV_BIN, 'python')
PYTHON_VERSION = '3.13'  # the tool venv: ansible-core 2.20+ needs Python >= 3.12 on the controller
CI_REQUIREMENTS = os.path.join(ROOT, 'hack', 'requirements-ci.txt')
PYENV_ROOT = os.environ.get('PYENV_ROOT') or os.path.expanduser('~/.pyenv')
PYTHONS_DIR = os.path.join(VENV, 'pythons')
CORES_DIR = os.path.join(VENV, 'cores')
# The Pythons the modules are tested with (units, sanity compile/import, smoke); tests/config.yml says the same.
MODULE_PYTHONS = ('3.9', '3.10', '3.11', '3.12', '3.13')
# Every ansible-core series meta/runtime.yml claims, oldest first: (series, Python of its venv = the controller,
# Python the modules run with in its smoke). The newest is also the tool venv's (hack/requirements-ci.txt).
# The module Pythons are spread so that each of 3.9 ... 3.13 runs the real modules once; Python 3.9 gets the
# oldest requests requirements.txt allows.
CORES = (
    ('2.16', '3.12', '3.9'),
    ('2.17', '3.12', '3.10'),
    ('2.18', '3.12', '3.11'),
    ('2.19', '3.13', '3.12'),
    ('2.20', '3.13', '3.13'),
    ('2.21', '3.13', '3.13'),
)
DEFAULT_CORE = CORES[-1][0]
OLDEST_CORE = CORES[0]
EMULATOR_REQUIREMENTS = os.path.join(ROOT, 'tests', 'emulator', 'requirements.txt')
STAMP = os.path.join(VENV, '.dbgov-ci-stamp')

# stage name -> (description, timeout in seconds). Order = order of `make test`.
STAGES = {
    'sanity': ('ansible-test sanity --venv, ansible-core %s, Python 3.13 (all tests, no ignore entries)' % DEFAULT_CORE, 1500),
    'sanity-oldest': ('ansible-test sanity --venv, ansible-core %s, Python %s (the oldest core claimed)' % OLDEST_CORE[:2], 1200),
    'units': ('ansible-test units --venv on Python 3.13 and 3.9 (each must collect tests)', 900),
    'emulator': ('pytest tests/emulator (emulator self-tests + SDK conformance)', 900),
    'integration': ('ansible-test integration --venv against the emulator', 1800),
    'lint': ('ansible-lint (profile production, offline)', 600),
    'docs': ('antsibull-docs lint-collection-docs --plugin-docs, and the docsite built offline (sphinx -W)', 900),
    'smoke': ('build once; on every ansible-core %s..%s: install, ansible-doc, every module and role against the local cloud'
              % (CORES[0][0], CORES[-1][0]), 1200),
    'checks': ('tests/ci: action groups, doc fragments, requirements, changelog fragments', 300),
    'demo': ('make demo: the governance scene against the local cloud (hack/demo.py)', 600),
    'release': ('make release-check: antsibull-changelog release + galaxy-importer on a scratch 1.0.0, ansible-builder create', 900),
}
# All stages together get at most this long (CI_BUDGET seconds; CI itself stops a run at 90 minutes), so that
# a hanging stage is ended and the summary line is still printed.
DEFAULT_BUDGET = 4800

# Files the built artifact must carry / must not carry (paths inside the tarball).
BUILD_MUST_HAVE = ('MANIFEST.json', 'FILES.json', 'README.md', 'COPYING', 'meta/runtime.yml',
                   'meta/execution-environment.yml', 'meta/ee-requirements.txt', 'requirements.txt')
BUILD_MUST_NOT_HAVE = re.compile(r'^(\.ansible|\.ci|\.venv|hack|tests/ci|tests/output)(/|$)'
                                 r'|^tests/integration/(inventory|integration_config\.yml)$|\.tar\.gz$|(^|/)__pycache__(/|$)')

# ansible-doc plugin types that have one plugin per file (filter/test files hold several plugins)
DOC_PLUGIN_TYPES = {
    'modules': 'module', 'lookup': 'lookup', 'inventory': 'inventory', 'callback': 'callback',
    'connection': 'connection', 'become': 'become', 'cache': 'cache', 'vars': 'vars', 'strategy': 'strategy',
}


def log(msg=''):
    """Print a line immediately (CI output is interleaved with child processes)."""
    print(msg, flush=True)


class StageFailed(Exception):
    """A stage's own check failed (as opposed to a command's exit code)."""


# ---------------------------------------------------------------------------------------------------------------------
# running commands


def run(cmd, cwd=None, env=None, timeout=None, quiet=False, on_line=None, prefix=''):
    """Run cmd, stream its output (stdout+stderr) line by line (each with prefix), return (rc, output).

    The child gets its own session so that the whole process tree can be ended on timeout.
    """
    return run_parallel([dict(cmd=cmd, cwd=cwd, env=env, quiet=quiet, on_line=on_line, prefix=prefix)], timeout)[0]


def run_parallel(jobs, timeout=None):
    """Run several commands at once (job: cmd, cwd, env, quiet, on_line, prefix); return [(rc, output), ...].

    Output lines are streamed as they come, each with the job's prefix.
    """
    started = []
    for job in jobs:
        prefix = job.get('prefix', '')
        if not job.get('quiet'):
            log('%s$ %s' % (prefix, ' '.join(job['cmd'])))
        proc = subprocess.Popen(job['cmd'], cwd=job.get('cwd'), env=job.get('env'), stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
        chunks = []
        reader = threading.Thread(target=pump, args=(proc, chunks, prefix, job.get('quiet'), job.get('on_line')), daemon=True)
        reader.start()
        started.append((proc, chunks, reader))
    deadline = None if timeout is None else time.time() + timeout
    results = []
    try:
        for proc, chunks, reader in started:
            try:
                rc = proc.wait(timeout=None if deadline is None else max(1, deadline - time.time()))
            except subprocess.TimeoutExpired:
                log('!!! timeout after %ss: ending process group %d' % (timeout, proc.pid))
                stop_group(proc)
                rc = 124
            reader.join(10)
            results.append((rc, ''.join(chunks)))
    except KeyboardInterrupt:
        for proc, _chunks, _reader in started:
            stop_group(proc)
        raise
    return results


def pump(proc, chunks, prefix, quiet, on_line):
    """Copy a child's output to ours (line by line, prefixed) and keep it."""
    for raw in iter(proc.stdout.readline, b''):
        line = raw.decode('utf-8', 'replace')
        chunks.append(line)
        if on_line is not None:
            on_line(line)
        if not quiet:
            sys.stdout.write(prefix + line)
            sys.stdout.flush()


def stop_group(proc, grace=10):
    """End a process started with start_new_session=True, and its children (its own process group only)."""
    if proc.poll() is not None:
        return
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(grace)
            return
        except subprocess.TimeoutExpired:
            continue


def check(cmd, **kwargs):
    """Run cmd; raise StageFailed on a non-zero exit code."""
    rc, out = run(cmd, **kwargs)
    if rc != 0:
        raise StageFailed('%s exited with %d' % (os.path.basename(cmd[0]) if cmd[0].startswith('/') else cmd[0], rc))
    return out


def pytest(args, cwd, env, timeout, what):
    """Run pytest in the tool venv; exit code 5 (no tests collected) is a failure, never a pass."""
    rc, out = run([VENV_PY, '-m', 'pytest', '-p', 'no:cacheprovider', '--color=no'] + args, cwd=cwd, env=env, timeout=timeout)
    if rc == 5:
        raise StageFailed('pytest collected NO tests in %s (exit code 5): a test stage that tests nothing fails' % what)
    if rc != 0:
        raise StageFailed('pytest %s exited with %d' % (what, rc))
    return out


# ---------------------------------------------------------------------------------------------------------------------
# venv


def venv_fingerprint():
    """Hash of what the venv is built from: the requirement files (and which of them exist)."""
    digest = hashlib.sha256()
    for path in (CI_REQUIREMENTS, EMULATOR_REQUIREMENTS):
        digest.update(path.encode())
        if os.path.exists(path):
            with open(path, 'rb') as handle:
                digest.update(handle.read())
    return digest.hexdigest()


def python_version_of(path):
    """'3.X' of an interpreter, or None when it does not run (a pyenv shim for an unselected version exits 127)."""
    try:
        out = subprocess.run([path, '-c', 'import sys; print("%d.%d" % sys.version_info[:2])'], stdin=subprocess.DEVNULL,
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, timeout=60, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return out.stdout.decode().strip() if out.returncode == 0 else None


def version_key(path):
    """Sort key: the numeric parts of a pyenv version directory (3.9.18 after 3.9.2)."""
    return [int(p) if p.isdigit() else -1 for p in re.split(r'[.-]', os.path.basename(os.path.dirname(os.path.dirname(path))))]


def find_python(version):
    """A real pythonX.Y: $CI_PYTHON3Y, the newest pyenv install of X.Y, PATH, /usr/bin; None if none runs."""
    candidates = []
    override = os.environ.get('CI_PYTHON' + version.replace('.', ''))
    if override:
        candidates.append(override)
    candidates += sorted(glob.glob(os.path.join(PYENV_ROOT, 'versions', version + '.*', 'bin', 'python' + version)),
                         key=version_key, reverse=True)
    on_path = shutil.which('python' + version)
    if on_path:
        candidates.append(on_path)
    candidates += ['/usr/local/bin/python' + version, '/usr/bin/python' + version]
    for candidate in candidates:
        if os.path.exists(candidate) and python_version_of(candidate) == version:
            return os.path.realpath(candidate)
    return None


def link_pythons():
    """.venv/pythons/python3.X -> every Python CI needs; return the versions not found."""
    os.makedirs(PYTHONS_DIR, exist_ok=True)
    wanted = sorted(set(MODULE_PYTHONS) | {PYTHON_VERSION} | set(c[1] for c in CORES) | set(c[2] for c in CORES),
                    key=lambda v: [int(p) for p in v.split('.')])
    missing = []
    for version in wanted:
        link = os.path.join(PYTHONS_DIR, 'python' + version)
        found = find_python(version)
        if found is None:
            missing.append(version)
            remove(link)
        elif not os.path.islink(link) or os.readlink(link) != found:
            remove(link)
            os.symlink(found, link)
    return missing


def cmd_venv():
    """Create .venv (Python 3.13) or reuse it; (re)install requirements when their files changed."""
    started = time.time()
    env = ci_env()
    if os.path.exists(VENV_PY):
        rc, out = run([VENV_PY, '-c', 'import sys; print("%d.%d" % sys.version_info[:2])'], quiet=True)
        if rc != 0 or out.strip() != PYTHON_VERSION:
            log('.venv is broken or not Python %s: recreating it' % PYTHON_VERSION)
            shutil.rmtree(VENV)
    fingerprint = venv_fingerprint()
    fresh = not os.path.exists(VENV_PY)
    if not fresh and os.path.exists(STAMP):
        with open(STAMP, encoding='utf-8') as handle:
            if handle.read().strip() == fingerprint:
                missing = link_pythons()
                log('venv: .venv is up to date' + (' (Pythons not found: %s)' % ', '.join(missing) if missing else ''))
                return 0
    if fresh:
        python = os.environ.get('CI_PYTHON') or find_python(PYTHON_VERSION)
        if not python:
            log('FATAL: python%s not found (pyenv: %s/versions, PATH, /usr/bin); set CI_PYTHON=/path/to/python%s'
                % (PYTHON_VERSION, PYENV_ROOT, PYTHON_VERSION))
            return 1
        if run([python, '-m', 'venv', VENV], env=env)[0] != 0:
            return 1
        if run([VENV_PY, '-m', 'pip', 'install', '-q', '--upgrade', 'pip'], env=env)[0] != 0:
            return 1
    remove(STAMP)
    cmd = [VENV_PY, '-m', 'pip', 'install', '-q', '-r', CI_REQUIREMENTS]
    if os.path.exists(EMULATOR_REQUIREMENTS):
        cmd += ['-r', EMULATOR_REQUIREMENTS]
    if run(cmd, env=env)[0] != 0:
        log('FATAL: pip install into .venv failed')
        return 1
    with open(STAMP, 'w', encoding='utf-8') as handle:
        handle.write(fingerprint + '\n')
    missing = link_pythons()
    if missing:
        log('venv: NOTE: Python %s not found: the stages that need them will fail (pyenv install them)' % ', '.join(missing))
    log('venv: .venv ready in %.0fs' % (time.time() - started))
    return 0


def requests_minimum():
    """The lowest requests requirements.txt allows (requests>=X): the smoke on the oldest module Python uses it."""
    with open(os.path.join(ROOT, 'requirements.txt'), encoding='utf-8') as handle:
        match = re.search(r'^requests\s*>=\s*([0-9][0-9.]*)', handle.read(), re.M)
    if not match:
        raise StageFailed('requirements.txt has no requests>=X line')
    return match.group(1)


def small_venv(name, python_version, packages, env):
    """A venv in .venv/cores/<name> with only packages, reused while (python, packages) are unchanged; its bin dir."""
    path = os.path.join(CORES_DIR, name)
    python = find_python(python_version)
    if python is None:
        raise StageFailed('python%s not found (pyenv %s/versions, PATH): needed for %s' % (python_version, PYENV_ROOT, name))
    stamp_path = os.path.join(path, '.dbgov-ci-stamp')
    stamp = json.dumps([python, list(packages)])
    if os.path.exists(stamp_path):
        with open(stamp_path, encoding='utf-8') as handle:
            if handle.read() == stamp and os.path.exists(os.path.join(path, 'bin', 'python')):
                return os.path.join(path, 'bin')
    remove(path)
    log('venv %s: Python %s + %s' % (name, python_version, ' '.join(packages)))
    if run([python, '-m', 'venv', path], env=env, quiet=True)[0] != 0:
        raise StageFailed('python%s -m venv %s failed' % (python_version, path))
    rc, out = run([os.path.join(path, 'bin', 'python'), '-m', 'pip', 'install', '-q'] + list(packages), env=env, quiet=True)
    if rc != 0:
        raise StageFailed('pip install %s into %s failed:\n%s' % (' '.join(packages), path, out[-2000:]))
    with open(stamp_path, 'w', encoding='utf-8') as handle:
        handle.write(stamp)
    return os.path.join(path, 'bin')


def core_venv(series, python_version, env):
    """The bin dir of the small venv of one ansible-core series (ansible-core + requests)."""
    major, minor = series.split('.')
    spec = 'ansible-core>=%s.%s,<%s.%d' % (major, minor, major, int(minor) + 1)
    return small_venv('ansible-core-%s' % series, python_version, [spec, 'requests'], env)


# ---------------------------------------------------------------------------------------------------------------------
# preparation for `run`


def ci_env():
    """Environment for every child: no colours, quiet pip, the tool venv first on PATH."""
    env = dict(os.environ)
    env.update(
        ANSIBLE_NOCOLOR='1', ANSIBLE_FORCE_COLOR='0', PY_COLORS='0', NO_COLOR='1',
        PIP_DISABLE_PIP_VERSION_CHECK='1', PIP_PROGRESS_BAR='off', PYTHONDONTWRITEBYTECODE='1',
        PATH=os.pathsep.join([VENV_BIN, PYTHONS_DIR, env.get('PATH', '')]),
    )
    env.pop('PYTHONPATH', None)
    env.pop('ANSIBLE_COLLECTIONS_PATH', None)
    env.pop('ANSIBLE_COLLECTIONS_PATHS', None)
    env.pop('ANSIBLE_CONFIG', None)
    return env


def galaxy_name():
    """(namespace, name) from galaxy.yml."""
    import yaml  # pylint: disable=import-outside-toplevel  # only in the tool venv

    with open(os.path.join(ROOT, 'galaxy.yml'), encoding='utf-8') as handle:
        galaxy = yaml.safe_load(handle)
    return galaxy['namespace'], galaxy['name']


GET_PIP_SHIM = '''"""Offline stand-in for get-pip.py, written by dbgov.cloud hack/ci.py.

ansible-test bootstraps pip in its venvs with get-pip.py downloaded from a host that is not PyPI.
This does the same with ensurepip + PyPI: ensurepip, then pip install the pinned pip it asks for.
"""
import subprocess
import sys

ARGS = [a for a in sys.argv[1:] if a not in ('--no-setuptools', '--no-wheel')]
subprocess.check_call([sys.executable, '-m', 'ensurepip', '--upgrade', '--default-pip'])
subprocess.check_call([sys.executable, '-m', 'pip', 'install', '--upgrade'] + ARGS)
'''


def write_get_pip_shim(ansible_test_dir=None):
    """ansible-test fetches get-pip.py from a non-PyPI host: put an offline stand-in in its cache.

    ansible_test_dir: the ansible_test package of another ansible-core (each pins its own pip); default: the tool venv's.
    """
    if ansible_test_dir is None:
        import ansible_test  # pylint: disable=import-outside-toplevel  # only in the tool venv

        ansible_test_dir = os.path.dirname(ansible_test.__file__)
    source = os.path.join(ansible_test_dir, '_internal', 'python_requirements.py')
    with open(source, encoding='utf-8') as handle:
        match = re.search(r"pip='([0-9.]+)'", handle.read())
    if not match:
        raise StageFailed('cannot find the pinned pip version in %s' % source)
    shim = os.path.expanduser('~/.ansible/test/cache/get_pip_%s.py' % match.group(1).replace('.', '_'))
    if os.path.exists(shim):
        with open(shim, encoding='utf-8') as handle:
            if handle.read() == GET_PIP_SHIM:
                return
    os.makedirs(os.path.dirname(shim), exist_ok=True)
    with open(shim, 'w', encoding='utf-8') as handle:
        handle.write(GET_PIP_SHIM)
    log('wrote the ansible-test get-pip stand-in: %s' % shim)


def source_files():
    """Relative paths to copy: git tracked + untracked-not-ignored files (what a clone + local edits holds)."""
    if os.path.exists(os.path.join(ROOT, '.git')):
        out = subprocess.run(['git', '-C', ROOT, 'ls-files', '-z', '--cached', '--others', '--exclude-standard'],
                             check=True, stdout=subprocess.PIPE).stdout.decode()
        return sorted(set(p for p in out.split('\0') if p and os.path.lexists(os.path.join(ROOT, p))))
    skip = ('.venv', '.ansible', '.pytest_cache', 'tests/output')
    found = []
    for top, dirs, files in os.walk(ROOT):
        rel_top = os.path.relpath(top, ROOT)
        dirs[:] = [d for d in dirs if os.path.normpath(os.path.join(rel_top, d)) not in skip and d != '__pycache__']
        found.extend(os.path.normpath(os.path.join(rel_top, f)) for f in files)
    return sorted(found)


def copy_tree(coll):
    """Make coll a copy of the work tree. tests/output in coll is kept (ansible-test's venvs and caches)."""
    os.makedirs(coll, exist_ok=True)
    for entry in os.listdir(coll):
        path = os.path.join(coll, entry)
        if entry == 'tests' and os.path.isdir(path) and not os.path.islink(path):
            for sub in os.listdir(path):
                if sub != 'output':
                    remove(os.path.join(path, sub))
        else:
            remove(path)
    files = source_files()
    for rel in files:
        src, dst = os.path.join(ROOT, rel), os.path.join(coll, rel)
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        try:
            if os.path.islink(src):
                os.symlink(os.readlink(src), dst)
            else:
                shutil.copy2(src, dst)
        except FileNotFoundError:  # deleted while we copy (someone is editing the work tree): as if never there
            continue
    git_dir = os.path.join(ROOT, '.git')
    if os.path.isdir(git_dir):
        # git's own lock files come and go while others commit; copying one would leave a stale lock in the copy
        for attempt in range(3):
            remove(os.path.join(coll, '.git'))
            try:
                shutil.copytree(git_dir, os.path.join(coll, '.git'), symlinks=True, ignore=shutil.ignore_patterns('*.lock'))
                break
            except shutil.Error:
                if attempt == 2:
                    raise
                time.sleep(1)
    elif os.path.isfile(git_dir):  # worktree / submodule: a pointer file
        shutil.copy2(git_dir, os.path.join(coll, '.git'))
    return len(files)


def remove(path):
    """rm -rf path."""
    if os.path.isdir(path) and not os.path.islink(path):
        shutil.rmtree(path)
    elif os.path.lexists(path):
        os.unlink(path)


# ---------------------------------------------------------------------------------------------------------------------
# stages


class Context:
    """What every stage needs."""

    def __init__(self, work, namespace, name):
        self.work = work
        self.namespace = namespace
        self.name = name
        self.base = work  # the dir that holds ansible_collections/
        self.coll = os.path.join(work, 'ansible_collections', namespace, name)
        self.env = ci_env()
        self.ansible_test = [os.path.join(VENV_BIN, 'ansible-test')]
        self.at_opts = ['--venv', '--python', PYTHON_VERSION, '--color', 'no']

    def path(self, *parts):
        """A path in the collection copy."""
        return os.path.join(self.coll, *parts)

    def env_with(self, **extra):
        """ci_env() plus extra."""
        env = dict(self.env)
        env.update(extra)
        return env

    def guarded_env(self, **extra):
        """env_with(extra) plus the loopback guard (hack/loopback_guard): its Python processes reach only 127.0.0.0/8.

        Not for commands that install from PyPI (ansible-test --venv does): those run unguarded.
        """
        env = self.env_with(**extra)
        env['PYTHONPATH'] = os.pathsep.join(p for p in (self.path('hack', 'loopback_guard'), env.get('PYTHONPATH')) if p)
        env['DBGOV_LOOPBACK_ONLY'] = '1'
        return env


def check_guard(python, env):
    """The loopback guard is active in processes of python with env (checked without sending anything)."""
    rc, out = run([python, '-c', 'import socket, sys; sys.exit(0 if socket.socket.connect.__name__ == "_connect" else 3)'],
                  env=env, quiet=True, timeout=60)
    if rc != 0:
        raise StageFailed('the loopback guard is not active for %s (rc %d): %s' % (python, rc, out[-300:]))


def sanity(ctx, timeout, ansible_test, options):
    """ansible-test sanity, all tests; any ignore entry or skipped test fails it.

    The one accepted skip: a multi-version test (compile, import) on a Python the collection does not claim
    (MODULE_PYTHONS) that is not installed here; it is named in the output.
    """
    entries = []
    sanity_dir = ctx.path('tests', 'sanity')
    if os.path.isdir(sanity_dir):
        for fname in sorted(os.listdir(sanity_dir)):
            if re.match(r'ignore-.*\.txt$', fname):
                with open(os.path.join(sanity_dir, fname), encoding='utf-8') as handle:
                    entries += ['tests/sanity/%s: %s' % (fname, line.strip()) for line in handle
                                if line.strip() and not line.lstrip().startswith('#')]
    rc, out = run(ansible_test + ['sanity'] + options, cwd=ctx.coll, env=ctx.env, timeout=timeout)
    problems = []
    if entries:
        problems.append('sanity ignore entries are not allowed (fix the code instead):\n  ' + '\n  '.join(entries))
    skipped, unclaimed = [], []
    for line in out.splitlines():
        if not re.search(r'WARNING: (Skipping|Required program)', line):
            continue
        match = re.search(r'on Python (\d+\.\d+) because it could not be found', line)
        (unclaimed if match and match.group(1) not in MODULE_PYTHONS else skipped).append(line.strip())
    if unclaimed:
        log('sanity: NOTE: not tested here (Pythons the collection does not claim, not installed):\n  ' + '\n  '.join(unclaimed))
    if skipped:
        problems.append('sanity tests were skipped (a skipped test is not a pass):\n  ' + '\n  '.join(skipped))
    if 'Running sanity test' not in out:
        problems.append('ansible-test sanity ran no test')
    if rc != 0:
        problems.append('ansible-test sanity exited with %d' % rc)
    if problems:
        raise StageFailed('\n'.join(problems))


def stage_sanity(ctx, timeout):
    """Newest core: every sanity test; compile and import on every Python the modules claim (no --python)."""
    sanity(ctx, timeout, ctx.ansible_test, ['--venv', '--color', 'no'])


def stage_sanity_oldest(ctx, timeout):
    """The oldest claimed core's own ansible-test (its validate-modules, pylint, ansible-doc) on its venv's Python."""
    series, python, _module_python = OLDEST_CORE
    bin_dir = core_venv(series, python, ctx.env)
    rc, out = run([os.path.join(bin_dir, 'python'), '-c', 'import ansible_test, os; print(os.path.dirname(ansible_test.__file__))'],
                  env=ctx.env, quiet=True)
    if rc != 0:
        raise StageFailed('ansible-core %s venv has no ansible_test: %s' % (series, out[-500:]))
    write_get_pip_shim(out.strip().splitlines()[-1])
    run([os.path.join(bin_dir, 'ansible'), '--version'], env=ctx.env)
    sanity(ctx, timeout, [os.path.join(bin_dir, 'ansible-test')], ['--venv', '--python', python, '--color', 'no'])


def junit_counts(directory, pattern):
    """(tests, failures+errors, skipped) summed over the junit files in directory matching pattern."""
    tests = bad = skipped = 0
    if not os.path.isdir(directory):
        return 0, 0, 0
    for fname in os.listdir(directory):
        if not re.match(pattern, fname):
            continue
        root = ET.parse(os.path.join(directory, fname)).getroot()
        suites = [root] if root.tag == 'testsuite' else root.findall('testsuite')
        for suite in suites:
            tests += int(suite.get('tests', 0))
            bad += int(suite.get('failures', 0)) + int(suite.get('errors', 0))
            skipped += int(suite.get('skipped', 0))
    return tests, bad, skipped


def stage_units(ctx, timeout):
    """ansible-test units on the newest and the oldest Python claimed; a run that collected no test fails.

    On Python 3.9 ansible-test runs the tests of modules and module_utils only (controller code, such as the filter,
    needs the controller's Python >= 3.12): those groups must have run there, and every group on 3.13.
    """
    unit_dir = ctx.path('tests', 'unit')
    test_files = []
    for top, _dirs, files in os.walk(unit_dir):
        test_files += [os.path.join(top, f) for f in files if re.match(r'test_.*\.py$', f)]
    if not test_files:
        raise StageFailed('NO unit tests: tests/unit/**/test_*.py matches nothing (the collection must have unit tests)')
    target_groups = [g for g in ('modules', 'module_utils') if os.path.isdir(os.path.join(unit_dir, 'plugins', g))]
    junit = ctx.path('tests', 'output', 'junit')
    problems = []
    deadline = time.time() + timeout
    for python in (PYTHON_VERSION, MODULE_PYTHONS[0]):
        pattern = r'python%s-(.*)-units\.xml$' % re.escape(python)
        if os.path.isdir(junit):
            for fname in os.listdir(junit):
                if re.match(pattern, fname):
                    os.unlink(os.path.join(junit, fname))
        rc, out = run(ctx.ansible_test + ['units', '--venv', '--python', python, '--color', 'no'], cwd=ctx.coll, env=ctx.env,
                      timeout=max(30, deadline - time.time()))
        if 'All targets skipped' in out:
            problems.append('Python %s: ansible-test units skipped every target: no unit test ran' % python)
        if rc != 0:
            problems.append('Python %s: ansible-test units exited with %d' % (python, rc))
        groups = {}
        if os.path.isdir(junit):
            for fname in os.listdir(junit):
                match = re.match(pattern, fname)
                if match:
                    groups[match.group(1)] = junit_counts(junit, re.escape(fname) + '$')
        ran = sum(t - s for t, _b, s in groups.values())
        log('units: Python %s: %s' % (python, ', '.join('%s %d tests (%d skipped, %d failed)' % (g, t, s, b)
                                                        for g, (t, b, s) in sorted(groups.items())) or 'no junit results'))
        if ran <= 0:
            problems.append('Python %s: ansible-test units ran NO test: pytest exit 5 is not a pass' % python)
        if sum(s for _t, _b, s in groups.values()):
            problems.append('Python %s: unit tests were skipped (a skipped test is not a pass)' % python)
        missing = [g for g in target_groups if groups.get(g, (0, 0, 0))[0] - groups.get(g, (0, 0, 0))[2] <= 0]
        if missing:
            problems.append('Python %s: no %s unit test ran' % (python, ' / '.join(missing)))
    if problems:
        raise StageFailed('\n'.join(problems))


def stage_emulator(ctx, timeout):
    """The emulator's own pytest suite (self-tests + conformance through the official SDKs)."""
    if not os.path.isdir(ctx.path('tests', 'emulator')):
        raise StageFailed('tests/emulator does not exist')
    env = ctx.guarded_env()
    check_guard(VENV_PY, env)
    pytest(['-q', 'tests/emulator'], cwd=ctx.coll, env=env, timeout=timeout, what='tests/emulator')


class Emulator:
    """The loopback fake cloud, in the background, for the integration stage."""

    def __init__(self, coll, env, work, tag='', lifetime=2400):
        self.coll = coll
        self.env = env
        self.lifetime = lifetime
        self.proc = None
        self.url = None
        self.port = None
        self.log_path = os.path.join(work, 'emulator%s.log' % tag)
        self.port_file = os.path.join(work, 'emulator%s.json' % tag)

    def start(self, wait=60):
        """Start it, wait for its port file and a healthy /_emulator/health."""
        script = os.path.join(self.coll, 'tests', 'emulator', 'run.py')
        if not os.path.exists(script):
            raise StageFailed('tests/emulator/run.py does not exist: integration tests need the emulator')
        remove(self.port_file)
        cmd = [VENV_PY, script, '--port', '0', '--port-file', self.port_file, '--lifetime', str(self.lifetime)]
        log('$ ' + ' '.join(cmd) + ' > ' + self.log_path + ' 2>&1 &')
        with open(self.log_path, 'wb') as out:
            self.proc = subprocess.Popen(cmd, cwd=self.coll, env=self.env, stdin=subprocess.DEVNULL, stdout=out,
                                         stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.time() + wait
        last_error = 'no port file yet'
        while time.time() < deadline:
            if self.proc.poll() is not None:
                self.dump_log()
                raise StageFailed('the emulator exited with %s before it was healthy' % self.proc.returncode)
            if self.url is None and os.path.exists(self.port_file):
                try:
                    with open(self.port_file, encoding='utf-8') as handle:
                        info = json.load(handle)
                    self.url = info['url'].rstrip('/')
                    self.port = int(info.get('port') or self.url.rsplit(':', 1)[1])
                except (ValueError, KeyError, IndexError) as exc:  # partly written: retry
                    last_error = 'port file not readable yet: %s' % exc
            if self.url:
                try:
                    with urllib.request.urlopen(self.url + '/_emulator/health', timeout=5) as resp:
                        if resp.status == 200:
                            log('emulator healthy at %s (pid %d)' % (self.url, self.proc.pid))
                            return
                        last_error = 'health answered %s' % resp.status
                except OSError as exc:
                    last_error = 'health: %s' % exc
            time.sleep(0.2)
        self.stop()
        self.dump_log()
        raise StageFailed('the emulator was not healthy within %ss (%s)' % (wait, last_error))

    def stop(self):
        """End the emulator (its own process group)."""
        if self.proc is not None:
            stop_group(self.proc, grace=5)
            log('emulator stopped (exit %s)' % self.proc.returncode)

    def dump_log(self, lines=60):
        """Show the end of the emulator's log."""
        if os.path.exists(self.log_path):
            with open(self.log_path, encoding='utf-8', errors='replace') as handle:
                tail = handle.read().splitlines()[-lines:]
            log('--- last %d lines of %s' % (len(tail), self.log_path))
            for line in tail:
                log('    ' + line)


def stage_integration(ctx, timeout):
    """Run every integration target against the emulator, in CI_INTEGRATION_SHARDS parallel shards (default 2).

    Each shard is its own collection copy with its own emulator (targets reset the emulator, so shards never
    share one) and its own tests/integration/integration_config.yml (emulator_url, emulator_port).
    """
    targets_dir = ctx.path('tests', 'integration', 'targets')
    if not os.path.isdir(targets_dir) or not os.listdir(targets_dir):
        raise StageFailed('NO integration targets: tests/integration/targets is empty or missing')
    rc, out = run(ctx.ansible_test + ['integration', '--list-targets'] + ctx.at_opts, cwd=ctx.coll, env=ctx.env, timeout=600)
    names = [line.strip() for line in out.splitlines() if re.match(r'^[A-Za-z0-9_.-]+$', line.strip())]
    if 'All targets skipped' in out or rc != 0 or not names:
        raise StageFailed('NO runnable integration target (ansible-test integration --list-targets: rc %d)' % rc)
    if os.environ.get('CI_TARGETS'):  # a developer's shortcut: `CI_TARGETS="ddm_user role_offboard" make integration`
        wanted = os.environ['CI_TARGETS'].split()
        missing = sorted(set(wanted) - set(names))
        if missing:
            raise StageFailed('CI_TARGETS names unknown target(s): %s' % ' '.join(missing))
        names = [n for n in names if n in wanted]
    history_path = os.path.join(VENV, 'integration-seconds.json')  # kept with the tool venv: the work copy goes
    history = {}
    if os.path.exists(history_path):
        with open(history_path, encoding='utf-8') as handle:
            history = json.load(handle)
    shards = split_targets(names, int(os.environ.get('CI_INTEGRATION_SHARDS', min(2, os.cpu_count() or 1))), history)
    colls = [ctx.coll]
    for index in range(1, len(shards)):
        colls.append(os.path.join(ctx.work, 'shard%d' % index, 'ansible_collections', ctx.namespace, ctx.name))
        copy_tree(colls[-1])
    log('integration: %d targets in %d shard(s): %s' % (len(names), len(shards), ' | '.join(' '.join(s) for s in shards)))
    emulators = [Emulator(coll, ctx.env, ctx.work, tag='-%d' % index) for index, coll in enumerate(colls)]
    marks = [[] for _shard in shards]
    try:
        for emulator, coll in zip(emulators, colls):
            emulator.start()
            with open(os.path.join(coll, 'tests', 'integration', 'integration_config.yml'), 'w', encoding='utf-8') as handle:
                handle.write('---\n# written by hack/ci.py for this run\nemulator_url: "%s"\nemulator_port: %d\n'
                             % (emulator.url, emulator.port))

        def marker(shard_marks):
            def mark(line):
                match = re.match(r'Running (\S+) integration test', line)
                if match:
                    shard_marks.append((match.group(1), time.time()))
            return mark

        jobs = [dict(cmd=ctx.ansible_test + ['integration'] + ctx.at_opts + shard, cwd=coll, env=ctx.env,
                     prefix='[%d] ' % index if len(shards) > 1 else '', on_line=marker(marks[index]))
                for index, (shard, coll) in enumerate(zip(shards, colls))]
        results = run_parallel(jobs, timeout)
    finally:
        for emulator in emulators:
            emulator.stop()
    problems = []
    log('integration: seconds per target')
    for index, (shard_marks, (rc, out)) in enumerate(zip(marks, results)):
        shard_marks.append(('', time.time()))
        for (target, start), (_next, end) in zip(shard_marks, shard_marks[1:]):
            log('  [%d] %-40s %5.0fs' % (index, target, end - start))
            history[target] = round(end - start, 1)
        if 'All targets skipped' in out:
            problems.append('shard %d: ansible-test integration skipped every target: nothing was tested' % index)
        elif rc != 0:
            emulators[index].dump_log()
            problems.append('shard %d (%s): ansible-test integration exited with %d' % (index, ' '.join(shards[index]), rc))
    with open(history_path, 'w', encoding='utf-8') as handle:
        json.dump(history, handle, indent=1, sort_keys=True)
    if problems:
        raise StageFailed('\n'.join(problems))


def split_targets(names, count, seconds):
    """Split target names into count shards of about equal run time (longest first; unknown targets: 45 s)."""
    count = max(1, min(count, len(names)))
    shards = [[] for _index in range(count)]
    loads = [0.0] * count
    for name in sorted(names, key=lambda n: (-seconds.get(n, 45.0), n)):
        index = loads.index(min(loads))
        shards[index].append(name)
        loads[index] += seconds.get(name, 45.0)
    return [sorted(shard) for shard in shards]


def stage_lint(ctx, timeout):
    """ansible-lint with the repo's .ansible-lint; the copy's collections dir makes dbgov.cloud resolvable offline."""
    check([os.path.join(VENV_BIN, 'ansible-lint'), '--offline', '--nocolor'], cwd=ctx.coll,
          env=ctx.env_with(ANSIBLE_COLLECTIONS_PATH=ctx.base), timeout=timeout)


# Labels of the Ansible documentation that antsibull-docs' own templates refer to (not the collection's text). Offline
# there is no intersphinx inventory to resolve them, so the docsite build defines them on one orphan page that links to
# the public pages; any other unresolved reference stays a warning, and a warning fails the build.
EXTERNAL_LABELS = {
    'common_return_values': ('Common return values', 'https://docs.ansible.com/ansible/latest/reference_appendices/common_return_values.html'),
    'ansible_configuration_settings': ('Ansible configuration settings', 'https://docs.ansible.com/ansible/latest/reference_appendices/config.html'),
}

# ansible-core's own environment variables that inherited plugin options name (the inventory_cache fragment of the
# inventory plugin): antsibull-docs refers to them as :envvar: targets of the Ansible documentation.
EXTERNAL_ENVVARS = ('ANSIBLE_CACHE_PLUGIN', 'ANSIBLE_CACHE_PLUGIN_CONNECTION', 'ANSIBLE_CACHE_PLUGIN_PREFIX',
                    'ANSIBLE_CACHE_PLUGIN_TIMEOUT')


def external_labels_page():
    """rst of the orphan page that defines EXTERNAL_LABELS."""
    lines = [':orphan:', '', 'Ansible documentation', '=====================', '',
             'Pages of the Ansible documentation that this site links to.', '']
    for label, (title, url) in sorted(EXTERNAL_LABELS.items()):
        lines += ['.. _%s:' % label, '', title, '-' * len(title), '', 'See `%s <%s>`__.' % (title, url), '']
    config = EXTERNAL_LABELS['ansible_configuration_settings'][1]
    for name in EXTERNAL_ENVVARS:
        lines += ['.. envvar:: %s' % name, '', '   See `%s <%s#envvar-%s>`__.' % (name, config, name.lower().replace('_', '-')), '']
    return '\n'.join(lines)


def build_docsite(ctx, timeout):
    """antsibull-docs sphinx-init + collection docs + sphinx-build -W, offline (no intersphinx): the HTML dir."""
    site = os.path.join(ctx.work, 'docsite')
    remove(site)
    os.makedirs(site)
    env = ctx.env_with(ANSIBLE_COLLECTIONS_PATH=ctx.base)
    fqcn = '%s.%s' % (ctx.namespace, ctx.name)
    docs = os.path.join(VENV_BIN, 'antsibull-docs')
    check([docs, 'sphinx-init', '--use-current', '--fail-on-error', '--dest-dir', site, fqcn], cwd=site, env=env, timeout=timeout)
    rst = os.path.join(site, 'rst')
    os.makedirs(rst, exist_ok=True)
    os.chmod(rst, 0o755)  # antsibull-docs wants it writable by its owner only
    check([docs, '--config-file', os.path.join(site, 'antsibull-docs.cfg'), 'collection', '--cleanup', 'everything', '--fail-on-error',
           '--use-current', '--dest-dir', rst, fqcn], cwd=site, env=env, timeout=timeout)
    with open(os.path.join(rst, 'ansible_documentation.rst'), 'w', encoding='utf-8') as handle:
        handle.write(external_labels_page())
    warnings = os.path.join(site, 'warnings.txt')
    # -D extensions=...: the generated conf.py minus sphinx.ext.intersphinx (its inventories are on the internet)
    rc, out = run([os.path.join(VENV_BIN, 'sphinx-build'), '-M', 'html', rst, os.path.join(site, 'build'), '-c', site, '-W', '--keep-going',
                   '-D', 'extensions=sphinx.ext.autodoc,sphinx_antsibull_ext', '-w', warnings, '-q'],
                  cwd=site, env=env, timeout=timeout)
    found = []
    if os.path.exists(warnings):
        with open(warnings, encoding='utf-8') as handle:
            found = [line.rstrip() for line in handle if line.strip()]
    if rc != 0 or found:
        raise StageFailed('sphinx-build exited %d with %d warning(s):\n  %s' % (rc, len(found), '\n  '.join(found[:30])))
    html = os.path.join(site, 'build', 'html')
    pages = glob.glob(os.path.join(html, 'collections', ctx.namespace, ctx.name, '*.html'))
    log('docsite: %d pages of %s in %s, no warning' % (len(pages), fqcn, html))
    return html


def stage_docs(ctx, timeout):
    """antsibull-docs lint (changelog, docs/docsite, every plugin's documentation), then the docsite built offline."""
    deadline = time.time() + timeout
    check([os.path.join(VENV_BIN, 'antsibull-docs'), 'lint-collection-docs', '--plugin-docs', '.'], cwd=ctx.coll,
          env=ctx.env_with(ANSIBLE_COLLECTIONS_PATH=ctx.base), timeout=timeout)
    build_docsite(ctx, max(60, deadline - time.time()))


def plugin_names(coll, fqcn_prefix, env, doc=None):
    """{ansible-doc type: [fqcn, ...]} for the plugins in coll/plugins and the roles in coll/roles."""
    found = {}
    for directory, plugin_type in DOC_PLUGIN_TYPES.items():
        path = os.path.join(coll, 'plugins', directory)
        if os.path.isdir(path):
            names = sorted(os.path.splitext(f)[0] for f in os.listdir(path)
                           if f.endswith('.py') and not f.startswith('_'))
            if names:
                found[plugin_type] = [fqcn_prefix + n for n in names]
    for directory, plugin_type in (('filter', 'filter'), ('test', 'test')):  # several plugins per file: ask ansible-doc
        if os.path.isdir(os.path.join(coll, 'plugins', directory)):
            rc, out = run([doc or os.path.join(VENV_BIN, 'ansible-doc'), '-t', plugin_type, '-l', fqcn_prefix.rstrip('.'), '--json'],
                          env=env, cwd=os.path.dirname(coll), quiet=True)
            try:
                names = sorted(json.loads(out[out.index('{'):]).keys()) if rc == 0 else []
            except ValueError:
                names = []
            if not names:
                raise StageFailed('plugins/%s exists but ansible-doc -t %s -l lists no plugin (rc %d): %s' % (directory, plugin_type, rc, out[-500:]))
            found[plugin_type] = names
    roles = os.path.join(coll, 'roles')
    if os.path.isdir(roles):
        names = sorted(r for r in os.listdir(roles) if os.path.isdir(os.path.join(roles, r)))
        if names:
            found['role'] = [fqcn_prefix + n for n in names]
    return found


def build_artifact(ctx, timeout, source=None, build=None):
    """ansible-galaxy collection build of source (default: the copy) into build; check what it carries; the tarball."""
    build = build or os.path.join(ctx.work, 'build')
    remove(build)
    galaxy = os.path.join(VENV_BIN, 'ansible-galaxy')
    check([galaxy, 'collection', 'build', '--output-path', build], cwd=source or ctx.coll, env=ctx.env, timeout=timeout)
    tarballs = [os.path.join(build, f) for f in os.listdir(build) if f.endswith('.tar.gz')]
    if len(tarballs) != 1:
        raise StageFailed('expected one built tarball, found %s' % tarballs)
    with tarfile.open(tarballs[0]) as tar:
        members = set(m.name[2:] if m.name.startswith('./') else m.name for m in tar.getmembers())
    missing = [m for m in BUILD_MUST_HAVE if m not in members]
    unwanted = sorted(m for m in members if BUILD_MUST_NOT_HAVE.search(m))
    log('built %s: %d entries, %d bytes' % (os.path.basename(tarballs[0]), len(members), os.path.getsize(tarballs[0])))
    if missing or unwanted:
        raise StageFailed('built artifact: missing %s; must not contain %s (see galaxy.yml build_ignore)' % (missing, unwanted))
    return tarballs[0]


SMOKE_CHANGES = {  # case `changes` -> (changed, writes?) of: check mode, apply, identical re-run, check mode re-run
    'first': ((True, False), (True, True), (False, False), (False, False)),
    'never': ((False, False), (False, False), (False, False), (False, False)),
    'always': ((True, False), (True, True), (True, True), (True, False)),
}
SMOKE_STEPS = ('check mode', 'apply', 'identical re-run', 'check mode re-run')
# a value of the wrong type for a role option, by the option's type (argument spec validation must refuse it)
WRONG_TYPE = {'dict': 'not-a-dict', 'list': {'not': 'a list'}, 'int': 'not-an-int', 'bool': 'not-a-bool', 'float': 'not-a-float'}


def smoke_cases(ctx, modules):
    """{module: case} from tests/smoke/<module>.yml; StageFailed naming every module without a valid case."""
    import yaml  # pylint: disable=import-outside-toplevel  # only in the tool venv

    cases, problems = {}, []
    for module in modules:
        path = ctx.path('tests', 'smoke', module + '.yml')
        if not os.path.exists(path):
            problems.append('%s: no smoke case: add tests/smoke/%s.yml (see tests/smoke/README.md)' % (module, module))
            continue
        with open(path, encoding='utf-8') as handle:
            case = yaml.safe_load(handle) or {}
        if not isinstance(case.get('args'), dict) or case.get('changes') not in SMOKE_CHANGES \
                or not isinstance(case.get('keywords', {}), dict):
            problems.append('tests/smoke/%s.yml: needs args (a mapping), changes (%s) and optional keywords (a mapping)'
                            % (module, '/'.join(SMOKE_CHANGES)))
            continue
        cases[module] = case
    return cases, problems


def role_probes(coll):
    """{role: (option, wrong value)}: one top-level option per role whose argument spec must refuse the value."""
    import yaml  # pylint: disable=import-outside-toplevel  # only in the tool venv

    probes = {}
    roles = os.path.join(coll, 'roles')
    for role in sorted(os.listdir(roles)) if os.path.isdir(roles) else []:
        spec_path = os.path.join(roles, role, 'meta', 'argument_specs.yml')
        if not os.path.exists(spec_path):
            probes[role] = None
            continue
        with open(spec_path, encoding='utf-8') as handle:
            options = ((yaml.safe_load(handle) or {}).get('argument_specs', {}).get('main', {}) or {}).get('options') or {}
        probes[role] = None
        for name, spec in sorted(options.items()):
            if spec.get('type') in WRONG_TYPE:
                probes[role] = (name, WRONG_TYPE[spec['type']])
                break
            if spec.get('choices') and spec.get('type', 'str') == 'str':
                probes[role] = (name, 'not-one-of-the-choices')
                break
    return probes


def smoke_playbook(fqcn, cases, probes, connection):
    """The smoke play (JSON is YAML): each case four times with its checks, then each role's argument probe."""
    mark = ("{{ (lookup('ansible.builtin.url', smoke_url ~ '/_emulator/log?since=999999999', split_lines=false)"
            " | from_json).last_seq }}")
    writes = ("{{ (lookup('ansible.builtin.url', smoke_url ~ '/_emulator/log?write=true&since=' ~ smoke_mark, split_lines=false)"
              " | from_json).entries | length }}")
    tasks = []
    for module, case in sorted(cases.items()):
        for step, (changed, wrote) in zip(SMOKE_STEPS, SMOKE_CHANGES[case['changes']]):
            tasks.append({'name': '%s: mark the request log' % module, 'ansible.builtin.set_fact': {'smoke_mark': mark}})
            task = {'name': '%s: %s' % (module, step), fqcn + module: case['args'], 'check_mode': step.startswith('check'),
                    'diff': True, 'register': 'smoke_result'}
            task.update(case.get('keywords') or {})  # e.g. no_log: true, which the _credentials modules require
            tasks.append(task)
            tasks.append({'name': '%s: %s reports changed=%s and %s' % (module, step, changed, 'writes' if wrote else 'no write'),
                          'ansible.builtin.assert': {
                              'that': ['smoke_result is not failed', 'smoke_result.changed == %s' % changed,
                                       'smoke_writes | int %s 0' % ('>' if wrote else '==')],
                              'fail_msg': '%s %s: changed={{ smoke_result.changed }}, {{ smoke_writes }} write(s); expected changed=%s, %s'
                                          % (module, step, changed, 'writes' if wrote else 'no write')},
                          'vars': {'smoke_writes': writes}})
    for role, probe in sorted(probes.items()):
        if probe is None:
            continue
        option, value = probe
        tasks.append({'name': 'role %s refuses %s of the wrong type' % (role, option), 'block': [
            {'name': 'role %s with %s=%s' % (role, option, json.dumps(value)),
             'ansible.builtin.include_role': {'name': fqcn + role}, 'vars': {option: value}},
            {'name': 'role %s accepted it' % role, 'ansible.builtin.fail': {'msg': 'role %s ran with %s=%r' % (role, option, value)}},
        ], 'rescue': [
            {'name': 'role %s: the argument spec refused %s' % (role, option), 'ansible.builtin.assert': {'that': [
                'ansible_failed_result.argument_errors is defined',
                "ansible_failed_result.argument_errors | join(' ') is search('%s')" % option,
            ], 'fail_msg': 'role %s: {{ ansible_failed_result.msg }}' % role}},
        ]})
    return [{'name': 'Every module and role of the collection on this ansible-core', 'hosts': 'localhost', 'gather_facts': False,
             'module_defaults': connection, 'tasks': tasks}]


def emulator_connection(url):
    """module_defaults for both clouds against the local cloud at url (its permanent test keys)."""
    with open(os.path.join(ROOT, 'tests', 'emulator', 'credentials.json'), encoding='utf-8') as handle:
        keys = json.load(handle)
    huawei = [k for k in keys['huawei'] if not k.get('security_token')][0]
    alibaba = [k for k in keys['alibaba'] if not k.get('security_token')][0]
    return {
        'group/dbgov.cloud.huaweicloud': dict(region='cn-north-4', access_key=huawei['access_key'], secret_key=huawei['secret_key'],
                                              endpoint=url + '/{service}'),
        'group/dbgov.cloud.alibabacloud': dict(region='cn-hangzhou', access_key=alibaba['access_key'], secret_key=alibaba['secret_key'],
                                               endpoint=url + '/{service}'),
    }


def module_requirements_problems(name, doc, minimum):
    """What is missing from a module's documented requirements (Python 3.9+, requests >= the tested minimum)."""
    found = ' | '.join(str(r) for r in (doc.get('doc') or {}).get('requirements') or [])
    problems = []
    if not re.search(r'(^|\| )[Pp]ython >= ?%s\b' % re.escape(MODULE_PYTHONS[0]), found):
        problems.append('%s: requirements must name python >= %s (found: %s)' % (name, MODULE_PYTHONS[0], found or 'none'))
    if not re.search(r'(^|\| )requests >= ?%s\b' % re.escape(minimum), found):
        problems.append('%s: requirements must name requests >= %s (found: %s)' % (name, minimum, found or 'none'))
    return problems


def smoke_core(ctx, core, tarball, cases, minimum, timeout):
    """One ansible-core series: its venv, install, ansible-doc everything, the smoke play; a list of problems."""
    series, python, module_python = core
    prefix = '[%s] ' % series
    env = dict(ctx.env)
    bin_dir = core_venv(series, python, env)
    if module_python == python:
        interpreter = os.path.join(bin_dir, 'python')
    else:
        packages = ['requests==%s' % minimum] if module_python == MODULE_PYTHONS[0] else ['requests']
        interpreter = os.path.join(small_venv('python%s-%s' % (module_python, packages[0].replace('==', '-')), module_python,
                                              packages, env), 'python')
    env['PATH'] = os.pathsep.join([bin_dir, env['PATH']])
    home = os.path.join(ctx.work, 'smoke', series)
    remove(home)
    installed = os.path.join(home, 'collections')
    os.makedirs(home)
    rc, out = run([os.path.join(bin_dir, 'ansible'), '--version'], env=env, quiet=True)
    version = out.splitlines()[0] if rc == 0 and out else '?'
    rc, out = run([os.path.join(bin_dir, 'ansible-galaxy'), 'collection', 'install', '--offline', '--force', '-p', installed, tarball],
                  cwd=home, env=env, timeout=timeout, quiet=True)
    if rc != 0:
        return ['%s: ansible-galaxy collection install exited %d: %s' % (series, rc, out[-800:])]
    env['ANSIBLE_COLLECTIONS_PATH'] = installed
    coll = os.path.join(installed, 'ansible_collections', ctx.namespace, ctx.name)
    fqcn = '%s.%s.' % (ctx.namespace, ctx.name)
    problems = []
    plugins = plugin_names(coll, fqcn, env, os.path.join(bin_dir, 'ansible-doc'))
    for plugin_type, names in sorted(plugins.items()):
        found, docs = ansible_doc(os.path.join(bin_dir, 'ansible-doc'), plugin_type, names, home, env, timeout)
        problems += ['%s: %s' % (series, p) for p in found]
        if plugin_type == 'module':
            for name in names:
                problems += ['%s: %s' % (series, p) for p in module_requirements_problems(name, docs.get(name) or {}, minimum)]
    modules = [n[len(fqcn):] for n in plugins.get('module', [])]
    probes = role_probes(coll)
    unprobed = sorted(r for r, p in probes.items() if p is None)
    if unprobed:
        problems.append('%s: roles without an option the smoke can give a wrong type (dict/list/int/bool/float, or choices): %s'
                        % (series, ', '.join(unprobed)))
    emulator = Emulator(ctx.coll, ctx.env, home, tag='')
    try:
        emulator.start()
        playbook = os.path.join(home, 'smoke.yml')
        with open(playbook, 'w', encoding='utf-8') as handle:
            json.dump(smoke_playbook(fqcn, dict((m, cases[m]) for m in modules if m in cases), probes,
                                     emulator_connection(emulator.url)), handle, indent=1)
        inventory = os.path.join(home, 'inventory.ini')
        with open(inventory, 'w', encoding='utf-8') as handle:
            handle.write('localhost ansible_connection=local ansible_python_interpreter=%s\n' % interpreter)
        env.update(ANSIBLE_LOCALHOST_WARNING='False', ANSIBLE_RETRY_FILES_ENABLED='False', ANSIBLE_PIPELINING='True',
                   ANSIBLE_CALLBACK_RESULT_FORMAT='yaml', DBGOV_LOOPBACK_ONLY='1',
                   PYTHONPATH=ctx.path('hack', 'loopback_guard'))  # the controller and the modules reach only loopback
        check_guard(os.path.join(bin_dir, 'python'), env)
        check_guard(interpreter, env)
        started = time.time()
        rc, out = run([os.path.join(bin_dir, 'ansible-playbook'), '-i', inventory, playbook, '-e', 'smoke_url=' + emulator.url],
                      cwd=home, env=env, timeout=timeout, quiet=True)
        recap = re.findall(r'localhost\s+:\s+(ok=.*)', out)
        log('%s%s, modules on Python %s: %d modules x 4 runs, %d roles: %s in %.0fs' % (
            prefix, version, python_version_of(interpreter), len(modules), len(probes) - len(unprobed),
            recap[-1].split('  ')[0] if recap else 'no recap', time.time() - started))
        # [ERROR] lines alone are no failure: 2.19+ print one for each rescued role probe
        if rc != 0 or any(re.search(r'\[(WARNING|DEPRECATION WARNING)\]', line) and not CORE_NOISE.search(line) for line in out.splitlines()):
            with open(os.path.join(home, 'smoke.log'), 'w', encoding='utf-8') as handle:
                handle.write(out)
            lines = out.splitlines()
            pattern = r'\[(WARNING|DEPRECATION WARNING)\]' + (r'|^fatal:|FAILED!' if rc != 0 else '')
            flagged = [i for i, line in enumerate(lines) if re.search(pattern, line) and not CORE_NOISE.search(line)]
            for index in flagged[:10]:
                for line in lines[max(0, index - 3):index + 12]:
                    log(prefix + line)
            problems.append('%s: the smoke play exited %d%s (output above; all of it in %s)'
                            % (series, rc, ', with warnings' if rc == 0 else '', os.path.join(home, 'smoke.log')))
    except StageFailed as exc:
        problems.append('%s: %s' % (series, exc))
    finally:
        emulator.stop()
    return problems


def stage_smoke(ctx, timeout):
    """Build once; then every claimed ansible-core series (CI_SMOKE_JOBS at a time, default 2) in its own small venv."""
    tarball = build_artifact(ctx, timeout)
    minimum = requests_minimum()
    modules = sorted(os.path.splitext(f)[0] for f in os.listdir(ctx.path('plugins', 'modules'))
                     if f.endswith('.py') and not f.startswith('_')) if os.path.isdir(ctx.path('plugins', 'modules')) else []
    if not modules:
        raise StageFailed('the collection has no module (plugins/modules/ is empty)')
    cases, problems = smoke_cases(ctx, modules)
    cores = [c for c in CORES if not os.environ.get('CI_CORES') or c[0] in os.environ['CI_CORES'].split()]
    log('smoke: %d modules, ansible-core %s; requests %s on Python %s' % (
        len(modules), ' '.join(c[0] for c in cores), minimum, MODULE_PYTHONS[0]))
    deadline = time.time() + timeout
    with concurrent.futures.ThreadPoolExecutor(max_workers=int(os.environ.get('CI_SMOKE_JOBS', 2))) as pool:
        futures = [pool.submit(smoke_core, ctx, core, tarball, cases, minimum, max(60, deadline - time.time())) for core in cores]
        for core, future in zip(cores, futures):
            try:
                found = future.result()
            except StageFailed as exc:
                found = ['%s: %s' % (core[0], exc)]
            log('smoke: ansible-core %s: %s' % (core[0], 'ok' if not found else 'FAILED'))
            problems += found
    if problems:
        raise StageFailed('\n'.join(problems))


def ansible_doc(doc, plugin_type, names, cwd, env, timeout):
    """(problems, {name: JSON doc}) from ansible-doc --json and the text rendering of names (all of one plugin type).

    One process per form for all names; on any problem, once per name, so that the report names the broken ones.
    """
    problems, docs = _ansible_doc(doc, plugin_type, names, cwd, env, timeout)
    if problems and len(names) > 1:
        problems = []
        for name in names:
            found, _docs = _ansible_doc(doc, plugin_type, [name], cwd, env, timeout)
            problems += found
    return problems, docs


# Warnings of ansible-core about its own files, not about the collection (ansible-doc -t role on 2.21 warns that the
# internal _protomatter collection inside the ansible package has no MANIFEST.json).
CORE_NOISE = re.compile(r"Collection at '[^']*/ansible/_internal/ansible_collections/[^']*' does not have a MANIFEST\.json")


def _problem_lines(out):
    """The [WARNING]/[ERROR] lines of ansible-doc output that are not CORE_NOISE."""
    return [line.strip() for line in out.splitlines() if re.search(r'\[(WARNING|ERROR)\]', line) and not CORE_NOISE.search(line)]


def _ansible_doc(doc, plugin_type, names, cwd, env, timeout):
    problems = []
    label = 'ansible-doc -t %s %s' % (plugin_type, names[0] if len(names) == 1 else '(%d plugins)' % len(names))
    rc, out = run([doc, '-t', plugin_type, '--json'] + names, cwd=cwd, env=env, timeout=timeout, quiet=True)
    docs = {}
    if rc == 0:
        try:
            docs = json.loads(out[out.index('{'):])
        except ValueError:
            pass
    problems += ['%s --json: %s' % (label, line) for line in _problem_lines(out)]
    missing = [n for n in names if n not in docs]
    if missing:
        problems.append('%s --json (rc %d): no documentation for %s' % (label, rc, ', '.join(missing)))
    rc, out = run([doc, '-t', plugin_type] + names, cwd=cwd, env=env, timeout=timeout, quiet=True)
    if rc != 0 or _problem_lines(out):
        lines = [line for line in out.splitlines() if re.search(r'\[(WARNING|ERROR)\]|Error|Exception', line) and not CORE_NOISE.search(line)]
        problems.append('%s (text rendering) rc %d: %s' % (label, rc, ' | '.join(lines[:3]) or out[-500:]))
    return problems, docs


GALAXY_IMPORTER_CFG = """[galaxy-importer]
# What Automation Hub checks on upload: the required tags, a version of at least 1.0.0, ansible-doc, ansible-lint.
run_ansible_doc = True
run_ansible_lint = True
offline_ansible_lint = True
check_required_tags = True
require_v1_or_greater = True
check_changelog = True
# ansible-test sanity inside galaxy-importer runs in a container image (Docker or Podman): see stage_release
run_ansible_test = False
tmp_root_dir = %s
"""


def release_version(ctx):
    """The version the release check releases: CI_RELEASE_VERSION, else galaxy.yml's version when >= 1.0.0, else 1.0.0."""
    import yaml  # pylint: disable=import-outside-toplevel  # only in the tool venv

    with open(ctx.path('galaxy.yml'), encoding='utf-8') as handle:
        version = str(yaml.safe_load(handle)['version'])
    wanted = os.environ.get('CI_RELEASE_VERSION')
    if wanted:
        return version, wanted
    return version, version if [int(p) for p in re.findall(r'\d+', version)[:3]] >= [1, 0, 0] else '1.0.0'


def released_names(data):
    """Names of the plugins, modules and roles that changelogs/changelog.yaml lists in its releases."""
    found = set()

    def walk(node):
        if isinstance(node, dict):
            if isinstance(node.get('name'), str) and 'description' in node:
                found.add(node['name'])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
    for release in (data.get('releases') or {}).values():
        walk({k: v for k, v in release.items() if k in ('modules', 'plugins', 'objects')})
    return found


def stage_release(ctx, timeout):
    """The release, rehearsed on a scratch copy (never on the work tree): what `make release-check` runs.

    1. galaxy.yml's version set to the release version, `antsibull-changelog release`: CHANGELOG.rst names the version,
       has a release summary and lists every module, role and filter as new; the changelog lints clean;
    2. the artifact of that copy through galaxy-importer as Automation Hub runs it: no warning, no error;
    3. ansible-builder create on execution-environment.yml, and the context's own introspection over the installed
       artifact lists requests.
    """
    deadline = time.time() + timeout
    current, version = release_version(ctx)
    top = os.path.join(ctx.work, 'release')
    remove(top)
    scratch = os.path.join(top, 'ansible_collections', ctx.namespace, ctx.name)
    tests_dir = ctx.path('tests')
    shutil.copytree(ctx.coll, scratch, symlinks=True,  # not ansible-test's output (its venvs)
                    ignore=lambda d, names: ['output'] if os.path.realpath(d) == os.path.realpath(tests_dir) else [])
    env = ctx.env_with(ANSIBLE_COLLECTIONS_PATH=top)
    problems = []
    # 1. the changelog
    galaxy_yml = os.path.join(scratch, 'galaxy.yml')
    with open(galaxy_yml, encoding='utf-8') as handle:
        text = handle.read()
    with open(galaxy_yml, 'w', encoding='utf-8') as handle:
        handle.write(re.sub(r'^version: .*$', 'version: %s' % version, text, count=1, flags=re.M))
    transport = os.path.join(scratch, 'plugins', 'module_utils', 'transport.py')  # the User-Agent's version
    if os.path.exists(transport):
        with open(transport, encoding='utf-8') as handle:
            text = handle.read()
        with open(transport, 'w', encoding='utf-8') as handle:
            handle.write(re.sub(r"^COLLECTION_VERSION = '[^']*'", "COLLECTION_VERSION = '%s'" % version, text, count=1, flags=re.M))
    log('release: rehearsing %s (galaxy.yml says %s) in %s' % (version, current, scratch))
    changelog = os.path.join(VENV_BIN, 'antsibull-changelog')
    import yaml  # pylint: disable=import-outside-toplevel  # only in the tool venv

    with open(os.path.join(scratch, 'changelogs', 'changelog.yaml'), encoding='utf-8') as handle:
        history = yaml.safe_load(handle) or {}
    released = released_names(history)
    check([changelog, 'lint'], cwd=scratch, env=env, timeout=timeout)
    if version in (history.get('releases') or {}):  # after the release commit: check what was released
        released = released_names(dict(history, releases={k: v for k, v in history['releases'].items() if k != version}))
        check([changelog, 'generate'], cwd=scratch, env=env, timeout=timeout)
        log('release: %s is already in changelogs/changelog.yaml: checking the released changelog and artifact' % version)
    else:
        rc, out = run([changelog, 'release'], cwd=scratch, env=env, timeout=timeout)
        noise = [line.strip() for line in out.splitlines() if re.search(r'WARNING|ERROR', line) and not CORE_NOISE.search(line)]
        if rc != 0 or noise:
            raise StageFailed('antsibull-changelog release exited %d:\n  %s' % (rc, '\n  '.join(noise or out.splitlines()[-10:])))
    check([changelog, 'lint-changelog-yaml', os.path.join('changelogs', 'changelog.yaml')], cwd=scratch, env=env, timeout=timeout)
    with open(os.path.join(scratch, 'CHANGELOG.rst'), encoding='utf-8') as handle:
        rst = handle.read()
    fqcn = '%s.%s.' % (ctx.namespace, ctx.name)
    wanted = ['v%s' % version, 'Release Summary']
    for directory, kind in (('plugins/modules', 'module'), ('roles', 'role')):
        path = os.path.join(scratch, directory)
        names = sorted(os.path.splitext(f)[0] for f in os.listdir(path) if not f.startswith(('_', '.'))) if os.path.isdir(path) else []
        new = [n for n in names if n not in released]
        wanted += [fqcn + n for n in new]
        log('release: %d %ss, %d of them not in an earlier release: those must be listed as new' % (len(names), kind, len(new)))
    missing = [w for w in wanted if w not in rst]
    if missing:
        problems.append('CHANGELOG.rst of %s lacks: %s (a plugin whose version_added is not %s is not listed as new)'
                        % (version, ', '.join(missing), version))
    fragments = os.path.join(scratch, 'changelogs', 'fragments')
    left = [f for f in os.listdir(fragments) if not f.startswith('.')] if os.path.isdir(fragments) else []
    if left and version not in (history.get('releases') or {}):
        problems.append('fragments left after the release: %s' % ', '.join(left))
    # 2. galaxy-importer on the artifact
    tarball = build_artifact(ctx, timeout, source=scratch, build=os.path.join(top, 'build'))
    cfg = os.path.join(top, 'galaxy-importer.cfg')
    os.makedirs(os.path.join(top, 'importer-tmp'))
    with open(cfg, 'w', encoding='utf-8') as handle:
        handle.write(GALAXY_IMPORTER_CFG % os.path.join(top, 'importer-tmp'))
    runtime = shutil.which('docker') or shutil.which('podman')
    log('release: galaxy-importer: its ansible-test step is SKIPPED: it runs ansible-test sanity inside a container image, '
        'which needs Docker or Podman (%s); stages sanity and sanity-oldest run ansible-test sanity instead'
        % ('found %s, but CI machines have no container engine: kept off so that local and CI runs check the same' % runtime
           if runtime else 'this machine has neither'))
    rc, out = run([VENV_PY, '-m', 'galaxy_importer.main', tarball], cwd=top, env=ctx.env_with(GALAXY_IMPORTER_CONFIG=cfg),
                  timeout=max(60, deadline - time.time()))
    noise = [line.strip() for line in out.splitlines() if re.search(r'WARNING|ERROR|Traceback', line)]
    if rc != 0 or noise or 'Importer processing completed successfully' not in out:
        problems.append('galaxy-importer exited %d with %d warning/error line(s):\n  %s' % (rc, len(noise), '\n  '.join(noise[:20])))
    # 3. the execution environment
    context = os.path.join(top, 'ee-context')
    check([os.path.join(VENV_BIN, 'ansible-builder'), 'create', '-f', ctx.path('execution-environment.yml'), '-c', context,
           '--output-filename', 'Containerfile'], cwd=top, env=env, timeout=max(60, deadline - time.time()))
    with open(os.path.join(context, '_build', 'requirements.yml'), encoding='utf-8') as handle:
        galaxy_reqs = yaml.safe_load(handle) or {}
    if not any(c.get('name') == fqcn.rstrip('.') for c in galaxy_reqs.get('collections') or []):
        problems.append('the EE context does not install %s: %s' % (fqcn.rstrip('.'), galaxy_reqs))
    # the context's galaxy step runs in the container; here the artifact stands in for it, then the context's own script
    collections = os.path.join(top, 'ee-collections')
    check([os.path.join(VENV_BIN, 'ansible-galaxy'), 'collection', 'install', '--offline', '-p', collections, tarball], cwd=top,
          env=ctx.env_with(ANSIBLE_COLLECTIONS_PATH=collections), timeout=max(60, deadline - time.time()), quiet=True)
    pip_out = os.path.join(top, 'ee-requirements.txt')
    check([VENV_PY, os.path.join(context, '_build', 'scripts', 'introspect.py'), 'introspect', '--write-pip', pip_out,
           '--write-bindep', os.path.join(top, 'ee-bindep.txt'), collections], cwd=top, env=ctx.env, timeout=300)
    with open(pip_out, encoding='utf-8') as handle:
        pip_reqs = handle.read()
    if not re.search(r'^requests\b.*# from collection %s' % re.escape(fqcn.rstrip('.')), pip_reqs, re.M):
        problems.append('EE introspection does not list requests from %s:\n%s' % (fqcn.rstrip('.'), pip_reqs))
    log('release: the EE context installs %s; its introspection: %s (the image is not built: no container runtime in CI)'
        % (fqcn.rstrip('.'), ' | '.join(line for line in pip_reqs.splitlines() if line.strip())))
    if problems:
        raise StageFailed('\n'.join(problems))
    if version not in (history.get('releases') or {}):
        log('release: %s is releasable. In the checkout (after make venv):\n'
            '    sed -i "s/^version: .*/version: %s/" galaxy.yml\n'
            '    sed -i "s/^COLLECTION_VERSION = \'[^\']*\'/COLLECTION_VERSION = \'%s\'/" plugins/module_utils/transport.py\n'
            '    PATH=$PWD/.venv/bin:$PATH antsibull-changelog release\n'
            '    git add -A galaxy.yml plugins/module_utils/transport.py changelogs CHANGELOG.rst && git commit -m "Release %s"'
            % (version, version, version, version))


def stage_checks(ctx, timeout):
    """The checker's own tests, then the checker."""
    pytest(['-q', 'tests/ci'], cwd=ctx.coll, env=ctx.guarded_env(), timeout=timeout, what='tests/ci')
    check([VENV_PY, 'tests/ci/check_action_groups.py'], cwd=ctx.coll, env=ctx.env, timeout=timeout)


def stage_demo(ctx, timeout):
    """What `make demo` runs, from the copy: build + install, local cloud, playbooks/demo.yml (its asserts included)."""
    check([VENV_PY, 'hack/demo.py'], cwd=ctx.coll, env=ctx.guarded_env(DEMO_DIR=os.path.join(ctx.work, 'demo')), timeout=timeout)


STAGE_FUNCS = {
    'sanity': stage_sanity, 'sanity-oldest': stage_sanity_oldest, 'units': stage_units, 'emulator': stage_emulator,
    'integration': stage_integration, 'lint': stage_lint, 'docs': stage_docs, 'smoke': stage_smoke, 'checks': stage_checks,
    'demo': stage_demo, 'release': stage_release,
}


# ---------------------------------------------------------------------------------------------------------------------
# run


def work_dir(local=False):
    """(work dir, keep it afterwards even when every stage passed?).

    Removed after a run whose stages all passed (CI_KEEP=1 keeps it; CI_WORK=<dir> is always kept); kept after a
    failure, for the diagnosis (`make clean` removes it). ansible-test's sanity venvs live in ~/.ansible/test, the tool
    and core venvs in .venv/, so a new copy costs only the copy and ansible-test's delegation venv.
    """
    if os.environ.get('CI_WORK'):
        return os.path.abspath(os.environ['CI_WORK']), True
    if not local and os.environ.get('CI', '').lower() in ('1', 'true', 'yes'):
        return tempfile.mkdtemp(prefix='dbgov-cloud-ci.'), bool(os.environ.get('CI_KEEP'))
    key = hashlib.sha1(ROOT.encode()).hexdigest()[:10]
    return os.path.join(tempfile.gettempdir(), 'dbgov-cloud-ci-' + key), bool(os.environ.get('CI_KEEP'))


def cmd_run(stages):
    """Prepare and run the given stages; return the exit code."""
    unknown = [s for s in stages if s not in STAGES]
    if unknown:
        log('unknown stage(s) %s; known: %s' % (', '.join(unknown), ', '.join(STAGES)))
        return 2
    stages = stages or list(STAGES)
    if not os.path.exists(VENV_PY) or os.path.realpath(sys.prefix) != os.path.realpath(VENV):
        log('FATAL: run this with %s (make does: make venv)' % VENV_PY)
        return 2
    work, keep = work_dir()
    os.makedirs(work, exist_ok=True)
    with open(work.rstrip('/') + '.lock', 'w', encoding='utf-8') as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            log('another make test uses %s: waiting for it' % work)
            fcntl.flock(lock, fcntl.LOCK_EX)
        rc = 1
        try:
            rc = run_stages(work, stages)
            return rc
        finally:
            if rc == 0 and not keep:
                shutil.rmtree(work, ignore_errors=True)
                remove(work.rstrip('/') + '.lock')
                log('work copy %s removed (CI_KEEP=1 keeps it)' % work)
            else:
                log('work copy kept: %s (make clean removes it)' % work)


def run_stages(work, stages):
    """The body of cmd_run, holding the work dir lock."""
    started = time.time()
    try:
        namespace, name = galaxy_name()
        ctx = Context(work, namespace, name)
        log('=== setup: %s.%s, work dir %s (%s)' % (namespace, name, work, datetime.datetime.now().isoformat(timespec='seconds')))
        write_get_pip_shim()
        count = copy_tree(ctx.coll)
    except Exception as exc:  # pylint: disable=broad-exception-caught  # report it like a failed stage
        log('=== setup FAILED: %r' % exc)
        log('stages: 0 passed, 1 failed')
        return 1
    log('copied %d files (+ .git) to %s' % (count, ctx.coll))
    run([os.path.join(VENV_BIN, 'ansible'), '--version'], env=ctx.env, quiet=False)
    results = []
    setup_seconds = time.time() - started
    deadline = started + int(os.environ.get('CI_BUDGET', DEFAULT_BUDGET))
    for stage in stages:
        description, timeout = STAGES[stage]
        timeout = min(int(os.environ.get('CI_STAGE_TIMEOUT', timeout)), int(deadline - time.time()))
        log()
        log('=' * 100)
        log('=== stage %s: %s (t=%ds)' % (stage, description, time.time() - started))
        log('=' * 100)
        t0 = time.time()
        try:
            if timeout < 30:
                raise StageFailed('not run: the time budget of all stages (CI_BUDGET) is used up')
            STAGE_FUNCS[stage](ctx, timeout)
            ok, why = True, ''
        except StageFailed as exc:
            ok, why = False, str(exc)
        except Exception as exc:  # pylint: disable=broad-exception-caught  # one broken stage must not hide the others
            ok, why = False, 'internal error in hack/ci.py: %r' % exc
        seconds = time.time() - t0
        results.append((stage, ok, seconds, why))
        if ok:
            log('=== stage %s: PASSED in %.0fs' % (stage, seconds))
        else:
            log('=== stage %s: FAILED in %.0fs' % (stage, seconds))
            for line in why.splitlines():
                log('    ' + line)
    passed = sum(1 for r in results if r[1])
    failed = len(results) - passed
    log()
    log('=== summary (setup %.0fs, total %.0fs)' % (setup_seconds, time.time() - started))
    for stage, ok, seconds, why in results:
        log('  %-12s %-7s %6.0fs  %s' % (stage, 'PASSED' if ok else 'FAILED', seconds, why.splitlines()[0] if why else ''))
    log('stages: %d passed, %d failed' % (passed, failed))
    return 1 if failed else 0


def main(argv):
    """Entry point."""
    if not argv or argv[0] in ('-h', '--help'):
        log(__doc__)
        log('stages: ' + ', '.join(STAGES))
        return 0 if argv else 2
    if argv[0] == 'venv':
        return cmd_venv()
    if argv[0] == 'run':
        return cmd_run(argv[1:])
    if argv[0] == 'workdir':  # for make clean
        log(work_dir(local=True)[0])
        return 0
    log('unknown command %r' % argv[0])
    return 2


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
