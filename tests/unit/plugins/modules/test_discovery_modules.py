# -*- coding: utf-8 -*-
# Copyright: dbgov.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The five discovery modules (no network): one client and transport per region, views, filters, region errors."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import threading

import pytest

from ansible_collections.dbgov.cloud.plugins.module_utils.transport import ApiError
from ansible_collections.dbgov.cloud.plugins.modules import (
    bastion_instance_info, das_instance_info, dcs_instance_info, ddm_instance_info, polardb_cluster_info,
)
from ansible_collections.dbgov.cloud.tests.unit.plugins.modules.helpers import ALIBABA_ARGS, HUAWEI_ARGS


class Recorder:
    def __init__(self):
        self.calls = []
        self.lock = threading.Lock()

    def add(self, client, operation, params):
        with self.lock:
            # the objects themselves, not id(): a freed object's id can be reused by the next region's transport
            self.calls.append(dict(region=client.params['region'], project_id=client.params.get('project_id'),
                                   transport=client.transport, session=client.transport.session, operation=operation,
                                   params=params, thread=threading.current_thread().name))


@pytest.fixture
def huawei(fake_huawei_request):
    rec = Recorder()
    rec.fail = {}

    def request(self, method, path, operation, query=None, **kwargs):
        rec.add(self, operation, query)
        region = self.params['region']
        if region in rec.fail:
            raise rec.fail[region]
        if operation == 'ListInstances' and self.service == 'ddm':
            items = [dict(id='%032x' % n + 'in09', name='ddm-%s-%03d' % (region, n), status='RUNNING', engine_version='3.1.0',
                          project_id='p-' + region) for n in range(130)]
            page = items[query['offset']:query['offset'] + query['limit']]
            return dict(instances=page, total_record=len(items), page_no=1, page_size=len(page))
        if operation == 'ListInstances' and self.service == 'dcs':
            return dict(instance_num=3, instances=[
                dict(instance_id='a', name='redis-a', engine='Redis', engine_version='5.0', status='RUNNING',
                     features=dict(support_acl=False), tags=[dict(key='team', value='x')]),
                dict(instance_id='b', name='redis-b', engine='Redis', engine_version='4.0', status='RUNNING'),
                dict(instance_id='c', name='memcached-c', engine='Memcached', engine_version='1.5', status='RUNNING')])
        if operation == 'ListCloudDbaInstances':
            kind = query['datastore_type']
            return dict(total_count=1, instance_list=[dict(instance_id=kind + region, instance_name='%s-%s' % (kind.lower(), region),
                                                           instance_status='ACTIVE', engine_type=kind, login_flag=True)])
        raise AssertionError('unexpected %s' % operation)

    fake_huawei_request(request)
    return rec


@pytest.fixture
def alibaba(fake_alibaba_call):
    rec = Recorder()
    rec.fail = {}

    def call(self, action, params=None, **kwargs):
        rec.add(self, action, params)
        region = params['RegionId']
        if region in rec.fail:
            raise rec.fail[region]
        number, size = params['PageNumber'], params['PageSize']
        if action == 'DescribeDBClusters':
            items = [dict(DBClusterId='pc-%s%03d' % (region[:2], n), DBClusterDescription='c-%03d' % n, DBClusterStatus='Running',
                          DBType='MySQL', DBVersion='8.0', RegionId=region, Tags=dict(Tag=[dict(Key='env', Value='prod')])) for n in range(120)]
            page = items[(number - 1) * size:number * size]
            return dict(Items=dict(DBCluster=page), PageNumber=number, PageRecordCount=len(page), TotalRecordCount=len(items))
        if action == 'DescribeInstances':
            items = [dict(InstanceId='bastionhost-%s-%03d' % (region[:2], n), Description='bh-%03d' % n, InstanceStatus='RUNNING',
                          RegionId=region, Legacy=False) for n in range(60)]
            return dict(Instances=items[(number - 1) * size:number * size], TotalCount=len(items))
        raise AssertionError('unexpected %s' % action)

    fake_alibaba_call(call)
    return rec


def test_ddm_reads_each_region_on_its_own_transport_and_resolves_other_projects(huawei, module_runner):
    run = module_runner(ddm_instance_info.main, HUAWEI_ARGS)
    res = run(regions=['cn-north-4', 'ap-southeast-1', 'la-south-2'])
    assert not res.failed and res.result['changed'] is False
    assert len(res.result['instances']) == 390 and res.result['region_errors'] == []
    assert [i['region'] for i in res.result['instances'][::130]] == ['cn-north-4', 'ap-southeast-1', 'la-south-2']
    assert res.result['instances'][0] == dict(instance_id='0' * 32 + 'in09', name='ddm-cn-north-4-000', region='cn-north-4', status='RUNNING',
                                              cloud='huaweicloud', service='ddm', engine_version='3.1.0', project_id='p-cn-north-4',
                                              enterprise_project_id=None, available_zone=None, node_count=None, node_status=None,
                                              access_ip=None, access_port=None, vpc_id=None, created=None, updated=None)
    by_region = {}
    for call in huawei.calls:
        by_region.setdefault(call['region'], set()).add((call['transport'], call['session'], call['project_id']))
    assert len(huawei.calls) == 6  # 2 pages of 128 per region
    assert all(len(v) == 1 for v in by_region.values())  # one transport per region
    assert len(set(t for v in by_region.values() for t, _s, _p in v)) == 3
    assert len(set(s for v in by_region.values() for _t, s, _p in v)) == 3  # no requests session shared between threads
    assert by_region['cn-north-4'] == {next(iter(by_region['cn-north-4']))} and next(iter(by_region['cn-north-4']))[2] == HUAWEI_ARGS['project_id']
    assert next(iter(by_region['la-south-2']))[2] is None  # another region's project comes from IAM, never the option


