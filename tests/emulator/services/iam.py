"""Huawei IAM (Keystone): project-id resolution (GET /v3/projects?name=<region>) and temporary credentials (below)."""

import time as _time
import uuid as _uuid

from ..core import ApiError, HuaweiService

SERVICE = HuaweiService('iam')


def seed_defaults(state):
    """Projects in seed/iam.json only need id and name; the Keystone fields get their usual values."""
    domain_id = state.setdefault('domain_id', '0' * 32)
    for project in state.setdefault('projects', []):
        project.setdefault('domain_id', domain_id)
        project.setdefault('parent_id', domain_id)
        project.setdefault('enabled', True)
        project.setdefault('description', '')
        project.setdefault('is_domain', False)
    state.setdefault('agencies', [])
    state.setdefault('identity_providers', [])


@SERVICE.route('GET', '/v3/projects', operation='KeystoneListProjects')
def list_projects(ctx):
    base = f'https://{ctx.host}' if ctx.host else ''
    filters = {key: ctx.query[key] for key in ('name', 'domain_id', 'parent_id', 'id') if key in ctx.query}
    if 'enabled' in ctx.query:
        filters['enabled'] = ctx.query['enabled'].lower() == 'true'
    projects = [dict(project, links={'self': f'{base}/v3/projects/{project["id"]}'}) for project in ctx.state['projects']
                if all(project.get(key) == value for key, value in filters.items())]
    return 200, {'projects': projects, 'links': {'self': f'{base}/v3/projects', 'previous': None, 'next': None}}


# ---- temporary credentials: OIDC federation (id token -> unscoped token) and securitytokens (assume_role / token) ----
# IAM API reference: "Obtaining a Token with an OpenID Connect ID Token" (POST /v3.0/OS-AUTH/id-token/tokens, header
# X-Idp-Id, 201 with X-Subject-Token) and "Obtaining Temporary Access Keys and Security Tokens of an Agency" /
# "... Through a Token" (POST /v3.0/OS-CREDENTIAL/securitytokens, 201 {"credential": {access, secret, securitytoken,
# expires_at}}; duration 900..86400 s; assume_role takes an AK/SK signature or X-Auth-Token).  The control ``lifetime``
# (seconds) shortens every issued credential's life, for refresh tests.
SERVICE.issues_credentials = True
TIME_FORMAT = '%Y-%m-%dT%H:%M:%S.000000Z'


def _expires(epoch):
    return _time.strftime(TIME_FORMAT, _time.gmtime(epoch))


def _body_identity(ctx):
    body = ctx.require_json()
    identity = (body.get('auth') or {}).get('identity') if isinstance(body.get('auth'), dict) else None
    if not isinstance(identity, dict) or not isinstance(identity.get('methods'), list) or len(identity['methods']) != 1:
        raise ApiError(400, 'IAM.0006', 'The request body is invalid: auth.identity.methods must hold one method.')
    return identity, identity['methods'][0]


def _duration(spec):
    seconds = spec.get('duration_seconds', 900)
    if not isinstance(seconds, int) or not 900 <= seconds <= 86400:
        raise ApiError(400, 'IAM.0006', 'The request body is invalid: duration_seconds must be between 900 and 86400.')
    return seconds


def _credential(ctx, seconds, **info):
    key = ctx.emulator.issue_key('huawei', ctx.control.get('lifetime', seconds), **info)
    ctx.state.setdefault('issued', []).append({name: value for name, value in key.items() if name not in ('secret_key', 'security_token')})
    return 201, {'credential': {'access': key['access_key'], 'secret': key['secret_key'], 'securitytoken': key['security_token'],
                                'expires_at': _expires(key['expires_at'])}}


@SERVICE.route('POST', '/v3.0/OS-CREDENTIAL/securitytokens', operation='CreateTemporaryAccessKey', signed=False)
def create_temporary_access_key(ctx):
    identity, method = _body_identity(ctx)
    if method == 'assume_role':
        if ctx.access_key is None:
            raise ApiError(401, 'IAM.0001', 'The request you have made requires authentication.')
        spec = identity.get('assume_role') or {}
        domain = spec.get('domain_id') or spec.get('domain_name')
        if domain not in (ctx.state['domain_id'], ctx.state.get('domain_name')):
            raise ApiError(404, 'IAM.0004', f'Could not find domain: {domain}.')
        agency = next((a for a in ctx.state['agencies'] if a['name'] == spec.get('agency_name')), None)
        if agency is None:
            raise ApiError(404, 'IAM.0004', f'Could not find agency: {spec.get("agency_name")}.')
        if ctx.access_key not in agency.get('trusted_keys', []) and not ctx.access_key.startswith('HWTMP'):
            raise ApiError(403, 'IAM.0003', 'Policy doesn\'t allow iam:agencies:assume to be performed.')
        return _credential(ctx, _duration(spec), agency_name=agency['name'], issued_by=ctx.access_key)
    if method == 'token':
        spec = identity.get('token') or {}
        token = spec.get('id') or ctx.headers.get('X-Auth-Token')
        issued = next((t for t in ctx.state.setdefault('tokens', []) if t['id'] == token), None)
        if issued is None or issued['expires_at'] <= _time.time():
            raise ApiError(401, 'IAM.0001', 'The request you have made requires authentication.')
        return _credential(ctx, _duration(spec), idp_id=issued['idp_id'], issued_by='token')
    raise ApiError(400, 'IAM.0006', f'The request body is invalid: unsupported method {method!r}.')


@SERVICE.route('POST', '/v3.0/OS-AUTH/id-token/tokens', operation='CreateTokenWithIdToken', signed=False)
def create_token_with_id_token(ctx):
    idp_id = ctx.headers.get('X-Idp-Id')
    body = ctx.require_json()
    id_token = ((body.get('auth') or {}).get('id_token') or {}).get('id') if isinstance(body.get('auth'), dict) else None
    provider = next((p for p in ctx.state['identity_providers'] if p['id'] == idp_id), None)
    if provider is None:
        raise ApiError(404, 'IAM.0004', f'Could not find identity provider: {idp_id}.')
    if id_token not in provider.get('id_tokens', []):
        raise ApiError(401, 'IAM.0001', 'The request you have made requires authentication.')
    token, now = 'EMU-IAM-TOKEN-' + _uuid.uuid4().hex, _time.time()
    ctx.state.setdefault('tokens', []).append({'id': token, 'idp_id': idp_id, 'expires_at': now + 86400})
    return 201, {'token': {'methods': ['mapped'], 'issued_at': _expires(now), 'expires_at': _expires(now + 86400),
                           'user': {'name': f'{idp_id}-federated', 'domain': {'id': ctx.state['domain_id'], 'name': ctx.state.get('domain_name')},
                                    'OS-FEDERATION': {'identity_provider': {'id': idp_id}, 'protocol': {'id': 'oidc'}}}}}, \
        {'X-Subject-Token': token}
