"""Huawei Cloud DDM (Distributed Database Middleware): instance detail and accounts.

Facts from the SDK huaweicloudsdkddm 3.1.219 and the Huawei and OTC DDM API references:
- V3 account API: list / create / modify / delete / reset password, synchronous, empty success bodies;
  V1 list (ms-epoch times, page envelope); instance detail V1 (flat) and V3 (``{"instances": [...]}``).
- Error body of the V3 APIs ``{"error_code": "DBS.xxxxxx", "error_msg": "..."}``, of the V1/V2 APIs
  ``{"errCode": "DBS.xxxxxx", "externalMessage": "..."}`` (DDM API reference, "Abnormal Request Results",
  https://support.huaweicloud.com/intl/en-us/api-ddm/ddm_api_01_0059.html); codes: DBS.280001 parameter error,
  DBS.300300/300301/300302 create/update/delete failed, DBS.300305/306/307/309 invalid name/password/description/privileges,
  DBS.300311 exists, DBS.300327 does not exist,
  409 DBS.200019/DBS.212033 another operation in progress (retryable).
- At most 100 accounts per instance; list ``limit`` 1..128 (V3 default 10, V1 default 128).

Emulator choices where the reference says UNVERIFIED (kept in one place, so that they are easy to revisit):
- an unknown instance answers 404 DBS.280001 (no documented code);
- create/modify naming a schema the instance does not have answers 400 DBS.300300 / DBS.300301 (the documented
  "failed to create/update the account" codes whose solution is "ensure that the ... schema ... exist");
- the 101st account answers 400 DBS.300300 with a quota message;
- ``"databases": []`` in a modify call clears the associations (the collection never sends it);
- a write to an instance that is not RUNNING answers 409 DBS.200019;
- the path project must be the caller's (X-Project-Id when sent) and a known IAM project, else 401 APIGW.0301.

Passwords are kept only as SHA-256 digests (``password_sha256``), so the state endpoint never shows one.
The control hook ``make_busy`` ({"instance_id": "*" or an id, "count": N, "code": "DBS.200019"}) makes the next N
writes to the instance answer 409 with that code.

Instance list (discovery): ``GET /v1/{project_id}/instances?offset=&limit=`` (Huawei API page "Querying DDM Instances";
SDK ListInstancesRequest/ShowInstanceBeanResponse): ``offset`` >= 0 (default 0), ``limit`` 1..128 (default 10) ->
``{"instances": [...], "instance_num", "page_no", "page_size", "total_record", "total_page"}``. The documentation
describes ``offset`` both as an index offset and as "which page"; the emulator treats it as the number of records to skip
(the intl page's example and the Terraform pager). The control hook ``add_instances`` ({"project_id", "count",
"prefix": "ddm-bulk-", "status": "RUNNING"}) appends that many generated instances (large estates for paging tests).
"""

import calendar
import hashlib
import re
import time

from ..core import ApiError, GatewayError, HuaweiService


def _error_style(ctx):
    """V3 APIs answer error_code/error_msg, V1 and V2 APIs errCode/externalMessage."""
    return 'error_code' if ctx.route_path.startswith('/v3/') else 'errCode'


SERVICE = HuaweiService('ddm', error_style=_error_style, param_error=('DBS.280001', 'Parameter error.'))

PRIVILEGES = ('CREATE', 'DROP', 'ALTER', 'INDEX', 'INSERT', 'DELETE', 'UPDATE', 'SELECT')
NAME_RE = re.compile(r'[A-Za-z][A-Za-z0-9_]{0,31}\Z')
PASSWORD_SPECIALS = set('~!@#%^*-_+?')
# the service refuses "simple, weak, easily guessed" passwords; the real list is not public, these stand in for it
WEAK_PASSWORDS = frozenset(('Admin@123', 'Admin_123', 'Password1!', 'P@ssw0rd', 'Qwer1234!', 'Huawei@123', 'Root@1234'))
MAX_ACCOUNTS = 100
BUSY_CODES = ('DBS.200019', 'DBS.212033')
BUSY_MESSAGES = {
    'DBS.200019': 'Another operation is being performed on the DB instance or the DB instance is faulty. Try again later.',
    'DBS.212033': 'Other operations are in progress on the instance. Try again later.',
}
TIME_FORMAT = '%Y-%m-%dT%H:%M:%S%z'


