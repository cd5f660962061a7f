import Foundation
import Hummingbird
import TechFlunkyArchive
import TechFlunkyCore

/// `POST /api/seller/listings`, `PUT`/`DELETE /api/seller/listings/{slug}`, `POST /api/seller/listings/{slug}/publish`:
/// a seller publishes, changes, withdraws or makes live their own listing.
///
/// The package comes as a `.tar.gz` (`Content-Type: application/gzip`) holding `techflunky.json`, every file it names
/// and `listing.json` (the listing's text and metrics); the body is inflated as it arrives and refused once it passes
/// the limits (`BundleArchive`). The older JSON body (`ListingUploadRequest`, files as base64) is still accepted for one
/// version. Everything is untrusted: every path is checked before anything is written, the manifest is validated with
/// every problem reported at once, and text is stored as sent.
///
/// A listing goes live only when its seller's Stripe account can take payouts; before that `?draft=true` keeps it as a
/// draft only its seller sees, made live later by `…/publish`.
enum PublishingRoutes {
    static let maxFileBytes = 10 * 1024 * 1024
    /// The listing's text inside an archive.
    static let listingPath = "listing.json"
    static let archiveLimits = ArchiveLimits(maxFiles: PackageBundle.maxFiles + 1, maxTotalBytes: PackageBundle.maxTotalBytes,
                                             maxFileBytes: maxFileBytes)

