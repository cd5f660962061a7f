import Foundation

/// One published version of a listing's package: the manifest's `version`, the seller's changelog, when.
public struct PackageVersion: Codable, Sendable, Hashable {
    public var version: String
    /// What changed, as the seller wrote it (plain text; the UI sanitises it).
    public var changelog: String
    public var publishedAt: Date

    public init(version: String, changelog: String, publishedAt: Date) {
        self.version = version
        self.changelog = changelog
        self.publishedAt = publishedAt
    }

    /// Longest changelog the platform accepts.
    public static let maxChangelogLength = 10_000
}

/// `GET /api/listings/{slug}/versions`: the current version and every version, newest first.
public struct PackageVersionsResponse: Codable, Sendable, Hashable {
    public var current: String
    public var versions: [PackageVersion]

    public init(current: String, versions: [PackageVersion]) {
        self.current = current
        self.versions = versions
    }
}

/// `POST /api/seller/listings/{slug}/versions`: a new version of the package. The version is the bundle
/// manifest's `version`, which must be above the current one (semver precedence).
public struct PublishVersionRequest: Codable, Sendable, Hashable {
    public var changelog: String
    public var bundle: PackageBundle

    public init(changelog: String, bundle: PackageBundle) {
        self.changelog = changelog
        self.bundle = bundle
    }
}

/// `PATCH /api/seller/listings/{slug}`: a partial edit; absent fields keep their value.
public struct ListingPatchRequest: Codable, Sendable, Hashable {
    public var title: String?
    public var tagline: String?
    public var description: String?
    public var askingPrice: Money?

    public init(title: String? = nil, tagline: String? = nil, description: String? = nil, askingPrice: Money? = nil) {
        self.title = title
        self.tagline = tagline
        self.description = description
        self.askingPrice = askingPrice
    }
}

/// A listing as its seller sees it in `GET /api/seller/listings`: every status, with the package version and
/// the counts the platform keeps.
public struct SellerListing: Codable, Sendable, Hashable, Identifiable {
    public var slug: String
    public var title: String
    /// As the platform stores it (`active`, `withdrawn`, and whatever other statuses it adds: `draft`, `reserved`,
    /// `sold`); kept as text so a client shows a status it does not know yet.
    public var status: String
    public var askingPrice: Money
    public var version: String
    /// How many versions were published.
    public var versionCount: Int
    /// Paid orders of the listing (buyers who own it).
    public var buyers: Int
    public var createdAt: Date
    public var updatedAt: Date

    public var id: String { slug }

    public init(slug: String, title: String, status: String, askingPrice: Money, version: String, versionCount: Int, buyers: Int,
                createdAt: Date, updatedAt: Date) {
        self.slug = slug
        self.title = title
        self.status = status
        self.askingPrice = askingPrice
        self.version = version
        self.versionCount = versionCount
        self.buyers = buyers
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

public struct SellerListingsResponse: Codable, Sendable, Hashable {
    public var listings: [SellerListing]

    public init(listings: [SellerListing]) {
        self.listings = listings
    }
}

/// `POST /api/deploy/{id}/update`: deploy the listing's current version over a finished deployment, with the
/// buyer's token given again (it is never kept).
public struct DeployUpdateRequest: Codable, Sendable, Hashable {
    public var cloudflare: CloudflareCredentials

    public init(cloudflare: CloudflareCredentials) {
        self.cloudflare = cloudflare
    }
}
