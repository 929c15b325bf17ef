"""Alibaba Cloud STS (version 2015-04-01, RPC style): AssumeRole (signed) and AssumeRoleWithOIDC (anonymous).

Facts from the STS API reference (AssumeRole, AssumeRoleWithOIDC) and the "common errors" help page: DurationSeconds
900..the role's MaxSessionDuration (default 3600), RoleSessionName ``[A-Za-z0-9.@_-]``, 2-64 characters; a root account
key may not assume roles (NoPermission); the answer is {RequestId, Credentials{AccessKeyId, AccessKeySecret, SecurityToken,
Expiration}, AssumedRoleUser{Arn, AssumedRoleId}}.  The temporary credentials come from EmulatorServer.issue_key, so every
service API accepts them until they expire.  The control ``lifetime`` (seconds) shortens every issued credential's
life, for refresh tests; ``grants`` in the seed says which access keys may assume which role.
"""

import re
import time

from ..core import AlibabaService, ApiError

SERVICE = AlibabaService('sts', version='2015-04-01', product='Sts')
SERVICE.issues_credentials = True
SESSION_NAME_RE = re.compile(r'^[A-Za-z0-9.@_-]{2,64}$')


def seed_defaults(state):
    state.setdefault('roles', [])
    state.setdefault('oidc_providers', [])
    state.setdefault('root_keys', [])


def _expiration(epoch):
    return time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(epoch))


def _role(ctx, arn):
    for role in ctx.state['roles']:
        if role['arn'] == arn:
            return role
    raise ApiError(404, 'EntityNotExist.Role', f'The specified Role not exists: {arn}')


def _duration(ctx, role):
    raw = ctx.params.get('DurationSeconds') or '3600'
    try:
        seconds = int(raw)
    except ValueError as exc:
        raise ApiError(400, 'InvalidParameter.DurationSeconds', 'The parameter DurationSeconds is wrongly formed.') from exc
    maximum = role.get('max_session_duration', 3600)
    if not 900 <= seconds <= maximum:
        raise ApiError(400, 'InvalidParameter.DurationSeconds', f'The Min/Max value of DurationSeconds is 15min/{maximum // 60}min.')
    return seconds


def _session_name(ctx):
    name = ctx.require('RoleSessionName')
    if not SESSION_NAME_RE.match(name):
        raise ApiError(400, 'InvalidParameter.RoleSessionName', 'The parameter RoleSessionName is wrongly formed.')
    return name


def _issue(ctx, role, seconds, name, issued_by):
    lifetime = ctx.control.get('lifetime', seconds)
    key = ctx.emulator.issue_key('alibaba', lifetime, role_arn=role['arn'], session_name=name, issued_by=issued_by)
    ctx.state.setdefault('issued', []).append({'role_arn': role['arn'], 'session_name': name, 'access_key': key['access_key'],
                                               'issued_by': issued_by, 'external_id': ctx.params.get('ExternalId'),
                                               'policy': bool(ctx.params.get('Policy'))})
    account = role['arn'].split(':')[3]
    role_name = role['arn'].rsplit('/', 1)[-1]
    return 200, {'Credentials': {'AccessKeyId': key['access_key'], 'AccessKeySecret': key['secret_key'],
                                 'SecurityToken': key['security_token'], 'Expiration': _expiration(key['expires_at'])},
                 'AssumedRoleUser': {'Arn': f'acs:ram::{account}:role/{role_name}/{name}',
                                     'AssumedRoleId': f'3{abs(hash(role["arn"])) % 10 ** 17:017d}:{name}'}}


@SERVICE.action('AssumeRole')
def assume_role(ctx):
    arn = ctx.require('RoleArn')
    name = _session_name(ctx)
    if ctx.access_key in ctx.state['root_keys']:
        raise ApiError(403, 'NoPermission', 'Roles may not be assumed by root accounts.')
    role = _role(ctx, arn)
    if ctx.access_key not in role.get('trusted_keys', []) and not (ctx.access_key or '').startswith('STS.'):
        raise ApiError(403, 'NoPermission', 'You are not authorized to do this action. You should be authorized by RAM.')
    if role.get('external_id') and ctx.params.get('ExternalId') != role['external_id']:
        raise ApiError(403, 'NoPermission', 'You are not authorized to do this action. You should be authorized by RAM.')
    return _issue(ctx, role, _duration(ctx, role), name, ctx.access_key)


@SERVICE.action('AssumeRoleWithOIDC', signed=False)
def assume_role_with_oidc(ctx):
    arn, provider_arn, token = ctx.require('RoleArn'), ctx.require('OIDCProviderArn'), ctx.require('OIDCToken')
    name = ctx.params.get('RoleSessionName') or f'oidc-{int(time.time())}'
    provider = next((p for p in ctx.state['oidc_providers'] if p['arn'] == provider_arn), None)
    if provider is None:
        raise ApiError(404, 'EntityNotExist.OIDCProvider', f'The specified OIDC provider not exists: {provider_arn}')
    role = _role(ctx, arn)
    # UNVERIFIED code for a refused token: the reference names the parameter, not the code
    if token not in provider.get('tokens', []) or provider_arn not in role.get('trusted_oidc_providers', []):
        raise ApiError(400, 'AuthenticationFail.OIDCToken.Invalid', 'The OIDC token is invalid or not trusted by the role.')
    return _issue(ctx, role, _duration(ctx, role), name, provider_arn)
