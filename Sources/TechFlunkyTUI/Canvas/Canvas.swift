import TechFlunkyText

/// A rectangle of cells that panes and widgets render into (Ratatui's `Buffer`). Rendering is pure:
/// it builds a canvas; the backend diffs it against the previous frame and sends only what changed.
///
/// Everything written through `write` is sanitised again, so no control character can reach a cell even if
/// a caller forgot. Writes are clipped to the canvas and to `maxWidth`; a wide grapheme that would straddle the
/// edge becomes a space.
public struct Canvas: Hashable, Sendable {
    public let width: Int
    public let height: Int
    public private(set) var cells: [Cell]

    public init(width: Int, height: Int, fill: CellStyle = .text) {
        self.width = max(0, width)
        self.height = max(0, height)
        cells = Array(repeating: Cell(style: fill), count: self.width * self.height)
    }

    public var bounds: Rect { Rect(x: 0, y: 0, width: width, height: height) }

    public subscript(x: Int, y: Int) -> Cell {
        get { cells[y * width + x] }
    }

    /// Sets one cell, keeping wide graphemes whole: overwriting either half of a wide grapheme blanks the other.
    mutating func set(x: Int, y: Int, _ cell: Cell) {
        guard x >= 0, y >= 0, x < width, y < height else { return }
        let i = y * width + x
        let old = cells[i]
        if old.isContinuation, x > 0 { cells[i - 1] = Cell(style: cells[i - 1].style) }
        if old.width == 2, x + 1 < width, cell.width != 2 { cells[i + 1] = Cell(style: old.style) }
        cells[i] = cell
        if cell.width == 2 {
            if x + 1 < width {
                let next = cells[i + 1]
                if next.width == 2, x + 2 < width { cells[i + 2] = Cell(style: next.style) }
                cells[i + 1] = Cell(grapheme: "", width: 0, style: cell.style)
            } else {
                cells[i] = Cell(style: cell.style)
            }
        }
    }

    /// Fills a rectangle with blanks of a style.
    public mutating func fill(_ rect: Rect, style: CellStyle) {
        let r = clip(rect)
        guard !r.isEmpty else { return }
        for y in r.y..<r.maxY { for x in r.x..<r.maxX { cells[y * width + x] = Cell(style: style) } }
    }

    /// Changes the style of every cell in a rectangle, keeping the text (for a selected row).
    public mutating func restyle(_ rect: Rect, style: CellStyle) {
        let r = clip(rect)
        guard !r.isEmpty else { return }
        for y in r.y..<r.maxY { for x in r.x..<r.maxX { cells[y * width + x].style = style } }
    }

    /// Writes one line of text at (x, y), at most `maxWidth` cells (default: to the right edge). Returns the
    /// number of cells used. Text is sanitised; it is not truncated with an ellipsis (use `TextLayout`).
    @discardableResult
    public mutating func write(_ text: String, x: Int, y: Int, maxWidth: Int? = nil, style: CellStyle = .text) -> Int {
        guard y >= 0, y < height, x < width else { return 0 }
        let limit = min(maxWidth ?? (width - x), width - x)
        guard limit > 0 else { return 0 }
        var col = x
        _ = put(TextSanitizer.line(text), col: &col, origin: x, end: x + limit, y: y, style: style)
        return col - x
    }

