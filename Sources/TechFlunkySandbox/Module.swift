// TechFlunkySandbox: offline, stateful stand-ins for the Stripe and Cloudflare APIs that speak their
// real wire formats (form-encoded Stripe requests, signed webhooks; Cloudflare's v4 envelope, D1 on real
// SQLite files, multipart Worker uploads), with fault injection, for the embedded default and for tests.
// May import Hummingbird, GRDB, Crypto, Logging, NIO and TechFlunkyCore — never the platform.
// Entry point: `SandboxServer.start(_:)`.
