import Foundation
import TechFlunkyClient
import TechFlunkyCore
import TechFlunkyHTTP
import TechFlunkyPlatform
import TechFlunkySandbox
import XCTest

/// Versions and update deployments end to end, through the platform and the Stripe and Cloudflare stand-ins:
/// publish 1.0.0 → buy → deploy → the seller releases 1.1.0 (a new migration, a changed Worker) → the buyer
/// deploys the update → the D1 database has the new migration once and the buyer's rows → an update that fails
/// leaves the previous Worker version serving.
final class LivePackageUpdateTests: XCTestCase {
    static let slug = "notebook-shop"

    /// Two Workers (the API with a D1 binding, and a site), one database; `apiMarker` changes the API's code.
    /// `jobs`: a third Worker, which only the update adds.
    static func bundle(version: String, apiMarker: String, migrations: [(String, String)], jobs: Bool = false) -> PackageBundle {
        let migrationPaths = migrations.map { "\"migrations/\($0.0)\"" }.joined(separator: ", ")
        let jobsWorker = jobs ? #", {"name": "jobs", "main": "workers/jobs/index.js", "compatibility_date": "2024-09-01", "bindings": []}"# : ""
        let manifest = """
            {"id": "pkg_notebook", "name": "Notebook", "slug": "\(slug)", "version": "\(version)",
             "cloudflare": {
               "workers": [
                 {"name": "api", "main": "workers/api/index.js", "compatibility_date": "2024-09-01", "routes": ["/*"],
                  "bindings": [{"type": "d1", "name": "DB", "database": "main"}]},
                 {"name": "site", "main": "workers/site/index.js", "compatibility_date": "2024-09-01", "bindings": []}\(jobsWorker)
               ],
               "d1_databases": [{"name": "main", "migrations": [\(migrationPaths)]}],
               "r2_buckets": [], "dns_records": []},
             "businessAssets": {}}
            """
        var files = [
            BundleFile(path: "techflunky.json", content: Data(manifest.utf8)),
            BundleFile(path: "workers/api/index.js", content: Data("// \(apiMarker)\nexport default { fetch() { return new Response('\(apiMarker)') } }".utf8)),
            BundleFile(path: "workers/site/index.js", content: Data("export default { fetch() { return new Response('site') } }".utf8)),
        ]
        if jobs { files.append(BundleFile(path: "workers/jobs/index.js", content: Data("export default { scheduled() {} }".utf8))) }
        for (name, sql) in migrations { files.append(BundleFile(path: "migrations/\(name)", content: Data(sql.utf8))) }
        return PackageBundle(files: files)
    }

    static let first = ("0001_init.sql", "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL);")
    static let second = ("0002_pinned.sql", "ALTER TABLE notes ADD COLUMN pinned INTEGER NOT NULL DEFAULT 0;")

    static let listing = PublishListingRequest(title: "Notebook", tagline: "Notes that sync", description: "A note-taking business on Workers and D1.",
                                               category: "SaaS", askingPrice: .usd(900_000), monthlyRevenue: .usd(40_000),
                                               monthlyProfit: .usd(20_000), ageMonths: 12, techStack: ["Workers", "D1"], monthlyVisitors: 1_500)

    /// Follows a deployment's events to its final state and answers the snapshot.
    static func finished(_ client: PlatformClient, _ id: String) async throws -> Deployment {
        for try await _ in client.deploymentEvents(id: id, options: .init(initialBackoff: 0.05, maxBackoff: 0.2)) {}
        return try await client.deployment(id: id)
    }

