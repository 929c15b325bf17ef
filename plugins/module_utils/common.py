# -*- coding: utf-8 -*-
# Copyright: dbgov.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What every layer shares and that depends on nothing: the plan a module builds (``Plan``/``Action``), the errors a
module reports (``ModuleFailure``, ``ValidationError``, ``PartialFailure``), the base of the service engines
(``Service``), the input checks, the password option pair and the bounded wait.

Service engines (``ddm``, ``dcs``, ``das``, ``polardb``, ``bastionhost``) import this module, never the module-flow
module ``base``, so that the layers point one way: module -> service engine -> cloud client -> transport.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import re
import time

SECRET_PLACEHOLDER = '********'
DIFF_CHANGED = '<changed>'


class ModuleFailure(Exception):
    """A failure the module reports as it is: ``msg``, a stable ``error_code`` (``code``) for callers to match on, and
    further result ``fields`` (only the allowlisted ones reach the result: operation, resource_id, request_id, changed...).

    Engines and modules raise it (or a subclass); ``CloudModule.run`` alone turns it into ``fail_json``.
    """

    def __init__(self, msg, code=None, **fields):
        super(ModuleFailure, self).__init__(msg)
        self.code = code
        self.fields = fields


class ValidationError(ModuleFailure):
    """Bad input, found before any write."""


class PartialFailure(ModuleFailure):
    """Some items of a batch failed while others succeeded (and stay in effect): both lists go into the result."""

    def __init__(self, msg, failed_items, succeeded_items, code=None, **fields):
        fields.setdefault('changed', bool(succeeded_items))
        super(PartialFailure, self).__init__(msg, code, failed_items=list(failed_items), succeeded_items=list(succeeded_items), **fields)
        self.failed_items = self.fields['failed_items']
        self.succeeded_items = self.fields['succeeded_items']


class Service:
    """The base of every service engine: one cloud resource (instance or cluster) during one module run.

    Bound to the cloud ``client`` of the service, the resource's ``resource_id``, the ``region`` and the wait settings
    (``wait``: wait for asynchronous changes; ``wait_timeout``: seconds, which also bound the retries of busy answers).
    A subclass reads and writes the cloud (raising ``ApiError``/``ModuleFailure``); the plans are pure functions
    next to it. ``sleep``/``clock`` replace ``time.sleep``/``time.monotonic`` in tests.
    """

    SERVICE = None        # the client's service name (``CloudModule.client(SERVICE)``)
    WAIT_TIMEOUT = 300    # when the module has no wait_timeout option

    def __init__(self, client, resource_id, region=None, wait=True, wait_timeout=None, sleep=None, clock=None):
        self.client = client
        self.resource_id = resource_id
        self.region = region
        self.wait = wait
        self.wait_timeout = self.WAIT_TIMEOUT if wait_timeout is None else wait_timeout
        self.sleep, self.clock = sleep, clock

    def wait_until(self, predicate, interval=2.0, max_interval=10.0):
        """``wait_until(predicate)`` bounded by this run's ``wait_timeout``."""
        return wait_until(predicate, self.wait_timeout, interval=interval, max_interval=max_interval, sleep=self.sleep, clock=self.clock)


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


class BatchItem:
    """One account of a set converged in one module run: its own ``plan``, ``before`` and predicted ``after`` views and its
    ``drift`` (V(none), V(missing), V(different), V(undeclared), V(unresolved)); ``note`` says why an unresolved item was
    left out. ``error`` is set by the module flow when one of its actions failed."""

    def __init__(self, name, plan, before, after, drift, diff_secrets=(), note=None):
        self.name = name
        self.plan = plan
        self.before = before
        self.after = after
        self.drift = drift
        self.diff_secrets = tuple(diff_secrets)
        self.note = note
        self.error = None


def drift_of(plan, before, state, undeclared=False):
    """The drift of one account from its plan: V(undeclared) (exclusive delete), V(missing), V(different) or V(none)."""
    if undeclared:
        return 'undeclared'
    if not plan:
        return 'none'
    if before is None and state == 'present':
        return 'missing'
    return 'different'


def check_unique(option, names):
    """Raise ValidationError naming ``option`` when a name appears twice in the list."""
    seen, twice = set(), []
    for name in names:
        if name in seen and name not in twice:
            twice.append(name)
        seen.add(name)
    if twice:
        raise ValidationError('%s: each account may appear once; repeated: %s' % (option, ', '.join(repr(n) for n in twice)))


# ---------------------------------------------------------------- input validation helpers

def check_pattern(option, value, pattern, rule):
    """Raise ValidationError naming ``option`` unless ``value`` fully matches ``pattern``."""
    if value is not None and not re.match(r'(?:%s)\Z' % pattern, value):
        raise ValidationError('%s: %r is not valid (%s)' % (option, value, rule))


def pattern_check(pattern, rule):
    """A ``check(option, value)`` that raises ValidationError naming ``option`` unless ``value`` fully matches ``pattern``."""
    return lambda option, value: check_pattern(option, value, pattern, rule)


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
        raise ValidationError(_unmasked('%s: the password %s' % (option, '; '.join(problems)), option, value, problems))


def _unmasked(text, option, value, problems):
    """``text``, or when the secret ``value`` occurs in it (Ansible masks every occurrence of a no_log value, so a
    password such as ``password`` would blank out the option name: ``********: the ******** must ...``), a wording
    that avoids it."""
    candidates = [text,
                  'option %s: the value given %s' % (option.upper(), '; '.join(problems)),
                  'option %s: the value given is not accepted (it is a word of this message); choose another' % option.upper(),
                  'OPTION %s: VALUE REFUSED' % option.upper()]
    for candidate in candidates:
        if value not in candidate:
            return candidate
    return candidates[-1]


def password_options():
    """The ``password`` and ``update_password`` options (doc fragment dbgov.cloud.options.password): no cloud tells whether
    a password differs, so the task says when to set it on an existing account (C(on_create): never; C(always): every run)."""
    return dict(
        password=dict(type='str', no_log=True),
        update_password=dict(type='str', default='on_create', choices=['on_create', 'always'], no_log=False),
    )


def wait_options(wait_timeout=300):
    """The ``wait`` and ``wait_timeout`` options (doc fragment dbgov.cloud.options.wait; a module with another default
    documents ``wait_timeout`` itself)."""
    return dict(
        wait=dict(type='bool', default=True),
        wait_timeout=dict(type='int', default=wait_timeout),
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


def api_view(item, fields, **extra):
    """The snake_case view of an API object: ``fields`` is a sequence of (API key, view key); ``extra`` adds computed keys.
    None stays None."""
    if item is None:
        return None
    view = dict((name, item.get(key)) for key, name in fields)
    view.update(extra)
    return view


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
