"""The collection's public endpoints agree with the official SDKs' region tables and endpoint maps.

For every region an SDK lists, the host the collection picks (plugins/module_utils huaweicloud.service_endpoint and
alibabacloud.service_endpoint, no override) must be the host the SDK picks:

- Huawei DDM, DCS, DAS: the service SDK's region table (``<Service>Region.static_fields``).
- Huawei IAM (project-id lookup): the IAM SDK's region table, then the SDK core's IAM table, then the core's global
  host ``iam.myhuaweicloud.com``, checked for every region any of these tables lists.
- Alibaba PolarDB and Bastionhost: the generated client's resolution (its ``_endpoint_map``, else its
  ``_endpoint_rule``) for every region of its map, plus regions it does not map (the fallback rule).

The SDK versions are pinned in tests/emulator/requirements.txt; a newer SDK that adds or moves a region fails here by
region name. A deliberate difference goes into ALLOWLIST with the public document that justifies it.
"""

import pytest
from alibabacloud_polardb20170801.client import Client as PolarDBClient
from alibabacloud_tea_openapi import models as openapi_models
from alibabacloud_yundun_bastionhost20191209.client import Client as BastionhostClient
from huaweicloudsdkcore.auth import endpoint as core_endpoint
from huaweicloudsdkcore.auth.internal import IamHelper
from huaweicloudsdkdas.v3.region.das_region import DasRegion
from huaweicloudsdkdcs.v2.region.dcs_region import DcsRegion
from huaweicloudsdkddm.v1.region.ddm_region import DdmRegion
from huaweicloudsdkiam.v3.region.iam_region import IamRegion

# the collection's code is importable through tests/emulator/tests/conftest.py
from ansible_collections.dbgov.cloud.plugins.module_utils import alibabacloud, huaweicloud

# (service, region) -> (the collection's URL, why it differs from the SDK). Keep each reason a public document.
ALLOWLIST = {
    # The SDK maps Sydney to the central host; the official "Bastionhost endpoints" page lists the regional one:
    # https://www.alibabacloud.com/help/en/bh/bastionhost/developer-reference/api-yundun-bastionhost-2019-12-09-endpoint
    ('bastionhost', 'ap-southeast-2'): 'https://bastionhost.ap-southeast-2.aliyuncs.com',
}

HUAWEI_TABLES = {'ddm': DdmRegion, 'dcs': DcsRegion, 'das': DasRegion}
# regions no Alibaba map lists, to check the SDKs' fallback rule too (made-up ids included on purpose)
UNMAPPED_ALIBABA_REGIONS = ('cn-nanjing', 'cn-fuzhou', 'ap-southeast-8', 'eu-north-9', 'xx-future-1')


def _core_iam_table():
    table = getattr(core_endpoint, '__IAM_ENDPOINT_DICT')
    assert len(table) > 20, 'the SDK core moved its IAM table: update this test'
    return table


def _huawei_sdk_endpoint(service, region):
    if service == 'iam':
        if region in IamRegion.static_fields:
            return IamRegion.static_fields[region].endpoints[0]
        return IamHelper.get_iam_endpoint(region)  # the core's own choice: its table, else the global host
    endpoints = HUAWEI_TABLES[service].static_fields[region].endpoints
    assert len(endpoints) == 1, (service, region, endpoints)
    return endpoints[0]


def _huawei_cases():
    cases = [(service, region) for service, table in HUAWEI_TABLES.items() for region in table.static_fields]
    every_region = set(IamRegion.static_fields) | set(_core_iam_table())
    for table in HUAWEI_TABLES.values():
        every_region |= set(table.static_fields)
    return cases + [('iam', region) for region in sorted(every_region)]


def _alibaba_sdk_endpoint(service, region):
    config = openapi_models.Config(region_id=region, access_key_id='conformance', access_key_secret='conformance')
    client = (PolarDBClient if service == 'polardb' else BastionhostClient)(config)
    return 'https://' + client._endpoint  # pylint: disable=protected-access


def _alibaba_cases():
    cases = []
    for service, client_class in (('polardb', PolarDBClient), ('bastionhost', BastionhostClient)):
        config = openapi_models.Config(region_id='cn-hangzhou', access_key_id='x', access_key_secret='y')
        mapped = client_class(config)._endpoint_map  # pylint: disable=protected-access
        cases += [(service, region) for region in sorted(mapped) + list(UNMAPPED_ALIBABA_REGIONS)]
    return cases


def _expected(service, region, sdk_url):
    return ALLOWLIST.get((service, region), sdk_url)


@pytest.mark.parametrize('service,region', _huawei_cases())
def test_huawei_endpoint_is_the_sdks(service, region, monkeypatch):
    monkeypatch.delenv('HUAWEICLOUD_SDK_IAM_ENDPOINT', raising=False)
    sdk_url = _huawei_sdk_endpoint(service, region)
    assert huaweicloud.service_endpoint(service, region) == _expected(service, region, sdk_url)


@pytest.mark.parametrize('service,region', _alibaba_cases())
def test_alibaba_endpoint_is_the_sdks(service, region):
    sdk_url = _alibaba_sdk_endpoint(service, region)
    assert alibabacloud.service_endpoint(service, region) == _expected(service, region, sdk_url)


@pytest.mark.parametrize('service,region', sorted(ALLOWLIST))
def test_allowlist_entries_still_differ(service, region):
    """An allowlisted region the SDK now agrees on is stale: drop it from ALLOWLIST (and from the code's comment)."""
    if service in ('polardb', 'bastionhost'):
        sdk_url = _alibaba_sdk_endpoint(service, region)
    else:
        sdk_url = _huawei_sdk_endpoint(service, region)
    assert sdk_url != ALLOWLIST[(service, region)]


def test_the_tables_cover_what_the_issue_names():
    """Spot checks that the tables were read at all (an empty table would make every parametrised test vanish)."""
    huawei = set(_huawei_cases())
    assert {('ddm', 'eu-west-101'), ('das', 'na-mexico-1'), ('dcs', 'ru-northwest-2'), ('iam', 'cn-north-11')} <= huawei
    assert len([case for case in huawei if case[0] == 'iam']) >= 30
    alibaba = set(_alibaba_cases())
    assert {('polardb', 'cn-hangzhou-internal-test-1'), ('bastionhost', 'cn-beijing-finance-pop')} <= alibaba
    assert huaweicloud.service_endpoint('iam', 'eu-west-101') == 'https://iam.eu-west-101.myhuaweicloud.eu'
    assert huaweicloud.service_endpoint('iam', 'af-north-1') == 'https://iam.myhuaweicloud.com'
