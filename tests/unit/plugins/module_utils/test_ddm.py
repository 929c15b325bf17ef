# -*- coding: utf-8 -*-
# Copyright: dbgov.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""module_utils/ddm: input rules, paging, paths and the normalised view (no network)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from ansible_collections.dbgov.cloud.plugins.module_utils import ddm
from ansible_collections.dbgov.cloud.plugins.module_utils.common import ValidationError
from ansible_collections.dbgov.cloud.plugins.module_utils.transport import ApiError
from ansible_collections.dbgov.cloud.tests.unit.plugins.fakes import FakeHuaweiClient, refused_secret

IID = '0a8f1c6baa124e99853719d9257324dfin09'


class FakeClient(FakeHuaweiClient):
    """Answers ListDdmUsers from ``users`` page by page and records every call."""

    def __init__(self, users=(), total=None):
        super(FakeClient, self).__init__()
        self.users = list(users)
        self.total = total

    def answer(self, operation, call):
        if operation == 'ListDdmUsers':
            offset, limit = call['query']['offset'], call['query']['limit']
            page = self.users[offset:offset + limit]
            return dict(users=page, offset=offset, limit=limit, total=len(self.users) if self.total is None else self.total)
        return {}


@pytest.mark.parametrize('value', [IID, 'A' * 32 + 'in09'])
def test_instance_id_accepts(value):
    ddm.check_instance_id('instance_id', value)


@pytest.mark.parametrize('value', ['', IID[:-1], IID + 'x', IID.replace('in09', 'in01'), '0a8f1c6b-aa12-4e99-8537-19d9257324in09'])
def test_instance_id_refuses(value):
    with pytest.raises(ValidationError, match='^instance_id: '):
        ddm.check_instance_id('instance_id', value)


@pytest.mark.parametrize('value', ['a', 'app_orders', 'A1_b2', 'x' * 32])
def test_name_accepts(value):
    ddm.check_name('name', value)


@pytest.mark.parametrize('value', ['', '1app', '_app', 'app-orders', 'app orders', 'x' * 33, 'app$'])
def test_name_refuses(value):
    with pytest.raises(ValidationError, match='^name: '):
        ddm.check_name('name', value)


@pytest.mark.parametrize('value', ['Xy7-secret-Pw', 'abcDEF12', 'abc_def_12', 'ABC~123?' + 'a' * 24])
def test_password_accepts(value):
    ddm.check_user_password('password', value, 'app_orders')


@pytest.mark.parametrize('value, why', [
    ('Ab1-xyz', 'must be 8 to 32'),
    ('Ab1-' + 'x' * 29, 'must be 8 to 32'),
    ('abcdefgh', 'at least 3 of'),
    ('abcdefg1', 'at least 3 of'),
    ('Abc12345$', 'not allowed'),
    ('Abc 12345', 'not allowed'),
    ('Abc&12345', 'not allowed'),
])
def test_password_refuses_without_showing_it(value, why):
    assert why in refused_secret(ddm.check_user_password, 'password', value, 'app_orders')


def test_password_must_not_be_the_name_or_reversed():
    for value in ('App_orders1', '1sredro_ppA'):
        with pytest.raises(ValidationError, match='^password: .*account name'):
            ddm.check_user_password('password', value, 'App_orders1')


def test_privileges_schemas_description_lifetime():
    ddm.check_privileges('base_authority', ['SELECT', 'INSERT'])
    with pytest.raises(ValidationError, match="^base_authority: unknown privilege.*'GRANT'"):
        ddm.check_privileges('base_authority', ['SELECT', 'GRANT'])
    ddm.check_schemas('databases', ['orders', 'order_items2'])
    with pytest.raises(ValidationError, match='^databases: '):
        ddm.check_schemas('databases', ['Orders'])
    ddm.check_description('description', 'x' * 256)
    with pytest.raises(ValidationError, match='^description: '):
        ddm.check_description('description', 'x' * 257)
    ddm.check_lifetime('password_lifetime', 0)
    ddm.check_lifetime('password_lifetime', 65535)
    with pytest.raises(ValidationError, match='^password_lifetime: 70000 is out of range'):
        ddm.check_lifetime('password_lifetime', 70000)
    with pytest.raises(ValidationError, match='^password_lifetime: '):
        ddm.check_lifetime('password_lifetime', -1)


