"""Huawei Cloud DAS (Data Admin Service): built-in ("clouddba") account log-in/log-off and the Cloud-DBA instance list.

Facts from the SDK huaweicloudsdkdas 3.1.219 and the DAS API reference:

- ``POST /v3/{project_id}/instances/{instance_id}/login-built-in-account``  body ``{"datastore_type": "MySQL"}``
  -> 200 ``{"db_user_id": "<36-char UUID>"}``
- ``POST /v3/{project_id}/instances/{instance_id}/logoff-built-in-account`` body ``{"datastore_type": "MySQL"}``
  -> 200 with an empty body
- ``GET /v3/{project_id}/instances?datastore_type=&offset=&limit=`` (datastore_type required; offset = records to
  skip, default 0; limit default 20, max 200) -> ``{"instance_list": [DASInstanceInfo], "total_count": N}``
- errors: HTTP 400 ``{"error_code": "DAS.2001xx", "error_msg": "..."}``: DAS.200002 frequent requests,
  DAS.200100 invalid parameter, DAS.200107 invalid datastore_type, DAS.200114 invalid instance_id;
  DAS.200051 authentication failed.
- optional header ``X-Language: en-us|zh-cn``.

UNVERIFIED, and chosen here: logging off an account that is not logged in answers 200 (a no-op); logging in twice
answers the same ``db_user_id``; an unknown or foreign instance answers DAS.200114; the list accepts the engine types
below and answers DAS.200107 for others; a path project that is not the caller's answers 403 DAS.200051.

State (seed/das.json): ``{"projects": {"<project id>": {"instances": [instance, ...]}}}``; an instance holds the
DASInstanceInfo fields plus ``builtin_account: {"logged_in": bool, "db_user_id": str|null}``.
Control values (POST /_emulator/control/das): ``frequent_requests: N`` answers the next N built-in account calls with
DAS.200002 (the request is not executed).
Control hook ``add_instances`` ({"project_id", "count", "prefix": "rds-bulk-", "engine_type": "MySQL"}) appends generated
instances to a project (large estates for discovery tests).
"""

import re
import uuid

from ..core import ApiError, HuaweiService

SERVICE = HuaweiService('das')

BUILTIN_DATASTORE_TYPES = ('MySQL',)
LIST_DATASTORE_TYPES = ('MySQL', 'PostgreSQL', 'SQLServer', 'TaurusDB')
LANGUAGES = ('en-us', 'zh-cn')
LIST_DEFAULT_LIMIT, LIST_MAX_LIMIT = 20, 200
INSTANCE_ID_RE = re.compile(r'^[A-Za-z0-9]{32,36}$')

INSTANCE_DEFAULTS = {
    'instance_status': 'ACTIVE', 'version': '8.0', 'engine_type': 'MySQL', 'ip': '192.168.0.10', 'port': 3306, 'cpu': 2, 'mem': 8,
    'login_flag': False, 'slow_sql_flag': False, 'deadlock_flag': False, 'lock_blocking_flag': False, 'charge_flag': False,
    'full_sql_flag': False,
}
PUBLIC_FIELDS = ('instance_id', 'instance_name', 'instance_status', 'version', 'engine_type', 'ip', 'port', 'cpu', 'mem', 'login_flag',
                 'slow_sql_flag', 'deadlock_flag', 'lock_blocking_flag', 'charge_flag', 'full_sql_flag')


def seed_defaults(state):
    """Instances in a seed need only instance_id (and usually instance_name); the rest gets plausible defaults."""
    for project in state.setdefault('projects', {}).values():
        for item in project.setdefault('instances', []):
            item.setdefault('instance_name', 'rds-' + item['instance_id'][:8])
            for key, value in INSTANCE_DEFAULTS.items():
                item.setdefault(key, value)
            account = item.setdefault('builtin_account', {})
            account.setdefault('logged_in', False)
            account.setdefault('db_user_id', None)


def invalid_parameter(name):
    return ApiError(400, 'DAS.200100', f'Invalid parameter: {name}.')


def invalid_datastore_type():
    return ApiError(400, 'DAS.200107', 'Invalid datastore_type.')


def invalid_instance_id():
    return ApiError(400, 'DAS.200114', 'Invalid instance_id.')


def _check_common(ctx, project_id):
    """The caller's project (X-Project-Id, else a known project) and the X-Language header."""
    caller = ctx.project_id
    known = {p['id'] for p in ((ctx.states or {}).get('iam') or {}).get('projects', [])} | set(ctx.state['projects'])
    if (caller and caller != project_id) or (not caller and project_id not in known):
        raise ApiError(403, 'DAS.200051', 'Authentication failed: the project in the path is not the project of the credentials.')
    language = ctx.headers.get('X-Language')
    if language is not None and language not in LANGUAGES:
        raise invalid_parameter('X-Language')


def _instances(ctx, project_id):
    return ctx.state['projects'].get(project_id, {}).get('instances', [])


