# -*- coding: utf-8 -*-
# Copyright: dbgov.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Endpoints of both clouds (public patterns, the documented exceptions, the {service}/{region} override) and
Huawei project-id resolution through IAM (one match, none, several; an explicit project_id makes no IAM call)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from urllib.parse import parse_qsl, urlsplit

import pytest

from ansible_collections.dbgov.cloud.plugins.module_utils import alibabacloud as ali
from ansible_collections.dbgov.cloud.plugins.module_utils import huaweicloud as hw
from ansible_collections.dbgov.cloud.plugins.module_utils.transport import ApiError

PROJECT = 'e7f4b2c5a9d84f3e8c1b6a0d2f9e4c71'


# ---------------------------------------------------------------------------------------------- Huawei
@pytest.mark.parametrize('service,region,url', [
    ('ddm', 'cn-north-4', 'https://ddm.cn-north-4.myhuaweicloud.com'),
    ('dcs', 'ap-southeast-1', 'https://dcs.ap-southeast-1.myhuaweicloud.com'),
    ('das', 'cn-east-3', 'https://das.cn-east-3.myhuaweicloud.com'),
    ('iam', 'cn-north-4', 'https://iam.cn-north-4.myhuaweicloud.com'),
    # the documented exceptions (reference 4c)
    ('ddm', 'eu-west-101', 'https://ddm.eu-west-101.myhuaweicloud.eu'),
    ('das', 'na-mexico-1', 'https://das.la-south-2.myhuaweicloud.com'),
    # ... which apply to their service only
    ('dcs', 'eu-west-101', 'https://dcs.eu-west-101.myhuaweicloud.com'),
    ('dcs', 'na-mexico-1', 'https://dcs.na-mexico-1.myhuaweicloud.com'),
    ('ddm', 'na-mexico-1', 'https://ddm.na-mexico-1.myhuaweicloud.com'),
    ('das', 'eu-west-101', 'https://das.eu-west-101.myhuaweicloud.com'),
    # IAM: the regional host where the IAM SDK / SDK core tables list one (eu-west-101 on .eu), else the global one
    ('iam', 'eu-west-101', 'https://iam.eu-west-101.myhuaweicloud.eu'),
    ('iam', 'cn-north-12', 'https://iam.cn-north-12.myhuaweicloud.com'),
    ('iam', 'af-north-1', 'https://iam.myhuaweicloud.com'),
    ('iam', 'cn-north-11', 'https://iam.myhuaweicloud.com'),
    ('iam', 'ru-northwest-2', 'https://iam.myhuaweicloud.com'),
    ('iam', 'cn-southwest-3', 'https://iam.myhuaweicloud.com'),
])
def test_huawei_public_endpoints(service, region, url):
    assert hw.service_endpoint(service, region) == url


@pytest.mark.parametrize('override,url', [
    ('http://127.0.0.1:8800/{service}', 'http://127.0.0.1:8800/ddm'),
    ('http://127.0.0.1:8800/{service}/', 'http://127.0.0.1:8800/ddm'),
    ('https://{service}.{region}.example.internal', 'https://ddm.eu-west-101.example.internal'),
    ('https://proxy.example.com/hw/{region}/{service}', 'https://proxy.example.com/hw/eu-west-101/ddm'),
    ('https://fixed.example.com', 'https://fixed.example.com'),
])
def test_huawei_endpoint_override(override, url):
    """The override wins over the exceptions too (eu-west-101 is one) and may carry a path prefix."""
    assert hw.service_endpoint('ddm', 'eu-west-101', override) == url


class AnsweringTransport:
    """Transport stand-in answering by operation; keeps every built request."""

    def __init__(self, answers):
        self.answers = answers
        self.sent = []

    def call(self, build, parse_error, is_retryable, service, operation, write=False, idempotent=False, deadline=None, body_error=None):
        method, url, headers, body = build()
        self.sent.append(dict(operation=operation, service=service, method=method, url=url, headers=headers))
        return 200, {}, self.answers[operation]

    def operations(self):
        return [entry['operation'] for entry in self.sent]


def projects(*pairs):
    return {'projects': [{'id': pid, 'name': name, 'domain_id': 'd' * 32} for name, pid in pairs], 'links': {}}


IAM = projects(('cn-north-4', PROJECT), ('cn-north-4_sub', 'f' * 32), ('ap-southeast-1', 'a' * 32),
               ('xx-multi-1', '1' * 32), ('xx-multi-1', '2' * 32))


def client(transport, **params):
    values = dict(region='cn-north-4', project_id=None, access_key='AK', secret_key='SK', security_token=None, endpoint=None)
    values.update(params)
    return hw.HuaweiClient(values, transport, 'ddm')


