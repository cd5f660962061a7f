import Foundation
import TechFlunkyCore
import TechFlunkyHTTP
import XCTest

@testable import TechFlunkyPlatform

/// A scripted transport: answers each request with the next queued response and records what was sent.
final class ScriptedTransport: HTTPTransport, @unchecked Sendable {
    // @unchecked: `lock` guards every mutable field.
    private let lock = NSLock()
    private var queue: [Result<HTTPResponse, HTTPError>] = []
    private(set) var sent: [HTTPRequest] = []

    func enqueue(status: Int, json: String, headers: HTTPHeaders = [:]) {
        lock.withLock { queue.append(.success(HTTPResponse(status: status, headers: headers, body: Data(json.utf8)))) }
    }

    func enqueue(error: HTTPError) { lock.withLock { queue.append(.failure(error)) } }

    var requests: [HTTPRequest] { lock.withLock { sent } }

    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        let next: Result<HTTPResponse, HTTPError>? = lock.withLock {
            sent.append(request)
            return queue.isEmpty ? nil : queue.removeFirst()
        }
        guard let next else { throw HTTPError.cannotConnect(url: request.url, detail: "no scripted response left") }
        ContractRecording.record(fake: "ScriptedTransport", request, try? next.get())
        return try next.get()
    }

    func stream(_ request: HTTPRequest) async throws -> HTTPStreamingResponse {
        throw HTTPError.invalidURL("streaming is not scripted")
    }
}

final class CloudflareClientTests: XCTestCase {
    let secret = "cf-token-SECRET-123456"

    func makeClient(_ transport: ScriptedTransport) -> CloudflareClient {
        CloudflareClient(baseURL: "http://127.0.0.1:9/client/v4/", accountId: "acc123", token: CloudflareAPIToken(secret),
                         transport: transport, retry: .init(maxAttempts: 3, baseDelay: 0.001, maxDelay: 0.05))
    }

