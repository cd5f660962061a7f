import Foundation
import Hummingbird
import TechFlunkyCore

/// `POST /api/seller/listings`, `PUT`/`DELETE /api/seller/listings/{slug}`: a seller publishes, changes or
/// withdraws their own listing. The bundle is JSON (`ListingUploadRequest`: base64 files, `techflunky.json`
/// among them). Everything in it is untrusted: sizes are capped, every path is checked before anything is
/// written, the manifest is validated with every problem reported at once, and text is stored as sent.
enum PublishingRoutes {
    static let maxFileBytes = 10 * 1024 * 1024

    static func register(on api: some RouterMethods<PlatformRequestContext>, services: PlatformServices) {
        api.post("seller/listings") { request, context -> EditedResponse<Listing> in
            let account = try context.requireAccount()
            let upload = try await request.decodeJSON(ListingUploadRequest.self, context: context)
            guard let bundle = upload.bundle else { throw PlatformError.validation("a new listing needs its package bundle", field: "bundle") }
            try checkListing(upload.listing)
            let (manifest, staging) = try unpack(bundle, expectedSlug: nil, services: services)
            defer { try? FileManager.default.removeItem(at: staging) }
            let assets = try PackageStore.assets(of: manifest, in: staging)
            guard try await services.catalog.listingForSale(slug: manifest.slug) == nil else {
                throw PlatformError.conflict("a listing with the slug `\(manifest.slug)` already exists; choose another slug in techflunky.json", field: "slug")
            }
            try services.packages.install(slug: manifest.slug, from: staging)
            try await services.catalog.insert(NewListing(slug: manifest.slug, sellerId: account.id, details: upload.listing, manifest: manifest, assets: assets),
                                              now: services.clock.now())
            services.logger.info("listing published", metadata: ["listing": "\(manifest.slug)", "seller": "\(account.id)"])
            guard let listing = try await services.catalog.listing(slug: manifest.slug) else { throw PlatformError.internal() }
            return EditedResponse(status: .created, response: listing)
        }

        api.put("seller/listings/:slug") { request, context -> Listing in
            let account = try context.requireAccount()
            let slug = try context.parameters.require("slug")
            guard let existing = try await services.catalog.listingForSale(slug: slug), existing.sellerId == account.id, existing.status != .withdrawn else {
                throw PlatformError.notFound("no listing `\(slug)` of yours")
            }
            let upload = try await request.decodeJSON(ListingUploadRequest.self, context: context)
            try checkListing(upload.listing)
            var manifest: PackageManifest?
            var assets: [BusinessAsset]?
            if let bundle = upload.bundle {
                let (unpacked, staging) = try unpack(bundle, expectedSlug: slug, services: services)
                defer { try? FileManager.default.removeItem(at: staging) }
                // A replaced package keeps its version or raises it (`POST …/versions` is the way with a changelog).
                if let current = try await services.catalog.listing(slug: slug)?.package.version, current != unpacked.version {
                    try PackageVersionRoutes.checkIncreases(from: current, to: unpacked.version)
                }
                assets = try PackageStore.assets(of: unpacked, in: staging)
                try services.packages.install(slug: slug, from: staging)
                manifest = unpacked
            }
            if let manifest {
                _ = try await services.versions.record(slug: slug, version: manifest.version, changelog: "", at: services.clock.now())
            }
            guard try await services.catalog.update(slug: slug, sellerId: account.id, details: upload.listing, manifest: manifest, assets: assets,
                                                    now: services.clock.now()),
                  let listing = try await services.catalog.listing(slug: slug) else {
                throw PlatformError.notFound("no listing `\(slug)` of yours")
            }
            return listing
        }

        api.delete("seller/listings/:slug") { _, context -> Response in
            let account = try context.requireAccount()
            let slug = try context.parameters.require("slug")
            guard try await services.catalog.withdraw(slug: slug, sellerId: account.id, now: services.clock.now()) else {
                throw PlatformError.notFound("no listing `\(slug)` of yours")
            }
            return Response(status: .noContent)
        }
    }

