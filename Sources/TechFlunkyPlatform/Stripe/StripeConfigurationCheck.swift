import Foundation

/// What `serve` says about its Stripe configuration at start, before the first buyer finds out: a missing
/// or malformed secret key, which mode it is in, and a missing webhook signing secret. Pure, so tests
/// check every case without a server.
public enum StripeConfigurationCheck {
    /// One line per problem (empty when the configuration is usable), each saying what to do.
    public static func problems(secretKey: String, webhookSecret: String, apiBase: String) -> [String] {
        var problems: [String] = []
        let key = secretKey.trimmingCharacters(in: .whitespacesAndNewlines)
        let keyMode = Self.mode(secretKey: key)
        let live = keyMode == "live"
        if key.isEmpty {
            problems.append("STRIPE_SECRET_KEY is not set: checkouts and payouts will fail. Set it to the platform account's secret key (sk_live_… in production, sk_test_… to try it).")
        } else if key.hasPrefix("pk_") {
            problems.append("STRIPE_SECRET_KEY holds a publishable key (pk_…); the server needs the secret key (sk_…) from Developers → API keys.")
        } else if keyMode == nil {
            problems.append("STRIPE_SECRET_KEY does not look like a Stripe secret key (sk_live_…, sk_test_…, or a restricted rk_…).")
        } else if key != secretKey {
            problems.append("STRIPE_SECRET_KEY has spaces or a line break around it; Stripe will refuse it. Remove them.")
        }
        let secret = webhookSecret.trimmingCharacters(in: .whitespacesAndNewlines)
        if secret.isEmpty {
            problems.append("STRIPE_WEBHOOK_SECRET is not set: every webhook will be refused and no order will be marked paid. Register https://<your host>/api/checkout/webhook in Stripe (Developers → Webhooks, with “Listen to events on Connected accounts” for account.updated) and set its signing secret (whsec_…).")
        } else if secret.split(separator: ",").contains(where: { !$0.trimmingCharacters(in: .whitespaces).hasPrefix("whsec_") }) {
            problems.append("STRIPE_WEBHOOK_SECRET should be the endpoint's signing secret (or several, comma-separated), each starting with whsec_.")
        }
        if live, let url = URL(string: apiBase), let host = url.host, host != "api.stripe.com" {
            problems.append("a live key is configured but STRIPE_API_BASE points at \(host), not api.stripe.com.")
        }
        return problems
    }

    /// `live` or `test` by the key's prefix, nil when the key is neither.
    public static func mode(secretKey: String) -> String? {
        let key = secretKey.trimmingCharacters(in: .whitespacesAndNewlines)
        if key.hasPrefix("sk_live_") || key.hasPrefix("rk_live_") { return "live" }
        if key.hasPrefix("sk_test_") || key.hasPrefix("rk_test_") { return "test" }
        return nil
    }
}
