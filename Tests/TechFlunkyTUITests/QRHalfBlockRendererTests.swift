import XCTest
@testable import TechFlunkyTUI

final class QRHalfBlockRendererTests: XCTestCase {
    func testRenderingMatchesQrencodeInvertedUTF8WithTheStandardQuietZone() throws {
        // qrencode's UTF8i output draws dark modules as ink with half blocks, as we do.
        try QRReferenceEncoder.requireInstalled()
        for (text, level, version) in [("HELLO", QRErrorCorrectionLevel.medium, 1), ("http://127.0.0.1:5000/checkout/cs_test_9", .low, 3),
                                       ("https://connect.stripe.com/setup/e/acct_123/abc", .quartile, 7)] {
            let reference = try QRReferenceEncoder.symbol(text, level: level, version: version)
            let code = try QRCode.encode(text, level: level, minVersion: version, mask: reference.mask)
            let expected = try QRReferenceEncoder.run(text, type: "UTF8i", level: level, version: version, margin: 4)
                .split(separator: "\n").map(String.init)
            XCTAssertEqual(QRHalfBlockRenderer.lines(code), expected, "\(text) \(level) v\(version)")
        }
    }

    func testOddModuleCountsEndWithAnUpperHalfRowAndTheExtentFits() throws {
        let code = try QRCode.encode("HELLO", level: .medium, mask: 0)
        let lines = QRHalfBlockRenderer.lines(code)
        let extent = QRHalfBlockRenderer.extent(of: code)
        XCTAssertEqual(extent.width, 29)
        XCTAssertEqual(extent.height, 15)
        XCTAssertEqual(lines.count, 15)
        XCTAssertTrue(lines.allSatisfy { $0.count == 29 })
        // Rows −4…−1 are the quiet zone: two blank lines. Line 2 holds module rows 0 and 1 of the finder:
        // a full dark top edge over dark-light-dark, so █▀▀▀▀▀█ after four blank cells.
        XCTAssertEqual(lines[0], String(repeating: " ", count: 29))
        XCTAssertEqual(lines[1], String(repeating: " ", count: 29))
        XCTAssertTrue(lines[2].hasPrefix("    █▀▀▀▀▀█ "))
        // The last line pairs module row 24 (quiet zone) with nothing: blank.
        XCTAssertEqual(lines[14], String(repeating: " ", count: 29))
        XCTAssertEqual(QRHalfBlockRenderer.lines(code, quietZone: 0).count, 11)
    }
}
