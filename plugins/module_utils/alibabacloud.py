# -*- coding: utf-8 -*-
# Copyright: dbgov.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Alibaba Cloud: connection options, endpoints, the ACS3-HMAC-SHA256 signer and an RPC client."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import datetime
import hashlib
import hmac
import uuid

from ansible.module_utils.basic import env_fallback
from urllib.parse import quote, urlsplit

from ansible_collections.dbgov.cloud.plugins.module_utils.transport import ApiError, expect_keys

AUTH_SPEC = dict(
    # region and the credentials are not required here: the credential chain (module_utils/credentials.py) finds them
    # in the options, the environment, the CLI profile, OIDC or the instance metadata, and names what it tried
    region=dict(type='str', fallback=(env_fallback, ['ALIBABA_CLOUD_REGION_ID', 'ALICLOUD_REGION'])),
    access_key=dict(type='str', no_log=False),
    secret_key=dict(type='str', no_log=True),
    security_token=dict(type='str', no_log=True),
    profile=dict(type='str'),
    assume_role=dict(type='dict', options=dict(
        role_arn=dict(type='str', required=True),
        session_name=dict(type='str'),
        duration=dict(type='int', default=3600),
        policy=dict(type='raw'),
        external_id=dict(type='str', no_log=False),
    )),
    metadata_endpoint=dict(type='str', fallback=(env_fallback, ['DBGOV_ALIBABACLOUD_METADATA_ENDPOINT'])),
    endpoint=dict(type='str', fallback=(env_fallback, ['DBGOV_ALIBABACLOUD_ENDPOINT'])),
    validate_certs=dict(type='bool', default=True),
    ca_bundle=dict(type='path'),
    timeout=dict(type='float', default=30.0),
)

ALGORITHM = 'ACS3-HMAC-SHA256'
EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'
THROTTLE_PREFIXES = ('Throttling', 'Rejected.Throttling')
UNAVAILABLE_CODES = frozenset(['ServiceUnavailable', 'System.Busy'])
TRANSIENT_CODES = frozenset(['InternalError', 'UnknownError'])

PRODUCTS = {
    # our service name -> (API version, product id used in endpoints and troubleshooting links)
    'polardb': ('2017-08-01', 'polardb'),
    'bastionhost': ('2019-12-09', 'yundun-bastionhost'),
    'sts': ('2015-04-01', 'sts'),  # AssumeRole / AssumeRoleWithOIDC for the credential chain
}

# Endpoints follow the official SDKs' resolution (alibabacloud_polardb20170801 9.2.1,
# alibabacloud_yundun_bastionhost20191209 1.7.2): the region's entry in the client's endpoint map, else the
# "regional" rule ``<product id>.<region>.aliyuncs.com``. The regions below are those maps, grouped by host.
_INTERNAL_REGIONS = (
    'ap-northeast-2-pop', 'cn-beijing-finance-pop', 'cn-beijing-nu16-b01', 'cn-haidian-cm12-c01', 'cn-hangzhou-bj-b01',
    'cn-hangzhou-internal-prod-1', 'cn-hangzhou-internal-test-1', 'cn-hangzhou-internal-test-2',
    'cn-hangzhou-internal-test-3', 'cn-hangzhou-test-306', 'cn-hongkong-finance-pop', 'cn-huhehaote-nebula-1',
    'cn-qingdao-nebula', 'cn-shanghai-et15-b01', 'cn-shanghai-et2-b01', 'cn-shanghai-inner',
    'cn-shanghai-internal-test-1', 'cn-shenzhen-inner', 'cn-shenzhen-st4-d01', 'cn-shenzhen-su18-b01', 'cn-yushanfang',
    'cn-zhangbei-na61-b01', 'cn-zhangjiakou-na62-a01', 'cn-zhengzhou-nebula-1', 'eu-west-1-oxs', 'rus-west-1-pop',
)
_CENTRAL_BOTH = ('cn-qingdao', 'cn-beijing', 'cn-wulanchabu', 'cn-hangzhou', 'cn-shanghai', 'cn-heyuan',
                 'cn-hangzhou-finance', 'cn-beijing-finance-1', 'cn-beijing-gov-1', 'cn-edge-1', 'cn-fujian', 'cn-wuhan',
                 'cn-zhangbei') + _INTERNAL_REGIONS
# PolarDB: polardb.aliyuncs.com for these, polardb.<region>.aliyuncs.com for every other region
_POLARDB_CENTRAL = frozenset(_CENTRAL_BOTH)
# Bastionhost: yundun-bastionhost.aliyuncs.com for these ...
_BASTION_CENTRAL = frozenset(_CENTRAL_BOTH + (
    'cn-shenzhen', 'cn-guangzhou', 'cn-chengdu', 'me-east-1', 'ap-south-1', 'cn-shanghai-finance-1',
    'cn-shenzhen-finance-1', 'cn-north-2-gov-1', 'cn-zhengzhou-jva'))
