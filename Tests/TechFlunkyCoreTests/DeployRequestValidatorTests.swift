import XCTest
@testable import TechFlunkyCore

/// The one check of a deploy request's Cloudflare part (the form, the CLI and the platform use it).
final class DeployRequestValidatorTests: XCTestCase {
    typealias V = DeployRequestValidator

    func testAccountIdMustBe32HexDigitsAndIsLowerCased() throws {
        XCTAssertEqual(try V.accountId(" 0123456789ABCDEF0123456789abcdef ").get(), "0123456789abcdef0123456789abcdef")
        for bad in ["", "0123", "0123456789abcdef0123456789abcdeg", "0123456789abcdef0123456789abcdef0", "acc0123456789"] {
            XCTAssertThrowsError(try V.accountId(bad).get(), bad) { error in
                XCTAssertEqual((error as? V.Problem)?.field, .accountId)
                XCTAssertEqual((error as? V.Problem)?.field.requestPath, "cloudflare.accountId")
            }
        }
    }

    func testTokenProblemsNeverQuoteTheToken() throws {
        let token = "Ab3_" + String(repeating: "x", count: 36)
        XCTAssertEqual(try V.apiToken(token).get(), CloudflareAPIToken(token))
        XCTAssertEqual(try V.apiToken(" \(token) ").get().secretValue, token, "outer spaces are dropped")
        for bad in ["", "short", "has a space in the middle of it ok", "tab\there-and-more-characters", String(repeating: "y", count: 300),
                    "tökén-with-non-ascii-letters-in-it"] {
            XCTAssertThrowsError(try V.apiToken(bad).get(), bad) { error in
                let problem = error as? V.Problem
                XCTAssertEqual(problem?.field, .apiToken)
                XCTAssertEqual(problem?.field.requestPath, "cloudflare.apiToken")
                if bad.count > 8 { XCTAssertFalse(problem?.message.contains(bad) ?? true) }
            }
        }
        XCTAssertTrue(try XCTUnwrap(V.apiToken("short").failure).message.contains("too short"))
        XCTAssertTrue(try XCTUnwrap(V.apiToken(String(repeating: "y", count: 300)).failure).message.contains("too long"))
    }

    func testDomainIsOptionalAndMustBeAHostname() throws {
        XCTAssertNil(try V.domain("  ").get())
        XCTAssertNil(try V.domain(nil).get())
        XCTAssertEqual(try V.domain("Shop.Example.COM.").get(), "shop.example.com")
        XCTAssertEqual(try V.domain("xn--bcher-kva.example").get(), "xn--bcher-kva.example")
        for bad in ["https://shop.example.com", "shop", "-shop.example.com", "shop..example.com", "shop.example.com/path",
                    "sh op.example.com", "shop.example.123", "\u{1b}[31mred.example.com", "_dmarc.example.com"] {
            XCTAssertThrowsError(try V.domain(bad).get(), bad) { error in
                let problem = error as? V.Problem
                XCTAssertEqual(problem?.field, .domain)
                XCTAssertEqual(problem?.field.requestPath, "domain")
                XCTAssertFalse(problem?.message.contains("\u{1b}") ?? true)
            }
        }
    }

    func testCredentialsAreNormalisedOrRefusedAtTheFirstBadField() throws {
        let token = CloudflareAPIToken("cf-test-token-0123456789abcdef")
        let checked = try V.credentials(CloudflareCredentials(accountId: " 0123456789ABCDEF0123456789ABCDEF", apiToken: token)).get()
        XCTAssertEqual(checked, CloudflareCredentials(accountId: "0123456789abcdef0123456789abcdef", apiToken: token))
        XCTAssertEqual(V.credentials(CloudflareCredentials(accountId: "nope", apiToken: CloudflareAPIToken(""))).failure?.field, .accountId)
        XCTAssertEqual(V.credentials(CloudflareCredentials(accountId: checked.accountId, apiToken: CloudflareAPIToken(""))).failure?.field, .apiToken)
    }
}

extension Result {
    var failure: Failure? {
        if case let .failure(f) = self { f } else { nil }
    }
}
