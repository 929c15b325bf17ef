# -*- coding: utf-8 -*-
# Copyright: dbgov.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The flow every module shares: validate, read, plan, apply or skip in check mode, report.

A module binds a service engine to the task's resource (``CloudModule.service``), reads, builds a ``Plan`` of
``Action`` objects from the current and desired state with the engine's plan function and hands it, with the
before/after views, to ``CloudModule.finish``. ``changed`` is ``bool(plan)``; check mode and diff come from the same
plan, so the two can never disagree. Errors are raised (``ModuleFailure`` and its subclasses, ``ApiError``) and
``CloudModule.run`` alone turns them into ``fail_json``.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ansible_collections.dbgov.cloud.plugins.module_utils import alibabacloud, huaweicloud
from ansible_collections.dbgov.cloud.plugins.module_utils.common import DIFF_CHANGED, ModuleFailure
from ansible_collections.dbgov.cloud.plugins.module_utils.transport import (
    ERROR_FIELDS, HAS_REQUESTS, REQUESTS_IMPORT_ERROR, ApiError, Transport,
)


class CloudModule:
    """AnsibleModule plus the cloud's connection options, clients, the error mapping and the result flow."""

    AUTH_SPEC = {}

    def __init__(self, argument_spec, supports_check_mode=True, **kwargs):
        spec = dict(self.AUTH_SPEC)
        # Every module accepts wait_timeout (doc fragments), so that a group module_defaults entry that sets it does not
        # break the modules that do not wait; those ignore it, the others declare their own (range, default).
        spec['wait_timeout'] = dict(type='int')
        spec.update(argument_spec)
        self.ansible = AnsibleModule(argument_spec=spec, supports_check_mode=supports_check_mode, **kwargs)
        if not HAS_REQUESTS:
            self.ansible.fail_json(msg=missing_required_lib('requests'), exception=str(REQUESTS_IMPORT_ERROR))
        self.params = self.ansible.params
        self._transport = None
        self._clients = {}
        self._applied = None   # the plan once apply() started on it: a later failure reports its actions

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

    def service(self, engine, resource_id, **kwargs):
        """The service engine ``engine`` (a ``common.Service`` subclass) bound to ``resource_id`` for this run: its cloud
        client, the ``region`` option and the ``wait``/``wait_timeout`` options when the module has them."""
        params = self.params
        if 'wait' in params:
            kwargs.setdefault('wait', params['wait'])
        if params.get('wait_timeout') is not None:
            kwargs.setdefault('wait_timeout', params['wait_timeout'])
        return engine(self.client(engine.SERVICE), resource_id, params.get('region'), **kwargs)

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
        """fail_json with only allowlisted fields (never a URL, body, header or raw response)."""
        result = dict((k, v) for k, v in fields.items() if k in ERROR_FIELDS and v is not None)
        self.ansible.fail_json(msg=msg, **result)

    def fail_api(self, err, msg=None, plan=None, **fields):
        text = err.describe() if msg is None else '%s: %s' % (msg, err.describe())
        fields.update(err.to_result())
        if plan is not None:
            fields['actions'] = plan.public()
        self.fail(text, **fields)

    def run(self, main):
        """Run ``main(self)``, mapping ModuleFailure (ValidationError, PartialFailure...) and ApiError to clean failures.

        A failure after the plan was applied (a re-read, a per-item failure) also reports the plan's ``actions``.
        """
        try:
            main(self)
        except ModuleFailure as exc:
            fields = dict(exc.fields)
            if self._applied is not None:
                fields.setdefault('actions', self._applied.public())
            fields['error_code'] = exc.code
            self.fail(str(exc), **fields)
        except ApiError as exc:
            self.fail_api(exc)

    def apply(self, plan):
        """Perform the plan's actions in order (never in check mode); stop at the first failure."""
        if self.check_mode:
            return
        self._applied = plan
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

    def finish(self, plan, before, after, key, reread=None, diff_secrets=(), **extra):
        """Apply (unless check mode), re-read the end state when something changed, and exit.

        ``before``/``after`` are the resource views for the diff (``after`` is the predicted end state);
        ``reread()`` returns the real end state after a real change (it raises to fail). ``diff_secrets``: the secret
        fields the plan sets (a password), shown as ``<changed>`` on the diff's after side, never in ``key``'s view.
        An ``extra`` value that is callable is called after the plan ran (for values only known then, such as a
        request id).
        """
        self.apply(plan)
        if plan and not self.check_mode and reread is not None:
            after = reread()
        result = dict(changed=bool(plan), actions=plan.public())
        result[key] = after
        if self.diff_mode:
            result['diff'] = dict(before=_diff_view(key, before), after=_diff_view(key, after))
            if diff_secrets:
                result['diff']['after'] = dict(result['diff']['after'], **dict((name, DIFF_CHANGED) for name in diff_secrets))
        result.update((name, value() if callable(value) else value) for name, value in extra.items())
        self.ansible.exit_json(**result)

    def exit_info(self, **result):
        """The result of an _info module: nothing changed, ``result`` as given."""
        self.ansible.exit_json(changed=False, **result)


def _diff_view(key, view):
    """A diff side as Ansible's callbacks render it: a dict (a list view is shown under its result key)."""
    if view is None:
        return {}
    if isinstance(view, (list, tuple)):
        return {key: list(view)}
    return view


class HuaweiCloudModule(CloudModule):
    AUTH_SPEC = huaweicloud.AUTH_SPEC

    def _make_client(self, service):
        return huaweicloud.HuaweiClient(self.params, self.transport, service)

    def _region_client(self, service, region, transport):
        # project_id names a project of the connection's region: another region resolves its own through IAM
        return huaweicloud.HuaweiClient(dict(self.params, region=region, project_id=None), transport, service)


class AlibabaCloudModule(CloudModule):
    AUTH_SPEC = alibabacloud.AUTH_SPEC

    def _make_client(self, service):
        return alibabacloud.AlibabaClient(self.params, self.transport, service)

    def _region_client(self, service, region, transport):
        return alibabacloud.AlibabaClient(dict(self.params, region=region), transport, service)
