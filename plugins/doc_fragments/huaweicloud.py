# -*- coding: utf-8 -*-
# Copyright: dbgov.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type


class ModuleDocFragment(object):
    """Connection and authentication options of every Huawei Cloud module."""

    DOCUMENTATION = r'''
requirements:
  - python >= 3.9 (on the host that runs the module, usually the controller)
  - requests >= 2.25.0
options:
  region:
    description:
      - The Huawei Cloud region, for example C(cn-north-4).
      - Selects the public endpoint of each service and, when O(project_id) is not set, the IAM project.
      - If not set, the value of the E(HUAWEICLOUD_SDK_REGION) or E(HW_REGION_NAME) environment variable is used (first found).
        The module fails naming these when none is set.
    type: str
  project_id:
    description:
      - The project ID (32 letters and digits) the resources belong to.
      - When omitted it is resolved from O(region) with one IAM call (C(GET /v3/projects?name=<region>));
        the module fails when the region matches no project or several (sub-projects), then pass it explicitly.
      - If not set, the value of the E(HUAWEICLOUD_SDK_PROJECT_ID) or E(HW_PROJECT_ID) environment variable is used.
    type: str
  access_key:
    description:
      - The access key ID (AK) used to sign requests (SDK-HMAC-SHA256). Not required, credentials come from the first
        link of this chain that has them (the order of the Huawei Cloud SDK's default credential provider chain).
      - 1. Options O(access_key) and O(secret_key) (with O(security_token)), or O(idp_id) with O(id_token_file), or O(profile).
      - 2. Environment, E(HUAWEICLOUD_SDK_AK) or E(HW_ACCESS_KEY) with the secret key, or E(HUAWEICLOUD_SDK_IDP_ID)
        with E(HUAWEICLOUD_SDK_ID_TOKEN_FILE) (OIDC federation, preferred when both are set, as in the SDK).
      - 3. The SDK credentials file (section C(basic)), see O(profile).
      - 4. Temporary credentials of the ECS instance's agency, from the metadata service, see O(metadata_endpoint).
      - O(assume_role) then applies on top of what the chain found. When nothing is found the module fails with
        C(no credentials) and the links it tried, before any request.
    type: str
  secret_key:
    description:
      - The secret access key (SK). It never appears in results, errors or diffs.
      - If not set, the value of the E(HUAWEICLOUD_SDK_SK) or E(HW_SECRET_KEY) environment variable is used
        (environment link of the chain, see O(access_key)).
    type: str
  security_token:
    description:
      - The security token of temporary credentials (sent as C(X-Security-Token)).
      - If not set, the value of the E(HUAWEICLOUD_SDK_SECURITY_TOKEN) or E(HW_SECURITY_TOKEN) environment variable is used
        together with the environment's key pair.
    type: str
  profile:
    description:
      - A section of the SDK credentials file (INI, keys C(ak), C(sk), C(security_token), or C(idp_id) and C(id_token_file)),
        used as an explicit option (before the environment). The profile link of the chain reads section C(basic), as the SDK does.
      - The file is C(~/.huaweicloud/credentials), or the value of the E(HUAWEICLOUD_SDK_CREDENTIALS_FILE) environment variable.
    type: str
  idp_id:
    description:
      - OIDC federation, the identity provider ID in IAM. With O(id_token_file) the id token is exchanged for an
        unscoped IAM token (C(POST /v3.0/OS-AUTH/id-token/tokens)) and that for temporary credentials
        (C(POST /v3.0/OS-CREDENTIAL/securitytokens), method C(token)), renewed before they expire.
      - The environment link reads E(HUAWEICLOUD_SDK_IDP_ID).
    type: str
  id_token_file:
    description:
      - Path of the file holding the OIDC id token (read again at each renewal; its content never appears in output).
      - The environment link reads E(HUAWEICLOUD_SDK_ID_TOKEN_FILE).
    type: path
  assume_role:
    description:
      - Obtain temporary credentials of an IAM agency (C(POST /v3.0/OS-CREDENTIAL/securitytokens), method C(assume_role))
        with the credentials the chain found, and sign with them, renewed before they expire. IAM is reached through
        O(endpoint) as service V(iam).
      - Unset, E(DBGOV_HUAWEICLOUD_ASSUME_AGENCY_NAME) with E(DBGOV_HUAWEICLOUD_ASSUME_DOMAIN_NAME) or
        E(DBGOV_HUAWEICLOUD_ASSUME_DOMAIN_ID) and E(DBGOV_HUAWEICLOUD_ASSUME_DURATION) are used when set.
    type: dict
    suboptions:
      agency_name:
        description: The agency name.
        type: str
        required: true
      domain_name:
        description: The account name of the delegating party (exactly one of O(assume_role.domain_name) and O(assume_role.domain_id)).
        type: str
      domain_id:
        description: The account ID of the delegating party.
        type: str
      duration:
        description: Seconds the temporary credentials are valid, 900 to 86400.
        type: int
        default: 3600
  metadata_endpoint:
    description:
      - Base URL of the ECS metadata service, for the last link of the chain. Default C(http://169.254.169.254).
      - Requests use a metadata session token (C(PUT /meta-data/latest/api/token)) and never go through a proxy.
      - If not set, the value of the E(DBGOV_HUAWEICLOUD_METADATA_ENDPOINT) environment variable is used.
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
      - Seconds one HTTP attempt may take in total (connection, request, answer headers and body, however slowly the
        server sends them). More than 0, at most 3600.
      - A call with its retries ends within 120 seconds (or after one attempt when O(timeout) is longer); a refused
        connection, an unknown host or a refusing proxy is tried twice only. Retried attempts are listed in the
        result's C(retries) (shown with C(-v)).
    type: float
    default: 30
  wait_timeout:
    description:
      - Accepted by every module of the collection, so that one C(module_defaults) entry for the action group can set
        it. Modules that wait for the cloud document their own O(wait_timeout) (range and default); the others (the
        C(_info) modules, and modules whose calls finish at once) ignore it.
    type: int
  api_rate_limit:
    description:
      - The API budget, in calls per second, shared by every module process of this controller that uses the same
        cloud and O(access_key) (forks, hosts of one run, parallel runs) - calls are spaced C(1 / api_rate_limit) seconds
        apart through a lock file in the temporary directory (named after a hash of the cloud and the access key).
      - V(0) turns the budget off. If not set, the value of the E(DBGOV_API_RATE_LIMIT) environment variable is used,
        else 0 (no limit).
      - Huawei Cloud answers a throttled request with HTTP 429, which is retried; set a limit when many forks share one access key.
      - With C(-v) the result shows the budget under C(api_budget) (C(rate_limit), C(calls), C(waited_seconds)).
    type: float
notes:
  - Throttled requests (HTTP 429, C(APIGW.0308)) are retried with capped exponential backoff and jitter, honouring
    C(Retry-After). Other server errors are retried only for reads; a write is never repeated once it may have been executed.
  - Errors name the cloud's error code, message and request ID. Failure results never include request URLs, bodies or headers.
'''
