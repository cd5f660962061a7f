import Foundation
import XCTest
@testable import TechFlunkyCore

/// Holds docs/openapi.yaml to the Core wire types: for each schema, the keys a fully populated value
/// encodes to must be exactly the schema's properties, and every required property must be encoded.
/// (Core has no YAML parser; this reads the document's own regular layout: schemas at four spaces,
/// `properties:` at six, property names at eight.)
final class OpenAPIContractTests: XCTestCase {
    struct SchemaShape {
        var properties: Set<String> = []
        var required: Set<String> = []
    }

    static let specURL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("docs/openapi.yaml")

    static func schemas() throws -> [String: SchemaShape] {
        let text = try String(contentsOf: specURL, encoding: .utf8)
        var shapes: [String: SchemaShape] = [:]
        var inSchemas = false
        var current: String?
        var inProperties = false
        var pendingRequired = ""
        func indent(_ line: Substring) -> Int { line.prefix { $0 == " " }.count }
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if line == "  schemas:" { inSchemas = true; continue }
            guard inSchemas, !trimmed.isEmpty, !trimmed.hasPrefix("#") else { continue }
            let level = indent(line)
            if level < 4 { inSchemas = false; continue }
            if !pendingRequired.isEmpty {
                pendingRequired += " " + trimmed
            } else if level == 6, trimmed.hasPrefix("required: [") {
                pendingRequired = trimmed
            }
            if pendingRequired.hasSuffix("]"), let name = current {
                let list = pendingRequired.drop { $0 != "[" }.dropFirst().dropLast()
                shapes[name, default: .init()].required = Set(list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
                pendingRequired = ""
            }
            if level == 4, trimmed.hasSuffix(":") {
                current = String(trimmed.dropLast())
                shapes[current!] = shapes[current!] ?? .init()
                inProperties = false
            } else if level == 6 {
                inProperties = trimmed == "properties:"
            } else if level == 8, inProperties, let name = current, let colon = trimmed.firstIndex(of: ":") {
                shapes[name, default: .init()].properties.insert(String(trimmed[..<colon]))
            }
        }
        return shapes
    }

