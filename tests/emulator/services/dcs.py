"""Huawei Cloud DCS (Distributed Cache Service, Redis): ACL accounts, the job query and the instance detail.

Facts from the SDK huaweicloudsdkdcs 3.1.219, the DCS API reference (https://support.huaweicloud.com/eu/api-dcs/CreateAclAccount.html), the
Terraform provider):

- ``GET    /v2/{project_id}/instances/{instance_id}/accounts`` -> 200 ``{"accounts": [AclAccountResp]}`` (no paging,
  no filter); ``AclAccountResp``: account_id, account_name, account_type (normal|default), instance_id, status,
  account_role (read|write), description, error_code (always null), account_read_policy (current docs, not in the SDK).
- ``POST   .../accounts`` ``{account_name, account_role, account_password, description?}`` -> 200, no fields; the account
  is ``CREATING``, then ``AVAILABLE`` (or ``CREATEFAILED``).
- ``PUT    .../accounts/{account_id}/role`` ``{account_role?, account_read_policy?}`` -> 200 ``{instance_id, job_id}``;
  the account is ``UPDATING``, then ``AVAILABLE`` (or ``ERROR``).
- ``PUT    .../accounts/{account_id}`` ``{description}`` -> 204 (synchronous).
- ``PUT    .../accounts/{account_id}/password/reset`` ``{new_password, old_password?}`` -> 200
  ``{code, message, lock_time, lock_time_left, retry_times_left}``; the account is ``UPDATING``, then ``AVAILABLE``.
- ``DELETE .../accounts/{account_id}`` -> 200, no fields; normal accounts only; ``DELETING``, then gone.
- ``GET    /v2/{project_id}/jobs/{job_id}`` -> ``{job_id, job_type, status: INIT|RUNNING|SUCCESS|FAIL, begin_time,
  end_time, fail_reason}`` (times: ms-epoch strings).
- ``GET    /v2/{project_id}/instances/{instance_id}`` -> the instance (``status`` RUNNING, CREATING, CREATEFAILED,
  ERROR, RESTARTING, EXTENDING, RESTORING, FROZEN ...).
- Rules: names 1-64, start with a letter, letters/digits/``-``/``_``; passwords 8-64, >= 3 of lower/upper/digit/special
  (`` `~!@#$%^&*()-_=+\\|{},<.>/? ``: the SDK's CreateAclAccount / ResetAclAccountPassWord field docs and the
  Chinese API reference list the backslash), no ``:``, not containing the name forwards or backwards; description <= 1024.
- Errors: ``{"error_code": "DCS.xxxx", "error_msg": ..., "error_ext_msg": null}``; instance busy: 400 ``DCS.4026``
  (operation not allowed in the current state), ``DCS.4049`` (instance not running) and the other busy codes.

UNVERIFIED, and chosen here (kept in one place, so that they are easy to revisit):
- error codes without a documented value: invalid parameter 400 ``DCS.4961`` (the example code of the role-change page),
  unknown instance 404 ``DCS.4800``, unknown account 404 ``DCS.4962``, name taken 400 ``DCS.4963``, unknown job 404 ``DCS.4964``;
- a write to an account that is not AVAILABLE (or ERROR), or to an instance that is not RUNNING, answers 400 ``DCS.4026``
  / ``DCS.4049`` (the documented busy codes);
- while a role change runs the list shows the new values with status UPDATING; a change that fails reverts them
  (status ERROR, job FAIL with ``fail_reason``);
- the role-change job is queryable through the job API, ``job_type`` ``modifyAclAccountRole``;
- the password reset answers ``code`` ``"0"``, ``message`` ``"success"``;
- the default account cannot be deleted (400 DCS.4961); its role may be changed (the API docs say nothing);
- ``account_read_policy`` is accepted on every instance (the docs limit its effect to read/write splitting instances);
  the SDK's account model has no such field, so an instance may be switched to a mode where the list omits it
  (control hook ``omit_read_policy``, or ``"omit_read_policy": true`` on a seed instance); writes still accept it;
- the path project must be the caller's (X-Project-Id when sent) and a known IAM project, else 401 APIGW.0301.

Asynchronous changes last a configurable number of requests to the instance or seconds. Control values
(``POST /_emulator/control/dcs``): ``async_reads`` (default 2: the account shows the pending status on the next 2
requests touching the instance, the 3rd sees the result) or ``async_seconds`` (when > 0, by time instead).
Control hooks (``POST /_emulator/control/dcs/<hook>``):
- ``make_busy`` ``{"instance_id": "*" or an id, "count": N, "code": "DCS.4026"}``: the next N writes answer 400 that code;
- ``fail_next`` ``{"instance_id": "*" or an id, "kind": "role"|"password"|"create"|"delete", "reason": "..."}``: the
  next such change ends in ERROR (CREATEFAILED / DELETEFAILED for create / delete);
- ``set_instance_status`` ``{"instance_id", "status", "reads": N}``: the instance has that status, for the next N
  requests to it when ``reads`` is given (then RUNNING again);
- ``omit_read_policy`` ``{"instance_id": "*" or an id, "omit": true|false}``: the account list of the instance omits
  (or shows again) ``account_read_policy``, as an API following the SDK's account model would.
Passwords are kept only as SHA-256 digests (``password_sha256``), so the state endpoint never shows one.

Instance list (discovery): ``GET /v2/{project_id}/instances?offset=&limit=&name=&name_equal=&status=&instance_id=&tags=``
(Huawei API page "Querying All DCS Instances"; SDK ListInstancesRequest/InstanceListInfo): ``offset`` >= 0 (default 0),
``limit`` 1..1000 (default 10) -> ``{"instance_num": N, "instances": [InstanceListInfo]}``; ``name`` matches a part of
the name unless ``name_equal=true``; ``tags`` is ``key=value[,key=value...]`` (every pair must match; a key without
``=value`` matches any value). ``features.support_acl``: emulator choice (UNVERIFIED): true for Redis 4.0 and later, false
for Redis 3.0 and Memcached, unless the instance sets ``support_acl``. Control hook ``add_instances`` ({"project_id",
"count", "prefix": "redis-bulk-", "engine": "Redis", "engine_version": "5.0", "tags": [{"key", "value"}]}) appends
generated instances.
"""

