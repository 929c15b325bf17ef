"""Discovery conformance: the instance-list operations of the five services, driven through the official SDK clients.

DDM ListInstances (huaweicloudsdkddm), DCS ListInstances (huaweicloudsdkdcs), DAS ListCloudDbaInstances on generated
instances (huaweicloudsdkdas), PolarDB DescribeDBClusters on generated clusters and a denied region
(alibabacloud_polardb20170801), Bastionhost DescribeInstances (alibabacloud_yundun_bastionhost20191209). The SDKs must
parse every answer into their models with the right values; the bulk-seeding hooks must produce what they promise.
"""

import pytest

from emulator.clients import alibaba_sdk_client, expect_alibaba_error, huawei_sdk_client

ddm_v1 = pytest.importorskip('huaweicloudsdkddm.v1')
dcs_v2 = pytest.importorskip('huaweicloudsdkdcs.v2')
das_v3 = pytest.importorskip('huaweicloudsdkdas.v3')
polardb_client = pytest.importorskip('alibabacloud_polardb20170801.client')
polardb_models = pytest.importorskip('alibabacloud_polardb20170801.models')
bastion_client = pytest.importorskip('alibabacloud_yundun_bastionhost20191209.client')
bastion_models = pytest.importorskip('alibabacloud_yundun_bastionhost20191209.models')
sdk_exceptions = pytest.importorskip('huaweicloudsdkcore.exceptions.exceptions')

BEIJING4 = 'e7f4b2c5a9d84f3e8c1b6a0d2f9e4c71'    # cn-north-4
SINGAPORE = 'a3c8e1f0b7d94e2a9f6c5b4d3e2a1f08'   # ap-southeast-1
MEXICO = '5d2c9e8f1a7b4c3d8e6f0a9b2c1d4e7f'      # la-south-2


def ddm(server, project_id=BEIJING4):
    return huawei_sdk_client(ddm_v1.DdmClient, server.service_url('ddm'), project_id=project_id)


def dcs(server, project_id=BEIJING4):
    return huawei_sdk_client(dcs_v2.DcsClient, server.service_url('dcs'), project_id=project_id)


def das(server, project_id=BEIJING4):
    return huawei_sdk_client(das_v3.DasClient, server.service_url('das'), project_id=project_id)


# ---------------------------------------------------------------- DDM ListInstances

def test_ddm_list_instances_parses_the_seeded_instances_of_the_project(server):
    body = ddm(server).list_instances(ddm_v1.ListInstancesRequest(offset=0, limit=128))
    seeded = [i for i in server.get_state('ddm')['instances'] if i['project_id'] == BEIJING4]
    assert [i.id for i in body.instances] == [i['id'] for i in seeded]
    assert body.total_record == len(seeded) == body.instance_num and body.total_page == 1 and body.page_no == 1
    first = body.instances[0]
    assert (first.name, first.status, first.project_id, first.engine_version) == ('ddm-orders-prod', 'RUNNING', BEIJING4, '3.1.0')
    assert first.node_count == 2 and first.access_port == '5066'
    other = ddm(server, SINGAPORE).list_instances(ddm_v1.ListInstancesRequest(offset=0, limit=128))
    assert [i.name for i in other.instances] == ['ddm-sg-catalog']


def test_ddm_list_instances_pages_by_record_offset_over_generated_instances(server):
    assert server.run_control('ddm', 'add_instances', {'project_id': MEXICO, 'count': 200, 'prefix': 'ddm-mx-'}) == {'count': 200}
    cli = ddm(server, MEXICO)
    first = cli.list_instances(ddm_v1.ListInstancesRequest(offset=0, limit=128))
    second = cli.list_instances(ddm_v1.ListInstancesRequest(offset=128, limit=128))
    names = [i.name for i in first.instances + second.instances]
    assert len(first.instances) == 128 and len(second.instances) == 72 and first.total_record == 200 and first.total_page == 2
    assert names == ['ddm-mx-%04d' % n for n in range(1, 201)]
    assert all(i.id.endswith('in09') and len(i.id) == 36 for i in first.instances)
    default = cli.list_instances(ddm_v1.ListInstancesRequest())
    assert len(default.instances) == 10  # documented default limit


