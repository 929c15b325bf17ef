"""The collection's credential chains (plugins/module_utils/credentials.py) against the emulator, with the official
credential libraries as oracles: for each chain link and each precedence pair, the collection and the library (run
in a subprocess with the same HOME, profile files and environment, see emulator/credential_oracles.py) must resolve
the same credentials: the same static key, or a temporary key issued by the same link (same role / agency / identity
provider, same issuer).  Then what only the collection has: options, assume_role chaining, error messages that name the
link, renewal before expiry, and the emulator refusing expired credentials with the cloud's error."""
# pylint: disable=redefined-outer-name

import json
import os
import subprocess
import sys
import time

import pytest

from emulator.core import ALIBABA_AK, ALIBABA_SK, ALIBABA_STS_AK, ALIBABA_STS_SK, ALIBABA_STS_TOKEN, HUAWEI_AK, HUAWEI_SK

# pylint: disable=wrong-import-position,wrong-import-order
from ansible_collections.dbgov.cloud.plugins.module_utils import alibabacloud, credentials, huaweicloud  # noqa: E402
from ansible_collections.dbgov.cloud.plugins.module_utils.common import ValidationError  # noqa: E402
from ansible_collections.dbgov.cloud.plugins.module_utils.transport import ApiError, RetryPolicy, Transport  # noqa: E402

TESTS_DIR = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ROLE = 'acs:ram::1234567890123456:role/dbgov-governance'
OIDC_PROVIDER = 'acs:ram::1234567890123456:oidc-provider/ack-rrsa-emu'
ALI_OIDC_TOKEN = 'eyJhbGciOiJSUzI1NiJ9.emu-oidc-token-0001.sig'
HW_ID_TOKEN = 'eyJhbGciOiJSUzI1NiJ9.emu-huawei-id-token-0001.sig'
STATIC_AK, STATIC_SK = 'LTAIstatic0000000001', 'staticSecret00000000000000001'


@pytest.fixture
def home(tmp_path):
    (tmp_path / 'oidc-token').write_text(ALI_OIDC_TOKEN)
    (tmp_path / 'id-token').write_text(HW_ID_TOKEN)
    return tmp_path


def transport():
    return Transport(timeout=10, retry=RetryPolicy(sleep=lambda seconds: None))


def ours(server, cloud, env, **params):
    """The collection's chain, in process, with exactly ``env`` as the environment."""
    base = dict(region='cn-hangzhou' if cloud == 'alibaba' else 'cn-north-4', endpoint=server.url + '/{service}',
                metadata_endpoint=server.url + ('/alimetadata' if cloud == 'alibaba' else '/hwmetadata'))
    base.update(params)
    secrets = []
    if cloud == 'alibaba':
        session, _region = credentials.alibaba_chain(base, transport(), env=env, on_secret=secrets.append)
    else:
        session = credentials.huawei_chain(base, transport(), env=env, on_secret=secrets.append)
    return session, session.credential(), secrets


def oracle(server, cloud, env):
    """The official library's answer in a subprocess whose whole environment is ``env`` (+ PATH, PYTHONPATH)."""
    full = {'PATH': os.environ.get('PATH', ''), 'PYTHONPATH': TESTS_DIR, 'EMU_PORTS': json.dumps(server.service_ports), **env}
    proc = subprocess.run([sys.executable, '-m', 'emulator.credential_oracles', cloud], env=full, capture_output=True,
                          text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout)


def kind(server, cloud, access_key, idp_id=None):
    """What a resolved key is: ('static', key) or ('issued', by what, for which role/agency/provider)."""
    if idp_id:
        return ('federation', idp_id)
    for key in server.issued_keys('alibaba' if cloud == 'alibaba' else 'huawei'):
        if key['access_key'] == access_key:
            if key.get('idp_id'):
                return ('federation', key['idp_id'])
            return ('issued', key.get('issued_by'), key.get('role_arn') or key.get('role_name') or key.get('agency_name'))
    return ('static', access_key)


