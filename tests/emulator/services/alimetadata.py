"""Alibaba Cloud ECS instance metadata service (RAM role credentials), hardened mode, served on loopback.

ECS documentation ("Instance metadata", "Obtain temporary credentials of an instance RAM role"): PUT /latest/api/token
with X-aliyun-ecs-metadata-token-ttl-seconds (1..21600) returns a session token; with header X-aliyun-ecs-metadata-token,
GET /latest/meta-data/ram/security-credentials/ lists the role name and GET .../<role> returns {AccessKeyId,
AccessKeySecret, SecurityToken, Expiration, LastUpdated, Code: "Success"}.  The emulator serves hardened mode only: a
request without a valid token gets 401 (documented as 403 for some versions: UNVERIFIED, the chain treats any non-200 as
a failure of this link).  Unsigned (the metadata service takes no signature).  Controls: ``lifetime`` (seconds),
``role`` (the attached role name, null = none).
"""

import time
import uuid

from ..core import ApiError, HuaweiService

# path-template routing as in the Huawei REST services; nothing here is signed
SERVICE = HuaweiService('alimetadata')
SERVICE.issues_credentials = True


def seed_defaults(state):
    state.setdefault('role', 'dbgov-ecs-role')
    state.setdefault('tokens', {})


def _check_token(ctx):
    token = ctx.headers.get('X-aliyun-ecs-metadata-token')
    if not token or ctx.state['tokens'].get(token, 0) <= time.time():
        raise ApiError(401, 'Unauthorized', 'a valid X-aliyun-ecs-metadata-token is required (hardened mode)')


def new_session_token(ctx, ttl_header, prefix):
    """PUT .../api/token of both metadata services: a session token valid for the header's seconds (1..21600)."""
    try:
        ttl = int(ctx.headers.get(ttl_header, ''))
    except ValueError as exc:
        raise ApiError(400, 'BadRequest', f'{ttl_header} is required') from exc
    if not 1 <= ttl <= 21600:
        raise ApiError(400, 'BadRequest', f'{ttl_header} must be 1..21600')
    token = prefix + uuid.uuid4().hex
    ctx.state['tokens'][token] = time.time() + ttl
    return 200, token


@SERVICE.route('PUT', '/latest/api/token', operation='MetadataToken', signed=False)
def metadata_token(ctx):
    return new_session_token(ctx, 'X-aliyun-ecs-metadata-token-ttl-seconds', 'EMU-ECS-MD-')


@SERVICE.route('GET', '/latest/meta-data/ram/security-credentials', operation='ListRamRoles', signed=False)
def list_roles(ctx):
    _check_token(ctx)
    role = ctx.control.get('role', ctx.state['role'])
    if not role:
        raise ApiError(404, 'NotFound', 'no RAM role is attached to the instance')
    return 200, role


@SERVICE.route('GET', '/latest/meta-data/ram/security-credentials/{role}', operation='GetRamRoleCredentials', signed=False)
def role_credentials(ctx, role):
    _check_token(ctx)
    if role != ctx.control.get('role', ctx.state['role']):
        raise ApiError(404, 'NotFound', f'no RAM role {role} on the instance')
    key = ctx.emulator.issue_key('alibaba', ctx.control.get('lifetime', 21600), role_name=role, issued_by='ecs-metadata')
    now = time.time()
    return 200, {'AccessKeyId': key['access_key'], 'AccessKeySecret': key['secret_key'], 'SecurityToken': key['security_token'],
                 'Expiration': time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(key['expires_at'])),
                 'LastUpdated': time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(now)), 'Code': 'Success'}