    /// Field limits on the listing text and metrics, every problem at once.
    static func checkListing(_ listing: PublishListingRequest) throws {
        var problems: [ManifestProblem] = []
        func text(_ value: String, _ field: String, _ range: ClosedRange<Int>) {
            let count = value.trimmingCharacters(in: .whitespacesAndNewlines).count
            if !range.contains(count) { problems.append(.init(path: field, message: "needs \(range.lowerBound) to \(range.upperBound) characters")) }
        }
        text(listing.title, "listing.title", 1...120)
        text(listing.tagline, "listing.tagline", 1...200)
        text(listing.description, "listing.description", 1...20_000)
        text(listing.category, "listing.category", 1...60)
        if listing.askingPrice.minorUnits <= 0 { problems.append(.init(path: "listing.askingPrice", message: "must be above zero")) }
        for (name, money) in [("monthlyRevenue", listing.monthlyRevenue), ("monthlyProfit", listing.monthlyProfit)] {
            if money.currency != listing.askingPrice.currency { problems.append(.init(path: "listing.\(name)", message: "must be in \(listing.askingPrice.currency.code) like the price")) }
        }
        if listing.monthlyRevenue.minorUnits < 0 { problems.append(.init(path: "listing.monthlyRevenue", message: "must not be negative")) }
        if !(0...1200).contains(listing.ageMonths) { problems.append(.init(path: "listing.ageMonths", message: "must be 0 to 1200")) }
        if listing.monthlyVisitors < 0 { problems.append(.init(path: "listing.monthlyVisitors", message: "must not be negative")) }
        if listing.techStack.count > 20 { problems.append(.init(path: "listing.techStack", message: "at most 20 entries")) }
        for (i, item) in listing.techStack.enumerated() where !(1...40).contains(item.count) {
            problems.append(.init(path: "listing.techStack[\(i)]", message: "needs 1 to 40 characters"))
        }
        guard problems.isEmpty else {
            throw PlatformError.validation("the listing has \(problems.count) problem(s); see problems", field: problems[0].path, problems: problems)
        }
    }

    /// Checks the bundle's size and paths, validates its manifest against its files, and writes it to a staging
    /// directory (removed by the caller). Nothing is written before every path has been checked.
    static func unpack(_ bundle: PackageBundle, expectedSlug: String?, services: PlatformServices) throws -> (PackageManifest, URL) {
        guard bundle.files.count <= PackageBundle.maxFiles else {
            throw PlatformError.payloadTooLarge("the bundle has \(bundle.files.count) files; at most \(PackageBundle.maxFiles)", field: "bundle.files")
        }
        guard bundle.totalBytes <= PackageBundle.maxTotalBytes else {
            throw PlatformError.payloadTooLarge("the bundle holds \(bundle.totalBytes) bytes; at most \(PackageBundle.maxTotalBytes)", field: "bundle.files")
        }
        var problems: [ManifestProblem] = []
        var seen = Set<String>()
        for (i, file) in bundle.files.enumerated() {
            if !BundlePath.isSafe(file.path) {
                problems.append(.init(path: "bundle.files[\(i)].path", message: "`\(file.path)` must be a relative path inside the bundle (no `..`, no leading `/`)"))
            } else if !seen.insert(file.path.lowercased()).inserted {
                problems.append(.init(path: "bundle.files[\(i)].path", message: "`\(file.path)` appears twice"))
            }
            if file.content.count > maxFileBytes {
                problems.append(.init(path: "bundle.files[\(i)].content", message: "larger than \(maxFileBytes) bytes"))
            }
        }
        guard let data = bundle.manifestData else {
            problems.append(.init(path: "bundle.files", message: "the bundle needs `\(PackageBundle.manifestPath)` at its root"))
            throw PlatformError.validation("the package bundle is not valid", field: problems[0].path, problems: problems)
        }
        let manifest: PackageManifest
        do {
            manifest = try PackageManifestValidator.decode(data)
        } catch {
            throw PlatformError.validation("techflunky.json is not a valid manifest", field: error.problems.first?.path, problems: problems + error.problems)
        }
        problems += PackageValidation.problems(in: manifest, expectedSlug: expectedSlug, bundleFiles: bundle.paths, today: services.clock.now())
        if expectedSlug == nil, !SlugRules.isValid(manifest.slug) {
            problems.append(.init(path: "slug", message: "use 3 to 63 lower-case letters, digits and single hyphens"))
        }
        guard problems.isEmpty else {
            throw PlatformError.validation("the package has \(problems.count) problem(s); see problems", field: problems[0].path, problems: problems)
        }
        let staging = FileManager.default.temporaryDirectory.appendingPathComponent("techflunky-upload-\(UUID().uuidString)", isDirectory: true)
        do {
            try PrivateFiles.directory(staging)
            for file in bundle.files {
                let target = staging.appendingPathComponent(file.path)
                // Belt and braces: the resolved target must still be inside the staging directory.
                guard target.standardizedFileURL.path.hasPrefix(staging.standardizedFileURL.path + "/") else {
                    throw PlatformError.validation("`\(file.path)` leaves the bundle", field: "bundle.files")
                }
                try PrivateFiles.directory(target.deletingLastPathComponent())
                try file.content.write(to: target, options: .withoutOverwriting)
                try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: target.path)
            }
        } catch {
            try? FileManager.default.removeItem(at: staging)
            throw error
        }
        return (manifest, staging)
    }
}
