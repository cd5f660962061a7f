import Foundation
import Hummingbird
@testable import TechFlunkyClient
import TechFlunkyCore
import TechFlunkyHTTP
import XCTest

/// Calls against small fake servers: how each kind of failure reaches the caller.
final class PlatformClientErrorTests: XCTestCase {
    func testListingsDecodeAndSendQueryAndToken() async throws {
        let seen = LockedValue<(String?, String?)>((nil, nil))
        try await LoopbackServer.run({ router in
            router.get("api/listings") { request, _ in
                seen.withValue { $0 = (request.uri.query, request.headers[.authorization]) }
                return try Response.wire(ListingPage(items: [Fixtures.summary(1), Fixtures.summary(2)], nextCursor: "c2", total: 7))
            }
            router.get("api/me") { request, _ in
                guard request.headers[.authorization] == "Bearer tok" else {
                    return try Response.apiError(.unauthorized, code: "unauthorized", message: "session expired")
                }
                return try Response.wire(MeResponse(account: Account(id: "a", email: "e@x", displayName: "E", createdAt: Fixtures.date), seller: nil, sandbox: true))
            }
        }) { base in
            let client = PlatformClient(baseURL: base + "/", token: "tok")
            let page = try await client.listings(ListingQuery(q: "ai & ml/", category: "saas", sort: .priceAsc, limit: 2))
            XCTAssertEqual(page.items.map(\.slug), ["business-1", "business-2"])
            XCTAssertEqual(page.nextCursor, "c2")
            XCTAssertEqual(seen.withValue { $0.0 }, "q=ai%20%26%20ml%2F&category=saas&sort=price_asc&limit=2")
            XCTAssertNil(seen.withValue { $0.1 }, "public calls do not need the token")
            let me = try await client.me()
            XCTAssertEqual(me.account.id, "a")
            client.token = "stale"
            do {
                _ = try await client.me()
                XCTFail("expected signedOut")
            } catch let error as ClientError {
                XCTAssertEqual(error, .signedOut(message: "session expired"))
            }
        }
    }