def test_ddm_list_instances_refuses_a_limit_over_128(server):
    with pytest.raises(sdk_exceptions.ClientRequestException) as info:
        ddm(server).list_instances(ddm_v1.ListInstancesRequest(offset=0, limit=129))
    assert info.value.status_code == 400 and 'DBS.280001' in info.value.error_msg


# ---------------------------------------------------------------- DCS ListInstances

def test_dcs_list_instances_parses_features_and_filters(server):
    cli = dcs(server)
    body = cli.list_instances(dcs_v2.ListInstancesRequest(offset=0, limit=1000))
    seeded = [i for i in server.get_state('dcs')['instances'] if i['project_id'] == BEIJING4]
    assert body.instance_num == len(seeded) and [i.instance_id for i in body.instances] == [i['instance_id'] for i in seeded]
    orders = body.instances[0]
    assert (orders.name, orders.engine, orders.engine_version, orders.status) == ('redis-orders-prod', 'Redis', '5.0', 'RUNNING')
    assert orders.features.support_acl is True and orders.port == 6379
    exact = cli.list_instances(dcs_v2.ListInstancesRequest(name='redis-orders-prod', name_equal='true'))
    fuzzy = cli.list_instances(dcs_v2.ListInstancesRequest(name='-prod'))
    assert [i.name for i in exact.instances] == ['redis-orders-prod']
    assert sorted(i.name for i in fuzzy.instances) == ['redis-orders-prod', 'redis-sessions-prod']


def test_dcs_list_instances_pages_tags_and_acl_support_of_generated_instances(server):
    server.run_control('dcs', 'add_instances', {'project_id': MEXICO, 'count': 3, 'prefix': 'redis-old-', 'engine_version': '3.0',
                                                'tags': [{'key': 'team', 'value': 'legacy'}]})
    server.run_control('dcs', 'add_instances', {'project_id': MEXICO, 'count': 2, 'prefix': 'memcached-', 'engine': 'Memcached',
                                                'engine_version': '1.5'})
    cli = dcs(server, MEXICO)
    page = cli.list_instances(dcs_v2.ListInstancesRequest(offset=2, limit=2))
    assert page.instance_num == 5 and [i.name for i in page.instances] == ['redis-old-0003', 'memcached-0004']  # numbers go on per project
    assert [i.features.support_acl for i in page.instances] == [False, False]
    tagged = cli.list_instances(dcs_v2.ListInstancesRequest(tags='team=legacy'))
    assert tagged.instance_num == 3 and tagged.instances[0].tags[0].key == 'team'
    assert cli.list_instances(dcs_v2.ListInstancesRequest(tags='team=other')).instance_num == 0


# ---------------------------------------------------------------- DAS ListCloudDbaInstances (generated instances)

def test_das_generated_instances_page_through_the_sdk(server):
    assert server.run_control('das', 'add_instances', {'project_id': MEXICO, 'count': 7, 'prefix': 'rds-mx-'}) == {'count': 7}
    cli = das(server, MEXICO)
    first = cli.list_cloud_dba_instances(das_v3.ListCloudDbaInstancesRequest(datastore_type='MySQL', offset=0, limit=5))
    rest = cli.list_cloud_dba_instances(das_v3.ListCloudDbaInstancesRequest(datastore_type='MySQL', offset=5, limit=5))
    assert first.total_count == 7 and len(first.instance_list) == 5 and len(rest.instance_list) == 2
    assert [i.instance_name for i in first.instance_list + rest.instance_list] == ['rds-mx-%04d' % n for n in range(1, 8)]


# ---------------------------------------------------------------- PolarDB DescribeDBClusters (generated, denied)

