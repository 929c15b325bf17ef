# -*- coding: utf-8 -*-
# Copyright: dbgov.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The baseline_scope filter: the instances an access_baseline document governs, listed and discovered."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
name: baseline_scope
short_description: The instances an access baseline governs, listed and discovered
version_added: 1.0.0
description:
  - Used by the role C(dbgov.cloud.access_baseline) (one call
    instead of a large template evaluated on every host).
  - For each service (V(ddm), V(dcs), V(polardb), V(bastionhost)) it returns the instance entries to govern and a report
    row per instance in scope.
  - The entries are the listed ones (C(huaweicloud.ddm), C(huaweicloud.dcs), C(alibabacloud.polardb),
    C(alibabacloud.bastionhost)), then one entry per discovered instance that is neither listed nor excluded, built from
    the service's template (C(ddm_discovered), C(dcs_discovered), C(polardb_discovered), C(bastionhost_discovered)) -
    the template's keys except C(exclude), with the instance's ID, C(region) (and the DDM C(project_id)) and
    C(source=discovered).
  - A listed instance is governed by its own entry only. An instance whose ID or name is in the template's C(exclude)
    is never governed, listed or not. A discovered DCS instance whose C(acl_supported) is false, and a discovered
    PolarDB cluster whose C(db_type) is not C(MySQL), is left alone (status V(unsupported)).
positional: discovered
options:
  _input:
    description: The baseline document (C(access_baseline_document)).
    type: dict
    required: true
  discovered:
    description:
      - The registered results of the discovery modules by service (V(ddm) - M(dbgov.cloud.ddm_instance_info), V(dcs) -
        M(dbgov.cloud.dcs_instance_info), V(polardb) - M(dbgov.cloud.polardb_cluster_info), V(bastionhost) -
        M(dbgov.cloud.bastion_instance_info)). A skipped or missing result discovers nothing; only the services whose
        template the document has use their result.
    type: dict
    default: {}
author:
  - dbgov.cloud contributors
'''

EXAMPLES = r'''
- name: The DDM instances to govern
  ansible.builtin.debug:
    msg: "{{ (baseline | dbgov.cloud.baseline_scope({'ddm': found_ddm})).ddm.entries | map(attribute='instance_id') }}"
'''

RETURN = r'''
_value:
  description: Per service (V(ddm), V(dcs), V(polardb), V(bastionhost)), C(entries) and C(instances).
  type: dict
  contains:
    entries:
      description: The instance entries to govern, in the shape of the document's listed entries (discovered ones with C(source=discovered)).
      type: list
      elements: dict
    instances:
      description: Every instance in scope.
      type: list
      elements: dict
      contains:
        cloud:
          description: V(huaweicloud) or V(alibabacloud).
          type: str
        service:
          description: V(ddm), V(dcs), V(polardb) or V(bastionhost).
          type: str
        instance:
          description: The instance (cluster) ID.
          type: str
        name:
          description: The instance name when discovered, else an empty string.
          type: str
        region:
          description: The region when known, else an empty string.
          type: str
        source:
          description: V(listed), V(discovered) or V(listed and discovered).
          type: str
        status:
          description: V(governed), V(excluded) or V(unsupported).
          type: str
        note:
          description: Why an instance is not governed.
          type: str
'''

from ansible.errors import AnsibleFilterError

SERVICES = (('huaweicloud', 'ddm', 'instance_id'), ('huaweicloud', 'dcs', 'instance_id'),
            ('alibabacloud', 'polardb', 'cluster_id'), ('alibabacloud', 'bastionhost', 'instance_id'))


def _service_scope(cloud, service, key, doc, found):
    listed = doc.get(service) or []
    template = doc.get(service + '_discovered')
    discovered = (found or {}).get('instances') or [] if template is not None else []
    template = template or {}
    exclude = set(template.get('exclude') or [])
    names = dict((i.get(key), i.get('name') or '') for i in discovered)
    regions = dict((i.get(key), i.get('region') or '') for i in discovered)
    entries, instances = [], []
    listed_ids = set()
    for entry in listed:
        ident = entry.get(key)
        listed_ids.add(ident)
        excluded = ident in exclude or (ident in names and names[ident] in exclude)
        if not excluded:
            entries.append(entry)
        instances.append({'cloud': cloud, 'service': service, 'instance': ident, 'name': names.get(ident, ''),
                          'region': entry.get('region') or regions.get(ident, ''),
                          'source': 'listed and discovered' if ident in names else 'listed',
                          'status': 'excluded' if excluded else 'governed', 'note': 'in the exclude list' if excluded else ''})
    fields = dict((k, v) for k, v in template.items() if k not in ('exclude', 'exclusive'))
    for found_instance in discovered:
        ident = found_instance.get(key)
        if ident in listed_ids:
            continue
        excluded = ident in exclude or found_instance.get('name') in exclude
        # a DCS instance without ACL accounts; a PolarDB cluster that is not PolarDB for MySQL (standard accounts of
        # PolarDB for MySQL only, see polardb_account)
        unsupported = found_instance.get('acl_supported', True) is False or found_instance.get('db_type', 'MySQL') != 'MySQL'
        if not (excluded or unsupported):
            entry = {key: ident, 'region': found_instance.get('region'), 'exclusive': bool(template.get('exclusive')), 'source': 'discovered'}
            if found_instance.get('project_id'):
                entry['project_id'] = found_instance['project_id']
            entry.update(fields)
            entries.append(entry)
        note = ''
        if excluded:
            note = 'in the exclude list'
        elif unsupported and service == 'polardb':
            note = 'not PolarDB for MySQL (%s)' % found_instance.get('db_type')
        elif unsupported:
            note = 'no ACL accounts on %s %s' % (found_instance.get('engine') or '', found_instance.get('engine_version') or '')
        instances.append({'cloud': cloud, 'service': service, 'instance': ident, 'name': found_instance.get('name') or '',
                          'region': found_instance.get('region') or '', 'source': 'discovered',
                          'status': 'excluded' if excluded else 'unsupported' if unsupported else 'governed', 'note': note.strip()})
    return {'entries': entries, 'instances': instances}


def baseline_scope(document, discovered=None):
    """The dbgov.cloud.baseline_scope filter."""
    if not isinstance(document, dict):
        raise AnsibleFilterError('baseline_scope: expected the baseline document (a dictionary), got %s' % type(document).__name__)
    discovered = discovered or {}
    scope = {}
    for cloud, service, key in SERVICES:
        scope[service] = _service_scope(cloud, service, key, document.get(cloud) or {}, discovered.get(service))
    return scope


class FilterModule(object):
    """dbgov.cloud filters."""

    def filters(self):
        return {'baseline_scope': baseline_scope}