# ... bastionhost.<region>.aliyuncs.com for these. ap-southeast-2 differs from the SDK on purpose: the SDK maps it
# to the central host, the official "Bastionhost endpoints" page lists bastionhost.ap-southeast-2.aliyuncs.com
# (https://www.alibabacloud.com/help/en/bh/bastionhost/developer-reference/api-yundun-bastionhost-2019-12-09-endpoint).
_BASTION_REGIONAL = frozenset([
    'cn-zhangjiakou', 'cn-huhehaote', 'cn-hongkong', 'ap-northeast-1', 'ap-northeast-2', 'ap-southeast-1',
    'ap-southeast-2', 'ap-southeast-3', 'ap-southeast-5', 'ap-southeast-6', 'ap-southeast-7', 'us-east-1', 'us-west-1',
    'eu-west-1', 'eu-central-1', 'na-south-1'])


def service_endpoint(service, region, override=None):
    """Base URL for ``service``: the override ({service}/{region} filled in) or the public host.

    PolarDB: ``polardb.aliyuncs.com`` for the regions the SDK maps there, ``polardb.{region}.aliyuncs.com`` otherwise.
    Bastionhost: the SDK's map (central or ``bastionhost.{region}.aliyuncs.com``), and for a region it does not map
    the SDK's rule ``yundun-bastionhost.{region}.aliyuncs.com``.
    """
    if override:
        return override.replace('{service}', service).replace('{region}', region or '').rstrip('/')
    if service == 'polardb':
        host = 'polardb.aliyuncs.com' if region in _POLARDB_CENTRAL else 'polardb.%s.aliyuncs.com' % region
    elif service == 'bastionhost':
        if region in _BASTION_CENTRAL:
            host = 'yundun-bastionhost.aliyuncs.com'
        elif region in _BASTION_REGIONAL:
            host = 'bastionhost.%s.aliyuncs.com' % region
        else:
            host = 'yundun-bastionhost.%s.aliyuncs.com' % region
    elif service == 'sts':
        host = 'sts.aliyuncs.com'  # the central STS endpoint, as the Alibaba Cloud Credentials tool uses by default
    else:
        raise ValueError('unknown Alibaba Cloud service %r' % service)
    return 'https://' + host


def _text(value):
    if isinstance(value, bool):
        return 'true' if value else 'false'
    return value if isinstance(value, str) else str(value)


def flatten(params, prefix=''):
    """Flat RPC encoding: lists as ``Key.N`` (1-based), objects as ``Key.Sub``, booleans true/false.

    None values are dropped. An empty list is refused: on the wire it would vanish and change the
    meaning of the request (Bastionhost reads a database without accounts as "the whole database").
    """
    flat = {}
    for key, value in params.items():
        name = '%s.%s' % (prefix, key) if prefix else key
        if value is None:
            continue
        if isinstance(value, dict):
            flat.update(flatten(value, name))
        elif isinstance(value, (list, tuple)):
            if not value:
                raise ValueError('refusing to encode the empty list %s' % name)
            for index, item in enumerate(value, 1):
                if isinstance(item, (dict, list, tuple)):
                    flat.update(flatten({str(index): item}, name))
                elif item is not None:
                    flat['%s.%d' % (name, index)] = _text(item)
        else:
            flat[name] = _text(value)
    return flat


def _enc(value):
    return quote(value, safe='~')


def canonical_query(flat):
    return '&'.join('%s=%s' % (_enc(k), _enc(v)) for k, v in sorted(flat.items()))


def sign(method, path, query_string, headers, body, access_key, secret_key):
    """Add Authorization (ACS3-HMAC-SHA256) over every header given (names lower-cased and sorted)."""
    lowered = dict((n.lower(), str(v).strip()) for n, v in headers.items() if n.lower() != 'authorization')
    names = sorted(lowered)
    canonical_headers = ''.join('%s:%s\n' % (n, lowered[n]) for n in names)
    signed_headers = ';'.join(names)
    payload_hash = lowered.get('x-acs-content-sha256') or hashlib.sha256(body or b'').hexdigest()
    canonical = '\n'.join([method.upper(), path or '/', query_string, canonical_headers, signed_headers, payload_hash])
    string_to_sign = '%s\n%s' % (ALGORITHM, hashlib.sha256(canonical.encode('utf-8')).hexdigest())
    signature = hmac.new(secret_key.encode('utf-8'), string_to_sign.encode('utf-8'), hashlib.sha256).hexdigest()
    headers['Authorization'] = '%s Credential=%s,SignedHeaders=%s,Signature=%s' % (ALGORITHM, access_key, signed_headers, signature)
    return headers


