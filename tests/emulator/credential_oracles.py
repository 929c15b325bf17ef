"""The official credential libraries as test oracles: ``python -m emulator.credential_oracles alibaba|huawei``.

Runs the Alibaba Cloud Credentials tool's default chain (alibabacloud_credentials DefaultCredentialsProvider) or
huaweicloudsdkcore's basic provider chain in THIS process's environment (HOME, the clouds' variables), with their
network redirected to the emulator on loopback (EMU_PORTS: JSON {service: port}): STS and the ECS metadata host are
rewritten to the emulator's per-service ports, nothing else is changed.  Prints one JSON line: the access key, SHA-256
digests of the secret and the token (never the values), the provider the library reports, and (Huawei federation) the
identity provider it selected.  Test-only: the collection never imports this.
"""

import hashlib
import json
import os
import sys


def _digest(value):
    return hashlib.sha256(value.encode()).hexdigest() if value else None


def alibaba(ports):
    from Tea.core import TeaCore  # pylint: disable=import-outside-toplevel
    from alibabacloud_credentials.provider.default import DefaultCredentialsProvider  # pylint: disable=import-outside-toplevel

    real = TeaCore.do_action

    def to_loopback(request, runtime=None):
        host = request.headers.get('host', '')
        if host.startswith('sts'):
            request.headers['host'], request.protocol = f'127.0.0.1:{ports["sts"]}', 'http'
        elif host == '100.100.100.200':
            request.headers['host'], request.protocol = f'127.0.0.1:{ports["alimetadata"]}', 'http'
        return real(request, runtime)

    TeaCore.do_action = staticmethod(to_loopback)
    cred = DefaultCredentialsProvider().get_credentials()
    return {'access_key': cred.get_access_key_id(), 'secret': _digest(cred.get_access_key_secret()),
            'token': _digest(cred.get_security_token()), 'provider': cred.get_provider_name()}


def huawei(ports):
    from huaweicloudsdkcore.auth import internal  # pylint: disable=import-outside-toplevel
    from huaweicloudsdkcore.auth.provider import CredentialProviderChain  # pylint: disable=import-outside-toplevel

    internal.MetadataAccessor._METADATA_ENDPOINT = f'http://127.0.0.1:{ports["hwmetadata"]}'  # pylint: disable=protected-access
    cred = CredentialProviderChain.get_basic_credential_provider_chain().get_credentials()
    return {'access_key': cred.ak, 'secret': _digest(cred.sk), 'token': _digest(cred.security_token),
            'provider': type(cred.sts_accessor).__name__ if getattr(cred, 'sts_accessor', None) else 'static',
            'idp_id': getattr(cred, 'idp_id', None)}


if __name__ == '__main__':
    print(json.dumps({'alibaba': alibaba, 'huawei': huawei}[sys.argv[1]](json.loads(os.environ['EMU_PORTS']))))
