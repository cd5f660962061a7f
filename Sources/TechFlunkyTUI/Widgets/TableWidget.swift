/// A column of a table: a header, a width rule and an alignment.
public struct TableColumn: Sendable, Hashable {
    public enum Width: Sendable, Hashable {
        case fixed(Int)
        /// Takes what is left, at least `min` cells.
        case flexible(min: Int)
    }

    public var title: String
    public var width: Width
    public var alignRight: Bool
    /// Columns with a higher number are dropped first when the table is too narrow.
    public var dropPriority: Int

    public init(_ title: String, _ width: Width, alignRight: Bool = false, dropPriority: Int = 0) {
        self.title = title
        self.width = width
        self.alignRight = alignRight
        self.dropPriority = dropPriority
    }
}

/// Selection and scroll of a table, kept by the pane (Ratatui's `TableState`).
public struct TableState: Sendable, Hashable {
    public var selected: Int = 0
    /// The first row on screen.
    public var offset: Int = 0

    public init(selected: Int = 0, offset: Int = 0) {
        self.selected = selected
        self.offset = offset
    }

    /// Keeps the selection in `0..<count` and on screen in a view of `visibleRows`.
    public mutating func clamp(count: Int, visibleRows: Int) {
        guard count > 0 else { selected = 0; offset = 0; return }
        selected = min(max(0, selected), count - 1)
        let rows = max(1, visibleRows)
        if selected < offset { offset = selected }
        if selected >= offset + rows { offset = selected - rows + 1 }
        offset = min(max(0, offset), max(0, count - rows))
    }
}

/// A table with virtual scrolling: it asks only for the rows on screen, so its cost does not depend on how many
/// rows exist. Columns that do not fit are dropped by priority.
public struct TableWidget: Widget, Sendable {
    public var columns: [TableColumn]
    /// The selection and first row on screen, kept by the pane.
    public var state: TableState
    public var rowCount: Int
    /// The cells of row `i` (only called for rows on screen), and an optional style per row.
    public var row: @Sendable (Int) -> [String]
    public var rowStyle: @Sendable (Int) -> CellStyle
    /// How the selected row is shown: highlighted whole (the default), or by a marker in a two-cell gutter left of
    /// the columns, its text drawn as any other row's (see `SelectionLook`).
    public var selectionLook = SelectionLook.highlight

    public enum SelectionLook: Sendable, Hashable {
        case highlight
        /// A block of the selection colour in the gutter. Moving the selection then changes two gutter cells, not
        /// two whole rows, so a one-row scroll sends a terminal the new row and little else (the Browse list
        /// scrolls most).
        case gutterMarker
    }

    public init(columns: [TableColumn], rowCount: Int, state: TableState = TableState(),
                row: @escaping @Sendable (Int) -> [String], rowStyle: @escaping @Sendable (Int) -> CellStyle = { _ in .text }) {
        self.columns = columns
        self.state = state
        self.rowCount = rowCount
        self.row = row
        self.rowStyle = rowStyle
    }

    /// Which columns are shown at a width, and how wide each is (one space between columns).
    public static func layout(_ columns: [TableColumn], width: Int) -> [(index: Int, width: Int)] {
        var shown = Array(columns.indices)
        func needed(_ idx: [Int]) -> Int {
            idx.reduce(0) { sum, i in
                switch columns[i].width {
                case let .fixed(w): sum + w
                case let .flexible(m): sum + m
                }
            } + max(0, idx.count - 1)
        }
        while needed(shown) > width, shown.count > 1 {
            guard let drop = shown.max(by: { columns[$0].dropPriority < columns[$1].dropPriority }),
                  columns[drop].dropPriority > 0 else { break }
            shown.removeAll { $0 == drop }
        }
        let fixedTotal = shown.reduce(0) { s, i in if case let .fixed(w) = columns[i].width { return s + w } else { return s } }
        let flexCount = shown.filter { if case .flexible = columns[$0].width { return true } else { return false } }.count
        let spare = max(0, width - fixedTotal - max(0, shown.count - 1))
        var flexLeft = spare
        var flexSeen = 0
        return shown.map { i in
            switch columns[i].width {
            case let .fixed(w): return (i, w)
            case .flexible:
                flexSeen += 1
                let w = flexSeen == flexCount ? flexLeft : spare / max(1, flexCount)
                flexLeft -= w
                return (i, max(0, w))
            }
        }
    }

    public func render(into canvas: inout Canvas, area: Rect) {
        guard area.height >= 1, area.width >= 1 else { return }
        let gutter = selectionLook == .gutterMarker && area.width > 2 ? 2 : 0
        let left = area.x + gutter
        let layout = TableWidget.layout(columns, width: area.width - gutter)
        var x = left
        canvas.fill(Rect(x: area.x, y: area.y, width: area.width, height: 1), style: .header)
        for (i, w) in layout {
            canvas.writeFitted(columns[i].title, x: x, y: area.y, width: w, style: CellStyle(.header, bold: true),
                               alignRight: columns[i].alignRight)
            x += w + 1
        }
        let visible = area.height - 1
        guard visible > 0 else { return }
        for line in 0..<visible {
            let r = state.offset + line
            guard r < rowCount else { break }
            let y = area.y + 1 + line
            let selected = r == state.selected
            let base: CellStyle
            if gutter > 0 {
                base = rowStyle(r)
                if selected { canvas.fill(Rect(x: area.x, y: y, width: gutter, height: 1), style: .selection) }
            } else {
                base = selected ? CellStyle(.selection, bold: true) : rowStyle(r)
                if selected { canvas.fill(Rect(x: area.x, y: y, width: area.width, height: 1), style: base) }
            }
            let cells = row(r)
            x = left
            for (i, w) in layout {
                let text = i < cells.count ? cells[i] : ""
                canvas.writeFitted(text, x: x, y: y, width: w, style: base, alignRight: columns[i].alignRight)
                x += w + 1
            }
        }
    }
}
