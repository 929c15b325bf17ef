# Copyright: dbgov.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The environment that points the collection at the local cloud: what `make emulator` prints to paste.

Standard library only and importable on its own (hack/demo.py and the unit tests load it by path). The quick start
guide shows these lines for the standard port 8765; a unit test fails when the guide and this module differ.
"""

import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
STANDARD_PORT = 8765
HUAWEI_REGION = 'cn-north-4'
ALIBABA_REGION = 'cn-hangzhou'


def _json(*path):
    with open(os.path.join(HERE, *path), encoding='utf-8') as handle:
        return json.load(handle)


def credentials():
    """The local cloud's permanent test keys (credentials.json): (huawei, alibaba), each {access_key, secret_key}."""
    keys = _json('credentials.json')
    huawei = [k for k in keys['huawei'] if not k.get('security_token')][0]
    alibaba = [k for k in keys['alibaba'] if not k.get('security_token')][0]
    return huawei, alibaba


def project_id(region=HUAWEI_REGION):
    """The Huawei Cloud project id of ``region`` in the seeded IAM (the modules find it from the region)."""
    return [p['id'] for p in _json('seed', 'iam.json')['projects'] if p['name'] == region][0]


def settings(url):
    """The environment variables, by name, for the local cloud at ``url`` (http://127.0.0.1:PORT)."""
    huawei, alibaba = credentials()
    endpoint = url.rstrip('/') + '/{service}'
    return {
        'HUAWEICLOUD_SDK_AK': huawei['access_key'], 'HUAWEICLOUD_SDK_SK': huawei['secret_key'],
        'HUAWEICLOUD_SDK_REGION': HUAWEI_REGION, 'DBGOV_HUAWEICLOUD_ENDPOINT': endpoint,
        'ALIBABA_CLOUD_ACCESS_KEY_ID': alibaba['access_key'], 'ALIBABA_CLOUD_ACCESS_KEY_SECRET': alibaba['secret_key'],
        'ALIBABA_CLOUD_REGION_ID': ALIBABA_REGION, 'DBGOV_ALIBABACLOUD_ENDPOINT': endpoint,
    }


def export_lines(url):
    """Four `export` lines for a POSIX shell (bash, zsh), copy-pasteable as printed."""
    env = settings(url)
    pairs = [('HUAWEICLOUD_SDK_AK', 'HUAWEICLOUD_SDK_SK'), ('HUAWEICLOUD_SDK_REGION', 'DBGOV_HUAWEICLOUD_ENDPOINT'),
             ('ALIBABA_CLOUD_ACCESS_KEY_ID', 'ALIBABA_CLOUD_ACCESS_KEY_SECRET'),
             ('ALIBABA_CLOUD_REGION_ID', 'DBGOV_ALIBABACLOUD_ENDPOINT')]
    quoted = {name: ("'%s'" % value if '{' in value else value) for name, value in env.items()}
    return ['export ' + ' '.join('%s=%s' % (name, quoted[name]) for name in pair) for pair in pairs]


def banner(url):
    """What `make emulator` prints once the local cloud answers."""
    return '\n'.join([
        'The local cloud is running at %s (Huawei Cloud IAM, DDM, DCS, DAS; Alibaba Cloud PolarDB, Bastionhost),' % url,
        'seeded from tests/emulator/seed/*.json. Ctrl-C stops it. In another shell, paste:',
        '',
    ] + export_lines(url) + [
        '',
        'These are the local cloud\'s test keys, not secrets. Huawei Cloud services are project-scoped: the modules find',
        'the project id of %s (%s) from the region through IAM.' % (HUAWEI_REGION, project_id()),
        'Then, with the collection installed (`make install`) and the tools of .venv (`. .venv/bin/activate`):',
        '',
        '  ansible localhost -m dbgov.cloud.ddm_user_info -a instance_id=0a8f1c6baa124e99853719d9257324dfin09',
        '',
    ])