import hashlib
import re
import time
import uuid

from ..core import ApiError, GatewayError, HuaweiService

SERVICE = HuaweiService('dcs', error_extra={'error_ext_msg': None}, param_error=('DCS.4961', 'Invalid request parameter.'))

ROLES = ('read', 'write')
READ_POLICIES = ('master', 'replica', 'master-replica')
NAME_RE = re.compile(r'[A-Za-z][A-Za-z0-9_-]{0,63}\Z')
PASSWORD_SPECIALS = set('`~!@#$%^&*()-_=+\\|{},<.>/?')
DESCRIPTION_MAX = 1024
BUSY_MESSAGES = {
    'DCS.4026': 'This operation is not allowed in the current instance state.',
    'DCS.4049': 'The instance status is not running.',
    'DCS.4096': 'The instance is being backed up.',
    'DCS.4097': 'The instance is being restored.',
    'DCS.4111': 'The instance is restarting.',
    'DCS.4113': 'The instance specification is being modified.',
    'DCS.4114': 'The instance configuration is being modified.',
    'DCS.4115': 'The instance password is being changed.',
    'DCS.4116': 'The instance is being upgraded.',
    'DCS.4117': 'The instance is being rolled back.',
    'DCS.4118': 'The instance is being created.',
    'DCS.4120': 'The instance is frozen.',
    'DCS.4121': 'The instance password is being reset.',
    'DCS.4231': 'Offline key analysis is in progress.',
    'DCS.4975': 'The instance is being created or restarted.',
}
FAIL_KINDS = {'role': 'ERROR', 'password': 'ERROR', 'create': 'CREATEFAILED', 'delete': 'DELETEFAILED'}
DEFAULT_ASYNC_READS = 2

