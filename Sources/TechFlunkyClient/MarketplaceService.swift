import TechFlunkyCore

/// What the terminal UI asks of the platform: one request at a time, and a deployment's live feed.
/// `PlatformClient` is the implementation; tests pass an in-memory catalog. Errors thrown by both are
/// `ServiceFailure`s (anything else is mapped by `ServiceFailure.init(_:)`).
public protocol MarketplaceService: Sendable {
    /// Performs one request and answers it; throws `ServiceFailure`.
    func perform(_ request: ServiceRequest) async throws -> ServiceResponse
    /// A deployment's updates after event `after`, resuming across broken connections, each event once and in
    /// order; the stream finishes after the final event.
    func deploymentUpdates(id: String, after: Int) -> AsyncThrowingStream<DeploymentStreamUpdate, any Error>
    /// The account's notifications after `after`, and the unread count, live; ends only when the consumer stops.
    func notificationUpdates(after: Int) -> AsyncThrowingStream<NotificationStreamUpdate, any Error>
}

extension MarketplaceService {
    /// A service without notifications (test doubles): a stream that never yields and ends when dropped.
    public func notificationUpdates(after: Int) -> AsyncThrowingStream<NotificationStreamUpdate, any Error> {
        AsyncThrowingStream { _ in }
    }
}

extension PlatformClient: MarketplaceService {
    /// The typed call for each request; a `ClientError` becomes a `ServiceFailure` here.
    public func perform(_ request: ServiceRequest) async throws -> ServiceResponse {
        do {
            return try await answer(request)
        } catch {
            throw ServiceFailure(error)
        }
    }

    private func answer(_ request: ServiceRequest) async throws -> ServiceResponse {
        switch request {
        case .me: .me(try await me())
        case let .listings(query): .listings(try await listings(query))
        case let .listing(slug): .listing(try await listing(slug: slug))
        case .categories: .categories(try await categories())
        case let .createCheckoutSession(slug, key):
            .checkoutSession(try await createCheckoutSession(listingSlug: slug, idempotencyKey: key))
        case let .order(id): .order(try await order(id: id))
        case .orders: .orders(try await orders())
        case let .deploy(request): .deployAccepted(try await deploy(request))
        case let .deployment(id): .deployment(try await deployment(id: id))
        case let .retryDeployment(id, credentials):
            .deployAccepted(try await retryDeployment(id: id, cloudflare: credentials))
        case let .retryDeploymentCorrected(id, credentials, domain):
            .deployAccepted(try await retryDeployment(id: id, cloudflare: credentials, domain: domain))
        case let .rollbackDeployment(id, credentials):
            .deployAccepted(try await rollbackDeployment(id: id, cloudflare: credentials))
        case let .revealDeploymentSecrets(id): .generatedSecrets(try await revealDeploymentSecrets(id: id))
        case .sellerAccount: .sellerAccount(try await sellerAccount())
        case .createSellerAccount: .sellerAccount(try await createSellerAccount())
        case .payouts: .payouts(try await payouts())
        case let .sandboxPay(orderId): try await sandboxPaid(orderId: orderId)
        case let .advanceSandboxClock(seconds): .sandboxClock(try await advanceSandboxClock(seconds: seconds))
        case .platformHealth: .platformHealth(try await platformHealth())
        case let .businessDocument(slug, kind): .businessDocument(try await businessDocument(slug: slug, kind: kind))
        case let .createOfferCheckoutSession(slug, offerId, key):
            .checkoutSession(try await createCheckoutSession(listingSlug: slug, offerId: offerId, idempotencyKey: key))
        case .offers: .offers(try await offers())
        case let .makeOffer(request): .offer(try await makeOffer(request))
        case let .answerOffer(id, answer): .offer(try await answerOffer(id: id, answer))
        case let .counterOffer(id, request): .offer(try await counterOffer(id: id, request))
        case .questions: .questions(try await questions())
        case let .listingQuestions(slug): .questions(try await listingQuestions(slug: slug))
        case let .askQuestion(slug, text): .question(try await askQuestion(slug: slug, text: text))
        case let .answerQuestion(id, answer, publish): .question(try await answerQuestion(id: id, answer: answer, publish: publish))
        case let .publishQuestion(id, published): .question(try await publishQuestion(id: id, published))
        case .watchlist: .watchlist(try await watchlist())
        case let .watch(slug): .watched(try await watch(slug: slug))
        case let .unwatch(slug): try await unwatched(slug)
        case .savedSearches: .savedSearches(try await savedSearches())
        case let .saveSearch(request): .savedSearch(try await saveSearch(request))
        case let .deleteSavedSearch(id): try await deletedSearch(id)
        case .notifications: .notifications(try await notifications())
        case let .markNotificationsRead(request): .unreadCount(try await markNotificationsRead(request))
        case let .updateDeployment(id, credentials): .deployAccepted(try await updateDeployment(id: id, cloudflare: credentials))
        case .sellerListings: .sellerListings(try await sellerListings())
        case let .editListing(slug, patch): .listing(try await editListing(slug: slug, patch))
        case let .withdrawListing(slug): try await withdrawn(slug: slug)
        case let .publishVersionFromDirectory(slug, directory, changelog):
            .listing(try await publishVersion(slug: slug, PublishVersionRequest(changelog: changelog, bundle: try PackageDirectory.bundle(at: directory))))
        }
    }

    private func unwatched(_ slug: String) async throws -> ServiceResponse {
        try await unwatch(slug: slug)
        return .unwatched(slug: slug)
    }

    private func deletedSearch(_ id: String) async throws -> ServiceResponse {
        try await deleteSavedSearch(id: id)
        return .savedSearchDeleted(id: id)
    }

    private func withdrawn(slug: String) async throws -> ServiceResponse {
        try await withdrawListing(slug: slug)
        return .done
    }

    /// `sandboxPay` as the answer a request gets (it has no body of its own).
    private func sandboxPaid(orderId: String) async throws -> ServiceResponse {
        try await sandboxPay(orderId: orderId)
        return .sandboxPaid
    }

    /// `deploymentEvents(id:after:)` as the UI follows it; its `ClientError`s become `ServiceFailure`s where the
    /// UI catches them (`ServiceFailure.init(_:)`).
    public func deploymentUpdates(id: String, after: Int) -> AsyncThrowingStream<DeploymentStreamUpdate, any Error> {
        deploymentEvents(id: id, after: after).updates()
    }

    public func notificationUpdates(after: Int) -> AsyncThrowingStream<NotificationStreamUpdate, any Error> {
        notificationUpdates(after: after, options: .init())
    }
}
