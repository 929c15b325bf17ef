# -*- coding: utf-8 -*-
# Copyright: dbgov.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
name: estate
short_description: The database instances of Huawei Cloud and Alibaba Cloud as inventory hosts
version_added: 1.0.0
description:
  - Lists the database instances of the given clouds, services and regions and makes each one an inventory host
    (connection C(local), the collection's modules run on the controller and call the cloud APIs), so that a play runs
    once per instance - C(forks) spread a fleet over a controller's cores, and AWX / Automation Controller syncs the
    estate as an inventory source and spreads it over execution nodes with job slicing.
  - "Huawei Cloud: DDM instances, DCS (Redis) instances and the instances DAS manages. Alibaba Cloud: PolarDB clusters
    and bastion hosts. The lists are the ones the discovery modules read (M(dbgov.cloud.ddm_instance_info),
    M(dbgov.cloud.dcs_instance_info), M(dbgov.cloud.das_instance_info), M(dbgov.cloud.polardb_cluster_info),
    M(dbgov.cloud.bastion_instance_info)): every page of every region, with the same fields."
  - The host name is the instance name (O(hostnames)), with every run of characters other than letters, digits, C(_),
    C(.) and C(-) replaced by one C(_) (PolarDB and Bastionhost names are descriptions, often with spaces -
    C(orders production) is the host C(orders_production); C(dbgov_name) keeps the name as it is). Instances that share
    a name (in two regions or services) are named C(<name>_<instance id>) instead, all of them, so that no host stands
    for two instances; an instance without a name is named by its ID.
  - "Host variables, all prefixed C(dbgov_): C(dbgov_cloud), C(dbgov_service), C(dbgov_region), C(dbgov_instance_id)
    (C(dbgov_cluster_id) too for PolarDB), C(dbgov_name), C(dbgov_status) and the service's own fields as the discovery
    modules return them (for example C(dbgov_engine_version), C(dbgov_project_id), C(dbgov_acl_supported),
    C(dbgov_tags)). With O(local_connection) also C(ansible_connection=local) and
    C(ansible_python_interpreter={{ ansible_playbook_python }})."
  - "Groups: C(dbgov_<cloud>) (V(dbgov_huaweicloud), V(dbgov_alibabacloud)), C(dbgov_<service>) (V(dbgov_ddm),
    V(dbgov_dcs), V(dbgov_das), V(dbgov_polardb), V(dbgov_bastionhost)) and C(dbgov_<cloud>_<region>) with every
    character other than letters, digits and C(_) replaced by C(_) (for example V(dbgov_huaweicloud_cn_north_4)).
    O(compose), O(groups) and O(keyed_groups) add more from the host variables."
  - The configuration file's name ends in C(.estate.yml) or C(.estate.yaml) and it holds C(plugin) V(dbgov.cloud.estate).
  - Read-only. No secret is ever a host variable; errors and C(-vvv) output never show one.