    private func keys(_ value: some Encodable) throws -> Set<String> {
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: WireJSON.encode(value)) as? [String: Any])
        return Set(object.keys)
    }

    private func assertMatches(_ schema: String, _ value: some Encodable, in shapes: [String: SchemaShape],
                               file: StaticString = #filePath, line: UInt = #line) throws {
        let shape = try XCTUnwrap(shapes[schema], "docs/openapi.yaml has no schema \(schema)", file: file, line: line)
        let encoded = try keys(value)
        XCTAssertEqual(encoded, shape.properties, "\(schema): encoded keys vs schema properties", file: file, line: line)
        XCTAssertTrue(shape.required.isSubset(of: encoded), "\(schema): required \(shape.required.subtracting(encoded)) not encoded",
                      file: file, line: line)
    }

    func testSchemasMatchTheWireTypes() throws {
        let shapes = try Self.schemas()
        XCTAssertGreaterThan(shapes.count, 40, "the reader found the schemas")
        let d = Fixtures.date
        let account = Account(id: "a", email: "e@x.io", displayName: "A", createdAt: d)
        let sellerStatus = SellerAccountStatus(stripeAccountId: "acct", detailsSubmitted: true, chargesEnabled: true, payoutsEnabled: true,
                                               onboardingURL: "http://127.0.0.1/x")
        let listingText = PublishListingRequest(title: "T", tagline: "t", description: "d", category: "SaaS", askingPrice: .usd(1),
                                                monthlyRevenue: .usd(1), monthlyProfit: .usd(1), ageMonths: 1, techStack: [], monthlyVisitors: 1,
                                                history: [MonthlyFigures(month: "2026-01", revenue: 2, profit: 1, visitors: 3)])
        // Every optional field present, so each is checked against the schema.
        let figures = MonthlyFigures(month: "2026-01", revenue: 2, profit: 1, visitors: 3)
        var summary = Fixtures.summary
        summary.revenueSparkline = [1, 2]
        var manifest = Fixtures.manifest
        manifest.history = [figures]
        manifest.assetPreviewPercent = 25
        var listing = Fixtures.listing
        listing.summary = summary
        listing.history = [figures]
        let fullEvent = DeploymentEvent(seq: 1, deploymentId: "d", kind: .resource, at: d, state: .running, step: .createBuckets,
                                        stepState: .running, message: "m", errorCode: 1, resource: Fixtures.resource, removed: true, url: "https://x.workers.dev")
        var deployment = Fixtures.deployment
        deployment.url = "https://x.workers.dev"
        deployment.packageVersion = "1.1.0"
        deployment.updateOf = "dep_0"
        var order = Fixtures.order
        order.releasedAt = d
        order.latestVersion = "1.1.0"
        order.deployedVersion = "1.0.0"
        listing.versions = [PackageVersion(version: "1.0.0", changelog: "First", publishedAt: d)]
        let sellerListing = SellerListing(slug: "s", title: "T", status: "active", askingPrice: .usd(1), version: "1.0.0", versionCount: 1,
                                          buyers: 0, createdAt: d, updatedAt: d)
        var payout = Fixtures.payout
        payout.releasedAt = d
        payout.transferId = "tr_1"
        let worker = Fixtures.manifest.cloudflare.workers[0]

        try assertMatches("APIErrorBody", APIErrorBody(code: "c", message: "m"), in: shapes)
        let check = PlatformHealth.Check(name: "stripe", ok: false, detail: "answers HTTP 503", milliseconds: 3)
        try assertMatches("PlatformHealthCheck", check, in: shapes)
        try assertMatches("PlatformHealth", PlatformHealth(sandbox: true, checkedAt: d, checks: [check], deploymentsRunning: 1, holdsPastDue: 2,
                                                           webhooksRejected: 3), in: shapes)
        try assertMatches("ManifestProblem", ManifestProblem(path: "p", message: "m"), in: shapes)
        try assertMatches("Money", Money.usd(1), in: shapes)
        try assertMatches("SignupRequest", SignupRequest(email: "e", password: "p", displayName: "n"), in: shapes)
        try assertMatches("LoginRequest", LoginRequest(email: "e", password: "p"), in: shapes)
        try assertMatches("Account", account, in: shapes)
        try assertMatches("AuthResponse", AuthResponse(token: "t", expiresAt: d, account: account), in: shapes)
        try assertMatches("MeResponse", MeResponse(account: account, seller: sellerStatus, sandbox: true), in: shapes)
        try assertMatches("SellerSummary", Fixtures.seller, in: shapes)
        try assertMatches("ListingSummary", summary, in: shapes)
        try assertMatches("MonthlyFigures", figures, in: shapes)
        try assertMatches("BusinessDocument", BusinessDocument.make(kind: "businessPlan", fileName: "p.md", format: .markdown, text: "a\nb\n",
                                                                    percent: 50, whole: false), in: shapes)
        try assertMatches("ListingPage", ListingPage(items: [], nextCursor: "c", total: 10_000, totalIsLowerBound: true), in: shapes)
        try assertMatches("BusinessAsset", Fixtures.listing.assets[0], in: shapes)
        // Every optional field present (history, versions, the reservation's end), so the keys match the schema's.
        var reservedListing = listing
        reservedListing.reservedUntil = d
        try assertMatches("Listing", reservedListing, in: shapes)
        try assertMatches("PackageVersion", listing.versions![0], in: shapes)
        try assertMatches("PackageVersionsResponse", PackageVersionsResponse(current: "1.0.0", versions: []), in: shapes)
        try assertMatches("PublishVersionRequest", PublishVersionRequest(changelog: "c", bundle: PackageBundle(files: [])), in: shapes)
        try assertMatches("ListingPatchRequest", ListingPatchRequest(title: "t", tagline: "t", description: "d", askingPrice: .usd(1)), in: shapes)
        try assertMatches("SellerListing", sellerListing, in: shapes)
        try assertMatches("SellerListingsResponse", SellerListingsResponse(listings: []), in: shapes)
        try assertMatches("DeployUpdateRequest", DeployUpdateRequest(cloudflare: .init(accountId: "a", apiToken: CloudflareAPIToken("t"))), in: shapes)
        try assertMatches("CategoryCount", CategoryCount(name: "n", count: 1), in: shapes)
        try assertMatches("CategoriesResponse", CategoriesResponse(categories: []), in: shapes)
        try assertMatches("PackageManifest", manifest, in: shapes)
        try assertMatches("CloudflareResources", Fixtures.manifest.cloudflare, in: shapes)
        try assertMatches("WorkerSpec", worker, in: shapes)
        try assertMatches("WorkerBinding", WorkerBinding(type: .d1, name: "DB", database: "d", bucket: "b", text: "t"), in: shapes)
        try assertMatches("D1DatabaseSpec", Fixtures.manifest.cloudflare.d1Databases[0], in: shapes)
        try assertMatches("R2BucketSpec", Fixtures.manifest.cloudflare.r2Buckets[0], in: shapes)
        try assertMatches("CORSRule", Fixtures.manifest.cloudflare.r2Buckets[0].cors![0], in: shapes)
        try assertMatches("DNSRecordSpec", DNSRecordSpec(type: "MX", name: "@", content: "m.x.io", ttl: 1, proxied: false, priority: 1), in: shapes)
        try assertMatches("SmokeCheckSpec", Fixtures.manifest.cloudflare.smokeChecks![0], in: shapes)
        try assertMatches("CreateCheckoutSessionRequest", CreateCheckoutSessionRequest(listingSlug: "s", offerId: "off_1"), in: shapes)
        let offer = Offer(id: "off_2", threadId: "off_1", listingSlug: "s", listingTitle: "T", askingPrice: .usd(10), buyerName: "B", sellerName: "S",
                          amount: .usd(5), from: .seller, state: .accepted, message: "m", createdAt: d, expiresAt: d, respondedAt: d,
                          previousOfferId: "off_1", orderId: "ord_1", yourRole: .buyer)
        try assertMatches("Offer", offer, in: shapes)
        try assertMatches("OffersResponse", OffersResponse(offers: [offer], now: d), in: shapes)
        try assertMatches("MakeOfferRequest", MakeOfferRequest(listingSlug: "s", amount: .usd(5), expiresInSeconds: 3_600, message: "m"), in: shapes)
        try assertMatches("CounterOfferRequest", CounterOfferRequest(amount: .usd(5), expiresInSeconds: 3_600, message: "m"), in: shapes)
        let question = Question(id: "q", listingSlug: "s", listingTitle: "T", text: "t", askedAt: d, answer: "a", answeredAt: d, published: true,
                                publishedAt: d, askedByYou: false, yourListing: true)
        try assertMatches("Question", question, in: shapes)
        try assertMatches("QuestionsResponse", QuestionsResponse(questions: [question]), in: shapes)
        try assertMatches("AskQuestionRequest", AskQuestionRequest(text: "t"), in: shapes)
        try assertMatches("AnswerQuestionRequest", AnswerQuestionRequest(answer: "a", publish: true), in: shapes)
        try assertMatches("CheckoutSessionResponse", CheckoutSessionResponse(orderId: "o", sessionId: "s", checkoutURL: "u", amount: .usd(1),
                                                                             platformFee: .usd(0), sellerShare: .usd(1), holdDays: 3, expiresAt: d, now: d), in: shapes)
        try assertMatches("WebhookReceipt", WebhookReceipt(), in: shapes)
        try assertMatches("Order", order, in: shapes)
        try assertMatches("OrdersResponse", OrdersResponse(orders: []), in: shapes)
        try assertMatches("CloudflareCredentials", CloudflareCredentials(accountId: "a", apiToken: CloudflareAPIToken("t")), in: shapes)
        try assertMatches("DeployRequest", DeployRequest(orderId: "o", cloudflare: .init(accountId: "a", apiToken: CloudflareAPIToken("t")), domain: "x.io"), in: shapes)
        try assertMatches("DeployCredentialsRequest", DeployCredentialsRequest(cloudflare: .init(accountId: "a", apiToken: CloudflareAPIToken("t")), domain: "x.io"), in: shapes)
        try assertMatches("GeneratedSecrets", GeneratedSecrets(secrets: [GeneratedSecret(worker: "api", name: "N", value: "v")], note: "n"), in: shapes)
        try assertMatches("DeployAccepted", DeployAccepted(deploymentId: "d", state: .queued), in: shapes)
        try assertMatches("CreatedResource", Fixtures.resource, in: shapes)
        try assertMatches("DeploymentStep", Fixtures.deployment.steps[2], in: shapes)
        try assertMatches("Deployment", deployment, in: shapes)
        try assertMatches("DeploymentSummary", DeploymentSummary(id: "d", state: .running, currentStep: .postDeploy, url: "u", createdAt: d, updatedAt: d,
                                                                 packageVersion: "1.1.0", updateOf: "dep_0"), in: shapes)
        try assertMatches("DeploymentEvent", fullEvent, in: shapes)
        try assertMatches("SellerAccountStatus", sellerStatus, in: shapes)
        try assertMatches("Payout", payout, in: shapes)
        try assertMatches("PayoutTotal", PayoutTotal(state: .released, count: 1, amount: .usd(1)), in: shapes)
        try assertMatches("PayoutsResponse", PayoutsResponse(payouts: [], totals: [], now: d), in: shapes)
        try assertMatches("PublishListingRequest", listingText, in: shapes)
        try assertMatches("BundleFile", BundleFile(path: "p", content: Data()), in: shapes)
        try assertMatches("PackageBundle", PackageBundle(files: []), in: shapes)
        try assertMatches("ListingUploadRequest", ListingUploadRequest(listing: listingText, bundle: PackageBundle(files: [])), in: shapes)
        try assertMatches("SandboxClockResponse", SandboxClockResponse(now: d, offsetSeconds: 0), in: shapes)
        try assertMatches("SandboxAdvanceRequest", SandboxAdvanceRequest(seconds: 1), in: shapes)
        try assertMatches("SandboxPayRequest", SandboxPayRequest(orderId: "o"), in: shapes)
        try assertMatches("HealthResponse", HealthResponse(), in: shapes)
        let notification = MarketNotification(id: 1, kind: .priceDrop, message: "m", listingSlug: "s", listingTitle: "t", oldPrice: .usd(2),
                                              newPrice: .usd(1), referenceId: "r", createdAt: d, readAt: d)
        try assertMatches("MarketNotification", notification, in: shapes)
        try assertMatches("NotificationsResponse", NotificationsResponse(notifications: [], unreadCount: 0), in: shapes)
        try assertMatches("MarkNotificationsReadRequest", MarkNotificationsReadRequest(ids: [1], upTo: 2), in: shapes)
        try assertMatches("UnreadCount", UnreadCount(unreadCount: 1), in: shapes)
        let watched = WatchedListing(listing: Fixtures.summary, saleState: .reserved, reservedUntil: d, watchedAt: d)
        try assertMatches("WatchedListing", watched, in: shapes)
        try assertMatches("WatchlistResponse", WatchlistResponse(items: []), in: shapes)
        try assertMatches("SaveSearchRequest", SaveSearchRequest(name: "n", q: "q", category: "c", minPrice: 1, maxPrice: 2), in: shapes)
        try assertMatches("SavedSearch", SavedSearch(id: "i", name: "n", q: "q", category: "c", minPrice: 1, maxPrice: 2, createdAt: d), in: shapes)
        try assertMatches("SavedSearchesResponse", SavedSearchesResponse(searches: []), in: shapes)
    }

    func testEnumsInTheSpecMatchTheCoreEnums() throws {
        let text = try String(contentsOf: Self.specURL, encoding: .utf8)
        func assertEnum(_ values: [String], file: StaticString = #filePath, line: UInt = #line) {
            XCTAssertTrue(text.contains("enum: [\(values.joined(separator: ", "))]"), "spec lacks enum \(values)", file: file, line: line)
        }
        assertEnum(OrderState.allCases.map(\.rawValue))
        assertEnum(DeploymentState.allCases.map(\.rawValue))
        assertEnum(StepState.allCases.map(\.rawValue))
        assertEnum(HoldState.allCases.map(\.rawValue))
        assertEnum(ListingSort.allCases.map(\.rawValue))
        assertEnum(ListingStatus.allCases.map(\.rawValue))
        assertEnum(SaleState.allCases.map(\.rawValue))
        assertEnum(NotificationKind.allCases.filter { $0 != .other }.map(\.rawValue))
        assertEnum(WorkerBinding.Kind.allCases.map(\.rawValue))
        assertEnum(OfferState.allCases.map(\.rawValue))
        assertEnum(OfferParty.allCases.map(\.rawValue))
        assertEnum(PackageManifestValidator.dnsRecordTypes)
        XCTAssertTrue(text.contains("enum: [deployment, step, log, resource]"))
        let steps = DeploymentStepKind.allCases.map(\.rawValue)
        XCTAssertTrue(text.contains(steps[0..<5].joined(separator: ", ")) && text.contains(steps[5...].joined(separator: ", ")), "step kinds")
    }
}
