# -*- coding: utf-8 -*-
# Copyright: dbgov.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""baseline_scope and baseline_outcome: the access_baseline role's scope (listed, discovered, excluded) and report."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.dbgov.cloud.plugins.filter import baseline_outcome as outcome_plugin
from ansible_collections.dbgov.cloud.plugins.filter import baseline_scope as scope_plugin
from ansible_collections.dbgov.cloud.plugins.filter.baseline_outcome import baseline_outcome
from ansible_collections.dbgov.cloud.plugins.filter.baseline_scope import baseline_scope

LISTED = 'a' * 32 + 'in09'
TEAM = 'b' * 32 + 'in09'
PAYMENTS = 'c' * 32 + 'in09'


def found(*instances):
    return {'changed': False, 'instances': [dict(i, region=i.get('region', 'cn-north-4')) for i in instances]}


def test_scope_listed_discovered_excluded_unsupported():
    document = {'huaweicloud': {
        'ddm': [{'instance_id': LISTED, 'users': [{'name': 'own'}]}],
        'ddm_discovered': {'exclude': ['ddm-payments'], 'exclusive': True, 'users': [{'name': 'svc_app'}]},
        'dcs_discovered': {'exclude': ['redis-2'], 'accounts': [{'account_name': 'ro'}]}}}
    scope = baseline_scope(document, {
        'ddm': found({'instance_id': LISTED, 'name': 'ddm-listed'}, {'instance_id': TEAM, 'name': 'ddm-team', 'project_id': 'p1'},
                     {'instance_id': PAYMENTS, 'name': 'ddm-payments'}),
        'dcs': found({'instance_id': 'redis-1', 'name': 'r1', 'acl_supported': True, 'region': 'ap-southeast-1'},
                     {'instance_id': 'redis-2', 'name': 'r2', 'acl_supported': True},
                     {'instance_id': 'memc', 'name': 'm', 'acl_supported': False, 'engine': 'Memcached', 'engine_version': '1.5'})})
    # the listed entry is kept as it is (the template does not apply), the discovered one is built from the template
    assert scope['ddm']['entries'] == [
        {'instance_id': LISTED, 'users': [{'name': 'own'}]},
        {'instance_id': TEAM, 'region': 'cn-north-4', 'project_id': 'p1', 'exclusive': True, 'source': 'discovered',
         'users': [{'name': 'svc_app'}]}]
    assert [(i['instance'], i['source'], i['status']) for i in scope['ddm']['instances']] == [
        (LISTED, 'listed and discovered', 'governed'), (TEAM, 'discovered', 'governed'), (PAYMENTS, 'discovered', 'excluded')]
    assert [e['instance_id'] for e in scope['dcs']['entries']] == ['redis-1']
    assert scope['dcs']['entries'][0]['region'] == 'ap-southeast-1' and scope['dcs']['entries'][0]['exclusive'] is False
    statuses = dict((i['instance'], (i['status'], i['note'])) for i in scope['dcs']['instances'])
    assert statuses == {'redis-1': ('governed', ''), 'redis-2': ('excluded', 'in the exclude list'),
                        'memc': ('unsupported', 'no ACL accounts on Memcached 1.5')}
    assert scope['polardb'] == {'entries': [], 'instances': []}


def test_scope_exclude_wins_over_a_listed_entry_and_no_template_discovers_nothing():
    document = {'huaweicloud': {'ddm': [{'instance_id': PAYMENTS}], 'ddm_discovered': {'exclude': [PAYMENTS]}},
                'alibabacloud': {'polardb': [{'cluster_id': 'pc-1'}]}}
    scope = baseline_scope(document, {'ddm': found({'instance_id': TEAM, 'name': 't'}),
                                      'polardb': found({'cluster_id': 'pc-2', 'name': 'x'})})
    assert [e['instance_id'] for e in scope['ddm']['entries']] == [TEAM]
    assert scope['ddm']['instances'][0]['status'] == 'excluded'
    # no polardb_discovered template: the discovery result is not used
    assert scope['polardb']['entries'] == [{'cluster_id': 'pc-1'}]
    document['alibabacloud']['polardb_discovered'] = {'accounts': [{'account_name': 'audit_ro'}]}
    scope = baseline_scope(document, {'polardb': found({'cluster_id': 'pc-2', 'name': 'x', 'db_type': 'MySQL'},
                                                       {'cluster_id': 'pc-3', 'name': 'pg', 'db_type': 'PostgreSQL'})})
    assert [e['cluster_id'] for e in scope['polardb']['entries']] == ['pc-1', 'pc-2']
    assert scope['polardb']['instances'][2]['status'] == 'unsupported'
    assert scope['polardb']['instances'][2]['note'] == 'not PolarDB for MySQL (PostgreSQL)'
    # a skipped discovery (nothing asked for) discovers nothing
    assert baseline_scope({'huaweicloud': {'ddm_discovered': {}}}, {'ddm': {'skipped': True}})['ddm']['entries'] == []
    with pytest.raises(AnsibleFilterError, match='baseline document'):
        baseline_scope(['not', 'a', 'dict'])