options:
  plugin:
    description: The name of this plugin; it makes a configuration file this plugin's.
    type: str
    required: true
    choices: [dbgov.cloud.estate]
  huaweicloud:
    description:
      - Read Huawei Cloud. Omitted, Huawei Cloud is not read (an empty dictionary reads it with the defaults and the
        connection from the environment).
      - Besides the keys below it takes every connection and credential option of the Huawei Cloud modules, with the same
        names, environment variables and credential chain (see M(dbgov.cloud.ddm_user_info)) - V(region),
        V(project_id), V(access_key), V(secret_key), V(security_token), V(profile), V(idp_id), V(id_token_file),
        V(assume_role), V(metadata_endpoint), V(endpoint), V(validate_certs), V(ca_bundle), V(timeout),
        V(api_rate_limit). For example the credentials from E(HUAWEICLOUD_SDK_AK) and E(HUAWEICLOUD_SDK_SK), the
        region from E(HUAWEICLOUD_SDK_REGION), the endpoint from E(DBGOV_HUAWEICLOUD_ENDPOINT).
      - V(region) is the connection's region (the one V(project_id) belongs to); unset and not in the environment, the
        first of V(regions).
      - Secrets are better left to the environment (an AWX credential) than written into the file.
    type: dict
    suboptions:
      services:
        description: The services whose instances become hosts.
        type: list
        elements: str
        choices: [ddm, dcs, das]
        default: [ddm, dcs]
      regions:
        description:
          - The regions to read, at most 64. Omitted, the connection's V(region) alone.
          - The project of each region other than the connection's is looked up through IAM (one call per region).
        type: list
        elements: str
      das_datastore_types:
        description: The datastore types of the DAS instances to list (with V(das) in V(services)).
        type: list
        elements: str
        choices: [MySQL, PostgreSQL, SQLServer, TaurusDB]
        default: [MySQL]
  alibabacloud:
    description:
      - Read Alibaba Cloud. Omitted, Alibaba Cloud is not read (an empty dictionary reads it with the defaults and the
        connection from the environment).
      - Besides the keys below it takes every connection and credential option of the Alibaba Cloud modules, with the
        same names, environment variables and credential chain (see M(dbgov.cloud.polardb_account_info)) - V(region),
        V(access_key), V(secret_key), V(security_token), V(profile), V(assume_role), V(metadata_endpoint), V(endpoint),
        V(validate_certs), V(ca_bundle), V(timeout), V(api_rate_limit). For example the credentials from
        E(ALIBABA_CLOUD_ACCESS_KEY_ID) and E(ALIBABA_CLOUD_ACCESS_KEY_SECRET), the region from
        E(ALIBABA_CLOUD_REGION_ID), the endpoint from E(DBGOV_ALIBABACLOUD_ENDPOINT).
      - V(region) is the connection's region; unset and not in the environment or the CLI profile, the first of
        V(regions).
    type: dict
    suboptions:
      services:
        description: The services whose instances become hosts.
        type: list
        elements: str
        choices: [polardb, bastionhost]
        default: [polardb, bastionhost]
      regions:
        description: The regions to read, at most 64. Omitted, the connection's V(region) alone.
        type: list
        elements: str
  name_pattern:
    description:
      - Only the instances whose whole name matches this shell-style wildcard (V(*), V(?), V([abc])), case-sensitively,
        become hosts, for example V(prod-*).
    type: str
  fail_on_region_error:
    description:
      - Fail when a region of a service cannot be read (the message names every such region). By default such a region
        is shown as a warning and the instances of the others become hosts.
    type: bool
    default: false
  concurrency:
    description: How many regions of a service are read at the same time (1 to 16), each with a connection of its own.
    type: int
    default: 4
  hostnames:
    description:
      - What names a host, V(name) (the instance name) or V(instance_id) (the instance or cluster ID, unique and stable
        when an instance is renamed).
    type: str
    choices: [name, instance_id]
    default: name
  local_connection:
    description:
      - "Give every host C(ansible_connection=local) and C(ansible_python_interpreter={{ ansible_playbook_python }}), so
        that the tasks of a host run on the controller, with the Python (and C(requests)) of ansible-core itself."
      - Set V(false) to choose the connection yourself (group variables, O(compose)).
    type: bool
    default: true
notes:
  - "Each region of each service costs the API calls of one discovery module run: one call per page, plus on Huawei
    Cloud one IAM call per region whose project is looked up (once per region, whatever the number of services)."
  - A region the credentials cannot reach is a warning, not a failure, unless O(fail_on_region_error=true). An option
    that is not valid fails before any request.
  - With O(cache) the instance lists are kept in the cache plugin and read from it until O(cache_timeout) expires; no
    secret is cached.
extends_documentation_fragment:
  - constructed
  - inventory_cache
requirements:
  - requests >= 2.25.0 (on the controller)
author:
  - dbgov.cloud contributors (@dbgov)
'''

EXAMPLES = r'''
# local.estate.yml - the local cloud of the collection's tests (make emulator; the credentials from its exports).
# For a real estate leave endpoint out and the credentials to the environment (an AWX credential, or the variables
# of the SDKs and CLIs).
plugin: dbgov.cloud.estate
huaweicloud:
  region: cn-north-4
  regions: [cn-north-4, ap-southeast-1]
  services: [ddm, dcs]
  endpoint: http://127.0.0.1:8765/{service}
alibabacloud:
  region: cn-hangzhou
  regions: [cn-hangzhou, cn-shanghai]
  services: [polardb]
  endpoint: http://127.0.0.1:8765/{service}
