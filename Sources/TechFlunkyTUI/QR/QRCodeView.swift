/// Puts a QR code on the canvas: picks the level that fits the room (M, else L), and draws the half-block
/// rows with the fixed dark-on-light `qrCode` style, quiet zone included.
public enum QRCodeView {
    /// The code for `text` at the highest of M and L whose drawing fits `width`×`height` cells, or nil.
    public static func fitting(_ text: String, width: Int, height: Int) -> QRCode? {
        for level in [QRErrorCorrectionLevel.medium, .low] {
            guard let code = try? QRCode.encode(text, level: level) else { continue }
            let extent = QRHalfBlockRenderer.extent(of: code)
            if extent.width <= width && extent.height <= height { return code }
        }
        return nil
    }

    /// The cells the smallest drawing of `text` needs (level L), for a "make the terminal larger" hint.
    public static func minimumExtent(_ text: String) -> (width: Int, height: Int)? {
        (try? QRCode.encode(text, level: .low)).map { QRHalfBlockRenderer.extent(of: $0) }
    }

    public static func render(_ code: QRCode, into canvas: inout Canvas, x: Int, y: Int) {
        for (row, line) in QRHalfBlockRenderer.lines(code).enumerated() {
            canvas.write(line, x: x, y: y + row, style: CellStyle(.qrCode))
        }
    }
}