    /// Writes text truncated with an ellipsis and padded to exactly `width` cells.
    ///
    /// Draws what `write(TextLayout.fit(text, to: width, alignRight:), …, maxWidth: width)` draws, without building
    /// the padded string: the text, the ellipsis and the padding are drawn as pieces. Joining them into one string
    /// could only change its graphemes where a non-ASCII scalar meets the joint (a Prepend before it, an Extend after
    /// it), so in those rare cases the string is built after all.
    public mutating func writeFitted(_ text: String, x: Int, y: Int, width w: Int, style: CellStyle = .text,
                                     alignRight: Bool = false) {
        guard w > 0 else { return }
        let safe = TextSanitizer.line(text)
        let cut = TextLayout.cutPoint(safe, width: w)
        let ellipsisWidth = cut.truncated ? Canvas.ellipsisWidth : 0
        let pad = w - cut.width - ellipsisWidth
        let utf8 = safe.utf8
        let cutEnd = utf8.index(utf8.startIndex, offsetBy: cut.end)
        let hasText = cut.end > 0
        let firstIsASCII = !hasText || utf8[utf8.startIndex] < 0x80
        let lastIsASCII = !hasText || utf8[utf8.index(before: cutEnd)] < 0x80
        let joinsSafely = pad >= 0 && (cut.truncated || pad == 0 || alignRight || lastIsASCII)
            && (!cut.truncated || lastIsASCII) && (!alignRight || pad == 0 || firstIsASCII)
        guard joinsSafely else {
            write(TextLayout.fit(safe, to: w, alignRight: alignRight), x: x, y: y, maxWidth: w, style: style)
            return
        }
        guard y >= 0, y < height, x < width else { return }
        let end = x + min(w, width - x)
        guard end > x else { return }
        var col = x
        if alignRight, !putBlanks(pad, col: &col, end: end, y: y, style: style) { return }
        let text = cut.truncated ? String(safe[..<cutEnd]) : safe
        guard put(text, col: &col, origin: x, end: end, y: y, style: style) else { return }
        if cut.truncated, !put(String(TextLayout.ellipsis), col: &col, origin: x, end: end, y: y, style: style) { return }
        if !alignRight { _ = putBlanks(pad, col: &col, end: end, y: y, style: style) }
    }

    /// The ellipsis's width under the current locale (1 wherever it is UTF-8).
    private static let ellipsisWidth = DisplayWidth.of(TextLayout.ellipsis)

    /// Printable ASCII as one-character strings, so drawing ASCII builds no string per cell.
    private static let asciiGraphemes: [String] = (0..<128).map { String(Unicode.Scalar(UInt8($0))) }

    /// Draws sanitised text from `col` up to `end`, as the grapheme loop of `write` always has: a zero-width
    /// grapheme joins the cell before it (unless at `origin`), and a wide grapheme that would straddle `end` becomes a
    /// space. Returns false once the text did not fit (the caller draws nothing more).
    private mutating func put(_ safe: String, col: inout Int, origin: Int, end: Int, y: Int, style: CellStyle) -> Bool {
        let ascii = Canvas.asciiGraphemes
        let row = y * width
        var fits = true
        var at = col
        DisplayWidth.forEachGrapheme(safe) { w, bytes, byte in
            if let byte {
                guard at < end else { fits = false; return false }
                if at >= 0 { setNarrow(row + at, x: at, y: y, Cell(grapheme: ascii[Int(byte)], width: 1, style: style)) }
                at += 1
                return true
            }
            let utf8 = safe.utf8
            let grapheme = safe[utf8.index(utf8.startIndex, offsetBy: bytes.lowerBound)..<utf8.index(utf8.startIndex, offsetBy: bytes.upperBound)]
            if w == 0 {
                // A zero-width grapheme (a lone combining mark) joins the cell before it.
                if at > origin, at - 1 >= 0 {
                    var lead = at - 1
                    if cells[row + lead].isContinuation, lead > 0 { lead -= 1 }
                    for part in TerminalGlyph.parts(Character(String(grapheme))) { cells[row + lead].grapheme += part.text }
                }
                return true
            }
            // Emoji sequences are drawn as the parts every terminal measures alike (`TerminalGlyph`), one or two
            // cells each.
            for part in TerminalGlyph.parts(Character(String(grapheme))) where part.width > 0 {
                if at + part.width > end {
                    if part.width == 2, at < end, at >= 0 { set(x: at, y: y, Cell(style: style)); at += 1 }
                    fits = false
                    return false
                }
                if at >= 0 { set(x: at, y: y, Cell(grapheme: part.text, width: UInt8(part.width), style: style)) }
                at += part.width
            }
            return true
        }
        col = at
        return fits
    }

