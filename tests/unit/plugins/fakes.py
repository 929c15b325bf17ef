# -*- coding: utf-8 -*-
# Copyright: dbgov.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Stand-ins the unit tests of module_utils and modules share.

Import it as ``ansible_collections.dbgov.cloud.tests.unit.plugins.fakes``: that name works under ``ansible-test units``
and under plain pytest with PYTHONPATH at the collections root.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import hashlib
import hmac
import types


class FakeClock:
    """A clock that sleeping advances (nothing really sleeps): pass ``sleep``/``clock`` to a wait, or put the whole object
    in place of the ``time`` module of ``module_utils.common`` (it has ``sleep`` and ``monotonic``)."""

    def __init__(self):
        self.now = 0.0
        self.sleeps = []

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds

    def clock(self):
        return self.now

    monotonic = clock


class FakeHuaweiClient:
    """Stands in for HuaweiClient: ``request`` records every call (all its arguments, the optional ones defaulting to None)
    in ``calls`` and returns ``answer(operation, call)``, which a test's subclass implements."""

    def __init__(self):
        self.calls = []

    def request(self, method, path, operation, **kwargs):
        call = dict(dict(query=None, body=None, headers=None, busy_codes=None, deadline=None), method=method, path=path,
                    operation=operation, **kwargs)
        self.calls.append(call)
        return self.answer(operation, call)

    def answer(self, operation, call):  # pylint: disable=unused-argument
        return {}

    def operations(self):
        return [c['operation'] for c in self.calls]


def fake_alibaba_client(base, answer, calls):
    """A real ``base`` (AlibabaClient: paginate and the rest run) whose ``call`` appends
    (action, params, write, idempotent) to ``calls`` and returns ``answer(action, params)``, without HTTP."""

    class FakeAlibabaClient(base):
        def __init__(self):  # pylint: disable=super-init-not-called
            self.calls = calls

        def call(self, action, params=None, write=False, idempotent=False, busy_codes=(), deadline=None):
            params = dict(params or {})
            self.calls.append((action, params, write, idempotent))
            return answer(action, params)

    return FakeAlibabaClient()


class HashRecorder:
    """Stands in for hashlib/hmac inside a signer module and keeps what was hashed and signed:
    ``monkeypatch.setattr(signer, 'hashlib', SimpleNamespace(sha256=rec.sha256))`` and the same for ``hmac`` with ``rec.new``."""

    def __init__(self):
        self.hashed = []
        self.signed = []

    def sha256(self, data=b''):
        self.hashed.append(data)
        return hashlib.sha256(data)

    def new(self, key, msg, digestmod):
        self.signed.append(msg)
        return hmac.new(key, msg, digestmod)

    def canonical_request(self):
        """The canonical request: the hashed input whose digest is the last line of the string to sign."""
        last_line = self.signed[-1].decode('utf-8').rsplit('\n', 1)[-1]
        found = [data for data in self.hashed if hashlib.sha256(data).hexdigest() == last_line]
        assert len(found) == 1, 'the string to sign does not end with the hash of one hashed input'
        return found[0].decode('utf-8')

    def patch(self, monkeypatch, signer):
        """Put this recorder in place of the ``hashlib`` and ``hmac`` that module ``signer`` uses; return it."""
        monkeypatch.setattr(signer, 'hashlib', types.SimpleNamespace(sha256=self.sha256))
        monkeypatch.setattr(signer, 'hmac', types.SimpleNamespace(new=self.new))
        return self


def refused_secret(check, option, secret, *args):
    """Run ``check(option, secret, *args)``: it must raise ValidationError naming ``option`` without echoing ``secret``;
    return the message."""
    from ansible_collections.dbgov.cloud.plugins.module_utils.common import ValidationError  # pylint: disable=import-outside-toplevel
    text = None
    try:
        check(option, secret, *args)
    except ValidationError as exc:
        text = str(exc)
    assert text is not None, 'the check accepted the value'
    assert text.startswith(option + ': ') and secret not in text, text
    return text


class CapturingTransport:
    """Transport stand-in: builds (and signs) the request once, keeps it, answers ``answer``."""

    def __init__(self, answer=None):
        self.sent = []
        self.answer = {} if answer is None else answer

    def call(self, build, parse_error, is_retryable, service, operation, write=False, idempotent=False, deadline=None,  # pylint: disable=unused-argument
             body_error=None):
        self.sent.append(build())
        return 200, {}, self.answer
