# -*- coding: utf-8 -*-
# Copyright: dbgov.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type


class ModuleDocFragment(object):
    """Connection and authentication options of every Alibaba Cloud module."""

    DOCUMENTATION = r'''
requirements:
  - python >= 3.9 (on the host that runs the module, usually the controller)
  - requests >= 2.25.0
options:
  region:
    description:
      - The Alibaba Cloud region ID, for example C(cn-hangzhou). Selects the endpoint and is sent as C(RegionId) where the API takes it.
      - If not set, the value of the E(ALIBABA_CLOUD_REGION_ID) or E(ALICLOUD_REGION) environment variable is used (first found),
        then the C(region_id) of the CLI profile that supplied the credentials. The module fails naming these when none is set.
    type: str
  access_key:
    description:
      - The AccessKey ID used to sign requests (ACS3-HMAC-SHA256). Not required, credentials come from the first link of
        this chain that has them (the order of the Alibaba Cloud Credentials tool's default chain).
      - 1. Options O(access_key) and O(secret_key) (with O(security_token)), or the CLI profile named by O(profile).
      - 2. Environment, first found of each pair, E(ALIBABA_CLOUD_ACCESS_KEY_ID) or E(ALICLOUD_ACCESS_KEY).
      - 3. OIDC (RRSA), AssumeRoleWithOIDC with E(ALIBABA_CLOUD_ROLE_ARN), E(ALIBABA_CLOUD_OIDC_PROVIDER_ARN) and
        E(ALIBABA_CLOUD_OIDC_TOKEN_FILE), see O(profile).
      - 4. The aliyun CLI profile in C(~/.aliyun/config.json), see O(profile).
      - 5. The ECS RAM role of the instance, from the metadata service, see O(metadata_endpoint).
      - O(assume_role) then applies on top of what the chain found. When nothing is found the module fails with
        C(no credentials) and the links it tried, before any request.
    type: str
  secret_key:
    description:
      - The AccessKey secret. It never appears in results, errors or diffs.
      - If not set, the value of the E(ALIBABA_CLOUD_ACCESS_KEY_SECRET) or E(ALICLOUD_SECRET_KEY) environment variable is used
        (environment link of the chain, see O(access_key)).
    type: str
  security_token:
    description:
      - The STS security token of temporary credentials (sent as the signed C(x-acs-security-token) header).
      - If not set, the value of the E(ALIBABA_CLOUD_SECURITY_TOKEN) or E(ALICLOUD_SECURITY_TOKEN) environment variable is used
        together with the environment's key pair.
    type: str
  profile:
    description:
      - The name of an aliyun CLI profile in C(~/.aliyun/config.json), used as an explicit option (before the environment).
      - Unset, the profile link of the chain uses E(ALIBABA_CLOUD_PROFILE) or E(ALICLOUD_PROFILE), else the file's C(current) profile.
      - Supported modes are C(AK), C(StsToken), C(RamRoleArn) (AssumeRole with the profile's key), C(EcsRamRole) and C(OIDC).
      - The OIDC link (before the profile) reads E(ALIBABA_CLOUD_ROLE_ARN), E(ALIBABA_CLOUD_OIDC_PROVIDER_ARN),
        E(ALIBABA_CLOUD_OIDC_TOKEN_FILE) and optionally E(ALIBABA_CLOUD_ROLE_SESSION_NAME); the token file is read again
        at each renewal and its content never appears in output.
    type: str
  assume_role:
    description:
      - Assume this RAM role (STS AssumeRole) with the credentials the chain found, and sign with the role's temporary
        credentials, renewed before they expire. STS is reached through O(endpoint) as service V(sts).
      - Unset, E(DBGOV_ALIBABACLOUD_ASSUME_ROLE_ARN) with E(DBGOV_ALIBABACLOUD_ASSUME_ROLE_SESSION_NAME),
        E(DBGOV_ALIBABACLOUD_ASSUME_ROLE_DURATION) and E(DBGOV_ALIBABACLOUD_ASSUME_ROLE_EXTERNAL_ID) are used when set.
    type: dict
    suboptions:
      role_arn:
        description: The role ARN, C(acs:ram::<account id>:role/<name>).
        type: str
        required: true
      session_name:
        description: The role session name (2-64 letters, digits, C(.), C(_), C(@), C(-)); default C(dbgov-cloud-ansible).
        type: str
      duration:
        description: Seconds the temporary credentials are valid, 900 to 43200 (at most the role's maximum session duration).
        type: int
        default: 3600
      policy:
        description: A session policy (JSON text or a dict) that further restricts the role's permissions.
        type: raw
      external_id:
        description: The external ID the role's trust policy requires.
        type: str
  metadata_endpoint:
    description:
      - Base URL of the ECS instance metadata service, for the EcsRamRole link of the chain. Default C(http://100.100.100.200).
      - Requests use the hardened mode (a session token from C(PUT /latest/api/token)) and never go through a proxy.
      - The role name comes from E(ALIBABA_CLOUD_ECS_METADATA) (or the profile's C(ram_role_name)), else from the metadata service.
        The link is skipped when E(ALIBABA_CLOUD_ECS_METADATA_DISABLED) is C(true).
      - If not set, the value of the E(DBGOV_ALIBABACLOUD_METADATA_ENDPOINT) environment variable is used.
    type: str
  endpoint:
    description:
      - Base URL that replaces the public endpoints, for a VPC endpoint, a proxy or the local emulator.
      - May contain the placeholders C({service}) (V(polardb), V(bastionhost), V(sts)) and C({region}), so that one
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
        else 10.
      - The default follows the Bastionhost limit of 10 calls per second per account documented in its API reference (QPS limits).
      - With C(-v) the result shows the budget under C(api_budget) (C(rate_limit), C(calls), C(waited_seconds)).
    type: float
notes:
  - Throttling (C(Throttling*), C(Rejected.Throttling)) answers are retried with capped exponential backoff and jitter.
    C(ServiceUnavailable), C(System.Busy) and other server errors are retried only for reads and for writes that are
    idempotent by nature; a write is never repeated once it may have been executed.
  - Errors name the cloud's error code, message and request ID. Failure results never include request URLs, query strings or headers.
'''