    /// Draws `count` blanks from `col`, as many as fit before `end`; false if not all did.
    private mutating func putBlanks(_ count: Int, col: inout Int, end: Int, y: Int, style: CellStyle) -> Bool {
        let row = y * width
        let blank = Cell(style: style)
        let n = max(0, min(count, end - col))
        if col >= 0, n > 0 {
            // Padding is most of a table row, usually over blanks of the same style: with no wide grapheme in the way,
            // store only the cells that differ, without a uniqueness check per cell.
            let range = (row + col)..<(row + col + n)
            let allNarrow = cells.withUnsafeBufferPointer { buf in range.allSatisfy { buf[$0].width == 1 } }
            if allNarrow {
                cells.withUnsafeMutableBufferPointer { buf in for i in range where buf[i] != blank { buf[i] = blank } }
            } else {
                for x in col..<(col + n) { setNarrow(row + x, x: x, y: y, blank) }
            }
        } else {
            for x in col..<(col + n) where x >= 0 { setNarrow(row + x, x: x, y: y, blank) }
        }
        col += n
        return n == max(0, count)
    }

    /// Sets a one-cell-wide cell at index `i` = (x, y): a plain store when the old cell was one cell wide too, which
    /// is what `set` would do then.
    @inline(__always)
    private mutating func setNarrow(_ i: Int, x: Int, y: Int, _ cell: Cell) {
        if cells[i].width == 1 { cells[i] = cell } else { set(x: x, y: y, cell) }
    }

    /// Draws a box border with an optional title in the top edge.
    public mutating func box(_ rect: Rect, title: String? = nil, style: CellStyle = .border) {
        guard rect.width >= 2, rect.height >= 2 else { return }
        let (l, r, t, b) = (rect.x, rect.maxX - 1, rect.y, rect.maxY - 1)
        for x in (l + 1)..<r {
            set(x: x, y: t, Cell(grapheme: "─", style: style))
            set(x: x, y: b, Cell(grapheme: "─", style: style))
        }
        for y in (t + 1)..<b {
            set(x: l, y: y, Cell(grapheme: "│", style: style))
            set(x: r, y: y, Cell(grapheme: "│", style: style))
        }
        set(x: l, y: t, Cell(grapheme: "┌", style: style))
        set(x: r, y: t, Cell(grapheme: "┐", style: style))
        set(x: l, y: b, Cell(grapheme: "└", style: style))
        set(x: r, y: b, Cell(grapheme: "┘", style: style))
        if let title, rect.width > 4 {
            let text = " " + TextLayout.truncate(TextSanitizer.line(title), to: rect.width - 6) + " "
            write(text, x: l + 2, y: t, maxWidth: rect.width - 4, style: CellStyle(style.role, bold: true))
        }
    }

    public func clip(_ r: Rect) -> Rect {
        let x0 = max(0, r.x), y0 = max(0, r.y)
        let x1 = min(width, r.maxX), y1 = min(height, r.maxY)
        return Rect(x: x0, y: y0, width: x1 - x0, height: y1 - y0)
    }

    /// The text of one row as the terminal would show it (continuation cells add nothing).
    public func rowText(_ y: Int) -> String {
        var s = ""
        for x in 0..<width {
            let c = cells[y * width + x]
            if !c.isContinuation { s += c.grapheme }
        }
        return s
    }

    /// Every row, trailing spaces trimmed, joined by newlines: what render tests compare.
    public var text: String {
        (0..<height).map { rowText($0).replacingTrailingSpaces() }.joined(separator: "\n")
    }
}

extension String {
    func replacingTrailingSpaces() -> String {
        var s = self
        while s.last == " " { s.removeLast() }
        return s
    }
}
