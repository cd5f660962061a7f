import XCTest
import TechFlunkyText

final class ColumnFittingTests: XCTestCase {
    typealias Column = ColumnFitting.Column

    /// Title (grows last), Category (grows first, dropped last), Price (never dropped), Rev (dropped first).
    static func columns(title: Int = 50, category: Int = 15) -> [Column] {
        [
            Column(.flexible(min: 20, natural: title), growOrder: 1),
            Column(.flexible(min: category, natural: category), dropPriority: 1),
            Column(.fixed(10)),
            Column(.fixed(8), dropPriority: 2),
        ]
    }

    func testWideTableGivesEveryColumnItsNaturalWidthAndLeavesTheRestAtTheEnd() {
        let fit = ColumnFitting.fit(Self.columns(), width: 240)
        XCTAssertEqual(fit.map(\.index), [0, 1, 2, 3])
        XCTAssertEqual(fit.map(\.width), [50, 15, 10, 8])
    }

    func testNarrowTableDropsInTheStatedOrderBeforeCuttingTheCategory() {
        // 20+15+10+8 + 3 gaps = 56 > 50: the revenue column goes first; then the title takes what is left.
        let fit = ColumnFitting.fit(Self.columns(), width: 50)
        XCTAssertEqual(fit.map(\.index), [0, 1, 2])
        XCTAssertEqual(fit.map(\.width), [23, 15, 10])
        // Narrower still: the category goes too, then the title shrinks below its minimum rather than vanish.
        XCTAssertEqual(ColumnFitting.fit(Self.columns(), width: 40).map(\.index), [0, 2])
        XCTAssertEqual(ColumnFitting.fit(Self.columns(), width: 40).map(\.width), [29, 10])
        XCTAssertEqual(ColumnFitting.fit(Self.columns(), width: 25).map(\.width), [14, 10])
    }

    func testLeftoverRoomGrowsColumnsInGrowOrder() {
        let columns = [
            Column(.flexible(min: 5, natural: 40), growOrder: 1),
            Column(.flexible(min: 5, natural: 20), growOrder: 0),
        ]
        // 30 cells, 1 gap: 10 at the minimums, 19 spare: the second column grows to 20 first, the first gets 4 more.
        XCTAssertEqual(ColumnFitting.fit(columns, width: 30).map(\.width), [9, 20])
    }

    func testAColumnNeverNeedsMoreThanItsWidestCell() {
        // Short titles (12 cells) leave room for the category at 40 columns although the title's minimum is 20.
        let fit = ColumnFitting.fit(Self.columns(title: 12), width: 40)
        XCTAssertEqual(fit.map(\.index), [0, 1, 2])
        XCTAssertEqual(fit.map(\.width), [12, 15, 10])
    }

    func testNoWidthMeansEveryColumnWhole() {
        let fit = ColumnFitting.fit(Self.columns(title: 300), width: nil)
        XCTAssertEqual(fit.map(\.width), [300, 15, 10, 8])
    }

    func testFittedWidthsNeverExceedTheRoomWhenSomethingCanGive() {
        for width in 12...260 {
            let fit = ColumnFitting.fit(Self.columns(title: 90, category: 18), width: width)
            let used = fit.reduce(0) { $0 + $1.width } + fit.count - 1
            XCTAssertLessThanOrEqual(used, width, "at \(width)")
        }
    }
}
