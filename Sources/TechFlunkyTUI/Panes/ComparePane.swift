import Foundation
import TechFlunkyCore
import TechFlunkyText

/// Two to four listings side by side (marked with `m` in Browse): price and multiple, revenue, profit, margin,
/// growth over twelve months with a sparkline, age, visitors, what each package deploys, and the seller. The best
/// figure of a row is highlighted. The columns share the width; when they do not all fit (80 columns fit three),
/// ←/→ move the focus and the view follows it. Each listing's details are fetched when the pane opens.
public struct ComparePane: Pane {
    public enum Action: Sendable, Hashable { case left, right, up, down, open, reload }

    public let kind = PaneKind.compare
    public let summaries: [ListingSummary]
    /// Details by slug, as they arrive.
    public private(set) var details: [String: Listing] = [:]
    public private(set) var failures: [String: String] = [:]
    /// The focused listing (its column is highlighted; Enter opens it).
    public private(set) var focus = 0
    /// The first row shown (the rows scroll on a short terminal).
    public private(set) var rowOffset = 0
    var requests: [RequestID: String] = [:]
    var visibleRows = 20

    public static let labelWidth = 15
    public static let minimumColumnWidth = 18
    public static let maximumColumnWidth = 34

    public init(summaries: [ListingSummary]) {
        self.summaries = Array(summaries.prefix(ListingComparison.maxListings))
    }

    public var title: String { "Compare \(summaries.count)" }
    public var isAnimating: Bool { !requests.isEmpty }

    public func keyMap() -> [KeyBinding<Action>] {
        [
            KeyBinding([.left, .char("h")], "previous listing", .left),
            KeyBinding([.right, .char("l")], "next listing", .right),
            KeyBinding([.up, .char("k")], "up", .up, footer: false),
            KeyBinding([.down, .char("j")], "down", .down, footer: false),
            KeyBinding([.enter], "open listing", .open),
            KeyBinding([.char("r")], "reload", .reload, footer: !failures.isEmpty),
        ]
    }

    public mutating func start(_ ctx: inout PaneContext) -> [PaneCommand] { load(&ctx) }

    mutating func load(_ ctx: inout PaneContext) -> [PaneCommand] {
        failures = [:]
        var commands: [PaneCommand] = []
        for s in summaries where details[s.slug] == nil {
            let id = ctx.newRequestID()
            requests[id] = s.slug
            commands.append(.request(id, .listing(slug: s.slug)))
        }
        return commands
    }

    public mutating func perform(_ action: Action, _ ctx: inout PaneContext) -> [PaneCommand] {
        visibleRows = max(1, ctx.area.height - 3)
        let count = rows().count
        switch action {
        case .left: focus = max(0, focus - 1)
        case .right: focus = min(summaries.count - 1, focus + 1)
        case .up: rowOffset = max(0, rowOffset - 1)
        case .down: rowOffset = min(max(0, count - visibleRows), rowOffset + 1)
        case .open:
            let s = summaries[focus]
            return [.push(ListingDetailPane(summary: s, listing: details[s.slug]))]
        case .reload: return load(&ctx)
        }
        return []
    }

    public mutating func receive(_ message: Message, _ ctx: inout PaneContext) -> [PaneCommand] {
        guard case let .response(id, result) = message, let slug = requests.removeValue(forKey: id) else { return [] }
        switch result {
        case let .success(.listing(listing)): details[slug] = listing
        case let .failure(f): failures[slug] = f.message
        case .success: failures[slug] = "unexpected answer from the platform"
        }
        return []
    }

    // MARK: Content

    /// One row of the grid: a label and a cell per listing, and which cell (if any) is the best.
    public struct Row: Sendable, Hashable {
        public var label: String
        public var cells: [String]
        public var best: Int?
        public var isSection = false
        public var cellStyle: CellStyle = .text
    }