    func testServerErrorsBecomeActionableClientErrors() async throws {
        try await LoopbackServer.run({ router in
            router.get("api/listings/:slug") { _, context in
                try Response.apiError(.notFound, code: "not_found", message: "no listing \(context.parameters.get("slug") ?? "")")
            }
            router.post("api/deploy") { _, _ in
                try Response.apiError(.conflict, code: "order_not_paid", message: "the order is not paid yet", field: "orderId")
            }
            router.get("api/orders") { _, _ in
                Response(status: .internalServerError, body: .init(byteBuffer: ByteBuffer(string: "boom\u{1B}[2J")))
            }
            router.get("api/categories") { _, _ in
                Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: "{\"categories\": [{\"name\": 3}]}")))
            }
            router.get("api/seller/payouts") { _, _ in
                Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: "<html>not json</html>")))
            }
        }) { base in
            let client = PlatformClient(baseURL: base, token: "t", transport: CurlHTTPClient(configuration: .init(retry: .never)))
            // The slug stays one path segment: the server's :slug route sees it, still encoded.
            await Self.assertThrows(try await client.listing(slug: "../../etc"), .notFound(message: "no listing ..%2F..%2Fetc"))
            let deploy = DeployRequest(orderId: "o1", cloudflare: CloudflareCredentials(accountId: "a", apiToken: CloudflareAPIToken("secret")))
            await Self.assertThrows(try await client.deploy(deploy),
                                    .rejected(status: 409, error: .init(code: "order_not_paid", message: "the order is not paid yet", field: "orderId")))
            // A body that is not the API's error shape is quoted through TextSanitizer: the escape sequence goes whole.
            await Self.assertThrows(try await client.orders(), .serverError(status: 500, message: "boom"))
            do {
                _ = try await client.categories()
                XCTFail("expected undecodable")
            } catch let error as ClientError {
                guard case let .undecodable(url, expected, detail) = error else { return XCTFail("\(error)") }
                XCTAssertEqual(url, base + "/api/categories")
                XCTAssertEqual(expected, "CategoriesResponse")
                XCTAssertTrue(detail.contains("categories[0]"), detail)
            }
            do {
                _ = try await client.payouts()
                XCTFail("expected undecodable")
            } catch let error as ClientError {
                XCTAssertEqual(error, .undecodable(url: base + "/api/seller/payouts", expected: "PayoutsResponse", detail: "not JSON"))
            }
        }
    }

    func testServerMessagesInErrorsCannotCarryEscapeSequences() {
        let body = Data(#"{"error":{"code":"conflict","message":"bad\u001b]0;owned\u0007\r\u001b[2Kthing","field":"x\u001b[31m"}}"#.utf8)
        let error = ClientError.from(status: 409, body: body)
        XCTAssertFalse(error.description.contains("\u{1B}"), error.description)
        XCTAssertFalse(error.description.contains("\r"), error.description)
        XCTAssertEqual(error.apiCode, "conflict")
    }

    func testManifestProblemsArriveWithTheirPaths() async throws {
        let problems = [ManifestProblem(path: "cloudflare.workers[0].name", message: "must be lower-case"),
                        ManifestProblem(path: "slug", message: "is empty")]
        try await LoopbackServer.run({ router in
            router.post("api/sandbox/pay") { _, _ in
                try Response.apiError(.unprocessableContent, code: "validation_failed", message: "2 problems", problems: problems)
            }
        }) { base in
            do {
                try await PlatformClient(baseURL: base).sandboxPay(orderId: "o")
                XCTFail("expected rejected")
            } catch let error as ClientError {
                guard case let .rejected(status, detail) = error else { return XCTFail("\(error)") }
                XCTAssertEqual(status, 422)
                XCTAssertEqual(detail.problems, problems)
                XCTAssertEqual(error.apiCode, "validation_failed")
            }
        }
    }

    func testServerThatIsDownIsCannotReachWithItsURL() async throws {
        let port = try Self.freePort()
        let base = "http://127.0.0.1:\(port)"
        let client = PlatformClient(baseURL: base, transport: CurlHTTPClient(configuration: .init(retry: .never)))
        do {
            _ = try await client.health()
            XCTFail("expected cannotReach")
        } catch let error as ClientError {
            guard case let .cannotReach(url, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(url, base)
            XCTAssertTrue(error.description.contains(base))
            XCTAssertTrue(error.isTransient)
        }
    }

    func testSlowServerTimesOut() async throws {
        try await LoopbackServer.run({ router in
            router.get("healthz") { _, _ in
                try await Task.sleep(nanoseconds: 3_000_000_000)
                return "{}"
            }
        }) { base in
            let transport = CurlHTTPClient(configuration: .init(timeouts: HTTPTimeouts(connect: 2, total: 0.3), retry: .never))
            await Self.assertThrows(try await PlatformClient(baseURL: base, transport: transport).health(), .timedOut(url: base))
        }
    }

    func testTenMegabyteAnswerIsRefusedNotBuffered() async throws {
        try await LoopbackServer.run({ router in
            router.get("api/listings") { _, _ in
                Response(status: .ok, body: ResponseBody { writer in
                    try await writer.write(ByteBuffer(string: "{\"items\":[\""))
                    let chunk = ByteBuffer(repeating: UInt8(ascii: "a"), count: 1 << 20)
                    for _ in 0..<10 { try await writer.write(chunk) }
                    try await writer.write(ByteBuffer(string: "\"]}"))
                    try await writer.finish(nil)
                })
            }
        }) { base in
            let transport = CurlHTTPClient(configuration: .init(maxResponseBytes: 4 << 20, retry: .never))
            await Self.assertThrows(try await PlatformClient(baseURL: base, transport: transport).listings(),
                                    .transport(.responseTooLarge(url: base + "/api/listings", limit: 4 << 20)))
        }
    }

    func testCheckoutSendsIdempotencyKeyAndRetriesWithTheSameKey() async throws {
        let keys = LockedValue<[String]>([])
        try await LoopbackServer.run({ router in
            router.post("api/checkout/create-session") { request, _ in
                let count = keys.withValue { $0.append(request.headers[.init("Idempotency-Key")!] ?? "-"); return $0.count }
                if count == 1 { return Response(status: .serviceUnavailable) }
                return try Response.wire(CheckoutSessionResponse(orderId: "o1", sessionId: "cs_1", checkoutURL: "http://pay", amount: .usd(10000),
                                                                 platformFee: .usd(1500), sellerShare: .usd(8500), holdDays: 3, expiresAt: Fixtures.date))
            }
        }) { base in
            let transport = CurlHTTPClient(configuration: .init(retry: RetryPolicy(maxAttempts: 3, baseDelay: 0.01)))
            let session = try await PlatformClient(baseURL: base, token: "t", transport: transport).createCheckoutSession(listingSlug: "b", idempotencyKey: "key-1")
            XCTAssertEqual(session.orderId, "o1")
            XCTAssertEqual(keys.withValue { $0 }, ["key-1", "key-1"])
        }
    }

    static func assertThrows<T>(_ expression: @autoclosure () async throws -> T, _ expected: ClientError,
                                file: StaticString = #filePath, line: UInt = #line) async {
        do {
            _ = try await expression()
            XCTFail("expected \(expected)", file: file, line: line)
        } catch let error as ClientError {
            XCTAssertEqual(error, expected, file: file, line: line)
        } catch {
            XCTFail("unexpected \(error)", file: file, line: line)
        }
    }

    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw CocoaError(.fileReadUnknown) }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
