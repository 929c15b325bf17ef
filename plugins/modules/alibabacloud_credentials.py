#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: dbgov.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: alibabacloud_credentials
short_description: Obtain temporary Alibaba Cloud credentials once, for the module_defaults of a play
version_added: 1.0.0
description:
  - Resolves credentials through the collection's credential chain (see O(access_key)) and, with O(assume_role), assumes
    a RAM role (STS C(AssumeRole)), then returns the temporary credentials and their expiry.
  - Put RV(module_defaults) into the C(group/dbgov.cloud.alibabacloud) module defaults of the following tasks, so that a
    fleet run assumes the role once instead of once per task.
  - The task must set C(no_log) to V(true) (the result holds the secret and the security token); the module fails otherwise,
    before any request.
options: {}
notes:
  - Only temporary credentials are returned. When the chain finds long-lived credentials (options, environment, an C(AK)
    profile) and O(assume_role) is not set, the module fails.
  - The tasks that use the returned credentials do not renew them; choose O(assume_role.duration) longer than the play,
    or run this module again.
extends_documentation_fragment:
  - dbgov.cloud.alibabacloud
  - dbgov.cloud.attributes.info_module
  - dbgov.cloud.attributes.action_group_alibabacloud
author:
  - dbgov.cloud contributors (@dbgov)
'''

EXAMPLES = r'''
- name: Assume the governance role once for the whole play
  dbgov.cloud.alibabacloud_credentials:
    region: cn-hangzhou
    assume_role:
      role_arn: acs:ram::1234567890123456:role/dbgov-governance
      session_name: offboarding
      duration: 3600
  no_log: true
  register: alibaba_session

- name: Every Alibaba Cloud task below signs with the role's temporary credentials
  module_defaults:
    group/dbgov.cloud.alibabacloud: "{{ alibaba_session.module_defaults }}"
  block:
    - name: Read the privileged account
      dbgov.cloud.polardb_account_info:
        cluster_id: pc-bp1orders0prod01
        account_type: Super
'''

RETURN = r'''
module_defaults:
  description:
    - The connection options to use in C(group/dbgov.cloud.alibabacloud) module defaults, the temporary credentials included.
  returned: success
  type: dict
  contains:
    access_key:
      description: The temporary AccessKey ID (starts with C(STS.)).
      type: str
      sample: STS.NUgYrLnoC37mZZCNnAbez2EZL
    secret_key:
      description: The temporary AccessKey secret. Keep the task C(no_log).
      type: str
      sample: '********'
    security_token:
      description: The STS security token. Keep the task C(no_log).
      type: str
      sample: '********'
    region:
      description: The region the credentials were resolved for.
      type: str
      sample: cn-hangzhou
expiration:
  description: When the temporary credentials expire (UTC, ISO 8601).
  returned: success
  type: str
  sample: '2026-12-04T19:20:00Z'
expires_in:
  description: Seconds until RV(expiration), when the module ran.
  returned: success
  type: int
  sample: 3599
source:
  description: The link of the credential chain that supplied the credentials (never a secret).
  returned: success
  type: str
  sample: assume_role acs:ram::1234567890123456:role/dbgov-governance (on environment (ALIBABA_CLOUD_ACCESS_KEY_ID))
'''

from ansible_collections.dbgov.cloud.plugins.module_utils import credentials
from ansible_collections.dbgov.cloud.plugins.module_utils.base import AlibabaCloudModule


def main():
    module = AlibabaCloudModule(argument_spec=dict(), supports_check_mode=True)
    module.run(credentials.run_credentials_module)


if __name__ == '__main__':
    main()