def test_project_id_resolved_from_the_region_through_iam():
    transport = AnsweringTransport({'KeystoneListProjects': IAM, 'ListThings': {'x': 1}})
    ddm = client(transport)
    assert ddm.request('GET', '/v3/{project_id}/things', 'ListThings') == {'x': 1}
    ddm.request('GET', '/v3/{project_id}/things', 'ListThings')
    assert transport.operations() == ['KeystoneListProjects', 'ListThings', 'ListThings']  # resolved once per client
    iam, first = transport.sent[0], transport.sent[1]
    split = urlsplit(iam['url'])
    assert (split.netloc, split.path, parse_qsl(split.query)) == ('iam.cn-north-4.myhuaweicloud.com', '/v3/projects', [('name', 'cn-north-4')])
    assert 'X-Project-Id' not in iam['headers'] and iam['service'] == 'iam'
    assert 'Content-Type' not in iam['headers']  # a GET without a body, as the SDK core sends it
    assert first['headers']['Content-Type'] == 'application/json'
    assert first['headers']['X-Project-Id'] == PROJECT
    assert urlsplit(first['url']).path == '/v3/%s/things' % PROJECT


def test_iam_goes_through_the_endpoint_override():
    transport = AnsweringTransport({'KeystoneListProjects': IAM, 'ListThings': {}})
    client(transport, endpoint='http://127.0.0.1:8800/{service}').request('GET', '/v3/{project_id}/things', 'ListThings')
    assert [urlsplit(e['url']).path for e in transport.sent] == ['/iam/v3/projects', '/ddm/v3/%s/things' % PROJECT]


def test_one_iam_lookup_per_run_across_service_clients():
    transport = AnsweringTransport({'KeystoneListProjects': IAM, 'ListThings': {}})
    transport.memo = {}
    params = dict(region='cn-north-4', project_id=None, access_key='AK', secret_key='SK', security_token=None, endpoint=None)
    for service in ('ddm', 'dcs', 'das'):
        hw.HuaweiClient(params, transport, service).request('GET', '/v3/{project_id}/things', 'ListThings')
    assert transport.operations() == ['KeystoneListProjects', 'ListThings', 'ListThings', 'ListThings']
    assert all(e['headers']['X-Project-Id'] == PROJECT for e in transport.sent[1:])


def test_explicit_project_id_makes_no_iam_call():
    transport = AnsweringTransport({'ListThings': {}})
    client(transport, project_id='b' * 32).request('GET', '/v3/{project_id}/things', 'ListThings')
    assert transport.operations() == ['ListThings']
    assert transport.sent[0]['headers']['X-Project-Id'] == 'b' * 32


def test_sub_projects_are_not_matched():
    """IAM may answer loosely; only an exact name match counts (cn-north-4_sub is another project)."""
    transport = AnsweringTransport({'KeystoneListProjects': IAM})
    assert hw.resolve_project_id(dict(region='cn-north-4', access_key='AK', secret_key='SK'), transport) == PROJECT


@pytest.mark.parametrize('region,count,listed,hint', [
    ('nowhere-1', 0, 'none', 'check region, or pass project_id'),
    ('xx-multi-1', 2, '%s, %s' % ('1' * 32, '2' * 32), 'pass project_id explicitly'),
])
def test_project_resolution_fails_clearly(region, count, listed, hint):
    transport = AnsweringTransport({'KeystoneListProjects': IAM, 'ListThings': {}})
    with pytest.raises(ApiError) as info:
        client(transport, region=region).request('GET', '/v3/{project_id}/things', 'ListThings')
    err = info.value
    assert (err.service, err.operation, err.code) == ('iam', 'KeystoneListProjects', 'ProjectNotResolved')
    assert err.message == "region '%s' matches %d IAM projects (%s): %s" % (region, count, listed, hint)
    assert transport.operations() == ['KeystoneListProjects']  # nothing was sent to the service


def test_unscoped_request_needs_no_project():
    transport = AnsweringTransport({'KeystoneListProjects': IAM, 'ListVersions': {}})
    client(transport).request('GET', '/v3', 'ListVersions', project_scoped=False)
    assert transport.operations() == ['ListVersions']


def test_path_arguments_and_prefix_on_the_wire():
    transport = AnsweringTransport({'DeleteUser': {}})
    client(transport, project_id=PROJECT, endpoint='https://gw.example.com/hw/{service}/').request(
        'DELETE', '/v3/{project_id}/instances/i1/users/app_user', 'DeleteUser')
    assert transport.sent[0]['url'] == 'https://gw.example.com/hw/ddm/v3/%s/instances/i1/users/app_user' % PROJECT
    assert transport.sent[0]['headers']['Host'] == 'gw.example.com'


