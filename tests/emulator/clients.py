"""Test-side helpers: requests signed by the vendors' SDK code, and SDK clients pointed at the emulator.

Test-only (imports requests and the SDKs lazily); the server never imports this module.  ``sign_*`` return the
keyword arguments of ``requests.request`` so that a test can tamper with them before sending.
"""

import hashlib
import json
import time
import types
import uuid
from urllib.parse import quote, urlencode, urlsplit

from .core import ALIBABA_AK, ALIBABA_SK, HUAWEI_AK, HUAWEI_SK

# pylint: disable=import-outside-toplevel,too-many-arguments


def sign_huawei(url, method='GET', path='/', query=None, body=None, headers=None, ak=HUAWEI_AK, sk=HUAWEI_SK,
                security_token=None, project_id=None, sdk_date=None):
    """Sign with huaweicloudsdkcore's Signer; ``url`` may carry a prefix path (http://127.0.0.1:PORT/iam)."""
    from huaweicloudsdkcore.sdk_request import SdkRequest
    from huaweicloudsdkcore.signer.signer import Signer

    base = urlsplit(url)
    header_params = {'Content-Type': 'application/json', **(headers or {})}
    for name, value in (('X-Project-Id', project_id), ('X-Security-Token', security_token), ('X-Sdk-Date', sdk_date)):
        if value is not None:
            header_params[name] = value
    if isinstance(body, (dict, list)):
        body = json.dumps(body)
    request = SdkRequest(method=method, schema=base.scheme, host=base.netloc, resource_path=base.path.rstrip('/') + path,
                         query_params=list((query or {}).items()) if isinstance(query, dict) else list(query or []),
                         header_params=header_params, body=body)
    request = Signer(types.SimpleNamespace(ak=ak, sk=sk)).sign(request)
    return {'method': method, 'url': f'{base.scheme}://{base.netloc}{request.uri}', 'headers': dict(request.header_params), 'data': request.body}


def huawei_request(url, method='GET', path='/', timeout=10, **kwargs):
    import requests
    return requests.request(timeout=timeout, **sign_huawei(url, method, path, **kwargs))


def _acs_date(epoch=None):
    return time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(time.time() if epoch is None else epoch))


def sign_alibaba(url, action, version, query=None, form=None, ak=ALIBABA_AK, sk=ALIBABA_SK, security_token=None, date=None, nonce=None):
    """ACS3-HMAC-SHA256 (V3) request, signed with alibabacloud_openapi_util's get_authorization."""
    from alibabacloud_openapi_util.client import Client as OpenApiUtil

    base = urlsplit(url)
    query = {key: str(value) for key, value in (query or {}).items()}
    body = urlencode(form, quote_via=quote).encode() if form else b''
    headers = {'host': base.netloc, 'x-acs-action': action, 'x-acs-version': version, 'x-acs-date': date or _acs_date(),
               'x-acs-signature-nonce': nonce or uuid.uuid4().hex, 'x-acs-content-sha256': hashlib.sha256(body).hexdigest()}
    if form:
        headers['content-type'] = 'application/x-www-form-urlencoded'
    if security_token:
        headers['x-acs-security-token'] = security_token
    pathname = base.path or '/'
    request = types.SimpleNamespace(method='POST', pathname=pathname, query=query, headers=headers)
    headers['Authorization'] = OpenApiUtil.get_authorization(request, 'ACS3-HMAC-SHA256', headers['x-acs-content-sha256'], ak, sk)
    target = f'{base.scheme}://{base.netloc}{pathname}' + (f'?{urlencode(query, quote_via=quote)}' if query else '')
    return {'method': 'POST', 'url': target, 'headers': headers, 'data': body}


def sign_alibaba_v2(url, action, version, query=None, ak=ALIBABA_AK, sk=ALIBABA_SK, security_token=None, timestamp=None, nonce=None):
    """HMAC-SHA1 RPC (V2) request, signed with alibabacloud_openapi_util's get_rpcsignature."""
    from alibabacloud_openapi_util.client import Client as OpenApiUtil

    params = {'Action': action, 'Version': version, 'Format': 'json', 'AccessKeyId': ak, 'SignatureMethod': 'HMAC-SHA1',
              'SignatureVersion': '1.0', 'SignatureNonce': nonce or uuid.uuid4().hex, 'Timestamp': timestamp or _acs_date(),
              **{key: str(value) for key, value in (query or {}).items()}}
    if security_token:
        params['SecurityToken'] = security_token
    params['Signature'] = OpenApiUtil.get_rpcsignature(params, 'POST', sk)
    base = urlsplit(url)
    return {'method': 'POST', 'url': f'{base.scheme}://{base.netloc}{base.path or "/"}?{urlencode(params, quote_via=quote)}', 'headers': {}}


def alibaba_request(url, action, version, timeout=10, **kwargs):
    import requests
    return requests.request(timeout=timeout, **sign_alibaba(url, action, version, **kwargs))


def huawei_sdk_client(client_class, endpoint, project_id=None, ak=HUAWEI_AK, sk=HUAWEI_SK, security_token=None, timeout=(5, 10)):
    """An official Huawei SDK client (e.g. DdmClient) talking to ``endpoint`` (use EmulatorServer.service_url)."""
    from huaweicloudsdkcore.auth.credentials import BasicCredentials
    from huaweicloudsdkcore.http.http_config import HttpConfig

    credentials = BasicCredentials(ak, sk, project_id)
    if security_token:
        credentials = credentials.with_security_token(security_token)
    config = HttpConfig.get_default_config()
    config.timeout = timeout
    return client_class.new_builder().with_credentials(credentials).with_endpoints([endpoint]).with_http_config(config).build()


def alibaba_sdk_client(client_class, server, ak=ALIBABA_AK, sk=ALIBABA_SK, security_token=None, **config):
    """An official Alibaba client (tea-openapi Client, polardb/bastionhost Client) on the emulator's main port."""
    from alibabacloud_tea_openapi.utils_models import Config

    settings = {'access_key_id': ak, 'access_key_secret': sk, 'security_token': security_token, 'endpoint': f'{server.host}:{server.port}',
                'protocol': 'http', 'region_id': 'cn-hangzhou', 'read_timeout': 10000, 'connect_timeout': 5000, **config}
    return client_class(Config(**settings))


def expect_huawei_error(call, status, code):
    """``call()`` must raise the Huawei SDK's ClientRequestException with ``status``, the error ``code``, a message and a
    request id (the services whose error body the SDK reads: not DDM's errCode/externalMessage); returns it."""
    import pytest
    from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException

    with pytest.raises(ClientRequestException) as info:
        call()
    err = info.value
    assert (err.status_code, err.error_code) == (status, code)
    assert err.error_msg
    assert err.request_id
    return err


def expect_alibaba_error(call, status, code):
    """``call()`` must raise the Alibaba SDK's AlibabaCloudException with ``status``, ``code``, a message and a request id; returns it."""
    import pytest
    from alibabacloud_tea_openapi.exceptions import AlibabaCloudException

    with pytest.raises(AlibabaCloudException) as info:
        call()
    err = info.value
    assert (err.status_code, err.code) == (status, code)
    assert err.message
    assert err.request_id or (err.data or {}).get('RequestId')
    return err
