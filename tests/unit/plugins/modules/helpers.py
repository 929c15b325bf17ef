# -*- coding: utf-8 -*-
# Copyright: dbgov.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the module tests share besides fixtures (those are in conftest.py): connection options, the exception a
captured exit_json/fail_json raises, and the operation names of recorded calls.

Import it as ``ansible_collections.dbgov.cloud.tests.unit.plugins.modules.helpers``: that name works under
``ansible-test units`` and under plain pytest with PYTHONPATH at the collections root.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

HUAWEI_SK = 'unit-test-secret-key-0000000000000000000001'
HUAWEI_ARGS = dict(region='cn-north-4', project_id='e7f4b2c5a9d84f3e8c1b6a0d2f9e4c71', access_key='AK0000000000000000001',
                   secret_key=HUAWEI_SK, endpoint='http://127.0.0.1:1/{service}')
ALIBABA_SK = 'unit-test-alibaba-secret-0000000001'
ALIBABA_ARGS = dict(region='cn-hangzhou', access_key='LTAIunit00000000001', secret_key=ALIBABA_SK, endpoint='http://127.0.0.1:1/{service}')


class ModuleExit(SystemExit):
    """Raised by the patched exit_json (``failed`` False) and fail_json (``failed`` True); ``result`` holds their keywords.
    A SystemExit like the real ones' sys.exit: CloudModule.run's "unexpected error" net must let it through."""

    def __init__(self, failed, result):
        super(ModuleExit, self).__init__(result)
        self.failed = failed
        self.result = result


def operations(calls):
    """The operation names of recorded calls, in order: a record is a dict with ``operation`` or a tuple that starts with it."""
    return [call['operation'] if isinstance(call, dict) else call[0] for call in calls]
