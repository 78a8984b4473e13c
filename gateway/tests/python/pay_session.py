"""A whole pay session with Twilio's official Python helper (twilio 9.13.0), its base URL
pointed at the gateway and a gateway key as its credentials. Run by gateway/tests/suite/twilio_python.rs,
which starts the gateway and checks the status callbacks; prints one JSON line of what it did."""

import json
import os
import sys

import twilio
from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client

assert twilio.__version__ == "9.13.0", twilio.__version__

gateway = os.environ["GATEWAY_URL"]
callback = os.environ["STATUS_CALLBACK"]
# The gateway key as the helper's API key; the account SID still names the account.
client = Client(os.environ["GATEWAY_KEY_ID"], os.environ["GATEWAY_KEY_SECRET"], os.environ["ACCOUNT_SID"])
client.api.base_url = gateway

call = client.calls.create(to="+15005550006", from_="+15005550001", url="https://example.com/twiml")
payments = client.calls(call.sid).payments
session = payments.create(idempotency_key="py-1/start", status_callback=callback, charge_amount=19.99)
for i, field in enumerate(["payment-card-number", "expiration-date", "security-code", "postal-code"]):
    payments(session.sid).update(idempotency_key=f"py-1/capture-{i}", status_callback=callback, capture=field)
done = payments(session.sid).update(idempotency_key="py-1/complete", status_callback=callback, status="complete")

# A refusal by the declaration comes back as Twilio's error, read by the helper as one.
refusal = {}
try:
    payments.create(idempotency_key="py-2/start", status_callback=callback, timeout=601)
except TwilioRestException as e:
    refusal = {"status": e.status, "code": e.code, "message": e.msg}

# A key the gateway does not know is refused with 401, as Twilio would.
stranger = Client("SKffffffffffffffffffffffffffffffff", "gw_wrong", os.environ["ACCOUNT_SID"])
stranger.api.base_url = gateway
unauthenticated = None
try:
    stranger.calls(call.sid).fetch()
except TwilioRestException as e:
    unauthenticated = e.status

json.dump(
    {
        "call": call.sid,
        "payment": session.sid,
        "completed": done.sid,
        "refusal": refusal,
        "unauthenticated": unauthenticated,
    },
    sys.stdout,
)
print()
