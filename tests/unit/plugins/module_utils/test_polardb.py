# -*- coding: utf-8 -*-
# Copyright: dbgov.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""module_utils/polardb: the snake_case views, exact matching, DescribeAccounts paging (no total) and the
ResetAccount call (parameters, retry of ConcurrentTaskExceeded through the real client and transport). No network."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
from urllib.parse import parse_qsl, urlsplit

import pytest

from ansible_collections.dbgov.cloud.plugins.module_utils import alibabacloud, polardb
from ansible_collections.dbgov.cloud.plugins.module_utils.common import exact_matches
from ansible_collections.dbgov.cloud.tests.unit.plugins.fakes import fake_alibaba_client
from ansible_collections.dbgov.cloud.plugins.module_utils.transport import ApiError, RetryPolicy, Transport

PASSWORD = 'N3w-Admin=Pass'
RAW = {
    'AccountName': 'app_orders', 'AccountType': 'Normal', 'AccountStatus': 'Available', 'AccountLockState': 'UnLock',
    'AccountDescription': 'orders service', 'AccountPasswordValidTime': 'undefined',
    'DatabasePrivileges': [{'DBName': 'orders_archive', 'AccountPrivilege': 'ReadOnly'}, {'DBName': 'orders', 'AccountPrivilege': 'ReadWrite'}],
}


# ------------------------------------------------------------------ views

def test_normalize_account_is_snake_case_with_sorted_privileges():
    assert polardb.normalize_account(RAW) == dict(
        account_name='app_orders', account_type='Normal', account_status='Available', account_lock_state='UnLock',
        account_description='orders service', account_password_valid_time='undefined',
        database_privileges=[dict(db_name='orders', account_privilege='ReadWrite'), dict(db_name='orders_archive', account_privilege='ReadOnly')])


def test_normalize_account_tolerates_missing_fields():
    view = polardb.normalize_account({'AccountName': 'dba_admin', 'AccountType': 'Super'})
    assert view['database_privileges'] == [] and view['account_description'] == '' and view['account_lock_state'] is None
    assert polardb.normalize_account(None) is None


def test_normalize_cluster():
    raw = {'DBClusterId': 'pc-x1', 'DBClusterDescription': 'd', 'DBType': 'MySQL', 'DBVersion': '8.0', 'DBClusterStatus': 'Running',
           'LockMode': 'Unlock', 'DBNodes': [{'DBNodeId': 'pi-1'}]}
    assert polardb.normalize_cluster(raw) == dict(cluster_id='pc-x1', description='d', db_type='MySQL', db_version='8.0', status='Running',
                                                  lock_mode='Unlock')


def test_find_and_filter_match_names_exactly():
    accounts = [dict(RAW, AccountName='dba'), dict(RAW, AccountName='dba_admin', AccountType='Super'), dict(RAW, AccountName='dba_admin2')]
    assert polardb.find_account(accounts, 'dba_admin')['AccountType'] == 'Super'
    assert polardb.find_account(accounts, 'dba_adm') is None
    assert [a['AccountName'] for a in exact_matches(accounts, AccountName='dba')] == ['dba']
    assert [a['AccountName'] for a in exact_matches(accounts, AccountType='Normal')] == ['dba', 'dba_admin2']
    assert [a['AccountName'] for a in exact_matches(accounts, AccountName='dba_admin', AccountType='Normal')] == []
    assert len(exact_matches(accounts)) == 3


def test_describe_names_is_bounded():
    accounts = [dict(AccountName='user%02d' % n, AccountType='Normal') for n in range(14)]
    text = polardb.describe_names(accounts)
    assert text.startswith('user00 (Normal), user01 (Normal)') and text.endswith('user09 (Normal), and 4 more')
    assert polardb.describe_names([]) == 'none'


# ------------------------------------------------------------------ paging without a total

def PagingClient(count):  # pylint: disable=invalid-name
    """The real paginate over a fake call answering DescribeAccounts from ``count`` accounts."""
    rows = [dict(RAW, AccountName='user%03d' % n) for n in range(count)]

    def answer(action, params):  # pylint: disable=unused-argument
        size, number = params['PageSize'], params['PageNumber']
        page = rows[(number - 1) * size:number * size]
        return {'Accounts': page, 'PageNumber': number, 'PageRecordCount': len(page), 'RequestId': 'r'}
    return fake_alibaba_client(alibabacloud.AlibabaClient, answer, [])


@pytest.mark.parametrize('count, pages', [(0, 1), (3, 1), (99, 1), (100, 2), (120, 2), (200, 3), (250, 3)])
def test_list_accounts_pages_until_a_short_page(count, pages):
    client = PagingClient(count)
    accounts = polardb.list_accounts(client, 'pc-x1')
    assert [a['AccountName'] for a in accounts] == ['user%03d' % n for n in range(count)]
    assert [c[1] for c in client.calls] == [dict(DBClusterId='pc-x1', PageNumber=n, PageSize=100) for n in range(1, pages + 1)]
    assert {c[0] for c in client.calls} == {'DescribeAccounts'}


