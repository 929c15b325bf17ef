# -*- coding: utf-8 -*-
# Copyright: dbgov.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The estate inventory plugin (no network): hosts, groups and host variables from the discovery catalogs, the modules'
connection options and environment, validation before any request, region errors, secrets, the cache."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import threading

import pytest
import yaml

from ansible.errors import AnsibleError, AnsibleParserError
from ansible.inventory.data import InventoryData
from ansible.parsing.dataloader import DataLoader
from ansible.plugins.loader import inventory_loader

from ansible_collections.dbgov.cloud.plugins.inventory import estate
from ansible_collections.dbgov.cloud.plugins.module_utils import alibabacloud, huaweicloud
from ansible_collections.dbgov.cloud.plugins.module_utils.transport import ApiError

HW_SK = 'HwSecretKey0000000000000000000000000000042'
ALI_SK = 'AliSecret000000000000000000042'
HW = dict(region='cn-north-4', project_id='e7f4b2c5a9d84f3e8c1b6a0d2f9e4c71', access_key='HWAK0000000000000042', secret_key=HW_SK)
ALI = dict(region='cn-hangzhou', access_key='LTAI00000000000042', secret_key=ALI_SK)


class Cloud:
    """Both clouds' list APIs, answered from ``estate`` (service -> region -> items); every call recorded."""

    def __init__(self):
        self.calls = []
        self.lock = threading.Lock()
        self.fail = {}
        self.estate = dict(
            ddm={'cn-north-4': [dict(id='ddm%03d' % n, name='ddm-%03d' % n, status='RUNNING', engine_version='3.1.0')
                                for n in range(130)],
                 'ap-southeast-1': [dict(id='ddmsg1', name='orders', status='RUNNING')]},
            dcs={'cn-north-4': [dict(instance_id='dcs-1', name='orders', status='RUNNING', engine='Redis', engine_version='6.0')],
                 'ap-southeast-1': []},
            polardb={'cn-hangzhou': [dict(DBClusterId='pc-1', DBClusterDescription='orders production', DBClusterStatus='Running',
                                          DBType='MySQL', RegionId='cn-hangzhou'),
                                     dict(DBClusterId='pc-2', DBClusterDescription='', DBClusterStatus='Running', RegionId='cn-hangzhou')],
                     'cn-shanghai': [dict(DBClusterId='pc-3', DBClusterDescription='{{ lookup("env", "HOME") }}',
                                          DBClusterStatus='Stopped', RegionId='cn-shanghai')]},
            bastionhost={'cn-hangzhou': [dict(InstanceId='bastionhost-cn-1', Description='prod bastion', InstanceStatus='RUNNING',
                                              RegionId='cn-hangzhou')],
                         'cn-shanghai': []},
        )

    def record(self, client, operation, params):
        with self.lock:
            self.calls.append(dict(service=client.service, region=client.params['region'], operation=operation, params=params,
                                   project_id=client.params.get('project_id'), base=client.base, transport=client.transport,
                                   key=client._credentials()[0]))  # pylint: disable=protected-access
        failure = self.fail.get((client.service, client.params['region']))
        if failure:
            raise failure

    def huawei(self, client, method, path, operation, query=None, **kwargs):
        self.record(client, operation, query)
        items = self.estate[client.service].get(client.params['region'], [])
        page = items[query['offset']:query['offset'] + query['limit']]
        total = 'total_record' if client.service == 'ddm' else 'instance_num'
        return {'instances': page, total: len(items)}

    def alibaba(self, client, action, params=None, **kwargs):
        self.record(client, action, params)
        items = self.estate[client.service].get(params['RegionId'], [])
        number, size = params['PageNumber'], params['PageSize']
        page = items[(number - 1) * size:number * size]
        if action == 'DescribeDBClusters':
            return dict(Items=dict(DBCluster=page), TotalRecordCount=len(items))
        return dict(Instances=page, TotalCount=len(items))


@pytest.fixture
def cloud(monkeypatch):
    fake = Cloud()

    def request(client, *args, **kwargs):
        return fake.huawei(client, *args, **kwargs)

    def call(client, *args, **kwargs):
        return fake.alibaba(client, *args, **kwargs)

    monkeypatch.setattr(huaweicloud.HuaweiClient, 'request', request)
    monkeypatch.setattr(alibabacloud.AlibabaClient, 'call', call)
    for name in ('HUAWEICLOUD_SDK_AK', 'HUAWEICLOUD_SDK_SK', 'HW_ACCESS_KEY', 'HW_SECRET_KEY', 'HUAWEICLOUD_SDK_REGION',
                 'HW_REGION_NAME', 'HUAWEICLOUD_SDK_PROJECT_ID', 'HW_PROJECT_ID', 'DBGOV_HUAWEICLOUD_ENDPOINT',
                 'ALIBABA_CLOUD_ACCESS_KEY_ID', 'ALIBABA_CLOUD_ACCESS_KEY_SECRET', 'ALIBABA_CLOUD_REGION_ID', 'ALICLOUD_REGION',
                 'DBGOV_ALIBABACLOUD_ENDPOINT', 'DBGOV_API_RATE_LIMIT'):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv('DBGOV_API_RATE_LIMIT', '0')  # no budget waits in unit tests
    return fake