    static func register(on api: some RouterMethods<PlatformRequestContext>, services: PlatformServices) {
        api.post("seller/listings") { request, context -> EditedResponse<Listing> in
            let account = try context.requireAccount()
            let draft = try draftParameter(request)
            let upload = try await readUpload(request, context: context)
            guard let bundle = upload.bundle else { throw PlatformError.validation("a new listing needs its package bundle", field: "bundle") }
            try checkListing(upload.listing)
            let (manifest, staging) = try unpack(bundle, expectedSlug: nil, services: services)
            defer { try? FileManager.default.removeItem(at: staging) }
            let assets = try PackageStore.assets(of: manifest, in: staging)
            guard try await services.catalog.listingForSale(slug: manifest.slug) == nil else {
                throw PlatformError.conflict("a listing with the slug `\(manifest.slug)` already exists; choose another slug in techflunky.json", field: "slug")
            }
            if !draft {
                try await requirePayouts(account.id, services: services,
                                         then: "or publish it as a draft now (`techflunky package publish --draft`) and make it live once onboarding is done")
            }
            try services.packages.install(slug: manifest.slug, from: staging)
            try await services.catalog.insert(NewListing(slug: manifest.slug, sellerId: account.id, details: upload.listing, manifest: manifest, assets: assets,
                                                         status: draft ? .draft : .active),
                                              now: services.clock.now())
            services.logger.info("listing published", metadata: ["listing": "\(manifest.slug)", "seller": "\(account.id)", "draft": "\(draft)"])
            guard let listing = try await services.catalog.listing(slug: manifest.slug, includingDraftOf: account.id) else { throw PlatformError.internal() }
            return EditedResponse(status: .created, response: listing)
        }

        api.put("seller/listings/:slug") { request, context -> Listing in
            let account = try context.requireAccount()
            let slug = try context.parameters.require("slug")
            guard let existing = try await services.catalog.listingForSale(slug: slug), existing.sellerId == account.id, existing.status != .withdrawn else {
                throw PlatformError.notFound("no listing `\(slug)` of yours")
            }
            let upload = try await readUpload(request, context: context)
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
                  let listing = try await services.catalog.listing(slug: slug, includingDraftOf: account.id) else {
                throw PlatformError.notFound("no listing `\(slug)` of yours")
            }
            return listing
        }

        api.post("seller/listings/:slug/publish") { _, context -> Listing in
            let account = try context.requireAccount()
            let slug = try context.parameters.require("slug")
            guard let existing = try await services.catalog.listingForSale(slug: slug), existing.sellerId == account.id, existing.status != .withdrawn else {
                throw PlatformError.notFound("no listing `\(slug)` of yours")
            }
            guard existing.status == .draft else {
                throw PlatformError.conflict("`\(slug)` is not a draft: it is \(existing.status.rawValue)", field: "slug")
            }
            try await requirePayouts(account.id, services: services, then: "then `techflunky package go-live \(slug)` again")
            guard try await services.catalog.publishDraft(slug: slug, sellerId: account.id, now: services.clock.now()),
                  let listing = try await services.catalog.listing(slug: slug) else {
                throw PlatformError.notFound("no listing `\(slug)` of yours")
            }
            services.logger.info("draft made live", metadata: ["listing": "\(slug)", "seller": "\(account.id)"])
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

    /// `?draft=true|false` (absent: false).
    static func draftParameter(_ request: Request) throws -> Bool {
        switch request.uri.queryParameters.get("draft") {
        case nil, "false": return false
        case "true": return true
        case let other?: throw PlatformError.badRequest("`draft` is true or false, not `\(other)`", field: "draft")
        }
    }

    /// Refuses (409 `payouts_required`) while the seller's Stripe account cannot take payouts, naming what is missing.
    static func requirePayouts(_ accountId: String, services: PlatformServices, then next: String) async throws {
        let state = try await services.accounts.sellerState(accountId: accountId)
        guard !state.onboardingComplete else { return }
        let missing: String
        if state.stripeAccountId == nil {
            missing = "you have not started Stripe onboarding"
        } else {
            let gaps = [(state.detailsSubmitted, "your details are not submitted"), (state.chargesEnabled, "charges are not enabled"),
                        (state.payoutsEnabled, "payouts are not enabled")].filter { !$0.0 }.map(\.1)
            missing = "your Stripe onboarding is not finished (\(gaps.joined(separator: ", ")))"
        }
        throw PlatformError.conflict(
            "a listing goes live only once its seller can be paid, and \(missing): run `techflunky seller onboard`, \(next)",
            code: APIErrorCode.payoutsRequired)
    }

    /// The upload in either form: a `.tar.gz` archive, or the older JSON body.
    static func readUpload(_ request: Request, context: PlatformRequestContext) async throws -> ListingUploadRequest {
        let type = request.headers[.contentType]?.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        guard type == BundleArchive.contentType || type == "application/x-gzip" else {
            return try await request.decodeJSON(ListingUploadRequest.self, context: context)
        }
        let files = try await readArchive(request.body, declaredLength: request.headers[.contentLength].flatMap { Int($0) })
        guard let listingFile = files.first(where: { $0.path == listingPath }) else {
            throw PlatformError.validation("the archive needs `\(listingPath)` at its root: the listing's title, tagline, description, category, price and metrics",
                                           field: listingPath, problems: [ManifestProblem(path: listingPath, message: "is missing from the archive")])
        }
        let listing: PublishListingRequest
        do {
            listing = try PackageManifestValidator.decode(PublishListingRequest.self, from: Data(listingFile.contents), file: listingPath)
        } catch {
            let problems = error.problems.map { ManifestProblem(path: $0.path.isEmpty ? listingPath : "listing.\($0.path)", message: $0.message) }
            throw PlatformError.validation("\(listingPath) has \(problems.count) problem(s); see problems", field: problems.first?.path, problems: problems)
        }
        let bundle = PackageBundle(files: files.filter { $0.path != listingPath }.map { BundleFile(path: $0.path, content: Data($0.contents)) })
        return ListingUploadRequest(listing: listing, bundle: bundle)
    }

    /// Inflates the body as it arrives: at most `PackageStore.maxBundleBytes` compressed, and the archive's limits
    /// once inflated (a decompression bomb stops there). Every entry is checked before the files are returned.
    static func readArchive(_ body: RequestBody, declaredLength: Int?) async throws -> [ArchiveFile] {
        let cap = PackageStore.maxBundleBytes
        let tooLarge = PlatformError.payloadTooLarge("the archive is larger than \(cap / 1_048_576) MiB, the most a package upload may be", field: "bundle")
        if let declaredLength, declaredLength > cap { throw tooLarge }
        do {
            let inflater = try GzipInflater(limit: archiveLimits.maxTarBytes)
            var received = 0
            for try await buffer in body {
                received += buffer.readableBytes
                guard received <= cap else { throw tooLarge }
                try inflater.append(buffer.readableBytesView)
            }
            return try BundleArchive.files(inTar: inflater.finish(), limits: archiveLimits)
        } catch let error as ArchiveError {
            switch error {
            case .tooLarge, .tooManyFiles, .fileTooLarge:
                throw PlatformError.payloadTooLarge(error.description, field: "bundle")
            default:
                throw PlatformError.validation("the package archive was refused: \(error.description)", field: "bundle",
                                               problems: [ManifestProblem(path: "bundle", message: error.description)])
            }
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
        if let history = listing.history {
            problems += ListingHistory.problems(history, path: "listing.history")
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
        // Every wrong type, missing key and broken rule of techflunky.json in one answer (the same validator as
        // `techflunky package validate`).
        let (decoded, manifestProblems) = PackageValidation.problems(inManifest: data, expectedSlug: expectedSlug, bundleFiles: bundle.paths,
                                                                     today: services.clock.now())
        problems += manifestProblems
        if let decoded, expectedSlug == nil, !SlugRules.isValid(decoded.slug) {
            problems.append(.init(path: "slug", message: "use 3 to 63 lower-case letters, digits and single hyphens"))
        }
        guard let manifest = decoded, problems.isEmpty else {
            throw PlatformError.validation("the package has \(problems.count) problem(s); see problems", field: problems.first?.path, problems: problems)
        }
        // Nothing is written before every path has been checked; the staging directory is new, so nothing in it
        // can be followed out of it (`BundleArchive.write` opens each file with O_EXCL | O_NOFOLLOW).
        let staging = FileManager.default.temporaryDirectory.appendingPathComponent("techflunky-upload-\(UUID().uuidString)", isDirectory: true)
        do {
            try BundleArchive.write(bundle.files.map { ArchiveFile(path: $0.path, contents: Array($0.content)) }, into: staging)
        } catch {
            throw PlatformError.validation("the bundle could not be unpacked: \(error.description)", field: "bundle.files")
        }
        return (manifest, staging)
    }
}
