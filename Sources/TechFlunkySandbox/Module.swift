// TechFlunkySandbox: offline, stateful stand-ins for the Stripe and Cloudflare APIs that speak their
// real wire formats, with fault injection, for the embedded default and for tests.
// May import Hummingbird, GRDB, Crypto, Logging, NIO, TechFlunkyHTTP (webhook delivery) and TechFlunkyCore
// (re-exported, below) — never the platform.
//
// Entry point: `SandboxServer.start(SandboxConfiguration(dataDir:…))` serves both on one loopback port.
// State is one SQLite file (`sandbox.sqlite`) plus one file per D1 database (`d1/<uuid>.sqlite`).
//
// Stripe (base `stripeAPIBase`, `Authorization: Bearer sk_test_…`, form bodies with bracket keys):
//   POST /v1/checkout/sessions · GET /v1/checkout/sessions/{id}[?expand[]=…] · POST …/{id}/expire
//   GET …/{id}/line_items · POST /v1/accounts · GET /v1/accounts/{id} · POST /v1/account_links
//   POST /v1/transfers · POST /v1/transfers/{id}/reversals · POST /v1/refunds
//   GET /v1/{payment_intents,charges,transfers,refunds,events,disputes}/{id}
//   `Idempotency-Key` on POSTs: 24 h, replay answers `Idempotent-Replayed: true`, other parameters → idempotency_error.
//   Events are signed (`Stripe-Signature: t=…,v1=…`) and delivered to the webhook endpoint with retries.
// Hosted pages (plain HTML, all text escaped): GET /checkout/{session} (pay with 4242…, or the declined
//   card 4000 0000 0000 0002), GET/POST /connect/onboarding/{token}.
// Sandbox API (no auth; loopback only):
//   POST /sandbox/checkout/{session}/pay {"outcome": "succeeded"|"processing"|"declined"}
//   POST /sandbox/checkout/{session}/expire · POST /sandbox/accounts/{acct}/complete-onboarding
//   POST /sandbox/trigger/{refund|dispute} {"charge", "amount"?, "reason"?}
//   POST /sandbox/trigger/{expire|async_payment_succeeded|async_payment_failed} {"session"}
//   GET /sandbox/stripe/events · POST /sandbox/stripe/events/{id}/resend
//   POST /sandbox/stripe/webhook-endpoint {"url", "secret"} · POST /sandbox/clock/advance {"seconds"}
//   POST|GET|DELETE /sandbox/faults (see `SandboxFault`)
//   POST /sandbox/cloudflare/accounts {"name"} · POST /sandbox/cloudflare/tokens {"accountId"?, "permissions"?}
//   GET /sandbox/cloudflare/demo (the seeded demo account id, token, zone and workers.dev subdomain)
//   GET /sandbox/cloudflare/accounts/{id}/resources (what the account holds; `SandboxServer.cloudflareResources`)
//
// Cloudflare (base `cloudflareAPIBase` = …/client/v4, `Authorization: Bearer <token>`, v4 envelope):
//   GET /user/tokens/verify · GET /accounts/{id}/tokens/verify · GET /user/tokens/{id} · GET /accounts[/{id}]
//   D1: POST|GET /accounts/{id}/d1/database[?name=] · GET|DELETE …/{uuid} · POST …/{uuid}/query {"sql","params"}
//   R2: POST|GET /accounts/{id}/r2/buckets · GET|DELETE …/{name} · PUT|GET …/{name}/cors
//   Workers: GET …/workers/scripts · PUT|GET|DELETE …/workers/scripts/{name} (multipart upload)
//     GET …/scripts/{name}/settings · GET|PUT …/workers/subdomain · POST|GET …/scripts/{name}/subdomain
//     PUT|GET …/scripts/{name}/secrets · DELETE …/secrets/{secret}
//   Zones: GET|POST /zones · GET /zones/{id} · DNS: GET|POST /zones/{id}/dns_records, GET|PUT|PATCH|DELETE …/{rec}
//   Custom hostnames: GET|POST /zones/{id}/custom_hostnames, GET|DELETE …/{id}
//   Errors carry Cloudflare's codes (1000/10000 tokens, 9109 permissions, 7502/7404/7500 D1, 10004/10005/10006
//   R2, 10021/10007 Workers, 81057/81053/81044 DNS, 1406 custom hostnames, 971 + Retry-After over the rate).
//
// Smoke checks: the stand-in cannot run JavaScript. A Worker published on workers.dev answers at
//   GET {baseURL}/workers.dev/<script>.<subdomain>.workers.dev/health  (`SandboxServer.smokeCheckURL(for:)` maps
//   `https://<host>/health` there; a host with a sandbox CNAME to a workers.dev host is followed)
// with 200 JSON when the script exists, is enabled on workers.dev, and every D1/R2 binding still resolves;
// 404 when it is not published there; 500 naming the bindings that no longer resolve.

// Core's wire helpers (`JSONValue`, `RetryPolicy`) are the stand-ins' vocabulary in nearly every file, so the
// module re-exports Core instead of each file importing it (the stand-ins and their tests see the same types).
@_exported import TechFlunkyCore
