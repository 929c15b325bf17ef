# -*- coding: utf-8 -*-
# Copyright: dbgov.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Huawei Cloud: connection options, endpoints, the SDK-HMAC-SHA256 signer and a REST client."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import datetime
import hashlib
import hmac

from ansible.module_utils.basic import env_fallback
from urllib.parse import quote, unquote, urlsplit

from ansible_collections.dbgov.cloud.plugins.module_utils.transport import ApiError, expect_keys, json_body

AUTH_SPEC = dict(
    # region and the credentials are not required here: the credential chain (module_utils/credentials.py) finds them
    # in the options, the environment, the credentials file or the instance metadata, and names what it tried
    region=dict(type='str', fallback=(env_fallback, ['HUAWEICLOUD_SDK_REGION', 'HW_REGION_NAME'])),
    project_id=dict(type='str', fallback=(env_fallback, ['HUAWEICLOUD_SDK_PROJECT_ID', 'HW_PROJECT_ID'])),
    access_key=dict(type='str', no_log=False),
    secret_key=dict(type='str', no_log=True),
    security_token=dict(type='str', no_log=True),
    profile=dict(type='str'),
    idp_id=dict(type='str'),
    id_token_file=dict(type='path'),
    assume_role=dict(type='dict', options=dict(
        agency_name=dict(type='str', required=True),
        domain_name=dict(type='str'),
        domain_id=dict(type='str'),
        duration=dict(type='int', default=3600),
    ), mutually_exclusive=[('domain_name', 'domain_id')], required_one_of=[('domain_name', 'domain_id')]),
    metadata_endpoint=dict(type='str', fallback=(env_fallback, ['DBGOV_HUAWEICLOUD_METADATA_ENDPOINT'])),
    endpoint=dict(type='str', fallback=(env_fallback, ['DBGOV_HUAWEICLOUD_ENDPOINT'])),
    validate_certs=dict(type='bool', default=True),
    ca_bundle=dict(type='path'),
    timeout=dict(type='float', default=30.0),
)

# gateway throttling: never executed, so safe to repeat for every method
THROTTLE_CODES = frozenset(['APIGW.0308', 'APIG.0308', 'DAS.200002'])
EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'
ALGORITHM = 'SDK-HMAC-SHA256'
DATE_FORMAT = '%Y%m%dT%H%M%SZ'

# exceptions to https://{service}.{region}.myhuaweicloud.com in the official SDKs' region tables
# (huaweicloudsdkddm DdmRegion, huaweicloudsdkdas DasRegion, huaweicloudsdkiam IamRegion)
ENDPOINT_EXCEPTIONS = {
    ('ddm', 'eu-west-101'): 'https://ddm.eu-west-101.myhuaweicloud.eu',
    ('das', 'na-mexico-1'): 'https://das.la-south-2.myhuaweicloud.com',
    ('iam', 'eu-west-101'): 'https://iam.eu-west-101.myhuaweicloud.eu',
}

# IAM (the project-id lookup) has a regional host only in these regions (the region tables of the IAM SDK and
# of the SDK core); the SDK core sends every other region to the global host, and so does the collection.
IAM_REGIONS = frozenset([
    'ae-ad-1', 'af-south-1', 'ap-southeast-1', 'ap-southeast-2', 'ap-southeast-3', 'ap-southeast-4',
    'cn-east-2', 'cn-east-3', 'cn-east-4', 'cn-east-5', 'cn-north-1', 'cn-north-2', 'cn-north-4', 'cn-north-9',
    'cn-north-12', 'cn-south-1', 'cn-south-2', 'cn-southwest-2', 'eu-west-0', 'eu-west-101', 'la-north-2',
    'la-south-2', 'me-east-1', 'my-kualalumpur-1', 'na-mexico-1', 'ru-moscow-1', 'sa-brazil-1', 'tr-west-1',
])
IAM_GLOBAL_ENDPOINT = 'https://iam.myhuaweicloud.com'


def service_endpoint(service, region, override=None):
    """The base URL of a service: the override (with {service}/{region} filled in) or the public one."""
    if override:
        return override.replace('{service}', service).replace('{region}', region or '').rstrip('/')
    if service == 'iam' and region not in IAM_REGIONS:
        return IAM_GLOBAL_ENDPOINT
    return ENDPOINT_EXCEPTIONS.get((service, region), 'https://%s.%s.myhuaweicloud.com' % (service, region))


def _enc(value):
    return quote(value, safe='~')


def _text(value):
    if isinstance(value, bool):
        return 'true' if value else 'false'
    return value if isinstance(value, str) else str(value)


def path_segment(value):
    """``value`` encoded as one URL path segment (a '/' in it cannot change the resource addressed)."""
    return quote(str(value), safe='')


