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

import base64
import ipaddress
import json
import math
import os
import re
import traceback

from urllib.parse import quote, quote_plus, urlsplit

from ansible.module_utils import basic
from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ansible_collections.dbgov.cloud.plugins.module_utils import alibabacloud, credentials, huaweicloud, throttle
from ansible_collections.dbgov.cloud.plugins.module_utils.common import DIFF_CHANGED, ModuleFailure, PartialFailure, Plan, ValidationError
from ansible_collections.dbgov.cloud.plugins.module_utils.transport import (
    ERROR_FIELDS, HAS_REQUESTS, REQUESTS_IMPORT_ERROR, ApiError, Transport,
)

TIMEOUT_MAX = 3600
# the AnsibleModule keywords that check options against each other: with an unknown option they would speak first
_CROSS_CHECKS = ('required_one_of', 'required_if', 'required_together', 'required_by', 'mutually_exclusive')
_NAME_RE = re.compile(r'[A-Za-z0-9][A-Za-z0-9_.-]{0,63}\Z')
_HOST_RE = re.compile(r'(?:[A-Za-z0-9_-]+\.)*[A-Za-z0-9_-]+\.?\Z')


def secret_forms(value):
    """``value`` and every encoding of it this collection (or a server echoing a request) can produce: URL-encoded (as
    both signers and ``requests`` encode, upper- and lower-case hex, form encoding), JSON-escaped and base64."""
    text = value if isinstance(value, str) else str(value)
    if not text:
        return set()
    forms = {text}
    for encoded in (quote(text, safe='~'), quote(text, safe=''), quote(text), quote_plus(text), quote_plus(text, safe='~')):
        forms.add(encoded)
        forms.add(re.sub('%[0-9A-F]{2}', lambda m: m.group(0).lower(), encoded))
        forms.add(quote(encoded, safe='~'))  # encoded twice (a canonical query quoted in a string to sign or a URL)
    forms.add(json.dumps(text)[1:-1])
    forms.add(json.dumps(text, ensure_ascii=False)[1:-1])
    raw = text.encode('utf-8')
    forms.add(base64.b64encode(raw).decode('ascii'))
    forms.add(base64.urlsafe_b64encode(raw).decode('ascii'))
    forms.add(base64.b64encode(raw).decode('ascii').rstrip('='))
    return set(form for form in forms if form)


def _strings(value):
    if isinstance(value, dict):
        return set().union(*[_strings(v) for v in value.values()]) if value else set()
    if isinstance(value, (list, tuple, set)):
        return set().union(*[_strings(v) for v in value]) if value else set()
    if value is None or isinstance(value, bool) or value == '':
        return set()
    return {str(value)}


def _fallback(opts):
    """The option's fallback value (environment), or None."""
    spec = opts.get('fallback')
    if not spec:
        return None
    strategy, args, kwargs = spec[0], [], {}
    for item in spec[1:]:
        if isinstance(item, dict):
            kwargs = item
        else:
            args = item
    try:
        return strategy(*args, **kwargs)
    except Exception:  # pylint: disable=broad-except  # AnsibleFallbackNotFound and anything else: no value
        return None


def early_secrets(spec, params):
    """The no_log values of ``params`` (and of their environment fallbacks), walking sub-options and skipping elements of
    the wrong type. AnsibleModule collects them too, but some cores give up at the first list element that is not a
    dict, and then print every secret of the task at -vvv with the validation error."""
    found = set()
    if not isinstance(params, dict):
        return found
    for name, opts in spec.items():
        value = params.get(name)
        for alias in opts.get('aliases') or ():
            if value is None:
                value = params.get(alias)
        if opts.get('no_log'):
            found |= _strings(value if value is not None else _fallback(opts))
        sub = opts.get('options')
        if sub and value is not None:
            for item in (value if isinstance(value, list) else [value]):
                found |= early_secrets(sub, item)
    return found


def bad_dict_elements(spec, params, prefix=''):
    """``option[index]`` of every list-of-dicts (or dict) element that is neither a dict nor a string AnsibleModule can
    turn into one (its own message names no option: "dictionary requested, could not parse JSON or key=value")."""
    from ansible.module_utils.common.validation import check_type_dict
    bad = []
    if not isinstance(params, dict):
        return bad
    for name, opts in spec.items():
        value = params.get(name)
        if value is None or not opts.get('options') or not (opts.get('type') == 'dict' or opts.get('elements') == 'dict'):
            continue
        items = value if isinstance(value, list) else [value]
        for index, item in enumerate(items):
            where = '%s%s[%d]' % (prefix, name, index) if isinstance(value, list) else prefix + name
            if isinstance(item, str):
                try:
                    item = check_type_dict(item)
                except (TypeError, ValueError):
                    pass
            if isinstance(item, dict):
                bad.extend(bad_dict_elements(opts['options'], item, where + '.'))
            else:
                bad.append('%s is a %s, not a dictionary' % (where, type(item).__name__))
    return bad


