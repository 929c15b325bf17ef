"""Signature verification for the emulator.

Every signature is recomputed with the cloud vendors' own SDK code (huaweicloudsdkcore's ``Signer``,
alibabacloud_openapi_util's ``get_authorization`` / ``get_rpcsignature``), never with this collection's
plugins, so the emulator cannot agree with a bug in our own signers.  The SDKs are imported lazily: the
server imports nothing outside the standard library until the first signed request arrives.
"""

import calendar
import hashlib
import hmac
import re
import time
import types

CLOCK_SKEW = 15 * 60

HUAWEI_AUTH_RE = re.compile(r'^SDK-HMAC-SHA256\s+Access=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-fA-F]+)\s*$')
ALIBABA_AUTH_RE = re.compile(r'^ACS3-HMAC-SHA256\s+Credential=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-fA-F]+)\s*$')
# Alibaba V2 (HMAC-SHA1 RPC) parameters that are signature/protocol plumbing, not business parameters.
ALIBABA_COMMON_PARAMS = frozenset((
    'Action', 'Version', 'Format', 'AccessKeyId', 'Signature', 'SignatureMethod', 'SignatureVersion',
    'SignatureNonce', 'SignatureType', 'Timestamp', 'SecurityToken',
))


class SignatureError(Exception):
    """A refused request: ``kind`` goes to the request log, the rest to the error response."""

    def __init__(self, kind, status, code, message):
        super().__init__(f'{code}: {message}')
        self.kind, self.status, self.code, self.message = kind, status, code, message


def _sdk_missing(exc):
    return RuntimeError(f'signature verification needs the vendor SDKs (pip install -r tests/emulator/requirements.txt): {exc}')


def _header_text(value):
    """http.server decodes header bytes as latin-1; the signers saw the original UTF-8 text."""
    try:
        return value.encode('iso-8859-1').decode('utf-8')
    except UnicodeError:
        return value


def _skewed(epoch):
    return abs(time.time() - epoch) > CLOCK_SKEW


def _parse_utc(value, fmt):
    return calendar.timegm(time.strptime(value, fmt))


def verify_huawei(method, raw_path, query_pairs, headers, body, keys):
    """Verify an ``SDK-HMAC-SHA256`` request and return the access key that signed it.

    ``query_pairs`` are the decoded (key, value) pairs as received, ``headers`` the received header items,
    ``keys`` maps access key -> {"secret_key", "security_token"}.  Raises SignatureError.
    """
    header_map = {name.lower(): _header_text(value) for name, value in headers}
    auth = header_map.get('authorization')
    if not auth:
        raise SignatureError('missing', 401, 'APIGW.0301', 'Incorrect IAM authentication information: Authorization header not found')
    match = HUAWEI_AUTH_RE.match(auth)
    if not match:
        raise SignatureError('malformed', 401, 'APIGW.0301', 'Incorrect IAM authentication information: unsupported Authorization header')
    access_key, signed, signature = match.groups()
    key = keys.get(access_key)
    if key is None:
        raise SignatureError('unknown_key', 401, 'APIGW.0301', 'Incorrect IAM authentication information: AK not found')
    if header_map.get('x-security-token') != key.get('security_token'):
        raise SignatureError('token', 401, 'APIGW.0301', 'Incorrect IAM authentication information: security token mismatch')
    if key.get('expires_at') is not None and time.time() >= key['expires_at']:
        # temporary credentials past their expires_at (UNVERIFIED wording; the code is the gateway's IAM auth error)
        raise SignatureError('expired', 401, 'APIGW.0301', 'Incorrect IAM authentication information: the security token has expired')
    try:
        skewed = _skewed(_parse_utc(header_map.get('x-sdk-date', ''), '%Y%m%dT%H%M%SZ'))
    except ValueError:
        skewed = True
    if skewed:
        raise SignatureError('skew', 401, 'APIGW.0303',
                             'Incorrect app authentication information: X-Sdk-Date is missing, malformed or more than 15 minutes off')

    try:
        from huaweicloudsdkcore.sdk_request import SdkRequest  # pylint: disable=import-outside-toplevel
        from huaweicloudsdkcore.signer.signer import Signer  # pylint: disable=import-outside-toplevel
    except ImportError as exc:
        raise _sdk_missing(exc) from exc
    wanted = set(signed.lower().split(';'))
    request = SdkRequest(method=method.upper(), schema='http', host=header_map.get('host', ''), resource_path=raw_path,
                         query_params=list(query_pairs),
                         header_params={name: _header_text(value) for name, value in headers if name.lower() in wanted},
                         body=body or None)
    credentials = types.SimpleNamespace(ak=access_key, sk=key['secret_key'])
    expected = HUAWEI_AUTH_RE.match(Signer(credentials).sign(request).header_params['Authorization']).group(3)
    if not hmac.compare_digest(expected.lower(), signature.lower()):
        raise SignatureError('bad', 401, 'APIGW.0303', 'Incorrect app authentication information: verify aksk signature fail')
    return access_key