name_pattern: "*prod*"
keyed_groups:
  - key: dbgov_status
    prefix: status
compose:
  description: dbgov_name
'''

import re
import types

from ansible.errors import AnsibleParserError
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.plugins.inventory import BaseInventoryPlugin, Cacheable, Constructable
from ansible.utils.display import Display

try:
    # ansible-core 2.19 and later: what an inventory plugin sets is never templated unless marked as trusted
    from ansible.template import trust_as_template

    def untrusted(value):
        return value
except ImportError:  # older cores template inventory values unless they are wrapped as unsafe
    from ansible.utils.unsafe_proxy import wrap_var as untrusted

    def trust_as_template(value):
        return value

from ansible_collections.dbgov.cloud.plugins.module_utils import (
    alibabacloud, bastionhost, credentials, das, dcs, ddm, discovery, huaweicloud, polardb, throttle,
)
from ansible_collections.dbgov.cloud.plugins.module_utils.base import CloudModule, secret_forms
from ansible_collections.dbgov.cloud.plugins.module_utils.common import ValidationError
from ansible_collections.dbgov.cloud.plugins.module_utils.transport import HAS_REQUESTS, ApiError, Transport

display = Display()

PREFIX = 'dbgov_'
_UNSAFE = re.compile(r'[^A-Za-z0-9_]')
_NAME_UNSAFE = re.compile(r'[^\w.-]+')


def _read_ddm(client, region, params, options):
    return ddm.InstanceCatalog(client, region).views(options['name_pattern'])


def _read_dcs(client, region, params, options):
    return dcs.InstanceCatalog(client, region).views(options['name_pattern'])


def _read_das(client, region, params, options):
    types_ = list(dict.fromkeys(params['das_datastore_types']))
    return das.InstanceCatalog(client, region).views(types_, options['name_pattern'])


def _read_polardb(client, region, params, options):
    return polardb.ClusterCatalog(client, region).views(options['name_pattern'])


def _read_bastionhost(client, region, params, options):
    return bastionhost.InstanceCatalog(client, region).views(options['name_pattern'])


# cloud -> its connection spec (the modules' own), client class, services (service -> the service's catalog read)
CLOUDS = {
    'huaweicloud': dict(spec=huaweicloud.AUTH_SPEC, client=huaweicloud.HuaweiClient, services=dict(
        ddm=_read_ddm, dcs=_read_dcs, das=_read_das), extra=dict(
        services=dict(type='list', elements='str', choices=['ddm', 'dcs', 'das'], default=['ddm', 'dcs']),
        das_datastore_types=dict(type='list', elements='str', choices=list(das.LIST_DATASTORE_TYPES), default=['MySQL']))),
    'alibabacloud': dict(spec=alibabacloud.AUTH_SPEC, client=alibabacloud.AlibabaClient, services=dict(
        polardb=_read_polardb, bastionhost=_read_bastionhost), extra=dict(
        services=dict(type='list', elements='str', choices=['polardb', 'bastionhost'], default=['polardb', 'bastionhost']))),
}


def cloud_spec(cloud):
    """The keys of a cloud's dictionary: the modules' connection options (``api_rate_limit`` included), then ``regions``,
    ``services`` and the service filters."""
    spec = dict(CLOUDS[cloud]['spec'])
    spec['api_rate_limit'] = dict(type='float')
    spec['regions'] = dict(type='list', elements='str')
    spec.update(CLOUDS[cloud]['extra'])
    return spec


def group_name(*parts):
    """``dbgov_<part>_<part>``, every character other than a letter, digit or ``_`` replaced by ``_``."""
    return PREFIX + '_'.join(_UNSAFE.sub('_', str(part)) for part in parts)


def host_names(views, key):
    """One unique host name per view: ``views[i][key]`` with every run of characters other than word characters, ``.``
    and ``-`` as one ``_`` (the ID when nothing is left); names held by several views
    become ``<name>_<instance id>`` for all of them (and ``..._<service>_<region>`` should that still repeat)."""
    def counted(names):
        counts = {}
        for name in names:
            counts[name] = counts.get(name, 0) + 1
        return counts

    names = [_NAME_UNSAFE.sub('_', str(view.get(key) or '')).strip('_') or str(view.get('instance_id')) for view in views]
    counts = counted(names)
    names = [name if counts[name] == 1 else '%s_%s' % (name, view.get('instance_id')) for name, view in zip(names, views)]
    counts = counted(names)
    return [name if counts[name] == 1 else '%s_%s_%s' % (name, view.get('service'), view.get('region'))
            for name, view in zip(names, views)]


def host_vars(view):
    """The host variables of one discovered instance: every field of its view, prefixed ``dbgov_``, never templated (an
    instance name or tag holding ``{{ ... }}`` stays text)."""
    return dict((PREFIX + key, untrusted(value)) for key, value in view.items())


class Secrets:
    """The secret values met while reading (options, credentials found by the chain), to mask in every message."""

    def __init__(self):
        self.forms = set()

    def add(self, value):
        if value:
            self.forms.update(secret_forms(value))

    def mask(self, text):
        text = str(text)
        for form in sorted(self.forms, key=len, reverse=True):
            if len(form) >= 4:
                text = text.replace(form, '********')
        return text


class CloudReader:
    """The connection of one cloud for one inventory run: validated options, one credential session, one transport and
    client per region (regions are read in parallel threads, as the discovery modules do)."""

    def __init__(self, cloud, raw, options, secrets):
        self.cloud = cloud
        self.options = options
        self.secrets = secrets
        spec = cloud_spec(cloud)
        if not isinstance(raw, dict):
            raise ValidationError('%s: must be a dictionary of options, got %s' % (cloud, type(raw).__name__))
        result = ArgumentSpecValidator(spec).validate(raw)
        for value in result._no_log_values:  # pylint: disable=protected-access  # the secrets the spec names
            secrets.add(value)
        for name in ('secret_key', 'security_token'):
            secrets.add(raw.get(name))
        if result.error_messages:
            raise ValidationError('%s: %s' % (cloud, '; '.join(result.error_messages)))
        params = result.validated_parameters
        if not params.get('region') and params.get('regions'):
            params['region'] = params['regions'][0]
        self.regions = discovery.regions_of(params)
        try:
            discovery.check_options(dict(params, concurrency=options['concurrency'], name_pattern=options['name_pattern']))
            # the modules' own checks of the connection options (timeout, region, project_id, endpoint, ca_bundle ...)
            CloudModule.validate_connection(types.SimpleNamespace(params=params, spec=spec))
            if not params['services']:
                raise ValidationError('services: list at least one service')
            if cloud == 'huaweicloud' and 'das' in params['services'] and not params['das_datastore_types']:
                raise ValidationError('das_datastore_types: list at least one datastore type')
        except ValidationError as exc:
            raise ValidationError('%s.%s' % (cloud, exc))
        self.params = params
        self.services = list(dict.fromkeys(params['services']))
        self._session = None
        self._transports = {}
        self._budget = throttle.Throttle(throttle.state_path(cloud, params.get('access_key')),
                                         throttle.resolve_rate(cloud, params.get('api_rate_limit')))

    def _transport(self, region):
        if region not in self._transports:
            params = self.params
            transport = Transport(timeout=params['timeout'], validate_certs=params['validate_certs'], ca_bundle=params.get('ca_bundle'))
            transport.throttle = self._budget   # one API budget for every region, as in a module run
            self._transports[region] = transport
        return self._transports[region]

    def resolve_credentials(self):
        """The credential chain's session, resolved once (its secrets join the masked values)."""
        if self._session is None:
            self._session = credentials.resolve(self.cloud, self.params, self._transport(self.params['region']),
                                                on_secret=self.secrets.add)
        return self._session

    def client(self, service, region):
        """A client of ``service`` in ``region`` on that region's own transport (the connection's project ID applies to its
        own region only: another region's project is looked up through IAM, as ``CloudModule.region_client`` does)."""
        params = dict(self.params, region=region)
        if region != self.params['region'] and 'project_id' in params:
            params['project_id'] = None
        return CLOUDS[self.cloud]['client'](params, self._transport(region), service, credentials=self.resolve_credentials())

    def read(self):
        """(views, region errors) of every service of this cloud, service by service, the regions of each in parallel."""
        self.resolve_credentials()  # before the threads start: one walk of the chain, whose failure fails the source
        views, errors = [], []
        for service in self.services:
            read = CLOUDS[self.cloud]['services'][service]
            found, failed = discovery.read_regions(
                self.regions, lambda region, s=service, r=read: r(self.client(s, region), region, self.params, self.options),
                self.options['concurrency'])
            for entry in failed:
                entry.update(api_service=entry.get('service'), service=service, cloud=self.cloud)
            display.vv('dbgov.cloud.estate: %s %s: %d instances in %d regions, %d regions failed'
                       % (self.cloud, service, len(found), len(self.regions), len(failed)))
            views.extend(found)
            errors.extend(failed)
        return views, errors


class InventoryModule(BaseInventoryPlugin, Constructable, Cacheable):
    """The estate's database instances as hosts."""

    NAME = 'dbgov.cloud.estate'

    def verify_file(self, path):
        return super(InventoryModule, self).verify_file(path) and path.endswith(('.estate.yml', '.estate.yaml'))

    def _run_options(self):
        options = dict(name_pattern=self.get_option('name_pattern'), concurrency=self.get_option('concurrency'),
                       fail_on_region_error=self.get_option('fail_on_region_error'))
        clouds = [cloud for cloud in CLOUDS if self.get_option(cloud) is not None]
        if not clouds:
            raise ValidationError('set huaweicloud, alibabacloud or both (a dictionary, {} for the defaults)')
        return options, clouds

    def discover(self, secrets):
        """Every view of every configured cloud, service and region; region errors are warnings (or one failure)."""
        options, clouds = self._run_options()
        readers = [CloudReader(cloud, self.get_option(cloud), options, secrets) for cloud in clouds]  # all validated first
        if not HAS_REQUESTS:
            raise ValidationError('the dbgov.cloud.estate inventory needs the Python library requests on the controller')
        views, errors = [], []
        for reader in readers:
            found, failed = reader.read()
            views.extend(found)
            errors.extend(failed)
        if errors and options['fail_on_region_error']:
            # every region of every service counts: "cn-south-1" reads "huaweicloud ddm cn-south-1"
            named = [dict(e, region='%s %s %s' % (e['cloud'], e['service'], e['region'])) for e in errors]
            raise discovery.combined_error(named, sum(len(r.regions) * len(r.services) for r in readers))
        for entry in errors:
            display.warning('dbgov.cloud.estate: %s %s region %s could not be read: %s'
                            % (entry['cloud'], entry['service'], entry['region'], secrets.mask(entry['msg'])))
        return views

    def populate(self, views):
        strict = self.get_option('strict')
        local = self.get_option('local_connection')
        for view, name in zip(views, host_names(views, self.get_option('hostnames'))):
            host = self.inventory.add_host(name)
            hostvars = host_vars(view)
            for key, value in hostvars.items():
                self.inventory.set_variable(host, key, value)
            if local:
                self.inventory.set_variable(host, 'ansible_connection', 'local')
                self.inventory.set_variable(host, 'ansible_python_interpreter', trust_as_template('{{ ansible_playbook_python }}'))
            for group in (group_name(view['cloud']), group_name(view['service']), group_name(view['cloud'], view['region'])):
                self.inventory.add_group(group)
                self.inventory.add_child(group, host)
            self._set_composite_vars(self.get_option('compose'), hostvars, host, strict=strict)
            self._add_host_to_composed_groups(self.get_option('groups'), hostvars, host, strict=strict)
            self._add_host_to_keyed_groups(self.get_option('keyed_groups'), hostvars, host, strict=strict)

    def parse(self, inventory, loader, path, cache=True):
        super(InventoryModule, self).parse(inventory, loader, path, cache=cache)
        self._read_config_data(path)
        secrets = Secrets()
        cache_key = self.get_cache_key(path)
        use_cache = self.get_option('cache') and cache
        update_cache = self.get_option('cache') and not cache
        views = None
        if use_cache:
            try:
                views = self._cache[cache_key]
            except KeyError:
                update_cache = True
        try:
            if views is None:
                views = self.discover(secrets)
        except ValidationError as exc:
            raise AnsibleParserError('dbgov.cloud.estate: %s' % secrets.mask(exc)) from None
        except ApiError as exc:
            raise AnsibleParserError('dbgov.cloud.estate: %s' % secrets.mask(exc.describe())) from None
        if update_cache:
            self._cache[cache_key] = views
        self.populate(views)
