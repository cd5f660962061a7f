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
    /// `GET /api/listings/{slug}/assets/{kind}`: a business asset as text (a preview, or the whole for its buyer).
    case businessDocument(slug: String, kind: String)
    /// `POST /api/checkout/create-session` from an accepted offer: the checkout is at the agreed price.
    case createOfferCheckoutSession(listingSlug: String, offerId: String, idempotencyKey: String)
    /// Offers and questions (the Inbox pane, the listing's Q&A).
    case offers
    case makeOffer(MakeOfferRequest)
    /// Accept, decline or withdraw.
    case answerOffer(id: String, DealRules.Answer)
    case counterOffer(id: String, CounterOfferRequest)
    case questions
    case listingQuestions(slug: String)
    case askQuestion(slug: String, text: String)
    case answerQuestion(id: String, answer: String, publish: Bool?)
    case publishQuestion(id: String, published: Bool)
    case watchlist
    /// `PUT /api/watchlist/{slug}`.
    case watch(slug: String)
    /// `DELETE /api/watchlist/{slug}`.
    case unwatch(slug: String)
    case savedSearches
    case saveSearch(SaveSearchRequest)
    case deleteSavedSearch(id: String)
    case notifications
    case markNotificationsRead(MarkNotificationsReadRequest)
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
    case businessDocument(BusinessDocument)
    case offers(OffersResponse)
    case offer(Offer)
    case questions([Question])
    case question(Question)
    case watchlist([WatchedListing])
    case watched(WatchedListing)
    case unwatched(slug: String)
    case savedSearches([SavedSearch])
    case savedSearch(SavedSearch)
    case savedSearchDeleted(id: String)
    case notifications(NotificationsResponse)
    /// How many notifications are unread after marking some read.
    case unreadCount(Int)
    case sellerListings([SellerListing])
    /// A request that answers nothing (a withdrawal).
    case done
}
