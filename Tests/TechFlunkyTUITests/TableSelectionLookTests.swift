import XCTest
@testable import TechFlunkyTUI

/// The Browse table marks the selection in a gutter instead of highlighting the whole row, so moving it changes two
/// gutter cells per row rather than every cell of two rows (what a terminal must be sent when the list scrolls).
final class TableSelectionLookTests: XCTestCase {
    static let columns = [TableColumn("Name", .flexible(min: 8)), TableColumn("Price", .fixed(8), alignRight: true)]

    static func render(_ look: TableWidget.SelectionLook, selected: Int) -> Canvas {
        var canvas = Canvas(width: 30, height: 5)
        var widget = TableWidget(columns: columns, rowCount: 4, state: TableState(selected: selected), row: { ["Row \($0)", "$\($0),000"] })
        widget.selectionLook = look
        widget.render(into: &canvas, area: canvas.bounds)
        return canvas
    }

    func testMovingTheGutterMarkerChangesOnlyGutterCells() {
        let before = Self.render(.gutterMarker, selected: 0)
        let after = Self.render(.gutterMarker, selected: 1)
        for y in 0..<before.height {
            for x in 0..<before.width where before[x, y] != after[x, y] {
                XCTAssertLessThan(x, 2, "cell (\(x), \(y)) changed outside the gutter")
            }
        }
        XCTAssertEqual(after[0, 2].style.role, .selection)
        XCTAssertEqual(after[1, 2].style.role, .selection)
        XCTAssertEqual(after[0, 1].style.role, .text)
        // Row text is drawn the same whether selected or not, after the gutter.
        XCTAssertTrue(after.rowText(2).hasPrefix("  Row 1"))
        XCTAssertEqual(after[2, 2].style, before[2, 2].style)
    }

    func testHighlightStillRestylesTheWholeRow() {
        let canvas = Self.render(.highlight, selected: 1)
        XCTAssertTrue(canvas.rowText(2).hasPrefix("Row 1"))
        for x in 0..<canvas.width { XCTAssertEqual(canvas[x, 2].style.role, .selection, "cell \(x)") }
    }
}