@pytest.fixture
def parse(tmp_path):
    """parse(config, cache=False, name='test') -> (InventoryData, plugin) through the plugin loader, as ansible-inventory."""
    def run(config, cache=False, name='test', plugin=None):
        path = tmp_path / ('%s.estate.yml' % name)
        path.write_text(yaml.safe_dump(dict(dict(plugin='dbgov.cloud.estate'), **config)))
        plugin = plugin or inventory_loader.get('dbgov.cloud.estate')
        assert plugin.verify_file(str(path))
        inventory = InventoryData()
        plugin.parse(inventory, DataLoader(), str(path), cache=cache)
        return inventory, plugin
    return run


def hostvars(inventory, name):
    return inventory.get_host(name).get_vars()


def group_hosts(inventory, group):
    return sorted(h.name for h in inventory.groups[group].get_hosts())


def test_hosts_groups_and_host_variables_of_both_clouds(cloud, parse):
    inventory, _plugin = parse(dict(huaweicloud=dict(HW, regions=['cn-north-4', 'ap-southeast-1']),
                                    alibabacloud=dict(ALI, regions=['cn-hangzhou', 'cn-shanghai'])))
    hosts = sorted(inventory.hosts)
    assert len(hosts) == 130 + 1 + 1 + 3 + 1
    # "orders" is a DDM instance in ap-southeast-1 and a DCS instance in cn-north-4: both are named after their ID
    assert 'orders' not in hosts and {'orders_ddmsg1', 'orders_dcs-1'} <= set(hosts)
    assert {'orders_production', 'pc-2', 'prod_bastion'} <= set(hosts)  # description as a host name; no name: the ID
    ddm = hostvars(inventory, 'ddm-007')
    assert ddm['dbgov_cloud'] == 'huaweicloud' and ddm['dbgov_service'] == 'ddm' and ddm['dbgov_region'] == 'cn-north-4'
    assert ddm['dbgov_instance_id'] == 'ddm007' and ddm['dbgov_name'] == 'ddm-007' and ddm['dbgov_status'] == 'RUNNING'
    assert ddm['dbgov_engine_version'] == '3.1.0'
    assert ddm['ansible_connection'] == 'local' and ddm['ansible_python_interpreter'] == '{{ ansible_playbook_python }}'
    pdb = hostvars(inventory, 'orders_production')
    assert pdb['dbgov_cluster_id'] == pdb['dbgov_instance_id'] == 'pc-1' and pdb['dbgov_name'] == 'orders production'
    assert hostvars(inventory, 'lookup_env_HOME')['dbgov_name'] == '{{ lookup("env", "HOME") }}'  # the name as it is
    assert group_hosts(inventory, 'dbgov_dcs') == ['orders_dcs-1']
    assert len(group_hosts(inventory, 'dbgov_huaweicloud')) == 132 and len(group_hosts(inventory, 'dbgov_ddm')) == 131
    assert group_hosts(inventory, 'dbgov_huaweicloud_ap_southeast_1') == ['orders_ddmsg1']
    assert group_hosts(inventory, 'dbgov_alibabacloud') == ['lookup_env_HOME', 'orders_production', 'pc-2', 'prod_bastion']
    assert group_hosts(inventory, 'dbgov_alibabacloud_cn_shanghai') == ['lookup_env_HOME']
    assert group_hosts(inventory, 'dbgov_polardb') == ['lookup_env_HOME', 'orders_production', 'pc-2']
    assert group_hosts(inventory, 'dbgov_bastionhost') == ['prod_bastion']
    # one call per page: DDM 2 pages of 128 + 1, DCS 2 regions, PolarDB 2, Bastionhost 2; no secret in any host variable
    ops = sorted((c['service'], c['region']) for c in cloud.calls)
    assert ops.count(('ddm', 'cn-north-4')) == 2 and len(ops) == 3 + 2 + 2 + 2
    dump = json.dumps([hostvars(inventory, h) for h in hosts], default=str)
    assert HW_SK not in dump and ALI_SK not in dump and 'secret' not in dump