def param_error(detail=None):
    return ApiError(400, 'DBS.280001', 'Parameter error.' + (f' {detail}' if detail else ''))


def _now():
    return time.strftime('%Y-%m-%dT%H:%M:%S+0000', time.gmtime())


def _epoch_ms(text):
    """V3 time text (yyyy-mm-ddThh:mm:ss+hhmm) -> V1 UNIX milliseconds."""
    if not text:
        return None
    parsed = time.strptime(text, TIME_FORMAT)
    return (calendar.timegm(parsed) - (parsed.tm_gmtoff or 0)) * 1000


def digest(password):
    return hashlib.sha256(password.encode('utf-8')).hexdigest()


def seed_defaults(state):
    """Seed files give instances with schemas and users; the rest gets realistic defaults."""
    for instance in state.setdefault('instances', []):
        instance.setdefault('status', 'RUNNING')
        instance.setdefault('schemas', [])
        instance.setdefault('users', [])
        instance.setdefault('created', '2023-11-02T03:15:27+0000')
        instance.setdefault('updated', instance['created'])
        instance.setdefault('engine_version', '3.1.0')
        instance.setdefault('node_count', 2)
        instance.setdefault('admin_user_name', 'root')
        for user in instance['users']:
            user.setdefault('status', 'RUNNING')
            user.setdefault('description', '')
            user.setdefault('databases', [])
            user.setdefault('created', instance['created'])
            user.setdefault('password_last_changed', user['created'])
            user.setdefault('password_sha256', digest(user.pop('password', 'Seeded-Password-1')))


# --- shared checks -------------------------------------------------------------------------------------

def _instance(ctx, project_id, instance_id):
    known = {project['id'] for project in (ctx.states.get('iam') or {}).get('projects', [])}
    if (ctx.project_id and ctx.project_id != project_id) or (known and project_id not in known):
        raise GatewayError(401, 'APIGW.0301', 'Incorrect IAM authentication information: the project in the path is not the caller\'s project')
    for instance in ctx.state['instances']:
        if instance['id'] == instance_id and instance.get('project_id', project_id) == project_id:
            return instance
    raise ApiError(404, 'DBS.280001', f'Parameter error. The DDM instance {instance_id} does not exist.')


def _writable(ctx, instance):
    """Busy knob first (set by make_busy), then the instance status."""
    busy = ctx.control.setdefault('busy', {})
    for key in (instance['id'], '*'):
        knob = busy.get(key)
        if knob and knob.get('count', 0) > 0:
            knob['count'] -= 1
            code = knob.get('code') or 'DBS.200019'
            raise ApiError(409, code, BUSY_MESSAGES.get(code, BUSY_MESSAGES['DBS.200019']))
    if instance['status'] != 'RUNNING':
        raise ApiError(409, 'DBS.200019', BUSY_MESSAGES['DBS.200019'])


def _user(instance, name):
    for user in instance['users']:
        if user['name'] == name:
            return user
    raise ApiError(400, 'DBS.300327', 'The account does not exist.')


def _paging(ctx, default_limit):
    try:
        offset = int(ctx.query.get('offset', 0))
        limit = int(ctx.query.get('limit', default_limit))
    except ValueError as exc:
        raise param_error('offset and limit must be integers.') from exc
    if offset < 0 or not 1 <= limit <= 128:
        raise param_error('offset must be >= 0 and limit 1 to 128.')
    return offset, limit


def _check_password(password, name):
    if not isinstance(password, str):
        raise ApiError(400, 'DBS.300306', 'The account password is invalid.')
    kinds = [any(c.islower() for c in password), any(c.isupper() for c in password), any(c.isdigit() for c in password),
             any(c in PASSWORD_SPECIALS for c in password)]
    allowed = all((c.isascii() and c.isalnum()) or c in PASSWORD_SPECIALS for c in password)
    if (not 8 <= len(password) <= 32 or sum(kinds) < 3 or not allowed or password in (name, name[::-1])
            or password in WEAK_PASSWORDS):
        raise ApiError(400, 'DBS.300306', 'The account password is invalid.')