def test_list_accounts_passes_the_name_filter():
    client = PagingClient(1)
    polardb.list_accounts(client, 'pc-x1', 'dba_admin')
    assert client.calls[0][1] == dict(DBClusterId='pc-x1', AccountName='dba_admin', PageNumber=1, PageSize=100)


# ------------------------------------------------------------------ ResetAccount through the real client and transport

class FakeResponse:
    def __init__(self, status, body):
        self.status_code = status
        self.content = json.dumps(body).encode('utf-8')
        self.headers = {}

    def json(self):
        return json.loads(self.content.decode('utf-8'))


class FakeSession:
    """requests.Session stand-in: answers queued (status, body) pairs and records the URLs and headers sent."""

    def __init__(self, answers):
        self.answers = list(answers)
        self.sent = []

    def request(self, method, url, headers=None, data=None, timeout=None, allow_redirects=True):
        self.sent.append((method, url, dict(headers)))
        return FakeResponse(*self.answers.pop(0))


def make_client(answers):
    sleeps = []
    transport = Transport(retry=RetryPolicy(sleep=sleeps.append, rand=lambda: 0.5))
    transport.session = FakeSession(answers)
    params = dict(region='cn-hangzhou', access_key='LTAIunit00000000001', secret_key='unit-secret', security_token=None,
                  endpoint='http://127.0.0.1:9/{service}')
    return alibabacloud.AlibabaClient(params, transport, 'polardb'), transport, sleeps


BUSY = (403, {'Code': 'ConcurrentTaskExceeded', 'Message': 'The number of concurrent tasks exceeds the quota.', 'RequestId': 'req-busy'})


def test_reset_account_retries_concurrent_task_exceeded():
    client, transport, sleeps = make_client([BUSY, BUSY, (200, {'RequestId': 'req-ok'})])
    result = polardb.reset_account(client, 'pc-x1', 'dba_admin', PASSWORD, deadline=60)
    assert result == {'RequestId': 'req-ok'} and len(transport.session.sent) == 3 and len(sleeps) == 2
    method, url, headers = transport.session.sent[0]
    assert method == 'POST' and headers['x-acs-action'] == 'ResetAccount' and headers['x-acs-version'] == '2017-08-01'
    assert urlsplit(url).path == '/polardb'
    assert dict(parse_qsl(urlsplit(url).query)) == dict(DBClusterId='pc-x1', AccountName='dba_admin', AccountPassword=PASSWORD)
    # every attempt is signed afresh (new nonce)
    assert len({sent[2]['x-acs-signature-nonce'] for sent in transport.session.sent}) == 3


def test_reset_account_gives_up_at_the_deadline_without_leaking_the_password():
    client, transport, _sleeps = make_client([BUSY] * 50)
    with pytest.raises(ApiError) as info:
        polardb.reset_account(client, 'pc-x1', 'dba_admin', PASSWORD, deadline=5)
    err = info.value
    assert err.code == 'ConcurrentTaskExceeded' and err.request_id == 'req-busy' and err.attempts == len(transport.session.sent) > 1
    assert PASSWORD not in err.describe() and PASSWORD not in json.dumps(err.to_result())


@pytest.mark.parametrize('code, status', [('Throttling.User', 400), ('Throttling', 400), ('ServiceUnavailable', 503)])
def test_reset_account_retries_throttling_and_unavailable(code, status):
    client, transport, _sleeps = make_client([(status, {'Code': code, 'Message': 'm', 'RequestId': 'r1'}), (200, {'RequestId': 'req-ok'})])
    assert polardb.reset_account(client, 'pc-x1', 'dba_admin')['RequestId'] == 'req-ok'
    assert len(transport.session.sent) == 2


def test_reset_account_without_password_sends_none():
    client, transport, _sleeps = make_client([(200, {'RequestId': 'req-ok'})])
    polardb.reset_account(client, 'pc-x1', 'dba_admin', None)
    assert dict(parse_qsl(urlsplit(transport.session.sent[0][1]).query)) == dict(DBClusterId='pc-x1', AccountName='dba_admin')


def test_other_errors_are_not_retried():
    client, transport, _sleeps = make_client([(400, {'Code': 'InvalidAccountName.Malformed', 'Message': 'bad', 'RequestId': 'r2'})])
    with pytest.raises(ApiError) as info:
        polardb.reset_account(client, 'pc-x1', 'dba_admin')
    assert info.value.code == 'InvalidAccountName.Malformed' and len(transport.session.sent) == 1
