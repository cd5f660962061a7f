import Foundation
import TechFlunkyCore

/// A listing to add to the catalog (publishing, the demo loader, synthetic fill).
public struct NewListing: Sendable {
    public var slug: String
    public var sellerId: String
    public var details: PublishListingRequest
    public var manifest: PackageManifest
    public var assets: [BusinessAsset]
    /// `.active` (listed at once) or `.draft` (seen only by its seller until it goes live).
    public var status: ListingStatus

    public init(slug: String, sellerId: String, details: PublishListingRequest, manifest: PackageManifest, assets: [BusinessAsset],
                status: ListingStatus = .active) {
        self.slug = slug
        self.sellerId = sellerId
        self.details = details
        self.manifest = manifest
        self.assets = assets
        self.status = status
    }

    /// The history the listing carries: the seller API's when given, else the package manifest's.
    public var history: [MonthlyFigures]? { details.history ?? manifest.history }

    /// The manifest as stored: its history lives in the listing's own column (`Listing.history`), not twice.
    var storedManifest: PackageManifest {
        var m = manifest
        m.history = nil
        return m
    }
}

/// The part of a listing checkout needs.
public struct ListingForSale: Sendable, Hashable {
    public var id: String
    public var slug: String
    public var title: String
    public var sellerId: String
    public var askingPrice: Money
    public var status: ListingStatus
}

/// The catalog: listings, their full-text index, facets.
public protocol CatalogStore: Sendable {
    /// Throws `PlatformError.badRequest` for a malformed or foreign cursor.
    func search(_ query: ListingQuery) async throws -> ListingPage
    /// An active listing with everything the detail pane shows; nil when unknown, withdrawn or a draft.
    func listing(slug: String) async throws -> Listing?
    /// As `listing(slug:)`, and also a draft when it is `sellerId`'s.
    func listing(slug: String, includingDraftOf sellerId: String) async throws -> Listing?
    /// Makes a seller's draft live (listed from now on); false when it is not their draft.
    func publishDraft(slug: String, sellerId: String, now: Date) async throws -> Bool
    func listingForSale(slug: String) async throws -> ListingForSale?
    func categories() async throws -> [CategoryCount]
    /// Throws `PlatformError.conflict` when the slug is taken.
    @discardableResult
    func insert(_ listing: NewListing, now: Date) async throws -> String
    /// Replaces text, metrics and (when given) the package of a seller's own listing; false when not theirs.
    func update(slug: String, sellerId: String, details: PublishListingRequest, manifest: PackageManifest?, assets: [BusinessAsset]?, now: Date) async throws -> Bool
    /// Withdraws a seller's own listing (kept for existing orders); false when not theirs.
    func withdraw(slug: String, sellerId: String, now: Date) async throws -> Bool
    func activeListingCount() async throws -> Int
    /// Every listing `sellerId` has made, in every status, oldest first (a person's data export).
    func listings(sellerId: String) async throws -> [ExportedListing]
}
