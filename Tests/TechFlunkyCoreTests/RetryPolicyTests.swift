import XCTest
@testable import TechFlunkyCore

final class RetryPolicyTests: XCTestCase {
    func testBackoffDoublesFromTheBaseUpToTheCap() {
        let policy = RetryPolicy(maxAttempts: 12, baseDelay: 0.5, maxDelay: 60, jitter: .none)
        XCTAssertEqual((1...9).map { policy.backoff(afterAttempt: $0) }, [0.5, 1, 2, 4, 8, 16, 32, 60, 60])
        XCTAssertEqual(policy.delay(afterAttempt: 3), 2, "no jitter: the exact schedule (webhook delivery)")
    }

    func testGivesUpAfterMaxAttempts() {
        XCTAssertNotNil(RetryPolicy(maxAttempts: 2).delay(afterAttempt: 1))
        XCTAssertNil(RetryPolicy(maxAttempts: 2).delay(afterAttempt: 2, retryAfter: nil))
        XCTAssertNil(RetryPolicy.never.delay(afterAttempt: 1))
    }

    func testJitterStaysWithinItsBand() {
        var generator = SystemRandomNumberGenerator()
        let cases: [(RetryPolicy.Jitter, ClosedRange<Double>)] = [(.full, 0...4), (.upperHalf, 2...4), (.proportional(0.25), 3...5)]
        for (jitter, band) in cases {
            let policy = RetryPolicy(maxAttempts: 10, baseDelay: 1, maxDelay: 30, jitter: jitter)
            let waits = (0..<500).map { _ in policy.jittered(policy.backoff(afterAttempt: 3), using: &generator) }
            XCTAssertTrue(waits.allSatisfy(band.contains), "\(jitter): \(waits.filter { !band.contains($0) }.prefix(3))")
            XCTAssertGreaterThan(Set(waits).count, 1, "\(jitter) spreads the waits")
        }
        let capped = RetryPolicy(maxAttempts: 10, baseDelay: 1, maxDelay: 4, jitter: .proportional(0.25))
        XCTAssertTrue((0..<200).allSatisfy { _ in capped.jittered(capped.backoff(afterAttempt: 5), using: &generator) <= 4 })
    }

    func testRetryAfterIsHonouredUpToItsLimit() {
        XCTAssertEqual(RetryPolicy.parseRetryAfter("7"), 7)
        let now = Date(timeIntervalSince1970: 1_445_412_480)  // Wed, 21 Oct 2015 07:28:00 GMT
        XCTAssertEqual(RetryPolicy.parseRetryAfter("Wed, 21 Oct 2015 07:28:30 GMT", now: now), 30)
        XCTAssertNil(RetryPolicy.parseRetryAfter("soon"))
        XCTAssertEqual(RetryPolicy(maxAttempts: 3, maxRetryAfter: 10).delay(afterAttempt: 1, retryAfter: "4"), 4)
        XCTAssertNil(RetryPolicy(maxAttempts: 3, maxRetryAfter: 10).delay(afterAttempt: 1, retryAfter: "60"))
    }

    func testPresetsKeepTheirClientsSchedules() {
        XCTAssertEqual(RetryPolicy.standard, RetryPolicy(maxAttempts: 3, baseDelay: 0.2, maxDelay: 5, maxRetryAfter: 30, jitter: .full))
        XCTAssertEqual(RetryPolicy.cloudflare.maxAttempts, 4)
        XCTAssertEqual(RetryPolicy.cloudflare.backoff(afterAttempt: 1), 0.25)
        XCTAssertEqual(RetryPolicy.cloudflare.jitter, .proportional(0.25))
    }
}
