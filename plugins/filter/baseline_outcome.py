# -*- coding: utf-8 -*-
# Copyright: dbgov.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The baseline_outcome filter: the drift report of the access_baseline role from its registered results."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
name: baseline_outcome
short_description: The drift report of an access baseline run from its registered results
version_added: 1.0.0
description:
  - Used by the role C(dbgov.cloud.access_baseline) to build its
    facts C(access_baseline_summary) and C(access_baseline_drift) and its printed report in one call (instead of a large
    template evaluated on every host).
  - DDM and DCS rows come from the modules' per-account results (M(dbgov.cloud.ddm_user) C(users),
    M(dbgov.cloud.dcs_acl_account) C(accounts)) - per instance the enforcement's result when it ran, else the plan's.
    Bastionhost rows come from M(dbgov.cloud.bastion_db_access) and M(dbgov.cloud.bastion_user), PolarDB rows from
    M(dbgov.cloud.polardb_account) and the account lists read before.
options:
  _input:
    description:
      - The registered results of the role's tasks, keyed C(ddm_plan), C(ddm_done), C(dcs_plan), C(dcs_done),
        C(bastionhost_read), C(bastionhost_done), C(bastionhost_groups_done), C(polardb_read), C(polardb_done) (a key
        that is missing or null gives no row), plus C(check_mode) (bool), C(applied) (bool - whether the enforcement
        tasks ran in this run; without, the C(*_done) DDM/DCS results are ignored), C(instances) (the instances in
        scope, from the filter C(dbgov.cloud.baseline_scope)) and C(discover) (bool - print the instance counts).
    type: dict
    required: true
author:
  - dbgov.cloud contributors
'''

EXAMPLES = r'''
- name: The drift of this run
  ansible.builtin.set_fact:
    drift: "{{ (results | dbgov.cloud.baseline_outcome).drift }}"
'''

RETURN = r'''
_value:
  description: The report.
  type: dict
  contains:
    summary:
      description:
        - One item per declared account or principal, plus one per undeclared account of an exclusive instance, with
          C(cloud), C(service), C(instance), C(identity), C(source), C(drift), C(action), C(changed), C(actions), C(note).
      type: list
      elements: dict
    drift:
      description: The items of C(summary) whose C(drift) is not V(none).
      type: list
      elements: dict
    unresolved:
      description: What cannot be made (C(cloud), C(service), C(instance), C(identity), C(note)).
      type: list
      elements: dict
    lines:
      description: The printed report, one string per line.
      type: list
      elements: str
