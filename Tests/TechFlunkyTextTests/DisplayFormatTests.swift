import Foundation
import TechFlunkyText
import XCTest

final class DisplayFormatTests: XCTestCase {
    /// 2026-09-21 14:13:20 UTC.
    let instant = Date(timeIntervalSince1970: 1_790_000_000)

    func testNumbersAgesRatiosAndSizes() {
        XCTAssertEqual(DisplayFormat.grouped(12_345), "12,345")
        XCTAssertEqual(DisplayFormat.grouped(-1_234_567), "-1,234,567")
        XCTAssertEqual(DisplayFormat.grouped(999), "999")
        XCTAssertEqual(DisplayFormat.age(months: 8), "8 mo")
        XCTAssertEqual(DisplayFormat.age(months: 24), "2 yr")
        XCTAssertEqual(DisplayFormat.age(months: 27), "2 yr 3 mo")
        XCTAssertEqual(DisplayFormat.shortAge(months: 27), "2y 3m")
        XCTAssertEqual(DisplayFormat.shortAge(months: -1), "0m")
        XCTAssertEqual(DisplayFormat.multiple(2.44), "2.4×")
        XCTAssertEqual(DisplayFormat.multiple(nil), "–")
        XCTAssertEqual(DisplayFormat.multiple(.infinity), "–")
        XCTAssertEqual(DisplayFormat.bytes(512), "512 B")
        XCTAssertEqual(DisplayFormat.bytes(1_258_291), "1.2 MB")
    }

    func testHowLongAgo() {
        XCTAssertEqual(DisplayFormat.since(instant, now: instant.addingTimeInterval(3_600)), "today")
        XCTAssertEqual(DisplayFormat.since(instant, now: instant.addingTimeInterval(3 * 86_400)), "3d")
        XCTAssertEqual(DisplayFormat.since(instant, now: instant.addingTimeInterval(35 * 86_400)), "5w")
        XCTAssertEqual(DisplayFormat.since(instant, now: instant.addingTimeInterval(120 * 86_400)), "4mo")
        XCTAssertEqual(DisplayFormat.since(instant, now: instant.addingTimeInterval(800 * 86_400)), "2y")
    }

    func testDaysAndMinutesInTheTimeZoneAsked() {
        XCTAssertEqual(DisplayFormat.day(instant), "2026-09-21")
        XCTAssertEqual(DisplayFormat.minute(instant, in: DisplayFormat.utc), "2026-09-21 14:13")
        let east = TimeZone(secondsFromGMT: 10 * 3_600)!
        XCTAssertEqual(DisplayFormat.day(instant, in: east), "2026-09-22")
        XCTAssertEqual(DisplayFormat.minute(instant, in: east), "2026-09-22 00:13")
        XCTAssertEqual(DisplayFormat.minute(Date(timeIntervalSince1970: 0), in: DisplayFormat.utc), "1970-01-01 00:00")
    }
}