def _raw_params():
    try:
        params = basic._load_params()  # pylint: disable=protected-access  # documented for "very dynamic" modules
    except Exception:  # pylint: disable=broad-except  # AnsibleModule reports a bad input itself
        return None
    return params if isinstance(params, dict) else None


def unknown_options(spec, params):
    legal = set(spec)
    for opts in spec.values():
        legal.update(opts.get('aliases') or ())
    return sorted(name for name in params if name not in legal and not name.startswith('_ansible_'))


class _AnsibleModule(AnsibleModule):
    """AnsibleModule that masks the secrets found before its validation ran, whatever that validation manages."""

    def __init__(self, early, bad=(), **kwargs):
        self._dbgov_early = early
        self._dbgov_bad = bad
        super(_AnsibleModule, self).__init__(**kwargs)

    _dbgov_transport = None

    def _retries(self, kwargs):
        # every retried attempt of the run, shown with -v (the result is printed at -v; warnings would show always)
        events = getattr(self._dbgov_transport, 'events', None)
        if events and 'retries' not in kwargs:
            kwargs['retries'] = list(events)

    def exit_json(self, **kwargs):
        self._retries(kwargs)
        super(_AnsibleModule, self).exit_json(**kwargs)

    _dbgov_bad = ()

    def fail_json(self, msg, **kwargs):
        self.no_log_values.update(getattr(self, '_dbgov_early', ()))
        if self._dbgov_bad:
            # a validation failure of AnsibleModule itself: say which element of which option is wrong
            msg = '%s (%s)' % ('; '.join(self._dbgov_bad), msg)
        self._retries(kwargs)
        super(_AnsibleModule, self).fail_json(msg=msg, **kwargs)


