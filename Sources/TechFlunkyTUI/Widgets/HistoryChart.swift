import Foundation
import TechFlunkyCore
import TechFlunkyText

/// A monthly series drawn as a filled Braille area chart (as btop draws its graphs): two dots across and four
/// down per cell, a value axis on the left with units, and the months along the bottom. `lines()` gives the chart
/// as lines of a paragraph, so the detail pane scrolls it with its text. Below `minimumWidth` it is one line: a
/// block sparkline and the newest value.
public struct HistoryChart: Sendable, Hashable {
    public var title: String
    /// Oldest first, one per month.
    public var values: [Int64]
    /// `YYYY-MM` of the first value.
    public var firstMonth: String
    /// How an axis value or a figure is written (`$12.5K`, `25K`).
    public var format: @Sendable (Int64) -> String
    public var style: CellStyle
    public var width: Int
    /// Rows of dots (each four dots high).
    public var height: Int

    public static let minimumWidth = 36

    public init(title: String, values: [Int64], firstMonth: String, style: CellStyle, width: Int, height: Int,
                format: @escaping @Sendable (Int64) -> String) {
        self.title = title
        self.values = values
        self.firstMonth = firstMonth
        self.format = format
        self.style = style
        self.width = width
        self.height = height
    }

    public static func == (a: HistoryChart, b: HistoryChart) -> Bool {
        a.title == b.title && a.values == b.values && a.firstMonth == b.firstMonth && a.style == b.style && a.width == b.width && a.height == b.height
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(title)
        hasher.combine(values)
        hasher.combine(width)
    }

    /// Axis bounds: zero (or the lowest value when below zero) up to a round figure above the highest.
    public var bounds: (lo: Int64, hi: Int64) {
        let lo = min(0, values.min() ?? 0)
        let hi = max(HistoryChart.niceCeiling(values.max() ?? 0), lo + 1)
        return (lo, hi)
    }

    /// The smallest round figure (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8 × 10ⁿ) at or above `value` (for positive values; 1
    /// otherwise): close enough above the highest value that the plot uses most of its height.
    public static func niceCeiling(_ value: Int64) -> Int64 {
        guard value > 0 else { return 1 }
        var scale: Int64 = 1
        while scale <= Int64.max / 10, scale * 10 <= value { scale *= 10 }
        for step in [1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0] {
            let candidate = Int64((Double(scale) * step).rounded(.up))
            if candidate >= value { return candidate }
        }
        return value
    }

    /// The title line: the newest month, the twelve-month average and the change over twelve months, as many of
    /// them as fit in the chart's width (whole parts only: a figure is never cut).
    public func summaryLine() -> StyledLine {
        var spans = [StyledSpan(TextLayout.truncate(title, to: width), CellStyle(.header, bold: true))]
        var used = DisplayWidth.of(spans[0].text)
        func add(_ span: StyledSpan) {
            let w = DisplayWidth.of(span.text)
            guard used + w <= width else { return }
            spans.append(span)
            used += w
        }
        if let last = values.last { add(StyledSpan("  latest " + format(last), .text)) }
        let year = values.suffix(12)
        if year.count >= 2 {
            let avg = year.reduce(Int64(0), +) / Int64(year.count)
            add(StyledSpan(" · \(year.count)-mo avg " + format(avg), .muted))
        }
        if values.count >= 15 {
            let recent = values.suffix(3).reduce(Int64(0), +)
            let before = values.dropLast(12).suffix(3).reduce(Int64(0), +)
            if before > 0 {
                let change = Double(recent - before) / Double(before) * 100
                add(StyledSpan(" · " + String(format: "%+.0f %% vs a year ago", change), change >= 0 ? .success : .warning))
            }
        }
        return StyledLine(spans)
    }

