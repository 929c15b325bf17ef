# -*- coding: utf-8 -*-
# Copyright: dbgov.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Credential chains of both clouds: where a module's access key comes from, first match wins.

Alibaba Cloud, in the order of the Alibaba Cloud Credentials tool's default chain ("Manage access credentials",
Alibaba Cloud SDK documentation): explicit options -> environment -> OIDC (RRSA, AssumeRoleWithOIDC) -> CLI profile
(``~/.aliyun/config.json``) -> ECS RAM role from the instance metadata service (hardened mode).
Huawei Cloud, in the order of huaweicloudsdkcore's default provider chain (environment -> profile -> metadata):
explicit options -> environment (AK/SK, or IdP id + id token file) -> credentials file (``~/.huaweicloud/credentials``)
-> ECS metadata temporary credentials.
``assume_role`` is applied on top of whatever the chain found (role chaining); temporary credentials are renewed
shortly before they expire, so a long wait never signs with an expired key.

No secret, security token or OIDC token ever enters a message: errors name the link and the reason only, and every
secret obtained here is handed to ``on_secret`` (the module's ``no_log_values``).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import calendar
import configparser
import datetime
import json
import os
import re
import time

from urllib.parse import urlencode, urlsplit

from ansible_collections.dbgov.cloud.plugins.module_utils import alibabacloud, huaweicloud
from ansible_collections.dbgov.cloud.plugins.module_utils.common import ValidationError
from ansible_collections.dbgov.cloud.plugins.module_utils.transport import ApiError, json_body

try:
    import requests
except ImportError:  # pragma: no cover - base reports the missing library before any credential is resolved
    requests = None

# Renew temporary credentials this long before they expire (or after 3/4 of a shorter lifetime).
REFRESH_BEFORE = 180.0
METADATA_TIMEOUT = (2.0, 5.0)  # connect, read: a host without a metadata service fails fast
METADATA_TOKEN_TTL = '21600'
DEFAULT_SESSION_NAME = 'dbgov-cloud-ansible'

ALIBABA_METADATA = 'http://100.100.100.200'
HUAWEI_METADATA = 'http://169.254.169.254'

# The environment of each chain link: chain key -> (the module option whose documentation names the variables, the
# variables, first found wins). tests/unit checks that the docs and the AWX credential types show every variable.
ENV_TABLE = dict(
    alibabacloud=dict(
        access_key=('access_key', 'ALIBABA_CLOUD_ACCESS_KEY_ID', 'ALICLOUD_ACCESS_KEY'),
        secret_key=('secret_key', 'ALIBABA_CLOUD_ACCESS_KEY_SECRET', 'ALICLOUD_SECRET_KEY'),
        security_token=('security_token', 'ALIBABA_CLOUD_SECURITY_TOKEN', 'ALICLOUD_SECURITY_TOKEN'),
        oidc_role_arn=('profile', 'ALIBABA_CLOUD_ROLE_ARN'),
        oidc_provider_arn=('profile', 'ALIBABA_CLOUD_OIDC_PROVIDER_ARN'),
        oidc_token_file=('profile', 'ALIBABA_CLOUD_OIDC_TOKEN_FILE'),
        oidc_session_name=('profile', 'ALIBABA_CLOUD_ROLE_SESSION_NAME'),
        profile=('profile', 'ALIBABA_CLOUD_PROFILE', 'ALICLOUD_PROFILE'),
        ecs_role_name=('metadata_endpoint', 'ALIBABA_CLOUD_ECS_METADATA'),
        metadata_disabled=('metadata_endpoint', 'ALIBABA_CLOUD_ECS_METADATA_DISABLED'),
        assume_role_arn=('assume_role', 'DBGOV_ALIBABACLOUD_ASSUME_ROLE_ARN'),
        assume_role_session_name=('assume_role', 'DBGOV_ALIBABACLOUD_ASSUME_ROLE_SESSION_NAME'),
        assume_role_duration=('assume_role', 'DBGOV_ALIBABACLOUD_ASSUME_ROLE_DURATION'),
        assume_role_external_id=('assume_role', 'DBGOV_ALIBABACLOUD_ASSUME_ROLE_EXTERNAL_ID'),
    ),
    huaweicloud=dict(
        access_key=('access_key', 'HUAWEICLOUD_SDK_AK', 'HW_ACCESS_KEY'),
        secret_key=('secret_key', 'HUAWEICLOUD_SDK_SK', 'HW_SECRET_KEY'),
        security_token=('security_token', 'HUAWEICLOUD_SDK_SECURITY_TOKEN', 'HW_SECURITY_TOKEN'),
        idp_id=('idp_id', 'HUAWEICLOUD_SDK_IDP_ID'),
        id_token_file=('id_token_file', 'HUAWEICLOUD_SDK_ID_TOKEN_FILE'),
        credentials_file=('profile', 'HUAWEICLOUD_SDK_CREDENTIALS_FILE'),
        assume_agency_name=('assume_role', 'DBGOV_HUAWEICLOUD_ASSUME_AGENCY_NAME'),
        assume_domain_name=('assume_role', 'DBGOV_HUAWEICLOUD_ASSUME_DOMAIN_NAME'),
        assume_domain_id=('assume_role', 'DBGOV_HUAWEICLOUD_ASSUME_DOMAIN_ID'),
        assume_duration=('assume_role', 'DBGOV_HUAWEICLOUD_ASSUME_DURATION'),
    ),
)
# the two views of it: the variables per chain key, and the documenting option per chain key
ALIBABA_ENV = dict((key, entry[1:]) for key, entry in ENV_TABLE['alibabacloud'].items())
HUAWEI_ENV = dict((key, entry[1:]) for key, entry in ENV_TABLE['huaweicloud'].items())
ENV_DOCS = dict((cloud, dict((key, entry[0]) for key, entry in table.items())) for cloud, table in ENV_TABLE.items())

ROLE_ARN_RE = re.compile(r'^acs:ram::[0-9]+:role/[^\s]+$')
SESSION_NAME_RE = re.compile(r'^[A-Za-z0-9._@-]{2,64}$')


class Credential:
    """One key pair, with its security token and expiry (epoch seconds) when temporary."""

    def __init__(self, access_key, secret_key, security_token=None, expiration=None, obtained=None):
        self.access_key = access_key
        self.secret_key = secret_key
        self.security_token = security_token or None
        self.expiration = expiration
        self.obtained = obtained if obtained is not None else time.time()

    def expiration_iso(self):
        if self.expiration is None:
            return None
        return datetime.datetime.fromtimestamp(self.expiration, datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ')


class Session:
    """Credentials from one link of the chain, renewed by ``fetch`` shortly before they expire.

    ``session()`` returns (access_key, secret_key, security_token) for signing: the clients call it for every attempt.
    """

    def __init__(self, source, fetch, on_secret=None, clock=None):
        self.source = source
        self._fetch = fetch
        self._on_secret = on_secret or (lambda value: None)
        self._clock = clock or time.time
        self._current = None
        self.renewals = 0

    def credential(self):
        cred = self._current
        if cred is None or self._stale(cred):
            if cred is not None:
                self.renewals += 1
            cred = self._fetch()
            for secret in (cred.secret_key, cred.security_token):
                if secret:
                    self._on_secret(secret)
            self._current = cred
        return cred

    def _stale(self, cred):
        if cred.expiration is None:
            return False
        lifetime = max(0.0, cred.expiration - cred.obtained)
        return cred.expiration - self._clock() <= min(REFRESH_BEFORE, lifetime / 4.0)

    def __call__(self):
        cred = self.credential()
        return cred.access_key, cred.secret_key, cred.security_token


def _first_env(env, names):
    for name in names:
        value = env.get(name)
        if value:
            return name, value
    return None, None


def _static(source, access_key, secret_key, token, on_secret):
    return Session(source, lambda: Credential(access_key, secret_key, token), on_secret)


def _parse_time(value):
    """Epoch seconds of an ISO 8601 UTC time (Alibaba '...Z', Huawei '....ffffffZ')."""
    text = (value or '').strip()
    match = re.match(r'^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d+)?Z$', text)
    if not match:
        raise ValueError('unrecognised expiry time %r' % text)
    return float(calendar.timegm(time.strptime(match.group(1), '%Y-%m-%dT%H:%M:%S')))


def _read_secret_file(path, what, on_secret):
    try:
        with open(path, encoding='utf-8') as handle:
            content = handle.read().strip()
    except (IOError, OSError) as exc:
        raise ValidationError('%s: cannot read %s (%s)' % (what, path, exc.strerror or type(exc).__name__),
                              code='CredentialFileUnreadable')
    if not content:
        raise ValidationError('%s: %s is empty' % (what, path), code='CredentialFileUnreadable')
    on_secret(content)
    return content


class _Chain:
    """The links tried, for the "no credentials" message."""

    def __init__(self):
        self.tried = []

    def skip(self, link, why):
        self.tried.append('%s (%s)' % (link, why))


# ---------------------------------------------------------------------------------------------------------------------
# metadata services


def _metadata_session():
    session = requests.Session()
    session.trust_env = False  # never through a proxy: the metadata service is link-local
    return session


def _metadata_call(link, method, url, headers=None):
    try:
        resp = _metadata_session().request(method, url, headers=headers or {}, timeout=METADATA_TIMEOUT, allow_redirects=False)
    except requests.exceptions.RequestException as exc:
        raise _Unavailable('%s: %s unreachable (%s)' % (link, _host(url), type(exc).__name__))
    if resp.status_code != 200:
        raise ValidationError('%s: %s %s answered HTTP %s' % (link, method, urlsplit(url).path, resp.status_code),
                              code='MetadataCredentialsFailed')
    return resp


class _Unavailable(ValidationError):
    """No metadata service reachable: as the chain's last link, the chain reports it among the links tried; reached
    through a profile (EcsRamRole) or at renewal, it fails the module like any credential error."""

    def __init__(self, msg):
        super(_Unavailable, self).__init__(msg, code='MetadataUnreachable')


def _host(url):
    return urlsplit(url).netloc or url


# ---------------------------------------------------------------------------------------------------------------------
# Alibaba Cloud


def _alibaba_sts_call(params, transport, action, query, credentials=None, link=''):
    """STS (RPC style, version 2015-04-01) through the `endpoint` option's {service} template as ``sts``."""
    try:
        if credentials is not None:
            data = alibabacloud.AlibabaClient(params, transport, 'sts', credentials=credentials).call(action, query)
        else:
            data = _alibaba_anonymous(params, transport, action, query)
    except ApiError as err:
        what = query.get('RoleArn', '')
        raise ApiError(err.service, err.operation, err.http_status, err.code,
                       '%s for %s refused (%s): %s' % (action, what, link, err.message), err.request_id, err.attempts)
    creds = (data or {}).get('Credentials') or {}
    try:
        return Credential(creds['AccessKeyId'], creds['AccessKeySecret'], creds['SecurityToken'], _parse_time(creds['Expiration']))
    except (KeyError, TypeError, ValueError):
        raise ApiError('sts', action, 200, 'InvalidResponse', '%s for %s answered without complete Credentials (%s)'
                       % (action, query.get('RoleArn', ''), link))


def _alibaba_anonymous(params, transport, action, query):
    """An unsigned RPC call (AssumeRoleWithOIDC needs no access key): the OIDC token travels in the form body."""
    base = alibabacloud.service_endpoint('sts', params.get('region'), params.get('endpoint'))
    split = urlsplit(base)
    common = dict(Action=action, Version=alibabacloud.PRODUCTS['sts'][0], Format='JSON',
                  Timestamp=time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime()))
    url = '%s://%s%s?%s' % (split.scheme, split.netloc, split.path or '/', urlencode(sorted(common.items())))
    body = urlencode(sorted((k, str(v)) for k, v in query.items())).encode('utf-8')

    def build():
        return 'POST', url, {'Content-Type': 'application/x-www-form-urlencoded', 'accept': 'application/json'}, body

    _status, _headers, data = transport.call(build, lambda resp: alibabacloud.parse_error('sts', action, resp),
                                             alibabacloud.classify(frozenset()), 'sts', action, write=False)
    return data


def _alibaba_assume_role(params, transport, base, role, on_secret):
    query = dict(RoleArn=role['role_arn'], RoleSessionName=role.get('session_name') or DEFAULT_SESSION_NAME,
                 DurationSeconds=int(role.get('duration') or 3600))
    if role.get('policy'):
        query['Policy'] = role['policy'] if isinstance(role['policy'], str) else json.dumps(role['policy'])
    if role.get('external_id'):
        query['ExternalId'] = role['external_id']
    link = 'assume_role with credentials from %s' % base.source
    return Session('assume_role %s (on %s)' % (role['role_arn'], base.source),
                   lambda: _alibaba_sts_call(params, transport, 'AssumeRole', query, credentials=base, link=link), on_secret)


def _alibaba_oidc(params, transport, source, role_arn, provider_arn, token_file, session_name, duration, on_secret):
    def fetch():
        token = _read_secret_file(token_file, '%s: OIDC token file' % source, on_secret)
        query = dict(RoleArn=role_arn, OIDCProviderArn=provider_arn, OIDCToken=token,
                     RoleSessionName=session_name or DEFAULT_SESSION_NAME, DurationSeconds=int(duration or 3600))
        return _alibaba_sts_call(params, transport, 'AssumeRoleWithOIDC', query, link=source)
    return Session(source, fetch, on_secret)


def _alibaba_ecs_role(metadata, role_name, source):
    def fetch():
        link = source
        token = _metadata_call(link, 'PUT', metadata + '/latest/api/token',
                               {'X-aliyun-ecs-metadata-token-ttl-seconds': METADATA_TOKEN_TTL}).text.strip()
        headers = {'X-aliyun-ecs-metadata-token': token}
        name = role_name
        base = metadata + '/latest/meta-data/ram/security-credentials/'
        if not name:
            names = _metadata_call(link, 'GET', base, headers).text.split()
            if not names:
                raise ValidationError('%s: the instance has no RAM role attached' % link, code='MetadataCredentialsFailed')
            name = names[0]
        data = _json(_metadata_call(link, 'GET', base + name, headers), link)
        if data.get('Code') not in (None, 'Success'):
            raise ValidationError('%s: RAM role %s: %s' % (link, name, data.get('Code')), code='MetadataCredentialsFailed')
        try:
            return Credential(data['AccessKeyId'], data['AccessKeySecret'], data['SecurityToken'], _parse_time(data['Expiration']))
        except (KeyError, ValueError):
            raise ValidationError('%s: RAM role %s: incomplete credentials in the answer' % (link, name),
                                  code='MetadataCredentialsFailed')
    return fetch


def _json(resp, link):
    try:
        data = resp.json()
    except ValueError:
        data = None
    if not isinstance(data, dict):
        raise ValidationError('%s: the answer is not a JSON object' % link, code='MetadataCredentialsFailed')
    return data


def _alibaba_profile(params, transport, env, name, source_kind, on_secret):
    """(Session, region or None) from the aliyun CLI config file, or None when there is no such file."""
    path = os.path.join(env.get('HOME') or os.path.expanduser('~'), '.aliyun', 'config.json')
    if not os.path.isfile(path):
        return None, 'no %s' % path
    try:
        with open(path, encoding='utf-8') as handle:
            config = json.load(handle)
    except (IOError, OSError, ValueError) as exc:
        raise ValidationError('profile: cannot read %s (%s)' % (path, type(exc).__name__), code='ProfileInvalid')
    name = name or config.get('current') or 'default'
    profiles = dict((p.get('name'), p) for p in config.get('profiles') or [] if isinstance(p, dict))
    if name not in profiles:
        if source_kind == 'default':
            return None, 'no profile %r in %s' % (name, path)
        raise ValidationError('profile %r (%s) not found in %s (profiles: %s)'
                              % (name, source_kind, path, ', '.join(sorted(str(n) for n in profiles)) or 'none'),
                              code='ProfileNotFound')
    prof = profiles[name]
    mode = prof.get('mode') or 'AK'
    source = 'profile %s (mode %s) in %s' % (name, mode, path)
    region = prof.get('region_id') or None

    def need(*keys):
        missing = [k for k in keys if not prof.get(k)]
        if missing:
            raise ValidationError('%s: missing %s' % (source, ', '.join(missing)), code='ProfileInvalid')

    if mode == 'AK':
        need('access_key_id', 'access_key_secret')
        return _static(source, prof['access_key_id'], prof['access_key_secret'], None, on_secret), region
    if mode == 'StsToken':
        need('access_key_id', 'access_key_secret', 'sts_token')
        return _static(source, prof['access_key_id'], prof['access_key_secret'], prof['sts_token'], on_secret), region
    if mode == 'RamRoleArn':
        need('access_key_id', 'access_key_secret', 'ram_role_arn')
        base = _static(source, prof['access_key_id'], prof['access_key_secret'], None, on_secret)
        role = dict(role_arn=prof['ram_role_arn'], session_name=prof.get('ram_session_name'),
                    duration=prof.get('expired_seconds'), policy=prof.get('policy'), external_id=prof.get('external_id'))
        params = dict(params, region=params.get('region') or region)
        session = _alibaba_assume_role(params, transport, base, role, on_secret)
        session.source = source
        return session, region
    if mode == 'EcsRamRole':
        metadata = _alibaba_metadata_url(params)
        return Session(source, _alibaba_ecs_role(metadata, prof.get('ram_role_name'), source), on_secret), region
    if mode == 'OIDC':
        need('ram_role_arn', 'oidc_provider_arn', 'oidc_token_file')
        params = dict(params, region=params.get('region') or region)
        return _alibaba_oidc(params, transport, source, prof['ram_role_arn'], prof['oidc_provider_arn'], prof['oidc_token_file'],
                             prof.get('role_session_name'), prof.get('expired_seconds'), on_secret), region
    raise ValidationError('%s: mode %s is not supported (AK, StsToken, RamRoleArn, EcsRamRole, OIDC are)' % (source, mode),
                          code='ProfileInvalid')


def _alibaba_metadata_url(params):
    return (params.get('metadata_endpoint') or ALIBABA_METADATA).rstrip('/')


def _pair(link, access_key, secret_key, names):
    """Both halves of a key pair or neither; one without the other names what is missing."""
    if bool(access_key) != bool(secret_key):
        missing = names[1] if access_key else names[0]
        raise ValidationError('%s: %s is set but %s is not' % (link, names[0] if access_key else names[1], missing),
                              code='CredentialsIncomplete')
    return bool(access_key)


def alibaba_chain(params, transport, env=None, on_secret=None):
    """(Session, region from the profile or None) for Alibaba Cloud; raises ValidationError or ApiError."""
    env = os.environ if env is None else env
    on_secret = on_secret or (lambda value: None)
    chain = _Chain()
    found, region = None, None
    ak, sk, token = params.get('access_key'), params.get('secret_key'), params.get('security_token')
    if _pair('options', ak, sk, ('access_key', 'secret_key')):
        found = _static('options (access_key)', ak, sk, token, on_secret)
    elif params.get('profile'):
        found, region = _alibaba_profile(params, transport, env, params['profile'], 'option profile', on_secret)
        if found is None:
            raise ValidationError('profile %r (option profile): %s' % (params['profile'], region), code='ProfileNotFound')
    else:
        chain.skip('options', 'access_key/secret_key and profile not set')
    if found is None:
        ak_name, ak = _first_env(env, ALIBABA_ENV['access_key'])
        sk_name, sk = _first_env(env, ALIBABA_ENV['secret_key'])
        if _pair('environment', ak, sk, (ak_name or ALIBABA_ENV['access_key'][0], sk_name or ALIBABA_ENV['secret_key'][0])):
            _name, token = _first_env(env, ALIBABA_ENV['security_token'])
            found = _static('environment (%s)' % ak_name, ak, sk, token, on_secret)
        else:
            chain.skip('environment', '%s not set' % '/'.join(ALIBABA_ENV['access_key']))
    if found is None:
        oidc = [_first_env(env, ALIBABA_ENV[key])[1] for key in ('oidc_role_arn', 'oidc_provider_arn', 'oidc_token_file')]
        if all(oidc):
            found = _alibaba_oidc(params, transport, 'OIDC (ALIBABA_CLOUD_ROLE_ARN, %s)' % oidc[0], oidc[0], oidc[1], oidc[2],
                                  _first_env(env, ALIBABA_ENV['oidc_session_name'])[1], None, on_secret)
        else:
            chain.skip('OIDC', 'ALIBABA_CLOUD_ROLE_ARN/ALIBABA_CLOUD_OIDC_PROVIDER_ARN/ALIBABA_CLOUD_OIDC_TOKEN_FILE not all set')
    if found is None:
        env_name, profile = _first_env(env, ALIBABA_ENV['profile'])
        found, region = _alibaba_profile(params, transport, env, profile, env_name or 'default', on_secret)
        if found is None:
            chain.skip('profile', region)
            region = None
    if found is None:
        if (_first_env(env, ALIBABA_ENV['metadata_disabled'])[1] or '').lower() == 'true':
            chain.skip('metadata', 'ALIBABA_CLOUD_ECS_METADATA_DISABLED=true')
        else:
            metadata = _alibaba_metadata_url(params)
            source = 'ECS RAM role (metadata %s)' % _host(metadata)
            session = Session(source, _alibaba_ecs_role(metadata, _first_env(env, ALIBABA_ENV['ecs_role_name'])[1], source), on_secret)
            try:
                session.credential()
                found = session
            except _Unavailable as exc:
                chain.skip('metadata', str(exc).split(': ', 1)[-1])
    if found is None:
        raise ValidationError(
            'no credentials: set access_key/secret_key or ALIBABA_CLOUD_ACCESS_KEY_ID/ALIBABA_CLOUD_ACCESS_KEY_SECRET '
            '(or ALICLOUD_ACCESS_KEY/ALICLOUD_SECRET_KEY), or profile, OIDC (ALIBABA_CLOUD_ROLE_ARN, '
            'ALIBABA_CLOUD_OIDC_PROVIDER_ARN, ALIBABA_CLOUD_OIDC_TOKEN_FILE) or an ECS RAM role; tried: %s'
            % '; '.join(chain.tried), code='NoCredentials')
    role = params.get('assume_role') or _alibaba_role_from_env(env)
    if role:
        found = _alibaba_assume_role(dict(params, region=params.get('region') or region), transport, found,
                                     check_alibaba_role(role), on_secret)
    return found, region


def _alibaba_role_from_env(env):
    arn = _first_env(env, ALIBABA_ENV['assume_role_arn'])[1]
    if not arn:
        return None
    return dict(role_arn=arn, session_name=_first_env(env, ALIBABA_ENV['assume_role_session_name'])[1],
                duration=_first_env(env, ALIBABA_ENV['assume_role_duration'])[1],
                external_id=_first_env(env, ALIBABA_ENV['assume_role_external_id'])[1])


def check_alibaba_role(role):
    """Validate an ``assume_role`` dict (Alibaba): role ARN, session name, duration 900..43200 seconds."""
    if not ROLE_ARN_RE.match(role.get('role_arn') or ''):
        raise ValidationError('assume_role.role_arn must look like acs:ram::<account id>:role/<name>', code='InvalidAssumeRole')
    if role.get('session_name') and not SESSION_NAME_RE.match(role['session_name']):
        raise ValidationError('assume_role.session_name must be 2-64 letters, digits or ._@- characters', code='InvalidAssumeRole')
    role = dict(role)
    role['duration'] = _duration(role.get('duration'), 'assume_role.duration', 900, 43200)
    return role


def _duration(value, name, low, high):
    if value in (None, ''):
        return 3600
    try:
        seconds = int(value)
    except (TypeError, ValueError):
        raise ValidationError('%s must be a number of seconds' % name, code='InvalidAssumeRole')
    if not low <= seconds <= high:
        raise ValidationError('%s must be between %d and %d seconds, got %d' % (name, low, high, seconds), code='InvalidAssumeRole')
    return seconds


# ---------------------------------------------------------------------------------------------------------------------
# Huawei Cloud


def _huawei_credential(data, link):
    cred = (data or {}).get('credential') or {}
    try:
        return Credential(cred['access'], cred['secret'], cred['securitytoken'], _parse_time(cred['expires_at']))
    except (KeyError, TypeError, ValueError):
        raise ApiError('iam', 'CreateTemporaryAccessKey', 201, 'InvalidResponse', '%s: the answer has no complete credential' % link)


def _huawei_assume_role(params, transport, base, role, on_secret):
    identity = dict(agency_name=role['agency_name'], duration_seconds=role['duration'])
    if role.get('domain_id'):
        identity['domain_id'] = role['domain_id']
    else:
        identity['domain_name'] = role['domain_name']
    body = {'auth': {'identity': {'methods': ['assume_role'], 'assume_role': identity}}}
    target = '%s/%s' % (role.get('domain_id') or role.get('domain_name'), role['agency_name'])

    def fetch():
        client = huaweicloud.HuaweiClient(params, transport, 'iam', credentials=base)
        try:
            data = client.request('POST', '/v3.0/OS-CREDENTIAL/securitytokens', 'CreateTemporaryAccessKeyByAgency',
                                  body=body, write=False, project_scoped=False)
        except ApiError as err:
            raise ApiError(err.service, err.operation, err.http_status, err.code,
                           'assume_role of agency %s refused (credentials from %s): %s' % (target, base.source, err.message),
                           err.request_id, err.attempts)
        return _huawei_credential(data, 'assume_role of agency %s' % target)
    return Session('assume_role agency %s (on %s)' % (target, base.source), fetch, on_secret)


def _huawei_unsigned(params, transport, path, operation, body, headers=None):
    base = huaweicloud.service_endpoint('iam', params.get('region'), params.get('endpoint'))
    payload = json_body(body)

    def build():
        hdrs = {'Content-Type': 'application/json;charset=UTF-8'}
        hdrs.update(headers or {})
        return 'POST', base + path, hdrs, payload

    return transport.call(build, lambda resp: huaweicloud.parse_error('iam', operation, resp),
                          lambda err, write, idem: 'throttle' if err.http_status == 429 else None,
                          'iam', operation, write=False)


def _huawei_federation(params, transport, source, idp_id, token_file, on_secret, duration=3600):
    """id token -> unscoped IAM token (OS-AUTH/id-token) -> temporary AK/SK (securitytokens, token method)."""
    def fetch():
        id_token = _read_secret_file(token_file, '%s: id token file' % source, on_secret)
        try:
            _status, headers, _data = _huawei_unsigned(params, transport, '/v3.0/OS-AUTH/id-token/tokens', 'CreateTokenWithIdToken',
                                                       {'auth': {'id_token': {'id': id_token}}}, {'X-Idp-Id': idp_id})
            token = headers.get('X-Subject-Token')
            if not token:
                raise ApiError('iam', 'CreateTokenWithIdToken', 201, 'InvalidResponse', 'no X-Subject-Token in the answer')
            on_secret(token)
            _status, _headers, data = _huawei_unsigned(
                params, transport, '/v3.0/OS-CREDENTIAL/securitytokens', 'CreateTemporaryAccessKeyByToken',
                {'auth': {'identity': {'methods': ['token'], 'token': {'id': token, 'duration_seconds': duration}}}})
        except ApiError as err:
            raise ApiError(err.service, err.operation, err.http_status, err.code,
                           'federation with identity provider %s refused (%s): %s' % (idp_id, source, err.message),
                           err.request_id, err.attempts)
        return _huawei_credential(data, source)
    return Session(source, fetch, on_secret)


def _huawei_metadata(metadata, source):
    def fetch():
        token = _metadata_call(source, 'PUT', metadata + '/meta-data/latest/api/token',
                               {'X-Metadata-Token-Ttl-Seconds': METADATA_TOKEN_TTL}).text.strip()
        resp = _metadata_call(source, 'GET', metadata + '/openstack/latest/securitykey', {'X-Metadata-Token': token})
        return _huawei_credential(_json(resp, source), source)
    return fetch


def _huawei_profile(params, transport, env, section, kind, on_secret):
    """Session from the SDK credentials file (INI; section ``basic`` unless ``profile`` names another)."""
    path = _first_env(env, HUAWEI_ENV['credentials_file'])[1] or os.path.join(
        env.get('HOME') or os.path.expanduser('~'), '.huaweicloud', 'credentials')
    if not os.path.isfile(path):
        if kind == 'default':
            return None, 'no %s' % path
        raise ValidationError('profile %r (%s): no credentials file %s' % (section, kind, path), code='ProfileNotFound')
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read(path, encoding='utf-8')
    except (configparser.Error, UnicodeError) as exc:
        raise ValidationError('profile: cannot parse %s (%s)' % (path, type(exc).__name__), code='ProfileInvalid')
    if not parser.has_section(section):
        if kind == 'default':
            return None, 'no [%s] section in %s' % (section, path)
        raise ValidationError('profile %r (%s): no [%s] section in %s' % (section, kind, section, path), code='ProfileNotFound')
    prof = dict(parser.items(section))
    source = 'profile [%s] in %s' % (section, path)
    if prof.get('idp_id') and prof.get('id_token_file'):
        return _huawei_federation(params, transport, source, prof['idp_id'], prof['id_token_file'], on_secret), None
    if prof.get('ak') and prof.get('sk'):
        return _static(source, prof['ak'], prof['sk'], prof.get('security_token'), on_secret), None
    raise ValidationError('%s: needs ak and sk, or idp_id and id_token_file' % source, code='ProfileInvalid')


def huawei_chain(params, transport, env=None, on_secret=None):
    """Session for Huawei Cloud; raises ValidationError or ApiError."""
    env = os.environ if env is None else env
    on_secret = on_secret or (lambda value: None)
    chain = _Chain()
    found = None
    ak, sk, token = params.get('access_key'), params.get('secret_key'), params.get('security_token')
    if _pair('options', ak, sk, ('access_key', 'secret_key')):
        found = _static('options (access_key)', ak, sk, token, on_secret)
    elif params.get('idp_id') or params.get('id_token_file'):
        if not (params.get('idp_id') and params.get('id_token_file')):
            raise ValidationError('options: idp_id and id_token_file go together', code='CredentialsIncomplete')
        found = _huawei_federation(params, transport, 'options (idp_id %s)' % params['idp_id'], params['idp_id'],
                                   params['id_token_file'], on_secret)
    elif params.get('profile'):
        found, _why = _huawei_profile(params, transport, env, params['profile'], 'option profile', on_secret)
    else:
        chain.skip('options', 'access_key/secret_key, idp_id/id_token_file and profile not set')
    if found is None:
        idp_id, token_file = _first_env(env, HUAWEI_ENV['idp_id'])[1], _first_env(env, HUAWEI_ENV['id_token_file'])[1]
        ak_name, ak = _first_env(env, HUAWEI_ENV['access_key'])
        sk_name, sk = _first_env(env, HUAWEI_ENV['secret_key'])
        if idp_id and token_file:  # the SDK's environment provider prefers federation to a key pair
            found = _huawei_federation(params, transport, 'environment (HUAWEICLOUD_SDK_IDP_ID %s)' % idp_id, idp_id,
                                       token_file, on_secret)
        elif _pair('environment', ak, sk, (ak_name or HUAWEI_ENV['access_key'][0], sk_name or HUAWEI_ENV['secret_key'][0])):
            _name, token = _first_env(env, HUAWEI_ENV['security_token'])
            found = _static('environment (%s)' % ak_name, ak, sk, token, on_secret)
        else:
            chain.skip('environment', '%s and HUAWEICLOUD_SDK_IDP_ID/HUAWEICLOUD_SDK_ID_TOKEN_FILE not set'
                       % '/'.join(HUAWEI_ENV['access_key']))
    if found is None:
        found, why = _huawei_profile(params, transport, env, 'basic', 'default', on_secret)
        if found is None:
            chain.skip('profile', why)
    if found is None:
        metadata = (params.get('metadata_endpoint') or HUAWEI_METADATA).rstrip('/')
        session = Session('ECS metadata (%s)' % _host(metadata), _huawei_metadata(metadata, 'ECS metadata (%s)' % _host(metadata)),
                          on_secret)
        try:
            session.credential()
            found = session
        except _Unavailable as exc:
            chain.skip('metadata', str(exc).split(': ', 1)[-1])
    if found is None:
        raise ValidationError(
            'no credentials: set access_key/secret_key or HUAWEICLOUD_SDK_AK/HUAWEICLOUD_SDK_SK (or HW_ACCESS_KEY/'
            'HW_SECRET_KEY), or profile, idp_id/id_token_file (HUAWEICLOUD_SDK_IDP_ID/HUAWEICLOUD_SDK_ID_TOKEN_FILE) '
            'or an ECS agency; tried: %s' % '; '.join(chain.tried), code='NoCredentials')
    role = params.get('assume_role') or _huawei_role_from_env(env)
    if role:
        found = _huawei_assume_role(params, transport, found, check_huawei_role(role), on_secret)
    return found


def _huawei_role_from_env(env):
    name = _first_env(env, HUAWEI_ENV['assume_agency_name'])[1]
    if not name:
        return None
    return dict(agency_name=name, domain_name=_first_env(env, HUAWEI_ENV['assume_domain_name'])[1],
                domain_id=_first_env(env, HUAWEI_ENV['assume_domain_id'])[1],
                duration=_first_env(env, HUAWEI_ENV['assume_duration'])[1])


def check_huawei_role(role):
    """Validate an ``assume_role`` dict (Huawei): agency name, exactly one of domain_name/domain_id, duration 900..86400."""
    if not role.get('agency_name'):
        raise ValidationError('assume_role.agency_name is required', code='InvalidAssumeRole')
    if bool(role.get('domain_name')) == bool(role.get('domain_id')):
        raise ValidationError('assume_role needs exactly one of domain_name and domain_id', code='InvalidAssumeRole')
    role = dict(role)
    role['duration'] = _duration(role.get('duration'), 'assume_role.duration', 900, 86400)
    return role


def resolve(cloud, params, transport, on_secret=None, env=None):
    """The Session a module signs with; for Alibaba Cloud a region named by the CLI profile fills an unset region."""
    if cloud == 'alibabacloud':
        session, region = alibaba_chain(params, transport, env=env, on_secret=on_secret)
        if not params.get('region') and region:
            params['region'] = region
        if not params.get('region'):
            raise ValidationError('no region: set region or ALIBABA_CLOUD_REGION_ID/ALICLOUD_REGION (or region_id in the '
                                  'CLI profile)', code='NoRegion')
        return session
    if not params.get('region'):
        raise ValidationError('no region: set region or HUAWEICLOUD_SDK_REGION/HW_REGION_NAME', code='NoRegion')
    return huawei_chain(params, transport, env=env, on_secret=on_secret)


def temporary_result(session, defaults):
    """The result of the *_credentials modules: the session's current temporary credentials, ready for module_defaults.

    Long-lived credentials are refused: handing them around defeats the purpose (the play should read them itself).
    """
    cred = session.credential()
    if cred.expiration is None or not cred.security_token:
        raise ValidationError('the credential chain found long-lived credentials (%s): set assume_role to obtain '
                              'temporary ones' % session.source, code='NotTemporary')
    values = dict(defaults, access_key=cred.access_key, secret_key=cred.secret_key, security_token=cred.security_token)
    return dict(changed=False, module_defaults=values, expiration=cred.expiration_iso(), source=session.source,
                expires_in=int(cred.expiration - time.time()))


def run_credentials_module(module):
    """The *_credentials modules: refuse without no_log, else return the temporary credentials unmasked (on purpose:
    the task's no_log keeps them out of every output, and the play needs their values)."""
    if not module.ansible.no_log:
        raise ValidationError('set no_log: true on this task: its result holds the temporary secret and security token',
                              code='NoLogRequired')
    result = temporary_result(module.credentials, dict(region=module.params['region']))
    for secret in (result['module_defaults']['secret_key'], result['module_defaults']['security_token']):
        module.ansible.no_log_values.discard(secret)
    module.ansible.exit_json(**result)
