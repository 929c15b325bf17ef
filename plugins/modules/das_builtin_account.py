#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: dbgov.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: das_builtin_account
short_description: Log the Huawei Cloud DAS built-in account of a database instance in or out
version_added: 1.0.0
description:
  - Logs the built-in (C(clouddba)) account that Huawei Cloud DAS (Data Admin Service) uses on a database instance
    in (C(POST .../login-built-in-account)) or out (C(POST .../logoff-built-in-account)).
  - Before acting, the module checks that DAS knows the instance, by reading the list of Cloud-DBA instances of
    O(datastore_type) (every page), and fails when O(instance_id) is not in it, so that a mistyped ID is never a
    silent success.
  - The result includes the facts DAS lists about the instance (name, status, C(login_flag)).
options:
  instance_id:
    description:
      - The ID of the database instance (for example an RDS for MySQL instance), 32 to 36 letters and digits.
    type: str
    required: true
  datastore_type:
    description:
      - The database engine of the instance. V(MySQL) is the only value the API documents.
    type: str
    choices: [MySQL]
    default: MySQL
  state:
    description:
      - V(logged_out) logs the built-in account out; V(logged_in) logs it in and returns the C(db_user_id) DAS assigns.
      - Either way the call is made on every run, see the notes.
    type: str
    choices: [logged_out, logged_in]
    default: logged_out
  language:
    description:
      - Language of the messages DAS answers with (sent as the C(X-Language) header).
      - When not set, the header is not sent and DAS answers in its default language (V(en-us)).
    type: str
    choices: [en-us, zh-cn]
notes:
  - The cloud offers no way to read whether the built-in account is logged in, so the module cannot know whether a
    run changes anything. It never pretends to; outside check mode it always makes the call and reports
    C(changed=true); in check mode it reports C(changed=true) without making it. In a scheduled governance playbook
    where a repeated log-out is an accepted no-op, add C(changed_when) to the task (see the examples).
  - Whether logging out an account that is not logged in (or logging in twice) succeeds or fails is not documented
    (UNVERIFIED); the module reports whatever DAS answers.
  - RV(instance.login_flag) is the C(login_flag) field of the DAS instance list ("instance login enabled"). It is reported
    as read before the call; it is not documented as the state of the built-in account (UNVERIFIED), and the module
    does not use it to decide anything.
  - C(DAS.200002) (frequent requests) and throttling answers (HTTP 429, C(APIGW.0308)) are retried with backoff;
    such a request was not executed, so repeating it is safe.
  - Needs the IAM permissions C(das:clouddba:builtInAccountlogin) or C(das:clouddba:builtInAccountlogoff), and read
    access to the DAS instance list.
extends_documentation_fragment:
  - dbgov.cloud.huaweicloud
  - dbgov.cloud.attributes
  - dbgov.cloud.attributes.action_group_huaweicloud
attributes:
  check_mode:
    support: full
    details: Reads the instance list, then reports the planned call without making it.
  diff_mode:
    support: partial
    details: The state before the run cannot be read and shows as V(unknown).
  idempotent:
    support: partial
    details:
      - The login state cannot be read, so every run makes the call and reports a change (see the notes).
      - Repeating the call is harmless as far as known, but the module cannot prove that the second run changed nothing.
author:
  - dbgov.cloud contributors (@dbgov)
'''

EXAMPLES = r'''
- name: Log the DAS built-in account out of the orders database
  dbgov.cloud.das_builtin_account:
    region: cn-north-4
    instance_id: 7d0908f6c98e328ffd1380dee11ba50ein01
    state: logged_out

- name: Manage several instances with shared connection settings
  module_defaults:
    group/dbgov.cloud.huaweicloud:
      region: cn-north-4
      project_id: e7f4b2c5a9d84f3e8c1b6a0d2f9e4c71   # optional: found from the region when omitted
  block:
    - name: Log the built-in account in on the reporting replica
      dbgov.cloud.das_builtin_account:
        instance_id: f52df45f7a81c2f40e59dd6a27d498fdin01
        state: logged_in
        language: en-us
      register: das_login

    - name: Show the DAS user ID of the built-in account
      ansible.builtin.debug:
        msg: "{{ das_login.db_user_id }}"

