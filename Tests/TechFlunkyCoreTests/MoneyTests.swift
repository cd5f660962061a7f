import Foundation
import XCTest
@testable import TechFlunkyCore

final class MoneyTests: XCTestCase {
    func testAddingSameCurrencyAddsMinorUnits() throws {
        XCTAssertEqual(try Money.usd(1_050).adding(.usd(2_000)), .usd(3_050))
        XCTAssertEqual(try Money.usd(1_050).subtracting(.usd(2_000)), .usd(-950))
    }

    func testMixingCurrenciesIsAnError() {
        let eur = Money(minorUnits: 100, currency: .eur)
        XCTAssertThrowsError(try Money.usd(100).adding(eur)) { error in
            XCTAssertEqual(error as? MoneyError, .currencyMismatch(.usd, .eur))
        }
        XCTAssertThrowsError(try Money.usd(100).subtracting(eur)) { error in
            XCTAssertEqual(error as? MoneyError, .currencyMismatch(.usd, .eur))
        }
        XCTAssertThrowsError(try Money.usd(100).compare(eur))
        XCTAssertEqual(MoneyError.currencyMismatch(.usd, .eur).description, "cannot combine amounts in USD and EUR")
    }

    func testOverflowIsAnErrorNeverAWrap() {
        XCTAssertThrowsError(try Money.usd(.max).adding(.usd(1))) { XCTAssertEqual($0 as? MoneyError, .overflow) }
        XCTAssertThrowsError(try Money.usd(.min).subtracting(.usd(1))) { XCTAssertEqual($0 as? MoneyError, .overflow) }
        XCTAssertThrowsError(try Money.usd(.max / 2 + 1).multiplied(by: 2)) { XCTAssertEqual($0 as? MoneyError, .overflow) }
        XCTAssertThrowsError(try Money.usd(.min).negated()) { XCTAssertEqual($0 as? MoneyError, .overflow) }
        XCTAssertEqual(try Money.usd(.max - 1).adding(.usd(1)), .usd(.max))
        XCTAssertEqual(try Money.usd(-7).negated(), .usd(7))
    }

    func testCompareOrdersSameCurrency() throws {
        XCTAssertEqual(try Money.usd(1).compare(.usd(2)), .orderedAscending)
        XCTAssertEqual(try Money.usd(2).compare(.usd(2)), .orderedSame)
        XCTAssertEqual(try Money.usd(3).compare(.usd(2)), .orderedDescending)
        XCTAssertTrue(Money.usd(-5) < .usd(0))
    }

    func testFormattingUsesCurrencyExponentAndGrouping() {
        XCTAssertEqual(Money.usd(123_400).formatted, "$1,234.00")
        XCTAssertEqual(Money(minorUnits: 1_234, currency: .jpy).formatted, "¥1,234")
        XCTAssertEqual(Money.usd(5).formatted, "$0.05")
        XCTAssertEqual(Money.usd(0).formatted, "$0.00")
        XCTAssertEqual(Money.usd(100_000_000_00).formatted, "$100,000,000.00")
        XCTAssertEqual(Money(minorUnits: 1_234_567, currency: Currency(code: "kwd")).formatted, "KWD 1,234.567")
        XCTAssertEqual(Money(minorUnits: 99, currency: .gbp).formatted, "£0.99")
        XCTAssertEqual(Money.usd(123_456).description, "$1,234.56")
    }

    func testFormattingNegativeAmounts() {
        XCTAssertEqual(Money.usd(-550).formatted, "-$5.50")
        XCTAssertEqual(Money(minorUnits: -550, currency: .eur).formatted, "-€5.50")
        XCTAssertEqual(Money(minorUnits: -1_234, currency: .jpy).formatted, "-¥1,234")
        XCTAssertEqual(Money.usd(.min).formatted, "-$92,233,720,368,547,758.08")
        XCTAssertEqual(Money.usd(-123_499).formattedWhole, "-$1,234")
    }

    func testWholeFormattingDropsMinorUnits() {
        XCTAssertEqual(Money.usd(123_499).formattedWhole, "$1,234")
        XCTAssertEqual(Money(minorUnits: 1_234, currency: .jpy).formattedWhole, "¥1,234")
    }