# a top-level Code that means success (some products answer {"Code": "200", "Success": true, ...})
SUCCESS_CODES = frozenset(['', '0', '200', 'OK', 'Success', 'success'])


def body_error(service, operation, resp, data):
    """The ApiError carried by a 2xx answer (``{"Code": ..., "Message": ...}`` at the top level; per-item codes inside
    lists are the caller's business), else None."""
    if not isinstance(data, dict):
        return None
    code = data.get('Code', data.get('code'))
    if code is not None and str(code) not in SUCCESS_CODES:
        return parse_error(service, operation, resp, data)
    if data.get('Success') is False:
        return parse_error(service, operation, resp, dict(data, Code=code or 'Unsuccessful'))
    return None


def parse_error(service, operation, resp, data=None):
    request_id, code, message = resp.headers.get('x-acs-request-id'), None, None
    if data is None:
        try:
            data = resp.json()
        except ValueError:
            data = None
    if isinstance(data, dict):
        code = data.get('Code') or data.get('code')
        message = data.get('Message') or data.get('message')
        request_id = data.get('RequestId') or data.get('requestId') or request_id
    if not code:
        code, message = 'HTTP%s' % resp.status_code, 'the service answered HTTP %s without a recognisable error body' % resp.status_code
    return ApiError(service, operation, resp.status_code, str(code), str(message or ''), request_id)


def classify(busy_codes):
    def _classify(err, is_write, is_idempotent):
        code = err.code or ''
        if code.startswith(THROTTLE_PREFIXES):
            return 'throttle'
        if code in busy_codes:
            return 'busy'
        # ServiceUnavailable / System.Busy do not prove that a write was not executed: like any 5xx they are
        # retried for reads and for writes that are idempotent by nature only (a write sent twice must not act twice)
        transient = code in TRANSIENT_CODES or code in UNAVAILABLE_CODES or (err.http_status or 0) >= 500
        if transient and (not is_write or is_idempotent):
            return 'transient'
        return None
    return _classify


class AlibabaClient:
    """Signed RPC calls (POST /, parameters in the query string) to one Alibaba Cloud product."""

    def __init__(self, params, transport, service, now=None, nonce=None, credentials=None):
        if service not in PRODUCTS:
            raise ValueError('unknown Alibaba Cloud service %r' % service)
        self.params = params
        self.transport = transport
        self.service = service
        self.version = PRODUCTS[service][0]
        self.base = service_endpoint(service, params.get('region'), params.get('endpoint'))
        self._now = now or (lambda: datetime.datetime.now(datetime.timezone.utc))
        self._nonce = nonce or (lambda: uuid.uuid4().hex)
        # () -> (access key, secret, security token), asked for every attempt: temporary credentials are renewed
        self._credentials = credentials or (lambda: (params['access_key'], params['secret_key'], params.get('security_token')))

    def call(self, action, params=None, write=False, idempotent=False, busy_codes=(), deadline=None, expect=()):
        """Call ``action``; return the decoded JSON body (which must hold every key of ``expect``)."""
        flat = flatten(params or {})
        query_string = canonical_query(flat)
        split = urlsplit(self.base)
        path = split.path or '/'

        def build():
            access_key, secret_key, token = self._credentials()
            headers = {
                'host': split.netloc,
                'x-acs-action': action,
                'x-acs-version': self.version,
                'x-acs-date': self._now().strftime('%Y-%m-%dT%H:%M:%SZ'),
                'x-acs-signature-nonce': self._nonce(),
                'x-acs-content-sha256': EMPTY_SHA256,
            }
            if token:
                headers['x-acs-security-token'] = token
            sign('POST', path, query_string, headers, b'', access_key, secret_key)
            headers['accept'] = 'application/json'
            url = '%s://%s%s' % (split.scheme, split.netloc, path) + ('?' + query_string if query_string else '')
            return 'POST', url, headers, None

        _status, _headers, data = self.transport.call(
            build, lambda resp: parse_error(self.service, action, resp), classify(frozenset(busy_codes)),
            self.service, action, write=write, idempotent=idempotent, deadline=deadline,
            body_error=lambda resp, data: body_error(self.service, action, resp, data))
        return expect_keys(self.service, action, data, expect)

    def paginate(self, action, params, items_key, page_size=100, total_key='TotalCount', write=False):
        """Every item of a paged list: by TotalCount when the response has one, else until a short page."""
        items, page = [], 1
        while True:
            # a page without its list failed, it is not an empty page
            data = expect_keys(getattr(self, 'service', None), action, self.call(action, dict(params, PageNumber=page, PageSize=page_size), write=write),
                               (items_key,))
            batch = data.get(items_key) or []
            items.extend(batch)
            total = data.get(total_key)
            if total is not None:
                if len(items) >= int(total) or not batch:
                    return items
            elif len(batch) < page_size:
                return items
            page += 1
