"""Authentication for scripts/schemathesis: the demo account's session, fetched again every second.

A static bearer token would not last the run: POST /api/sandbox/advance may move the sandbox clock up to a year on,
past the session's lifetime, after which every authenticated case would fail with 401 for that reason alone.
Loaded through SCHEMATHESIS_HOOKS; TF_BASE is the platform's base URL.
"""
import json
import os
import urllib.request

import schemathesis


@schemathesis.auth(refresh_interval=1)
class DemoSession:
    def get(self, case, ctx):
        request = urllib.request.Request(
            os.environ["TF_BASE"] + "/api/auth/login",
            data=json.dumps({"email": "demo@techflunky.dev", "password": "techflunky-demo"}).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.load(response)["token"]

    def set(self, case, data, ctx):
        case.headers = case.headers or {}
        case.headers["Authorization"] = f"Bearer {data}"