    /// The grid's rows, from the summaries and, once they arrive, the details (package contents, history).
    public func rows() -> [Row] {
        let compared: [ComparedListing?] = summaries.map { details[$0.slug].map(ComparedListing.init) }
        func cell(_ i: Int, _ text: (ComparedListing) -> String) -> String {
            if let c = compared[i] { return text(c) }
            return failures[summaries[i].slug] != nil ? "could not load" : "loading…"
        }
        func summaryRow(_ label: String, _ text: (ListingSummary) -> String, value: ((ListingSummary) -> Double?)? = nil, higherIsBetter: Bool = true) -> Row {
            Row(label: label, cells: summaries.map(text),
                best: value.flatMap { v in ComparedListing.best(summaries.map(v), higherIsBetter: higherIsBetter) })
        }
        func detailRow(_ label: String, _ text: @escaping (ComparedListing) -> String, value: ((ComparedListing) -> Double?)? = nil,
                       higherIsBetter: Bool = true, style: CellStyle = .text) -> Row {
            Row(label: label, cells: summaries.indices.map { cell($0, text) },
                best: value.flatMap { v in ComparedListing.best(compared.map { $0.flatMap(v) }, higherIsBetter: higherIsBetter) }, cellStyle: style)
        }
        func percent(_ p: Double?) -> String { p.map { String(format: "%.0f %%", $0) } ?? "–" }
        func names(_ list: [String]) -> String { list.isEmpty ? "none" : "\(list.count): " + list.joined(separator: ", ") }
        return [
            Row(label: "Price & returns", cells: [], isSection: true),
            summaryRow("Asking price", { $0.askingPrice.formattedWhole }, value: { Double($0.askingPrice.minorUnits) }, higherIsBetter: false),
            summaryRow("Multiple", { DisplayFormat.multiple($0.multiple) }, value: { $0.multiple }, higherIsBetter: false),
            summaryRow("Revenue / mo", { $0.monthlyRevenue.formattedWhole }, value: { Double($0.monthlyRevenue.minorUnits) }),
            summaryRow("Profit / mo", { $0.monthlyProfit.formattedWhole }, value: { Double($0.monthlyProfit.minorUnits) }),
            detailRow("Margin", { percent($0.marginPercent) }, value: { $0.marginPercent }),
            detailRow("Growth 12 mo", { $0.revenueGrowth12MonthsPercent.map { String(format: "%+.0f %%", $0) } ?? "–" },
                      value: { $0.revenueGrowth12MonthsPercent }),
            detailRow("Revenue 12 mo", { $0.revenueSparkline.map { Sparkline.text($0, width: 12) } ?? "–" }, style: .accent),
            Row(label: "Business", cells: [], isSection: true),
            summaryRow("Age", { DisplayFormat.age(months: $0.ageMonths) }, value: { Double($0.ageMonths) }),
            summaryRow("Visitors / mo", { DisplayFormat.grouped($0.monthlyVisitors) }, value: { Double($0.monthlyVisitors) }),
            summaryRow("Category", { $0.category }),
            summaryRow("Seller", { $0.seller.displayName }),
            Row(label: "Package", cells: [], isSection: true),
            detailRow("Workers", { names($0.contents.workers) }),
            detailRow("D1 databases", { names($0.contents.d1Databases) }),
            detailRow("R2 buckets", { names($0.contents.r2Buckets) }),
            detailRow("DNS records", { $0.contents.dnsRecords.isEmpty ? "none" : "\($0.contents.dnsRecords.count): " + $0.contents.dnsRecords.joined(separator: ", ") }),
        ]
    }

    /// Which listings are shown and how wide each column is, for `width` cells: as many as fit at their minimum, the
    /// focused one always among them.
    public func layout(width: Int) -> (first: Int, count: Int, columnWidth: Int) {
        let room = max(0, width - ComparePane.labelWidth - 1)
        let fit = max(1, min(summaries.count, room / (ComparePane.minimumColumnWidth + 2)))
        let columnWidth = min(ComparePane.maximumColumnWidth, max(8, room / fit - 2))
        let first = min(max(0, focus - fit + 1), max(0, summaries.count - fit))
        return (first, fit, columnWidth)
    }

    public func render(into canvas: inout Canvas, area: Rect, _ ctx: RenderContext) {
        guard area.height >= 3, area.width >= 20 else { return }
        let (first, count, columnWidth) = layout(width: area.width)
        let shown = first..<(first + count)
        func x(_ column: Int) -> Int { area.x + 1 + ComparePane.labelWidth + (column - first) * (columnWidth + 2) }
        // Header: the titles, the focused one highlighted, and where the hidden ones are.
        var y = area.y
        for i in shown {
            let style = i == focus ? CellStyle(.selection, bold: true) : CellStyle(.accent, bold: true)
            canvas.writeFitted(TextSanitizer.line(summaries[i].title), x: x(i), y: y, width: columnWidth, style: style)
            canvas.writeFitted(TextSanitizer.line(summaries[i].slug), x: x(i), y: y + 1, width: columnWidth, style: .muted)
        }
        let hiddenLeft = first, hiddenRight = summaries.count - first - count
        if hiddenLeft > 0 { canvas.write("← \(hiddenLeft) more", x: area.x + 1, y: y, maxWidth: ComparePane.labelWidth - 1, style: .muted) }
        if hiddenRight > 0 {
            canvas.write("\(hiddenRight) more →", x: area.x + 1, y: y + 1, maxWidth: ComparePane.labelWidth - 1, style: .muted)
        }
        y += 2
        let all = rows()
        let visible = max(0, area.maxY - y)
        let offset = min(rowOffset, max(0, all.count - visible))
        for row in all.dropFirst(offset).prefix(visible) {
            if row.isSection {
                canvas.write(row.label, x: area.x + 1, y: y, maxWidth: area.width - 2, style: CellStyle(.header, bold: true))
            } else {
                canvas.writeFitted(row.label, x: area.x + 1, y: y, width: ComparePane.labelWidth - 1, style: .muted)
                for i in shown where i < row.cells.count {
                    let loading = details[summaries[i].slug] == nil && (row.cells[i] == "loading…" || row.cells[i] == "could not load")
                    let style: CellStyle = loading ? (row.cells[i] == "could not load" ? .error : .muted)
                        : row.best == i ? CellStyle(.success, bold: true) : row.cellStyle
                    canvas.writeFitted(TextSanitizer.line(row.cells[i]), x: x(i), y: y, width: columnWidth, style: style)
                }
            }
            y += 1
        }
    }
}