# ---------------------------------------------------------------------------------------------- Alibaba
@pytest.mark.parametrize('region', ['cn-hangzhou', 'cn-shanghai', 'cn-qingdao', 'cn-beijing', 'cn-wulanchabu', 'cn-heyuan',
                                    'cn-hangzhou-finance', 'cn-beijing-finance-1', 'ap-northeast-2-pop', 'cn-shanghai-inner',
                                    'cn-hangzhou-internal-test-1', 'eu-west-1-oxs', 'rus-west-1-pop'])
def test_polardb_central_endpoint(region):
    assert ali.service_endpoint('polardb', region) == 'https://polardb.aliyuncs.com'


@pytest.mark.parametrize('region', ['cn-shenzhen', 'cn-hongkong', 'cn-zhangjiakou', 'ap-southeast-1', 'ap-southeast-2', 'eu-central-1',
                                    'us-east-1', 'me-east-1'])
def test_polardb_regional_endpoint(region):
    """cn-shenzhen and cn-hongkong follow the current doc and SDK (regional), not the old central mapping."""
    assert ali.service_endpoint('polardb', region) == 'https://polardb.%s.aliyuncs.com' % region


@pytest.mark.parametrize('region', ['cn-qingdao', 'cn-beijing', 'cn-wulanchabu', 'cn-hangzhou', 'cn-shanghai', 'cn-shenzhen', 'cn-heyuan',
                                    'cn-guangzhou', 'cn-chengdu', 'me-east-1', 'ap-south-1', 'cn-shanghai-finance-1',
                                    'cn-shenzhen-finance-1', 'cn-north-2-gov-1', 'cn-beijing-finance-1', 'cn-zhengzhou-jva',
                                    'cn-hangzhou-finance', 'cn-beijing-gov-1', 'cn-edge-1', 'cn-beijing-finance-pop',
                                    'ap-northeast-2-pop', 'cn-shenzhen-inner'])
def test_bastionhost_central_endpoint(region):
    assert ali.service_endpoint('bastionhost', region) == 'https://yundun-bastionhost.aliyuncs.com'


@pytest.mark.parametrize('region', ['cn-zhangjiakou', 'cn-huhehaote', 'cn-hongkong', 'ap-northeast-1', 'ap-northeast-2', 'ap-southeast-1',
                                    'ap-southeast-3', 'ap-southeast-5', 'us-east-1', 'us-west-1', 'eu-west-1', 'eu-central-1', 'na-south-1',
                                    'ap-southeast-2'])
def test_bastionhost_regional_endpoint(region):
    """ap-southeast-2: the SDK maps it to the central host, the official endpoint page lists the regional one,
    which the collection follows (tests/emulator/tests/test_endpoint_conformance.py allowlists it)."""
    assert ali.service_endpoint('bastionhost', region) == 'https://bastionhost.%s.aliyuncs.com' % region


@pytest.mark.parametrize('region', ['cn-nanjing', 'ap-southeast-8', 'xx-future-1'])
def test_bastionhost_unmapped_region_follows_the_sdk_rule(region):
    """A region the SDK's map does not list gets the SDK's regional rule: product id yundun-bastionhost."""
    assert ali.service_endpoint('bastionhost', region) == 'https://yundun-bastionhost.%s.aliyuncs.com' % region


@pytest.mark.parametrize('service', ['polardb', 'bastionhost'])
def test_alibaba_endpoint_override(service):
    assert ali.service_endpoint(service, 'cn-hangzhou', 'http://127.0.0.1:8800/{service}/') == 'http://127.0.0.1:8800/' + service
    assert ali.service_endpoint(service, 'ap-southeast-2', 'https://{service}.{region}.example') == 'https://%s.ap-southeast-2.example' % service


def test_alibaba_unknown_service():
    with pytest.raises(ValueError):
        ali.service_endpoint('rds', 'cn-hangzhou')
    with pytest.raises(ValueError):
        ali.AlibabaClient(dict(region='cn-hangzhou', access_key='a', secret_key='b'), None, 'rds')


def test_alibaba_client_uses_the_override_path_and_version():
    transport = AnsweringTransport({'DescribeAccounts': {'Accounts': []}})
    params = dict(region='cn-hangzhou', access_key='AK', secret_key='SK', security_token=None, endpoint='http://127.0.0.1:8800/{service}')
    ali.AlibabaClient(params, transport, 'bastionhost').call('DescribeAccounts', {'InstanceId': 'bastionhost-cn-1'})
    sent = transport.sent[0]
    assert sent['url'] == 'http://127.0.0.1:8800/bastionhost?InstanceId=bastionhost-cn-1'
    assert (sent['headers']['x-acs-version'], sent['headers']['host'], sent['method']) == ('2019-12-09', '127.0.0.1:8800', 'POST')
