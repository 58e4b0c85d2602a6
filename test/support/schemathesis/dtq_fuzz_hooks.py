"""Schemathesis hooks for dtq's OpenAPI fuzz test (test/api/openapi-fuzz.test.ts).

A few rules of the API cannot be said in JSON Schema, so a request the document allows may still
be refused with a 400 for them. Only those 400s, when schemathesis sent schema-valid data
(ST202, "Schema-valid request rejected"), are set aside here, each recognised by dtq's own error
body (code and field), never by status alone. A generated body over the 1 MiB limit answered
with the documented 413 PAYLOAD_TOO_LARGE (ST201, "Schema-violating request accepted") is set
aside too: it was refused. Every other disagreement fails the run.
"""

import schemathesis

# (error code, field, message) of the refusals JSON Schema cannot foresee.
UNSTATABLE_RULES = {
    # A page cursor is an opaque token the API gave out (next_cursor): any other string is refused.
    ("INVALID_QUERY", "cursor", "is not a cursor this API gave out: pass next_cursor from the previous page"),
    # A rule across two fields of one payload.
    ("INVALID_PAYLOAD", "payload.target", "must differ from base"),
    # A deployment's own bound on timeouts (JOB_TIMEOUT_MAX_MS, here its default), below the
    # contract's: the document states the contract's, which every deployment shares.
    ("INVALID_BODY", "timeout_ms", "must be at most 3600000 ms, the longest timeout this deployment allows"),
    # A run_at is refused more than 30 days after the submit: the bound moves with the clock.
    ("INVALID_BODY", "run_at", "must be at most 30 days (2592000000 ms) after the submit"),
}

# (error code, field) of refusals whose message names what is wrong with the value: a schedule's
# cron (the document says five or six fields; what each may hold is croner's grammar, and a cron
# may parse and never fire) and its time zone (an IANA name the runtime knows).
UNSTATABLE_FIELDS = {
    ("INVALID_BODY", "cron"),
    ("INVALID_BODY", "timezone"),
    # A callback_url's host must resolve, to public addresses (or be listed in
    # CALLBACK_ALLOWED_HOSTS), and the deployment must sign webhooks (WEBHOOK_SECRET): DNS and a
    # deployment's settings, which no schema states.
    ("INVALID_BODY", "callback_url"),
}


def error_code(response):
    try:
        return response.json()["error"]["code"]
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


@schemathesis.hook
def filter_failure(ctx, failure, case, response):
    """Keep every failure except ST202 answered with one of the refusals above, and ST201 answered 413."""
    # A generated body over the documented 1 MiB limit is refused unread with the documented 413:
    # a rejection, though not one of the statuses schemathesis expects by default.
    if failure.code == "ST201" and response.status_code == 413 and error_code(response) == "PAYLOAD_TOO_LARGE":
        return False
    if failure.code != "ST202" or response.status_code != 400:
        return True
    try:
        error = response.json()["error"]
        fields = error.get("details", {}).get("fields", [])
    except (ValueError, KeyError, TypeError, AttributeError):
        return True
    refusals = {(error.get("code"), item.get("field"), item.get("message")) for item in fields}
    unstatable = {refusal for refusal in refusals if refusal in UNSTATABLE_RULES or refusal[:2] in UNSTATABLE_FIELDS}
    return not (refusals and refusals == unstatable)