    func testUpdateAppliesTheNewMigrationOnceKeepsRowsAndAFailedUpdateLeavesThePreviousWorkerServing() async throws {
        try await forEachServerEngine { engine in try await LiveMarketplace.with(on: engine) { market in
            let (seller, buyer, credentials, live, orderId) = try await Self.deployedFirstVersion(market)
            var order = try await buyer.order(id: orderId)

            // The buyer's business has data of its own.
            let cf = CloudflareClient(baseURL: market.sandbox.cloudflareAPIBase, accountId: LiveMarketplace.cloudflareAccountId,
                                      token: CloudflareAPIToken(LiveMarketplace.cloudflareToken), transport: CurlHTTPClient())
            let database = try XCTUnwrap(live.resources.first { $0.kind == "d1_database" }).id
            _ = try await cf.queryD1(databaseId: database, sql: "INSERT INTO notes (body) VALUES ('buyer note 1'), ('buyer note 2')")
            let scripts = live.resources.filter { $0.kind == "worker_script" }.map(\.name).sorted()
            let api = try XCTUnwrap(scripts.first { $0.hasSuffix("-api") })
            let site = try XCTUnwrap(scripts.first { $0.hasSuffix("-site") })
            let servingAt1 = try await cf.activeWorkerVersion(script: api)
            XCTAssertNotNil(servingAt1)
            let etagAt1 = try await Self.servingEtag(market, url: live.url)
            order = try await buyer.order(id: order.id)
            XCTAssertFalse(order.updateAvailable, "1.0.0 deployed, 1.0.0 current")

            // Versions must increase; 1.1.0 adds a migration and changes the API Worker.
            do {
                _ = try await seller.publishVersion(slug: Self.slug, PublishVersionRequest(
                    changelog: "same again", bundle: Self.bundle(version: "1.0.0", apiMarker: "api v1.0", migrations: [Self.first])))
                XCTFail("a version that does not increase must be refused")
            } catch let ClientError.rejected(status, detail) {
                XCTAssertEqual(status, 409)
                XCTAssertEqual(detail.field, "version")
            }
            let released = try await seller.publishVersion(slug: Self.slug, PublishVersionRequest(
                changelog: "Pinned notes.\nNotes can be pinned to the top.",
                bundle: Self.bundle(version: "1.1.0", apiMarker: "api v1.1", migrations: [Self.first, Self.second])))
            XCTAssertEqual(released.package.version, "1.1.0")
            XCTAssertEqual(released.versions?.map(\.version), ["1.1.0", "1.0.0"])
            let history = try await buyer.packageVersions(slug: Self.slug)
            XCTAssertEqual(history.current, "1.1.0")
            XCTAssertEqual(history.versions.first?.changelog, "Pinned notes.\nNotes can be pinned to the top.")

            order = try await buyer.order(id: order.id)
            XCTAssertTrue(order.updateAvailable)
            XCTAssertEqual(order.deployedVersion, "1.0.0")
            XCTAssertEqual(order.latestVersion, "1.1.0")
            let listed = try await buyer.orders()
            XCTAssertTrue(listed.contains { $0.id == order.id && $0.updateAvailable }, "the orders list says so too")

            // The buyer deploys the update.
            let update = try await buyer.updateDeployment(id: live.id, cloudflare: credentials)
            XCTAssertNotEqual(update.deploymentId, live.id, "an update is a run of its own")
            let updated = try await Self.finished(buyer, update.deploymentId)
            XCTAssertEqual(updated.state, .succeeded, updated.lastMessage ?? "")
            XCTAssertEqual(updated.updateOf, live.id)
            XCTAssertEqual(updated.packageVersion, "1.1.0")
            XCTAssertEqual(updated.resources.filter(\.created).map(\.kind), ["worker_version", "worker_version"],
                           "the update added nothing new; it owns only the switch of the two Workers: \(updated.resources)")
            XCTAssertTrue(updated.steps.first { $0.kind == .uploadWorkers }?.log.contains { $0.contains("now serving version") } ?? false)

            let applied = try await cf.queryD1(databaseId: database, sql: "SELECT name FROM d1_migrations ORDER BY id")
                .flatMap(\.results).compactMap { $0["name"]?.stringValue }
            XCTAssertEqual(applied, ["0001_init.sql", "0002_pinned.sql"], "each migration applied once")
            let rows = try await cf.queryD1(databaseId: database, sql: "SELECT body, pinned FROM notes ORDER BY id").flatMap(\.results)
            XCTAssertEqual(rows.compactMap { $0["body"]?.stringValue }, ["buyer note 1", "buyer note 2"], "the buyer's rows are intact")
            XCTAssertEqual(rows.compactMap { $0["pinned"]?.intValue }, [0, 0], "and have the new column")
            let servingAt11 = try await cf.activeWorkerVersion(script: api)
            XCTAssertNotEqual(servingAt11, servingAt1, "the API Worker serves a new version")
            let etag11 = try await Self.servingEtag(market, url: live.url)
            XCTAssertNotNil(etag11)
            XCTAssertNotEqual(etag11, etagAt1, "the API Worker serves the 1.1.0 code")
            order = try await buyer.order(id: order.id)
            XCTAssertFalse(order.updateAvailable)
            XCTAssertEqual(order.deployedVersion, "1.1.0")

            // 1.2.0: its upload fails at the Worker upload; the Workers keep serving 1.1.0.
            _ = try await seller.publishVersion(slug: Self.slug, PublishVersionRequest(
                changelog: "Faster sync.", bundle: Self.bundle(version: "1.2.0", apiMarker: "api v1.2", migrations: [Self.first, Self.second])))
            _ = market.sandbox.injectFault(SandboxFault(match: "POST /accounts/*/workers/scripts/\(site)/versions", status: 400, code: 10021,
                                                        message: "Uncaught SyntaxError: Unexpected token", times: 1))
            let failing = try await buyer.updateDeployment(id: updated.id, cloudflare: credentials)
            let failed = try await Self.finished(buyer, failing.deploymentId)
            XCTAssertEqual(failed.state, .failed)
            XCTAssertEqual(failed.steps.first { $0.state == .failed }?.kind, .uploadWorkers)
            XCTAssertTrue(failed.lastMessage?.contains("previous version") ?? false, failed.lastMessage ?? "")
            let afterUploadFailure = try await cf.activeWorkerVersion(script: api)
            XCTAssertEqual(afterUploadFailure, servingAt11, "nothing was switched")
            let etagAfterUploadFailure = try await Self.servingEtag(market, url: live.url)
            XCTAssertEqual(etagAfterUploadFailure, etag11, "still the 1.1.0 code")

            // Again, failing once the API Worker has switched (the site's deployment is refused): the API is switched back.
            _ = market.sandbox.injectFault(SandboxFault(match: "POST /accounts/*/workers/scripts/\(site)/deployments", status: 400, code: 10021,
                                                        message: "Deployment refused", times: 1))
            let again = try await buyer.updateDeployment(id: updated.id, cloudflare: credentials)
            let failedAgain = try await Self.finished(buyer, again.deploymentId)
            XCTAssertEqual(failedAgain.state, .failed)
            XCTAssertTrue(failedAgain.lastMessage?.contains("serve their previous version again") ?? false, failedAgain.lastMessage ?? "")
            XCTAssertTrue(failedAgain.steps.first { $0.kind == .uploadWorkers }?.log.contains { $0.contains("serving the previous version") } ?? false)
            let restored = try await cf.activeWorkerVersion(script: api)
            XCTAssertEqual(restored, servingAt11, "the API Worker serves the 1.1.0 version again")
            let etagRestored = try await Self.servingEtag(market, url: live.url)
            XCTAssertEqual(etagRestored, etag11, "the 1.1.0 code again")
            let rowsAfter = try await cf.queryD1(databaseId: database, sql: "SELECT count(*) AS n FROM notes").flatMap(\.results)
            XCTAssertEqual(rowsAfter.first?["n"]?.intValue, 2)
            order = try await buyer.order(id: order.id)
            XCTAssertTrue(order.updateAvailable, "1.2.0 is still to be deployed")
            XCTAssertEqual(order.deployedVersion, "1.1.0")
        } }
    }