class CloudModule:
    """AnsibleModule plus the cloud's connection options, clients, the error mapping and the result flow."""

    AUTH_SPEC = {}
    CLOUD = None  # the credential chain to resolve ('huaweicloud' / 'alibabacloud', module_utils/credentials.py)

    def __init__(self, argument_spec, supports_check_mode=True, **kwargs):
        spec = dict(self.AUTH_SPEC)
        # Every module accepts wait_timeout (doc fragments), so that a group module_defaults entry that sets it does not
        # break the modules that do not wait; those ignore it, the others declare their own (range, default).
        spec['wait_timeout'] = dict(type='int')
        # the API budget (doc fragments huaweicloud/alibabacloud; module_utils/throttle.py)
        spec['api_rate_limit'] = dict(type='float')
        spec.update(argument_spec)
        self.spec = spec
        raw = _raw_params()
        early = set()
        if raw is not None:
            for value in early_secrets(spec, raw):
                early.update(secret_forms(value))
            if unknown_options(spec, raw):
                # an unknown option (a typo) is the error to report, not the "one of ... is required" or "missing
                # required arguments" it causes: with every option optional and untyped, AnsibleModule reports only it
                spec = dict((name, dict([(k, v) for k, v in opts.items() if k in ('aliases', 'no_log', 'fallback')], type='raw'))
                            for name, opts in spec.items())
                kwargs = dict((k, v) for k, v in kwargs.items() if k not in _CROSS_CHECKS)
        bad = bad_dict_elements(spec, raw) if raw is not None else []
        self.ansible = _AnsibleModule(early, bad, argument_spec=spec, supports_check_mode=supports_check_mode, **kwargs)
        self.ansible._dbgov_bad = ()  # validation passed: later failures are not about those elements
        if not HAS_REQUESTS:
            self.ansible.fail_json(msg=missing_required_lib('requests'), exception=str(REQUESTS_IMPORT_ERROR))
        # every secret in every encoding the collection (or a server echoing a request) produces
        for value in list(self.ansible.no_log_values):
            self.ansible.no_log_values.update(secret_forms(value))
        self.params = self.ansible.params
        self._transport = None
        self._clients = {}
        self._applied = None   # the plan once apply() started on it: a later failure reports its actions
        self._credentials = None

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
            self.ansible._dbgov_transport = self._transport
            self._transport.throttle = self.api_budget()
        return self._transport

    def _new_transport(self):
        return Transport(timeout=self.params['timeout'], validate_certs=self.params['validate_certs'],
                         ca_bundle=self.params.get('ca_bundle'))

    def api_budget(self):
        """The throttle shared by every module process of this controller using the same cloud and access key."""
        rate = self.params.get('api_rate_limit')
        if rate is not None and rate < 0:
            raise ValidationError('api_rate_limit: must be 0 (no limit) or more calls per second')
        return throttle.Throttle(throttle.state_path(self.CLOUD, self.params.get('access_key')),
                                 throttle.resolve_rate(self.CLOUD, rate))

    def _budget_fields(self):
        """``api_budget`` for the result when the task runs with -v (or more) and a request was sent."""
        limiter = self._transport.throttle if self._transport is not None else None
        if limiter is None or getattr(self.ansible, '_verbosity', 0) < 1:
            return {}
        return dict(api_budget=limiter.report())

    def client(self, service):
        if service not in self._clients:
            self._clients[service] = self._make_client(service, self.credentials)
        return self._clients[service]

    @property
    def credentials(self):
        """The credential chain's session (resolved once per run, renewed before expiry); its secrets join no_log_values."""
        if self._credentials is None:
            self._credentials = credentials.resolve(self.CLOUD, self.params, self.transport, on_secret=self.add_secret)
        return self._credentials

    def _make_client(self, service, session):
        raise NotImplementedError

    def service(self, engine, resource_id, client=None, **kwargs):
        """The service engine ``engine`` (a ``common.Service`` subclass) bound to ``resource_id`` for this run: its cloud
        client (or ``client``, e.g. one of ``worker_clients``), the ``region`` option and the ``wait``/``wait_timeout``
        options when the module has them."""
        params = self.params
        if 'wait' in params:
            kwargs.setdefault('wait', params['wait'])
        if params.get('wait_timeout') is not None:
            kwargs.setdefault('wait_timeout', params['wait_timeout'])
        return engine(client or self.client(engine.SERVICE), resource_id, params.get('region'), **kwargs)

    def worker_clients(self, service):
        """A factory of clients of ``service`` in the connection's region, each on a transport of its own, for reading
        several resources of one region in parallel threads (the thread-safety rule of ``region_client``). The
        credentials (and the Huawei project) are resolved once, here in the calling thread, and shared by every client;
        so is the API budget."""
        main = self.client(service)
        session, project_id = self.credentials, getattr(main, 'project_id', None)   # resolved here, not in a thread
        budget = self.transport.throttle

        def make():
            transport = self._new_transport()
            transport.throttle = budget
            return self._worker_client(service, transport, session, project_id)
        return make

    def _worker_client(self, service, transport, session, project_id):
        raise NotImplementedError

    def region_client(self, service, region):
        """A client of ``service`` in ``region`` on a transport of its own, for reading regions in parallel threads.

        Thread safety: requests does not document a Session as safe to share between threads, so every region gets its
        own transport (own session, retry state and per-run memo such as the Huawei project id of that region). The
        connection's own region reuses the module's transport and clients. A client only ever runs in one thread.
        """
        if region == self.params.get('region'):
            return self.client(service)
        transport = self._new_transport()
        transport.throttle = self.transport.throttle   # one API budget for every region of the run
        return self._region_client(service, region, transport)

    def _region_client(self, service, region, transport):
        raise NotImplementedError

    def add_secret(self, value):
        """Hide a secret obtained or derived at run time from every output, in every encoding."""
        if value:
            self.ansible.no_log_values.update(secret_forms(value))

    def warn(self, msg):
        self.ansible.warn(msg)

    def fail(self, msg, **fields):
        """fail_json with only allowlisted fields (never a URL, body, header or raw response)."""
        result = dict((k, v) for k, v in fields.items() if k in ERROR_FIELDS and v is not None)
        result.update(self._budget_fields())
        self.ansible.fail_json(msg=msg, **result)

    def fail_api(self, err, msg=None, plan=None, **fields):
        text = err.describe() if msg is None else '%s: %s' % (msg, err.describe())
        fields.update(err.to_result())
        if plan is not None:
            fields['actions'] = plan.public()
        self.fail(text, **fields)

    def validate_connection(self):
        """Check every connection option before any request (a message naming the option, zero requests)."""
        params = self.params
        timeout = params.get('timeout')
        if timeout is not None and not (math.isfinite(timeout) and 0 < timeout <= TIMEOUT_MAX):
            raise ValidationError('timeout: %s is out of range (more than 0, at most %d seconds)' % (timeout, TIMEOUT_MAX),
                                  code='InvalidTimeout')
        for name in ('region', 'project_id'):
            value = params.get(name)
            if value is not None and not _NAME_RE.match(value):
                raise ValidationError('%s: %r is not valid (letters, digits, "-", "_" and ".", at most 64 characters)' % (name, value),
                                      code='InvalidParameter')
        endpoint = params.get('endpoint')
        if endpoint is not None:
            check_endpoint('endpoint', endpoint)
        bundle = params.get('ca_bundle')
        if bundle and params.get('validate_certs', True) and not os.path.isfile(bundle):
            raise ValidationError('ca_bundle: %s is not a readable file' % bundle, code='InvalidParameter')
        for name, opts in self.spec.items():
            value = params.get(name)
            if opts.get('type') in ('int', 'float') and isinstance(value, (int, float)) and not isinstance(value, bool):
                if not math.isfinite(value) or value < 0:
                    raise ValidationError('%s: %s is out of range (a number of at least 0)' % (name, value), code='InvalidParameter')

    def run(self, main):
        """Run ``main(self)``, mapping ModuleFailure (ValidationError, PartialFailure...) and ApiError to clean failures,
        and anything else to an "unexpected error" failure whose traceback is in ``exception`` (shown with -vvv), never
        in the message.

        A failure after the plan was applied (a re-read, a per-item failure) also reports the plan's ``actions``.
        """
        try:
            self.validate_connection()
            main(self)
        except ModuleFailure as exc:
            fields = dict(exc.fields)
            if self._applied is not None:
                fields.setdefault('actions', self._applied.public())
            fields['error_code'] = exc.code
            self.fail(str(exc), **fields)
        except ApiError as exc:
            self.fail_api(exc)
        except Exception as exc:  # pylint: disable=broad-except
            self.fail('unexpected error (%s): %s; please report it with the -vvv output' % (type(exc).__name__, exc),
                      error_code='UnexpectedError', exception=traceback.format_exc())

    def apply(self, plan):
        """Perform the plan's actions in order (never in check mode); stop at the first failure."""
        if self.check_mode:
            return
        self._applied = plan
        for action in plan.actions:
            try:
                action.result = action.call()
            except ApiError as exc:
                done = len([a for a in plan.actions if a.status == 'done'])
                if getattr(exc, 'uncertain', False):
                    # the write was sent and its answer lost: it may have been applied, so report changed
                    action.status = 'uncertain'
                    self.fail_api(exc, msg='outcome uncertain: %s was sent but its answer was lost, so it may have been '
                                  'applied (%d of %d planned actions had completed before it); run the task again to '
                                  'see and converge the real state' % (action.operation, done, len(plan)),
                                  plan=plan, changed=True)
                action.status = 'failed'
                # changed: something was written (an earlier action, or this one before its wait failed)
                self.fail_api(exc, msg='%s did not complete (%d of %d planned actions had completed before it)'
                              % (action.operation, done, len(plan)), plan=plan, changed=bool(done or exc.executed))
            action.status = 'done'

    def verify(self, plan, before, predicted, reread, unverified=()):
        """After a real change, the re-read must show what was asked: fail naming every field where it does not (a cloud
        that answered "done" without doing it, or a change undone meanwhile). ``unverified``: fields the read cannot
        show on this resource (they are not compared)."""
        details = self.unapplied(before, predicted, reread, unverified)
        if details:
            self.fail(details, changed=True, error_code='ChangeNotApplied', actions=plan.public())

    def unapplied(self, before, predicted, reread, unverified=()):
        """What the re-read shows that the change did not do, as a message (None when it did what was asked, or when
        the task asked not to wait: the change may still be in progress)."""
        if self.params.get('wait') is False:
            return None
        if predicted is None and before is not None:
            predicted = {}  # a deletion: the re-read must find nothing
        wrong = [field for field in mismatches(before, predicted, reread) if field not in unverified]
        if not wrong:
            return None
        details = ', '.join('%s is %r, asked %r' % (f, reread.get(f), predicted.get(f)) if f in (reread or {}) else f for f in wrong)
        return 'the state read back after the change is not what was asked: %s' % details

    def finish(self, plan, before, after, key, reread=None, diff_secrets=(), unverified=(), **extra):
        """Apply (unless check mode), re-read the end state when something changed, and exit.

        ``before``/``after`` are the resource views for the diff (``after`` is the predicted end state);
        ``reread()`` returns the real end state after a real change (it raises to fail). ``diff_secrets``: the secret
        fields the plan sets (a password), shown as ``<changed>`` on the diff's after side, never in ``key``'s view.
        ``unverified``: fields the re-read cannot show on this resource, left out of the check of the end state.
        An ``extra`` value that is callable is called after the plan ran (for values only known then, such as a
        request id).
        """
        self.apply(plan)
        if plan and not self.check_mode and reread is not None:
            predicted, after = after, reread()
            self.verify(plan, before, predicted, after, unverified)
        result = dict(changed=bool(plan), actions=plan.public())
        result[key] = after
        if self.diff_mode:
            result['diff'] = dict(before=_diff_view(key, before), after=_diff_view(key, after))
            if diff_secrets:
                result['diff']['after'] = dict(result['diff']['after'], **dict((name, DIFF_CHANGED) for name in diff_secrets))
        result.update((name, value() if callable(value) else value) for name, value in extra.items())
        result.update(self._budget_fields())
        self.ansible.exit_json(**result)

    def finish_batch(self, items, key, item_key, reread=None, unverified=(), **extra):
        """Converge a set of accounts planned up front (``common.BatchItem``) and exit.

        Every item's actions run in order (never in check mode); an item whose action fails stops there and the others
        go on. When something was written, ``reread()`` returns the end state of the whole set in one read as
        ``{name: view}``. The result holds ``changed``, every ``actions`` entry, ``key``: one entry per item (``name``,
        ``drift``, ``changed``, ``actions``, ``item_key``: the view after the task, ``note``, and ``diff`` in diff mode),
        and ``diff`` of the whole set. Each written item's re-read must show what its plan asked (``unverified``: fields
        the re-read cannot show), else the item fails with ``ChangeNotApplied``. Failed items raise ``PartialFailure``
        (failed and succeeded names) at the end.
        """
        combined = Plan()
        for item in items:
            combined.actions.extend(item.plan.actions)
        if not self.check_mode:
            self._applied = combined
            for item in items:
                for action in item.plan.actions:
                    try:
                        action.result = action.call()
                    except ApiError as exc:
                        action.status = 'failed'
                        item.error = dict(name=item.name, msg='%s did not complete: %s' % (action.operation, exc.describe()),
                                          **dict((k, v) for k, v in exc.to_result().items() if v is not None))
                        if exc.executed:
                            item.error['executed'] = True
                        break
                    action.status = 'done'
        done = [item for item in items if any(a.status == 'done' for a in item.plan.actions)]
        if done and reread is not None:
            views = reread()
            for item in items:
                if item.plan:
                    predicted, item.after = item.after, views.get(item.name)
                    if item in done and not item.error:
                        self._verify_item(item, predicted, unverified)
        entries, before_all, after_all = [], {}, {}
        for item in items:
            changed = bool(item.plan) if self.check_mode else (item in done or bool(item.error and item.error.get('executed')))
            entry = dict(name=item.name, drift=item.drift, changed=changed, actions=item.plan.public(), note=item.note)
            entry[item_key] = item.after
            before_all[item.name] = item.before
            after_all[item.name] = dict(item.after, **dict((n, DIFF_CHANGED) for n in item.diff_secrets)) if (
                item.after and item.diff_secrets and item.plan) else item.after
            if self.diff_mode:
                entry['diff'] = dict(before=_diff_view(item_key, item.before), after=_diff_view(item_key, after_all[item.name]))
            entries.append(entry)
        failed = [item.error for item in items if item.error]
        changed = any(entry['changed'] for entry in entries)
        if failed:
            details = '; '.join('%s: %s' % (f['name'], f['msg']) for f in failed)
            raise PartialFailure('%d of %d planned accounts failed: %s' % (len(failed), len([i for i in items if i.plan]), details),
                                 failed, [item.name for item in done if not item.error], changed=changed, actions=combined.public())
        result = dict(changed=changed, actions=combined.public())
        result[key] = entries
        if self.diff_mode:
            result['diff'] = dict(before={key: dict((n, v) for n, v in before_all.items() if v is not None)},
                                  after={key: dict((n, v) for n, v in after_all.items() if v is not None)})
        result.update((name, value() if callable(value) else value) for name, value in extra.items())
        result.update(self._budget_fields())
        self.ansible.exit_json(**result)

    def _verify_item(self, item, predicted, unverified):
        """A batch item whose writes completed: its re-read (``item.after``; None when the account is gone) against the
        ``predicted`` view (None for a deletion)."""
        wrong = self.unapplied(item.before, predicted, item.after, unverified)
        if wrong:
            item.error = dict(name=item.name, msg=wrong, error_code='ChangeNotApplied', executed=True)

    def exit_info(self, **result):
        """The result of an _info module: nothing changed, ``result`` as given."""
        result.update(self._budget_fields())
        self.ansible.exit_json(changed=False, **result)


