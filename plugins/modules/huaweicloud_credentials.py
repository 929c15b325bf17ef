#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: dbgov.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: huaweicloud_credentials
short_description: Obtain temporary Huawei Cloud credentials once, for the module_defaults of a play
version_added: 1.0.0
description:
  - Resolves credentials through the collection's credential chain (see O(access_key)) and, with O(assume_role), obtains
    temporary credentials of an IAM agency (C(securitytokens), method C(assume_role)), then returns them and their expiry.
  - OIDC federation (O(idp_id) with O(id_token_file)) and the ECS metadata service also give temporary credentials.
  - Put RV(module_defaults) into the C(group/dbgov.cloud.huaweicloud) module defaults of the following tasks, so that a
    fleet run obtains them once instead of once per task.
  - The task must set C(no_log) to V(true) (the result holds the secret key and the security token); the module fails
    otherwise, before any request.
options: {}
notes:
  - Only temporary credentials are returned. When the chain finds long-lived credentials (options, environment, the
    credentials file) and O(assume_role) is not set, the module fails.
  - The tasks that use the returned credentials do not renew them; choose O(assume_role.duration) longer than the play,
    or run this module again.
extends_documentation_fragment:
  - dbgov.cloud.huaweicloud
  - dbgov.cloud.attributes.info_module
  - dbgov.cloud.attributes.action_group_huaweicloud
author:
  - dbgov.cloud contributors (@dbgov)
'''

EXAMPLES = r'''
- name: Obtain the governance agency's temporary credentials once for the whole play
  dbgov.cloud.huaweicloud_credentials:
    region: cn-north-4
    assume_role:
      agency_name: dbgov-governance
      domain_name: dbgov-emu-account
      duration: 3600
  no_log: true
  register: huawei_session

- name: Every Huawei Cloud task below signs with the agency's temporary credentials
  module_defaults:
    group/dbgov.cloud.huaweicloud: "{{ huawei_session.module_defaults }}"
  block:
    - name: List the DDM accounts
      dbgov.cloud.ddm_user_info:
        instance_id: 0a8f1c6baa124e99853719d9257324dfin09
'''

RETURN = r'''
module_defaults:
  description:
    - The connection options to use in C(group/dbgov.cloud.huaweicloud) module defaults, the temporary credentials included.
  returned: success
  type: dict
  contains:
    access_key:
      description: The temporary access key ID.
      type: str
      sample: HST3UXQWVL2EXAMPLEAK
    secret_key:
      description: The temporary secret access key. Keep the task C(no_log).
      type: str
      sample: '********'
    security_token:
      description: The security token (sent as C(X-Security-Token)). Keep the task C(no_log).
      type: str
      sample: '********'
    region:
      description: The region the credentials were resolved for.
      type: str
      sample: cn-north-4
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
  sample: assume_role agency dbgov-emu-account/dbgov-governance (on environment (HUAWEICLOUD_SDK_AK))
'''

from ansible_collections.dbgov.cloud.plugins.module_utils import credentials
from ansible_collections.dbgov.cloud.plugins.module_utils.base import HuaweiCloudModule


def main():
    module = HuaweiCloudModule(argument_spec=dict(), supports_check_mode=True)
    module.run(credentials.run_credentials_module)


if __name__ == '__main__':
    main()
