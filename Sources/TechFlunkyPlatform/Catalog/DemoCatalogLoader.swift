import Foundation
import Logging
import TechFlunkyCore

/// Loads a demo catalog directory (`<slug>/` per listing, see `Sources/TechFlunkyDemoCatalog/DemoCatalog/FORMAT.md`)
/// into an empty platform: the demo sellers, the demo account (buyer and seller), every listing and its package
/// bundle. The shipped catalog is the `TechFlunkyDemoCatalog` target's, which the platform does not link: the
/// executable hands its directory in through `PlatformConfiguration.demoCatalog`.
public enum DemoCatalogLoader {
    public static let demoEmail = "demo@techflunky.dev"
    /// The demo account's password. Only meaningful on a sandbox platform; the embedded default signs in with it.
    public static let demoPassword = "techflunky-demo"

    /// The listing text of `listing.json`: `PublishListingRequest`'s fields plus an optional seller.
    struct DemoListing: Decodable {
        struct Seller: Decodable {
            var displayName: String
            var email: String
        }

        var title: String
        var tagline: String
        var description: String
        var category: String
        var askingPrice: Money
        var monthlyRevenue: Money
        var monthlyProfit: Money
        var ageMonths: Int
        var techStack: [String]
        var monthlyVisitors: Int
        var history: [MonthlyFigures]?
        var seller: Seller?

        var request: PublishListingRequest {
            PublishListingRequest(title: title, tagline: tagline, description: description, category: category, askingPrice: askingPrice,
                                  monthlyRevenue: monthlyRevenue, monthlyProfit: monthlyProfit, ageMonths: ageMonths,
                                  techStack: techStack, monthlyVisitors: monthlyVisitors, history: history)
        }
    }

    public struct Report: Sendable {
        public var loaded: [String] = []
        /// Listings skipped, with why (a bad manifest in the shipped catalog must not stop the server).
        public var skipped: [(slug: String, reason: String)] = []
    }

    /// Seeds the demo account and catalog unless the demo account already exists. Returns what was loaded.
    @discardableResult
    public static func seedIfNeeded(services: PlatformServices, from directory: URL) async throws -> Report {
        if try await services.accounts.credentials(email: demoEmail) != nil { return Report() }
        let now = services.clock.now()
        let demo = try await services.accounts.createAccount(email: demoEmail, displayName: "Demo Founder",
                                                            passwordHash: try services.passwordHasher.hash(demoPassword), now: now)
        var sellers: [String: String] = [demoEmail: demo.id]
        var report = Report()
        let entries = try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: [.isDirectoryKey])
            .filter { (try? $0.resourceValues(forKeys: [.isDirectoryKey]).isDirectory) == true }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
        for (index, entry) in entries.enumerated() {
            let slug = entry.lastPathComponent
            do {
                let details = try JSONDecoder().decode(DemoListing.self, from: Data(contentsOf: entry.appendingPathComponent("listing.json")))
                let manifest = try JSONDecoder().decode(PackageManifest.self, from: Data(contentsOf: entry.appendingPathComponent("techflunky.json")))
                let problems = PackageValidation.problems(in: manifest, expectedSlug: slug)
                guard problems.isEmpty else { throw PlatformError.validation("invalid manifest", problems: problems) }
                let assets = try PackageStore.assets(of: manifest, in: entry)
                let sellerEmail = details.seller?.email ?? demoEmail
                let sellerId: String
                if let known = sellers[sellerEmail] {
                    sellerId = known
                } else {
                    // Demo sellers cannot sign in: their password is a random token nobody keeps.
                    let seller = try await services.accounts.createAccount(
                        email: sellerEmail, displayName: details.seller?.displayName ?? sellerEmail,
                        passwordHash: try services.passwordHasher.hash(SessionToken.generate()), now: now)
                    sellers[sellerEmail] = seller.id
                    sellerId = seller.id
                }
                try services.packages.install(slug: slug, from: entry)
                // Spread creation times so "newest" has a stable, meaningful order.
                try await services.catalog.insert(NewListing(slug: slug, sellerId: sellerId, details: details.request, manifest: manifest, assets: assets),
                                                  now: now.addingTimeInterval(-Double(entries.count - index) * 3600))
                report.loaded.append(slug)
            } catch {
                report.skipped.append((slug, "\(error)"))
                services.logger.warning("demo listing skipped", metadata: ["slug": "\(slug)", "reason": "\(error)"])
            }
        }
        services.logger.info("demo catalog loaded", metadata: ["listings": "\(report.loaded.count)", "skipped": "\(report.skipped.count)"])
        return report
    }
}
