# -*- coding: utf-8 -*-
# Copyright: dbgov.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type


class ModuleDocFragment(object):
    """Connection and authentication options of every Huawei Cloud module."""

    DOCUMENTATION = r'''
options:
  region:
    description:
      - The Huawei Cloud region, for example C(cn-north-4).
      - Selects the public endpoint of each service and, when O(project_id) is not set, the IAM project.
      - If not set, the value of the E(HUAWEICLOUD_SDK_REGION) or E(HW_REGION_NAME) environment variable is used (first found).
    type: str
    required: true
  project_id:
    description:
      - The project ID (32 letters and digits) the resources belong to.
      - When omitted it is resolved from O(region) with one IAM call (C(GET /v3/projects?name=<region>));
        the module fails when the region matches no project or several (sub-projects), then pass it explicitly.
      - If not set, the value of the E(HUAWEICLOUD_SDK_PROJECT_ID) or E(HW_PROJECT_ID) environment variable is used.
    type: str
  access_key:
    description:
      - The access key ID (AK) used to sign requests (SDK-HMAC-SHA256).
      - If not set, the value of the E(HUAWEICLOUD_SDK_AK) or E(HW_ACCESS_KEY) environment variable is used.
    type: str
    required: true
  secret_key:
    description:
      - The secret access key (SK). It never appears in results, errors or diffs.
      - If not set, the value of the E(HUAWEICLOUD_SDK_SK) or E(HW_SECRET_KEY) environment variable is used.
    type: str
    required: true
  security_token:
    description:
      - The security token of temporary credentials (sent as C(X-Security-Token)).
      - If not set, the value of the E(HUAWEICLOUD_SDK_SECURITY_TOKEN) or E(HW_SECURITY_TOKEN) environment variable is used.
    type: str
  endpoint:
    description:
      - Base URL that replaces the public endpoints, for a private cloud, a proxy or the local emulator.
      - May contain the placeholders C({service}) (V(ddm), V(dcs), V(das), V(iam)) and C({region}), so that one
        C(module_defaults) entry serves every module, for example C(https://{service}.{region}.example.com)
        or C(http://127.0.0.1:8765/{service}).
      - If not set, the value of the E(DBGOV_HUAWEICLOUD_ENDPOINT) environment variable is used.
    type: str
  validate_certs:
    description:
      - Verify TLS certificates. Turn off only for a test endpoint you trust; prefer O(ca_bundle).
    type: bool
    default: true
  ca_bundle:
    description:
      - Path to a PEM file of CA certificates to verify the endpoints with (for example a corporate TLS proxy).
      - Without it the system trust store is used (and E(REQUESTS_CA_BUNDLE) when set). Proxies come from
        E(HTTPS_PROXY) and E(NO_PROXY).
    type: path
  timeout:
    description:
      - Seconds to wait for each HTTP connection and response.
    type: float
    default: 30
  wait_timeout:
    description:
      - Accepted by every module of the collection, so that one C(module_defaults) entry for the action group can set
        it. Modules that wait for the cloud document their own O(wait_timeout) (range and default); the others (the
        C(_info) modules, and modules whose calls finish at once) ignore it.
    type: int
notes:
  - Throttled requests (HTTP 429, C(APIGW.0308)) are retried with capped exponential backoff and jitter, honouring
    C(Retry-After). Other server errors are retried only for reads; a write is never repeated once it may have been executed.
  - Errors name the cloud's error code, message and request ID. Failure results never include request URLs, bodies or headers.
'''