INSTANCE_DEFAULTS = {
    'status': 'RUNNING', 'engine': 'Redis', 'engine_version': '5.0', 'cache_mode': 'ha', 'capacity': 8, 'port': 6379,
    'ip': '192.168.0.20', 'no_password_access': 'false', 'access_user': '', 'spec_code': 'redis.ha.xu1.large.r2.8',
    'created_at': '2024-03-11T02:41:17.312Z', 'description': '', 'az_codes': ['cn-north-4a', 'cn-north-4b'],
    'vpc_id': '5e37b3be-950a-48e1-b498-65b63d336481', 'vpc_name': 'vpc-cache', 'subnet_id': 'a4112635-3ec0-471c-95c3-5cf49b9533af',
    'subnet_name': 'subnet-cache', 'subnet_cidr': '192.168.0.0/24', 'security_group_id': 'fd6d5f2e-7d3a-4e8c-9a7b-f2a3c4d5e6f7',
    'security_group_name': 'sg-cache', 'enterprise_project_id': '0', 'charging_mode': 0, 'enable_ssl': False,
    'product_type': 'generic', 'cpu_type': 'x86_64', 'storage_type': 'DRAM', 'user_id': '9a1c2b3d4e5f6a7b8c9d0e1f2a3b4c5d',
    'user_name': 'dbgov-demo',
}


def digest(password):
    return hashlib.sha256(password.encode('utf-8')).hexdigest()


def seed_defaults(state):
    """Seed instances need instance_id, name, project_id and accounts; the rest gets realistic defaults."""
    state.setdefault('jobs', {})
    for instance in state.setdefault('instances', []):
        for key, value in INSTANCE_DEFAULTS.items():
            instance.setdefault(key, value)
        instance.setdefault('max_memory', instance['capacity'] * 1024)
        instance.setdefault('used_memory', instance['capacity'] * 96)
        instance.setdefault('domain_name', f'redis-{instance["instance_id"][:8]}.dcs.huaweicloud.com')
        for account in instance.setdefault('accounts', []):
            account.setdefault('account_id', str(uuid.uuid5(uuid.NAMESPACE_URL, f'dcs/{instance["instance_id"]}/{account["account_name"]}')))
            account.setdefault('account_type', 'normal')
            account.setdefault('account_role', 'write' if account['account_type'] == 'default' else 'read')
            account.setdefault('status', 'AVAILABLE')
            account.setdefault('description', '')
            account.setdefault('account_read_policy', None)
            account.setdefault('password_sha256', digest(account.pop('password', 'Seeded-Passw0rd')))


# --- shared checks -------------------------------------------------------------------------------------

def param_error(detail):
    return ApiError(400, 'DCS.4961', f'Invalid request parameter: {detail}')


def _now_ms():
    return str(int(time.time() * 1000))


def _check_project(ctx, project_id):
    known = {project['id'] for project in (ctx.states.get('iam') or {}).get('projects', [])}
    if (ctx.project_id and ctx.project_id != project_id) or (known and project_id not in known):
        raise GatewayError(401, 'APIGW.0301', 'Incorrect IAM authentication information: the project in the path is not the caller\'s project')


def _instance(ctx, project_id, instance_id):
    """The instance (after advancing its pending changes by one request), or 404."""
    _check_project(ctx, project_id)
    for instance in ctx.state['instances']:
        if instance['instance_id'] == instance_id and instance['project_id'] == project_id:
            _tick(ctx, instance)
            return instance
    raise ApiError(404, 'DCS.4800', f'The instance {instance_id} does not exist.')


def _account(instance, account_id):
    for account in instance['accounts']:
        if account['account_id'] == account_id:
            return account
    raise ApiError(404, 'DCS.4962', f'The ACL account {account_id} does not exist.')


def _writable(ctx, instance, account=None):
    """Busy knob first (make_busy), then the instance status, then the account status."""
    busy = ctx.control.setdefault('busy', {})
    for key in (instance['instance_id'], '*'):
        knob = busy.get(key)
        if knob and knob.get('count', 0) > 0:
            knob['count'] -= 1
            raise ApiError(400, knob['code'], BUSY_MESSAGES[knob['code']])
    if instance['status'] != 'RUNNING':
        raise ApiError(400, 'DCS.4049', BUSY_MESSAGES['DCS.4049'])
    if account is not None and account['status'] not in ('AVAILABLE', 'ERROR'):
        raise ApiError(400, 'DCS.4026', BUSY_MESSAGES['DCS.4026'])