def test_each_region_has_its_own_transport_and_only_the_connection_region_uses_project_id(cloud, parse):
    parse(dict(huaweicloud=dict(HW, regions=['cn-north-4', 'ap-southeast-1'], services=['ddm', 'dcs'])))
    by_region = {}
    for call in cloud.calls:
        by_region.setdefault(call['region'], set()).add((call['transport'], call['project_id']))
    assert by_region['cn-north-4'] == {(next(iter(by_region['cn-north-4']))[0], HW['project_id'])}
    assert len(by_region['ap-southeast-1']) == 1 and next(iter(by_region['ap-southeast-1']))[1] is None
    assert next(iter(by_region['cn-north-4']))[0] is not next(iter(by_region['ap-southeast-1']))[0]
    assert [c['service'] for c in cloud.calls if c['region'] == 'ap-southeast-1'] == ['ddm', 'dcs']  # service by service


def test_hostnames_instance_id_name_pattern_and_no_local_connection(cloud, parse):
    inventory, _plugin = parse(dict(alibabacloud=dict(ALI, regions=['cn-hangzhou', 'cn-shanghai']), hostnames='instance_id',
                                    name_pattern='*prod*', local_connection=False))
    assert sorted(inventory.hosts) == ['bastionhost-cn-1', 'pc-1']
    assert 'ansible_connection' not in hostvars(inventory, 'pc-1')
    assert 'ansible_python_interpreter' not in hostvars(inventory, 'pc-1')


def test_compose_groups_and_keyed_groups(cloud, parse):
    inventory, _plugin = parse(dict(alibabacloud=dict(ALI, regions=['cn-hangzhou', 'cn-shanghai'], services=['polardb']),
                                    compose=dict(label="dbgov_name | upper"), groups=dict(stopped="dbgov_status == 'Stopped'"),
                                    keyed_groups=[dict(key='dbgov_status', prefix='status')]))
    assert hostvars(inventory, 'orders_production')['label'] == 'ORDERS PRODUCTION'
    assert group_hosts(inventory, 'stopped') == ['lookup_env_HOME']
    assert group_hosts(inventory, 'status_Running') == ['orders_production', 'pc-2']


def test_connection_comes_from_the_modules_environment_variables(cloud, parse, monkeypatch):
    monkeypatch.setenv('HUAWEICLOUD_SDK_AK', 'HWENVAK0000000000042')
    monkeypatch.setenv('HUAWEICLOUD_SDK_SK', HW_SK)
    monkeypatch.setenv('HUAWEICLOUD_SDK_REGION', 'ap-southeast-1')
    monkeypatch.setenv('HUAWEICLOUD_SDK_PROJECT_ID', 'p' * 32)
    monkeypatch.setenv('DBGOV_HUAWEICLOUD_ENDPOINT', 'http://127.0.0.1:9/{service}/{region}')
    monkeypatch.setenv('ALICLOUD_ACCESS_KEY', 'LTAIENV0000000000042')
    monkeypatch.setenv('ALICLOUD_SECRET_KEY', ALI_SK)
    monkeypatch.setenv('ALIBABA_CLOUD_REGION_ID', 'cn-shanghai')
    monkeypatch.setenv('DBGOV_ALIBABACLOUD_ENDPOINT', 'http://127.0.0.1:9/{service}')
    inventory, _plugin = parse(dict(huaweicloud=dict(services=['ddm']), alibabacloud=dict(services=['polardb'])))
    assert sorted(inventory.hosts) == ['lookup_env_HOME', 'orders']
    assert [(c['region'], c['base'], c['key'], c['project_id']) for c in cloud.calls if c['service'] == 'ddm'] == [
        ('ap-southeast-1', 'http://127.0.0.1:9/ddm/ap-southeast-1', 'HWENVAK0000000000042', 'p' * 32)]
    assert [(c['region'], c['base'], c['key']) for c in cloud.calls if c['service'] == 'polardb'] == [
        ('cn-shanghai', 'http://127.0.0.1:9/polardb', 'LTAIENV0000000000042')]


def test_the_connection_region_defaults_to_the_first_of_regions(cloud, parse):
    hw = dict((k, v) for k, v in HW.items() if k != 'region')
    parse(dict(huaweicloud=dict(hw, regions=['ap-southeast-1', 'cn-north-4'], services=['dcs'])))
    assert [(c['region'], c['project_id']) for c in cloud.calls] == [('ap-southeast-1', HW['project_id']), ('cn-north-4', None)]


