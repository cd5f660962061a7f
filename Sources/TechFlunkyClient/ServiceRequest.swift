import TechFlunkyCore

/// A call on the platform the terminal UI makes, as a value: a pane asks for one (`PaneCommand.request`), the UI's
/// effect runner hands it to a `MarketplaceService`, and the answer comes back as a `ServiceResponse`. Adding an
/// endpoint to the UI is a case here, its answer in `ServiceResponse` (when it has a new shape), its line in
/// `PlatformClient.perform` and the typed call on `PlatformClient`: all in this module.
public enum ServiceRequest: Hashable, Sendable {
    case me
    case listings(ListingQuery)
    case listing(slug: String)
    case categories
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
    /// `GET /api/health`: the platform's own health (the sandbox header shows it).
    case platformHealth
    /// `POST /api/deploy/{id}/update`: the listing's newer version over a live deployment; carries the token for this call.
    case updateDeployment(id: String, credentials: CloudflareCredentials)
    /// The seller's own listings in every status (the Selling tab).
    case sellerListings
    /// `PATCH /api/seller/listings/{slug}`.
    case editListing(slug: String, patch: ListingPatchRequest)
    /// `DELETE /api/seller/listings/{slug}` (unpublish).
    case withdrawListing(slug: String)
    /// `POST /api/seller/listings/{slug}/versions` with the package read from a directory on this machine.
    case publishVersionFromDirectory(slug: String, directory: String, changelog: String)
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
    case platformHealth(PlatformHealth)
    case sellerListings([SellerListing])
    /// A request that answers nothing (a withdrawal).
    case done
}
