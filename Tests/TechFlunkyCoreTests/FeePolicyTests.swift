import Foundation
import XCTest
@testable import TechFlunkyCore

/// SplitMix64: a tiny seeded generator, so the property test explores the same amounts on every run
/// and a failure can be replayed.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

final class FeePolicyTests: XCTestCase {
    func testFifteenPercentOfWholeDollars() throws {
        let split = try FeePolicy.standard.split(.usd(10_000))
        XCTAssertEqual(split.platformFee, .usd(1_500))
        XCTAssertEqual(split.sellerShare, .usd(8_500))
        XCTAssertEqual(split.amount, .usd(10_000))
    }

    func testFeeRoundsHalfUp() throws {
        // 10 × 0.15 = 1.5 → 2; 3 × 0.15 = 0.45 → 0; 7 × 0.15 = 1.05 → 1; 30 × 0.15 = 4.5 → 5.
        XCTAssertEqual(try FeePolicy.standard.split(.usd(10)).platformFee, .usd(2))
        XCTAssertEqual(try FeePolicy.standard.split(.usd(3)).platformFee, .usd(0))
        XCTAssertEqual(try FeePolicy.standard.split(.usd(7)).platformFee, .usd(1))
        XCTAssertEqual(try FeePolicy.standard.split(.usd(30)).platformFee, .usd(5))
        XCTAssertEqual(try FeePolicy.standard.split(.usd(0)).platformFee, .usd(0))
        XCTAssertEqual(try FeePolicy.standard.split(.usd(123_456_789)).platformFee, .usd(18_518_518))
    }

    func testFeeKeepsTheCurrency() throws {
        let split = try FeePolicy.standard.split(Money(minorUnits: 1_234, currency: .jpy))
        XCTAssertEqual(split.platformFee, Money(minorUnits: 185, currency: .jpy))
        XCTAssertEqual(split.sellerShare, Money(minorUnits: 1_049, currency: .jpy))
    }

    /// For many random amounts of every magnitude, the fee is the correctly rounded 15 % (computed here a
    /// second, independent way: quotient and remainder) and fee + seller share is exactly the amount.
    func testPropertyFeeIsRoundedFifteenPercentAndPartsAddUp() throws {
        var rng = SeededGenerator(seed: 0x7EC4_F1A7)
        let limit = Int64.max / 15 - 50
        for i in 0..<20_000 {
            // Spread over magnitudes: cents up to the largest amount that cannot overflow.
            let digits = Int64(rng.next() % 18) + 1
            var bound: Int64 = 1
            for _ in 0..<digits { bound = bound > limit / 10 ? limit : bound * 10 }
            let amount = Int64.random(in: 0...min(bound, limit), using: &rng)
            let split = try FeePolicy.standard.split(.usd(amount))
            let (quotient, remainder) = (amount * 15).quotientAndRemainder(dividingBy: 100)
            let expected = quotient + (remainder >= 50 ? 1 : 0)
            XCTAssertEqual(split.platformFee.minorUnits, expected, "fee of \(amount) (case \(i))")
            XCTAssertEqual(try split.platformFee.adding(split.sellerShare), split.amount, "sum for \(amount)")
            XCTAssertGreaterThanOrEqual(split.sellerShare.minorUnits, 0)
        }
    }

    func testNegativeAmountIsRejected() {
        XCTAssertThrowsError(try FeePolicy.standard.split(.usd(-1))) { XCTAssertEqual($0 as? MoneyError, .negativeAmount) }
    }

    func testAmountTooLargeForTheFeeIsAnOverflowError() {
        XCTAssertThrowsError(try FeePolicy.standard.split(.usd(.max))) { XCTAssertEqual($0 as? MoneyError, .overflow) }
        XCTAssertThrowsError(try FeePolicy.standard.split(.usd(Int64.max / 15))) { XCTAssertEqual($0 as? MoneyError, .overflow) }
    }

    func testHoldIsThreeDays() {
        let paid = Date(timeIntervalSince1970: 1_800_000_000)
        XCTAssertEqual(FeePolicy.standard.holdDays, 3)
        XCTAssertEqual(FeePolicy.standard.holdUntil(paidAt: paid), paid.addingTimeInterval(3 * 86_400))
        XCTAssertFalse(FeePolicy.standard.isHoldOver(paidAt: paid, now: paid.addingTimeInterval(3 * 86_400 - 1)))
        XCTAssertTrue(FeePolicy.standard.isHoldOver(paidAt: paid, now: paid.addingTimeInterval(3 * 86_400)))
    }

    func testStandardPolicyIsFifteenPercent() {
        XCTAssertEqual(FeePolicy.standard.platformFeePercent, 15)
        XCTAssertEqual(FeePolicy.standard, FeePolicy(platformFeePercent: 15, holdDays: 3))
    }
}
