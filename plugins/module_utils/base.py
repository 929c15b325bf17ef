# -*- coding: utf-8 -*-
# Copyright: dbgov.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The flow every module shares (DESIGN.md): validate, read, plan, apply or skip in check mode, report.

A module builds a ``Plan`` of ``Action`` objects from the current and desired state and hands it,
with the before/after views, to ``CloudModule.finish``. ``changed`` is ``bool(plan)``; check mode
and diff come from the same plan, so the two can never disagree.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ansible_collections.dbgov.cloud.plugins.module_utils import alibabacloud, huaweicloud
from ansible_collections.dbgov.cloud.plugins.module_utils.common import ValidationError
from ansible_collections.dbgov.cloud.plugins.module_utils.transport import (
    ERROR_FIELDS, HAS_REQUESTS, REQUESTS_IMPORT_ERROR, ApiError, Transport,
)


class CloudModule:
    """AnsibleModule plus the cloud's connection options, clients, the error mapping and the result flow."""

    AUTH_SPEC = {}
    CLOUD = None

    def __init__(self, argument_spec, supports_check_mode=True, **kwargs):
        spec = dict(self.AUTH_SPEC)
        spec.update(argument_spec)
        self.ansible = AnsibleModule(argument_spec=spec, supports_check_mode=supports_check_mode, **kwargs)
        if not HAS_REQUESTS:
            self.ansible.fail_json(msg=missing_required_lib('requests'), exception=str(REQUESTS_IMPORT_ERROR))
        self.params = self.ansible.params
        self._transport = None
        self._clients = {}

    @property
    def check_mode(self):
        return self.ansible.check_mode

    @property
    def diff_mode(self):
        return self.ansible._diff

    @property
    def transport(self):
        if self._transport is None:
            self._transport = self._new_transport()
        return self._transport

    def _new_transport(self):
        return Transport(timeout=self.params['timeout'], validate_certs=self.params['validate_certs'],
                         ca_bundle=self.params.get('ca_bundle'))

    def client(self, service):
        if service not in self._clients:
            self._clients[service] = self._make_client(service)
        return self._clients[service]

    def _make_client(self, service):
        raise NotImplementedError

    def region_client(self, service, region):
        """A client of ``service`` in ``region`` on a transport of its own, for reading regions in parallel threads.

        Thread safety: requests does not document a Session as safe to share between threads, so every region gets its
        own transport (own session, retry state and per-run memo such as the Huawei project id of that region). The
        connection's own region reuses the module's transport and clients. A client only ever runs in one thread.
        """
        if region == self.params.get('region'):
            return self.client(service)
        return self._region_client(service, region, self._new_transport())

    def _region_client(self, service, region, transport):
        raise NotImplementedError

    def add_secret(self, value):
        """Hide a secret obtained or derived at run time from every output."""
        if value:
            self.ansible.no_log_values.add(value)

    def warn(self, msg):
        self.ansible.warn(msg)

    def fail(self, msg, **fields):
        """fail_json with only allowlisted fields (DESIGN.md: never a URL, body, header or raw response)."""
        result = dict((k, v) for k, v in fields.items() if k in ERROR_FIELDS and v is not None)
        self.ansible.fail_json(msg=msg, **result)

    def fail_api(self, err, msg=None, plan=None, **fields):
        text = err.describe() if msg is None else '%s: %s' % (msg, err.describe())
        fields.update(err.to_result())
        if plan is not None:
            fields['actions'] = plan.public()
        self.fail(text, **fields)

    def run(self, main):
        """Run ``main(self)``, mapping ValidationError and ApiError to clean failures."""
        try:
            main(self)
        except ValidationError as exc:
            self.fail(str(exc), error_code=exc.code)
        except ApiError as exc:
            self.fail_api(exc)

    def apply(self, plan):
        """Perform the plan's actions in order (never in check mode); stop at the first failure."""
        if self.check_mode:
            return
        for action in plan.actions:
            try:
                action.result = action.call()
            except ApiError as exc:
                action.status = 'failed'
                done = len([a for a in plan.actions if a.status == 'done'])
                # changed: something was written (an earlier action, or this one before its wait failed)
                self.fail_api(exc, msg='%s did not complete (%d of %d planned actions had completed before it)'
                              % (action.operation, done, len(plan)), plan=plan, changed=bool(done or exc.executed))
            action.status = 'done'

    def finish(self, plan, before, after, key, reread=None, **extra):
        """Apply (unless check mode), re-read the end state when something changed, and exit.

        ``before``/``after`` are the resource views for the diff (``after`` is the predicted end state);
        ``reread()`` returns the real end state after a real change. An ``extra`` value that is callable is
        called after the plan ran (for values only known then, such as a request id).
        """
        self.apply(plan)
        if plan and not self.check_mode and reread is not None:
            after = reread()
        result = dict(changed=bool(plan), actions=plan.public())
        result[key] = after
        if self.diff_mode:
            result['diff'] = dict(before=_diff_view(key, before), after=_diff_view(key, after))
        result.update((name, value() if callable(value) else value) for name, value in extra.items())
        self.ansible.exit_json(**result)


def _diff_view(key, view):
    """A diff side as Ansible's callbacks render it: a dict (a list view is shown under its result key)."""
    if view is None:
        return {}
    if isinstance(view, (list, tuple)):
        return {key: list(view)}
    return view


class HuaweiCloudModule(CloudModule):
    AUTH_SPEC = huaweicloud.AUTH_SPEC
    CLOUD = 'huaweicloud'

    def _make_client(self, service):
        return huaweicloud.HuaweiClient(self.params, self.transport, service)

    def _region_client(self, service, region, transport):
        # project_id names a project of the connection's region: another region resolves its own through IAM
        return huaweicloud.HuaweiClient(dict(self.params, region=region, project_id=None), transport, service)


class AlibabaCloudModule(CloudModule):
    AUTH_SPEC = alibabacloud.AUTH_SPEC
    CLOUD = 'alibabacloud'

    def _make_client(self, service):
        return alibabacloud.AlibabaClient(self.params, self.transport, service)

    def _region_client(self, service, region, transport):
        return alibabacloud.AlibabaClient(dict(self.params, region=region), transport, service)