    public func lines() -> [StyledLine] {
        guard !values.isEmpty else { return [] }
        if width < HistoryChart.minimumWidth || height < 2 { return [compactLine()] }
        let (lo, hi) = bounds
        let labels = [format(hi), format(lo + (hi - lo) / 2), format(lo)]
        let labelWidth = labels.map { DisplayWidth.of($0) }.max() ?? 1
        let plotWidth = max(4, width - labelWidth - 2)
        let dots = HistoryChart.dotHeights(values, lo: lo, hi: hi, columns: plotWidth * 2, rows: height * 4)
        var out = [summaryLine()]
        for row in 0..<height {
            let label: String = row == 0 ? labels[0] : row == height - 1 ? labels[2] : (height >= 5 && row == height / 2 ? labels[1] : "")
            let pad = String(repeating: " ", count: labelWidth - DisplayWidth.of(label))
            var cells = ""
            for cell in 0..<plotWidth {
                var bits: UInt32 = 0
                // A dot row is lit when the column's filled height reaches it (counted from the bottom).
                let rowFromBottom = (height - 1 - row) * 4
                for (column, masks) in [(0, [0x40, 0x04, 0x02, 0x01] as [UInt32]), (1, [0x80, 0x20, 0x10, 0x08])] {
                    let filled = dots[cell * 2 + column] - rowFromBottom
                    for k in 0..<min(4, max(0, filled)) { bits |= masks[k] }
                }
                cells.unicodeScalars.append(Unicode.Scalar(0x2800 + bits)!)
            }
            out.append(StyledLine([StyledSpan(pad + label, .muted), StyledSpan(label.isEmpty ? " │" : " ┤", .border), StyledSpan(cells, style)]))
        }
        out.append(StyledLine([StyledSpan(String(repeating: " ", count: labelWidth) + " └" + String(repeating: "─", count: plotWidth), .border)]))
        out.append(StyledLine(String(repeating: " ", count: labelWidth + 2) + monthAxis(plotWidth: plotWidth), .muted))
        return out
    }

    /// The filled height, in dots, of each dot column: the series interpolated linearly between months.
    static func dotHeights(_ values: [Int64], lo: Int64, hi: Int64, columns: Int, rows: Int) -> [Int] {
        let range = Double(hi - lo)
        return (0..<columns).map { x in
            let t = values.count == 1 ? 0 : Double(x) / Double(max(1, columns - 1)) * Double(values.count - 1)
            let i = min(values.count - 1, Int(t))
            let next = min(values.count - 1, i + 1)
            let v = Double(values[i]) + (Double(values[next]) - Double(values[i])) * (t - Double(i))
            let height = Int(((v - Double(lo)) / range * Double(rows)).rounded())
            return min(rows, max(v > Double(lo) ? 1 : 0, height))
        }
    }

    /// The months under the plot: the first and last as `Dec 23`, each January between as its year.
    func monthAxis(plotWidth: Int) -> String {
        guard let first = ListingHistory.monthIndex(firstMonth) else { return "" }
        var row = Array(repeating: Character(" "), count: plotWidth)
        var taken = Array(repeating: false, count: plotWidth)
        func position(_ i: Int) -> Int {
            values.count == 1 ? 0 : Int((Double(i) / Double(values.count - 1) * Double(plotWidth - 1)).rounded())
        }
        func place(_ text: String, at start: Int) {
            let chars = Array(text)
            // Where it belongs, or up to two cells to the right when a neighbour is in the way.
            for shift in 0...2 {
                let from = max(0, min(start + shift, plotWidth - chars.count))
                let to = from + chars.count
                guard to <= plotWidth, !taken[max(0, from - 1)..<min(plotWidth, to + 1)].contains(true) else { continue }
                for (k, c) in chars.enumerated() { row[from + k] = c; taken[from + k] = true }
                return
            }
        }
        let names = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func short(_ index: Int) -> String { "\(names[index % 12]) \(String(format: "%02d", (index / 12) % 100))" }
        let last = first + values.count - 1
        place(short(first), at: 0)
        place(short(last), at: plotWidth - short(last).count)
        for i in 1..<max(1, values.count - 1) where (first + i) % 12 == 0 {
            place(String((first + i) / 12), at: position(i) - 2)
        }
        return String(row)
    }