def test_polardb_generated_clusters_page_and_denied_regions_answer_forbidden(server):
    assert server.run_control('polardb', 'add_clusters', {'region': 'cn-beijing', 'count': 120, 'tags': [{'Key': 'env', 'Value': 'dev'}]}) \
        == {'count': 120}
    cli = alibaba_sdk_client(polardb_client.Client, server)
    pages = [cli.describe_dbclusters(polardb_models.DescribeDBClustersRequest(region_id='cn-beijing', page_size=100, page_number=n)).body
             for n in (1, 2)]
    assert [p.page_record_count for p in pages] == [100, 20] and pages[0].total_record_count == 120
    ids = [c.dbcluster_id for p in pages for c in p.items.dbcluster]
    assert len(set(ids)) == 120 and all(c.region_id == 'cn-beijing' for p in pages for c in p.items.dbcluster)
    assert {(t.key, t.value) for t in pages[0].items.dbcluster[0].tags.tag} == {('env', 'dev')}
    server.update_control('polardb', {'denied_regions': ['cn-beijing']})
    expect_alibaba_error(lambda: cli.describe_dbclusters(polardb_models.DescribeDBClustersRequest(region_id='cn-beijing')),
                         403, 'Forbidden.RAM')


# ---------------------------------------------------------------- Bastionhost DescribeInstances

def test_bastion_describe_instances_parses_the_seeded_hosts_of_a_region(server):
    cli = alibaba_sdk_client(bastion_client.Client, server)
    body = cli.describe_instances(bastion_models.DescribeInstancesRequest(region_id='cn-hangzhou', page_size=50)).body
    seeded = [i['InstanceId'] for i in server.get_state('bastionhost')['instances'] if i['RegionId'] == 'cn-hangzhou']
    assert body.total_count == len(seeded) and [i.instance_id for i in body.instances] == seeded
    first = body.instances[0]
    assert (first.instance_status, first.region_id, first.legacy, first.band_width) == ('RUNNING', 'cn-hangzhou', False, 5)
    assert first.description and first.expire_time == 4102444800000
    one = cli.describe_instances(bastion_models.DescribeInstancesRequest(region_id='cn-hangzhou', instance_id=[seeded[1]])).body
    assert [i.instance_id for i in one.instances] == [seeded[1]]


def test_bastion_describe_instances_pages_tags_status_and_denied_regions(server):
    server.run_control('bastionhost', 'add_instances', {'region': 'eu-central-1', 'count': 12, 'tags': [{'Key': 'env', 'Value': 'prod'}]})
    server.run_control('bastionhost', 'add_instances', {'region': 'eu-central-1', 'count': 1, 'status': 'EXPIRED', 'prefix': 'old'})
    cli = alibaba_sdk_client(bastion_client.Client, server)
    default = cli.describe_instances(bastion_models.DescribeInstancesRequest(region_id='eu-central-1')).body
    assert default.total_count == 13 and len(default.instances) == 10  # documented default PageSize
    second = cli.describe_instances(bastion_models.DescribeInstancesRequest(region_id='eu-central-1', page_number=2)).body
    assert len(second.instances) == 3
    tagged = cli.describe_instances(bastion_models.DescribeInstancesRequest(
        region_id='eu-central-1', page_size=100, tag=[bastion_models.DescribeInstancesRequestTag(key='env', value='prod')])).body
    assert tagged.total_count == 12
    expired = cli.describe_instances(bastion_models.DescribeInstancesRequest(region_id='eu-central-1', instance_status='EXPIRED')).body
    assert [i.description for i in expired.instances] == ['old-eu-central-1-0013']
    server.update_control('bastionhost', {'denied_regions': ['eu-central-1']})
    expect_alibaba_error(lambda: cli.describe_instances(bastion_models.DescribeInstancesRequest(region_id='eu-central-1')),
                         403, 'Forbidden.RAM')
