# Copyright: dbgov.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""`make demo`: the governance scene of playbooks/demo.yml against the local cloud, no cloud account needed.

    .venv/bin/python hack/demo.py          (make demo: creates .venv first)

1. builds the collection and installs the artifact into <demo>/collections (<demo> = DEMO_DIR, default tests/output/demo);
2. starts the local cloud (tests/emulator/run.py) on a free loopback port, seeded with the demo estate;
3. runs `ansible-playbook dbgov.cloud.demo` with the connection settings in environment variables only, exactly as on
   a real controller (for real clouds: real keys, no DBGOV_*_ENDPOINT, your own estate file);
4. prints where the reports are, saves the local cloud's request log, and stops the local cloud (also on Ctrl-C).

Only the standard library; the tools come from the tool venv (.venv, `hack/ci.py venv`).
"""

from __future__ import annotations

import glob
import importlib.util
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))
VENV_BIN = os.path.join(ROOT, '.venv', 'bin')
EMULATOR = os.path.join(ROOT, 'tests', 'emulator')


def say(msg=''):
    """Print at once (the child processes' output is interleaved)."""
    print(msg, flush=True)


def shown(path):
    """A path as the user best reads it: relative to the current directory when below it."""
    relative = os.path.relpath(path, os.getcwd())
    return path if relative.startswith('..') else relative


def tool(name):
    """A tool of the tool venv, else the one on PATH next to this interpreter."""
    for candidate in (os.path.join(VENV_BIN, name), os.path.join(os.path.dirname(sys.executable), name)):
        if os.path.exists(candidate):
            return candidate
    return shutil.which(name) or name


def run(cmd, env=None, cwd=ROOT):
    """Run a command, its output straight to the terminal; exit on failure."""
    rc = subprocess.call(cmd, env=env, cwd=cwd)
    if rc != 0:
        raise SystemExit('make demo: %s exited with %d' % (' '.join(cmd[:3]), rc))


def child_env():
    """The environment of the Ansible commands: no developer overrides, no stray cloud tokens."""
    env = dict(os.environ)
    for name in ('PYTHONPATH', 'ANSIBLE_CONFIG', 'ANSIBLE_COLLECTIONS_PATH', 'ANSIBLE_COLLECTIONS_PATHS',
                 'HUAWEICLOUD_SDK_SECURITY_TOKEN', 'HW_SECURITY_TOKEN', 'HUAWEICLOUD_SDK_PROJECT_ID', 'HW_PROJECT_ID',
                 'ALIBABA_CLOUD_SECURITY_TOKEN', 'ALICLOUD_SECURITY_TOKEN'):
        env.pop(name, None)
    env['PATH'] = VENV_BIN + os.pathsep + env.get('PATH', '')
    return env


def install_collection(demo, env):
    """ansible-galaxy collection build + install: the demo runs the artifact users get."""
    build = os.path.join(demo, 'build')
    collections = os.path.join(demo, 'collections')
    for path in (build, collections):
        shutil.rmtree(path, ignore_errors=True)
    run([tool('ansible-galaxy'), 'collection', 'build', '--output-path', build], env=env)
    tarball = glob.glob(os.path.join(build, '*.tar.gz'))[0]
    run([tool('ansible-galaxy'), 'collection', 'install', '--offline', '--force', '-p', collections, tarball],
        env=dict(env, ANSIBLE_COLLECTIONS_PATH=collections))
    return collections


class LocalCloud:
    """tests/emulator/run.py in the background, in its own process group."""

    def __init__(self, demo, lifetime=1800):
        self.port_file = os.path.join(demo, 'emulator.json')
        self.log_file = os.path.join(demo, 'emulator.log')
        self.lifetime = lifetime
        self.proc = None
        self.url = None

    def start(self, env, wait=60):
        if os.path.exists(self.port_file):
            os.unlink(self.port_file)
        cmd = [tool('python'), os.path.join(EMULATOR, 'run.py'), '--port', '0', '--port-file', self.port_file,
               '--lifetime', str(self.lifetime)]
        with open(self.log_file, 'wb') as log:
            self.proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=log,
                                         stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.time() + wait
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit('make demo: the local cloud exited (%s); see %s' % (self.proc.returncode, self.log_file))
            try:
                with open(self.port_file, encoding='utf-8') as handle:
                    self.url = json.load(handle)['url'].rstrip('/')
                with urllib.request.urlopen(self.url + '/_emulator/health', timeout=5) as answer:
                    if answer.status == 200:
                        return self.url
            except (OSError, ValueError, KeyError):
                pass
            time.sleep(0.2)
        raise SystemExit('make demo: the local cloud did not answer within %ss; see %s' % (wait, self.log_file))

    def requests(self):
        """The request log: every API call the scene made."""
        with urllib.request.urlopen(self.url + '/_emulator/log?since=0', timeout=10) as answer:
            return json.load(answer)['entries']

    def stop(self):
        if self.proc is None or self.proc.poll() is not None:
            return
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(self.proc.pid, sig)
                self.proc.wait(5)
                return
            except ProcessLookupError:
                return
            except subprocess.TimeoutExpired:
                continue


def local_cloud_exports():
    """tests/emulator/exports.py: the environment that points the collection at the local cloud (`make emulator` prints it)."""
    spec = importlib.util.spec_from_file_location('dbgov_emulator_exports', os.path.join(EMULATOR, 'exports.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main():
    started = time.time()
    demo = os.path.abspath(os.environ.get('DEMO_DIR') or os.path.join(ROOT, 'tests', 'output', 'demo'))
    reports = os.path.join(demo, 'reports')
    os.makedirs(demo, exist_ok=True)
    shutil.rmtree(reports, ignore_errors=True)
    env = child_env()

    say('=== 1/3 build and install the collection into %s' % shown(demo))
    collections = install_collection(demo, env)

    say('=== 2/3 start the local cloud (Huawei Cloud IAM/DDM/DCS/DAS and Alibaba Cloud PolarDB/Bastionhost APIs on loopback)')
    cloud = LocalCloud(demo)
    previous = signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        url = cloud.start(env)
        say('local cloud at %s (pid %d), seeded from tests/emulator/seed/*.json' % (url, cloud.proc.pid))
        settings = local_cloud_exports().settings(url)
        inventory = os.path.join(demo, 'inventory.ini')
        with open(inventory, 'w', encoding='utf-8') as handle:
            handle.write('localhost ansible_connection=local ansible_python_interpreter=%s\n' % tool('python'))
        env.update(settings)
        env.update(ANSIBLE_COLLECTIONS_PATH=collections, ANSIBLE_CALLBACK_RESULT_FORMAT='yaml',
                   ANSIBLE_LOCALHOST_WARNING='False', ANSIBLE_DEPRECATION_WARNINGS='False', ANSIBLE_RETRY_FILES_ENABLED='False',
                   ANSIBLE_PIPELINING='True')
        cmd = [tool('ansible-playbook'), '-i', inventory, 'dbgov.cloud.demo',
               '-e', 'demo_report_dir=' + reports, '-e', 'demo_emulator_url=' + url]

        say('=== 3/3 the scene: review, offboarding in check mode with diff, offboarding, second review')
        say('Credentials and endpoints come from the environment only, as `make emulator` prints them (the local')
        say('cloud\'s test keys); the same playbook runs against real clouds with real keys and no DBGOV_*_ENDPOINT variable.')
        say()
        run(cmd, env=env, cwd=demo)

        entries = cloud.requests()
        log_path = os.path.join(demo, 'requests.json')
        with open(log_path, 'w', encoding='utf-8') as handle:
            json.dump(entries, handle, indent=1)
    finally:
        cloud.stop()
        signal.signal(signal.SIGTERM, previous)

    writes = [e for e in entries if e.get('write')]
    say()
    say('=== make demo: done in %.0fs' % (time.time() - started))
    say('Reports (open the HTML in a browser; the same rows are in .md, .csv and .json):')
    for name in ('before', 'after'):
        say('  %-7s %s' % (name + ':', shown(os.path.join(reports, name + '.html'))))
    say('API calls the scene made: %d (%d writes), logged in %s' % (len(entries), len(writes), shown(log_path)))
    say('This local cloud is stopped now. To run the scene, or a playbook of your own, against one that stays up:')
    say('  make emulator     # in a second shell: starts the local cloud on port 8765 and prints the exports to paste here')
    say('  ANSIBLE_COLLECTIONS_PATH=%s .venv/bin/ansible-playbook dbgov.cloud.demo -e demo_report_dir=$PWD/reports'
        % shown(collections))
    say('(or `make install` once, then `. .venv/bin/activate` and plain `ansible-playbook`). Nothing ran against a real')
    say('cloud; for real clouds see README.md "Quick start".')
    return 0


if __name__ == '__main__':
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(130)
