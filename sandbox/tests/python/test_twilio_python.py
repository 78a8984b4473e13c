"""Twilio's official twilio-python (9.13.0, pinned by scripts/python-deps) against the sandbox
binary: magic numbers pick the card, callbacks arrive signed (checked with twilio-python's own
RequestValidator), a client that does not wait for the caller is refused as Twilio documents,
and the sandbox's log says all of it without a secret.

Run by scripts/python-acceptance (SANDBOX_BIN names the binary).
"""

import http.server
import os
import queue
import subprocess
import threading
import unittest
import urllib.parse
import uuid

import twilio
from twilio.base.exceptions import TwilioRestException
from twilio.request_validator import RequestValidator
from twilio.rest import Client

ACCOUNT = "AC" + "5a" * 16
TOKEN = "SENTINEL-python-auth-token-91c"
WAIT = 10  # seconds: only stops a broken run
FIELDS = ["payment-card-number", "expiration-date", "security-code", "postal-code"]


class Sandbox:
    """The sandbox binary on a free port; its log (stderr) collected line by line."""

    def __init__(self):
        self.process = subprocess.Popen(
            [os.environ["SANDBOX_BIN"], "--port", "0",
             "--account-sid", ACCOUNT, "--auth-token", TOKEN],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            env={k: v for k, v in os.environ.items() if k != "RUST_LOG"},
        )
        self.log = []
        self.logged = threading.Condition()
        self.base_url = None
        for line in self.process.stdout:
            if line.startswith("Twilio Pay sandbox listening on "):
                self.base_url = line.split()[-1]
                break
        if self.base_url is None:
            raise RuntimeError("the sandbox did not start: " + self.process.stderr.read())
        threading.Thread(target=self._drain, args=(self.process.stdout, False), daemon=True).start()
        threading.Thread(target=self._drain, args=(self.process.stderr, True), daemon=True).start()

    def _drain(self, stream, keep):
        for line in stream:
            if keep:
                with self.logged:
                    self.log.append(line.rstrip("\n"))
                    self.logged.notify_all()

    def line(self, *parts):
        """The first log line holding every one of `parts`, waiting for it if need be."""
        def find():
            return next((l for l in self.log if all(p in l for p in parts)), None)
        with self.logged:
            if not self.logged.wait_for(find, timeout=WAIT):
                raise AssertionError("no log line with %r in:\n%s" % (parts, "\n".join(self.log)))
            return find()

    def assert_no_secret(self):
        with self.logged:
            log = "\n".join(self.log)
        for secret in [TOKEN, "4242424242424242", "4000000000000002"]:
            assert secret not in log, "the log shows %r" % secret

    def stop(self):
        self.process.kill()
        self.process.wait()
        return "\n".join(self.log)


class Receiver:
    """A status-callback receiver that checks X-Twilio-Signature with twilio-python's own
    RequestValidator and hands each callback over as (params, signature_valid)."""

    def __init__(self):
        received = self.received = queue.Queue()
        validator = RequestValidator(TOKEN)

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
                params = dict(urllib.parse.parse_qsl(body, keep_blank_values=True))
                url = "http://127.0.0.1:%d%s" % (self.server.server_port, self.path)
                valid = validator.validate(url, params, self.headers.get("X-Twilio-Signature", ""))
                received.put((params, valid))
                self.send_response(200 if valid else 403)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = "http://127.0.0.1:%d/pay/status" % self.server.server_port

    def next(self):
        params, valid = self.received.get(timeout=WAIT)
        assert valid, "bad signature on %r" % params
        return params

    def stop(self):
        self.server.shutdown()


