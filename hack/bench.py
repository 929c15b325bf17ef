# Copyright: dbgov.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""`make bench`: per-task overhead benchmark of the dbgov.cloud modules against the local cloud (tests/emulator).

Method (docs/benchmark.md): for every case a playbook with
N copies of one task (hosts: localhost, connection: local, gather_facts: false, interpreter =
ansible_playbook_python, the collection found through ANSIBLE_COLLECTIONS_PATH -> a temp dir whose
ansible_collections/dbgov/cloud is a symlink to this repo), plus one playbook with no task (t(0)); each is run
--runs times (interleaved, so load drift hits every case alike); ms/task = (median t(N) - median t(0)) / N.
The same slope is taken of the CPU time (user + sys) of ansible-playbook and its module processes, which a busy
machine disturbs much less than wall time. API calls per task come from the emulator's request log
(GET /_emulator/log): requests logged during the runs of a case / (runs * N), writes counted apart; every
playbook must end with changed=0 (the stateful cases are no-change re-runs against the seeded estate).

    .venv/bin/python hack/bench.py [--n 50] [--runs 3] [--only uri,ddm_user_info] [--json out.json] [--markdown out.md]
    .venv/bin/python hack/bench.py --fleet 10,50,200 [--forks 4] [--json out.json] [--markdown out.md]   # hack/bench_fleet.py

Uses the Python it runs with for the emulator and for ansible-playbook (the one next to it); needs
tests/emulator/requirements.txt installed there (.venv has them; `make bench BENCH_ARGS='--n 50'`).
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import signal
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
HW_PROJECT = 'e7f4b2c5a9d84f3e8c1b6a0d2f9e4c71'   # seeded IAM: cn-north-4
HW_DEFAULTS = {
    'region': 'cn-north-4', 'access_key': 'HWEMUAK0000000000001',
    'secret_key': 'HWEMUSK0000000000000000000000000000000001', 'endpoint': '{{ emulator_url }}/{service}',
}
ALI_DEFAULTS = {
    'region': 'cn-hangzhou', 'access_key': 'LTAIemu000000000001',
    'secret_key': 'emuSecret0000000000000000000001', 'endpoint': '{{ emulator_url }}/{service}',
}
DDM_ORDERS = '0a8f1c6baa124e99853719d9257324dfin09'   # seeded: 7 accounts

# name -> (task, module_defaults, description)
CASES = {
    'uri': (
        {'ansible.builtin.uri': {'url': '{{ emulator_url }}/_emulator/health', 'return_content': False}},
        {}, '`ansible.builtin.uri` GET of the emulator health URL (unsigned; control API, not logged) - baseline'),
    'ddm_user_info': (
        {'dbgov.cloud.ddm_user_info': {'instance_id': DDM_ORDERS}},
        {'group/dbgov.cloud.huaweicloud': dict(HW_DEFAULTS, project_id=HW_PROJECT)},
        '`dbgov.cloud.ddm_user_info` (7 accounts), project_id set'),
    'ddm_user': (
        {'dbgov.cloud.ddm_user': {
            'instance_id': DDM_ORDERS, 'name': 'bi_readonly', 'base_authority': ['SELECT'],
            'databases': ['orders', 'billing'], 'description': 'BI dashboards (read-only)'}},
        {'group/dbgov.cloud.huaweicloud': dict(HW_DEFAULTS, project_id=HW_PROJECT)},
        '`dbgov.cloud.ddm_user` existing account, no change (re-run), project_id set'),
    'polardb_account_info': (
        {'dbgov.cloud.polardb_account_info': {'cluster_id': 'pc-bp1orders0prod01'}},
        {'group/dbgov.cloud.alibabacloud': ALI_DEFAULTS},
        '`dbgov.cloud.polardb_account_info` (one cluster, all accounts)'),
    'bastion_db_access': (
        {'dbgov.cloud.bastion_db_access': {
            'instance_id': 'bastionhost-cn-emu0prod01', 'user_name': 'asmith',
            'databases': [{'database_id': '1', 'account_ids': ['13']}]}},
        {'group/dbgov.cloud.alibabacloud': ALI_DEFAULTS},
        '`dbgov.cloud.bastion_db_access` grant already held, no change (re-run)'),
    'ddm_user_info_no_project_id': (
        {'dbgov.cloud.ddm_user_info': {'instance_id': DDM_ORDERS}},
        {'group/dbgov.cloud.huaweicloud': HW_DEFAULTS},
        '`dbgov.cloud.ddm_user_info` without project_id (IAM project lookup in every task)'),
}


