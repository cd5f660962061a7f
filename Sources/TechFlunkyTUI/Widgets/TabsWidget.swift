import TechFlunkyText

/// A row of numbered tabs with the active one highlighted.
public struct TabsWidget: Widget, Sendable {
    public var titles: [String]
    public var selected: Int

    public init(titles: [String], selected: Int) {
        self.titles = titles
        self.selected = selected
    }

    /// The label of each tab and the columns it covers when drawn at `x`.
    public func layout(x: Int) -> [(label: String, range: Range<Int>)] {
        var col = x
        return titles.enumerated().map { i, title in
            let label = " \(i + 1) \(title) "
            let w = DisplayWidth.of(label)
            defer { col += w + 1 }
            return (label, col..<(col + w))
        }
    }

    /// The tabs that fit in `area` (whole tabs only).
    func shown(in area: Rect) -> [(label: String, range: Range<Int>)] {
        Array(layout(x: area.x).prefix { $0.range.upperBound <= area.maxX })
    }

    /// The column after the last tab drawn in `area` (where a breadcrumb can follow).
    public func end(in area: Rect) -> Int { shown(in: area).last?.range.upperBound ?? area.x }

    public func render(into canvas: inout Canvas, area: Rect) {
        guard !area.isEmpty else { return }
        for (i, item) in shown(in: area).enumerated() {
            let style = i == selected ? CellStyle(.selection, bold: true) : CellStyle.muted
            canvas.write(item.label, x: item.range.lowerBound, y: area.y, maxWidth: item.range.count, style: style)
        }
    }
}