@pytest.mark.parametrize('config, message', [
    (dict(), 'set huaweicloud, alibabacloud or both'),
    (dict(huaweicloud=dict(HW, regions=['cn-north-4', 'North 4'])), 'huaweicloud.regions:'),
    (dict(huaweicloud=dict(HW, servicez=['ddm'])), 'servicez'),
    (dict(huaweicloud=dict(HW, services=['polardb'])), 'services'),
    (dict(huaweicloud=dict(HW, services=[])), 'huaweicloud.services: list at least one service'),
    (dict(alibabacloud=dict(ALI, endpoint='ftp://127.0.0.1/{service}')), 'alibabacloud.endpoint:'),
    (dict(alibabacloud=dict(ALI, timeout=0)), 'alibabacloud.timeout:'),
    (dict(alibabacloud=dict(ALI), name_pattern=''), 'name_pattern: must not be empty'),
    (dict(alibabacloud=dict(ALI), concurrency=17), 'concurrency'),
    (dict(huaweicloud=dict(HW), alibabacloud=dict(ALI, regions=['bad region'])), 'alibabacloud.regions:'),
    (dict(alibabacloud='cn-hangzhou'), 'alibabacloud'),
])
def test_bad_options_fail_before_any_request(cloud, parse, config, message):
    with pytest.raises(AnsibleError) as info:  # AnsibleParserError, or the option's type error of ansible-core
        parse(config)
    assert message in str(info.value)
    assert cloud.calls == []  # every cloud's options are checked before either is read


def test_missing_credentials_fail_naming_the_chain(cloud, parse, monkeypatch, tmp_path):
    monkeypatch.setenv('HOME', str(tmp_path))
    hw = dict((k, v) for k, v in HW.items() if k not in ('access_key', 'secret_key'))
    with pytest.raises(AnsibleParserError) as info:
        parse(dict(huaweicloud=dict(hw, metadata_endpoint='http://127.0.0.1:9')))
    assert 'no credentials' in str(info.value) and cloud.calls == []


def test_a_region_error_is_a_warning_unless_fail_on_region_error(cloud, parse):
    cloud.fail[('polardb', 'cn-shanghai')] = ApiError('polardb', 'DescribeDBClusters', 403, 'Forbidden.RAM',
                                                      'denied for key %s' % ALI_SK, 'req-7')
    inventory, _plugin = parse(dict(alibabacloud=dict(ALI, regions=['cn-hangzhou', 'cn-shanghai'])))
    assert sorted(inventory.hosts) == ['orders_production', 'pc-2', 'prod_bastion']
    with pytest.raises(AnsibleParserError) as info:
        parse(dict(alibabacloud=dict(ALI, regions=['cn-hangzhou', 'cn-shanghai']), fail_on_region_error=True))
    text = str(info.value)
    assert 'req-7' in text and '1 of 4 regions' in text and 'alibabacloud polardb cn-shanghai: Forbidden.RAM' in text
    assert ALI_SK not in text and '********' in text


def test_the_cache_serves_a_second_parse_without_a_request(cloud, parse, tmp_path):
    cache_dir = tmp_path / 'cache'
    config = dict(alibabacloud=dict(ALI, services=['polardb']), cache=True, cache_plugin='ansible.builtin.jsonfile',
                  cache_connection=str(cache_dir))
    first, plugin = parse(config, cache=False)     # a refresh: reads and fills the cache
    plugin.update_cache_if_changed()               # as the inventory manager does after a source is parsed
    assert len(cloud.calls) == 1
    second, _plugin = parse(config, cache=True)    # another run (a new plugin object): the cache answers
    assert len(cloud.calls) == 1
    assert sorted(second.hosts) == sorted(first.hosts) == ['orders_production', 'pc-2']
    stored = ''.join(f.read_text() for f in cache_dir.iterdir())
    assert 'pc-1' in stored and ALI_SK not in stored and ALI['access_key'] not in stored
    parse(config, cache=False)                     # --flush-cache / a refresh reads again
    assert len(cloud.calls) == 2


def test_host_names_are_unique_whatever_repeats():
    views = [dict(name='a b', instance_id='1', service='ddm', region='r1'), dict(name='a_b', instance_id='2', service='dcs', region='r1'),
             dict(name='', instance_id='3', service='ddm', region='r1'), dict(name='c', instance_id='4', service='ddm', region='r1'),
             dict(name='c', instance_id='4', service='das', region='r1'), dict(name='数据库', instance_id='5', service='ddm', region='r1')]
    assert estate.host_names(views, 'name') == ['a_b_1', 'a_b_2', '3', 'c_4_ddm_r1', 'c_4_das_r1', '数据库']
    assert estate.group_name('huaweicloud', 'cn-north-4') == 'dbgov_huaweicloud_cn_north_4'


def test_documented_cloud_keys_are_the_modules_connection_options_plus_discovery():
    doc = yaml.safe_load(estate.DOCUMENTATION)['options']
    for cloud in ('huaweicloud', 'alibabacloud'):
        spec = estate.cloud_spec(cloud)
        documented = set(doc[cloud]['suboptions'])
        named = set(name for name in spec if 'V(%s)' % name in ' '.join(doc[cloud]['description']))
        assert documented | named == set(spec), cloud
        for name, opts in doc[cloud]['suboptions'].items():
            assert opts.get('default') == spec[name].get('default') and opts.get('choices') == spec[name].get('choices')
