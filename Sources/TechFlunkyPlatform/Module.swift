// TechFlunkyPlatform: the platform API server — routes, storage (SQLite through GRDB), accounts,
// catalog search, checkout and Stripe webhooks, payout holds, seller publishing, the deployment
// orchestrator, and the Stripe and Cloudflare API clients.
// May import Hummingbird, GRDB, swift-crypto, swift-log, NIO, TechFlunkyHTTP and TechFlunkyCore.
// Never imports TechFlunkySandbox: Stripe and Cloudflare are reached only over HTTP through the
// base URLs in `PlatformConfiguration`.
//
// Entry points: `PlatformServer.start(_:)` (in-process, returns the bound port) and
// `PlatformServer.run(_:)` (the `techflunky serve` foreground server with graceful shutdown).
