import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import XCTest
@testable import TechFlunkySandbox

/// The contract check's recorder: it must record vendor calls only, and never change what a route reads
/// or what a client receives.
final class ContractRecorderTests: XCTestCase {
    func testRecordsVendorCallsWithoutChangingBodiesAndSkipsSandboxRoutes() async throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let log = try XCTUnwrap(ContractLogFile(directory: dir.path, name: "exchanges-test.jsonl"))
        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: ContractRecordingMiddleware(log: log))
        // Echoes the body it reads, in two chunks, so a body that is changed or cut on either side shows.
        router.post("/v1/echo") { request, _ -> Response in
            let data = try await ResponseBuilding.body(request)
            let half = data.count / 2
            let chunks = [ByteBuffer(bytes: data.prefix(half)), ByteBuffer(bytes: data.dropFirst(half))]
            return Response(status: .created, headers: [.contentType: "application/x-echo"], body: .init(contentsOf: chunks))
        }
        router.get("/client/v4/user/tokens/verify") { _, _ in ResponseBuilding.json(200, ["success": true]) }
        router.post("/sandbox/clock/advance") { _, _ in ResponseBuilding.json(200, ["now": 1]) }
        let app = Application(router: router)
        let form = "mode=payment&line_items[0][price_data][currency]=usd&name=Tea%20%26%20Co"
        let binary = ByteBuffer(bytes: [0xFF, 0x00, 0xFE, 0x41])

        try await app.test(.router) { client in
            try await client.execute(uri: "/v1/echo?expand[]=x", method: .post,
                                     headers: [.contentType: "application/x-www-form-urlencoded", .authorization: "Bearer sk_test_secret"],
                                     body: ByteBuffer(string: form)) { response in
                XCTAssertEqual(response.status, .created)
                XCTAssertEqual(String(buffer: response.body), form, "the route read, and the client got, the body as sent")
            }
            try await client.execute(uri: "/v1/echo", method: .post, body: binary) { response in
                XCTAssertEqual(response.body, binary)
            }
            try await client.execute(uri: "/client/v4/user/tokens/verify", method: .get) { response in
                XCTAssertEqual(response.status, .ok)
            }
            try await client.execute(uri: "/sandbox/clock/advance", method: .post, body: ByteBuffer(string: "{}")) { response in
                XCTAssertEqual(response.status, .ok)
            }
        }

        let text = try String(contentsOf: dir.appendingPathComponent("exchanges-test.jsonl"), encoding: .utf8)
        XCTAssertFalse(text.contains("sk_test_secret"), "credentials are never recorded")
        let lines = try text.split(separator: "\n").map { try XCTUnwrap(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        XCTAssertEqual(lines.map { $0["path"] as? String }, ["/v1/echo", "/v1/echo", "/client/v4/user/tokens/verify"],
                       "vendor calls only: the sandbox's own routes are not recorded")
        XCTAssertEqual(lines.map { $0["service"] as? String }, ["stripe", "stripe", "cloudflare"])
        let first = lines[0]
        XCTAssertEqual(first["method"] as? String, "POST")
        XCTAssertEqual(first["query"] as? String, "expand[]=x")
        XCTAssertEqual(first["auth"] as? String, "Bearer")
        XCTAssertEqual(first["status"] as? Int, 201)
        let request = try XCTUnwrap(first["request"] as? [String: Any])
        XCTAssertEqual(request["body"] as? String, form)
        XCTAssertEqual(request["content_type"] as? String, "application/x-www-form-urlencoded")
        let response = try XCTUnwrap(first["response"] as? [String: Any])
        XCTAssertEqual(response["body"] as? String, form)
        XCTAssertEqual(response["content_type"] as? String, "application/x-echo")
        let second = try XCTUnwrap(lines[1]["request"] as? [String: Any])
        XCTAssertEqual(second["body_base64"] as? String, Data([0xFF, 0x00, 0xFE, 0x41]).base64EncodedString(), "bytes that are not UTF-8 as base64")
        XCTAssertEqual((lines[2]["response"] as? [String: Any])?["body"] as? String, #"{"success":true}"#)
    }
}
