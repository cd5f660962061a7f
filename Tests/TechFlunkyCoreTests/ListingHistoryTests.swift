import Foundation
import XCTest
@testable import TechFlunkyCore

final class ListingHistoryTests: XCTestCase {
    static func months(_ count: Int, from start: String = "2024-11") -> [MonthlyFigures] {
        let first = ListingHistory.monthIndex(start)!
        return (0..<count).map { MonthlyFigures(month: ListingHistory.monthText(first + $0), revenue: 10_000 + Int64($0) * 100, profit: 4_000, visitors: 500) }
    }

    func testContiguousHistoryAcrossAYearEndIsValid() {
        let history = Self.months(36)
        XCTAssertEqual(history[1].month, "2024-12")
        XCTAssertEqual(history[2].month, "2025-01")
        XCTAssertEqual(ListingHistory.problems(history), [])
    }

    func testEveryProblemIsReportedWithItsPath() {
        var history = Self.months(5)
        history[1].month = "2025-13"
        history[3].month = "2025-04"  // after 2025-01 comes 2025-02: a gap
        history[2].revenue = -1
        history[4].profit = history[4].revenue + 1
        history[0].visitors = -3
        let problems = ListingHistory.problems(history)
        // history[4] (2025-03 after 2025-04) goes backwards: each break is named where it happens.
        XCTAssertEqual(Set(problems.map(\.path)), ["history[1].month", "history[3].month", "history[4].month", "history[2].revenue", "history[4].profit",
                                                    "history[0].visitors"], "\(problems)")
        XCTAssertTrue(problems.contains { $0.message.contains("YYYY-MM") })
        let tooLong = ListingHistory.problems(Self.months(37))
        XCTAssertEqual(tooLong.map(\.path), ["history"])
        let repeated = ListingHistory.problems([Self.months(1)[0], Self.months(1)[0]])
        XCTAssertEqual(repeated.map(\.path), ["history[1].month"])
    }

    func testTheValidatorChecksTheManifestsHistoryAndPreviewShare() {
        var manifest = PackageManifest(id: "p", name: "P", slug: "ppp", version: "1.0.0",
                                       cloudflare: CloudflareResources(workers: [WorkerSpec(name: "api", main: "a.js", compatibilityDate: "2024-01-01", bindings: [])],
                                                                       d1Databases: [], r2Buckets: [], dnsRecords: []),
                                       businessAssets: [:])
        XCTAssertEqual(PackageManifestValidator().validate(manifest), [])
        manifest.history = [MonthlyFigures(month: "2024-1", revenue: 1, profit: 0, visitors: 0)]
        manifest.assetPreviewPercent = 0
        XCTAssertEqual(PackageManifestValidator().validate(manifest).map(\.path), ["history[0].month", "assetPreviewPercent"])
    }

    /// Amounts are whole minor units: 12.5 is refused. (Foundation's decoder reports a number that does not fit an
    /// integer without its path, so the problem names the file, not the field.)
    func testAFractionalAmountIsRefusedWhenDecoding() {
        let json = #"{"id":"p","name":"P","slug":"ppp","version":"1.0.0","cloudflare":{"workers":[],"d1_databases":[],"r2_buckets":[],"dns_records":[]},"businessAssets":{},"history":[{"month":"2024-01","revenue":12.5,"profit":1,"visitors":1}]}"#
        XCTAssertThrowsError(try PackageManifestValidator.decode(Data(json.utf8))) { error in
            let problems = (error as? ManifestValidationError)?.problems ?? []
            XCTAssertFalse(problems.isEmpty)
        }
    }

    func testSparklineAndGrowth() {
        let history = Self.months(24)
        XCTAssertEqual(ListingHistory.sparkline(history), history.suffix(12).map(\.revenue))
        XCTAssertNil(ListingHistory.sparkline([]))
        XCTAssertEqual(ListingHistory.sparkline(Self.months(3))?.count, 3)
        // Newest three months (12,100 + 12,200 + 12,300) against the same three a year before (10,900 + 11,000 + 11,100).
        XCTAssertEqual(ListingHistory.revenueGrowth(history)!, 36_600.0 / 33_000.0 - 1, accuracy: 1e-9)
        XCTAssertNil(ListingHistory.revenueGrowth(Self.months(14)))
    }
}
