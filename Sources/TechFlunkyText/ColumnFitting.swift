/// How the columns of a table share a width: the one rule for the TUI's tables and the scripting commands' text
/// tables (as htop and k9s do it).
///
/// 1. Fixed columns (prices, dates) keep their width; flexible columns (a title, a category) need at least `min`,
///    or their natural width when that is less (a column never needs more room than its widest cell).
/// 2. While the fixed widths and minimums (with the gaps) do not fit, the shown column with the highest
///    `dropPriority` is dropped (0: never dropped). That order is the pane's stated order of what goes first.
/// 3. If even the columns that are never dropped do not fit, flexible columns shrink below their minimum, the one
///    with the highest `growOrder` first (down to one cell).
/// 4. Room left over goes to the flexible columns toward their `natural` width (their widest cell), lowest
///    `growOrder` first: a category is made whole before a title grows.
/// 5. Room left after every column is natural is left at the end of the row: the table ends where its content does,
///    so a wide terminal shows no gulf of blank cells between a title and its price.
///
/// `width == nil` means no limit (a pipe): every column shown at its natural width.
public enum ColumnFitting {
    public struct Column: Sendable, Hashable {
        public enum Width: Sendable, Hashable {
            case fixed(Int)
            case flexible(min: Int, natural: Int)
        }

        public var width: Width
        /// Higher is dropped first when the table is too narrow; 0 is never dropped.
        public var dropPriority: Int
        /// Flexible columns grow toward their natural width in this order (lower first).
        public var growOrder: Int

        public init(_ width: Width, dropPriority: Int = 0, growOrder: Int = 0) {
            self.width = width
            self.dropPriority = dropPriority
            self.growOrder = growOrder
        }

        var minimum: Int {
            switch width {
            case let .fixed(w): max(0, w)
            case let .flexible(m, n): max(0, min(m, n))
            }
        }

        var natural: Int {
            switch width {
            case let .fixed(w): max(0, w)
            case let .flexible(_, n): max(0, n)
            }
        }

        var isFlexible: Bool { if case .flexible = width { true } else { false } }
    }

    /// The columns shown, in their order, with the width of each; `gap` cells separate neighbours.
    public static func fit(_ columns: [Column], width: Int?, gap: Int = 1) -> [(index: Int, width: Int)] {
        guard let width else { return columns.indices.map { ($0, columns[$0].natural) } }
        var shown = Array(columns.indices)
        func needed(_ idx: [Int]) -> Int {
            idx.reduce(0) { $0 + columns[$1].minimum } + gap * max(0, idx.count - 1)
        }
        while needed(shown) > width {
            guard let drop = shown.filter({ columns[$0].dropPriority > 0 })
                .max(by: { columns[$0].dropPriority < columns[$1].dropPriority }) else { break }
            shown.removeAll { $0 == drop }
        }
        var widths = Dictionary(uniqueKeysWithValues: shown.map { ($0, columns[$0].minimum) })
        let flexible = shown.filter { columns[$0].isFlexible }
            .sorted { (columns[$0].growOrder, $0) < (columns[$1].growOrder, $1) }
        var spare = width - needed(shown)
        if spare < 0 {
            for i in flexible.reversed() where spare < 0 {
                let cut = min(-spare, max(0, widths[i]! - 1))
                widths[i]! -= cut
                spare += cut
            }
        } else {
            for i in flexible where spare > 0 {
                let grow = min(spare, columns[i].natural - widths[i]!)
                widths[i]! += grow
                spare -= grow
            }
        }
        return shown.map { ($0, widths[$0]!) }
    }
}
