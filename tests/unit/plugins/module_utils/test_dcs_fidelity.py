# -*- coding: utf-8 -*-
# Copyright: dbgov.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""module_utils/dcs against the vendor's documents: the backslash is a password special character, and a read policy
the account list does not report is planned only with a role change (no network)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from ansible_collections.dbgov.cloud.plugins.module_utils import dcs
from ansible_collections.dbgov.cloud.plugins.module_utils.common import ValidationError

IID = '8c4d2e1f-6a7b-4c9d-8e0f-1a2b3c4d5e6f'


def api_account(reported=True, role='read', policy=None):
    account = dict(account_id='a1', account_name='mlopez', account_type='normal', instance_id=IID, status='AVAILABLE',
                   account_role=role, description='', error_code=None)
    if reported:
        account['account_read_policy'] = policy
    return account


@pytest.mark.parametrize('password', ['Back\\slash-Pass1', 'only\\LETTERS'])  # the 2nd has 3 classes only with it
def test_backslash_is_a_special_character(password):
    dcs.check_account_password('password', password, 'svc_cart')


def test_other_characters_are_still_refused():
    with pytest.raises(ValidationError, match='^password: '):
        dcs.check_account_password('password', 'Quote\'Pass1', 'svc_cart')


@pytest.mark.parametrize('role,policy,reported,expected', [
    # the list reports the policy: it converges like the role
    (None, 'master', True, {'account_read_policy': 'master'}),
    ('read', None, True, {}),
    ('write', 'master', True, {'account_role': 'write', 'account_read_policy': 'master'}),
    # not reported: never alone (it would be sent on every run), always with a role change
    (None, 'master', False, {}),
    ('read', 'master', False, {}),
    ('write', 'master', False, {'account_role': 'write', 'account_read_policy': 'master'}),
    ('write', None, False, {'account_role': 'write'}),
])
def test_role_changes_with_and_without_a_reported_policy(role, policy, reported, expected):
    current = api_account(reported=reported)
    assert dcs.read_policy_reported(current) is reported
    assert dcs.role_changes(dcs.account_view(current), role, policy, dcs.read_policy_reported(current)) == expected


def test_read_policy_warning_only_when_asked_and_not_reported():
    message = dcs.read_policy_warning(api_account(reported=False), 'replica', IID)
    assert IID in message and 'read_policy cannot be verified' in message
    assert dcs.read_policy_warning(api_account(reported=True), 'replica', IID) is None
    assert dcs.read_policy_warning(api_account(reported=False), None, IID) is None
    assert dcs.read_policy_warning(None, 'replica', IID) is None            # a new account: the policy is set on create