def _int_param(ctx, name, default, low, high):
    raw = ctx.query.get(name)
    if raw is None or raw == '':
        return default
    try:
        value = int(raw)
    except ValueError:
        raise invalid_parameter(name) from None
    if not low <= value <= high:
        raise invalid_parameter(name)
    return value


@SERVICE.route('GET', '/v3/{project_id}/instances', operation='ListCloudDbaInstances')
def list_cloud_dba_instances(ctx, project_id):
    _check_common(ctx, project_id)
    datastore_type = ctx.query.get('datastore_type')
    if not datastore_type:
        raise invalid_parameter('datastore_type')
    if datastore_type not in LIST_DATASTORE_TYPES:
        raise invalid_datastore_type()
    offset = _int_param(ctx, 'offset', 0, 0, 2 ** 31 - 1)
    limit = _int_param(ctx, 'limit', LIST_DEFAULT_LIMIT, 1, LIST_MAX_LIMIT)
    matching = [item for item in _instances(ctx, project_id) if item['engine_type'] == datastore_type]
    page = [{key: item[key] for key in PUBLIC_FIELDS} for item in matching[offset:offset + limit]]
    return 200, {'instance_list': page, 'total_count': len(matching)}


def _builtin_target(ctx, project_id, instance_id):
    """Checks shared by log-in and log-off; returns the instance."""
    _check_common(ctx, project_id)
    body = ctx.json
    if not isinstance(body, dict):
        raise invalid_parameter('body')
    datastore_type = body.get('datastore_type')
    if not isinstance(datastore_type, str) or not 1 <= len(datastore_type) <= 1024:
        raise invalid_parameter('datastore_type')
    if datastore_type not in BUILTIN_DATASTORE_TYPES:
        raise invalid_datastore_type()
    if not INSTANCE_ID_RE.match(instance_id):
        raise invalid_instance_id()
    instance = next((item for item in _instances(ctx, project_id) if item['instance_id'] == instance_id), None)
    if instance is None or instance['engine_type'] != datastore_type:
        raise invalid_instance_id()
    frequent = ctx.control.get('frequent_requests') or 0
    if frequent > 0:
        ctx.control['frequent_requests'] = frequent - 1
        raise ApiError(400, 'DAS.200002', 'Frequent requests. Try again later.')
    return instance


@SERVICE.route('POST', '/v3/{project_id}/instances/{instance_id}/login-built-in-account', operation='LoginBuiltInAccount', write=True)
def login_built_in_account(ctx, project_id, instance_id):
    account = _builtin_target(ctx, project_id, instance_id)['builtin_account']
    if not account['logged_in'] or not account['db_user_id']:
        account['logged_in'], account['db_user_id'] = True, account['db_user_id'] or str(uuid.uuid4())
    return 200, {'db_user_id': account['db_user_id']}


@SERVICE.route('POST', '/v3/{project_id}/instances/{instance_id}/logoff-built-in-account', operation='LogoffBuiltInAccount', write=True)
def logoff_built_in_account(ctx, project_id, instance_id):
    account = _builtin_target(ctx, project_id, instance_id)['builtin_account']
    account['logged_in'], account['db_user_id'] = False, None
    return 200, ''


@SERVICE.control('set_builtin_account')
def set_builtin_account(state, control, body):
    """Demo/test hook: {"project_id", "instance_id", "logged_in", "db_user_id"?} sets an instance's built-in account state."""
    body = body or {}
    project = state['projects'].get(body.get('project_id'), {})
    for item in project.get('instances', []):
        if item['instance_id'] == body.get('instance_id'):
            item['builtin_account'] = {'logged_in': bool(body.get('logged_in')),
                                       'db_user_id': body.get('db_user_id') or (str(uuid.uuid4()) if body.get('logged_in') else None)}
            return item['builtin_account']
    raise LookupError(f'no instance {body.get("instance_id")!r} in project {body.get("project_id")!r}')


@SERVICE.control('add_instances')
def add_instances(state, control, body):  # pylint: disable=unused-argument
    """Append ``count`` generated instances (ids: 32 hex digits + "in01", names ``prefix`` + number) to ``project_id``."""
    body = body or {}
    project_id, count = body.get('project_id'), body.get('count', 1)
    if not isinstance(project_id, str) or not project_id:
        raise ValueError('project_id is required')
    if not isinstance(count, int) or not 0 <= count <= 10000:
        raise ValueError('count must be an integer from 0 to 10000')
    prefix, engine = body.get('prefix', 'rds-bulk-'), body.get('engine_type', 'MySQL')
    instances = state['projects'].setdefault(project_id, {}).setdefault('instances', [])
    start = len(instances)
    for number in range(start + 1, start + count + 1):
        instances.append({'instance_id': uuid.uuid5(uuid.NAMESPACE_URL, f'das/{project_id}/{prefix}{number}').hex + 'in01',
                          'instance_name': f'{prefix}{number:04d}', 'engine_type': engine})
    seed_defaults(state)
    return {'count': len(instances)}
