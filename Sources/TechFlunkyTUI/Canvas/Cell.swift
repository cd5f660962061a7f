/// One terminal cell: a grapheme and its style (Ratatui's `Cell`).
///
/// A two-cell grapheme (CJK, emoji) sits in its first cell with `width == 2`; the cell to its right is a
/// continuation (`width == 0`, empty grapheme) that the backend never draws on its own.
public struct Cell: Hashable, Sendable {
    public var grapheme: String
    public var width: UInt8
    public var style: CellStyle

    public init(grapheme: String = " ", width: UInt8 = 1, style: CellStyle = .text) {
        self.grapheme = grapheme
        self.width = width
        self.style = style
    }

    public static let blank = Cell()

    public var isContinuation: Bool { width == 0 }
}
