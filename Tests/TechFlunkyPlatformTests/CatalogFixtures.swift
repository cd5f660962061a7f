import Foundation
import TechFlunkyCore
@testable import TechFlunkyPlatform

enum CatalogFixtures {
    static func manifest(slug: String) -> PackageManifest {
        PackageManifest(
            id: "pkg-\(slug)", name: slug, slug: slug, version: "1.0.0",
            cloudflare: CloudflareResources(
                workers: [WorkerSpec(name: "api", main: "workers/api/index.js", compatibilityDate: "2024-09-23",
                                     bindings: [WorkerBinding(type: .d1, name: "DB", database: "main")])],
                d1Databases: [D1DatabaseSpec(name: "main", migrations: ["migrations/0001_init.sql"])],
                r2Buckets: [], dnsRecords: []),
            businessAssets: ["businessPlan": "assets/plan.md"])
    }

    static func details(title: String, category: String = "Productivity", price: Int64 = 1_000_00, revenue: Int64 = 100_00,
                        profit: Int64 = 50_00, tagline: String = "A small business", stack: [String] = ["Cloudflare Workers"]) -> PublishListingRequest {
        PublishListingRequest(title: title, tagline: tagline, description: "\(title): a business that runs itself.", category: category,
                              askingPrice: .usd(price), monthlyRevenue: .usd(revenue), monthlyProfit: .usd(profit), ageMonths: 12,
                              techStack: stack, monthlyVisitors: 1000)
    }

    @discardableResult
    static func seller(_ services: PlatformServices, email: String = "seller@example.com") async throws -> Account {
        try await services.accounts.createAccount(email: email, displayName: "Seller \(email)", passwordHash: "x", now: services.clock.now())
    }

    /// Marks `account`'s Stripe onboarding finished (payouts enabled), as `account.updated` would.
    static func onboard(_ services: PlatformServices, _ account: Account) async throws {
        let stripeAccount = "acct_test_\(account.id)"
        try await services.accounts.setStripeAccount(accountId: account.id, stripeAccountId: stripeAccount)
        try await services.accounts.updateConnectFlags(stripeAccountId: stripeAccount, detailsSubmitted: true, chargesEnabled: true, payoutsEnabled: true)
    }

    @discardableResult
    static func list(_ services: PlatformServices, slug: String, seller: Account, _ details: PublishListingRequest, at: Date? = nil) async throws -> String {
        try await services.catalog.insert(NewListing(slug: slug, sellerId: seller.id, details: details, manifest: manifest(slug: slug), assets: []),
                                          now: at ?? services.clock.now())
    }

    /// Writes a bundle directory for `manifest` with every file it names.
    static func writeBundle(_ manifest: PackageManifest, to directory: URL) throws {
        let fm = FileManager.default
        try fm.createDirectory(at: directory, withIntermediateDirectories: true)
        try JSONEncoder().encode(manifest).write(to: directory.appendingPathComponent("techflunky.json"))
        for path in PackageStore.referencedPaths(manifest) {
            let file = directory.appendingPathComponent(path)
            try fm.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data("-- \(path)\n".utf8).write(to: file)
        }
    }
}
