/// A one-cell spinner whose frame follows the tick count, drawn in the first cell of its area.
public struct SpinnerWidget: Widget, Sendable {
    static let frames: [String] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"]

    public var tick: Int
    public var style: CellStyle

    public init(tick: Int, style: CellStyle = .accent) {
        self.tick = tick
        self.style = style
    }

    /// The frame for `tick`, for a spinner inside a line of text.
    public static func frame(_ tick: Int) -> String { frames[((tick % frames.count) + frames.count) % frames.count] }

    public func render(into canvas: inout Canvas, area: Rect) {
        guard !area.isEmpty else { return }
        canvas.write(SpinnerWidget.frame(tick), x: area.x, y: area.y, maxWidth: 1, style: style)
    }
}