def test_list_users_pages_through_everything():
    users = [dict(name='u%03d' % i) for i in range(300)]
    client = FakeClient(users)
    assert [u['name'] for u in ddm.list_users(client, IID)] == [u['name'] for u in users]
    assert [c['query'] for c in client.calls] == [dict(offset=0, limit=128), dict(offset=128, limit=128), dict(offset=256, limit=128)]
    assert all(c['method'] == 'GET' and c['path'] == '/v3/{project_id}/instances/%s/users' % IID for c in client.calls)


def test_list_users_one_call_for_a_normal_instance():
    client = FakeClient([dict(name='a'), dict(name='b')])
    assert len(ddm.list_users(client, IID)) == 2
    assert len(client.calls) == 1


def test_list_users_stops_at_total_and_on_empty_page():
    client = FakeClient([dict(name='u%d' % i) for i in range(128)], total=128)
    assert len(ddm.list_users(client, IID)) == 128
    assert len(client.calls) == 1
    client = FakeClient([dict(name='u%d' % i) for i in range(128)], total=500)  # a wrong total cannot loop forever
    assert len(ddm.list_users(client, IID)) == 128
    assert len(client.calls) == 2


def test_find_user_is_exact():
    client = FakeClient([dict(name='App'), dict(name='app')])
    assert ddm.find_user(client, IID, 'app') == dict(name='app')
    assert ddm.find_user(client, IID, 'APP') is None


def test_writes_use_busy_codes_deadline_and_encoded_names():
    client = FakeClient()
    ddm.create_user(client, IID, dict(name='n'), deadline=30)
    ddm.update_user(client, IID, 'n', dict(description='d'), deadline=30)
    ddm.reset_password(client, IID, 'n', 'Secret-Pw1', deadline=30)
    ddm.delete_user(client, IID, 'n', deadline=30)
    assert [(c['method'], c['operation'], c['path']) for c in client.calls] == [
        ('POST', 'CreateDdmUser', '/v3/{project_id}/instances/%s/users' % IID),
        ('PUT', 'UpdateDdmUser', '/v3/{project_id}/instances/%s/users/n' % IID),
        ('POST', 'ResetDdmUserPassword', '/v3/{project_id}/instances/%s/users/n/password' % IID),
        ('DELETE', 'DeleteDdmUser', '/v3/{project_id}/instances/%s/users/n' % IID),
    ]
    assert all(c['busy_codes'] == ('DBS.200019', 'DBS.212033') and c['deadline'] == 30 for c in client.calls)
    assert client.calls[2]['body'] == dict(password='Secret-Pw1')


def test_normalize_user():
    raw = dict(name='app', status='RUNNING', base_authority=['SELECT', 'INSERT', 'SELECT'],
               databases=[dict(name='orders'), dict(name='billing')], created='2024-01-01T00:00:00+0800',
               password_last_changed='2024-02-01T00:00:00+0800', expiration_time='x')
    assert ddm.normalize_user(raw) == dict(name='app', status='RUNNING', base_authority=['INSERT', 'SELECT'], databases=['billing', 'orders'],
                                           description='', password_lifetime=0, created='2024-01-01T00:00:00+0800',
                                           password_last_changed='2024-02-01T00:00:00+0800')
    assert ddm.normalize_user(dict(raw, password_lifetime=90, description='d'))['password_lifetime'] == 90
    assert ddm.normalize_user(None) is None


def test_missing_account_code():
    assert ddm.is_missing_account(ApiError('ddm', 'DeleteDdmUser', 400, 'DBS.300327', 'The account does not exist.'))
    assert not ddm.is_missing_account(ApiError('ddm', 'DeleteDdmUser', 400, 'DBS.300302', 'Failed to delete the account.'))
