import Foundation
import XCTest
import TechFlunkyCore

final class ClockTests: XCTestCase {
    func testAFollowingClockRunsWithItsBaseAndItsOwnOffset() {
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        let platform = MovableClock(frozenAt: start)
        let sandbox = MovableClock(following: platform)
        XCTAssertEqual(sandbox.now(), start)
        platform.advance(by: 3_600)
        XCTAssertEqual(sandbox.now(), start.addingTimeInterval(3_600), "moving the base moves the follower")
        sandbox.advance(by: 60)
        XCTAssertEqual(sandbox.now(), start.addingTimeInterval(3_660))
        XCTAssertEqual(platform.now(), start.addingTimeInterval(3_600), "moving the follower leaves the base alone")
        XCTAssertEqual(sandbox.unixTime, 1_800_003_660)
        XCTAssertEqual(sandbox.offsetSeconds, 60)
    }

    func testTheDefaultClockRunsWithTheWallClock() {
        let clock = MovableClock(offsetSeconds: 86_400)
        let expected = Date().addingTimeInterval(86_400)
        XCTAssertEqual(clock.now().timeIntervalSince1970, expected.timeIntervalSince1970, accuracy: 5)
    }
}
