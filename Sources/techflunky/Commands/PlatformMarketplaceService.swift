import Foundation
import TechFlunkyClient
import TechFlunkyCore
import TechFlunkyText
import TechFlunkyTUI

/// The terminal UI's `MarketplaceService` on the real platform client: every call goes through
/// `PlatformClient`, and its `ClientError`s become the `ServiceFailure`s the panes show (the
/// platform's own message and code, and whether the platform could not be reached at all).
/// `UICommand.makeRemoteService` and the embedded default can return one of these.
struct PlatformMarketplaceService: MarketplaceService {
    let client: PlatformClient

    init(client: PlatformClient) { self.client = client }

    private func mapped<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as ClientError {
            throw Self.failure(error)
        }
    }

    static func failure(_ error: ClientError) -> ServiceFailure {
        let unreachable: Bool = switch error {
        case .cannotReach, .timedOut: true
        default: false
        }
        let code: String? = switch error {
        case let .rejected(_, detail): detail.code
        case .signedOut: APIErrorCode.unauthorized
        case .notFound: APIErrorCode.notFound
        default: nil
        }
        return ServiceFailure(message: TextSanitizer.line(error.description), code: code, isConnectionFailure: unreachable)
    }

    func me() async throws -> MeResponse { try await mapped { try await client.me() } }
    func listings(_ query: ListingQuery) async throws -> ListingPage { try await mapped { try await client.listings(query) } }
    func listing(slug: String) async throws -> Listing { try await mapped { try await client.listing(slug: slug) } }
    func categories() async throws -> [CategoryCount] { try await mapped { try await client.categories() } }

    func createCheckoutSession(listingSlug: String, idempotencyKey: String) async throws -> CheckoutSessionResponse {
        try await mapped { try await client.createCheckoutSession(listingSlug: listingSlug, idempotencyKey: idempotencyKey) }
    }
    func order(id: String) async throws -> Order { try await mapped { try await client.order(id: id) } }
    func orders() async throws -> [Order] { try await mapped { try await client.orders() } }
    func deploy(_ request: DeployRequest) async throws -> DeployAccepted { try await mapped { try await client.deploy(request) } }
    func deployment(id: String) async throws -> Deployment { try await mapped { try await client.deployment(id: id) } }
    func revealDeploymentSecrets(id: String) async throws -> GeneratedSecrets {
        try await mapped { try await client.revealDeploymentSecrets(id: id) }
    }

    func retryDeployment(id: String, credentials: CloudflareCredentials, domain: String) async throws -> DeployAccepted {
        try await mapped { try await client.retryDeployment(id: id, cloudflare: credentials, domain: domain) }
    }

    func retryDeployment(id: String, credentials: CloudflareCredentials) async throws -> DeployAccepted {
        try await mapped { try await client.retryDeployment(id: id, cloudflare: credentials) }
    }
    func rollbackDeployment(id: String, credentials: CloudflareCredentials) async throws -> DeployAccepted {
        try await mapped { try await client.rollbackDeployment(id: id, cloudflare: credentials) }
    }

    func deploymentUpdates(id: String, after: Int) -> AsyncThrowingStream<DeploymentWatchUpdate, any Error> {
        let events = client.deploymentEvents(id: id, after: after)
        return AsyncThrowingStream { continuation in
            let task = Task {
                do {
                    for try await update in events {
                        switch update {
                        case let .event(event): continuation.yield(.event(event))
                        case let .reconnecting(_, _, reason): continuation.yield(.reconnecting(reason: TextSanitizer.line(reason)))
                        case .reconnected: continuation.yield(.reconnected)
                        case let .resynchronized(snapshot): continuation.yield(.resynchronized(snapshot))
                        }
                    }
                    continuation.finish()
                } catch let error as ClientError {
                    continuation.finish(throwing: Self.failure(error))
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    func sellerAccount() async throws -> SellerAccountStatus { try await mapped { try await client.sellerAccount() } }
    func createSellerAccount() async throws -> SellerAccountStatus { try await mapped { try await client.createSellerAccount() } }
    func payouts() async throws -> PayoutsResponse { try await mapped { try await client.payouts() } }
    func sandboxPay(orderId: String) async throws { _ = try await mapped { try await client.sandboxPay(orderId: orderId) } }
    func advanceSandboxClock(seconds: Double) async throws -> SandboxClockResponse {
        try await mapped { try await client.advanceSandboxClock(seconds: seconds) }
    }
}
