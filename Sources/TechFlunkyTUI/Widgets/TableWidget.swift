import TechFlunkyText

/// A column of a table: a header, a width rule and an alignment. How columns share a width is
/// `ColumnFitting` (TechFlunkyText), the rule the scripting commands' tables use too.
public struct TableColumn: Sendable, Hashable {
    public enum Width: Sendable, Hashable {
        case fixed(Int)
        /// At least `min` cells, growing toward `natural` (the widest cell, header included) when there is room.
        case flexible(min: Int, natural: Int = .max)
    }

    public var title: String
    public var width: Width
    public var alignRight: Bool
    /// Columns with a higher number are dropped first when the table is too narrow; 0 is never dropped.
    public var dropPriority: Int
    /// Flexible columns grow toward their natural width in this order (lower first).
    public var growOrder: Int

    public init(_ title: String, _ width: Width, alignRight: Bool = false, dropPriority: Int = 0, growOrder: Int = 0) {
        self.title = title
        self.width = width
        self.alignRight = alignRight
        self.dropPriority = dropPriority
        self.growOrder = growOrder
    }

    var fitting: ColumnFitting.Column {
        switch width {
        case let .fixed(w): ColumnFitting.Column(.fixed(w), dropPriority: dropPriority, growOrder: growOrder)
        case let .flexible(m, n):
            // The header is a cell of the column too.
            ColumnFitting.Column(.flexible(min: m, natural: max(n, DisplayWidth.of(title))), dropPriority: dropPriority,
                                 growOrder: growOrder)
        }
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

    /// Which columns are shown at a width, and how wide each is (one space between columns): `ColumnFitting`.
    public static func layout(_ columns: [TableColumn], width: Int) -> [(index: Int, width: Int)] {
        ColumnFitting.fit(columns.map(\.fitting), width: width)
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