def write_aliyun(home, current, *profiles):
    (home / '.aliyun').mkdir(exist_ok=True)
    (home / '.aliyun' / 'config.json').write_text(json.dumps({'current': current, 'profiles': list(profiles)}))


def write_huawei(home, text, name='credentials'):
    (home / '.huaweicloud').mkdir(exist_ok=True)
    (home / '.huaweicloud' / name).write_text(text)
    return str(home / '.huaweicloud' / name)


AK_PROFILE = {'name': 'ak', 'mode': 'AK', 'access_key_id': STATIC_AK, 'access_key_secret': STATIC_SK, 'region_id': 'cn-shanghai'}
STS_PROFILE = {'name': 'sts', 'mode': 'StsToken', 'access_key_id': ALIBABA_STS_AK, 'access_key_secret': ALIBABA_STS_SK,
               'sts_token': ALIBABA_STS_TOKEN}
ROLE_PROFILE = {'name': 'role', 'mode': 'RamRoleArn', 'access_key_id': ALIBABA_AK, 'access_key_secret': ALIBABA_SK,
                'ram_role_arn': ROLE, 'ram_session_name': 'profile-session'}
ECS_PROFILE = {'name': 'ecs', 'mode': 'EcsRamRole', 'ram_role_name': 'dbgov-ecs-role'}


def oidc_env(home):
    return {'ALIBABA_CLOUD_ROLE_ARN': ROLE, 'ALIBABA_CLOUD_OIDC_PROVIDER_ARN': OIDC_PROVIDER,
            'ALIBABA_CLOUD_OIDC_TOKEN_FILE': str(home / 'oidc-token')}


def oidc_profile(home):
    return {'name': 'oidc', 'mode': 'OIDC', 'ram_role_arn': ROLE, 'oidc_provider_arn': OIDC_PROVIDER,
            'oidc_token_file': str(home / 'oidc-token')}


ENV_AK = {'ALIBABA_CLOUD_ACCESS_KEY_ID': STATIC_AK, 'ALIBABA_CLOUD_ACCESS_KEY_SECRET': STATIC_SK}

# name -> (env(home) -> environment, profiles to write ((current, profiles...), or home -> that) or None, the link expected in our source)
ALIBABA_CASES = {
    'environment': (lambda h: dict(ENV_AK), None, 'environment'),
    'environment with STS token': (lambda h: {'ALIBABA_CLOUD_ACCESS_KEY_ID': ALIBABA_STS_AK, 'ALIBABA_CLOUD_ACCESS_KEY_SECRET': ALIBABA_STS_SK,
                                              'ALIBABA_CLOUD_SECURITY_TOKEN': ALIBABA_STS_TOKEN}, None, 'environment'),
    'OIDC': (oidc_env, None, 'OIDC'),
    'profile AK (current)': (lambda h: {}, ('ak', AK_PROFILE, ROLE_PROFILE), 'profile ak'),
    'profile StsToken': (lambda h: {}, ('sts', STS_PROFILE), 'profile sts'),
    'profile RamRoleArn': (lambda h: {}, ('role', ROLE_PROFILE), 'profile role'),
    'profile EcsRamRole': (lambda h: {}, ('ecs', ECS_PROFILE), 'profile ecs'),
    'profile OIDC': (lambda h: {}, lambda h: ('oidc', oidc_profile(h)), 'profile oidc'),
    'profile named by ALIBABA_CLOUD_PROFILE': (lambda h: {'ALIBABA_CLOUD_PROFILE': 'role'}, ('ak', AK_PROFILE, ROLE_PROFILE), 'profile role'),
    'ECS RAM role (metadata)': (lambda h: {}, None, 'ECS RAM role'),
    # precedence pairs: the first link wins
    'environment > OIDC': (lambda h: {**ENV_AK, **oidc_env(h)}, None, 'environment'),
    'environment > profile': (lambda h: dict(ENV_AK), ('role', ROLE_PROFILE), 'environment'),
    'OIDC > profile': (oidc_env, ('ak', AK_PROFILE), 'OIDC'),
    'profile > metadata': (lambda h: {}, ('ak', AK_PROFILE), 'profile ak'),
    'environment > metadata': (lambda h: dict(ENV_AK), None, 'environment'),
}