def _check_fields(body, instance, failure_code):
    """Validate the optional fields common to create and modify; returns the schema names of ``databases``."""
    if 'base_authority' in body:
        value = body['base_authority']
        if not isinstance(value, list) or not all(isinstance(v, str) and v in PRIVILEGES for v in value):
            raise ApiError(400, 'DBS.300309', 'The account basic permissions are invalid.')
    if 'description' in body and body['description'] is not None:
        if not isinstance(body['description'], str) or len(body['description']) > 256:
            raise ApiError(400, 'DBS.300307', 'The account description is invalid.')
    if 'password_lifetime' in body and body['password_lifetime'] is not None:
        value = body['password_lifetime']
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 65535:
            raise param_error('password_lifetime must be an integer from 0 to 65535.')
    names = None
    if 'databases' in body and body['databases'] is not None:
        items = body['databases']
        if not isinstance(items, list) or not all(isinstance(i, dict) and isinstance(i.get('name'), str) and i['name'] for i in items):
            raise param_error('databases must be a list of {"name": <schema>}.')
        names = []
        for item in items:
            if item['name'] not in instance['schemas']:
                message = 'Failed to create a DDM account' if failure_code == 'DBS.300300' else 'Failed to update the account.'
                raise ApiError(400, failure_code, f'{message} The schema {item["name"]} does not exist.')
            if item['name'] not in names:
                names.append(item['name'])
    return names


def _view_v3(user):
    view = {key: user[key] for key in ('name', 'status', 'base_authority', 'description', 'created', 'password_last_changed')}
    view['databases'] = [{'name': name} for name in user['databases']]
    if user.get('password_lifetime') is not None:
        view['password_lifetime'] = user['password_lifetime']
    return view


def _view_v1(user, instance):
    descriptions = {name: '' for name in instance['schemas']}
    return {'name': user['name'], 'status': user['status'], 'base_authority': list(user['base_authority']),
            'description': user['description'], 'created': _epoch_ms(user['created']),
            'password_last_changed': _epoch_ms(user['password_last_changed']),
            'databases': [{'name': name, 'description': descriptions.get(name, '')} for name in user['databases']]}


# --- instance detail -------------------------------------------------------------------------------------

@SERVICE.route('GET', '/v1/{project_id}/instances/{instance_id}', operation='ShowInstance')
def show_instance(ctx, project_id, instance_id):
    instance = _instance(ctx, project_id, instance_id)
    return 200, {
        'id': instance['id'], 'status': instance['status'], 'name': instance['name'], 'created': instance['created'],
        'updated': instance['updated'], 'available_zone': instance.get('available_zone', 'cn-north-4a'),
        'vpc_id': instance.get('vpc_id', ''), 'subnet_id': instance.get('subnet_id', ''),
        'security_group_id': instance.get('security_group_id', ''), 'node_count': instance['node_count'],
        'access_ip': instance.get('access_ip', '192.168.0.10'), 'access_port': '5066', 'node_status': 'RUNNING',
        'core_count': '4', 'ram_capacity': '8', 'error_msg': None, 'project_id': project_id, 'order_id': None,
        'enterprise_project_id': '0', 'engine_version': instance['engine_version'], 'nodes': [],
        'admin_user_name': instance['admin_user_name'], 'enable_ssl': False, 'flavor_ref': 'ddm.4xlarge.2',
    }


@SERVICE.route('GET', '/v3/{project_id}/instances/{instance_id}', operation='ShowDdmDetail')
def show_ddm_detail(ctx, project_id, instance_id):
    instance = _instance(ctx, project_id, instance_id)
    return 200, {'instances': [{
        'id': instance['id'], 'name': instance['name'], 'alias': instance.get('alias', ''), 'project_id': project_id,
        'cluster_mode': 'Single', 'status': instance['status'], 'datastore_version': instance['engine_version'],
        'datastore_type': 'DDM', 'create_at': instance['created'], 'update_at': instance['updated'],
        'port': '5066', 'time_zone': 'UTC+08:00', 'pay_model': '0', 'is_frozen': False,
        'admin_user_name': instance['admin_user_name'], 'enable_ssl': 0,
    }]}