class TwilioPythonAgainstTheSandbox(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        assert twilio.__version__ == "9.13.0", twilio.__version__
        cls.sandbox = Sandbox()
        cls.receiver = Receiver()
        cls.client = Client(ACCOUNT, TOKEN)
        # The one setting that points twilio-python at the sandbox.
        cls.client.api.base_url = cls.sandbox.base_url

    @classmethod
    def tearDownClass(cls):
        cls.receiver.stop()
        cls.sandbox.stop()

    def key(self, step):
        return "%s/%s" % (uuid.uuid4().hex, step)

    def payments(self, call_sid, sid=None):
        payments = self.client.calls(call_sid).payments
        return payments(sid) if sid else payments

    def call(self, to):
        return self.client.calls.create(to=to, from_="+15005550006", url="https://example.com/twiml")

    def test_a_declined_magic_number_ends_in_payment_connector_error(self):
        call = self.call("+15005550002")
        pay = self.payments(call.sid).create(
            idempotency_key=self.key("start"), status_callback=self.receiver.url,
            charge_amount=19.99)
        self.assertTrue(pay.sid.startswith("PK"))
        for field in FIELDS:
            self.payments(call.sid, pay.sid).update(
                idempotency_key=self.key(field), status_callback=self.receiver.url, capture=field)
            # Wait for the field's last callback, as a client must.
            while True:
                cb = self.receiver.next()
                if cb.get("Capture") == field and cb.get("PartialResult") == "false":
                    self.assertNotIn("ErrorType", cb)
                    break
        self.payments(call.sid, pay.sid).update(
            idempotency_key=self.key("complete"), status_callback=self.receiver.url,
            status="complete")
        final = self.receiver.next()
        self.assertEqual(final["Result"], "payment-connector-error")
        self.assertEqual(final["ConnectorError"], "card_declined")
        self.assertEqual(final["PaymentCardNumber"], "xxxxxxxxxxxx0002")
        self.assertEqual(final["ChargeAmount"], "19.99")
        # The sandbox's log told the story, one line per request and per callback attempt.
        log = self.sandbox
        log.line("call %s in progress: the caller keys in visa …0002 (declined) (chosen by To +15005550002)" % call.sid)
        log.line("/Calls/%s/Payments.json → 201 Created in " % call.sid)
        log.line("/Payments/%s.json → 202 Accepted in " % pay.sid)
        log.line("callback POST %s (%s Result=payment-connector-error) → 200 OK" % (self.receiver.url, pay.sid), "attempt 1/4")
        log.assert_no_secret()

    def test_a_client_that_does_not_wait_under_the_realistic_pace_is_refused(self):
        # +1 500 556 …: the same Visa 4242 card, keyed in at a human pace.
        call = self.call("+15005564242")
        pay = self.payments(call.sid).create(
            idempotency_key=self.key("start"), status_callback=self.receiver.url,
            charge_amount=5)
        for field in FIELDS:
            self.payments(call.sid, pay.sid).update(
                idempotency_key=self.key(field), status_callback=self.receiver.url, capture=field)
        with self.assertRaises(TwilioRestException) as refused:
            self.payments(call.sid, pay.sid).update(
                idempotency_key=self.key("complete"), status_callback=self.receiver.url,
                status="complete")
        self.assertEqual(refused.exception.status, 400)
        self.assertEqual(refused.exception.code, 64019)
        self.assertIn("still required: payment-card-number", refused.exception.msg)
        # The security code was asked for before any card number was in.
        cb = self.receiver.next()
        self.assertEqual(cb["Capture"], "security-code")
        self.assertEqual(cb["ErrorType"], "invalid-card-number-security-code-capture-sequence")
        self.payments(call.sid, pay.sid).update(
            idempotency_key=self.key("cancel"), status_callback=self.receiver.url,
            status="cancel")
        log = self.sandbox
        log.line("call %s in progress" % call.sid, "(chosen by To +15005564242), pace realistic (chosen by To +15005564242)")
        log.line("%s payment-card-number: the caller was cut off by Capture=expiration-date" % pay.sid)
        log.line("/Payments/%s.json → 400 Bad Request in " % pay.sid, "error 64019: Cannot complete the pay session")
        log.line("%s postal-code: the caller was cut off by Status=cancel" % pay.sid)
        log.assert_no_secret()


if __name__ == "__main__":
    unittest.main()
