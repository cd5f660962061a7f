import Foundation
import XCTest
@testable import TechFlunkyTUI

final class PayoutsCountdownTests: XCTestCase {
    func testFormatsDaysHoursMinutesRoundingUp() {
        XCTAssertEqual(PayoutsCountdown.format(2 * 86_400 + 3 * 3_600 + 11 * 60 + 1), "2d 03h 12m")
        XCTAssertEqual(PayoutsCountdown.format(3 * 86_400), "3d 00h 00m")
        XCTAssertEqual(PayoutsCountdown.format(3_600 * 5 + 60 * 7), "5h 07m")
        XCTAssertEqual(PayoutsCountdown.format(125), "3m")
        XCTAssertEqual(PayoutsCountdown.format(59), "<1m")
        XCTAssertNil(PayoutsCountdown.format(0))
        XCTAssertNil(PayoutsCountdown.format(-10))
    }

    func testCountsOnThePlatformsClockPlusTimeElapsedHere() {
        // The sandbox clock runs two days ahead of this machine's.
        let local = Date(timeIntervalSince1970: 1_800_000_000)
        let platformNow = local.addingTimeInterval(2 * 86_400)
        let countdown = PayoutsCountdown(platformNow: platformNow, receivedAt: local)
        let holdUntil = platformNow.addingTimeInterval(86_400)
        XCTAssertEqual(countdown.remaining(until: holdUntil, localNow: local), 86_400)
        XCTAssertEqual(countdown.remaining(until: holdUntil, localNow: local.addingTimeInterval(600)), 86_400 - 600)
        // A local clock that steps backwards does not add time.
        XCTAssertEqual(countdown.remaining(until: holdUntil, localNow: local.addingTimeInterval(-600)), 86_400)
    }
}
