import TechFlunkyClient
import TechFlunkyCore

/// The platform calls the UI makes, as a small protocol so effects can run against `TechFlunkyClient`'s client
/// (which conforms in the wiring) and tests can run against an in-memory catalog. Part 2 adds the checkout,
/// orders, deploy and payout calls here.
public protocol MarketplaceService: Sendable {
    func me() async throws -> MeResponse
    func listings(_ query: ListingQuery) async throws -> ListingPage
    func listing(slug: String) async throws -> Listing
    func categories() async throws -> [CategoryCount]
    // Part 2.
    func createCheckoutSession(listingSlug: String, idempotencyKey: String) async throws -> CheckoutSessionResponse
    func order(id: String) async throws -> Order
    func orders() async throws -> [Order]
    func deploy(_ request: DeployRequest) async throws -> DeployAccepted
    func deployment(id: String) async throws -> Deployment
    func retryDeployment(id: String, credentials: CloudflareCredentials) async throws -> DeployAccepted
    func rollbackDeployment(id: String, credentials: CloudflareCredentials) async throws -> DeployAccepted
    /// The secrets a deployment generated, once (the platform forgets them as it answers).
    func revealDeploymentSecrets(id: String) async throws -> GeneratedSecrets
    /// A retry that corrects the account id or the domain.
    func retryDeployment(id: String, credentials: CloudflareCredentials, domain: String) async throws -> DeployAccepted
    /// A deployment's events after `after`, resuming across broken connections, each once and in order;
    /// the stream finishes after the final event.
    func deploymentUpdates(id: String, after: Int) -> AsyncThrowingStream<DeploymentWatchUpdate, any Error>
    func sellerAccount() async throws -> SellerAccountStatus
    func createSellerAccount() async throws -> SellerAccountStatus
    func payouts() async throws -> PayoutsResponse
    func sandboxPay(orderId: String) async throws
    func advanceSandboxClock(seconds: Double) async throws -> SandboxClockResponse
}

extension MarketplaceService {
    public func retryDeployment(id: String, credentials: CloudflareCredentials, domain: String) async throws -> DeployAccepted {
        throw ServiceFailure(message: "this platform cannot correct a deployment's account or domain")
    }

    public func revealDeploymentSecrets(id: String) async throws -> GeneratedSecrets {
        throw ServiceFailure(message: "this platform does not hand out generated secrets")
    }

    /// `sandboxPay` as the answer a request gets (it has no body of its own).
    func sandboxPayAnswer(orderId: String) async throws -> ServiceResponse {
        try await sandboxPay(orderId: orderId)
        return .sandboxPaid
    }
}