def test_ddm_region_error_is_reported_or_fails_when_asked(huawei, module_runner):
    huawei.fail['la-south-2'] = ApiError('iam', 'KeystoneListProjects', 200, 'ProjectNotResolved', 'none', None)
    run = module_runner(ddm_instance_info.main, HUAWEI_ARGS, regions=['cn-north-4', 'la-south-2'])
    res = run()
    assert not res.failed and len(res.result['instances']) == 130
    assert [(e['region'], e['error_code']) for e in res.result['region_errors']] == [('la-south-2', 'ProjectNotResolved')]
    strict = run(fail_on_region_error=True)
    assert strict.failed and strict.result['error_code'] == 'ProjectNotResolved' and 'la-south-2' in strict.result['msg']
    assert 'instances' not in strict.result


def test_ddm_name_pattern_and_check_mode(huawei, module_runner):
    res = module_runner(ddm_instance_info.main, HUAWEI_ARGS)(check_mode=True, name_pattern='ddm-*-12?')
    assert [i['name'] for i in res.result['instances']] == ['ddm-cn-north-4-%03d' % n for n in range(120, 130)]
    assert res.result['regions'] == ['cn-north-4'] and res.result['changed'] is False


def test_ddm_bad_region_makes_no_request(huawei, module_runner):
    res = module_runner(ddm_instance_info.main, HUAWEI_ARGS)(regions=['cn-north-4', 'North 4'])
    assert res.failed and res.result['msg'].startswith('regions:') and huawei.calls == []


def test_dcs_acl_support_from_features_or_the_engine_rule_and_tags(huawei, module_runner):
    res = module_runner(dcs_instance_info.main, HUAWEI_ARGS)(tags=dict(team='x', env='prod'))
    views = res.result['instances']
    assert [(v['name'], v['acl_supported'], v['acl_supported_from']) for v in views] == [
        ('redis-a', False, 'features'), ('redis-b', True, 'engine_version'), ('memcached-c', False, 'engine_version')]
    assert views[0]['tags'] == dict(team='x') and views[1]['tags'] == {}
    assert huawei.calls[0]['params'] == dict(tags='env=prod,team=x', offset=0, limit=1000)


@pytest.mark.parametrize('tags', [dict(team='a,b'), dict(team=None), dict(team='')])
def test_dcs_tags_the_list_api_cannot_express_are_refused(huawei, module_runner, tags):
    res = module_runner(dcs_instance_info.main, HUAWEI_ARGS)(tags=tags)
    assert res.failed and res.result['msg'].startswith('tags:') and huawei.calls == []


def test_das_lists_each_datastore_type_of_each_region(huawei, module_runner):
    res = module_runner(das_instance_info.main, HUAWEI_ARGS)(regions=['cn-north-4', 'ap-southeast-1'],
                                                             datastore_types=['MySQL', 'PostgreSQL', 'MySQL'], name_pattern='*-cn-*')
    assert [(v['name'], v['datastore_type'], v['region'], v['service']) for v in res.result['instances']] == [
        ('mysql-cn-north-4', 'MySQL', 'cn-north-4', 'das'), ('postgresql-cn-north-4', 'PostgreSQL', 'cn-north-4', 'das')]
    assert sorted((c['region'], c['params']['datastore_type']) for c in huawei.calls) == [
        ('ap-southeast-1', 'MySQL'), ('ap-southeast-1', 'PostgreSQL'), ('cn-north-4', 'MySQL'), ('cn-north-4', 'PostgreSQL')]


def test_polardb_pages_regions_and_passes_tags_and_type(alibaba, module_runner):
    res = module_runner(polardb_cluster_info.main, ALIBABA_ARGS)(regions=['cn-hangzhou', 'cn-shanghai'], tags=dict(env='prod'),
                                                                 db_type='MySQL', concurrency=2)
    views = res.result['instances']
    assert len(views) == 240 and views[0]['cluster_id'] == views[0]['instance_id'] == 'pc-cn000'
    assert views[0]['name'] == 'c-000' and views[0]['tags'] == dict(env='prod') and views[0]['cloud'] == 'alibabacloud'
    assert len(alibaba.calls) == 4 and {c['params']['PageSize'] for c in alibaba.calls} == {100}
    assert alibaba.calls[0]['params']['Tag'] == [dict(Key='env', Value='prod')] and alibaba.calls[0]['params']['DBType'] == 'MySQL'
    assert len({c['transport'] for c in alibaba.calls}) == 2


def test_bastion_denied_region_is_reported_and_names_come_from_descriptions(alibaba, module_runner):
    alibaba.fail['cn-beijing'] = ApiError('bastionhost', 'DescribeInstances', 403, 'Forbidden.RAM', 'denied', 'req-9')
    res = module_runner(bastion_instance_info.main, ALIBABA_ARGS)(regions=['cn-hangzhou', 'cn-beijing'], name_pattern='bh-05?')
    assert [v['name'] for v in res.result['instances']] == ['bh-%03d' % n for n in range(50, 60)]
    assert res.result['region_errors'][0]['request_id'] == 'req-9' and res.result['region_errors'][0]['http_status'] == 403
    assert [c['params']['PageNumber'] for c in alibaba.calls if c['region'] == 'cn-hangzhou'] == [1, 2]