@pytest.mark.parametrize('case', sorted(ALIBABA_CASES))
def test_alibaba_chain_agrees_with_the_credentials_tool(server, home, case):
    make_env, profiles, link = ALIBABA_CASES[case]
    if callable(profiles):
        profiles = profiles(home)
    if profiles:
        write_aliyun(home, *profiles)
    env = {'HOME': str(home), **make_env(home)}
    expected = oracle(server, 'alibaba', env)
    session, cred, secrets = ours(server, 'alibaba', env)
    assert session.source.startswith(link), session.source
    assert kind(server, 'alibaba', cred.access_key) == kind(server, 'alibaba', expected['access_key'])
    if kind(server, 'alibaba', cred.access_key)[0] == 'static':
        assert (cred.access_key, credentials_digest(cred.secret_key), credentials_digest(cred.security_token)) == \
            (expected['access_key'], expected['secret'], expected['token'])
    else:  # temporary credentials: the emulator accepts them on a service API
        client = alibabacloud.AlibabaClient(dict(region='cn-hangzhou', endpoint=server.url + '/{service}'), transport(), 'polardb',
                                            credentials=session)
        client.call('DescribeDBClusters', {'RegionId': 'cn-hangzhou'})
        assert server.get_log(service='polardb')[-1]['access_key'] == cred.access_key
    assert cred.secret_key in secrets


def credentials_digest(value):
    import hashlib  # pylint: disable=import-outside-toplevel
    return hashlib.sha256(value.encode()).hexdigest() if value else None


HW_ENV = {'HUAWEICLOUD_SDK_AK': 'HWENVAK0000000000001', 'HUAWEICLOUD_SDK_SK': 'HWENVSK00000000000000000000000000000001'}
HW_PROFILE = '[basic]\nak = HWFILEAK000000000001\nsk = HWFILESK0000000000000000000000000000001\n'


def hw_federation_env(home):
    return {'HUAWEICLOUD_SDK_IDP_ID': 'dbgov-emu-idp', 'HUAWEICLOUD_SDK_ID_TOKEN_FILE': str(home / 'id-token')}


# name -> (env(home), credentials file text or None, file name, the link expected in our source)
HUAWEI_CASES = {
    'environment': (lambda h: dict(HW_ENV), None, 'credentials', 'environment'),
    'environment with security token': (lambda h: {**HW_ENV, 'HUAWEICLOUD_SDK_SECURITY_TOKEN': 'HWEMU-TOKEN-X'}, None, 'credentials', 'environment'),
    'environment federation': (hw_federation_env, None, 'credentials', 'environment'),
    'profile (default file)': (lambda h: {}, HW_PROFILE, 'credentials', 'profile'),
    'profile (HUAWEICLOUD_SDK_CREDENTIALS_FILE)': (
        lambda h: {'HUAWEICLOUD_SDK_CREDENTIALS_FILE': str(h / '.huaweicloud' / 'other')}, HW_PROFILE, 'other', 'profile'),
    'metadata': (lambda h: {}, None, 'credentials', 'ECS metadata'),
    'environment federation > environment AK/SK': (lambda h: {**HW_ENV, **hw_federation_env(h)}, None, 'credentials', 'environment'),
    'environment > profile': (lambda h: dict(HW_ENV), HW_PROFILE, 'credentials', 'environment'),
    'profile > metadata': (lambda h: {}, HW_PROFILE, 'credentials', 'profile'),
}


