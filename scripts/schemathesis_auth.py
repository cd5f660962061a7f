"""Authentication for scripts/schemathesis: the demo account's session, fetched again every second.

A static bearer token would not last the run: POST /api/sandbox/advance may move the sandbox clock up to a year on,
past the session's lifetime, after which every authenticated case would fail with 401 for that reason alone.
Loaded through SCHEMATHESIS_HOOKS; TF_BASE is the platform's base URL.

The run's own cases may lock the demo account for a while: schemathesis learns the demo email from responses and
sends it to POST /api/auth/login with generated passwords, and the platform throttles failed sign-ins per email
(429). Then a fresh account is signed up instead, so the run keeps an authenticated session; the throttle ends as
the window passes (or the sandbox clock moves) and the demo session comes back.
"""
import json
import os
import urllib.request

import schemathesis
import secrets
import urllib.error


@schemathesis.auth(refresh_interval=1)
class DemoSession:
    def get(self, case, ctx):
        try:
            return _token("/api/auth/login", {"email": "demo@techflunky.dev", "password": "techflunky-demo"})
        except urllib.error.HTTPError as error:
            if error.code != 429:
                raise
        email = f"schemathesis-{secrets.token_hex(6)}@example.com"
        return _token("/api/auth/signup", {"email": email, "password": secrets.token_hex(12), "displayName": "schemathesis"})

    def set(self, case, data, ctx):
        case.headers = case.headers or {}
        case.headers["Authorization"] = f"Bearer {data}"


def _token(path, body):
    request = urllib.request.Request(
        os.environ["TF_BASE"] + path,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.load(response)["token"]