    func testCreateD1DatabaseSendsBearerAndDecodesResult() async throws {
        let t = ScriptedTransport()
        t.enqueue(status: 200, json: #"{"success":true,"errors":[],"messages":[],"result":{"uuid":"u-1","name":"tf-x-main","created_at":"2026-01-01T00:00:00Z"}}"#)
        let db = try await makeClient(t).createD1Database(name: "tf-x-main")
        XCTAssertEqual(db.uuid, "u-1")
        let req = try XCTUnwrap(t.requests.first)
        XCTAssertEqual(req.method, .POST)
        XCTAssertEqual(req.url, "http://127.0.0.1:9/client/v4/accounts/acc123/d1/database")
        XCTAssertEqual(req.headers["Authorization"], "Bearer \(secret)")
        XCTAssertEqual(try JSONSerialization.jsonObject(with: req.body ?? Data()) as? [String: String], ["name": "tf-x-main"])
        XCTAssertFalse(req.retryable, "the client decides retries itself")
    }

    func testExistingDatabaseErrorCarriesCodeAndActionableMessageWithoutToken() async throws {
        let t = ScriptedTransport()
        t.enqueue(status: 400, json: #"{"success":false,"errors":[{"code":7502,"message":"A database with that name already exists"}],"messages":[],"result":null}"#)
        do {
            _ = try await makeClient(t).createD1Database(name: "dup")
            XCTFail("expected an error")
        } catch let error as CloudflareError {
            XCTAssertEqual(error.code, 7502)
            XCTAssertTrue(error.message.contains("already exists"), error.message)
            XCTAssertFalse(error.message.contains(secret))
            XCTAssertFalse("\(error)".contains(secret))
        }
        XCTAssertEqual(t.requests.count, 1, "a 4xx is not retried")
    }

    func testBadTokenMessageTellsBuyerToCheckTheToken() async throws {
        let t = ScriptedTransport()
        t.enqueue(status: 401, json: #"{"success":false,"errors":[{"code":1000,"message":"Invalid API Token"}],"messages":[],"result":null}"#)
        t.enqueue(status: 401, json: #"{"success":false,"errors":[{"code":1000,"message":"Invalid API Token"}],"messages":[],"result":null}"#)
        do {
            _ = try await makeClient(t).verifyToken()
            XCTFail("expected an error")
        } catch let error as CloudflareError {
            XCTAssertTrue(error.message.contains("token was rejected"), error.message)
        }
        // User verify first, then the account-owned token form.
        XCTAssertEqual(t.requests.map(\.url), ["http://127.0.0.1:9/client/v4/user/tokens/verify",
                                               "http://127.0.0.1:9/client/v4/accounts/acc123/tokens/verify"])
    }

    func testMissingPermissionNamesThePermissionsToAdd() async throws {
        let t = ScriptedTransport()
        t.enqueue(status: 403, json: #"{"success":false,"errors":[{"code":10000,"message":"Authentication error"}],"result":null}"#)
        do {
            _ = try await makeClient(t).listR2Buckets()
            XCTFail("expected an error")
        } catch let error as CloudflareError {
            XCTAssertTrue(error.message.contains("lacks the permission"), error.message)
            XCTAssertTrue(error.message.contains("Workers R2 Storage: Edit"), error.message)
        }
    }

    func test429IsRetriedAfterRetryAfterEvenForPOST() async throws {
        let t = ScriptedTransport()
        t.enqueue(status: 429, json: #"{"success":false,"errors":[{"code":971,"message":"rate limited"}]}"#, headers: ["Retry-After": "0"])
        t.enqueue(status: 200, json: #"{"success":true,"errors":[],"messages":[],"result":{"name":"assets"}}"#)
        let bucket = try await makeClient(t).createR2Bucket(name: "assets")
        XCTAssertEqual(bucket.name, "assets")
        XCTAssertEqual(t.requests.count, 2)
    }

    func test5xxIsRetriedForGETButNotForPOST() async throws {
        let t = ScriptedTransport()
        t.enqueue(status: 502, json: "bad gateway")
        t.enqueue(status: 200, json: #"{"success":true,"errors":[],"messages":[],"result":[{"uuid":"u","name":"n"}]}"#)
        let found = try await makeClient(t).findD1Database(name: "n")
        XCTAssertEqual(found?.uuid, "u")
        XCTAssertEqual(t.requests.count, 2)

        let p = ScriptedTransport()
        p.enqueue(status: 500, json: #"{"success":false,"errors":[{"code":10013,"message":"internal"}]}"#)
        do {
            _ = try await makeClient(p).createD1Database(name: "n")
            XCTFail("expected an error")
        } catch let error as CloudflareError {
            XCTAssertTrue(error.isTransient)
            XCTAssertEqual(error.code, 10013)
        }
        XCTAssertEqual(p.requests.count, 1, "a creation is not repeated blindly")
    }

    func testTimeoutsAreRetriedForIdempotentCallsThenReported() async throws {
        let t = ScriptedTransport()
        for _ in 0..<3 { t.enqueue(error: .timedOut(url: "x")) }
        do {
            _ = try await makeClient(t).getR2Bucket(name: "assets")
            XCTFail("expected an error")
        } catch let error as CloudflareError {
            guard case .transport = error.reason else { return XCTFail("\(error.reason)") }
        }
        XCTAssertEqual(t.requests.count, 3)
    }

    func testMissingBucketIsNil() async throws {
        let t = ScriptedTransport()
        t.enqueue(status: 404, json: #"{"success":false,"errors":[{"code":10006,"message":"The specified bucket does not exist."}]}"#)
        let bucket = try await makeClient(t).getR2Bucket(name: "nope")
        XCTAssertNil(bucket)
    }

    func testWorkerUploadIsMultipartWithMetadataAndModules() async throws {
        let t = ScriptedTransport()
        t.enqueue(status: 200, json: #"{"success":true,"errors":[],"messages":[],"result":{"id":"tf-x-api"}}"#)
        let upload = CloudflareWorkerUpload(
            scriptName: "tf-x-api", mainModule: "index.js",
            modules: [.init(name: "index.js", source: Data("export default {}".utf8)), .init(name: "lib/db.js", source: Data("export const x = 1".utf8))],
            compatibilityDate: "2024-09-23",
            bindings: [.d1(name: "DB", databaseId: "uuid-1"), .r2Bucket(name: "ASSETS", bucketName: "tf-x-assets"), .plainText(name: "MODE", text: "prod")])
        _ = try await makeClient(t).uploadWorker(upload)
        let req = try XCTUnwrap(t.requests.first)
        XCTAssertEqual(req.method, .PUT)
        XCTAssertTrue(req.url.hasSuffix("/accounts/acc123/workers/scripts/tf-x-api"))
        let contentType = try XCTUnwrap(req.headers["Content-Type"])
        XCTAssertTrue(contentType.hasPrefix("multipart/form-data; boundary="))
        let body = String(decoding: req.body ?? Data(), as: UTF8.self)
        let boundary = String(contentType.dropFirst("multipart/form-data; boundary=".count))
        XCTAssertTrue(body.hasSuffix("--\(boundary)--\r\n"))
        XCTAssertTrue(body.contains("Content-Disposition: form-data; name=\"metadata\"\r\nContent-Type: application/json"))
        XCTAssertTrue(body.contains("name=\"lib/db.js\"; filename=\"lib/db.js\"\r\nContent-Type: application/javascript+module"))
        XCTAssertTrue(body.contains(#""main_module":"index.js""#))
        XCTAssertTrue(body.contains(#""compatibility_date":"2024-09-23""#))
        XCTAssertTrue(body.contains(#"{"database_id":"uuid-1","name":"DB","type":"d1"}"#), "D1 bindings name database_id (id is deprecated)")
        XCTAssertTrue(body.contains(#"{"bucket_name":"tf-x-assets","name":"ASSETS","type":"r2_bucket"}"#))
        XCTAssertTrue(body.contains(#"{"name":"MODE","text":"prod","type":"plain_text"}"#))
    }

    func testUntrustedNamesArePercentEncodedInPaths() async throws {
        let t = ScriptedTransport()
        t.enqueue(status: 200, json: #"{"success":true,"errors":[],"result":null}"#)
        t.enqueue(status: 200, json: #"{"success":true,"errors":[],"result":null}"#)
        // Secret names are free text to Cloudflare; a bucket's name has a pattern, so it cannot carry this.
        try await makeClient(t).deleteWorkerSecret(script: "api", name: "../zones?x=1")
        XCTAssertEqual(t.requests.first?.url, "http://127.0.0.1:9/client/v4/accounts/acc123/workers/scripts/api/secrets/..%2Fzones%3Fx%3D1")
        // Non-ASCII letters are encoded too (CharacterSet.alphanumerics would let them through).
        try await makeClient(t).deleteWorkerSecret(script: "api", name: "café")
        XCTAssertEqual(t.requests.last?.url, "http://127.0.0.1:9/client/v4/accounts/acc123/workers/scripts/api/secrets/caf%C3%A9")
    }

    func testTokenNeverPrints() {
        let token = CloudflareAPIToken(secret)
        XCTAssertFalse("\(token)".contains(secret))
        XCTAssertFalse(String(reflecting: token).contains(secret))
        var dumped = ""
        dump(token, to: &dumped)
        XCTAssertFalse(dumped.contains(secret))
        let client = makeClient(ScriptedTransport())
        XCTAssertFalse("\(client)".contains(secret))
    }

    func testRateLimiterLetsABurstThroughThenPacesPerAccount() async {
        let now = LockedClock()
        let limiter = CloudflareRateLimiter(policy: .init(refillPerSecond: 4, capacity: 2), now: { now.value })
        let first = await limiter.reserve(accountId: "a")
        let second = await limiter.reserve(accountId: "a")
        let third = await limiter.reserve(accountId: "a")
        let otherAccount = await limiter.reserve(accountId: "b")
        XCTAssertEqual(first, 0)
        XCTAssertEqual(second, 0)
        XCTAssertEqual(third, 0.25, accuracy: 1e-9, "the third waits for one refill")
        XCTAssertEqual(otherAccount, 0, "accounts have their own buckets")
        now.value += 1
        let later = await limiter.reserve(accountId: "a")
        XCTAssertEqual(later, 0, "a second later the bucket has refilled")
    }

    func testDefaultPolicyStaysUnderCloudflaresLimit() {
        let p = CloudflareRateLimiter.Policy.cloudflareDefault
        // Worst case in any 5-minute window: a full burst plus five minutes of refill.
        XCTAssertLessThan(p.capacity + p.refillPerSecond * 300, 1200)
    }

    func testModulePartsCarryTheContentTypeOfTheirKind() throws {
        XCTAssertEqual(CloudflareWorkerUpload.contentType(ofModule: "index.js"), "application/javascript+module")
        XCTAssertEqual(CloudflareWorkerUpload.contentType(ofModule: "lib/x.mjs"), "application/javascript+module")
        XCTAssertEqual(CloudflareWorkerUpload.contentType(ofModule: "legacy.cjs"), "application/javascript")
        XCTAssertEqual(CloudflareWorkerUpload.contentType(ofModule: "img/resize.wasm"), "application/wasm")
        XCTAssertEqual(CloudflareWorkerUpload.contentType(ofModule: "templates/mail.txt"), "text/plain")
        XCTAssertEqual(CloudflareWorkerUpload.contentType(ofModule: "model.bin"), "application/octet-stream")
        let upload = CloudflareWorkerUpload(scriptName: "s", mainModule: "index.js", modules: [
            .init(name: "index.js", source: Data("export default {}".utf8)), .init(name: "resize.wasm", source: Data([0, 0x61, 0x73, 0x6d])),
        ], compatibilityDate: "2024-09-23", bindings: [])
        let body = String(decoding: try upload.multipartBody().encoded(), as: UTF8.self)
        XCTAssertTrue(body.contains("name=\"resize.wasm\"; filename=\"resize.wasm\"\r\nContent-Type: application/wasm"), body)
    }

    func testCAAAndSRVAreSentAsDataAndOtherTypesAsContent() throws {
        let caa = try XCTUnwrap(CloudflareDNSRecordInput.fromPackage(type: "caa", name: "x.dev", content: "0 issuewild \"pki.goog\"", ttl: 3600, proxied: nil, priority: nil))
        let caaJSON = String(decoding: try JSONEncoder().encode(caa), as: UTF8.self)
        XCTAssertFalse(caaJSON.contains("\"content\""), caaJSON)
        XCTAssertTrue(caaJSON.contains("\"tag\":\"issuewild\""), caaJSON)
        XCTAssertTrue(caaJSON.contains("\"value\":\"pki.goog\""), caaJSON)
        let srv = try XCTUnwrap(CloudflareDNSRecordInput.fromPackage(type: "SRV", name: "_sip._tcp.x.dev", content: "5 5060 sip.x.dev", ttl: 1, proxied: nil, priority: 10))
        XCTAssertEqual(srv.data, .object(["priority": .int(10), "weight": .int(5), "port": .int(5060), "target": .string("sip.x.dev")]))
        let mx = try XCTUnwrap(CloudflareDNSRecordInput.fromPackage(type: "MX", name: "x.dev", content: "mx.x.dev", ttl: 1, proxied: nil, priority: 5))
        XCTAssertEqual(mx.content, "mx.x.dev")
        XCTAssertEqual(mx.priority, 5)
        XCTAssertNil(CloudflareDNSRecordInput.fromPackage(type: "CAA", name: "x.dev", content: "garbage", ttl: 1, proxied: nil, priority: nil))
    }

    func testCustomHostnameWithoutSaaSIsNotReportedAsAMissingPermission() {
        let error = CloudflareError.fromResponse(operation: "create custom hostname shop.x.dev", status: 403,
                                                 errors: [CloudflareAPIMessage(code: 1404, message: "No quota has been allocated for this zone.")],
                                                 needs: .zoneRead)
        XCTAssertFalse(error.isPermissionRefusal)
        XCTAssertFalse(error.message.contains("lacks"), error.message)
        XCTAssertTrue(error.message.contains("Cloudflare for SaaS"), error.message)
    }

    func testBothBucketExistsCodesAreRecognised() {
        XCTAssertTrue(CloudflareErrorCode.r2BucketExistsCodes.isSuperset(of: [10004, 10073]))
    }

    func testStripeConfigurationProblemsAreNamed() {
        XCTAssertEqual(StripeConfigurationCheck.problems(secretKey: "sk_live_abc", webhookSecret: "whsec_x", apiBase: "https://api.stripe.com"), [])
        XCTAssertEqual(StripeConfigurationCheck.mode(secretKey: "sk_test_abc"), "test")
        XCTAssertEqual(StripeConfigurationCheck.mode(secretKey: "rk_live_abc"), "live")
        let missing = StripeConfigurationCheck.problems(secretKey: "", webhookSecret: "", apiBase: "https://api.stripe.com")
        XCTAssertEqual(missing.count, 2)
        XCTAssertTrue(missing[0].contains("STRIPE_SECRET_KEY is not set"))
        XCTAssertTrue(missing[1].contains("connect") || missing[1].contains("Connected accounts"), missing[1])
        XCTAssertTrue(StripeConfigurationCheck.problems(secretKey: "pk_live_x", webhookSecret: "whsec_x", apiBase: "https://api.stripe.com")[0].contains("publishable"))
        XCTAssertTrue(StripeConfigurationCheck.problems(secretKey: "sk_live_x", webhookSecret: "secret", apiBase: "https://api.stripe.com")[0].contains("whsec_"))
        XCTAssertTrue(StripeConfigurationCheck.problems(secretKey: "sk_live_x", webhookSecret: "whsec_x", apiBase: "http://127.0.0.1:9")[0].contains("127.0.0.1"))
    }
}

final class LockedClock: @unchecked Sendable {
    // @unchecked: `lock` guards `stored`.
    private let lock = NSLock()
    private var stored: Double = 1000
    var value: Double {
        get { lock.withLock { stored } }
        set { lock.withLock { stored = newValue } }
    }
}