    /// A buyer with 1.0.0 deployed from a fresh listing: the clients, the credentials, the live deployment and its order.
    static func deployedFirstVersion(_ market: LiveMarketplace) async throws -> (seller: PlatformClient, buyer: PlatformClient,
                                                                                  credentials: CloudflareCredentials, live: Deployment, orderId: String) {
        let seller = PlatformClient(baseURL: market.baseURL)
        _ = try await seller.signup(email: "seller-\(UUID().uuidString.prefix(6))@example.com", password: "a long seller password", displayName: "Seller")
        try await market.onboard(seller)
        let published = try await seller.publishListing(ListingUploadRequest(
            listing: Self.listing, bundle: Self.bundle(version: "1.0.0", apiMarker: "api v1.0", migrations: [Self.first])))
        XCTAssertEqual(published.package.version, "1.0.0")
        let buyer = PlatformClient(baseURL: market.baseURL)
        _ = try await buyer.signup(email: "buyer-\(UUID().uuidString.prefix(6))@example.com", password: "a long buyer password", displayName: "Buyer")
        let session = try await buyer.createCheckoutSession(listingSlug: Self.slug)
        let order = try await buyer.payInSandbox(orderId: session.orderId)
        XCTAssertTrue(order.isDeployable, "order is \(order.state)")
        let credentials = CloudflareCredentials(accountId: LiveMarketplace.cloudflareAccountId, apiToken: CloudflareAPIToken(LiveMarketplace.cloudflareToken))
        let accepted = try await buyer.deploy(DeployRequest(orderId: order.id, cloudflare: credentials))
        let live = try await Self.finished(buyer, accepted.deploymentId)
        XCTAssertEqual(live.state, .succeeded, live.lastMessage ?? "")
        XCTAssertEqual(live.packageVersion, "1.0.0")
        return (seller, buyer, credentials, live, order.id)
    }