def _check_password(password, name):
    if not isinstance(password, str):
        raise param_error('the password is required.')
    kinds = [any(c.islower() for c in password), any(c.isupper() for c in password), any(c.isdigit() for c in password),
             any(c in PASSWORD_SPECIALS for c in password)]
    allowed = all((c.isascii() and c.isalnum()) or c in PASSWORD_SPECIALS for c in password)
    if not 8 <= len(password) <= 64 or sum(kinds) < 3 or not allowed or ':' in password or name in password or name[::-1] in password:
        raise param_error('the password does not meet the complexity requirements.')


def _check_description(body):
    description = body.get('description')
    if description is not None and (not isinstance(description, str) or len(description) > DESCRIPTION_MAX):
        raise param_error(f'the description must be a string of at most {DESCRIPTION_MAX} characters.')
    return description


def _view(account, instance):
    view = {'account_id': account['account_id'], 'account_name': account['account_name'], 'account_type': account['account_type'],
            'instance_id': instance['instance_id'], 'status': account['status'], 'account_role': account['account_role'],
            'description': account['description'], 'error_code': None, 'account_read_policy': account['account_read_policy']}
    if instance.get('omit_read_policy'):
        del view['account_read_policy']
    return view


# --- asynchronous changes ------------------------------------------------------------------------------

def _start(ctx, instance, account, kind, status, revert=None):
    """Mark ``account`` as changing (``status``) and queue the outcome; returns the job id."""
    fail = None
    knobs = ctx.control.setdefault('fail_next', {})
    for key in (f'{instance["instance_id"]}/{kind}', f'*/{kind}'):
        if key in knobs:
            fail = knobs.pop(key)
            break
    seconds = ctx.control.get('async_seconds') or 0
    job_id = uuid.uuid4().hex
    account['status'] = status
    account['_pending'] = {'kind': kind, 'job_id': job_id, 'fail': fail, 'revert': revert or {},
                           'reads': None if seconds > 0 else int(ctx.control.get('async_reads', DEFAULT_ASYNC_READS)),
                           'until': time.time() + seconds if seconds > 0 else None}
    ctx.state['jobs'][job_id] = {'job_id': job_id, 'job_type': 'modifyAclAccountRole' if kind == 'role' else f'{kind}AclAccount',
                                 'status': 'RUNNING', 'begin_time': _now_ms(), 'end_time': None, 'fail_reason': None,
                                 'instance_id': instance['instance_id'], 'account_id': account['account_id']}
    return job_id


def _tick(ctx, instance):
    """One request touched the instance: count down its pending changes and settle the finished ones."""
    status = instance.get('_status')
    if status is not None:
        if status['reads'] is not None and status['reads'] <= 0:
            instance['status'] = 'RUNNING'
            del instance['_status']
        elif status['reads'] is not None:
            status['reads'] -= 1
    for account in list(instance['accounts']):
        pending = account.get('_pending')
        if pending is None:
            continue
        if pending['until'] is not None:
            done = time.time() >= pending['until']
        else:
            done = pending['reads'] <= 0
            pending['reads'] -= 1
        if done:
            _settle(ctx, instance, account, pending)


def _settle(ctx, instance, account, pending):
    del account['_pending']
    job = ctx.state['jobs'].get(pending['job_id'])
    if job is not None:
        job['status'] = 'FAIL' if pending['fail'] else 'SUCCESS'
        job['end_time'] = _now_ms()
        job['fail_reason'] = pending['fail']
    if pending['fail']:
        account.update(pending['revert'])
        account['status'] = FAIL_KINDS[pending['kind']]
    elif pending['kind'] == 'delete':
        instance['accounts'].remove(account)
    else:
        account['status'] = 'AVAILABLE'


# --- instance and job ----------------------------------------------------------------------------------

INSTANCE_FIELDS = ('instance_id', 'name', 'engine', 'engine_version', 'status', 'cache_mode', 'capacity', 'max_memory', 'used_memory',
                   'ip', 'port', 'domain_name', 'no_password_access', 'access_user', 'spec_code', 'created_at', 'description',
                   'az_codes', 'vpc_id', 'vpc_name', 'subnet_id', 'subnet_name', 'subnet_cidr', 'security_group_id', 'security_group_name',
                   'enterprise_project_id', 'charging_mode', 'enable_ssl', 'product_type', 'cpu_type', 'storage_type', 'user_id', 'user_name')


