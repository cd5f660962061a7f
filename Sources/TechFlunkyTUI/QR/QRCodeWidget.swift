import TechFlunkyText
/// A QR code drawn from the top-left of its area as half-block rows (quiet zone included) in the fixed
/// dark-on-light `qrCode` style. The rows are made once, when the widget value is made; a pane keeps it in its
/// model (see `FittingQRCode`) rather than encoding on every frame.
public struct QRCodeWidget: Widget, Sendable, Hashable {
    public let code: QRCode
    public let rows: [String]

    public init(code: QRCode) {
        self.code = code
        rows = QRHalfBlockRenderer.lines(code)
    }

    /// The cells the drawing takes.
    public var extent: (width: Int, height: Int) { QRHalfBlockRenderer.extent(of: code) }

    public func render(into canvas: inout Canvas, area: Rect) {
        for (row, line) in rows.enumerated() where row < area.height {
            canvas.write(line, x: area.x, y: area.y + row, maxWidth: area.width, style: CellStyle(.qrCode))
        }
    }
}

/// A text's QR code encoded once at each level the UI draws (M, and L for less room), for a pane to keep in its
/// model: each frame only picks the drawing that fits.
public struct FittingQRCode: Sendable, Hashable {
    public let text: String
    /// Best first: level M, then L (fewer modules, so it fits where M does not). A level the text is too long
    /// for is left out.
    public let drawings: [QRCodeWidget]

    public init(_ text: String) {
        self.text = text
        drawings = [QRErrorCorrectionLevel.medium, .low].compactMap { level in
            (try? QRCode.encode(text, level: level)).map(QRCodeWidget.init(code:))
        }
    }

    /// The drawing at the highest level that fits `width`×`height` cells, or nil.
    public func fitting(width: Int, height: Int) -> QRCodeWidget? {
        drawings.first { $0.extent.width <= width && $0.extent.height <= height }
    }

    /// The cells the smallest drawing needs, for a "make the terminal larger" hint; nil when the text cannot be
    /// encoded at all.
    public var minimumExtent: (width: Int, height: Int)? { drawings.last?.extent }
}
