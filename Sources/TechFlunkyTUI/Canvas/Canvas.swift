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
        let safe = TextSanitizer.line(text)
        var col = x
        let end = x + limit
        for ch in safe {
            let w = DisplayWidth.of(ch)
            if w == 0 {
                // A zero-width grapheme (a lone combining mark) joins the cell before it.
                if col > x, col - 1 >= 0 {
                    var lead = col - 1
                    if cells[y * width + lead].isContinuation, lead > 0 { lead -= 1 }
                    cells[y * width + lead].grapheme.append(ch)
                }
                continue
            }
            if col + w > end {
                if w == 2, col < end, col >= 0 { set(x: col, y: y, Cell(style: style)); col += 1 }
                break
            }
            if col >= 0 { set(x: col, y: y, Cell(grapheme: String(ch), width: UInt8(w), style: style)) }
            col += w
        }
        return col - x
    }

    /// Writes text truncated with an ellipsis and padded to exactly `width` cells.
    public mutating func writeFitted(_ text: String, x: Int, y: Int, width w: Int, style: CellStyle = .text,
                                     alignRight: Bool = false) {
        guard w > 0 else { return }
        write(TextLayout.fit(TextSanitizer.line(text), to: w, alignRight: alignRight), x: x, y: y, maxWidth: w, style: style)
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