def _normal(value):
    """A value as compared after a change: lists as sorted sets, DIFF_CHANGED/None as "not compared"."""
    if isinstance(value, (list, tuple, set)):
        return sorted(set(json.dumps(item, sort_keys=True) for item in value))
    if isinstance(value, dict):
        return json.dumps(value, sort_keys=True)
    return value


def mismatches(before, predicted, reread):
    """The fields the plan changed (``predicted`` differs from ``before``) whose re-read value is not the predicted one.

    Only dict views are compared; fields predicted as None or as a placeholder (a password) are not."""
    if not isinstance(predicted, dict):
        return []
    if not predicted:
        # a deletion: the re-read must find nothing
        return ['(the resource still exists)'] if reread else []
    if not isinstance(reread, dict) or not reread:
        return ['(the resource was not found)']
    before = before if isinstance(before, dict) else {}
    wrong = []
    for field, want in predicted.items():
        if want is None or want == DIFF_CHANGED or field not in reread or _normal(want) == _normal(before.get(field)):
            continue
        if _normal(reread.get(field)) != _normal(want):
            wrong.append(field)
    return wrong


def _is_ip(host):
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def check_endpoint(option, value):
    """An endpoint URL (with optional {service}/{region} placeholders): http(s)://host[:port][/path], nothing else."""
    sample = value.replace('{service}', 'service').replace('{region}', 'region')
    try:
        split = urlsplit(sample)
        port = split.port
        host = split.hostname
    except ValueError as exc:
        raise ValidationError('%s: %r is not a valid URL (%s)' % (option, value, exc), code='InvalidEndpoint')
    if split.username is not None or split.password is not None:
        # never echo it: it holds credentials
        raise ValidationError('%s: the URL must not carry a user name or password' % option, code='InvalidEndpoint')
    problems = []
    if split.scheme not in ('http', 'https'):
        problems.append('the scheme must be https or http')
    if not host or not (_HOST_RE.match(host) or _is_ip(host)):
        problems.append('it needs a valid host name')
    if port is not None and not 0 < port < 65536:
        problems.append('the port must be 1 to 65535')
    if split.query or split.fragment or '?' in sample or '#' in sample:
        problems.append('it must not have a query or fragment')
    if re.search(r'\{(?!service\}|region\})', value):
        problems.append('the only placeholders are {service} and {region}')
    if problems:
        raise ValidationError('%s: %r is not a valid endpoint URL (%s)' % (option, value, '; '.join(problems)), code='InvalidEndpoint')


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

    def _make_client(self, service, session):
        return huaweicloud.HuaweiClient(self.params, self.transport, service, credentials=session)

    def _region_client(self, service, region, transport):
        # project_id names a project of the connection's region: another region resolves its own through IAM
        return huaweicloud.HuaweiClient(dict(self.params, region=region, project_id=None), transport, service,
                                        credentials=self.credentials)

    def _worker_client(self, service, transport, session, project_id):
        return huaweicloud.HuaweiClient(dict(self.params, project_id=project_id), transport, service, credentials=session)


class AlibabaCloudModule(CloudModule):
    AUTH_SPEC = alibabacloud.AUTH_SPEC
    CLOUD = 'alibabacloud'

    def _make_client(self, service, session):
        return alibabacloud.AlibabaClient(self.params, self.transport, service, credentials=session)

    def _region_client(self, service, region, transport):
        return alibabacloud.AlibabaClient(dict(self.params, region=region), transport, service, credentials=self.credentials)

    def _worker_client(self, service, transport, session, project_id):
        return alibabacloud.AlibabaClient(self.params, transport, service, credentials=session)
