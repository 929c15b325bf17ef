# -*- coding: utf-8 -*-
# Copyright: dbgov.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Bastionhost: a grant call refused for its size (InvalidParameter naming a count or limit) is split in halves and
the halves are sent; any other error is not (no network: a stand-in write that enforces a total account cap)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from ansible_collections.dbgov.cloud.plugins.module_utils import bastionhost
from ansible_collections.dbgov.cloud.plugins.module_utils.transport import ApiError

OP = 'AttachDatabaseAccountsToUser'


def entries(counts, start=1):
    out, account = [], 5000
    for offset, count in enumerate(counts):
        ids = None if count is None else [str(account + i) for i in range(count)]
        account += count or 0
        out.append(dict(database_id=str(start + offset), account_ids=ids,
                        account_names=None if ids is None else ['acct_%s' % i for i in ids]))
    return out


class CappedWrite:
    """Answers like the strict emulator: more than ``cap`` accounts in one call -> InvalidParameter, nothing written."""

    def __init__(self, cap, error=None):
        self.cap, self.error, self.calls, self.sizes = cap, error, [], []

    def __call__(self, batch):
        total = sum(len(e['account_ids'] or []) for e in batch)
        self.sizes.append(total)
        if self.error is not None:
            raise self.error
        if total > self.cap:
            raise ApiError('bastionhost', OP, 400, 'InvalidParameter',
                           'The parameter Databases is not valid: at most %d database accounts per call in total, got %d.' % (self.cap, total),
                           request_id='R-refused-%d' % len(self.sizes))
        self.calls.append(batch)
        results = [dict(Code='OK', Message='', DatabaseId=e['database_id'],
                        DatabaseAccounts=[dict(Code='OK', Message='', DatabaseAccountId=a) for a in e['account_ids'] or []])
                   for e in batch]
        return dict(RequestId='R-%d' % len(self.sizes), Results=results)


@pytest.mark.parametrize('code,message,expected', [
    ('InvalidParameter', 'The parameter Databases is not valid: at most 10 database accounts per call in total, got 30.', True),
    ('InvalidParameter.Databases', 'The number of database accounts exceeds the limit of 10.', True),
    ('InvalidParameter', 'You can specify up to 10 databases.', True),
    ('InvalidParameter', 'The parameter UserId is not valid.', False),          # no count, no limit
    ('InvalidParameter', 'The user 12 does not exist.', False),                 # a number, but no limit
    ('Throttling.User', 'Request limit of 100 per second exceeded.', False),   # not a refusal of the call's content
    ('OBJECT_NOT_FOUND', 'at most 10', False),
])
def test_refused_for_size(code, message, expected):
    assert bastionhost.refused_for_size(ApiError('bastionhost', OP, 400, code, message)) is expected


def test_three_databases_of_ten_accounts_under_a_cap_of_ten():
    write, splits = CappedWrite(10), []
    batch = entries([10, 10, 10])
    response = bastionhost.write_splitting(write, batch, splits)
    assert write.sizes == [30, 10, 20, 10, 10]                   # refused, accepted, refused, accepted, accepted
    assert [[e['database_id'] for e in call] for call in write.calls] == [['1'], ['2'], ['3']]
    assert [(s['accounts'], s['halves']) for s in splits] == [
        (30, [dict(databases=1, accounts=10), dict(databases=2, accounts=20)]),
        (20, [dict(databases=1, accounts=10), dict(databases=1, accounts=10)])]
    assert splits[0]['code'] == 'InvalidParameter' and 'got 30' in splits[0]['message'] and splits[0]['request_id'] == 'R-refused-1'
    succeeded, failed = bastionhost.item_results(OP, batch, response)
    assert failed == [] and len(succeeded) == 30
    assert response['RequestId'] == 'R-2, R-4, R-5'


def test_one_database_whose_accounts_are_split():
    write, splits = CappedWrite(4), []
    batch = entries([10])
    response = bastionhost.write_splitting(write, batch, splits)
    assert write.sizes == [10, 5, 3, 2, 5, 3, 2]                  # 10 -> 5 + 5, each 5 -> 3 + 2
    assert [len(call[0]['account_ids']) for call in write.calls] == [3, 2, 3, 2]
    assert sorted(a for call in write.calls for a in call[0]['account_ids']) == batch[0]['account_ids']
    assert [len(r['DatabaseAccounts']) for r in response['Results']] == [10]      # one result per database, merged
    succeeded, failed = bastionhost.item_results(OP, batch, response)
    assert failed == [] and [s['account_name'] for s in succeeded] == batch[0]['account_names']


def test_other_errors_are_not_split():
    error = ApiError('bastionhost', OP, 400, 'InvalidParameter', 'The parameter UserId is not valid.')
    write = CappedWrite(10, error=error)
    with pytest.raises(ApiError) as info:
        bastionhost.write_splitting(write, entries([5, 5]), [])
    assert info.value is error and write.sizes == [10]


@pytest.mark.parametrize('batch', [entries([None]), entries([1])])
def test_a_batch_that_cannot_be_split_fails_with_the_refusal(batch):
    refusal = ApiError('bastionhost', OP, 400, 'InvalidParameter', 'at most 0 database accounts per call in total, got 1.')
    write, splits = CappedWrite(10, error=refusal), []
    with pytest.raises(ApiError) as info:
        bastionhost.write_splitting(write, batch, splits)
    assert info.value is refusal and len(write.sizes) == 1 and splits == []


def test_merge_keeps_a_failed_code_of_a_split_database():
    first = dict(RequestId='A', Results=[dict(Code='OK', DatabaseId='1', DatabaseAccounts=[dict(Code='OK', DatabaseAccountId='11')])])
    second = dict(RequestId='B', Results=[dict(Code='OBJECT_NOT_FOUND', Message='gone', DatabaseId='1',
                                               DatabaseAccounts=[dict(Code='OBJECT_NOT_FOUND', DatabaseAccountId='12')])])
    merged = bastionhost.merge_responses([first, second])
    assert merged['Results'] == [dict(Code='OBJECT_NOT_FOUND', Message='gone', DatabaseId='1', DatabaseAccounts=[
        dict(Code='OK', DatabaseAccountId='11'), dict(Code='OBJECT_NOT_FOUND', DatabaseAccountId='12')])]
    assert merged['RequestId'] == 'A, B'
