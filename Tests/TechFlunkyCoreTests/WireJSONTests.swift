import Foundation
import XCTest
@testable import TechFlunkyCore

final class WireJSONTests: XCTestCase {
    /// Encodes, decodes and re-encodes: the value survives and the bytes are stable (sorted keys).
    private func assertRoundTrip<T: Codable & Equatable>(_ value: T, file: StaticString = #filePath, line: UInt = #line) throws {
        let data = try WireJSON.encode(value)
        let decoded = try WireJSON.decode(T.self, from: data)
        XCTAssertEqual(decoded, value, "\(T.self) changed in a round trip: \(String(decoding: data, as: UTF8.self))", file: file, line: line)
        XCTAssertEqual(try WireJSON.encode(decoded), data, "\(T.self) re-encodes differently", file: file, line: line)
    }

    private func json(_ value: some Encodable) throws -> [String: Any] {
        try XCTUnwrap(JSONSerialization.jsonObject(with: WireJSON.encode(value)) as? [String: Any])
    }

    func testEveryAPIModelRoundTrips() throws {
        let d = Fixtures.date
        let account = Account(id: "acc_1", email: "ana@example.com", displayName: "Ana Lúcia", createdAt: d)
        let sellerStatus = SellerAccountStatus(stripeAccountId: "acct_1", detailsSubmitted: true, chargesEnabled: true,
                                               payoutsEnabled: false, onboardingURL: "http://127.0.0.1:1/onboard")
        try assertRoundTrip(APIErrorBody(code: APIErrorCode.validation, message: "bad manifest", field: "package",
                                         problems: [ManifestProblem(path: "version", message: "use semver")]))
        try assertRoundTrip(APIErrorBody(code: APIErrorCode.notFound, message: "no such listing"))
        try assertRoundTrip(SignupRequest(email: "ana@example.com", password: "correct horse", displayName: "Ana"))
        try assertRoundTrip(LoginRequest(email: "ana@example.com", password: "correct horse"))
        try assertRoundTrip(account)
        try assertRoundTrip(AuthResponse(token: "tfs_abc", expiresAt: Fixtures.later, account: account))
        try assertRoundTrip(MeResponse(account: account, seller: sellerStatus, sandbox: true))
        try assertRoundTrip(MeResponse(account: account, seller: nil, sandbox: false))
        try assertRoundTrip(ListingPage(items: [Fixtures.summary], nextCursor: "eyJvIjo1MH0", total: 51))
        try assertRoundTrip(CategoriesResponse(categories: [CategoryCount(name: "SaaS", count: 7)]))
        try assertRoundTrip(CreateCheckoutSessionRequest(listingSlug: "recipebox"))
        try assertRoundTrip(CheckoutSessionResponse(orderId: "ord_1", sessionId: "cs_1", checkoutURL: "http://127.0.0.1:1/c/cs_1",
                                                    amount: .usd(10_000), platformFee: .usd(1_500), sellerShare: .usd(8_500),
                                                    holdDays: 3, expiresAt: Fixtures.later))
        try assertRoundTrip(OrdersResponse(orders: [Fixtures.order]))
        try assertRoundTrip(CloudflareCredentials(accountId: "acc", apiToken: CloudflareAPIToken("tok")))
        try assertRoundTrip(DeployRequest(orderId: "ord_1", cloudflare: .init(accountId: "acc", apiToken: CloudflareAPIToken("tok")), domain: "x.example.com"))
        try assertRoundTrip(DeployCredentialsRequest(cloudflare: .init(accountId: "acc", apiToken: CloudflareAPIToken("tok"))))
        try assertRoundTrip(DeployAccepted(deploymentId: "dep_1", state: .queued))
        try assertRoundTrip(sellerStatus)
        try assertRoundTrip(PayoutTotal(state: .inReview, count: 2, amount: .usd(17_000)))
        try assertRoundTrip(PayoutsResponse(payouts: [Fixtures.payout], totals: [PayoutTotal(state: .frozen, count: 1, amount: .usd(3_825_000))], now: d))
        try assertRoundTrip(PublishListingRequest(title: "T", tagline: "t", description: "d", category: "SaaS", askingPrice: .usd(90_000),
                                                  monthlyRevenue: .usd(1_000), monthlyProfit: .usd(500), ageMonths: 3,
                                                  techStack: ["Workers"], monthlyVisitors: 10))
        try assertRoundTrip(SandboxClockResponse(now: d, offsetSeconds: 259_200))
        try assertRoundTrip(SandboxAdvanceRequest(seconds: 86_400))
        try assertRoundTrip(SandboxPayRequest(orderId: "ord_1"))
    }

