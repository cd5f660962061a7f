import Foundation
import XCTest
@testable import TechFlunkyPlatform

final class StripeSignatureTests: XCTestCase {
    let secret = "whsec_test_secret"
    let payload = Data(#"{"id":"evt_test_webhook","object":"event"}"#.utf8)
    let vector = "88a022085c6bdb887b02cb26ff76dd681234d9675c0f22844059f55552a8883a"

    func testMatchesTheIssueTestVector() throws {
        XCTAssertEqual(StripeSignature.sign(payload: payload, timestamp: 1_492_774_577, secret: secret), vector)
        let now = Date(timeIntervalSince1970: 1_492_774_577)
        XCTAssertEqual(try StripeSignature.verify(header: "t=1492774577,v1=\(vector)", payload: payload, secret: secret, now: now), 1_492_774_577)
    }

    func testToleranceEdges() throws {
        let header = "t=1492774577,v1=\(vector)"
        XCTAssertNoThrow(try StripeSignature.verify(header: header, payload: payload, secret: secret, now: Date(timeIntervalSince1970: 1_492_774_577 + 300)))
        XCTAssertThrowsError(try StripeSignature.verify(header: header, payload: payload, secret: secret, now: Date(timeIntervalSince1970: 1_492_774_577 + 301))) {
            XCTAssertEqual($0 as? StripeSignature.Failure, .timestampOutsideTolerance(age: 301))
        }
    }

    func testAnyV1MayMatchAndOtherSchemesAreIgnored() throws {
        let now = Date(timeIntervalSince1970: 1_492_774_577)
        let header = "t=1492774577,v0=\(vector),v1=\(String(repeating: "0", count: 64)),v1=\(vector)"
        XCTAssertNoThrow(try StripeSignature.verify(header: header, payload: payload, secret: secret, now: now))
        XCTAssertThrowsError(try StripeSignature.verify(header: "t=1492774577,v0=\(vector)", payload: payload, secret: secret, now: now)) {
            XCTAssertEqual($0 as? StripeSignature.Failure, .noV1Signature)
        }
    }

    /// Found by the stripe-signature fuzzer: the header was split into graphemes, so a combining mark after a comma
    /// or an equals sign hid it, and the items around it ran together.
    func testTheHeaderIsSplitOnItsCharactersNotOnGraphemes() throws {
        let now = Date(timeIntervalSince1970: 1_492_774_577)
        let header = "t=1492774577,\u{301}v0=x,v1=\(vector)"
        XCTAssertNoThrow(try StripeSignature.verify(header: header, payload: payload, secret: secret, now: now))
        let parsed = try StripeSignature.Header(parsing: "t=7,v1=\u{34A}ab, v1 =\tcd\t")
        XCTAssertEqual(parsed, StripeSignature.Header(timestamp: 7, v1: ["\u{34A}ab", "cd"]))
        XCTAssertEqual(try StripeSignature.Header(parsing: parsed.text), parsed)
    }

    func testRejectsTamperingWrongSecretAndMissingParts() {
        let now = Date(timeIntervalSince1970: 1_492_774_577)
        let header = "t=1492774577,v1=\(vector)"
        XCTAssertThrowsError(try StripeSignature.verify(header: header, payload: payload + Data(" ".utf8), secret: secret, now: now)) {
            XCTAssertEqual($0 as? StripeSignature.Failure, .mismatch)
        }
        XCTAssertThrowsError(try StripeSignature.verify(header: header, payload: payload, secret: "whsec_other", now: now))
        XCTAssertThrowsError(try StripeSignature.verify(header: "t=1492774578,v1=\(vector)", payload: payload, secret: secret, now: now), "timestamp is signed")
        XCTAssertThrowsError(try StripeSignature.verify(header: nil, payload: payload, secret: secret, now: now)) {
            XCTAssertEqual($0 as? StripeSignature.Failure, .missingHeader)
        }
        XCTAssertThrowsError(try StripeSignature.verify(header: "v1=\(vector)", payload: payload, secret: secret, now: now)) {
            XCTAssertEqual($0 as? StripeSignature.Failure, .malformedHeader)
        }
    }

    func testFormEncodingKeepsBracketKeysAndEscapesValues() {
        XCTAssertEqual(StripeFormEncoder.encode([("line_items[0][price_data][product_data][name]", "Tea & Co / 100%"), ("mode", "payment")]),
                       "line_items[0][price_data][product_data][name]=Tea%20%26%20Co%20%2F%20100%25&mode=payment")
    }
}
