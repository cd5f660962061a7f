import TechFlunkyText

/// A pane that only shows text: for screens another part of the UI fills in.
public struct PlaceholderPane: Pane {
    public enum Action: Sendable { case back }

    public let kind: PaneKind
    public let title: String
    public var lines: [String]

    public init(kind: PaneKind = .placeholder, title: String, lines: [String]) {
        self.kind = kind
        self.title = title
        self.lines = lines
    }

    public func keyMap() -> [KeyBinding<Action>] { [] }

    public mutating func perform(_ action: Action, _ ctx: inout PaneContext) -> [PaneCommand] { [.pop] }

    public func render(into canvas: inout Canvas, area: Rect, _ ctx: RenderContext) {
        var y = area.y + 1
        for line in lines {
            for wrapped in TextLayout.wrap(TextSanitizer.line(line), width: max(1, area.width - 4)) {
                guard y < area.maxY else { return }
                canvas.write(wrapped, x: area.x + 2, y: y, maxWidth: area.width - 4, style: .text)
                y += 1
            }
        }
    }
}
