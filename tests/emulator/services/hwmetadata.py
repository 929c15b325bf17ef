"""Huawei Cloud ECS metadata service (temporary credentials of the instance's agency), served on loopback.

ECS documentation ("Obtaining Metadata", securitykey): GET /openstack/latest/securitykey returns {"credential":
{access, secret, securitytoken, expires_at}}; a session token comes from PUT /meta-data/latest/api/token with
X-Metadata-Token-Ttl-Seconds and is sent as X-Metadata-Token (the official SDK's metadata provider does both).  The
emulator requires the token.  Unsigned.  Controls: ``lifetime`` (seconds), ``agency`` (false = no agency configured,
answered 404 like an instance without one: UNVERIFIED status).
"""

import time

from ..core import ApiError, HuaweiService
from .alimetadata import new_session_token

SERVICE = HuaweiService('hwmetadata')
SERVICE.issues_credentials = True


def seed_defaults(state):
    state.setdefault('tokens', {})


@SERVICE.route('PUT', '/meta-data/latest/api/token', operation='MetadataToken', signed=False)
def metadata_token(ctx):
    return new_session_token(ctx, 'X-Metadata-Token-Ttl-Seconds', 'EMU-HW-MD-')


@SERVICE.route('GET', '/openstack/latest/securitykey', operation='GetSecurityKey', signed=False)
def security_key(ctx):
    token = ctx.headers.get('X-Metadata-Token')
    if not token or ctx.state['tokens'].get(token, 0) <= time.time():
        raise ApiError(401, 'Unauthorized', 'a valid X-Metadata-Token is required')
    if ctx.control.get('agency', True) is False:
        raise ApiError(404, 'NotFound', 'Please configure Cloud Service Agency first')
    key = ctx.emulator.issue_key('huawei', ctx.control.get('lifetime', 86400), issued_by='ecs-metadata')
    return 200, {'credential': {'access': key['access_key'], 'secret': key['secret_key'], 'securitytoken': key['security_token'],
                                'expires_at': time.strftime('%Y-%m-%dT%H:%M:%S.000000Z', time.gmtime(key['expires_at']))}}
