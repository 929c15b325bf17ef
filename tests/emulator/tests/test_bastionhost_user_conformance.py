"""Bastionhost user conformance: GetUser, ListUserGroupsForUser, LockUsers, UnlockUsers, DeleteUser, AddUsersToGroup and
RemoveUsersFromGroup driven through the official alibabacloud-yundun-bastionhost20191209 client (UserIds is the JSON
string the SDK model types as str); answers must parse into the SDK's models with the right values."""

import json

import pytest

from emulator.clients import alibaba_sdk_client, expect_alibaba_error as expect_error

bastion_client = pytest.importorskip('alibabacloud_yundun_bastionhost20191209.client')
models = pytest.importorskip('alibabacloud_yundun_bastionhost20191209.models')

PROD = 'bastionhost-cn-emu0prod01'
REGION = 'cn-hangzhou'


def client(server):
    return alibaba_sdk_client(bastion_client.Client, server)


def user(cli, user_id):
    return cli.get_user(models.GetUserRequest(instance_id=PROD, region_id=REGION, user_id=user_id)).body.user


def groups_of(cli, user_id):
    body = cli.list_user_groups_for_user(models.ListUserGroupsForUserRequest(instance_id=PROD, region_id=REGION, user_id=user_id,
                                                                             page_number='1', page_size='100')).body
    assert body.count == len(body.user_groups)
    return [(g.user_group_id, g.user_group_name) for g in body.user_groups]


def test_get_user_and_groups_for_user(server):
    cli = client(server)
    asmith = user(cli, '2')
    assert (asmith.user_id, asmith.user_name, asmith.display_name, asmith.user_state, asmith.source) == ('2', 'asmith', 'Alice Smith', ['Normal'], 'Local')
    assert groups_of(cli, '2') == [('1', 'dba-oncall')]
    assert groups_of(cli, '6') == []
    expect_error(lambda: user(cli, '404'), 404, 'UserNotFound')
    expect_error(lambda: groups_of(cli, '404'), 404, 'UserNotFound')


def test_lock_and_unlock_report_per_user_codes(server):
    cli = client(server)
    body = cli.lock_users(models.LockUsersRequest(instance_id=PROD, region_id=REGION, user_ids=json.dumps(['1', '404']))).body
    assert [(r.user_id, r.code) for r in body.results] == [('1', 'OK'), ('404', 'OBJECT_NOT_FOUND')] and body.request_id
    assert user(cli, '1').user_state == ['Frozen']
    listed = cli.list_users(models.ListUsersRequest(instance_id=PROD, region_id=REGION, user_state='Frozen', page_size='100')).body
    assert sorted(u.user_name for u in listed.users) == ['emartin', 'jdoe']
    body = cli.unlock_users(models.UnlockUsersRequest(instance_id=PROD, region_id=REGION, user_ids=json.dumps(['1']))).body
    assert [(r.user_id, r.code) for r in body.results] == [('1', 'OK')]
    assert user(cli, '1').user_state == ['Normal']
    expect_error(lambda: cli.lock_users(models.LockUsersRequest(instance_id=PROD, region_id=REGION, user_ids='1,2')), 400, 'InvalidParameter')


def test_group_membership_add_remove(server):
    cli = client(server)
    added = cli.add_users_to_group(models.AddUsersToGroupRequest(instance_id=PROD, region_id=REGION, user_group_id='2',
                                                                 user_ids=json.dumps(['1', '3']))).body
    assert [(r.user_id, r.user_group_id, r.code) for r in added.results] == [('1', '2', 'OK'), ('3', '2', 'OBJECT_AlREADY_EXISTS')]
    assert groups_of(cli, '1') == [('2', 'data-analysts'), ('3', 'app-support')]
    removed = cli.remove_users_from_group(models.RemoveUsersFromGroupRequest(instance_id=PROD, region_id=REGION, user_group_id='3',
                                                                             user_ids=json.dumps(['1', '2']))).body
    assert [(r.user_id, r.code) for r in removed.results] == [('1', 'OK'), ('2', 'OBJECT_NOT_FOUND')]
    assert groups_of(cli, '1') == [('2', 'data-analysts')]
    expect_error(lambda: cli.add_users_to_group(models.AddUsersToGroupRequest(instance_id=PROD, region_id=REGION, user_group_id='99',
                                                                              user_ids=json.dumps(['1']))), 404, 'OBJECT_NOT_FOUND')


def test_delete_user(server):
    cli = client(server)
    assert cli.delete_user(models.DeleteUserRequest(instance_id=PROD, region_id=REGION, user_id='2')).body.request_id
    expect_error(lambda: user(cli, '2'), 404, 'UserNotFound')
    instance = next(i for i in server.get_state('bastionhost')['instances'] if i['InstanceId'] == PROD)
    assert '2' not in instance['UserGrants'] and all('2' not in g['Members'] for g in instance['UserGroups'])
    expect_error(lambda: cli.delete_user(models.DeleteUserRequest(instance_id=PROD, region_id=REGION, user_id='2')), 404, 'UserNotFound')