- name: Nightly governance run; a repeated log-out is accepted as a no-op, so keep the report quiet
  dbgov.cloud.das_builtin_account:
    instance_id: "{{ item }}"
    state: logged_out
  loop: "{{ governed_mysql_instances }}"
  changed_when: false
  vars:
    governed_mysql_instances:
      - 7d0908f6c98e328ffd1380dee11ba50ein01
      - 9b85ae85e3859b25c277c3ac70f4cc6bin01
'''

RETURN = r'''
db_user_id:
  description:
    - The DAS user ID of the built-in account, as returned by the log-in call (also in RV(builtin_account.db_user_id)).
    - V(null) in check mode, where no call is made.
  returned: when O(state=logged_in)
  type: str
  sample: 19a4c22a-8971-408c-9ca4-c5506aec4811
builtin_account:
  description:
    - The built-in account as requested by this run. The state is the one the module asked for, not one read back
      (the cloud offers no way to read it).
  returned: success
  type: dict
  contains:
    instance_id:
      description: The database instance ID.
      type: str
      sample: da304cd5bbb944de828759bc7be3d3fein01
    datastore_type:
      description: The datastore type sent.
      type: str
      sample: MySQL
    state:
      description: V(logged_in) or V(logged_out).
      type: str
      sample: logged_in
    db_user_id:
      description: The DAS user ID returned by the log-in call.
      type: str
      returned: when O(state=logged_in), outside check mode
      sample: 19a4c22a-8971-408c-9ca4-c5506aec4811
instance:
  description: The DAS facts about the instance, as listed by DAS before the call.
  returned: success
  type: dict
  contains:
    instance_id:
      description: The instance ID.
      type: str
      sample: da304cd5bbb944de828759bc7be3d3fein01
    name:
      description: The instance name.
      type: str
      sample: rds-orders-prod
    status:
      description: The instance status as DAS reports it.
      type: str
      sample: ACTIVE
    engine_type:
      description: The database engine.
      type: str
      sample: MySQL
    version:
      description: The engine version.
      type: str
      sample: "8.0"
    login_flag:
      description: Whether instance login is enabled in DAS (not documented as the built-in account state).
      type: bool
      sample: true
    ip:
      description: The instance address.
      type: str
      sample: 192.168.0.21
    port:
      description: The instance port.
      type: int
      sample: 3306
actions:
  description: The API operations planned (check mode) or performed. There is always exactly one.
  returned: success
  type: list
  elements: dict
  contains:
    operation:
      description: V(LoginBuiltInAccount) or V(LogoffBuiltInAccount).
      type: str
      sample: LogoffBuiltInAccount
    status:
      description: V(planned) (check mode), V(done) or V(failed).
      type: str
      sample: done
    target:
      description: The instance ID.
      type: str
      sample: da304cd5bbb944de828759bc7be3d3fein01
    params:
      description: The request body.
      type: dict
      sample: {datastore_type: MySQL}
'''

from ansible_collections.dbgov.cloud.plugins.module_utils.base import HuaweiCloudModule
from ansible_collections.dbgov.cloud.plugins.module_utils.common import check_pattern
from ansible_collections.dbgov.cloud.plugins.module_utils import das


def validate(params):
    check_pattern('instance_id', params['instance_id'], das.INSTANCE_ID_PATTERN, '32 to 36 letters and digits')


def run(module):
    params = module.params
    validate(params)
    instance = module.service(das.DasInstance, params['instance_id'], datastore_type=params['datastore_type'], language=params['language'])
    listed = instance.listed()
    plan, before, after = das.plan_builtin_account(instance, params['state'])

    def result_view():
        return das.account_view(params['instance_id'], params['datastore_type'], params['state'], plan.actions[0].result)

    extra = dict(instance=listed)
    if params['state'] == 'logged_in':
        extra['db_user_id'] = lambda: plan.actions[0].result  # known only after the call (None in check mode)
    module.finish(plan, before, after, key='builtin_account', reread=result_view, **extra)


def main():
    module = HuaweiCloudModule(
        argument_spec=dict(
            instance_id=dict(type='str', required=True),
            datastore_type=dict(type='str', default='MySQL', choices=list(das.DATASTORE_TYPES)),
            state=dict(type='str', default='logged_out', choices=['logged_out', 'logged_in']),
            language=dict(type='str', choices=list(das.LANGUAGES)),
        ),
        supports_check_mode=True,
    )
    module.run(run)


if __name__ == '__main__':
    main()