def account(name, drift, changed=False, note='', actions=None):
    return {'name': name, 'drift': drift, 'changed': changed, 'note': note, 'actions': actions or []}


def test_outcome_uses_the_enforcement_only_when_it_ran():
    plan = {'results': [{'item': {'instance_id': TEAM, 'source': 'discovered'}, 'changed': True,
                         'users': [account('svc_app', 'missing', True, actions=[{'operation': 'CreateDdmUser'}]),
                                   account('nopw', 'unresolved', note='cannot create: password not given')]}]}
    done = {'results': [{'item': {'instance_id': TEAM, 'source': 'discovered'}, 'changed': True,
                         'users': [account('svc_app', 'missing', True, actions=[{'operation': 'CreateDdmUser'}]),
                                   account('nopw', 'unresolved', note='cannot create: password not given')]}]}
    stale = {'results': [{'item': {'instance_id': TEAM}, 'users': [account('old', 'none')]}]}
    report = baseline_outcome({'ddm_plan': plan, 'ddm_done': stale, 'applied': False, 'check_mode': True})
    assert [r['identity'] for r in report['summary']] == ['svc_app', 'nopw']
    assert report['summary'][0]['source'] == 'discovered' and report['summary'][0]['action'] == 'create'
    assert report['unresolved'] == [{'cloud': 'huaweicloud', 'service': 'ddm', 'instance': TEAM, 'identity': 'nopw',
                                     'note': 'cannot create: no password in access_baseline_passwords'}]
    assert report['lines'][0] == 'Access baseline drift report (check mode, nothing written): 0 as declared, 1 to fix, 1 unresolved'
    assert report['lines'][1] == 'ddm %s svc_app: missing, create (CreateDdmUser)' % TEAM
    assert report['lines'][2].endswith('nopw: missing, none - cannot create: no password in access_baseline_passwords')
    applied = baseline_outcome({'ddm_plan': plan, 'ddm_done': done, 'applied': True})
    assert applied['lines'][0] == 'Access baseline enforced: 0 as declared, 1 fixed, 1 unresolved'


def test_outcome_bastion_and_polardb_rows_and_instance_lines():
    host, user, group = {'instance_id': 'bastionhost-1'}, {'user_name': 'zlee'}, {'user_group_name': 'dba'}
    data = {
        'bastionhost_read': {'results': [{'item': [host, user]}, {'item': [host, group], 'principal': {}}]},
        'bastionhost_done': {'results': [{'item': {'item': [host, user]}, 'skipped': True},
                                         {'item': {'item': [host, group]}, 'changed': True,
                                          'actions': [{'operation': 'DetachDatabaseAccountsFromUserGroup'}]}]},
        'bastionhost_groups_done': {'results': [{'item': {'item': [host, user]}, 'skipped': True}]},
        'polardb_read': {'results': [{'item': {'cluster_id': 'pc-1'}, 'accounts': [{'account_name': 'app'}]}]},
        'polardb_done': {'results': [{'item': [{'cluster_id': 'pc-1'}, {'account_name': 'app'}], 'changed': False},
                                     {'item': [{'cluster_id': 'pc-1'}, {'account_name': 'new'}], 'skipped': True}]},
        'instances': [{'service': 'ddm', 'instance': PAYMENTS, 'name': 'ddm-payments', 'status': 'excluded', 'note': 'in the exclude list'},
                      {'service': 'ddm', 'instance': TEAM, 'status': 'governed', 'source': 'discovered'}],
        'discover': True}
    report = baseline_outcome(data)
    rows = [(r['service'], r['identity'], r['drift'], r['action']) for r in report['summary']]
    assert rows == [('bastionhost', 'zlee', 'missing', 'none'), ('bastionhost', 'group:dba', 'different', 'revoke'),
                    ('polardb', 'app', 'none', 'none'), ('polardb', 'new', 'missing', 'none')]
    assert [u['identity'] for u in report['unresolved']] == ['zlee', 'new']
    assert report['summary'][0]['note'] == 'cannot create: no such bastion user'
    assert report['lines'][1] == '1 instances governed (1 discovered, not listed), 1 left alone'
    assert report['lines'][2] == 'ddm %s ddm-payments - excluded (in the exclude list)' % PAYMENTS


def test_filters_are_registered():
    assert outcome_plugin.FilterModule().filters()['baseline_outcome'] is baseline_outcome
    assert scope_plugin.FilterModule().filters()['baseline_scope'] is baseline_scope