    func testDomainValuesRoundTrip() throws {
        try assertRoundTrip(Fixtures.summary)
        try assertRoundTrip(Fixtures.listing)
        try assertRoundTrip(Fixtures.order)
        try assertRoundTrip(Fixtures.payout)
        try assertRoundTrip(Fixtures.deployment)
        try assertRoundTrip(Fixtures.deploymentSummary)
        try assertRoundTrip(Fixtures.event)
        try assertRoundTrip(Fixtures.manifest)
        try assertRoundTrip(FeeSplit(amount: .usd(100), platformFee: .usd(15), sellerShare: .usd(85)))
    }

    func testErrorEnvelopeShape() throws {
        let body = try json(APIErrorBody(code: "not_found", message: "no such listing", field: "slug"))
        let error = try XCTUnwrap(body["error"] as? [String: Any])
        XCTAssertEqual(error["code"] as? String, "not_found")
        XCTAssertEqual(error["message"] as? String, "no such listing")
        XCTAssertEqual(error["field"] as? String, "slug")
        XCTAssertEqual(body.count, 1)
    }

    func testEnumsUseSnakeCaseRawValues() throws {
        let order = try json(Fixtures.order)
        XCTAssertEqual(order["state"] as? String, "in_review")
        XCTAssertEqual((order["amount"] as? [String: Any])?["amount"] as? Int, 4_500_000)
        let deployment = try json(Fixtures.deployment)
        let steps = try XCTUnwrap(deployment["steps"] as? [[String: Any]])
        XCTAssertEqual(steps.map { $0["kind"] as? String }, [
            "verify_credentials", "create_namespace", "create_databases", "create_buckets", "upload_workers",
            "configure_domain", "configure_dns", "configure_environment", "post_deploy",
        ])
        XCTAssertEqual(try json(DeployAccepted(deploymentId: "d", state: .rollingBack))["state"] as? String, "rolling_back")
    }

    func testManifestUsesTheSeedsSnakeCaseKeys() throws {
        let manifest = try json(Fixtures.manifest)
        XCTAssertEqual(Set(manifest.keys), ["id", "name", "slug", "version", "cloudflare", "businessAssets"])
        let cloudflare = try XCTUnwrap(manifest["cloudflare"] as? [String: Any])
        XCTAssertEqual(Set(cloudflare.keys), ["workers", "d1_databases", "r2_buckets", "dns_records", "smoke_checks"])
        let worker = try XCTUnwrap((cloudflare["workers"] as? [[String: Any]])?.first)
        XCTAssertEqual(worker["compatibility_date"] as? String, "2024-09-23")
        let binding = try XCTUnwrap((worker["bindings"] as? [[String: Any]])?[1])
        XCTAssertEqual(binding["type"] as? String, "r2_bucket")
    }

