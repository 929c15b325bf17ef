# -*- coding: utf-8 -*-
# Copyright: dbgov.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""alibabacloud_credentials / huaweicloud_credentials (no network: the STS / IAM answers are stand-ins; the real
round trips run against the emulator in tests/emulator/tests/test_credential_chain.py and the credentials_chain
integration target), and the "no credentials" message every module gives before any request."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from ansible_collections.dbgov.cloud.plugins.modules import alibabacloud_credentials, ddm_user_info, huaweicloud_credentials
from ansible_collections.dbgov.cloud.tests.unit.plugins.modules.helpers import ALIBABA_ARGS, ALIBABA_SK, HUAWEI_ARGS, HUAWEI_SK

ROLE = 'acs:ram::1234567890123456:role/dbgov-governance'
TEMP_SECRET, TEMP_TOKEN = 'temporary-secret-0000000000000000001', 'temporary-token-000000000000000000000001'
NO_CHAIN_ENV = ('ALIBABA_CLOUD_ACCESS_KEY_ID', 'ALICLOUD_ACCESS_KEY', 'ALIBABA_CLOUD_ROLE_ARN', 'ALIBABA_CLOUD_PROFILE',
                'HUAWEICLOUD_SDK_AK', 'HW_ACCESS_KEY', 'HUAWEICLOUD_SDK_IDP_ID', 'HUAWEICLOUD_SDK_CREDENTIALS_FILE',
                'DBGOV_ALIBABACLOUD_ASSUME_ROLE_ARN', 'DBGOV_HUAWEICLOUD_ASSUME_AGENCY_NAME')


@pytest.fixture(autouse=True)
def clean_env(monkeypatch, tmp_path):
    for name in NO_CHAIN_ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv('HOME', str(tmp_path))


@pytest.fixture
def sts(fake_alibaba_call):
    calls = []

    def call(self, action, params=None, **kwargs):
        calls.append((self.service, action, dict(params or {}), self._credentials()))  # pylint: disable=protected-access
        return dict(Credentials=dict(AccessKeyId='STS.unit0001', AccessKeySecret=TEMP_SECRET, SecurityToken=TEMP_TOKEN,
                                     Expiration='2099-01-01T00:00:00Z'), RequestId='r')
    fake_alibaba_call(call)
    return calls


def test_refused_without_no_log_before_any_request(module_runner, sts):
    run = module_runner(alibabacloud_credentials.main, ALIBABA_ARGS)
    result = run(assume_role=dict(role_arn=ROLE))
    assert result.failed and result.result['error_code'] == 'NoLogRequired' and sts == []


def test_returns_the_role_credentials_for_module_defaults(module_runner, sts):
    run = module_runner(alibabacloud_credentials.main, ALIBABA_ARGS, _ansible_no_log=True)
    result = run(assume_role=dict(role_arn=ROLE, session_name='unit', duration=900))
    assert not result.failed and result.result['changed'] is False
    assert result.result['module_defaults'] == dict(region='cn-hangzhou', access_key='STS.unit0001', secret_key=TEMP_SECRET,
                                                    security_token=TEMP_TOKEN)
    assert result.result['expiration'] == '2099-01-01T00:00:00Z' and result.result['expires_in'] > 0
    assert result.result['source'] == 'assume_role %s (on options (access_key))' % ROLE
    (service, action, params, signer), = sts
    assert (service, action, params) == ('sts', 'AssumeRole', dict(RoleArn=ROLE, RoleSessionName='unit', DurationSeconds=900))
    assert signer == (ALIBABA_ARGS['access_key'], ALIBABA_SK, None)


def test_long_lived_credentials_are_not_handed_around(module_runner, sts):
    result = module_runner(alibabacloud_credentials.main, ALIBABA_ARGS, _ansible_no_log=True)()
    assert result.failed and result.result['error_code'] == 'NotTemporary' and sts == []
    assert result.result['msg'].startswith('the credential chain found long-lived credentials (options (access_key))')


def test_huawei_agency_credentials(module_runner, fake_huawei_request):
    calls = []

    def request(self, method, path, operation, **kwargs):
        calls.append((self.service, method, path, kwargs['body'], self._credentials()))  # pylint: disable=protected-access
        return dict(credential=dict(access='HWTMPUNIT0001', secret=TEMP_SECRET, securitytoken=TEMP_TOKEN,
                                    expires_at='2099-01-01T00:00:00.000000Z'))
    fake_huawei_request(request)
    run = module_runner(huaweicloud_credentials.main, HUAWEI_ARGS, _ansible_no_log=True)
    result = run(assume_role=dict(agency_name='dbgov-governance', domain_id='d' * 32))
    assert result.result['module_defaults']['access_key'] == 'HWTMPUNIT0001' and result.result['expiration'] == '2099-01-01T00:00:00Z'
    (service, method, path, body, signer), = calls
    assert (service, method, path) == ('iam', 'POST', '/v3.0/OS-CREDENTIAL/securitytokens')
    assert body == {'auth': {'identity': {'methods': ['assume_role'], 'assume_role': {
        'agency_name': 'dbgov-governance', 'domain_id': 'd' * 32, 'duration_seconds': 3600}}}}
    assert signer == (HUAWEI_ARGS['access_key'], HUAWEI_SK, None)
    both = module_runner(huaweicloud_credentials.main, HUAWEI_ARGS, _ansible_no_log=True)(
        assume_role=dict(agency_name='a', domain_id='d', domain_name='n'))
    assert both.failed and 'mutually exclusive' in both.result['msg'] and len(calls) == 1


def test_no_credentials_names_the_options_the_variables_and_the_chain(module_runner, fake_huawei_request):
    calls = []
    fake_huawei_request(lambda self, *args, **kwargs: calls.append(args))
    args = dict(HUAWEI_ARGS)
    del args['access_key'], args['secret_key']
    result = module_runner(ddm_user_info.main, args)(instance_id='0a8f1c6baa124e99853719d9257324dfin09')
    msg = result.result['msg']
    assert result.failed and result.result['error_code'] == 'NoCredentials' and calls == []
    assert msg.startswith('no credentials: set access_key/secret_key or HUAWEICLOUD_SDK_AK/HUAWEICLOUD_SDK_SK '
                          '(or HW_ACCESS_KEY/HW_SECRET_KEY), or profile')
    assert 'tried: options (' in msg and '; environment (' in msg and '; profile (no ' in msg
    assert msg.endswith('metadata (127.0.0.1:1 unreachable (ConnectionError))')  # the conftest's closed loopback port
