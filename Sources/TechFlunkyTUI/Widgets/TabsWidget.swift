import TechFlunkyText

/// A row of numbered tabs with the active one highlighted.
public struct TabsWidget: Sendable {
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

    @discardableResult
    public func render(into canvas: inout Canvas, area: Rect) -> Int {
        var end = area.x
        for (i, item) in layout(x: area.x).enumerated() {
            guard item.range.upperBound <= area.maxX else { break }
            let style = i == selected ? CellStyle(.selection, bold: true) : CellStyle.muted
            canvas.write(item.label, x: item.range.lowerBound, y: area.y, maxWidth: item.range.count, style: style)
            end = item.range.upperBound
        }
        return end
    }
}