@pytest.mark.parametrize('case', sorted(HUAWEI_CASES))
def test_huawei_chain_agrees_with_the_sdk_providers(server, home, case):
    make_env, text, name, link = HUAWEI_CASES[case]
    if text:
        write_huawei(home, text, name)
    env = {'HOME': str(home), **make_env(home)}
    expected = oracle(server, 'huawei', env)
    session, cred, _secrets = ours(server, 'huawei', env)
    assert session.source.startswith(link), session.source
    assert kind(server, 'huawei', cred.access_key) == kind(server, 'huawei', expected['access_key'], expected['idp_id'])
    if kind(server, 'huawei', cred.access_key)[0] == 'static':
        assert (cred.access_key, credentials_digest(cred.secret_key), credentials_digest(cred.security_token)) == \
            (expected['access_key'], expected['secret'], expected['token'])
    else:
        client = huaweicloud.HuaweiClient(dict(region='cn-north-4', endpoint=server.url + '/{service}'), transport(), 'iam',
                                          credentials=session)
        client.request('GET', '/v3/projects', 'KeystoneListProjects', query={'name': 'cn-north-4'}, project_scoped=False)
        assert server.get_log(operation='KeystoneListProjects')[-1]['access_key'] == cred.access_key


# ---------------------------------------------------------------------------------------------- the collection's own
def test_options_win_over_the_environment(server, home):
    env = {'HOME': str(home), **ENV_AK, **HW_ENV}
    session, cred, _secrets = ours(server, 'alibaba', env, access_key=ALIBABA_AK, secret_key=ALIBABA_SK)
    assert (session.source, cred.access_key) == ('options (access_key)', ALIBABA_AK)
    write_aliyun(home, 'ak', AK_PROFILE, ROLE_PROFILE)
    session, cred, _secrets = ours(server, 'alibaba', env, profile='role')
    assert session.source.startswith('profile role') and kind(server, 'alibaba', cred.access_key) == ('issued', ALIBABA_AK, ROLE)
    session, cred, _secrets = ours(server, 'huawei', env, access_key=HUAWEI_AK, secret_key=HUAWEI_SK)
    assert (session.source, cred.access_key) == ('options (access_key)', HUAWEI_AK)


def test_assume_role_chains_on_whatever_the_chain_found(server, home):
    env = {'HOME': str(home), 'ALIBABA_CLOUD_ACCESS_KEY_ID': ALIBABA_AK, 'ALIBABA_CLOUD_ACCESS_KEY_SECRET': ALIBABA_SK}
    role = dict(role_arn='acs:ram::1234567890123456:role/dbgov-external', session_name='chained', duration=900,
                external_id='emu-external-id-0001', policy={'Version': '1', 'Statement': []})
    session, cred, _secrets = ours(server, 'alibaba', env, assume_role=role)
    assert session.source == 'assume_role %s (on environment (ALIBABA_CLOUD_ACCESS_KEY_ID))' % role['role_arn']
    assert kind(server, 'alibaba', cred.access_key) == ('issued', ALIBABA_AK, role['role_arn'])
    issued = server.get_state('sts')['issued'][-1]
    assert (issued['session_name'], issued['external_id'], issued['policy']) == ('chained', 'emu-external-id-0001', True)
    # on top of OIDC: the role is assumed with the OIDC session's temporary key (role chaining)
    session, cred, _secrets = ours(server, 'alibaba', {'HOME': str(home), **oidc_env(home)}, assume_role=dict(role_arn=ROLE))
    first = server.get_state('sts')['issued']
    assert [i['issued_by'] for i in first[-2:]] == [OIDC_PROVIDER, first[-2]['access_key']]
    # Huawei: agency on top of the metadata credentials
    session, cred, _secrets = ours(server, 'huawei', {'HOME': str(home)}, access_key=HUAWEI_AK, secret_key=HUAWEI_SK,
                                   assume_role=dict(agency_name='dbgov-governance', domain_name='dbgov-emu-account', duration=900))
    assert kind(server, 'huawei', cred.access_key) == ('issued', HUAWEI_AK, 'dbgov-governance')
    assert session.source == 'assume_role agency dbgov-emu-account/dbgov-governance (on options (access_key))'