LIST_FIELDS = ('instance_id', 'name', 'engine', 'engine_version', 'status', 'capacity', 'max_memory', 'used_memory', 'ip', 'port',
               'domain_name', 'no_password_access', 'access_user', 'spec_code', 'created_at', 'description', 'az_codes', 'vpc_id',
               'vpc_name', 'subnet_id', 'security_group_id', 'enterprise_project_id', 'charging_mode', 'enable_ssl', 'cpu_type',
               'user_id', 'user_name')


def _supports_acl(instance):
    if 'support_acl' in instance:
        return bool(instance['support_acl'])
    try:
        major = float(instance['engine_version'])
    except (TypeError, ValueError):
        return False
    return instance['engine'] == 'Redis' and major >= 4.0


def _tag_filter(raw):
    pairs = []
    for part in (raw or '').split(','):
        if part.strip():
            key, sep, value = part.partition('=')
            pairs.append((key.strip(), value.strip() if sep else None))
    return pairs


@SERVICE.route('GET', '/v2/{project_id}/instances', operation='ListInstances')
def list_instances(ctx, project_id):
    _check_project(ctx, project_id)
    try:
        offset = int(ctx.query.get('offset', 0))
        limit = int(ctx.query.get('limit', 10))
    except ValueError:
        raise param_error('offset and limit must be integers.') from None
    if offset < 0 or not 1 <= limit <= 1000:
        raise param_error('offset must be >= 0 and limit 1 to 1000.')
    name, exact = ctx.query.get('name'), ctx.query.get('name_equal', '').lower() == 'true'
    status, ident = ctx.query.get('status'), ctx.query.get('instance_id')
    wanted = _tag_filter(ctx.query.get('tags'))
    selected = []
    for instance in ctx.state['instances']:
        tags = {tag['key']: tag.get('value') for tag in instance.get('tags', [])}
        if instance['project_id'] != project_id or (ident and instance['instance_id'] != ident) or (status and instance['status'] != status):
            continue
        if name and (instance['name'] != name if exact else name not in instance['name']):
            continue
        if any(key not in tags or (value is not None and tags[key] != value) for key, value in wanted):
            continue
        selected.append(instance)
    items = []
    for instance in selected[offset:offset + limit]:
        item = {key: instance[key] for key in LIST_FIELDS if key in instance}
        item['tags'] = [dict(tag) for tag in instance.get('tags', [])]
        item['features'] = {'support_acl': _supports_acl(instance), 'support_transparent_client_ip': False, 'support_ssl': False,
                            'support_audit_log': False}
        items.append(item)
    return 200, {'instance_num': len(selected), 'instances': items}


@SERVICE.route('GET', '/v2/{project_id}/instances/{instance_id}', operation='ShowInstance')
def show_instance(ctx, project_id, instance_id):
    instance = _instance(ctx, project_id, instance_id)
    return 200, {key: instance[key] for key in INSTANCE_FIELDS}


@SERVICE.route('GET', '/v2/{project_id}/jobs/{job_id}', operation='ShowJobInfo')
def show_job(ctx, project_id, job_id):
    _check_project(ctx, project_id)
    job = ctx.state['jobs'].get(job_id)
    if job is None:
        raise ApiError(404, 'DCS.4964', f'The job {job_id} does not exist.')
    _instance(ctx, project_id, job['instance_id'])  # a job query counts as a request to its instance
    job = ctx.state['jobs'][job_id]
    return 200, {key: job[key] for key in ('job_id', 'job_type', 'status', 'begin_time', 'end_time', 'fail_reason')}


# --- accounts ------------------------------------------------------------------------------------------

@SERVICE.route('GET', '/v2/{project_id}/instances/{instance_id}/accounts', operation='ListAclAccounts')
def list_accounts(ctx, project_id, instance_id):
    instance = _instance(ctx, project_id, instance_id)
    return 200, {'accounts': [_view(account, instance) for account in instance['accounts']]}