def canonical_query(query):
    """Sorted, RFC 3986 encoded query; list values become repeated keys (sorted)."""
    pairs = []
    for key, value in (query or {}).items():
        if value is None:
            continue
        values = value if isinstance(value, (list, tuple)) else [value]
        for item in values:
            if item is not None:
                pairs.append((_text(key), _text(item)))
    pairs.sort()
    return '&'.join('%s=%s' % (_enc(k), _enc(v)) for k, v in pairs)


def canonical_uri(path):
    """Decode the whole path, then split and encode each segment (reference 4a step 6, like the SDK and the gateway).

    Decoding per segment instead would keep an encoded slash (``%2F`` in a path argument) as ``%2F`` where the
    gateway, which decodes first, sees two segments: the signature would not match.
    """
    segments = [_enc(seg) for seg in unquote(path).split('/')]
    uri = '/'.join(segments)
    return uri if uri.endswith('/') else uri + '/'


def sign(method, path, query_string, headers, body, access_key, secret_key):
    """Add the Authorization header (SDK-HMAC-SHA256) to ``headers`` and return it.

    ``headers`` must already hold X-Sdk-Date and Host; every header whose name has no '_' is signed.
    ``query_string`` is the canonical query (as produced by canonical_query and sent as is).
    """
    content_type = next((v for n, v in headers.items() if n.lower() == 'content-type'), None)
    if content_type and not content_type.startswith(('application/json', 'application/bson')):
        headers['X-Sdk-Content-Sha256'] = 'UNSIGNED-PAYLOAD'
    names = sorted(n.lower() for n in headers if '_' not in n and n.lower() != 'authorization')
    lowered = dict((n.lower(), v) for n, v in headers.items())
    if not body:
        # the SDK (and so the gateway) hashes an absent body as empty even when the header says UNSIGNED-PAYLOAD
        payload_hash = EMPTY_SHA256
    elif 'x-sdk-content-sha256' in lowered:
        payload_hash = lowered['x-sdk-content-sha256']
    else:
        payload_hash = hashlib.sha256(body).hexdigest()
    canonical_headers = ''.join('%s:%s\n' % (n, str(lowered[n]).strip()) for n in names)
    signed_headers = ';'.join(names)
    canonical = '\n'.join([method.upper(), canonical_uri(path), query_string, canonical_headers, signed_headers, payload_hash])
    string_to_sign = '\n'.join([ALGORITHM, lowered['x-sdk-date'], hashlib.sha256(canonical.encode('utf-8')).hexdigest()])
    signature = hmac.new(secret_key.encode('utf-8'), string_to_sign.encode('utf-8'), hashlib.sha256).hexdigest()
    headers['Authorization'] = '%s Access=%s, SignedHeaders=%s, Signature=%s' % (ALGORITHM, access_key, signed_headers, signature)
    return headers


ERROR_SHAPES = (('error_code', 'error_msg'), ('errCode', 'externalMessage'), ('errorCode', 'errorMsg'), ('code', 'message'))
# a top-level code that means success (DCS answers {"code": "0", "message": "success"} to some calls)
SUCCESS_CODES = frozenset(['', '0', '200', 'success', 'SUCCESS', 'OK', 'ok'])


def body_error(service, operation, resp, data):
    """The ApiError carried by a 2xx answer in one of the error shapes (some gateways answer errors with HTTP 200), else None.

    Only the top level (or a top-level ``error`` object) counts: list items may carry their own per-item codes.
    """
    if not isinstance(data, dict):
        return None
    for holder in (data, data.get('error')):
        if not isinstance(holder, dict):
            continue
        for code_key, _msg_key in ERROR_SHAPES:
            code = holder.get(code_key)
            if code is not None and str(code) not in SUCCESS_CODES:
                return parse_error(service, operation, resp, data)
    return None


def parse_error(service, operation, resp, data=None):
    """An ApiError from any Huawei error body shape; never keeps the raw body."""
    request_id = resp.headers.get('X-Request-Id')
    code, message = None, None
    if data is None:
        try:
            data = resp.json()
        except ValueError:
            data = None
    for _depth in range(3):
        if not isinstance(data, dict):
            break
        for code_key, msg_key in ERROR_SHAPES:
            if data.get(code_key) is not None:
                code, message = str(data.get(code_key)), data.get(msg_key)
                break
        if code:
            request_id = request_id or data.get('request_id')
            break
        data = data.get('error')
    if not code:
        code, message = 'HTTP%s' % resp.status_code, 'the service answered HTTP %s without a recognisable error body' % resp.status_code
    return ApiError(service, operation, resp.status_code, code, str(message or ''), request_id)


