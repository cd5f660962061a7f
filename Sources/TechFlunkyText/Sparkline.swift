/// A series as one line of block characters (`▁▂▃▅▆▇█`), lowest value to highest: the browse table's trend
/// column, the compare view and the scripting commands' tables draw the same shape.
public enum Sparkline {
    public static let blocks: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]

    /// One block per value, scaled between the series' own minimum and maximum (a flat series is drawn at mid
    /// height). Padded on the left with spaces to `width` when it has fewer values; the newest `width` values
    /// when it has more.
    public static func text(_ values: [Int64], width: Int? = nil) -> String {
        let shown = width.map { Array(values.suffix(max(0, $0))) } ?? values
        guard let lo = shown.min(), let hi = shown.max() else { return String(repeating: " ", count: max(0, width ?? 0)) }
        var out = ""
        for v in shown {
            if hi == lo {
                out.append(blocks[3])
            } else {
                let level = Int((Double(v - lo) / Double(hi - lo) * Double(blocks.count - 1)).rounded())
                out.append(blocks[min(blocks.count - 1, max(0, level))])
            }
        }
        if let width, shown.count < width { out = String(repeating: " ", count: width - shown.count) + out }
        return out
    }
}