@SERVICE.route('POST', '/v2/{project_id}/instances/{instance_id}/accounts', operation='CreateAclAccount', write=True)
def create_account(ctx, project_id, instance_id):
    instance = _instance(ctx, project_id, instance_id)
    body = ctx.require_json()
    _writable(ctx, instance)
    name, role = body.get('account_name'), body.get('account_role')
    if not isinstance(name, str) or not NAME_RE.match(name):
        raise param_error('account_name must be 1 to 64 characters, start with a letter and hold only letters, digits, "-" and "_".')
    if role not in ROLES:
        raise param_error('account_role must be read or write.')
    _check_password(body.get('account_password'), name)
    description = _check_description(body)
    if any(account['account_name'] == name for account in instance['accounts']):
        raise ApiError(400, 'DCS.4963', f'The ACL account {name} already exists.')
    account = {'account_id': str(uuid.uuid4()), 'account_name': name, 'account_type': 'normal', 'account_role': role,
               'description': description or '', 'account_read_policy': None, 'password_sha256': digest(body['account_password'])}
    instance['accounts'].append(account)
    _start(ctx, instance, account, 'create', 'CREATING')
    return 200, {}


@SERVICE.route('PUT', '/v2/{project_id}/instances/{instance_id}/accounts/{account_id}/role', operation='UpdateAclAccount', write=True)
def update_role(ctx, project_id, instance_id, account_id):
    instance = _instance(ctx, project_id, instance_id)
    body = ctx.require_json()
    account = _account(instance, account_id)
    role, policy = body.get('account_role'), body.get('account_read_policy')
    if role is None and policy is None:
        raise param_error('account_role or account_read_policy is required.')
    if role is not None and role not in ROLES:
        raise param_error('account_role must be read or write.')
    if policy is not None and policy not in READ_POLICIES:
        raise param_error('account_read_policy must be master, replica or master-replica.')
    _writable(ctx, instance, account)
    revert = {'account_role': account['account_role'], 'account_read_policy': account['account_read_policy']}
    if role is not None:
        account['account_role'] = role
    if policy is not None:
        account['account_read_policy'] = policy
    job_id = _start(ctx, instance, account, 'role', 'UPDATING', revert)
    return 200, {'instance_id': instance['instance_id'], 'job_id': job_id}


@SERVICE.route('PUT', '/v2/{project_id}/instances/{instance_id}/accounts/{account_id}', operation='UpdateAclAccountRemark', write=True)
def update_description(ctx, project_id, instance_id, account_id):
    instance = _instance(ctx, project_id, instance_id)
    body = ctx.require_json()
    account = _account(instance, account_id)
    if 'description' not in body:
        raise param_error('description is required.')
    description = _check_description(body)
    _writable(ctx, instance, account)
    account['description'] = description or ''
    return 204, None


@SERVICE.route('PUT', '/v2/{project_id}/instances/{instance_id}/accounts/{account_id}/password/reset',
               operation='ResetAclAccountPassWord', write=True)
def reset_password(ctx, project_id, instance_id, account_id):
    instance = _instance(ctx, project_id, instance_id)
    body = ctx.require_json()
    account = _account(instance, account_id)
    _check_password(body.get('new_password'), account['account_name'])
    _writable(ctx, instance, account)
    account['password_sha256'] = digest(body['new_password'])
    _start(ctx, instance, account, 'password', 'UPDATING')
    return 200, {'code': '0', 'message': 'success', 'lock_time': None, 'lock_time_left': None, 'retry_times_left': None}


@SERVICE.route('DELETE', '/v2/{project_id}/instances/{instance_id}/accounts/{account_id}', operation='DeleteAclAccount', write=True)
def delete_account(ctx, project_id, instance_id, account_id):
    instance = _instance(ctx, project_id, instance_id)
    account = _account(instance, account_id)
    if account['account_type'] != 'normal':
        raise param_error('only normal ACL accounts can be deleted.')
    _writable(ctx, instance, account)
    _start(ctx, instance, account, 'delete', 'DELETING')
    return 200, {}


# --- control -------------------------------------------------------------------------------------------

def _known_instance(state, instance_id):
    if instance_id != '*' and not any(i['instance_id'] == instance_id for i in state['instances']):
        raise LookupError(f'no DCS instance {instance_id!r}')
    return instance_id