def _alibaba_key(keys, access_key, token):
    key = keys.get(access_key)
    if key is None:
        raise SignatureError('unknown_key', 404, 'InvalidAccessKeyId.NotFound', 'Specified access key is not found.')
    if (token or None) != key.get('security_token'):
        raise SignatureError('token', 400, 'InvalidSecurityToken.Mismatch', 'Specified SecurityToken mismatch with the AccessKey.')
    if key.get('expires_at') is not None and time.time() >= key['expires_at']:
        raise SignatureError('expired', 400, 'InvalidSecurityToken.Expired', 'Specified SecurityToken is expired.')
    return key


def _alibaba_time(value, fmt):
    try:
        epoch = _parse_utc(value or '', fmt)
    except ValueError as exc:
        raise SignatureError('skew', 400, 'InvalidTimeStamp.Format', 'Specified time stamp or date value is not well formatted.') from exc
    if _skewed(epoch):
        raise SignatureError('skew', 400, 'InvalidTimeStamp.Expired', 'Specified time stamp or date value is expired.')


def _alibaba_nonce(nonce, check_nonce):
    if not nonce:
        raise SignatureError('missing', 400, 'MissingSignatureNonce', 'SignatureNonce is mandatory for this action.')
    if not check_nonce(nonce):
        raise SignatureError('nonce', 400, 'SignatureNonceUsed', 'Specified signature nonce was used already.')


def _mismatch():
    return SignatureError('bad', 400, 'SignatureDoesNotMatch', 'Specified signature is not matched with our calculation.')


def verify_alibaba(method, raw_path, query, form, headers, body, keys, check_nonce):
    """Verify an Alibaba request signed with ACS3-HMAC-SHA256 (V3) or HMAC-SHA1 RPC (V2).

    ``query`` and ``form`` are the decoded URL query and form body (dicts, last value wins); V3 signs the query
    and hashes the body, V2 signs both.  ``check_nonce(nonce)`` returns False when the nonce was already used (and
    records it otherwise).  Returns the access key; raises SignatureError.
    """
    params = {**query, **form}
    try:
        from alibabacloud_openapi_util.client import Client as OpenApiUtil  # pylint: disable=import-outside-toplevel
    except ImportError as exc:
        raise _sdk_missing(exc) from exc
    header_map = {name.lower(): _header_text(value) for name, value in headers}
    auth = header_map.get('authorization', '')
    if auth.startswith('ACS3-'):
        match = ALIBABA_AUTH_RE.match(auth)
        if not match:
            raise SignatureError('malformed', 400, 'IncompleteSignature', 'The request signature does not conform to Aliyun standards.')
        access_key, signed, signature = match.groups()
        key = _alibaba_key(keys, access_key, header_map.get('x-acs-security-token'))
        _alibaba_time(header_map.get('x-acs-date'), '%Y-%m-%dT%H:%M:%SZ')
        signed_names = signed.lower().split(';')
        request = types.SimpleNamespace(method=method.upper(), pathname=raw_path, query=dict(query),
                                        headers={name: header_map[name] for name in signed_names if name in header_map})
        payload = hashlib.sha256(body or b'').hexdigest()
        expected = OpenApiUtil.get_authorization(request, 'ACS3-HMAC-SHA256', payload, access_key, key['secret_key'])
        if not hmac.compare_digest(ALIBABA_AUTH_RE.match(expected).group(3).lower(), signature.lower()):
            raise _mismatch()
        _alibaba_nonce(header_map.get('x-acs-signature-nonce'), check_nonce)
        return access_key
    if 'Signature' in params:
        access_key = params.get('AccessKeyId', '')
        key = _alibaba_key(keys, access_key, params.get('SecurityToken'))
        _alibaba_time(params.get('Timestamp'), '%Y-%m-%dT%H:%M:%SZ')
        if params.get('SignatureMethod') != 'HMAC-SHA1':
            raise _mismatch()
        signed_params = {name: value for name, value in params.items() if name != 'Signature'}
        expected = OpenApiUtil.get_rpcsignature(signed_params, method.upper(), key['secret_key'])
        if not hmac.compare_digest(expected, params['Signature']):
            raise _mismatch()
        _alibaba_nonce(params.get('SignatureNonce'), check_nonce)
        return access_key
    raise SignatureError('missing', 400, 'IncompleteSignature', 'The request signature does not conform to Aliyun standards.')