class HuaweiClient:
    """Signed REST calls to one Huawei Cloud service, sharing the module's transport."""

    def __init__(self, params, transport, service, now=None, credentials=None):
        self.params = params
        self.transport = transport
        self.service = service
        self.base = service_endpoint(service, params.get('region'), params.get('endpoint'))
        self._now = now or (lambda: datetime.datetime.now(datetime.timezone.utc))
        self._project_id = params.get('project_id')
        self.busy_codes = frozenset()
        # () -> (access key, secret key, security token), asked for every attempt: temporary credentials are renewed
        self._credentials = credentials or (lambda: (params['access_key'], params['secret_key'], params.get('security_token')))

    @property
    def project_id(self):
        if not self._project_id:
            # one IAM lookup per module run, shared by every service client on the same transport
            cache = getattr(self.transport, 'memo', {}).setdefault('huawei_project_ids', {})
            key = (self._credentials()[0], self.params.get('region'))
            if key not in cache:
                cache[key] = resolve_project_id(self.params, self.transport, now=self._now, credentials=self._credentials)
            self._project_id = cache[key]
        return self._project_id

    def request(self, method, path, operation, query=None, body=None, write=None, idempotent=False,
                busy_codes=None, deadline=None, headers=None, project_scoped=True, expect=()):
        """Call ``path`` (with ``{project_id}`` filled in); return the decoded JSON ({} for an empty body).

        ``expect``: the keys a successful answer must have (a read that lacks them failed, it did not find nothing)."""
        write = method.upper() != 'GET' if write is None else write
        if project_scoped and '{project_id}' in path:
            path = path.replace('{project_id}', quote(self.project_id, safe=''))
        split = urlsplit(self.base)
        full_path = split.path.rstrip('/') + path
        if any(segment in ('.', '..') for segment in unquote(full_path).split('/')):
            # requests removes dot segments (even encoded ones reach the server as dots): /users/.. would become
            # another resource, e.g. the instance itself. No API path argument is ever "." or "..".
            raise ApiError(self.service, operation, None, 'InvalidPath',
                           'refusing to send a request whose path has a "." or ".." segment (%s)' % path)
        query_string = canonical_query(query)
        payload = json_body(body) if body is not None else None
        busy = self.busy_codes if busy_codes is None else frozenset(busy_codes)
        project_id = self._project_id if project_scoped else None
        extra = dict(headers or {})

        def build():
            access_key, secret_key, token = self._credentials()
            hdrs = {'Content-Type': 'application/json;charset=UTF-8' if payload is not None else 'application/json',
                    'X-Sdk-Date': self._now().strftime(DATE_FORMAT), 'Host': split.netloc}
            if project_id:
                hdrs['X-Project-Id'] = project_id
            if token:
                hdrs['X-Security-Token'] = token
            hdrs.update(extra)
            for name in [name for name, value in hdrs.items() if value is None]:
                del hdrs[name]  # headers=dict(Name=None) sends none
            sign(method, full_path, query_string, hdrs, payload, access_key, secret_key)
            url = '%s://%s%s' % (split.scheme, split.netloc, full_path) + ('?' + query_string if query_string else '')
            return method.upper(), url, hdrs, payload

        def classify(err, is_write, is_idempotent):
            if err.http_status == 429 or err.code in THROTTLE_CODES:
                return 'throttle'
            if err.code in busy:
                return 'busy'
            if err.http_status and err.http_status >= 500 and (not is_write or is_idempotent):
                return 'transient'
            return None

        _status, _headers, data = self.transport.call(
            build, lambda resp: parse_error(self.service, operation, resp), classify,
            self.service, operation, write=write, idempotent=idempotent, deadline=deadline,
            body_error=lambda resp, data: body_error(self.service, operation, resp, data))
        return expect_keys(self.service, operation, data, expect)


def resolve_project_id(params, transport, now=None, credentials=None):
    """The project id of ``region`` through IAM (KeystoneListProjects); fails on zero or several matches."""
    region = params.get('region')
    client = HuaweiClient(dict(params, project_id='-'), transport, 'iam', now=now, credentials=credentials)
    # no Content-Type on this GET, as the SDK core's own project lookup sends it
    data = client.request('GET', '/v3/projects', 'KeystoneListProjects', query={'name': region}, project_scoped=False,
                          headers={'Content-Type': None}, expect=('projects',))
    projects = [p for p in (data.get('projects') or []) if p.get('name') == region]
    if len(projects) != 1:
        found = ', '.join(sorted(p.get('id', '?') for p in projects)) or 'none'
        hint = 'pass project_id explicitly' if projects else 'check region, or pass project_id'
        raise ApiError('iam', 'KeystoneListProjects', 200, 'ProjectNotResolved',
                       'region %r matches %d IAM projects (%s): %s' % (region, len(projects), found, hint))
    return projects[0]['id']