    func testRollingBackAFinishedUpdateServesThePreviousWorkerVersionsAgainAndRemovesOnlyWhatItAdded() async throws {
        try await forEachServerEngine { engine in try await LiveMarketplace.with(on: engine) { market in
            let (seller, buyer, credentials, live, orderId) = try await Self.deployedFirstVersion(market)
            let cf = CloudflareClient(baseURL: market.sandbox.cloudflareAPIBase, accountId: LiveMarketplace.cloudflareAccountId,
                                      token: CloudflareAPIToken(LiveMarketplace.cloudflareToken), transport: CurlHTTPClient())
            let database = try XCTUnwrap(live.resources.first { $0.kind == "d1_database" }).id
            _ = try await cf.queryD1(databaseId: database, sql: "INSERT INTO notes (body) VALUES ('kept through it all')")
            let scripts = live.resources.filter { $0.kind == "worker_script" }.map(\.name)
            XCTAssertEqual(scripts.count, 2)
            var servingAt1: [String: String] = [:]
            for script in scripts { servingAt1[script] = try await cf.activeWorkerVersion(script: script) }
            XCTAssertEqual(servingAt1.count, 2)
            let etagAt1 = try await Self.servingEtag(market, url: live.url)

            // 1.1.0 changes the API, adds a migration and a third Worker; the update switches the two existing Workers.
            _ = try await seller.publishVersion(slug: Self.slug, PublishVersionRequest(
                changelog: "Jobs.", bundle: Self.bundle(version: "1.1.0", apiMarker: "api v1.1", migrations: [Self.first, Self.second], jobs: true)))
            let accepted = try await buyer.updateDeployment(id: live.id, cloudflare: credentials)
            let updated = try await Self.finished(buyer, accepted.deploymentId)
            XCTAssertEqual(updated.state, .succeeded, updated.lastMessage ?? "")
            let switched = updated.resources.filter { $0.kind == "worker_version" }
            XCTAssertEqual(Set(switched.map(\.id)), Set(scripts.map { "\($0)/\(servingAt1[$0] ?? "?")" }), "each switch records the version served before")
            XCTAssertTrue(switched.allSatisfy(\.created))
            let jobs = try XCTUnwrap(updated.resources.first { $0.kind == "worker_script" && $0.name.hasSuffix("-jobs") })
            XCTAssertTrue(jobs.created, "the update made the jobs Worker")
            for script in scripts {
                let serving = try await cf.activeWorkerVersion(script: script)
                XCTAssertNotEqual(serving, servingAt1[script], "\(script) serves its 1.1.0 version")
            }
            let etag11 = try await Self.servingEtag(market, url: live.url)
            XCTAssertNotEqual(etag11, etagAt1)

            // The buyer rolls the update back: 1.0.0's code serves again, the jobs Worker is gone, 1.0.0's resources stay.
            let rolling = try await buyer.rollbackDeployment(id: updated.id, cloudflare: credentials)
            XCTAssertEqual(rolling.state, .rollingBack)
            let rolledBack = try await Self.finished(buyer, updated.id)
            XCTAssertEqual(rolledBack.state, .rolledBack, rolledBack.lastMessage ?? "")
            XCTAssertTrue(rolledBack.lastMessage?.contains("2 Workers serve their previous version again") ?? false, rolledBack.lastMessage ?? "")
            XCTAssertTrue(rolledBack.resources.isEmpty, "\(rolledBack.resources)")
            for script in scripts {
                let serving = try await cf.activeWorkerVersion(script: script)
                XCTAssertEqual(serving, servingAt1[script], "\(script) serves the version it served before the update")
                let stays = try await cf.workerExists(name: script)
                XCTAssertTrue(stays, "1.0.0's \(script) stays")
            }
            let etagBack = try await Self.servingEtag(market, url: live.url)
            XCTAssertEqual(etagBack, etagAt1, "the 1.0.0 code answers again")
            let jobsExists = try await cf.workerExists(name: jobs.name)
            XCTAssertFalse(jobsExists, "what the update created is removed")
            let rows = try await cf.queryD1(databaseId: database, sql: "SELECT body FROM notes").flatMap(\.results)
            XCTAssertEqual(rows.compactMap { $0["body"]?.stringValue }, ["kept through it all"], "1.0.0's database and its rows stay")
            let applied = try await cf.queryD1(databaseId: database, sql: "SELECT name FROM d1_migrations ORDER BY id")
                .flatMap(\.results).compactMap { $0["name"]?.stringValue }
            XCTAssertEqual(applied, ["0001_init.sql", "0002_pinned.sql"], "a migration the update applied is not reversed (documented)")
            let base = try await buyer.deployment(id: live.id)
            XCTAssertEqual(base.state, .succeeded)
            XCTAssertEqual(base.resources, live.resources, "the deployment of 1.0.0 keeps everything it holds")
            let order = try await buyer.order(id: orderId)
            XCTAssertEqual(order.deployedVersion, "1.0.0")
            XCTAssertTrue(order.updateAvailable, "1.1.0 can be deployed again")

            // Updated again, and rolled back while Cloudflare no longer has the API's previous version: said, not fatal.
            let again = try await buyer.updateDeployment(id: live.id, cloudflare: credentials)
            let updatedAgain = try await Self.finished(buyer, again.deploymentId)
            XCTAssertEqual(updatedAgain.state, .succeeded, updatedAgain.lastMessage ?? "")
            let api = try XCTUnwrap(scripts.first { $0.hasSuffix("-api") })
            let site = try XCTUnwrap(scripts.first { $0.hasSuffix("-site") })
            let apiAt11 = try await cf.activeWorkerVersion(script: api)
            _ = market.sandbox.injectFault(SandboxFault(match: "GET /accounts/*/workers/scripts/\(api)/versions/*", status: 404, code: 10007,
                                                        message: "Version not found", times: 1))
            _ = try await buyer.rollbackDeployment(id: updatedAgain.id, cloudflare: credentials)
            let partly = try await Self.finished(buyer, updatedAgain.id)
            XCTAssertEqual(partly.state, .rolledBack, partly.lastMessage ?? "")
            XCTAssertTrue(partly.lastMessage?.contains("1 Worker serves its previous version again") ?? false, partly.lastMessage ?? "")
            XCTAssertTrue(partly.lastMessage?.contains("\(api): its previous version") ?? false, partly.lastMessage ?? "")
            let apiServing = try await cf.activeWorkerVersion(script: api)
            XCTAssertEqual(apiServing, apiAt11, "the API keeps its 1.1.0 version")
            let siteServing = try await cf.activeWorkerVersion(script: site)
            XCTAssertEqual(siteServing, servingAt1[site], "the site serves its 1.0.0 version again")

            // An update that fails after the switch (step 9's check of the business fails) switches back, leaves step 5
            // to do again, and its retry switches again.
            _ = market.sandbox.injectFault(SandboxFault(match: "GET /workers.dev/**", status: 503, message: "Worker threw", times: nil))
            let third = try await buyer.updateDeployment(id: live.id, cloudflare: credentials)
            let failedLate = try await Self.finished(buyer, third.deploymentId)
            market.sandbox.faults.clear()
            XCTAssertEqual(failedLate.state, .failed, failedLate.lastMessage ?? "")
            XCTAssertEqual(failedLate.steps.first { $0.state == .failed }?.kind, .postDeploy)
            XCTAssertTrue(failedLate.lastMessage?.contains("serve their previous version again") ?? false, failedLate.lastMessage ?? "")
            XCTAssertEqual(failedLate.steps.first { $0.kind == .uploadWorkers }?.state, .pending, "a retry switches again")
            XCTAssertFalse(failedLate.resources.contains { $0.kind == "worker_version" }, "the switches are undone: \(failedLate.resources)")
            let apiAfterFailure = try await cf.activeWorkerVersion(script: api)
            XCTAssertEqual(apiAfterFailure, apiAt11)
            let siteAfterFailure = try await cf.activeWorkerVersion(script: site)
            XCTAssertEqual(siteAfterFailure, servingAt1[site])
            _ = try await buyer.retryDeployment(id: third.deploymentId, cloudflare: credentials)
            let retried = try await Self.finished(buyer, third.deploymentId)
            XCTAssertEqual(retried.state, .succeeded, retried.lastMessage ?? "")
            let apiAfterRetry = try await cf.activeWorkerVersion(script: api)
            XCTAssertNotEqual(apiAfterRetry, apiAt11, "the retry uploaded and switched the API again")
            let siteAfterRetry = try await cf.activeWorkerVersion(script: site)
            XCTAssertNotEqual(siteAfterRetry, servingAt1[site], "and the site")
            XCTAssertEqual(Set(retried.resources.filter { $0.kind == "worker_version" }.map(\.id)),
                           ["\(api)/\(apiAt11 ?? "?")", "\(site)/\(servingAt1[site] ?? "?")"], "the retry's switches are recorded for a rollback")
            let etagAfterRetry = try await Self.servingEtag(market, url: live.url)
            XCTAssertEqual(etagAfterRetry, etag11, "the 1.1.0 code answers")

            // 1.2.0 over it: the 1.1.0 update cannot be rolled back under it (that would serve 1.0.0's code under 1.2.0);
            // the newest goes first, then the older one.
            _ = try await seller.publishVersion(slug: Self.slug, PublishVersionRequest(
                changelog: "More jobs.", bundle: Self.bundle(version: "1.2.0", apiMarker: "api v1.2", migrations: [Self.first, Self.second], jobs: true)))
            let fourth = try await buyer.updateDeployment(id: third.deploymentId, cloudflare: credentials)  // the live one now
            let at12 = try await Self.finished(buyer, fourth.deploymentId)
            XCTAssertEqual(at12.state, .succeeded, at12.lastMessage ?? "")
            let apiAt12 = try await cf.activeWorkerVersion(script: api)
            do {
                _ = try await buyer.rollbackDeployment(id: third.deploymentId, cloudflare: credentials)
                XCTFail("an update under a newer one must not be rolled back")
            } catch let error as ClientError {
                guard case let .rejected(status, detail) = error else { return XCTFail("\(error)") }
                XCTAssertEqual(status, 409)
                XCTAssertTrue(detail.message.contains("roll \(fourth.deploymentId) back first"), detail.message)
            }
            let apiStill = try await cf.activeWorkerVersion(script: api)
            XCTAssertEqual(apiStill, apiAt12, "the refused rollback changed nothing")
            let thirdAfterRefusal = try await buyer.deployment(id: third.deploymentId)
            XCTAssertEqual(thirdAfterRefusal.state, .succeeded)
            _ = try await buyer.rollbackDeployment(id: fourth.deploymentId, cloudflare: credentials)
            let fourthBack = try await Self.finished(buyer, fourth.deploymentId)
            XCTAssertEqual(fourthBack.state, .rolledBack, fourthBack.lastMessage ?? "")
            let apiBackTo11 = try await cf.activeWorkerVersion(script: api)
            XCTAssertEqual(apiBackTo11, apiAfterRetry, "1.1.0's API serves again")
            _ = try await buyer.rollbackDeployment(id: third.deploymentId, cloudflare: credentials)
            let thirdBack = try await Self.finished(buyer, third.deploymentId)
            XCTAssertEqual(thirdBack.state, .rolledBack, thirdBack.lastMessage ?? "")
            let apiBackTo10 = try await cf.activeWorkerVersion(script: api)
            XCTAssertEqual(apiBackTo10, apiAt11, "and then what served before 1.1.0's retry")
        } }
    }

    /// The etag (a digest of the modules) of what the Worker serves on workers.dev, as the stand-in's host answers it.
    static func servingEtag(_ market: LiveMarketplace, url: String?) async throws -> String? {
        let host = try XCTUnwrap(url?.replacingOccurrences(of: "https://", with: ""))
        let response = try await CurlHTTPClient().send(HTTPRequest(url: "\(market.sandbox.baseURL)/workers.dev/\(host)/health"))
        return try JSONValue.decode(response.body)["etag"]?.stringValue
    }
}
