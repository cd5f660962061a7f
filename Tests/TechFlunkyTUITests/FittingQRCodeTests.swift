import TechFlunkyText
import TechFlunkyClient
import XCTest
@testable import TechFlunkyTUI

/// The QR code a pane keeps in its model: encoded once per level, the best level that fits chosen per frame.
final class FittingQRCodeTests: XCTestCase {
    /// 50 bytes: version 3 at level L (53 bytes), version 4 at level M (42 in version 3), so the levels differ in size.
    let url = "https://connect.stripe.com/setup/e/acct_1SELLER/Ab"

    func testPicksLevelMWhenItFitsElseLElseNothing() throws {
        let qr = FittingQRCode(url)
        XCTAssertEqual(qr.drawings.map(\.code.errorCorrection), [.medium, .low])
        let m = qr.drawings[0].extent, l = qr.drawings[1].extent
        XCTAssertEqual(qr.drawings.map(\.code.version), [4, 3])
        XCTAssertGreaterThan(m.width, l.width)
        XCTAssertEqual(qr.fitting(width: m.width, height: m.height)?.code.errorCorrection, .medium)
        XCTAssertEqual(qr.fitting(width: m.width - 1, height: m.height)?.code.errorCorrection, .low)
        XCTAssertNil(qr.fitting(width: l.width - 1, height: l.height))
        XCTAssertEqual(qr.minimumExtent?.width, l.width)
        XCTAssertEqual(qr.minimumExtent?.height, l.height)
    }

    func testTheWidgetDrawsTheEncodersRowsInsideItsAreaOnly() throws {
        let drawing = try XCTUnwrap(FittingQRCode(url).drawings.first)
        XCTAssertEqual(drawing.rows, QRHalfBlockRenderer.lines(drawing.code))
        var canvas = Canvas(width: drawing.extent.width + 4, height: drawing.extent.height + 2)
        drawing.render(into: &canvas, area: Rect(x: 2, y: 1, width: drawing.extent.width, height: drawing.extent.height - 1))
        XCTAssertEqual(canvas[2, 1].style.role, .qrCode)
        XCTAssertEqual(canvas[1, 1].style.role, Canvas(width: 1, height: 1)[0, 0].style.role, "nothing left of the area")
        XCTAssertEqual(canvas[2, drawing.extent.height].style.role, Canvas(width: 1, height: 1)[0, 0].style.role,
                       "the row below the area is not drawn")
    }
}
