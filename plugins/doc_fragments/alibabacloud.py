# -*- coding: utf-8 -*-
# Copyright: dbgov.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type


class ModuleDocFragment(object):
    """Connection and authentication options of every Alibaba Cloud module."""

    DOCUMENTATION = r'''
options:
  region:
    description:
      - The Alibaba Cloud region ID, for example C(cn-hangzhou). Selects the endpoint and is sent as C(RegionId) where the API takes it.
      - If not set, the value of the E(ALIBABA_CLOUD_REGION_ID) or E(ALICLOUD_REGION) environment variable is used (first found).
    type: str
    required: true
  access_key:
    description:
      - The AccessKey ID used to sign requests (ACS3-HMAC-SHA256).
      - If not set, the value of the E(ALIBABA_CLOUD_ACCESS_KEY_ID) or E(ALICLOUD_ACCESS_KEY) environment variable is used.
    type: str
    required: true
  secret_key:
    description:
      - The AccessKey secret. It never appears in results, errors or diffs.
      - If not set, the value of the E(ALIBABA_CLOUD_ACCESS_KEY_SECRET) or E(ALICLOUD_SECRET_KEY) environment variable is used.
    type: str
    required: true
  security_token:
    description:
      - The STS security token of temporary credentials (sent as the signed C(x-acs-security-token) header).
      - If not set, the value of the E(ALIBABA_CLOUD_SECURITY_TOKEN) or E(ALICLOUD_SECURITY_TOKEN) environment variable is used.
    type: str
  endpoint:
    description:
      - Base URL that replaces the public endpoints, for a VPC endpoint, a proxy or the local emulator.
      - May contain the placeholders C({service}) (V(polardb), V(bastionhost)) and C({region}), so that one
        C(module_defaults) entry serves every module, for example C(http://127.0.0.1:8765/{service}).
      - If not set, the value of the E(DBGOV_ALIBABACLOUD_ENDPOINT) environment variable is used.
    type: str
  validate_certs:
    description:
      - Verify TLS certificates. Turn off only for a test endpoint you trust; prefer O(ca_bundle).
    type: bool
    default: true
  ca_bundle:
    description:
      - Path to a PEM file of CA certificates to verify the endpoints with.
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
  - Throttling (C(Throttling*), C(Rejected.Throttling)) answers are retried with capped exponential backoff and jitter.
    C(ServiceUnavailable), C(System.Busy) and other server errors are retried only for reads and for writes that are
    idempotent by nature; a write is never repeated once it may have been executed.
  - Errors name the cloud's error code, message and request ID. Failure results never include request URLs, query strings or headers.
'''
