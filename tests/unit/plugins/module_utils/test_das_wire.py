# -*- coding: utf-8 -*-
# Copyright: dbgov.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""DAS login/logoff headers as they go on the wire (HuaweiClient builds them; the capturing transport keeps them)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.dbgov.cloud.plugins.module_utils import das, huaweicloud
from ansible_collections.dbgov.cloud.tests.unit.plugins.fakes import CapturingTransport


def test_login_and_logoff_send_the_sdks_content_type():
    """application/json as the SDK's DasClient sends it, not the client's default application/json;charset=UTF-8."""
    transport = CapturingTransport({'db_user_id': 'u-1'})
    params = dict(region='cn-north-4', project_id='p' * 32, access_key='AK', secret_key='SK', endpoint=None)
    client = huaweicloud.HuaweiClient(params, transport, 'das')
    das.login_builtin_account(client, 'i' * 32, 'MySQL')
    das.logoff_builtin_account(client, 'i' * 32, 'MySQL', 'zh-cn')
    headers = [sent[2] for sent in transport.sent]
    assert [h['Content-Type'] for h in headers] == ['application/json', 'application/json']
    assert headers[1]['X-Language'] == 'zh-cn'