    func testDatesAreRFC3339WithMilliseconds() throws {
        let account = try json(Account(id: "a", email: "e", displayName: "n", createdAt: Date(timeIntervalSince1970: 0.25)))
        XCTAssertEqual(account["createdAt"] as? String, "1970-01-01T00:00:00.250Z")
        XCTAssertEqual(WireJSON.parseDate("2026-11-26T18:35:46Z"), Date(timeIntervalSince1970: 1_795_718_146))
        XCTAssertEqual(WireJSON.parseDate("2026-11-26T18:35:46.500Z"), Date(timeIntervalSince1970: 1_795_718_146.5))
        XCTAssertNil(WireJSON.parseDate("yesterday"))
        XCTAssertThrowsError(try WireJSON.decode(Account.self, from: Data(#"{"id":"a","email":"e","displayName":"n","createdAt":"soon"}"#.utf8)))
    }

    func testSecretsNeverShowInDescriptions() {
        let request = DeployRequest(orderId: "ord_1", cloudflare: .init(accountId: "acc_9", apiToken: CloudflareAPIToken("cf-SECRET-token")), domain: nil)
        var dumped = ""
        dump(request, to: &dumped)
        for text in [String(describing: request), String(reflecting: request), "\(request.cloudflare)", dumped] {
            XCTAssertFalse(text.contains("cf-SECRET-token"), text)
        }
        XCTAssertTrue(String(describing: request.cloudflare).contains("acc_9"))
        let login = LoginRequest(email: "a@b.c", password: "hunter2-PASSWORD")
        let signup = SignupRequest(email: "a@b.c", password: "hunter2-PASSWORD", displayName: "A")
        let auth = AuthResponse(token: "tfs_SESSION", expiresAt: Fixtures.date,
                                account: Account(id: "a", email: "a@b.c", displayName: "A", createdAt: Fixtures.date))
        let secrets = GeneratedSecrets(secrets: [GeneratedSecret(worker: "api", name: "ADMIN_KEY", value: "s3cret-VALUE")], note: "once")
        var dumpedSecrets = ""
        dump(secrets, to: &dumpedSecrets)
        for text in ["\(login)", "\(signup)", String(reflecting: [login]), "\(auth)", String(reflecting: auth), "\(secrets)", dumpedSecrets] {
            XCTAssertFalse(text.contains("PASSWORD") || text.contains("SESSION") || text.contains("VALUE"), text)
        }
        XCTAssertTrue("\(secrets.secrets[0])".contains("api/ADMIN_KEY"))
    }

    func testListingQueryItemsLeaveOutEmptyValues() {
        let query = ListingQuery(q: "", category: "SaaS", minPrice: 100, sort: .priceAsc, limit: 20)
        XCTAssertEqual(query.queryItems.map { "\($0.0)=\($0.1)" }, ["category=SaaS", "minPrice=100", "sort=price_asc", "limit=20"])
    }
}

final class ListingUploadTests: XCTestCase {
    func testUploadRoundTripsWithBase64FileContent() throws {
        let manifest = try WireJSON.encode(Fixtures.manifest)
        let upload = ListingUploadRequest(
            listing: PublishListingRequest(title: "T", tagline: "t", description: "d", category: "SaaS", askingPrice: .usd(90_000),
                                           monthlyRevenue: .usd(1_000), monthlyProfit: .usd(500), ageMonths: 3, techStack: [], monthlyVisitors: 1),
            bundle: PackageBundle(files: [BundleFile(path: "techflunky.json", content: manifest),
                                          BundleFile(path: "workers/api/index.js", content: Data("export default {}".utf8))]))
        let data = try WireJSON.encode(upload)
        XCTAssertEqual(try WireJSON.decode(ListingUploadRequest.self, from: data), upload)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
        let files = try XCTUnwrap((object["bundle"] as? [String: Any])?["files"] as? [[String: Any]])
        XCTAssertEqual(files[1]["content"] as? String, Data("export default {}".utf8).base64EncodedString())
        XCTAssertEqual(upload.bundle?.manifestData, manifest)
        XCTAssertEqual(upload.bundle?.paths, ["techflunky.json", "workers/api/index.js"])
        XCTAssertEqual(try PackageManifestValidator.decode(XCTUnwrap(upload.bundle?.manifestData)), Fixtures.manifest)
    }

    func testHealthAndWebhookShapes() throws {
        XCTAssertEqual(String(decoding: try WireJSON.encode(HealthResponse(version: "1.2.3")), as: UTF8.self), #"{"status":"ok","version":"1.2.3"}"#)
        XCTAssertEqual(String(decoding: try WireJSON.encode(WebhookReceipt()), as: UTF8.self), #"{"duplicate":false,"received":true}"#)
    }
}

final class WireDateTests: XCTestCase {
    func testDatesAreWrittenToTheNearestMillisecondInUTC() {
        XCTAssertEqual(WireJSON.formatDate(Date(timeIntervalSince1970: 0)), "1970-01-01T00:00:00.000Z")
        XCTAssertEqual(WireJSON.formatDate(Date(timeIntervalSince1970: 1_795_730_852.1236)), "2026-11-26T22:07:32.124Z")
        XCTAssertEqual(WireJSON.formatDate(Date(timeIntervalSince1970: 1_795_730_852.9996)), "2026-11-26T22:07:33.000Z", "rounds into the next second")
        XCTAssertEqual(WireJSON.formatDate(Date(timeIntervalSince1970: -0.5)), "1969-12-31T23:59:59.500Z")
        XCTAssertEqual(WireJSON.formatDate(Date(timeIntervalSince1970: 951_782_400)), "2000-02-29T00:00:00.000Z")
    }

    /// What is read back is written out the same: an event replayed from storage equals the one sent live.
    func testWrittenDatesSurviveAReadAndWriteUnchanged() throws {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            let millis = Int64.random(in: 0..<4_102_444_800_000, using: &generator)
            let text = WireJSON.formatDate(Date(timeIntervalSince1970: Double(millis) / 1000))
            let read = try XCTUnwrap(WireJSON.parseDate(text), text)
            XCTAssertEqual(WireJSON.formatDate(read), text)
            XCTAssertEqual((read.timeIntervalSince1970 * 1000).rounded(), Double(millis), text)
        }
    }
}
