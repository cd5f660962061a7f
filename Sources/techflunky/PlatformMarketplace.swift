import Foundation
import TechFlunkyClient
import TechFlunkyCore
import TechFlunkyTUI

/// The terminal UI's `MarketplaceService`, served by the platform client: every call is one API call, and
/// deployment updates come from the client's resuming event stream.
struct PlatformMarketplace: MarketplaceService {
    let client: PlatformClient

    func me() async throws -> MeResponse { try await client.me() }
    func listings(_ query: ListingQuery) async throws -> ListingPage { try await client.listings(query) }
    func listing(slug: String) async throws -> Listing { try await client.listing(slug: slug) }
    func categories() async throws -> CategoriesResponse { CategoriesResponse(categories: try await client.categories()) }

    func createCheckoutSession(listingSlug: String, idempotencyKey: String) async throws -> CheckoutSessionResponse {
        try await client.createCheckoutSession(listingSlug: listingSlug, idempotencyKey: idempotencyKey)
    }
    func order(id: String) async throws -> Order { try await client.order(id: id) }
    func orders() async throws -> [Order] { try await client.orders() }
    func deploy(_ request: DeployRequest) async throws -> DeployAccepted { try await client.deploy(request) }
    func deployment(id: String) async throws -> Deployment { try await client.deployment(id: id) }
    func retryDeployment(id: String, credentials: CloudflareCredentials) async throws -> DeployAccepted {
        try await client.retryDeployment(id: id, cloudflare: credentials)
    }
    func rollbackDeployment(id: String, credentials: CloudflareCredentials) async throws -> DeployAccepted {
        try await client.rollbackDeployment(id: id, cloudflare: credentials)
    }

    func deploymentUpdates(id: String, after: Int) -> AsyncThrowingStream<DeploymentWatchUpdate, any Error> {
        let stream = client.deploymentEvents(id: id, after: after)
        return AsyncThrowingStream { continuation in
            let task = Task {
                do {
                    for try await update in stream {
                        switch update {
                        case let .event(event): continuation.yield(.event(event))
                        case let .reconnecting(_, attempts, reason): continuation.yield(.reconnecting(reason: "\(reason) (attempt \(attempts))"))
                        case .reconnected: continuation.yield(.reconnected)
                        case let .resynchronized(deployment): continuation.yield(.resynchronized(deployment))
                        }
                    }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    func sellerAccount() async throws -> SellerAccountStatus { try await client.sellerAccount() }
    func createSellerAccount() async throws -> SellerAccountStatus { try await client.createSellerAccount() }
    func payouts() async throws -> PayoutsResponse { try await client.payouts() }
    func sandboxPay(orderId: String) async throws { try await client.sandboxPay(orderId: orderId) }
    func advanceSandboxClock(seconds: Double) async throws -> SandboxClockResponse { try await client.advanceSandboxClock(seconds: seconds) }
}
