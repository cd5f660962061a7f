import TechFlunkyText

/// A bordered box in the middle of the screen over whatever is below it (help, confirmations).
public struct ModalWidget: Widget, Sendable {
    public var title: String
    public var lines: [StyledLine]
    public var scroll: ScrollState

    public init(title: String, lines: [StyledLine], scroll: ScrollState = ScrollState()) {
        self.title = title
        self.lines = lines
        self.scroll = scroll
    }

    public func render(into canvas: inout Canvas, area: Rect) {
        let contentWidth = lines.map { $0.spans.reduce(0) { $0 + DisplayWidth.of($1.text) } }.max() ?? 0
        let w = min(area.width - 2, max(DisplayWidth.of(title) + 6, contentWidth + 4))
        let h = min(area.height - 2, lines.count + 2)
        guard w >= 6, h >= 3 else { return }
        let box = area.centred(width: w, height: h)
        canvas.fill(box, style: .text)
        canvas.box(box, title: title, style: .border)
        ParagraphWidget(lines: lines, scroll: scroll).render(into: &canvas, area: box.inset(1).insetHorizontally(1))
    }
}

extension Rect {
    func insetHorizontally(_ n: Int) -> Rect { Rect(x: x + n, y: y, width: width - 2 * n, height: height) }
}