def _list_item(instance, project_id):
    return {
        'id': instance['id'], 'status': instance['status'], 'name': instance['name'], 'created': instance['created'],
        'updated': instance['updated'], 'available_zone': instance.get('available_zone', 'cn-north-4a'),
        'vpc_id': instance.get('vpc_id', ''), 'subnet_id': instance.get('subnet_id', ''),
        'security_group_id': instance.get('security_group_id', ''), 'node_count': instance['node_count'],
        'access_ip': instance.get('access_ip', '192.168.0.10'), 'access_port': '5066', 'core_count': '4', 'ram_capacity': '8',
        'node_status': 'RUNNING', 'enterprise_project_id': instance.get('enterprise_project_id', '0'), 'project_id': project_id,
        'engine_version': instance['engine_version'],
    }


@SERVICE.route('GET', '/v1/{project_id}/instances', operation='ListInstances')
def list_instances(ctx, project_id):
    known = {project['id'] for project in (ctx.states.get('iam') or {}).get('projects', [])}
    if (ctx.project_id and ctx.project_id != project_id) or (known and project_id not in known):
        raise GatewayError(401, 'APIGW.0301', 'Incorrect IAM authentication information: the project in the path is not the caller\'s project')
    offset, limit = _paging(ctx, 10)
    mine = [instance for instance in ctx.state['instances'] if instance.get('project_id') == project_id]
    page = mine[offset:offset + limit]
    return 200, {'instances': [_list_item(instance, project_id) for instance in page], 'instance_num': len(mine),
                 'page_no': offset // limit + 1, 'page_size': len(page), 'total_record': len(mine),
                 'total_page': (len(mine) + limit - 1) // limit}


# --- accounts ------------------------------------------------------------------------------------------------

@SERVICE.route('GET', '/v3/{project_id}/instances/{instance_id}/users', operation='ListDdmUsers')
def list_users_v3(ctx, project_id, instance_id):
    instance = _instance(ctx, project_id, instance_id)
    offset, limit = _paging(ctx, 10)
    users = instance['users']
    return 200, {'users': [_view_v3(u) for u in users[offset:offset + limit]], 'offset': offset, 'limit': limit, 'total': len(users)}


@SERVICE.route('GET', '/v1/{project_id}/instances/{instance_id}/users', operation='ListUsers')
def list_users_v1(ctx, project_id, instance_id):
    instance = _instance(ctx, project_id, instance_id)
    offset, limit = _paging(ctx, 128)
    users = instance['users']
    return 200, {'users': [_view_v1(u, instance) for u in users[offset:offset + limit]], 'page_no': offset // limit + 1,
                 'page_size': limit, 'total_record': len(users), 'total_page': (len(users) + limit - 1) // limit}


@SERVICE.route('POST', '/v3/{project_id}/instances/{instance_id}/users', operation='CreateDdmUser', write=True)
def create_user(ctx, project_id, instance_id):
    instance = _instance(ctx, project_id, instance_id)
    body = ctx.require_json()
    _writable(ctx, instance)
    name = body.get('name')
    if not isinstance(name, str) or not NAME_RE.match(name):
        raise ApiError(400, 'DBS.300305', 'Invalid DDM account name.')
    _check_password(body.get('password'), name)
    if 'base_authority' not in body:
        raise ApiError(400, 'DBS.300309', 'The account basic permissions are invalid.')
    names = _check_fields(body, instance, 'DBS.300300')
    if any(user['name'] == name for user in instance['users']):
        raise ApiError(400, 'DBS.300311', 'The account already exists.')
    if len(instance['users']) >= MAX_ACCOUNTS:
        raise ApiError(400, 'DBS.300300', f'Failed to create a DDM account. An instance can have at most {MAX_ACCOUNTS} accounts.')
    now = _now()
    user = {'name': name, 'status': 'RUNNING', 'base_authority': list(dict.fromkeys(body['base_authority'])),
            'description': body.get('description') or '', 'databases': names or [], 'created': now, 'password_last_changed': now,
            'password_sha256': digest(body['password'])}
    if body.get('password_lifetime') is not None:
        user['password_lifetime'] = body['password_lifetime']
    instance['users'].append(user)
    return 200, {}


@SERVICE.route('PUT', '/v3/{project_id}/instances/{instance_id}/users/{username}', operation='UpdateDdmUser', write=True)
def update_user(ctx, project_id, instance_id, username):
    instance = _instance(ctx, project_id, instance_id)
    body = ctx.require_json()
    _writable(ctx, instance)
    if not any(body.get(key) is not None for key in ('base_authority', 'description', 'databases', 'password_lifetime')):
        raise param_error('At least one of base_authority, description, databases and password_lifetime is required.')
    user = _user(instance, username)
    names = _check_fields(body, instance, 'DBS.300301')
    if body.get('base_authority') is not None:
        user['base_authority'] = list(dict.fromkeys(body['base_authority']))
    if body.get('description') is not None:
        user['description'] = body['description']
    if body.get('password_lifetime') is not None:
        user['password_lifetime'] = body['password_lifetime']
    if names is not None:
        user['databases'] = names  # replace, not merge (UpdateDdmUser sets the associated schemas)
    return 200, {}


@SERVICE.route('DELETE', '/v3/{project_id}/instances/{instance_id}/users/{username}', operation='DeleteDdmUser', write=True)
def delete_user(ctx, project_id, instance_id, username):
    instance = _instance(ctx, project_id, instance_id)
    _writable(ctx, instance)
    user = _user(instance, username)
    instance['users'].remove(user)
    return 200, {}


@SERVICE.route('POST', '/v3/{project_id}/instances/{instance_id}/users/{username}/password', operation='ResetDdmUserPassword', write=True)
def reset_password(ctx, project_id, instance_id, username):
    instance = _instance(ctx, project_id, instance_id)
    body = ctx.require_json()
    _writable(ctx, instance)
    user = _user(instance, username)
    _check_password(body.get('password'), username)
    user['password_sha256'] = digest(body['password'])
    user['password_last_changed'] = _now()
    return 200, {}


# --- control -------------------------------------------------------------------------------------------------

@SERVICE.control('make_busy')
def make_busy(state, control, body):
    """The next ``count`` writes to ``instance_id`` ('*' = any) answer 409 ``code`` (DBS.200019 or DBS.212033)."""
    body = body or {}
    code = body.get('code', 'DBS.200019')
    count = body.get('count', 1)
    if code not in BUSY_CODES:
        raise ValueError(f'code must be one of {", ".join(BUSY_CODES)}')
    if not isinstance(count, int) or count < 0:
        raise ValueError('count must be an integer >= 0')
    instance_id = body.get('instance_id', '*')
    if instance_id != '*' and not any(i['id'] == instance_id for i in state['instances']):
        raise LookupError(f'no DDM instance {instance_id!r}')
    control.setdefault('busy', {})[instance_id] = {'count': count, 'code': code}
    return {'busy': control['busy']}


@SERVICE.control('add_instances')
def add_instances(state, control, body):
    """Append ``count`` generated instances to ``project_id`` (ids: 32 hex digits + "in09", names ``prefix`` + number)."""
    body = body or {}
    project_id, count = body.get('project_id'), body.get('count', 1)
    prefix, status = body.get('prefix', 'ddm-bulk-'), body.get('status', 'RUNNING')
    if not isinstance(project_id, str) or not project_id:
        raise ValueError('project_id is required')
    if not isinstance(count, int) or not 0 <= count <= 10000:
        raise ValueError('count must be an integer from 0 to 10000')
    start = sum(1 for instance in state['instances'] if instance.get('project_id') == project_id)
    for number in range(start + 1, start + count + 1):
        ident = hashlib.md5(f'{project_id}/{prefix}{number}'.encode()).hexdigest() + 'in09'  # nosec - an id, not security
        state['instances'].append({'id': ident, 'project_id': project_id, 'name': f'{prefix}{number:04d}', 'status': status,
                                   'schemas': [], 'users': []})
    seed_defaults(state)
    return {'count': sum(1 for instance in state['instances'] if instance.get('project_id') == project_id)}