@SERVICE.control('make_busy')
def make_busy(state, control, body):
    """The next ``count`` writes to ``instance_id`` ('*' = any) answer 400 ``code`` (a documented busy code)."""
    body = body or {}
    code, count = body.get('code', 'DCS.4026'), body.get('count', 1)
    if code not in BUSY_MESSAGES:
        raise ValueError(f'code must be one of {", ".join(sorted(BUSY_MESSAGES))}')
    if not isinstance(count, int) or count < 0:
        raise ValueError('count must be an integer >= 0')
    instance_id = _known_instance(state, body.get('instance_id', '*'))
    control.setdefault('busy', {})[instance_id] = {'count': count, 'code': code}
    return {'busy': control['busy']}


@SERVICE.control('fail_next')
def fail_next(state, control, body):
    """The next change of ``kind`` on ``instance_id`` ('*' = any) ends in ERROR (CREATEFAILED/DELETEFAILED)."""
    body = body or {}
    kind = body.get('kind', 'role')
    if kind not in FAIL_KINDS:
        raise ValueError(f'kind must be one of {", ".join(sorted(FAIL_KINDS))}')
    instance_id = _known_instance(state, body.get('instance_id', '*'))
    control.setdefault('fail_next', {})[f'{instance_id}/{kind}'] = body.get('reason') or 'Failed to modify the ACL account on the Redis nodes.'
    return {'fail_next': control['fail_next']}


@SERVICE.control('set_instance_status')
def set_instance_status(state, control, body):  # pylint: disable=unused-argument
    """The instance reports ``status`` (for the next ``reads`` requests to it when given, then RUNNING again)."""
    body = body or {}
    status, reads = body.get('status'), body.get('reads')
    if not isinstance(status, str) or not status:
        raise ValueError('status is required')
    if reads is not None and (not isinstance(reads, int) or reads < 0):
        raise ValueError('reads must be an integer >= 0')
    for instance in state['instances']:
        if instance['instance_id'] == body.get('instance_id'):
            instance['status'] = status
            instance.pop('_status', None)
            if reads is not None:
                instance['_status'] = {'reads': reads}
            return {'instance_id': instance['instance_id'], 'status': status, 'reads': reads}
    raise LookupError(f'no DCS instance {body.get("instance_id")!r}')


@SERVICE.control('omit_read_policy')
def omit_read_policy(state, control, body):  # pylint: disable=unused-argument
    """The account list of ``instance_id`` ('*' = every instance) omits account_read_policy (``omit``: false shows it)."""
    body = body or {}
    omit = body.get('omit', True)
    if not isinstance(omit, bool):
        raise ValueError('omit must be true or false')
    instance_id = _known_instance(state, body.get('instance_id', '*'))
    changed = []
    for instance in state['instances']:
        if instance_id in ('*', instance['instance_id']):
            instance['omit_read_policy'] = omit
            changed.append(instance['instance_id'])
    return {'omit_read_policy': omit, 'instances': changed}


@SERVICE.control('add_instances')
def add_instances(state, control, body):  # pylint: disable=unused-argument
    """Append ``count`` generated instances to ``project_id`` (names ``prefix`` + number)."""
    body = body or {}
    project_id, count = body.get('project_id'), body.get('count', 1)
    if not isinstance(project_id, str) or not project_id:
        raise ValueError('project_id is required')
    if not isinstance(count, int) or not 0 <= count <= 10000:
        raise ValueError('count must be an integer from 0 to 10000')
    prefix = body.get('prefix', 'redis-bulk-')
    start = sum(1 for instance in state['instances'] if instance['project_id'] == project_id)
    for number in range(start + 1, start + count + 1):
        instance = {'instance_id': str(uuid.uuid5(uuid.NAMESPACE_URL, f'dcs/{project_id}/{prefix}{number}')), 'project_id': project_id,
                    'name': f'{prefix}{number:04d}', 'engine': body.get('engine', 'Redis'),
                    'engine_version': body.get('engine_version', '5.0'), 'accounts': [], 'tags': [dict(t) for t in body.get('tags', [])]}
        if 'support_acl' in body:
            instance['support_acl'] = bool(body['support_acl'])
        state['instances'].append(instance)
    seed_defaults(state)
    return {'count': sum(1 for instance in state['instances'] if instance['project_id'] == project_id)}
