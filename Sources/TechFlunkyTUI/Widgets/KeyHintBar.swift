import TechFlunkyText

/// The footer: key hints generated from the key maps (`KeyBinding`), as many as fit.
public struct KeyHintBar: Widget, Sendable {
    public var hints: [KeyHint]

    public init(hints: [KeyHint]) { self.hints = hints }

    public func render(into canvas: inout Canvas, area: Rect) {
        guard !area.isEmpty else { return }
        canvas.fill(Rect(x: area.x, y: area.y, width: area.width, height: 1), style: .muted)
        var x = area.x + 1
        for hint in hints where hint.shownInFooter {
            let needed = DisplayWidth.of(hint.keys) + 1 + DisplayWidth.of(hint.description) + 2
            if x + needed > area.maxX { break }
            let keyStyle = hint.disabledReason == nil ? CellStyle(.accent, bold: true) : CellStyle.muted
            x += canvas.write(hint.keys, x: x, y: area.y, maxWidth: area.maxX - x, style: keyStyle)
            x += 1
            x += canvas.write(hint.description, x: x, y: area.y, maxWidth: area.maxX - x, style: .muted)
            x += 2
        }
    }
}
