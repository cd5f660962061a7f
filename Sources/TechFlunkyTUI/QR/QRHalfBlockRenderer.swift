// Draws a QR code as text with half blocks, two module rows per terminal row: ▀ (upper dark), ▄ (lower
// dark), █ (both), space (neither). Ink is dark, so the caller paints these dark-on-light whatever the
// theme: phone scanners expect dark modules on a light field (a light-on-dark code scans badly or not at
// all), and the quiet zone must be light too.
public enum QRHalfBlockRenderer {
    /// The quiet zone the standard asks for around the symbol, in modules.
    public static let standardQuietZone = 4

    /// The rows of text, each `size + 2 × quietZone` cells wide; ⌈(size + 2 × quietZone) / 2⌉ rows.
    public static func lines(_ code: QRCode, quietZone: Int = standardQuietZone) -> [String] {
        let span = code.size + 2 * quietZone
        var result: [String] = []
        result.reserveCapacity((span + 1) / 2)
        for top in stride(from: -quietZone, to: code.size + quietZone, by: 2) {
            var line = ""
            line.reserveCapacity(span * 3)
            for x in -quietZone..<(code.size + quietZone) {
                switch (code.isDark(x: x, y: top), code.isDark(x: x, y: top + 1)) {
                case (true, true): line.append("█")
                case (true, false): line.append("▀")
                case (false, true): line.append("▄")
                case (false, false): line.append(" ")
                }
            }
            result.append(line)
        }
        return result
    }

    /// Cells wide and rows high the rendering of a code takes.
    public static func extent(of code: QRCode, quietZone: Int = standardQuietZone) -> (width: Int, height: Int) {
        let span = code.size + 2 * quietZone
        return (span, (span + 1) / 2)
    }
}
