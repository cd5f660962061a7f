import Foundation
import Hummingbird
import TechFlunkyCore

/// `POST /api/seller/create-account`, `GET /api/seller/account`, `GET /api/seller/payouts`: the caller's own only.
enum SellerRoutes {
    static func register(on api: some RouterMethods<PlatformRequestContext>, services: PlatformServices) {
        api.post("seller/create-account") { request, context -> SellerAccountStatus in
            let account = try context.requireAccount()
            var state = try await services.accounts.sellerState(accountId: account.id)
            if state.stripeAccountId == nil {
                let id = try await stripe { try await services.stripe.createExpressAccount(email: account.email, platformAccountId: account.id) }
                try await services.accounts.setStripeAccount(accountId: account.id, stripeAccountId: id)
                state.stripeAccountId = id
                services.logger.info("seller account created", metadata: ["account": "\(account.id)", "stripeAccount": "\(id)"])
            }
            return try await status(for: account, state: state, baseURL: baseURL(request, services), services: services)
        }

        api.get("seller/account") { request, context -> SellerAccountStatus in
            let account = try context.requireAccount()
            let state = try await services.accounts.sellerState(accountId: account.id)
            guard state.stripeAccountId != nil else {
                throw PlatformError.notFound("no seller account yet; create one with POST /api/seller/create-account")
            }
            return try await status(for: account, state: state, baseURL: baseURL(request, services), services: services)
        }

        api.get("seller/payouts") { _, context -> PayoutsResponse in
            let account = try context.requireAccount()
            let now = services.clock.now()
            let seller = try await services.accounts.sellerState(accountId: account.id)
            let payouts = try await services.orders.sales(sellerId: account.id).compactMap { $0.payout(now: now, sellerCanReceive: seller.onboardingComplete) }
            return PayoutsResponse(payouts: payouts, totals: totals(payouts), now: now)
        }
    }

    /// One total per hold state (net amounts), in the currency of the sales (USD when there are none).
    static func totals(_ payouts: [Payout]) -> [PayoutTotal] {
        let currency = payouts.first?.net.currency ?? .usd
        return HoldState.allCases.map { state in
            let matching = payouts.filter { $0.state == state && $0.net.currency == currency }
            let sum = matching.reduce(Int64(0)) { $0 + $1.net.minorUnits }
            return PayoutTotal(state: state, count: matching.count, amount: Money(minorUnits: sum, currency: currency))
        }
    }

    /// Refreshes the Connect flags from Stripe (falling back to the last known ones) and adds a fresh
    /// onboarding link while onboarding is incomplete.
    static func status(for account: Account, state: SellerConnectState, baseURL: String, services: PlatformServices) async throws -> SellerAccountStatus {
        guard let stripeAccount = state.stripeAccountId else {
            return SellerAccountStatus(stripeAccountId: nil, detailsSubmitted: false, chargesEnabled: false, payoutsEnabled: false)
        }
        var current = state
        if let remote = try? await services.stripe.retrieveAccount(id: stripeAccount) {
            current.detailsSubmitted = remote["details_submitted"].bool ?? false
            current.chargesEnabled = remote["charges_enabled"].bool ?? false
            current.payoutsEnabled = remote["payouts_enabled"].bool ?? false
            try await services.accounts.updateConnectFlags(stripeAccountId: stripeAccount, detailsSubmitted: current.detailsSubmitted,
                                                           chargesEnabled: current.chargesEnabled, payoutsEnabled: current.payoutsEnabled)
        }
        var link: String?
        if !current.onboardingComplete {
            link = try await stripe {
                try await services.stripe.createOnboardingLink(account: stripeAccount, refreshURL: "\(baseURL)/seller/onboarding/refresh",
                                                               returnURL: "\(baseURL)/seller/onboarding/return")
            }
        }
        return SellerAccountStatus(stripeAccountId: stripeAccount, detailsSubmitted: current.detailsSubmitted, chargesEnabled: current.chargesEnabled,
                                   payoutsEnabled: current.payoutsEnabled, onboardingURL: link)
    }

    static func stripe<T>(_ call: () async throws -> T) async throws -> T {
        do { return try await call() } catch let error as StripeError { throw PlatformError.paymentProvider(error.description) }
    }

    static func baseURL(_ request: Request, _ services: PlatformServices) -> String {
        services.configuration.publicBaseURL ?? "\(services.configuration.tls == nil ? "http" : "https")://\(request.head.authority ?? "\(services.configuration.host):\(services.configuration.port)")"
    }
}