'''

import re

UNRESOLVED_NOTES = {
    'cannot create: password not given': 'cannot create: no password in access_baseline_passwords',
    'cannot create: password and base_authority not given': 'cannot create: no password in access_baseline_passwords',
    'cannot create: base_authority not given': 'cannot create: base_authority is not declared',
    'cannot create: role and password not given': 'cannot create: no password in access_baseline_passwords',
    'cannot create: role not given': 'cannot create: role is not declared',
}
ACTIONS = {'undeclared': 'delete', 'missing': 'create', 'different': 'update'}


def _results(registered):
    return (registered or {}).get('results') or []


def _huawei_rows(data, unresolved):
    rows = []
    for service, key in (('ddm', 'users'), ('dcs', 'accounts')):
        done = _results(data.get(service + '_done')) if data.get('applied') else []
        applied = dict(((r.get('item') or {}).get('instance_id'), r) for r in done)
        for planned in _results(data.get(service + '_plan')):
            item = planned.get('item') or {}
            result = applied.get(item.get('instance_id'), planned)
            for entry in result.get(key) or []:
                note = UNRESOLVED_NOTES.get(entry.get('note'), entry.get('note')) if entry.get('note') else ''
                if entry.get('drift') == 'unresolved':
                    unresolved.append({'cloud': 'huaweicloud', 'service': service, 'instance': item.get('instance_id'),
                                       'identity': entry.get('name'), 'note': note})
                rows.append({'cloud': 'huaweicloud', 'service': service, 'instance': item.get('instance_id'), 'identity': entry.get('name'),
                             'source': item.get('source', 'listed'),
                             'drift': 'missing' if entry.get('drift') == 'unresolved' else entry.get('drift'),
                             'action': ACTIONS.get(entry.get('drift'), 'none'), 'changed': bool(entry.get('changed')),
                             'actions': entry.get('actions') or [], 'note': note})
    return rows


def _bastion_rows(data, unresolved):
    rows = []
    for read in _results(data.get('bastionhost_read')):
        if 'principal' not in read:
            host, principal = read['item'][0], read['item'][1]
            user = 'user_name' in principal
            unresolved.append({'cloud': 'alibabacloud', 'service': 'bastionhost', 'instance': host.get('instance_id'),
                               'identity': principal['user_name'] if user else 'group:' + principal.get('user_group_name', ''),
                               'note': 'cannot create: no such bastion ' + ('user' if user else 'user group')})
    notes = dict(((u['instance'], u['identity']), u['note']) for u in unresolved if u['service'] == 'bastionhost')
    for result in _results(data.get('bastionhost_done')):
        host, principal = result['item']['item'][0], result['item']['item'][1]
        name = principal['user_name'] if 'user_name' in principal else 'group:' + principal.get('user_group_name', '')
        skipped, changed = bool(result.get('skipped')), bool(result.get('changed'))
        drift = 'missing' if skipped else 'different' if changed else 'none'
        operations = sorted(set(re.sub('To.*|From.*', '', a.get('operation', '')) for a in result.get('actions') or []))
        action = 'none' if drift != 'different' else 'grant' if operations == ['AttachDatabaseAccounts'] else (
            'revoke' if operations == ['DetachDatabaseAccounts'] else 'update')
        rows.append({'cloud': 'alibabacloud', 'service': 'bastionhost', 'instance': host.get('instance_id'), 'identity': name,
                     'source': host.get('source', 'listed'), 'drift': drift, 'changed': changed, 'actions': result.get('actions') or [],
                     'action': action, 'note': notes.get((host.get('instance_id'), name), '')})
    for result in _results(data.get('bastionhost_groups_done')):
        if result.get('skipped'):
            continue
        host, principal = result['item']['item'][0], result['item']['item'][1]
        changed = bool(result.get('changed'))
        rows.append({'cloud': 'alibabacloud', 'service': 'bastionhost_groups', 'instance': host.get('instance_id'),
                     'identity': principal.get('user_name'), 'source': host.get('source', 'listed'),
                     'drift': 'different' if changed else 'none', 'action': 'update' if changed else 'none', 'changed': changed,
                     'actions': result.get('actions') or [], 'note': ''})
    return rows


def _polardb_rows(data, unresolved):
    rows = []
    current = dict(((r.get('item') or {}).get('cluster_id'), set(a.get('account_name') for a in r.get('accounts') or []))
                   for r in _results(data.get('polardb_read')))
    for result in _results(data.get('polardb_done')):
        cluster, account = result['item'][0], result['item'][1]
        name, cluster_id = account.get('account_name'), cluster.get('cluster_id')
        missing = name not in current.get(cluster_id, set())
        skipped, changed = bool(result.get('skipped')), bool(result.get('changed'))
        note = ''
        if skipped and missing:   # skipped only when there is no password for an account to create
            note = 'cannot create: no password in access_baseline_passwords'
            unresolved.append({'cloud': 'alibabacloud', 'service': 'polardb', 'instance': cluster_id, 'identity': name, 'note': note})
        rows.append({'cloud': 'alibabacloud', 'service': 'polardb', 'instance': cluster_id, 'identity': name,
                     'source': cluster.get('source', 'listed'),
                     'drift': 'missing' if missing else 'different' if changed else 'none',
                     'action': 'none' if skipped or not changed else 'create' if missing else 'update',
                     'changed': changed, 'actions': result.get('actions') or [], 'note': note})
    return rows


def _lines(data, summary, drift):
    check_mode = bool(data.get('check_mode'))
    lines = ['%s: %d as declared, %d %s, %d unresolved' % (
        'Access baseline drift report (check mode, nothing written)' if check_mode else 'Access baseline enforced',
        sum(1 for r in summary if r['drift'] == 'none'), sum(1 for r in drift if r['changed']),
        'to fix' if check_mode else 'fixed', sum(1 for r in drift if not r['changed']))]
    instances = data.get('instances') or []
    left = [i for i in instances if i.get('status') != 'governed']
    if data.get('discover'):
        governed = [i for i in instances if i.get('status') == 'governed']
        lines.append('%d instances governed (%d discovered, not listed), %d left alone' % (
            len(governed), sum(1 for i in governed if i.get('source') == 'discovered'), len(left)))
    for i in left:
        lines.append(' '.join(part for part in (i.get('service'), i.get('instance'), i.get('name'), '- ' + i.get('status', ''),
                                                '(%s)' % i['note'] if i.get('note') else '') if part))
    for r in drift:
        operations = ', '.join(a.get('operation', '') for a in r['actions'])
        lines.append(' '.join(part for part in (r['service'], r['instance'], '%s:' % r['identity'], '%s,' % r['drift'], r['action'],
                                                '(%s)' % operations if operations else '',
                                                '- ' + r['note'] if r['note'] else '') if part))
    return lines


def baseline_outcome(data):
    """The dbgov.cloud.baseline_outcome filter."""
    data = data or {}
    unresolved = []
    summary = _huawei_rows(data, unresolved) + _bastion_rows(data, unresolved) + _polardb_rows(data, unresolved)
    drift = [r for r in summary if r['drift'] != 'none']
    return {'summary': summary, 'drift': drift, 'unresolved': unresolved, 'lines': _lines(data, summary, drift)}


class FilterModule(object):
    """dbgov.cloud filters."""

    def filters(self):
        return {'baseline_outcome': baseline_outcome}
