import TechFlunkyText

/// A run of text in one style, part of a `StyledLine`.
public struct StyledSpan: Hashable, Sendable {
    public var text: String
    public var style: CellStyle
    public init(_ text: String, _ style: CellStyle = .text) {
        self.text = text
        self.style = style
    }
}

/// One line of styled text.
public struct StyledLine: Hashable, Sendable {
    public var spans: [StyledSpan]
    public init(_ spans: [StyledSpan]) { self.spans = spans }
    public init(_ text: String, _ style: CellStyle = .text) { spans = [StyledSpan(text, style)] }
    public static let blank = StyledLine([])

    /// Wraps plain text (sanitised as multi-line text) into lines of one style.
    public static func wrapped(_ text: String, width: Int, style: CellStyle = .text, indent: Int = 0) -> [StyledLine] {
        let pad = String(repeating: " ", count: indent)
        return TextLayout.wrap(TextSanitizer.multiline(text), width: max(1, width - indent)).map { StyledLine(pad + $0, style) }
    }
}

/// Scroll position of a paragraph.
public struct ScrollState: Sendable, Hashable {
    public var offset = 0
    public init(offset: Int = 0) { self.offset = offset }

    public mutating func scroll(by n: Int, lineCount: Int, visible: Int) {
        offset = min(max(0, offset + n), max(0, lineCount - visible))
    }
}

/// Scrollable lines of styled text, each clipped to the width (wrap first with `StyledLine.wrapped`). Shows a
/// scroll position in the last column when there is more than fits.
public struct ParagraphWidget: Widget, Sendable {
    public var lines: [StyledLine]
    /// Where the pane has scrolled to (kept in its model).
    public var scroll: ScrollState

    public init(lines: [StyledLine], scroll: ScrollState = ScrollState()) {
        self.lines = lines
        self.scroll = scroll
    }

    public func render(into canvas: inout Canvas, area: Rect) {
        guard !area.isEmpty else { return }
        let start = min(max(0, scroll.offset), max(0, lines.count - 1))
        for row in 0..<area.height {
            let i = start + row
            guard i < lines.count else { break }
            var x = area.x
            for span in lines[i].spans {
                guard x < area.maxX else { break }
                x += canvas.write(span.text, x: x, y: area.y + row, maxWidth: area.maxX - x, style: span.style)
            }
        }
        if lines.count > area.height, area.width > 1 {
            let track = area.height
            let thumb = max(0, min(track - 1, (start * track) / max(1, lines.count - area.height + 1)))
            for row in 0..<track {
                canvas.write(row == thumb ? "┃" : "│", x: area.maxX - 1, y: area.y + row, maxWidth: 1, style: .border)
            }
        }
    }
}
