import TechFlunkyText

/// A horizontal bar filled to a fraction, with eighth-cell resolution, and an optional label after it.
public struct ProgressBarWidget: Widget, Sendable {
    public var fraction: Double
    public var label: String?
    /// The filled part's style.
    public var style: CellStyle

    public init(fraction: Double, label: String? = nil, style: CellStyle = .accent) {
        self.fraction = fraction.isFinite ? min(1, max(0, fraction)) : 0
        self.label = label
        self.style = style
    }

    static let partials = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"]

    public func render(into canvas: inout Canvas, area: Rect) {
        guard area.width > 0, area.height > 0 else { return }
        let labelText = label.map { " " + $0 } ?? ""
        let labelWidth = min(DisplayWidth.of(labelText), max(0, area.width - 3))
        let barWidth = area.width - labelWidth
        let eighths = Int((fraction * Double(barWidth * 8)).rounded(.down))
        let full = eighths / 8
        var bar = String(repeating: "█", count: full)
        if full < barWidth { bar += ProgressBarWidget.partials[eighths % 8] }
        canvas.fill(Rect(x: area.x, y: area.y, width: barWidth, height: 1), style: .muted)
        canvas.write(String(repeating: "·", count: barWidth), x: area.x, y: area.y, maxWidth: barWidth, style: .muted)
        canvas.write(bar, x: area.x, y: area.y, maxWidth: barWidth, style: style)
        if labelWidth > 0 {
            canvas.write(TextLayout.truncate(labelText, to: labelWidth), x: area.x + barWidth, y: area.y,
                         maxWidth: labelWidth, style: .text)
        }
    }
}
