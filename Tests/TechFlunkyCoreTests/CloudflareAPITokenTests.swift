import XCTest
@testable import TechFlunkyCore

final class CloudflareAPITokenTests: XCTestCase {
    let secret = "cf-SECRET-token-0123456789abcdef"

    func testTokenNeverPrintsAndRedactsWithTheOneSpelling() {
        let token = CloudflareAPIToken(secret)
        let credentials = CloudflareCredentials(accountId: "0123456789abcdef0123456789abcdef", apiToken: token)
        var dumped = ""
        dump(credentials, to: &dumped)
        var dumpedToken = ""
        dump(token, to: &dumpedToken)
        for text in ["\(token)", String(reflecting: token), "\(credentials)", String(reflecting: credentials), dumped, dumpedToken,
                     "\(DeployRequest(orderId: "o", cloudflare: credentials))"] {
            XCTAssertFalse(text.contains(secret), text)
        }
        XCTAssertEqual(token.description, redactedSecret)
        XCTAssertTrue(String(reflecting: token).contains(redactedSecret))
        XCTAssertTrue("\(credentials)".contains(redactedSecret))
    }

    func testTokenTravelsAsAPlainStringInJSONAndInTheHeaderOnly() throws {
        let request = DeployRequest(orderId: "o", cloudflare: CloudflareCredentials(accountId: "a", apiToken: CloudflareAPIToken(secret)))
        let json = String(decoding: try WireJSON.encode(request), as: UTF8.self)
        XCTAssertTrue(json.contains("\"apiToken\":\"\(secret)\""), json)
        let decoded = try WireJSON.decode(DeployRequest.self, from: Data(json.utf8))
        XCTAssertEqual(decoded.cloudflare.apiToken.secretValue, secret)
        XCTAssertEqual(CloudflareAPIToken(" \(secret)\n").bearerAuthorization, "Bearer \(secret)")
        XCTAssertThrowsError(try WireJSON.decode(CloudflareCredentials.self, from: Data(#"{"accountId":"a","apiToken":7}"#.utf8)))
    }

    func testShapeRule() {
        XCTAssertNil(CloudflareAPIToken(secret).shapeProblem)
        XCTAssertEqual(CloudflareAPIToken("  ").shapeProblem, .empty)
        XCTAssertEqual(CloudflareAPIToken("has a space in the middle of it").shapeProblem, .notPrintable)
        XCTAssertEqual(CloudflareAPIToken("non-ascii-é-0123456789abcdef").shapeProblem, .notPrintable)
        XCTAssertEqual(CloudflareAPIToken("short").shapeProblem, .length(5))
        XCTAssertEqual(CloudflareAPIToken(String(repeating: "x", count: 257)).shapeProblem, .length(257))
        XCTAssertNil(CloudflareAPIToken(String(repeating: "x", count: 256)).shapeProblem)
        XCTAssertNil(CloudflareAPIToken(String(repeating: "x", count: 20)).shapeProblem)
    }
}