def http_json(url, method='GET', body=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method=method, headers={'Content-Type': 'application/json'})
    with urllib.request.urlopen(req, timeout=30) as resp:
        return json.loads(resp.read() or b'null')


def start_emulator(tmp):
    port_file = tmp / 'emulator.json'
    proc = subprocess.Popen([sys.executable, str(REPO / 'tests/emulator/run.py'), '--port', '0', '--port-file',
                             str(port_file), '--lifetime', '3600'], stdout=subprocess.DEVNULL, stderr=open(tmp / 'emulator.err', 'w'))
    deadline = time.time() + 30
    while not port_file.exists():
        if proc.poll() is not None or time.time() > deadline:
            proc.kill()
            sys.exit('emulator did not start: %s' % (tmp / 'emulator.err').read_text())
        time.sleep(0.1)
    return proc, json.loads(port_file.read_text())['url']


def playbook(case, n):
    task, defaults, _desc = CASES[case][:3]
    play = {'name': 'bench %s x%d' % (case, n), 'hosts': 'localhost', 'connection': 'local', 'gather_facts': False,
            'vars': {'ansible_python_interpreter': '{{ ansible_playbook_python }}'},
            'tasks': [dict(task, name='t%d' % i) for i in range(n)]}
    if defaults:
        play['module_defaults'] = defaults
    return [play]


def machine_facts():
    cpu = ''
    try:
        for line in Path('/proc/cpuinfo').read_text().splitlines():
            if line.startswith('model name'):
                cpu = line.split(':', 1)[1].strip()
                break
    except OSError:
        pass
    mem = ''
    try:
        kb = int(Path('/proc/meminfo').read_text().split()[1])
        mem = '%.1f GiB' % (kb / 1048576)
    except (OSError, ValueError, IndexError):
        pass
    version = subprocess.run([str(Path(sys.executable).parent / 'ansible-playbook'), '--version'],
                             capture_output=True, text=True, check=False).stdout.splitlines()[0]
    return {'cpus': os.cpu_count(), 'cpu': cpu, 'memory': mem, 'python': platform.python_version(),
            'platform': platform.platform(), 'ansible': version}