def test_errors_name_the_link_and_never_a_secret(server, home):
    env = {'HOME': str(home), 'DBGOV_ALIBABACLOUD_METADATA_ENDPOINT': 'unused'}
    with pytest.raises(ApiError) as info:
        ours(server, 'alibaba', env, access_key=ALIBABA_AK, secret_key=ALIBABA_SK,
             assume_role=dict(role_arn='acs:ram::1234567890123456:role/dbgov-untrusted'))
    text = str(info.value)
    assert text.startswith('NoPermission: AssumeRole for acs:ram::1234567890123456:role/dbgov-untrusted refused '
                           '(assume_role with credentials from options (access_key))'), text
    assert 'sts AssumeRole, HTTP 403, request id' in text and ALIBABA_SK not in text
    (home / 'bad-token').write_text('not-a-trusted-token-SECRET')
    with pytest.raises(ApiError) as info:
        ours(server, 'alibaba', {'HOME': str(home), **oidc_env(home), 'ALIBABA_CLOUD_OIDC_TOKEN_FILE': str(home / 'bad-token')})
    assert 'AssumeRoleWithOIDC for %s refused (OIDC' % ROLE in str(info.value) and 'SECRET' not in str(info.value)
    with pytest.raises(ValidationError) as info:
        ours(server, 'alibaba', {'HOME': str(home)}, metadata_endpoint='http://127.0.0.1:1')
    assert str(info.value).startswith('no credentials: set access_key/secret_key or ALIBABA_CLOUD_ACCESS_KEY_ID/'), info.value
    for link in ('options (', 'environment (', 'OIDC (', 'profile (no %s' % (home / '.aliyun' / 'config.json'), 'metadata (127.0.0.1:1 unreachable'):
        assert link in str(info.value)
    with pytest.raises(ValidationError) as info:
        ours(server, 'huawei', {'HOME': str(home)}, metadata_endpoint='http://127.0.0.1:1')
    assert str(info.value).startswith('no credentials: set access_key/secret_key or HUAWEICLOUD_SDK_AK/HUAWEICLOUD_SDK_SK')
    with pytest.raises(ValidationError, match=r'^environment: ALIBABA_CLOUD_ACCESS_KEY_ID is set but ALIBABA_CLOUD_ACCESS_KEY_SECRET is not'):
        ours(server, 'alibaba', {'HOME': str(home), 'ALIBABA_CLOUD_ACCESS_KEY_ID': STATIC_AK})
    with pytest.raises(ValidationError, match=r"^profile 'nope' \(option profile\) not found in .*config.json \(profiles: ak\)"):
        write_aliyun(home, 'ak', AK_PROFILE)
        ours(server, 'alibaba', {'HOME': str(home)}, profile='nope')
    with pytest.raises(ApiError, match=r'assume_role of agency dbgov-emu-account/dbgov-untrusted refused'):
        ours(server, 'huawei', {'HOME': str(home)}, access_key=HUAWEI_AK, secret_key=HUAWEI_SK,
             assume_role=dict(agency_name='dbgov-untrusted', domain_name='dbgov-emu-account'))
    write_aliyun(home, 'ecs', ECS_PROFILE)
    with pytest.raises(ValidationError, match=r'^profile ecs \(mode EcsRamRole\) in .*config.json: 127.0.0.1:1 unreachable'):
        ours(server, 'alibaba', {'HOME': str(home)}, metadata_endpoint='http://127.0.0.1:1')
    before = server.last_seq
    with pytest.raises(ValidationError, match='assume_role.duration must be between 900 and 43200 seconds, got 60'):
        ours(server, 'alibaba', {'HOME': str(home)}, access_key=ALIBABA_AK, secret_key=ALIBABA_SK,
             assume_role=dict(role_arn=ROLE, duration=60))
    assert not server.get_log(since=before), 'a bad assume_role is refused before any request'


