import Foundation
import TechFlunkyHTTP
import XCTest
@testable import TechFlunkySandbox

/// The platform reaches the stand-ins through TechFlunkyHTTP (libcurl): these calls go the same way.
final class CurlClientInteropTests: XCTestCase {
    func testLibcurlFormPostsAndMultipartUploadsAreUnderstood() async throws {
        let sandbox = try await LiveSandbox.start()
        let client = CurlHTTPClient()
        do {
            let form = StripeForm.encode(LiveSandbox.sessionForm + [("metadata[note]", "a&b=c ü")])
            let created = try await client.send(HTTPRequest(method: .POST, url: "\(sandbox.server.stripeAPIBase)/v1/checkout/sessions",
                                                            headers: ["Authorization": "Bearer \(LiveSandbox.key)",
                                                                      "Content-Type": "application/x-www-form-urlencoded",
                                                                      "Idempotency-Key": "curl-1"],
                                                            body: Data(form.utf8)))
            XCTAssertEqual(created.status, 200, String(decoding: created.body, as: UTF8.self))
            let session = try JSONValue.decode(created.body)
            XCTAssertEqual(session["metadata"]?["note"], "a&b=c ü")
            let id = try XCTUnwrap(session["id"]?.stringValue)

            let fetched = try await client.send(HTTPRequest(url: "\(sandbox.server.stripeAPIBase)/v1/checkout/sessions/\(id)?expand%5B%5D=payment_intent",
                                                            headers: ["Authorization": "Bearer \(LiveSandbox.key)"]))
            XCTAssertEqual(fetched.status, 200)
            XCTAssertEqual(fetched.headers["Request-Id"]?.hasPrefix("req_"), true)

            let boundary = "curl-boundary-42"
            let metadata: JSONValue = ["main_module": "index.js", "compatibility_date": "2024-09-23",
                                       "bindings": [["type": "plain_text", "name": "MODE", "text": "demo"]]]
            let body = MultipartFormData.encode([
                .init(name: "metadata", filename: nil, contentType: "application/json", body: metadata.encoded()),
                .init(name: "index.js", filename: "index.js", contentType: "application/javascript+module",
                      body: Data("export default { fetch() { return new Response('ok') } }".utf8)),
            ], boundary: boundary)
            let upload = try await client.send(HTTPRequest(
                method: .PUT, url: "\(sandbox.server.cloudflareAPIBase)/accounts/\(SandboxServer.demoCloudflareAccountId)/workers/scripts/curl-worker",
                headers: ["Authorization": "Bearer \(SandboxServer.demoCloudflareToken)", "Content-Type": "multipart/form-data; boundary=\(boundary)"],
                body: body))
            XCTAssertEqual(upload.status, 200, String(decoding: upload.body, as: UTF8.self))
            XCTAssertEqual(try JSONValue.decode(upload.body)["success"], true)
        } catch { XCTFail("\(error)") }
        await sandbox.stop()
    }

    func testConcurrentRepeatsOfOneIdempotencyKeyCreateOneSession() async throws {
        let sandbox = try await LiveSandbox.start()
        let client = CurlHTTPClient()
        let url = "\(sandbox.server.stripeAPIBase)/v1/checkout/sessions"
        let body = Data(StripeForm.encode(LiveSandbox.sessionForm).utf8)
        func create(key: String) async throws -> String? {
            let r = try await client.send(HTTPRequest(method: .POST, url: url,
                                                      headers: ["Authorization": "Bearer \(LiveSandbox.key)",
                                                                "Content-Type": "application/x-www-form-urlencoded", "Idempotency-Key": key],
                                                      body: body))
            return try JSONValue.decode(r.body)["id"]?.stringValue
        }
        do {
            let same = try await withThrowingTaskGroup(of: String?.self) { group in
                for _ in 0..<8 { group.addTask { try await create(key: "same-key") } }
                var ids: [String?] = []
                for try await id in group { ids.append(id) }
                return ids
            }
            XCTAssertEqual(same.count, 8)
            XCTAssertEqual(Set(same.compactMap { $0 }).count, 1, "one session for one key")
            let distinct = try await withThrowingTaskGroup(of: String?.self) { group in
                for i in 0..<8 { group.addTask { try await create(key: "key-\(i)") } }
                var ids: [String?] = []
                for try await id in group { ids.append(id) }
                return ids
            }
            XCTAssertEqual(Set(distinct.compactMap { $0 }).count, 8)
        } catch { XCTFail("\(error)") }
        await sandbox.stop()
    }
}