    func testCompactFormatting() {
        XCTAssertEqual(Money.usd(95_000).formattedCompact, "$950")
        XCTAssertEqual(Money.usd(999_999).formattedCompact, "$9,999")
        XCTAssertEqual(Money.usd(1_000_000).formattedCompact, "$10K")
        XCTAssertEqual(Money.usd(1_250_000).formattedCompact, "$12.5K")
        XCTAssertEqual(Money.usd(1_234_567_00).formattedCompact, "$1.2M")
        XCTAssertEqual(Money.usd(45_000_000).formattedCompact, "$450K")
        XCTAssertEqual(Money.usd(-340_000_000_000).formattedCompact, "-$3.4B")
        // 999,950 rounds to 1000.0K and so is shown as 1M, never "1000K".
        XCTAssertEqual(Money.usd(99_995_000).formattedCompact, "$1M")
        XCTAssertEqual(Money.usd(12_345_600).formattedCompact, "$123K")
        XCTAssertEqual(Money(minorUnits: 2_500_000, currency: .jpy).formattedCompact, "¥2.5M")
    }

    func testCompactFormattingOfExtremesNeverTraps() {
        XCTAssertEqual(Money(minorUnits: .max, currency: .jpy).formattedCompact, "¥9,223,372T")
        XCTAssertEqual(Money(minorUnits: .min, currency: .jpy).formattedCompact, "-¥9,223,372T")
        XCTAssertEqual(Money.usd(.max).formattedCompact, "$92,234T")
    }

    func testCurrencyExponents() {
        XCTAssertEqual(Currency(code: "usd"), .usd)
        XCTAssertEqual(Currency(code: "JPY").exponent, 0)
        XCTAssertEqual(Currency(code: "KRW").exponent, 0)
        XCTAssertEqual(Currency(code: "BHD").exponent, 3)
        XCTAssertEqual(Currency(code: "CHF").exponent, 2)
        XCTAssertEqual(Currency(code: "XYZ", exponent: 40).exponent, 6)
    }

    func testWireFormIsAmountInMinorUnitsAndCurrencyCode() throws {
        let data = try WireJSON.encode(Money.usd(123_400))
        XCTAssertEqual(String(decoding: data, as: UTF8.self), #"{"amount":123400,"currency":"USD"}"#)
        let decoded = try WireJSON.decode(Money.self, from: Data(#"{"amount":500,"currency":"jpy"}"#.utf8))
        XCTAssertEqual(decoded, Money(minorUnits: 500, currency: .jpy))
    }

    func testWireFormRejectsFractionsAndBadCurrencies() {
        XCTAssertThrowsError(try WireJSON.decode(Money.self, from: Data(#"{"amount":12.5,"currency":"USD"}"#.utf8)))
        XCTAssertThrowsError(try WireJSON.decode(Money.self, from: Data(#"{"amount":100,"currency":"US"}"#.utf8)))
        XCTAssertThrowsError(try WireJSON.decode(Money.self, from: Data(#"{"amount":100,"currency":"U$D"}"#.utf8)))
        XCTAssertThrowsError(try WireJSON.decode(Money.self, from: Data(#"{"amount":100}"#.utf8)))
    }
}

final class MoneyParsingTests: XCTestCase {
    func testTypedAmountsAreWholeUnitsWithSuffixes() {
        XCTAssertEqual(Money.parseMajorUnits("50000"), 5_000_000)
        XCTAssertEqual(Money.parseMajorUnits("$50,000"), 5_000_000)
        XCTAssertEqual(Money.parseMajorUnits("50k"), 5_000_000)
        XCTAssertEqual(Money.parseMajorUnits("1.5M"), 150_000_000)
        XCTAssertEqual(Money.parseMajorUnits("99.99"), 9_999)
        XCTAssertEqual(Money.parseMajorUnits("0.5"), 50)
        for bad in ["", "-5", "1.234", "12x", "k", "1..2", "١٢", "99999999999999999999"] {
            XCTAssertNil(Money.parseMajorUnits(bad), bad)
        }
    }
}
