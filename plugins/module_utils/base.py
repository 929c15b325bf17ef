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

import re
import time

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ansible_collections.dbgov.cloud.plugins.module_utils import alibabacloud, huaweicloud
from ansible_collections.dbgov.cloud.plugins.module_utils.transport import (
    ERROR_FIELDS, HAS_REQUESTS, REQUESTS_IMPORT_ERROR, ApiError, Transport,
)

SECRET_PLACEHOLDER = '********'
DIFF_CHANGED = '<changed>'


class ValidationError(Exception):
    """Bad input, found before any write (``code``: a stable ``error_code`` for callers to match on)."""

    def __init__(self, msg, code=None):
        super(ValidationError, self).__init__(msg)
        self.code = code


class Action:
    """One API operation of a plan: a public description (no secret) and the call that performs it."""

    def __init__(self, operation, call, target=None, **params):
        self.operation = operation
        self.call = call
        self.target = target
        self.params = params
        self.status = 'planned'
        self.result = None

    def public(self):
        entry = dict(operation=self.operation, status=self.status)
        if self.target is not None:
            entry['target'] = self.target
        if self.params:
            entry['params'] = self.params
        return entry


class Plan:
    def __init__(self):
        self.actions = []

    def add(self, operation, call, target=None, **params):
        """Queue ``call`` (no arguments); ``params`` is what the result shows (pass secrets as SECRET_PLACEHOLDER)."""
        action = Action(operation, call, target, **params)
        self.actions.append(action)
        return action

    def __bool__(self):
        return bool(self.actions)

    __nonzero__ = __bool__

    def __len__(self):
        return len(self.actions)

    def public(self):
        return [a.public() for a in self.actions]


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
            self._transport = Transport(timeout=self.params['timeout'], validate_certs=self.params['validate_certs'],
                                        ca_bundle=self.params.get('ca_bundle'))
        return self._transport

    def client(self, service):
        if service not in self._clients:
            self._clients[service] = self._make_client(service)
        return self._clients[service]

    def _make_client(self, service):
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


class AlibabaCloudModule(CloudModule):
    AUTH_SPEC = alibabacloud.AUTH_SPEC
    CLOUD = 'alibabacloud'

    def _make_client(self, service):
        return alibabacloud.AlibabaClient(self.params, self.transport, service)


# ---------------------------------------------------------------- input validation helpers

def check_pattern(option, value, pattern, rule):
    """Raise ValidationError naming ``option`` unless ``value`` fully matches ``pattern``."""
    if value is not None and not re.match(r'(?:%s)\Z' % pattern, value):
        raise ValidationError('%s: %r is not valid (%s)' % (option, value, rule))


def check_range(option, value, low, high):
    if value is not None and not low <= value <= high:
        raise ValidationError('%s: %s is out of range (%d to %d)' % (option, value, low, high))


def check_length(option, value, high, low=0):
    if value is not None and not low <= len(value) <= high:
        raise ValidationError('%s: length %d is out of range (%d to %d characters)' % (option, len(value), low, high))


def check_password(option, value, low, high, specials, forbid=(), classes=3, username=None):
    """Password rules: length, at least ``classes`` of lower/upper/digit/special, only allowed characters.

    The message never contains the password itself.
    """
    if value is None:
        return
    problems = []
    if not low <= len(value) <= high:
        problems.append('must be %d to %d characters long' % (low, high))
    kinds = [any(c.islower() for c in value), any(c.isupper() for c in value), any(c.isdigit() for c in value),
             any(c in specials for c in value)]
    if sum(kinds) < classes:
        problems.append('must contain at least %d of: lowercase letters, uppercase letters, digits, special characters (%s)'
                        % (classes, specials))
    allowed = set(specials)
    bad = sorted(set(c for c in value if not (c.isascii() and c.isalnum()) and c not in allowed))
    bad += [c for c in forbid if c in value and c not in bad]
    if bad:
        problems.append('contains characters that are not allowed (%s)' % ' '.join(repr(c) for c in bad))
    if username and (username in value or username[::-1] in value):
        problems.append('must not contain the account name or the name reversed')
    if problems:
        raise ValidationError('%s: the password %s' % (option, '; '.join(problems)))


def password_options():
    """The ``password`` and ``update_password`` options: no cloud tells whether a password differs, so the task says when
    to set it on an existing account (C(on_create): never; C(always): every run)."""
    return dict(
        password=dict(type='str', no_log=True),
        update_password=dict(type='str', default='on_create', choices=['on_create', 'always'], no_log=False),
    )


def password_to_set(params):
    """The password to set on an existing account: ``password`` when update_password=always, else None."""
    return params.get('password') if params.get('update_password') == 'always' else None


def wait_until(predicate, timeout, interval=2.0, max_interval=10.0, sleep=None, clock=None):
    """Poll ``predicate()`` (returns a truthy value when done) until done or ``timeout`` seconds; return its last value."""
    sleep = sleep or time.sleep
    clock = clock or time.monotonic
    deadline = clock() + timeout
    while True:
        value = predicate()
        if value or clock() >= deadline:
            return value
        sleep(min(interval, max(0.0, deadline - clock())))
        interval = min(max_interval, interval * 1.5)


def exact_matches(items, **fields):
    """The API objects in ``items`` whose ``fields`` have exactly (case-sensitively) the given values; a None value filters nothing."""
    return [item for item in items if all(value is None or item.get(key) == value for key, value in fields.items())]


def select_views(items, view, sort_by=None, **fields):
    """``view(item)`` for each of ``exact_matches(items, **fields)``: sorted by the views' ``sort_by`` key (None as '') when
    given, else in the API's order. What an _info module returns."""
    views = [view(item) for item in exact_matches(items, **fields)]
    if sort_by is not None:
        views.sort(key=lambda v: v[sort_by] or '')
    return views


def diff_fields(current, desired):
    """The keys of ``desired`` (ignoring None) whose value differs from ``current``; lists compare as sets."""
    changed = []
    for key, want in desired.items():
        if want is None:
            continue
        have = current.get(key)
        if isinstance(want, (list, tuple, set)):
            if set(want) != set(have or []):
                changed.append(key)
        elif want != have:
            changed.append(key)
    return changed