def loadavg():
    return '%.2f %.2f %.2f' % os.getloadavg()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n', maxsplit=1)[0])
    ap.add_argument('--n', type=int, default=50, help='tasks per playbook (default 50: ~5.5 min quiet, ~8 min at load 4; 30 if pressed)')
    ap.add_argument('--runs', type=int, default=3, help='runs per playbook, the median counts (default 3)')
    ap.add_argument('--only', help='comma-separated cases (default all: %s)' % ','.join(CASES))
    ap.add_argument('--json', help='write the raw results here')
    ap.add_argument('--markdown', help='write the markdown table here')
    ap.add_argument('--fleet', help='fleet mode: comma-separated estate sizes in instances (e.g. 10,50,200; hack/bench_fleet.py)')
    ap.add_argument('--forks', type=int, default=4, help='fleet mode: forks of the access_baseline runs (default 4)')
    ap.add_argument('--fleet-skip', help='fleet mode: comma-separated substrings of run names to leave out (e.g. "offboard,forks=1")')
    ap.add_argument('--fleet-first-max', type=int, help='fleet mode: measure first runs only up to this size (larger estates are '
                    'seeded converged)')
    args = ap.parse_args()
    cases = args.only.split(',') if args.only else list(CASES)
    for c in cases:
        if c not in CASES:
            sys.exit('unknown case %s (known: %s)' % (c, ', '.join(CASES)))
    playbook_bin = str(Path(sys.executable).parent / 'ansible-playbook')
    signal.signal(signal.SIGTERM, lambda *_: sys.exit('terminated'))   # so the emulator is stopped and tmp removed

    tmp = Path(tempfile.mkdtemp(prefix='dbgov-bench-'))
    proc = None
    try:
        coll = tmp / 'collections' / 'ansible_collections' / 'dbgov'
        coll.mkdir(parents=True)
        (coll / 'cloud').symlink_to(REPO)
        proc, url = start_emulator(tmp)
        env = {k: v for k, v in os.environ.items() if not k.startswith('ANSIBLE_')}
        env.update(ANSIBLE_COLLECTIONS_PATH=str(tmp / 'collections'), ANSIBLE_LOCALHOST_WARNING='False',
                   ANSIBLE_INVENTORY_UNPARSED_WARNING='False', ANSIBLE_RETRY_FILES_ENABLED='False',
                   ANSIBLE_DEPRECATION_WARNINGS='False', ANSIBLE_NOCOLOR='1', ANSIBLE_HOME=str(tmp / 'ansible_home'))
        if args.fleet:
            return fleet(args, tmp, url, env, playbook_bin)
        books = {('empty', 0): tmp / 'empty.yml'}
        books[('empty', 0)].write_text(json.dumps(playbook('uri', 0)))
        for c in cases:
            books[(c, args.n)] = tmp / ('%s.yml' % c)
            books[(c, args.n)].write_text(json.dumps(playbook(c, args.n)))

        facts = machine_facts()
        load_before = loadavg()
        started = time.time()
        times = {key: [] for key in books}
        cpu = {key: [] for key in books}   # user+sys CPU of ansible-playbook and its module processes (not the emulator)
        calls = {c: {'total': 0, 'writes': 0, 'ops': {}} for c in cases}
        http_json(url + '/_emulator/reset', 'POST', {})
        subprocess.run([playbook_bin, str(books[('empty', 0)])], env=env, cwd=str(tmp), capture_output=True, check=False)  # warm-up
        for run in range(args.runs):
            for key, path in books.items():
                mark = http_json(url + '/_emulator/log?since=999999999')['last_seq']
                cpu0 = resource.getrusage(resource.RUSAGE_CHILDREN)
                t0 = time.monotonic()
                res = subprocess.run([playbook_bin, str(path), '-e', 'emulator_url=' + url], env=env, cwd=str(tmp),
                                     capture_output=True, text=True, check=False)
                elapsed = time.monotonic() - t0
                cpu1 = resource.getrusage(resource.RUSAGE_CHILDREN)
                cpu[key].append(cpu1.ru_utime + cpu1.ru_stime - cpu0.ru_utime - cpu0.ru_stime)
                if res.returncode != 0 or (key[0] != 'empty' and 'changed=0' not in res.stdout):
                    sys.stderr.write(res.stdout[-3000:] + res.stderr[-3000:])
                    sys.exit('%s failed (rc %d) or reported a change' % (key[0], res.returncode))
                times[key].append(elapsed)
                entries = http_json(url + '/_emulator/log?since=%d' % mark)['entries']
                if key[0] != 'empty':
                    acc = calls[key[0]]
                    acc['total'] += len(entries)
                    acc['writes'] += sum(1 for e in entries if e.get('write'))
                    for e in entries:
                        op = '%s.%s' % (e.get('service'), e.get('operation'))
                        acc['ops'][op] = acc['ops'].get(op, 0) + 1
                print('run %d %-28s %6.2f s  cpu %6.2f s  %3d requests  load %s' % (
                    run + 1, key[0], elapsed, cpu[key][-1], len(entries), loadavg()), flush=True)
        total = time.time() - started
        load_after = loadavg()

        t_empty = statistics.median(times[('empty', 0)])
        c_empty = statistics.median(cpu[('empty', 0)])
        rows = []
        for c in cases:
            t_n = statistics.median(times[(c, args.n)])
            per = (t_n - t_empty) / args.n * 1000
            cpu_per = (statistics.median(cpu[(c, args.n)]) - c_empty) / args.n * 1000
            k = args.runs * args.n
            rows.append({'case': c, 'description': CASES[c][2], 't0': t_empty, 'tn': t_n, 'ms_per_task': per,
                         'cpu_ms_per_task': cpu_per, 'cpu_runs': cpu[(c, args.n)],
                         'runs': times[(c, args.n)], 'calls_per_task': calls[c]['total'] / k,
                         'writes_per_task': calls[c]['writes'] / k,
                         'ops_per_task': {op: v / k for op, v in sorted(calls[c]['ops'].items())}})
        base = next((r['ms_per_task'] for r in rows if r['case'] == 'uri'), None)
        cbase = next((r['cpu_ms_per_task'] for r in rows if r['case'] == 'uri'), None)
        lines = ['| task | t(0) s | t(%d) s (runs) | ms/task | vs uri | CPU ms/task | CPU vs uri | API calls/task (writes) '
                 '| operations/task |' % args.n,
                 '| --- | --- | --- | --- | --- | --- | --- | --- | --- |']
        for r in rows:
            vs = '%+.0f ms' % (r['ms_per_task'] - base) if base is not None and r['case'] != 'uri' else '-'
            cvs = '%+.0f ms' % (r['cpu_ms_per_task'] - cbase) if cbase is not None and r['case'] != 'uri' else '-'
            ops = ', '.join('%s %g' % (op, v) for op, v in r['ops_per_task'].items()) or '- (1 unlogged GET)'
            lines.append('| %s | %.2f | %.2f (%s) | %.0f | %s | %.0f | %s | %g (%g) | %s |' % (
                r['description'], r['t0'], r['tn'], ', '.join('%.2f' % t for t in r['runs']), r['ms_per_task'], vs,
                r['cpu_ms_per_task'], cvs,
                r['calls_per_task'], r['writes_per_task'], ops))
        table = '\n'.join(lines)
        summary = ('N = %d, %d runs per playbook (median), t(0) runs: %s; total %.0f s; load average before %s, after %s'
                   % (args.n, args.runs, ', '.join('%.2f' % t for t in times[('empty', 0)]), total, load_before, load_after))
        emit(args, table, summary, facts)
        if args.json:
            Path(args.json).write_text(json.dumps({'n': args.n, 'runs_per_case': args.runs, 'rows': rows, 'facts': facts,
                                                   'load_before': load_before, 'load_after': load_after,
                                                   'total_seconds': total, 't0_runs': times[('empty', 0)],
                                                   't0_cpu_runs': cpu[('empty', 0)],
                                                   'date': time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, indent=1))
    finally:
        if proc is not None:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
        shutil.rmtree(tmp, ignore_errors=True)


def emit(args, table, summary, facts):
    """Print the table, the summary and the machine; write the markdown file when asked."""
    print()
    print(table)
    print()
    print(summary)
    print('machine: %s' % json.dumps(facts))
    if args.markdown:
        Path(args.markdown).write_text(table + '\n\n' + summary + '\n')


def fleet(args, tmp, url, env, playbook_bin):
    """--fleet: the roles over generated estates (hack/bench_fleet.py), 50 uri tasks in the same run."""
    sys.path.insert(0, str(REPO / 'hack'))
    import bench_fleet  # pylint: disable=import-outside-toplevel
    bench = argparse.Namespace(url=url, env=env, tmp=tmp, playbook_bin=playbook_bin, http_json=http_json, loadavg=loadavg,
                               playbook=playbook, HW_DEFAULTS=HW_DEFAULTS,
                               skip=[w for w in (args.fleet_skip or '').split(',') if w])
    sizes = [int(s) for s in args.fleet.split(',')]
    facts, load_before, started = machine_facts(), loadavg(), time.time()
    rows, table = bench_fleet.run(bench, sizes, args.forks, args.fleet_first_max)
    summary = 'total %.0f s; load average before %s, after %s; %s cores' % (time.time() - started, load_before, loadavg(), os.cpu_count())
    emit(args, table, summary, facts)
    if args.json:
        Path(args.json).write_text(json.dumps({'sizes': sizes, 'forks': args.forks, 'rows': rows, 'facts': facts,
                                               'date': time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, indent=1))


if __name__ == '__main__':
    main()