    /// The narrow form: title, a sparkline of the newest months that fit, and the newest value.
    public func compactLine() -> StyledLine {
        let latest = values.last.map(format) ?? ""
        let name = TextLayout.fit(title, to: min(10, max(1, width / 3)))
        let room = max(1, width - DisplayWidth.of(name) - DisplayWidth.of(latest) - 2)
        return StyledLine([StyledSpan(name + " ", CellStyle(.header, bold: true)),
                           StyledSpan(Sparkline.text(values, width: min(room, values.count)), style),
                           StyledSpan(" " + latest, .text)])
    }

    /// A count written compactly for an axis: `950`, `12.5K`, `1.2M`.
    public static func compactCount(_ n: Int64) -> String {
        let magnitude = n.magnitude
        let sign = n < 0 ? "-" : ""
        if magnitude < 10_000 { return sign + DisplayFormat.grouped(Int(magnitude)) }
        for (unit, suffix) in [(UInt64(1_000), "K"), (1_000_000, "M"), (1_000_000_000, "B")] {
            let tenths = (magnitude + unit / 20) / (unit / 10)
            if tenths < 1_000 { return sign + (tenths % 10 == 0 ? "\(tenths / 10)" : "\(tenths / 10).\(tenths % 10)") + suffix }
        }
        return sign + DisplayFormat.grouped(Int(magnitude / 1_000_000_000)) + "B"
    }
}

/// The detail pane's history section: revenue (tall), then profit and visitors side by side when there is room.
public enum HistoryCharts {
    public static func lines(_ history: [MonthlyFigures], currency: Currency, width: Int) -> [StyledLine] {
        guard let first = history.first?.month else { return [] }
        let money: @Sendable (Int64) -> String = { Money(minorUnits: $0, currency: currency).formattedCompact }
        let revenue = HistoryChart(title: "Revenue / month", values: history.map(\.revenue), firstMonth: first, style: .accent,
                                   width: width, height: 6, format: money)
        var out = revenue.lines()
        let sideBySide = width >= 2 * HistoryChart.minimumWidth + 4
        let half = sideBySide ? (width - 3) / 2 : width
        let profit = HistoryChart(title: "Profit / month", values: history.map(\.profit), firstMonth: first, style: .success,
                                  width: half, height: 4, format: money)
        let visitors = HistoryChart(title: "Visitors / month", values: history.map { Int64($0.visitors) }, firstMonth: first,
                                    style: CellStyle(.header), width: half, height: 4, format: HistoryChart.compactCount)
        if width >= HistoryChart.minimumWidth { out.append(.blank) }
        if sideBySide {
            out += beside(profit.lines(), visitors.lines(), leftWidth: half, gap: 3)
        } else {
            out += profit.lines()
            if width >= HistoryChart.minimumWidth { out.append(.blank) }
            out += visitors.lines()
        }
        return out
    }

    /// Two columns of lines as one: the left padded (or cut) to `leftWidth`.
    static func beside(_ left: [StyledLine], _ right: [StyledLine], leftWidth: Int, gap: Int) -> [StyledLine] {
        (0..<max(left.count, right.count)).map { i in
            var spans: [StyledSpan] = []
            var used = 0
            if i < left.count {
                for span in left[i].spans {
                    let room = leftWidth - used
                    guard room > 0 else { break }
                    let text = TextLayout.truncate(span.text, to: room)
                    used += DisplayWidth.of(text)
                    spans.append(StyledSpan(text, span.style))
                }
            }
            spans.append(StyledSpan(String(repeating: " ", count: max(0, leftWidth - used) + gap)))
            if i < right.count { spans += right[i].spans }
            return StyledLine(spans)
        }
    }
}
