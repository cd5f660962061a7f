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
    func retryDeployment(id: String, cloudflare: CloudflareCredentials) async throws -> DeployAccepted
    func rollbackDeployment(id: String, cloudflare: CloudflareCredentials) async throws -> DeployAccepted
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
    /// `sandboxPay` as the answer a request gets (it has no body of its own).
    func sandboxPayAnswer(orderId: String) async throws -> ServiceResponse {
        try await sandboxPay(orderId: orderId)
        return .sandboxPaid
    }
}

/// A service that only browses (a catalog test double written before part 2) still compiles: each part-2 call
/// fails with a clear, typed answer instead. The platform client implements every one of them.
extension MarketplaceService {
    private func unsupported(_ what: String) -> ServiceFailure {
        ServiceFailure(message: "\(what) is not available from this service", code: "unsupported")
    }

    public func createCheckoutSession(listingSlug: String, idempotencyKey: String) async throws -> CheckoutSessionResponse {
        throw unsupported("checkout")
    }
    public func order(id: String) async throws -> Order { throw unsupported("orders") }
    public func orders() async throws -> [Order] { throw unsupported("orders") }
    public func deploy(_ request: DeployRequest) async throws -> DeployAccepted { throw unsupported("deployment") }
    public func deployment(id: String) async throws -> Deployment { throw unsupported("deployment") }
    public func retryDeployment(id: String, cloudflare: CloudflareCredentials) async throws -> DeployAccepted {
        throw unsupported("deployment")
    }
    public func rollbackDeployment(id: String, cloudflare: CloudflareCredentials) async throws -> DeployAccepted {
        throw unsupported("deployment")
    }
    public func deploymentUpdates(id: String, after: Int) -> AsyncThrowingStream<DeploymentWatchUpdate, any Error> {
        AsyncThrowingStream { $0.finish(throwing: unsupported("deployment events")) }
    }
    public func sellerAccount() async throws -> SellerAccountStatus { throw unsupported("seller accounts") }
    public func createSellerAccount() async throws -> SellerAccountStatus { throw unsupported("seller accounts") }
    public func payouts() async throws -> PayoutsResponse { throw unsupported("payouts") }
    public func sandboxPay(orderId: String) async throws { throw unsupported("sandbox payment") }
    public func advanceSandboxClock(seconds: Double) async throws -> SandboxClockResponse { throw unsupported("the sandbox clock") }
}
