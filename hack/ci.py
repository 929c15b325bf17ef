# Copyright: dbgov.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""CI driver behind the Makefile (`make test` and the per-stage targets).

    python3.11 hack/ci.py venv                  create or refresh the tool venv in .venv/
    .venv/bin/python hack/ci.py run [STAGE...]  run stages (default: all) and print a summary

`run` prepares, then runs each stage; a failing stage never stops the others:
  * writes the offline stand-in for ansible-test's get-pip bootstrap (ansible-test downloads get-pip.py from a
    non-PyPI host, which an offline machine cannot reach; see write_get_pip_shim);
  * copies the work tree (git-tracked + untracked-not-ignored files, and .git) into
    <work>/ansible_collections/<namespace>/<name>, because ansible-test needs that physical layout.
    <work> is kept between local runs (ansible-test's delegation venv in tests/output/ survives) and is
    removed after a CI run (CI=true). Override with CI_WORK=<dir>;
  * prints per-stage timings and ends with the line `stages: N passed, N failed`; exits 1 if a stage failed.

Only the standard library is used, so `venv` runs with a bare interpreter.
"""

from __future__ import annotations

import datetime
import fcntl
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
PYTHON_VERSION = '3.11'
CI_REQUIREMENTS = os.path.join(ROOT, 'hack', 'requirements-ci.txt')
EMULATOR_REQUIREMENTS = os.path.join(ROOT, 'tests', 'emulator', 'requirements.txt')
STAMP = os.path.join(VENV, '.dbgov-ci-stamp')

# stage name -> (description, timeout in seconds). Order = order of `make test`.
STAGES = {
    'sanity': ('ansible-test sanity --venv (all tests, no ignore entries)', 1500),
    'units': ('ansible-test units --venv (must collect tests)', 900),
    'emulator': ('pytest tests/emulator (emulator self-tests + SDK conformance)', 900),
    'integration': ('ansible-test integration --venv against the emulator', 1800),
    'lint': ('ansible-lint (profile production, offline)', 600),
    'docs': ('antsibull-docs lint-collection-docs --plugin-docs', 600),
    'smoke': ('build + install + ansible-doc of every module and role', 600),
    'checks': ('tests/ci: action groups, doc fragments, changelog fragments', 300),
    'demo': ('make demo: the governance scene against the local cloud (hack/demo.py)', 600),
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


def run(cmd, cwd=None, env=None, timeout=None, quiet=False, on_line=None):
    """Run cmd, stream its output (stdout+stderr) line by line, return (rc, output).

    The child gets its own session so that the whole process tree can be ended on timeout.
    """
    return run_parallel([dict(cmd=cmd, cwd=cwd, env=env, quiet=quiet, on_line=on_line)], timeout)[0]


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


def cmd_venv():
    """Create .venv (python3.11) or reuse it; (re)install requirements when their files changed."""
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
                log('venv: .venv is up to date')
                return 0
    if fresh:
        python = os.environ.get('CI_PYTHON') or shutil.which('python' + PYTHON_VERSION)
        if not python:
            log('FATAL: python%s not found on PATH (set CI_PYTHON=/path/to/python%s)' % (PYTHON_VERSION, PYTHON_VERSION))
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
    log('venv: .venv ready in %.0fs' % (time.time() - started))
    return 0


# ---------------------------------------------------------------------------------------------------------------------
# preparation for `run`


def ci_env():
    """Environment for every child: no colours, quiet pip, the tool venv first on PATH."""
    env = dict(os.environ)
    env.update(
        ANSIBLE_NOCOLOR='1', ANSIBLE_FORCE_COLOR='0', PY_COLORS='0', NO_COLOR='1',
        PIP_DISABLE_PIP_VERSION_CHECK='1', PIP_PROGRESS_BAR='off', PYTHONDONTWRITEBYTECODE='1',
        PATH=VENV_BIN + os.pathsep + env.get('PATH', ''),
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


def write_get_pip_shim():
    """ansible-test fetches get-pip.py from a non-PyPI host: put an offline stand-in in its cache."""
    import ansible_test  # pylint: disable=import-outside-toplevel  # only in the tool venv

    source = os.path.join(os.path.dirname(ansible_test.__file__), '_internal', 'python_requirements.py')
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


def stage_sanity(ctx, timeout):
    """ansible-test sanity, all tests; any ignore entry fails the stage."""
    entries = []
    sanity_dir = ctx.path('tests', 'sanity')
    if os.path.isdir(sanity_dir):
        for fname in sorted(os.listdir(sanity_dir)):
            if re.match(r'ignore-.*\.txt$', fname):
                with open(os.path.join(sanity_dir, fname), encoding='utf-8') as handle:
                    entries += ['tests/sanity/%s: %s' % (fname, line.strip()) for line in handle
                                if line.strip() and not line.lstrip().startswith('#')]
    rc, out = run(ctx.ansible_test + ['sanity'] + ctx.at_opts, cwd=ctx.coll, env=ctx.env, timeout=timeout)
    problems = []
    if entries:
        problems.append('sanity ignore entries are not allowed (fix the code instead):\n  ' + '\n  '.join(entries))
    skipped = [line.strip() for line in out.splitlines() if re.search(r'WARNING: (Skipping|Required program)', line)]
    if skipped:
        problems.append('sanity tests were skipped (a skipped test is not a pass):\n  ' + '\n  '.join(skipped))
    if rc != 0:
        problems.append('ansible-test sanity exited with %d' % rc)
    if problems:
        raise StageFailed('\n'.join(problems))


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
    """ansible-test units; a run that collected no test fails."""
    unit_dir = ctx.path('tests', 'unit')
    test_files = []
    for top, _dirs, files in os.walk(unit_dir):
        test_files += [os.path.join(top, f) for f in files if re.match(r'test_.*\.py$', f)]
    if not test_files:
        raise StageFailed('NO unit tests: tests/unit/**/test_*.py matches nothing (the collection must have unit tests)')
    junit = ctx.path('tests', 'output', 'junit')
    if os.path.isdir(junit):
        for fname in os.listdir(junit):
            if fname.endswith('-units.xml'):
                os.unlink(os.path.join(junit, fname))
    rc, out = run(ctx.ansible_test + ['units'] + ctx.at_opts, cwd=ctx.coll, env=ctx.env, timeout=timeout)
    if 'All targets skipped' in out:
        raise StageFailed('ansible-test units skipped every target: no unit test ran')
    if rc != 0:
        raise StageFailed('ansible-test units exited with %d' % rc)
    tests, bad, skipped = junit_counts(junit, r'.*-units\.xml$')
    log('units: %d tests in junit results (%d skipped, %d failed/errored)' % (tests, skipped, bad))
    if tests - skipped <= 0:
        raise StageFailed('ansible-test units ran NO test (%d collected, %d skipped): pytest exit 5 is not a pass' % (tests, skipped))


def stage_emulator(ctx, timeout):
    """The emulator's own pytest suite (self-tests + conformance through the official SDKs)."""
    if not os.path.isdir(ctx.path('tests', 'emulator')):
        raise StageFailed('tests/emulator does not exist')
    pytest(['-q', 'tests/emulator'], cwd=ctx.coll, env=ctx.env, timeout=timeout, what='tests/emulator')


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
    history_path = os.path.join(ctx.work, 'integration-seconds.json')
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


def stage_docs(ctx, timeout):
    """antsibull-docs: changelog, docs/docsite (when present) and every plugin's documentation."""
    if not os.path.isdir(ctx.path('docs', 'docsite')):
        log('docs: no docs/docsite yet: linting the plugin docs and the changelog only')
    check([os.path.join(VENV_BIN, 'antsibull-docs'), 'lint-collection-docs', '--plugin-docs', '.'], cwd=ctx.coll,
          env=ctx.env_with(ANSIBLE_COLLECTIONS_PATH=ctx.base), timeout=timeout)


def plugin_names(coll, fqcn_prefix, env):
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
            rc, out = run([os.path.join(VENV_BIN, 'ansible-doc'), '-t', plugin_type, '-l', fqcn_prefix.rstrip('.'), '--json'],
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


def stage_smoke(ctx, timeout):
    """ansible-galaxy build + install, then ansible-doc every module and role from the installed copy."""
    build, installed = os.path.join(ctx.work, 'build'), os.path.join(ctx.work, 'installed')
    remove(build)
    remove(installed)
    galaxy = os.path.join(VENV_BIN, 'ansible-galaxy')
    check([galaxy, 'collection', 'build', '--output-path', build], cwd=ctx.coll, env=ctx.env, timeout=timeout)
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
    check([galaxy, 'collection', 'install', '--force', '-p', installed, tarballs[0]], cwd=ctx.work, env=ctx.env, timeout=timeout)
    env = ctx.env_with(ANSIBLE_COLLECTIONS_PATH=installed)
    coll = os.path.join(installed, 'ansible_collections', ctx.namespace, ctx.name)
    plugins = plugin_names(coll, '%s.%s.' % (ctx.namespace, ctx.name), env)
    if not plugins.get('module'):
        log('smoke: NOTE: the collection has no module yet (plugins/modules/ is empty)')
    doc = os.path.join(VENV_BIN, 'ansible-doc')
    problems = []
    for plugin_type, names in sorted(plugins.items()):
        # one process for all plugins of a type (JSON: the structure; text: the rendering users see);
        # on any problem, once per plugin, so that the report names the broken ones
        log('$ ANSIBLE_COLLECTIONS_PATH=%s ansible-doc -t %s [--json] %s' % (installed, plugin_type, ' '.join(names)))
        found = ansible_doc(doc, plugin_type, names, ctx.work, env, timeout)
        if found:
            found = []
            for name in names:
                errors = ansible_doc(doc, plugin_type, [name], ctx.work, env, timeout)
                found += errors
                log('  ansible-doc -t %-7s %-45s %s' % (plugin_type, name, 'FAILED' if errors else 'ok'))
        else:
            for name in names:
                log('  ansible-doc -t %-7s %-45s ok' % (plugin_type, name))
        problems += found
    if problems:
        raise StageFailed('\n'.join(problems))


def ansible_doc(doc, plugin_type, names, cwd, env, timeout):
    """Problems found by ansible-doc --json and by the text rendering of names (all of one plugin type)."""
    problems = []
    label = 'ansible-doc -t %s %s' % (plugin_type, names[0] if len(names) == 1 else '(%d plugins)' % len(names))
    rc, out = run([doc, '-t', plugin_type, '--json'] + names, cwd=cwd, env=env, timeout=timeout, quiet=True)
    documented = set()
    if rc == 0:
        try:
            documented = set(json.loads(out[out.index('{'):]).keys())
        except ValueError:
            pass
    problems += ['%s --json: %s' % (label, line.strip()) for line in out.splitlines() if re.search(r'\[(WARNING|ERROR)\]', line)]
    missing = [n for n in names if n not in documented]
    if missing:
        problems.append('%s --json (rc %d): no documentation for %s' % (label, rc, ', '.join(missing)))
    rc, out = run([doc, '-t', plugin_type] + names, cwd=cwd, env=env, timeout=timeout, quiet=True)
    if rc != 0 or re.search(r'\[(WARNING|ERROR)\]', out):
        lines = [line for line in out.splitlines() if re.search(r'\[(WARNING|ERROR)\]|Error|Exception', line)]
        problems.append('%s (text rendering) rc %d: %s' % (label, rc, ' | '.join(lines[:3]) or out[-500:]))
    return problems


def stage_checks(ctx, timeout):
    """The checker's own tests, then the checker."""
    pytest(['-q', 'tests/ci'], cwd=ctx.coll, env=ctx.env, timeout=timeout, what='tests/ci')
    check([VENV_PY, 'tests/ci/check_action_groups.py'], cwd=ctx.coll, env=ctx.env, timeout=timeout)


def stage_demo(ctx, timeout):
    """What `make demo` runs, from the copy: build + install, local cloud, playbooks/demo.yml (its asserts included)."""
    check([VENV_PY, 'hack/demo.py'], cwd=ctx.coll, env=ctx.env_with(DEMO_DIR=os.path.join(ctx.work, 'demo')), timeout=timeout)


STAGE_FUNCS = {
    'sanity': stage_sanity, 'units': stage_units, 'emulator': stage_emulator, 'integration': stage_integration,
    'lint': stage_lint, 'docs': stage_docs, 'smoke': stage_smoke, 'checks': stage_checks, 'demo': stage_demo,
}


# ---------------------------------------------------------------------------------------------------------------------
# run


def work_dir(local=False):
    """(work dir, keep it afterwards?)."""
    if os.environ.get('CI_WORK'):
        return os.path.abspath(os.environ['CI_WORK']), True
    if not local and os.environ.get('CI', '').lower() in ('1', 'true', 'yes'):
        return tempfile.mkdtemp(prefix='dbgov-cloud-ci.'), bool(os.environ.get('CI_KEEP'))
    key = hashlib.sha1(ROOT.encode()).hexdigest()[:10]
    return os.path.join(tempfile.gettempdir(), 'dbgov-cloud-ci-' + key), True


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
        try:
            return run_stages(work, stages)
        finally:
            if not keep:
                shutil.rmtree(work, ignore_errors=True)
                remove(work.rstrip('/') + '.lock')


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
