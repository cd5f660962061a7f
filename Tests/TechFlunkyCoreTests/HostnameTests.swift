import XCTest
@testable import TechFlunkyCore

final class HostnameTests: XCTestCase {
    func testDefaultSyntaxIsACustomDomain() {
        for good in ["shop.example.com", "xn--bcher-kva.example", "a.b", "a-1.example.io", String(repeating: "a", count: 63) + ".com"] {
            XCTAssertTrue(Hostname.isValid(good), good)
        }
        for bad in ["", "shop", "shop.example.123", "-shop.example.com", "shop-.example.com", "shop..example.com", "shop.example.com.",
                    "_dmarc.example.com", "*.example.com", "büch.example", "sh op.example.com", String(repeating: "a", count: 64) + ".com",
                    Array(repeating: "abcdefghi", count: 26).joined(separator: ".") + ".com"] {
            XCTAssertFalse(Hostname.isValid(bad), bad)
        }
    }

    func testSyntaxOptionsWidenTheRuleOneAtATime() {
        XCTAssertTrue(Hostname.isValid("_sip._tcp.example.com", syntax: .underscores))
        XCTAssertFalse(Hostname.isValid("*.example.com", syntax: .underscores))
        XCTAssertTrue(Hostname.isValid("*.example.com", syntax: .wildcards))
        XCTAssertTrue(Hostname.isValid("localhost", syntax: .singleLabel))
        XCTAssertTrue(Hostname.isValid("1.0.0.10", syntax: .numericTopLevel))
        XCTAssertTrue(Hostname.isValid("_acme.*.example", syntax: .cloudflareDNS))
        XCTAssertFalse(Hostname.isValid("-bad.example", syntax: .cloudflareDNS))
        XCTAssertTrue(Hostname.isLabel("_tcp", syntax: .underscores))
        XCTAssertFalse(Hostname.isLabel("_tcp"))
    }

    func testNormalizedTrimsLowerCasesAndDropsTheFinalDot() {
        XCTAssertEqual(Hostname.normalized("  Shop.Example.COM. "), "shop.example.com")
        XCTAssertNil(Hostname.normalized("shop"))
        XCTAssertNil(Hostname.normalized("shop.example.com.."))
    }
}