def test_temporary_credentials_are_renewed_before_they_expire_and_expired_ones_are_refused(server, home):
    server.update_control('sts', {'lifetime': 4})
    session, cred, _secrets = ours(server, 'alibaba', {'HOME': str(home)}, access_key=ALIBABA_AK, secret_key=ALIBABA_SK,
                                   assume_role=dict(role_arn=ROLE))
    client = alibabacloud.AlibabaClient(dict(region='cn-hangzhou', endpoint=server.url + '/{service}'), transport(), 'polardb',
                                        credentials=session)
    stale = alibabacloud.AlibabaClient(dict(region='cn-hangzhou', endpoint=server.url + '/{service}', access_key=cred.access_key,
                                            secret_key=cred.secret_key, security_token=cred.security_token), transport(), 'polardb')
    deadline = time.time() + 7  # a "long wait": reads across more than one credential lifetime
    while time.time() < deadline:
        client.call('DescribeDBClusters', {'RegionId': 'cn-hangzhou'})
        time.sleep(0.5)
    assert session.renewals >= 1
    assert len(server.get_log(operation='AssumeRole')) == 1 + session.renewals
    assert all(entry['status'] == 200 for entry in server.get_log(service='polardb'))
    with pytest.raises(ApiError) as info:  # the first credentials, used without renewal, are refused as the cloud does
        stale.call('DescribeDBClusters', {'RegionId': 'cn-hangzhou'})
    assert (info.value.code, info.value.http_status) == ('InvalidSecurityToken.Expired', 400)
    # Huawei: agency credentials renewed the same way; an expired temporary AK gets the gateway's auth error
    server.update_control('iam', {'lifetime': 4})
    session, cred, _secrets = ours(server, 'huawei', {'HOME': str(home)}, access_key=HUAWEI_AK, secret_key=HUAWEI_SK,
                                   assume_role=dict(agency_name='dbgov-governance', domain_name='dbgov-emu-account'))
    time.sleep(3.5)
    hw = huaweicloud.HuaweiClient(dict(region='cn-north-4', endpoint=server.url + '/{service}'), transport(), 'iam', credentials=session)
    hw.request('GET', '/v3/projects', 'KeystoneListProjects', query={'name': 'cn-north-4'}, project_scoped=False)
    assert session.renewals == 1
    time.sleep(1)
    hw_stale = huaweicloud.HuaweiClient(dict(region='cn-north-4', endpoint=server.url + '/{service}', access_key=cred.access_key,
                                             secret_key=cred.secret_key, security_token=cred.security_token), transport(), 'iam')
    with pytest.raises(ApiError) as info:
        hw_stale.request('GET', '/v3/projects', 'KeystoneListProjects', query={'name': 'cn-north-4'}, project_scoped=False)
    assert (info.value.code, info.value.http_status) == ('APIGW.0301', 401)


def test_only_issued_credentials_are_accepted_when_the_test_says_so(server, home):
    server._control('POST', ['keys'], {}, {'only_issued': ['alibaba']})  # pylint: disable=protected-access
    static = alibabacloud.AlibabaClient(dict(region='cn-hangzhou', endpoint=server.url + '/{service}', access_key=ALIBABA_AK,
                                             secret_key=ALIBABA_SK), transport(), 'polardb')
    with pytest.raises(ApiError, match='InvalidAccessKeyId.NotFound'):
        static.call('DescribeDBClusters', {'RegionId': 'cn-hangzhou'})
    session, _cred, _secrets = ours(server, 'alibaba', {'HOME': str(home)}, access_key=ALIBABA_AK, secret_key=ALIBABA_SK,
                                    assume_role=dict(role_arn=ROLE))
    alibabacloud.AlibabaClient(dict(region='cn-hangzhou', endpoint=server.url + '/{service}'), transport(), 'polardb',
                               credentials=session).call('DescribeDBClusters', {'RegionId': 'cn-hangzhou'})


def test_the_loopback_guard_refuses_the_real_metadata_addresses():
    from emulator import loopback_guard  # pylint: disable=import-outside-toplevel
    import socket  # pylint: disable=import-outside-toplevel
    for address in ('100.100.100.200', '169.254.169.254', '8.8.8.8'):
        with socket.socket() as sock, pytest.raises(loopback_guard.OutsideLoopback):
            sock.connect((address, 80))
    assert loopback_guard.take_violations() == ['connect to 100.100.100.200', 'connect to 169.254.169.254', 'connect to 8.8.8.8']
