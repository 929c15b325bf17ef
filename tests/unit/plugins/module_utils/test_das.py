# -*- coding: utf-8 -*-
# Copyright: dbgov.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The DAS service layer: request shapes, paging through the Cloud-DBA instance list, normalisation (no network)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.dbgov.cloud.plugins.module_utils import das
from ansible_collections.dbgov.cloud.tests.unit.plugins.fakes import FakeHuaweiClient


class FakeClient(FakeHuaweiClient):
    """Records every request; answers from a list of responses (or a callable)."""

    def __init__(self, answers=None):
        super(FakeClient, self).__init__()
        self.answers = list(answers or [])
        self.requests = self.calls

    def answer(self, operation, call):
        answer = self.answers.pop(0) if self.answers else {}
        return answer(call) if callable(answer) else answer


def instance(n, **extra):
    item = dict(instance_id='%032x' % n + 'in01', instance_name='rds-%d' % n, instance_status='ACTIVE', version='8.0',
                engine_type='MySQL', ip='192.168.0.%d' % (n % 250), port=3306, cpu=4, mem=16, login_flag=False,
                slow_sql_flag=True, deadlock_flag=False, lock_blocking_flag=False, charge_flag=False, full_sql_flag=False)
    item.update(extra)
    return item


def paged(items):
    def answer(kwargs):
        query = kwargs['query']
        start, limit = query['offset'], query['limit']
        return dict(instance_list=items[start:start + limit], total_count=len(items))
    return answer


def test_list_reads_every_page():
    items = [instance(n) for n in range(450)]
    client = FakeClient([paged(items)] * 5)
    assert das.list_cloud_dba_instances(client, 'MySQL') == items
    assert [r['query']['offset'] for r in client.requests] == [0, 200, 400]
    first = client.requests[0]
    assert first['method'] == 'GET' and first['path'] == '/v3/{project_id}/instances'
    assert first['operation'] == 'ListCloudDbaInstances'
    assert first['query'] == dict(datastore_type='MySQL', offset=0, limit=200)
    assert first['busy_codes'] == ('DAS.200002',)
    assert first['headers'] is None


def test_list_trusts_total_count_over_short_pages():
    # a service that caps pages below the requested limit must still be read to the end
    items = [instance(n) for n in range(120)]

    def capped(kwargs):
        start = kwargs['query']['offset']
        return dict(instance_list=items[start:start + 50], total_count=len(items))
    client = FakeClient([capped] * 5)
    assert len(das.list_cloud_dba_instances(client, 'MySQL')) == 120
    assert len(client.requests) == 3


def test_list_stops_on_empty_page_and_without_total():
    client = FakeClient([dict(instance_list=[instance(1)])])
    assert len(das.list_cloud_dba_instances(client, 'MySQL')) == 1
    assert len(client.requests) == 1
    client = FakeClient([dict(instance_list=[], total_count=5)])
    assert das.list_cloud_dba_instances(client, 'MySQL') == []
    assert len(client.requests) == 1


def test_language_goes_into_the_header():
    client = FakeClient([dict(instance_list=[], total_count=0)])
    das.list_cloud_dba_instances(client, 'MySQL', language='zh-cn')
    assert client.requests[0]['headers'] == {'X-Language': 'zh-cn'}


def test_find_instance_normalises():
    items = [instance(1), instance(2, login_flag=True, instance_name='rds-orders')]
    client = FakeClient([paged(items)])
    view, listed = das.find_instance(client, items[1]['instance_id'], 'MySQL')
    assert listed == 2
    assert view == dict(instance_id=items[1]['instance_id'], name='rds-orders', status='ACTIVE', engine_type='MySQL',
                        version='8.0', login_flag=True, ip='192.168.0.2', port=3306)


def test_find_instance_missing():
    client = FakeClient([paged([instance(1)])])
    assert das.find_instance(client, 'f' * 36, 'MySQL') == (None, 1)


def test_login_and_logoff_requests():
    client = FakeClient([{'db_user_id': '19a4c22a-8971-408c-9ca4-c5506aec4811'}, {}])
    iid = 'da304cd5bbb944de828759bc7be3d3fein01'
    assert das.login_builtin_account(client, iid, 'MySQL', 'en-us') == '19a4c22a-8971-408c-9ca4-c5506aec4811'
    assert das.logoff_builtin_account(client, iid, 'MySQL') is None
    login, logoff = client.requests
    assert login['method'] == 'POST' and login['path'] == '/v3/{project_id}/instances/%s/login-built-in-account' % iid
    assert login['operation'] == 'LoginBuiltInAccount' and login['body'] == {'datastore_type': 'MySQL'}
    assert login['headers'] == {'X-Language': 'en-us', 'Content-Type': 'application/json'} and login['busy_codes'] == ('DAS.200002',)
    assert logoff['method'] == 'POST' and logoff['path'] == '/v3/{project_id}/instances/%s/logoff-built-in-account' % iid
    assert logoff['operation'] == 'LogoffBuiltInAccount' and logoff['body'] == {'datastore_type': 'MySQL'}
    assert logoff['headers'] == {'Content-Type': 'application/json'}


def test_account_view():
    assert das.account_view('x' * 32, 'MySQL', 'logged_out') == dict(instance_id='x' * 32, datastore_type='MySQL', state='logged_out')
    assert das.account_view('x' * 32, 'MySQL', 'logged_in', 'id-1')['db_user_id'] == 'id-1'
