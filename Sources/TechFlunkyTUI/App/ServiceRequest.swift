import TechFlunkyCore

/// Identifies one request so that its answer can be matched to the pane that asked, and a stale answer (one
/// overtaken by a newer request) dropped.
public struct RequestID: Hashable, Sendable, CustomStringConvertible {
    public let value: Int
    public init(_ value: Int) { self.value = value }
    public var description: String { "#\(value)" }
}

/// Identifies one scheduled timer (a debounce, a poll).
public struct TimerID: Hashable, Sendable {
    public let value: Int
    public init(_ value: Int) { self.value = value }
}

/// A call on the platform an effect makes. Part 2 adds checkout, orders, deploy and payouts here (additive).
public enum ServiceRequest: Hashable, Sendable {
    case me
    case listings(ListingQuery)
    case listing(slug: String)
    case categories
    // Part 2: checkout, orders, deployments, payouts, sandbox.
    /// `POST /api/checkout/create-session` with one `Idempotency-Key` per purchase attempt.
    case createCheckoutSession(listingSlug: String, idempotencyKey: String)
    case order(id: String)
    case orders
    /// `POST /api/deploy`; carries the buyer's token for this one call (never kept in pane state).
    case deploy(DeployRequest)
    case deployment(id: String)
    case retryDeployment(id: String, credentials: CloudflareCredentials)
    /// A retry that also corrects the account id or the custom domain (`""`: workers.dev).
    case retryDeploymentCorrected(id: String, credentials: CloudflareCredentials, domain: String)
    case rollbackDeployment(id: String, credentials: CloudflareCredentials)
    /// `POST /api/deploy/{id}/secrets`: answered once; the values live only in the pane that shows them.
    case revealDeploymentSecrets(id: String)
    case sellerAccount
    /// Creates the Stripe Connect account if needed and returns a fresh onboarding link.
    case createSellerAccount
    case payouts
    /// Sandbox only: pay an order's checkout session with the test card.
    case sandboxPay(orderId: String)
    /// Sandbox only: move the platform's clock forward.
    case advanceSandboxClock(seconds: Double)
}

/// The answer to a `ServiceRequest`.
public enum ServiceResponse: Sendable, Hashable {
    case me(MeResponse)
    case listings(ListingPage)
    case listing(Listing)
    case categories([CategoryCount])
    case checkoutSession(CheckoutSessionResponse)
    case order(Order)
    case orders([Order])
    /// Deploy, retry and rollback are accepted with the deployment id at once.
    case deployAccepted(DeployAccepted)
    case deployment(Deployment)
    case generatedSecrets(GeneratedSecrets)
    case sellerAccount(SellerAccountStatus)
    case payouts(PayoutsResponse)
    case sandboxPaid
    case sandboxClock(SandboxClockResponse)
}

/// A failed request, reduced to what the UI shows and decides on.
public struct ServiceFailure: Error, Hashable, Sendable {
    public var message: String
    /// The platform's `error.code` when it answered with an error envelope.
    public var code: String?
    /// True when the platform could not be reached at all (the header then shows the connection down).
    public var isConnectionFailure: Bool

    public init(message: String, code: String? = nil, isConnectionFailure: Bool = false) {
        self.message = message
        self.code = code
        self.isConnectionFailure = isConnectionFailure
    }
}
