import XCTest
@testable import TechFlunkyTUI

final class DeployFormValidationTests: XCTestCase {
    func testAccountIdMustBe32HexDigitsAndIsLowerCased() throws {
        XCTAssertEqual(try DeployFormValidation.accountId(" 0123456789ABCDEF0123456789abcdef ").get(), "0123456789abcdef0123456789abcdef")
        for bad in ["", "0123", "0123456789abcdef0123456789abcdeg", "0123456789abcdef0123456789abcdef0"] {
            XCTAssertThrowsError(try DeployFormValidation.accountId(bad).get(), bad) { error in
                XCTAssertEqual((error as? DeployFormValidation.Problem)?.field, .accountId)
            }
        }
    }

    func testTokenProblemsNeverQuoteTheToken() throws {
        let token = "Ab3_" + String(repeating: "x", count: 36)
        XCTAssertEqual(try DeployFormValidation.apiToken(token).get(), token)
        for bad in ["", "short", "has a space in the middle of it ok", "tab\there-and-more-characters", String(repeating: "y", count: 300)] {
            XCTAssertThrowsError(try DeployFormValidation.apiToken(bad).get(), bad) { error in
                let problem = error as? DeployFormValidation.Problem
                XCTAssertEqual(problem?.field, .apiToken)
                if bad.count > 8 { XCTAssertFalse(problem?.message.contains(bad) ?? true) }
            }
        }
    }

    func testDomainIsOptionalAndMustBeAHostname() throws {
        XCTAssertNil(try DeployFormValidation.domain("  ").get())
        XCTAssertEqual(try DeployFormValidation.domain("Shop.Example.COM.").get(), "shop.example.com")
        XCTAssertEqual(try DeployFormValidation.domain("xn--bcher-kva.example").get(), "xn--bcher-kva.example")
        for bad in ["https://shop.example.com", "shop", "-shop.example.com", "shop..example.com", "shop.example.com/path",
                    "sh op.example.com", "shop.example.123", "\u{1b}[31mred.example.com"] {
            XCTAssertThrowsError(try DeployFormValidation.domain(bad).get(), bad) { error in
                let problem = error as? DeployFormValidation.Problem
                XCTAssertEqual(problem?.field, .domain)
                XCTAssertFalse(problem?.message.contains("\u{1b}") ?? true)
            }
        }
    }
}
