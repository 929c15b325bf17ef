# Copyright: dbgov.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""`make bench BENCH_ARGS='--fleet 10,50,200'`: the roles over a generated estate of N instances (issue "Fleet scale").

For each size N the emulator is seeded (control API ``POST /_emulator/seed/<service>``) with N/2 DDM and N/2 DCS
instances of 20 declared accounts each (N = 50: 1,000 accounts), and one inventory host per instance
(``connection: local``, the host's ``access_baseline_document`` holds its instance): instances as hosts. Per size:

* ``first``: access_baseline on the empty instances (creates every account),
* ``converged``: the same playbook again (must report changed=0 and make no write),
* ``review``: access_review over every instance (one host, the role's ``run_once`` reads),
* ``offboard``: offboard of one person who has an account on every instance (N writes).

Next to them, in the same run, 50 ``ansible.builtin.uri`` tasks (the per-task baseline) and, for the 50-instance
converged run, forks=1 against forks=4 (``--forks``, default 4 for the fleet runs). Each run reports wall time,
CPU time (user + sys of ansible-playbook and its module processes, ``getrusage(RUSAGE_CHILDREN)``), API calls
(the emulator's request log: all, writes, per operation) and task results (ok/changed/skipped lines of the default
callback, one per host and loop item). The goals of the issue are printed as ratios.
"""
from __future__ import annotations

import json
import resource
import subprocess
import sys
import time

ACCOUNTS = 20
PROJECT = 'e7f4b2c5a9d84f3e8c1b6a0d2f9e4c71'
PERSON = 'Fleet Leaver'
LEAVER = 'fleet_leaver'
PRIVS = [['SELECT'], ['SELECT', 'INSERT', 'UPDATE', 'DELETE']]


def ddm_id(i):
    return '%032x' % (0xf1ee7000 + i) + 'in09'


def dcs_id(i):
    return 'f1ee7000-0000-4000-8000-%012x' % i


def declared_ddm(i):
    users = [dict(name='acct_%02d' % k, base_authority=PRIVS[k % 2], databases=['app'], description='fleet account %d' % k)
             for k in range(ACCOUNTS - 1)]
    users.append(dict(name=LEAVER, base_authority=['SELECT'], databases=['app'], description=PERSON))
    return dict(instance_id=ddm_id(i), exclusive=True, users=users)


def declared_dcs(i):
    accounts = [dict(account_name='acct_%02d' % k, role=('read', 'write')[k % 2], description='fleet account %d' % k)
                for k in range(ACCOUNTS - 1)]
    accounts.append(dict(account_name=LEAVER, role='read', description=PERSON))
    return dict(instance_id=dcs_id(i), exclusive=True, accounts=accounts)


def seed_states(n, converged, base_ddm, base_dcs):
    """The emulator states: the regular seed plus n/2 DDM and n/2 DCS instances (with their accounts when ``converged``)."""
    ddm, dcs = json.loads(json.dumps(base_ddm)), json.loads(json.dumps(base_dcs))
    for i in range(n // 2):
        entry = declared_ddm(i)
        ddm['instances'].append(dict(id=entry['instance_id'], project_id=PROJECT, name='ddm-fleet-%03d' % i, schemas=['app'],
                                     users=[dict(u) for u in entry['users']] if converged else []))
        entry = declared_dcs(i)
        accounts = [dict(account_name='default', account_type='default', account_role='write')]
        if converged:
            accounts += [dict(account_name=a['account_name'], account_role=a['role'], description=a['description'])
                         for a in entry['accounts']]
        dcs['instances'].append(dict(instance_id=entry['instance_id'], name='redis-fleet-%03d' % i, project_id=PROJECT,
                                     cache_mode='ha', engine_version='6.0', capacity=1, accounts=accounts))
    return ddm, dcs


def passwords(n):
    result = {}
    for i in range(n // 2):
        for entry, key in ((declared_ddm(i), 'users'), (declared_dcs(i), 'accounts')):
            for account in entry[key]:
                result['%s/%s' % (entry['instance_id'], account.get('name') or account.get('account_name'))] = 'Fl33t-Pass_%d' % i
    return result


def inventory(n, url):
    """One host per instance: its document holds its instance only."""
    hosts = {}
    for i in range(n // 2):
        hosts['ddm-fleet-%03d' % i] = {'access_baseline_document': {'huaweicloud': {'ddm': [declared_ddm(i)]}}}
        hosts['redis-fleet-%03d' % i] = {'access_baseline_document': {'huaweicloud': {'dcs': [declared_dcs(i)]}}}
    variables = {'ansible_connection': 'local', 'ansible_python_interpreter': '{{ ansible_playbook_python }}', 'emulator_url': url}
    return {'fleet': {'hosts': hosts, 'vars': variables}}


def hw_defaults(defaults, project=True):
    values = dict(defaults)
    if project:
        values['project_id'] = PROJECT
    return {'group/dbgov.cloud.huaweicloud': values}


def playbooks(tmp, n, hw):
    """The playbooks of one size: baseline (hosts), review and offboard (localhost)."""
    baseline = [{'name': 'fleet baseline', 'hosts': 'fleet', 'gather_facts': False, 'module_defaults': hw,
                 'vars': {'access_baseline_passwords': passwords(n)},
                 'roles': [{'role': 'dbgov.cloud.access_baseline'}]}]
    review = [{'name': 'fleet review', 'hosts': 'localhost', 'connection': 'local', 'gather_facts': False,
               'module_defaults': hw,
               'vars': {'ansible_python_interpreter': '{{ ansible_playbook_python }}',
                        'access_review_ddm_instances': [{'instance_id': ddm_id(i)} for i in range(n // 2)],
                        'access_review_dcs_instances': [{'instance_id': dcs_id(i)} for i in range(n // 2)],
                        'access_review_output_dir': str(tmp / 'reports'), 'access_review_formats': ['json', 'csv']},
               'roles': [{'role': 'dbgov.cloud.access_review'}]}]
    offboard = [{'name': 'fleet offboard', 'hosts': 'localhost', 'connection': 'local', 'gather_facts': False,
                 'module_defaults': hw,
                 'vars': {'ansible_python_interpreter': '{{ ansible_playbook_python }}',
                          'offboard_person': {'name': PERSON,
                                              'ddm': [{'instance_id': ddm_id(i), 'user_name': LEAVER} for i in range(n // 2)],
                                              'dcs': [{'instance_id': dcs_id(i), 'account_name': LEAVER} for i in range(n // 2)]}},
                 'roles': [{'role': 'dbgov.cloud.offboard'}]}]
    document = {'huaweicloud': {'ddm': [declared_ddm(i) for i in range(n // 2)], 'dcs': [declared_dcs(i) for i in range(n // 2)]}}
    onehost = [{'name': 'fleet baseline, one host', 'hosts': 'localhost', 'connection': 'local', 'gather_facts': False,
                'module_defaults': hw,
                'vars': {'ansible_python_interpreter': '{{ ansible_playbook_python }}', 'access_baseline_passwords': passwords(n),
                         'access_baseline_document': document},
                'roles': [{'role': 'dbgov.cloud.access_baseline'}]}]
    paths = {}
    for name, book in (('baseline', baseline), ('onehost', onehost), ('review', review), ('offboard', offboard)):
        paths[name] = tmp / ('fleet-%s-%d.yml' % (name, n))
        paths[name].write_text(json.dumps(book))
    return paths


def count_results(stdout):
    """Task results in the default callback's output: one ok/changed/skipping/failed line per host and loop item."""
    return sum(1 for line in stdout.splitlines() if line.startswith(('ok: [', 'changed: [', 'skipping: [', 'failed: [', 'fatal: [')))


def run_case(bench, label, args, expect_changed, expect_writes=None):
    """Run ansible-playbook ``args``; return the measured row (exits on failure or on an unexpected change), or None
    when ``label`` matches one of ``bench.skip`` (substrings)."""
    if any(word in label for word in getattr(bench, 'skip', None) or ()):
        return None
    mark = bench.http_json(bench.url + '/_emulator/log?since=999999999')['last_seq']
    cpu0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.monotonic()
    res = subprocess.run([bench.playbook_bin] + args, env=bench.env, cwd=str(bench.tmp), capture_output=True, text=True, check=False)
    wall = time.monotonic() - t0
    cpu1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = cpu1.ru_utime + cpu1.ru_stime - cpu0.ru_utime - cpu0.ru_stime
    entries = bench.http_json(bench.url + '/_emulator/log?since=%d' % mark)['entries']
    writes = sum(1 for e in entries if e.get('write'))
    ops = {}
    for e in entries:
        op = e.get('operation')
        ops[op] = ops.get(op, 0) + 1
    changed_hosts = [line for line in res.stdout.splitlines() if ' changed=' in line and 'changed=0' not in line]
    failed = res.returncode != 0 or (expect_changed is False and changed_hosts) or (
        expect_writes is not None and writes != expect_writes)
    row = dict(case=label, wall=wall, cpu=cpu, calls=len(entries), writes=writes, ops=ops, tasks=count_results(res.stdout),
               load=bench.loadavg())
    print('%-34s %8.1f s wall %8.1f s CPU %6d calls (%d writes) %6d task results  load %s' % (
        label, wall, cpu, len(entries), writes, row['tasks'], row['load']), flush=True)
    if failed:
        sys.stderr.write(res.stdout[-4000:] + res.stderr[-3000:])
        sys.exit('%s failed (rc %d), changed %d host(s), %d writes (expected %s)' % (
            label, res.returncode, len(changed_hosts), writes, expect_writes))
    return row


def run(bench, sizes, forks, first_max=None):
    """The fleet table over ``sizes``; returns (rows, markdown). Sizes above ``first_max`` skip the first runs (their
    instances are seeded converged)."""
    base_ddm = bench.http_json(bench.url + '/_emulator/state/ddm')
    base_dcs = bench.http_json(bench.url + '/_emulator/state/dcs')
    tmp = bench.tmp
    hw = hw_defaults(dict(bench.HW_DEFAULTS, endpoint=bench.url + '/{service}'))
    uri_book = tmp / 'fleet-uri.yml'
    uri_book.write_text(json.dumps(bench.playbook('uri', 50)))
    empty_book = tmp / 'fleet-empty.yml'
    empty_book.write_text(json.dumps(bench.playbook('uri', 0)))
    rows = [run_case(bench, 'empty playbook', [str(empty_book), '-e', 'emulator_url=' + bench.url], False),
            run_case(bench, '50 uri tasks', [str(uri_book), '-e', 'emulator_url=' + bench.url], False)]
    for n in sizes:
        if n != sizes[0]:   # the per-task baseline again, next to this size's runs (the load drifts)
            rows.append(run_case(bench, '50 uri tasks (before %d instances)' % n, [str(uri_book), '-e', 'emulator_url=' + bench.url],
                                 False))
        inv = tmp / ('fleet-inventory-%d.json' % n)
        inv.write_text(json.dumps(inventory(n, bench.url)))
        books = playbooks(tmp, n, hw)
        first = first_max is None or n <= first_max
        ddm, dcs = seed_states(n, not first, base_ddm, base_dcs)
        bench.http_json(bench.url + '/_emulator/seed/ddm', 'POST', ddm)
        bench.http_json(bench.url + '/_emulator/seed/dcs', 'POST', dcs)
        hosts = ['-i', str(inv), '-f', str(forks)]
        if first:
            rows.append(run_case(bench, 'baseline first run, %d instances' % n, [str(books['baseline'])] + hosts, True,
                                 expect_writes=n * ACCOUNTS))
        rows.append(run_case(bench, 'baseline converged, %d instances' % n, [str(books['baseline'])] + hosts, False,
                             expect_writes=0))
        if n == 50 and forks != 1:
            rows.append(run_case(bench, 'baseline converged, 50 instances, forks=1',
                                 [str(books['baseline']), '-i', str(inv), '-f', '1'], False, expect_writes=0))
        # the same estate declared on one host (the whole document in one role run): reseed empty, first run, re-run
        if first:
            bench.http_json(bench.url + '/_emulator/seed/ddm', 'POST', ddm)
            bench.http_json(bench.url + '/_emulator/seed/dcs', 'POST', dcs)
            rows.append(run_case(bench, 'baseline first run, %d instances, one host' % n, [str(books['onehost'])], True,
                                 expect_writes=n * ACCOUNTS))
        rows.append(run_case(bench, 'baseline converged, %d instances, one host' % n, [str(books['onehost'])], False,
                             expect_writes=0))
        rows.append(run_case(bench, 'review, %d instances' % n, [str(books['review'])], None, expect_writes=0))   # writes its reports: changed
        rows.append(run_case(bench, 'offboard, %d instances' % n, [str(books['offboard'])], True, expect_writes=n))
    rows = [row for row in rows if row is not None]
    return rows, markdown(rows, sizes, forks)


def markdown(rows, sizes, forks):
    by = dict((r['case'], r) for r in rows)

    def uri_for(case):
        size = [int(w) for w in case.replace(',', ' ').split() if w.isdigit()]
        key = '50 uri tasks (before %d instances)' % size[0] if size else None
        return key if key in by else '50 uri tasks'
    lines = ['| run | wall s | CPU s | API calls (writes) | task results | wall vs 50 uri | CPU vs 50 uri | load (1/5/15) |',
             '| --- | --- | --- | --- | --- | --- | --- | --- |']
    for r in rows:
        lines.append('| %s | %.1f | %.1f | %d (%d) | %d | %s | %s | %s |' % (
            r['case'], r['wall'], r['cpu'], r['calls'], r['writes'], r['tasks'],
            '-' if r['case'].startswith('50 uri') else '%.2f×' % (r['wall'] / by[uri_for(r['case'])]['wall']),
            '-' if r['case'].startswith('50 uri') else '%.2f×' % (r['cpu'] / by[uri_for(r['case'])]['cpu']),
            r['load']))
    goals = ['', 'forks = %d for the baseline runs with a host per instance; each ratio is against the 50 uri tasks run '
                 'just before that size.' % forks, '']

    def ratio(case, other=None, limit=None, what=''):
        other = other or (uri_for(case) if case in by else None)
        if case not in by or other not in by:
            return
        a, b = by[case], by[other]
        ok_wall, ok_cpu = a['wall'] <= limit * b['wall'], a['cpu'] <= limit * b['cpu']
        goals.append('* %s: wall %.2f×, CPU %.2f× (goal ≤ %s×) - %s' % (
            what, a['wall'] / b['wall'], a['cpu'] / b['cpu'], limit,
            'met' if ok_wall and ok_cpu else 'CPU met, wall not (load)' if ok_cpu else 'not met'))
    ratio('baseline converged, 50 instances, one host', limit=2,
          what='Goal 1, converged access_baseline over 50 instances (one host) vs 50 uri tasks')
    ratio('baseline converged, 50 instances', limit=2,
          what='Goal 1, converged access_baseline over 50 instances (a host per instance) vs 50 uri tasks')
    if 200 in sizes and 50 in sizes:
        ratio('baseline converged, 200 instances', 'baseline converged, 50 instances', 4.4,
              'Goal 2, converged 200 vs 50 instances')
        ratio('baseline converged, 200 instances, one host', 'baseline converged, 50 instances, one host', 4.4,
              'Goal 2, converged 200 vs 50 instances, one host')
        ratio('baseline first run, 200 instances', 'baseline first run, 50 instances', 4.4, 'Goal 2, first run 200 vs 50 instances')
    ratio('review, 50 instances', limit=1.5, what='Goal 4, access_review over 50 instances vs 50 uri tasks')
    ratio('offboard, 50 instances', limit=1.5, what='Goal 4, offboard over 50 instances vs 50 uri tasks')
    for n in sizes:
        first = by.get('baseline first run, %d instances' % n)
        if first:
            goals.append('* Goal 3, first run over %d instances: %d writes for %d accounts, %d reads (%.1f per instance)' % (
                n, first['writes'], n * ACCOUNTS, first['calls'] - first['writes'], (first['calls'] - first['writes']) / n))
    if 'baseline converged, 50 instances, forks=1' in by:
        ratio('baseline converged, 50 instances', 'baseline converged, 50 instances, forks=1', 1.0,
              'forks=%d vs forks=1, converged 50 instances' % forks)
    return '\n'.join(lines + goals)
