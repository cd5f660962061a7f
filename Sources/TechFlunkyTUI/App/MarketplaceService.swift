import TechFlunkyCore

/// The platform calls the UI makes, as a small protocol so effects can run against `TechFlunkyClient`'s client
/// (which conforms in the wiring) and tests can run against an in-memory catalog. Part 2 adds the checkout,
/// orders, deploy and payout calls here.
public protocol MarketplaceService: Sendable {
    func me() async throws -> MeResponse
    func listings(_ query: ListingQuery) async throws -> ListingPage
    func listing(slug: String) async throws -> Listing
    func categories() async throws -> CategoriesResponse
}
