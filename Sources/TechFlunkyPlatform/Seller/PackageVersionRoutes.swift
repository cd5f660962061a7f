import Foundation
import Hummingbird
import TechFlunkyCore

/// A listing's package versions: the seller publishes a new version with a changelog
/// (`POST /api/seller/listings/{slug}/versions`), anyone reads the history (`GET /api/listings/{slug}/versions`).
/// The seller's own listings in every status (`GET /api/seller/listings`) and partial edits
/// (`PATCH /api/seller/listings/{slug}`) live here too: they are the seller's workspace.
enum PackageVersionRoutes {
    static func register(on api: some RouterMethods<PlatformRequestContext>, services: PlatformServices) {
        api.get("listings/:slug/versions") { _, context -> PackageVersionsResponse in
            let slug = try context.parameters.require("slug")
            guard let listing = try await services.catalog.listing(slug: slug) else { throw PlatformError.notFound("no listing `\(slug)`") }
            return PackageVersionsResponse(current: listing.package.version, versions: try await services.versions.versions(slug: slug))
        }

        api.post("seller/listings/:slug/versions") { request, context -> EditedResponse<Listing> in
            let account = try context.requireAccount()
            let slug = try context.parameters.require("slug")
            guard let existing = try await services.catalog.listing(slug: slug), existing.summary.seller.id == account.id else {
                throw PlatformError.notFound("no listing `\(slug)` of yours")
            }
            let upload = try await request.decodeJSON(PublishVersionRequest.self, context: context)
            let changelog = upload.changelog.trimmingCharacters(in: .whitespacesAndNewlines)
            guard (1...PackageVersion.maxChangelogLength).contains(changelog.count) else {
                throw PlatformError.validation("the changelog needs 1 to \(PackageVersion.maxChangelogLength) characters: say what changed", field: "changelog")
            }
            let (manifest, staging) = try PublishingRoutes.unpack(upload.bundle, expectedSlug: slug, services: services)
            defer { try? FileManager.default.removeItem(at: staging) }
            try checkIncreases(from: existing.package.version, to: manifest.version)
            let assets = try PackageStore.assets(of: manifest, in: staging)
            try services.packages.install(slug: slug, from: staging)
            guard try await services.catalog.update(slug: slug, sellerId: account.id, details: details(of: existing), manifest: manifest, assets: assets,
                                                    now: services.clock.now()) else {
                throw PlatformError.notFound("no listing `\(slug)` of yours")
            }
            _ = try await services.versions.record(slug: slug, version: manifest.version, changelog: changelog, at: services.clock.now())
            services.logger.info("package version published", metadata: ["listing": "\(slug)", "version": "\(manifest.version)"])
            guard var listing = try await services.catalog.listing(slug: slug) else { throw PlatformError.internal() }
            listing.versions = try await services.versions.versions(slug: slug)
            return EditedResponse(status: .created, response: listing)
        }

        api.get("seller/listings") { _, context -> SellerListingsResponse in
            let account = try context.requireAccount()
            return SellerListingsResponse(listings: try await services.versions.sellerListings(sellerId: account.id))
        }

        api.patch("seller/listings/:slug") { request, context -> Listing in
            let account = try context.requireAccount()
            let slug = try context.parameters.require("slug")
            guard let existing = try await services.catalog.listing(slug: slug), existing.summary.seller.id == account.id else {
                throw PlatformError.notFound("no listing `\(slug)` of yours")
            }
            let patch = try await request.decodeJSON(ListingPatchRequest.self, context: context)
            var details = details(of: existing)
            if let title = patch.title { details.title = title }
            if let tagline = patch.tagline { details.tagline = tagline }
            if let description = patch.description { details.description = description }
            if let price = patch.askingPrice {
                guard price.currency == details.askingPrice.currency else {
                    throw PlatformError.validation("the price must stay in \(details.askingPrice.currency.code), the listing's currency", field: "askingPrice")
                }
                details.askingPrice = price
            }
            try PublishingRoutes.checkListing(details)
            guard try await services.catalog.update(slug: slug, sellerId: account.id, details: details, manifest: nil, assets: nil, now: services.clock.now()),
                  var listing = try await services.catalog.listing(slug: slug) else {
                throw PlatformError.notFound("no listing `\(slug)` of yours")
            }
            listing.versions = try await services.versions.versions(slug: slug)
            return listing
        }
    }

    /// A new version must be above the current one by semver precedence.
    static func checkIncreases(from current: String, to next: String) throws {
        guard let new = SemanticVersion(next) else {
            throw PlatformError.validation("`version` in techflunky.json must be a semantic version such as 1.1.0", field: "version")
        }
        if let old = SemanticVersion(current), !(old < new) {
            throw PlatformError.conflict("version \(next) is not above the current version \(current); raise `version` in techflunky.json (e.g. \(old.major).\(old.minor + 1).0)",
                                         code: APIErrorCode.conflict, field: "version")
        }
    }

    /// The listing's text and metrics as a publish request, for an update that changes only some of them.
    static func details(of listing: Listing) -> PublishListingRequest {
        let s = listing.summary
        return PublishListingRequest(title: s.title, tagline: s.tagline, description: listing.description, category: s.category,
                                     askingPrice: s.askingPrice, monthlyRevenue: s.monthlyRevenue, monthlyProfit: s.monthlyProfit,
                                     ageMonths: s.ageMonths, techStack: s.techStack, monthlyVisitors: s.monthlyVisitors)
    }
}
