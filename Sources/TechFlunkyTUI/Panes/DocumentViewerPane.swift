import Foundation
import TechFlunkyCore
import TechFlunkyText

/// A listing's business assets (market research, business plan, handover notes) for due diligence: Markdown drawn
/// simply, plain text and PDFs (as text) wrapped, scrolled like a pager. Before purchase it shows the first part
/// the seller chose and says how much that is; for the buyer (and the seller) the whole. Tab moves to the next
/// asset.
public struct DocumentViewerPane: Pane {
    public enum Action: Sendable, Hashable { case up, down, pageUp, pageDown, top, bottom, nextDocument, previousDocument, reload }

    public let kind = PaneKind.documentViewer
    public let slug: String
    public let listingTitle: String
    /// The asset kinds, in the listing's order.
    public let kinds: [String]
    public private(set) var index: Int
    public private(set) var document: BusinessDocument?
    public private(set) var failure: String?
    public private(set) var scroll = ScrollState()
    var request: RequestID?
    var pageHeight = 10

    public init(listing: Listing, kind: String? = nil) {
        slug = listing.summary.slug
        listingTitle = listing.summary.title
        kinds = listing.assets.map(\.kind)
        index = kind.flatMap { listing.assets.map(\.kind).firstIndex(of: $0) } ?? 0
    }

    public var title: String { ListingDetailPane.assetName(kinds.isEmpty ? "documents" : kinds[index]) }
    public var isAnimating: Bool { request != nil }

    public func keyMap() -> [KeyBinding<Action>] {
        [
            KeyBinding([.up, .char("k")], "up", .up, footer: false),
            KeyBinding([.down, .char("j")], "down", .down, footer: false),
            KeyBinding([.pageUp, .ctrl("b")], "page up", .pageUp, footer: false),
            KeyBinding([.pageDown, .ctrl("f"), .char(" ")], "page down", .pageDown),
            KeyBinding([.home, .char("g")], "top", .top, footer: false),
            KeyBinding([.end, .char("G")], "end", .bottom, footer: false),
            KeyBinding([.tab], "next document", .nextDocument, footer: kinds.count > 1, disabled: kinds.count > 1 ? nil : "this listing has one document"),
            KeyBinding([.backTab], "previous document", .previousDocument, footer: false,
                       disabled: kinds.count > 1 ? nil : "this listing has one document"),
            KeyBinding([.char("r")], "reload", .reload, footer: failure != nil),
        ]
    }

    public mutating func start(_ ctx: inout PaneContext) -> [PaneCommand] { load(&ctx) }

    mutating func load(_ ctx: inout PaneContext) -> [PaneCommand] {
        guard !kinds.isEmpty else { failure = "this listing has no business assets"; return [] }
        let id = ctx.newRequestID()
        request = id
        failure = nil
        document = nil
        scroll = ScrollState()
        return [.request(id, .businessDocument(slug: slug, kind: kinds[index]))]
    }

    static func contentWidth(_ area: Rect) -> Int { max(10, min(100, area.width - 4)) }

    public mutating func perform(_ action: Action, _ ctx: inout PaneContext) -> [PaneCommand] {
        pageHeight = max(1, ctx.area.height)
        let count = lines(width: Self.contentWidth(ctx.area)).count
        switch action {
        case .up: scroll.scroll(by: -1, lineCount: count, visible: pageHeight)
        case .down: scroll.scroll(by: 1, lineCount: count, visible: pageHeight)
        case .pageUp: scroll.scroll(by: -pageHeight, lineCount: count, visible: pageHeight)
        case .pageDown: scroll.scroll(by: pageHeight, lineCount: count, visible: pageHeight)
        case .top: scroll.offset = 0
        case .bottom: scroll.scroll(by: count, lineCount: count, visible: pageHeight)
        case .nextDocument:
            index = (index + 1) % kinds.count
            return load(&ctx)
        case .previousDocument:
            index = (index + kinds.count - 1) % kinds.count
            return load(&ctx)
        case .reload: return load(&ctx)
        }
        return []
    }

    public mutating func receive(_ message: Message, _ ctx: inout PaneContext) -> [PaneCommand] {
        switch message {
        case let .response(id, result) where id == request:
            request = nil
            switch result {
            case let .success(.businessDocument(d)): document = d
            case let .failure(f): failure = f.message
            case .success: failure = "unexpected answer from the platform"
            }
        case let .mouse(event):
            let count = lines(width: Self.contentWidth(ctx.area)).count
            if case .wheelUp = event { scroll.scroll(by: -3, lineCount: count, visible: ctx.area.height) }
            if case .wheelDown = event { scroll.scroll(by: 3, lineCount: count, visible: ctx.area.height) }
        default: break
        }
        return []
    }

    /// The banner (which document, how much of it) and the document's lines.
    public func lines(width: Int) -> [StyledLine] {
        var out: [StyledLine] = []
        let name = kinds.isEmpty ? "Documents" : ListingDetailPane.assetName(kinds[index])
        let position = kinds.count > 1 ? "  (\(index + 1) of \(kinds.count), Tab for the next)" : ""
        out.append(StyledLine([StyledSpan(name, CellStyle(.accent, bold: true)), StyledSpan(position, .muted)]))
        out += StyledLine.wrapped(listingTitle, width: width, style: .muted)
        guard let document else {
            if let failure {
                out.append(.blank)
                out += StyledLine.wrapped("Could not open the document: \(failure)", width: width, style: .error)
                out.append(StyledLine("Press r to retry.", .muted))
            } else {
                out.append(StyledLine("Loading…", .muted))
            }
            return out
        }
        let file = TextSanitizer.line(document.fileName) + (document.format == .pdf ? " (PDF, as text)" : "")
        if document.complete {
            out += StyledLine.wrapped("\(file) · the whole document, \(document.totalLines) lines", width: width, style: .muted)
        } else {
            out += StyledLine.wrapped("\(file) · preview: the first \(document.shownLines) of \(document.totalLines) lines "
                                      + "(\(document.previewPercent) %, as the seller chose). Buy the business to read the rest.",
                                      width: width, style: CellStyle(.warning))
        }
        out.append(StyledLine(String(repeating: "─", count: width), .border))
        switch document.format {
        case .markdown: out += MarkdownText.lines(document.text, width: width)
        case .text, .pdf:
            for line in TextSanitizer.multiline(document.text).split(separator: "\n", omittingEmptySubsequences: false) {
                out += line.isEmpty ? [.blank] : StyledLine.wrapped(String(line), width: width)
            }
        }
        if !document.complete {
            out.append(.blank)
            out.append(StyledLine("… \(document.totalLines - document.shownLines) more lines after purchase", CellStyle(.warning, bold: true)))
        }
        return out
    }

    public func render(into canvas: inout Canvas, area: Rect, _ ctx: RenderContext) {
        let width = Self.contentWidth(area)
        let all = lines(width: width)
        let body = Rect(x: area.x + 2, y: area.y, width: min(area.width - 2, width + 1), height: area.height)
        var state = scroll
        state.offset = min(state.offset, max(0, all.count - area.height))
        ParagraphWidget(lines: all, scroll: state).render(into: &canvas, area: body)
        if request != nil, area.width > 4 {
            SpinnerWidget(tick: ctx.frame).render(into: &canvas, area: Rect(x: area.maxX - 2, y: area.y, width: 1, height: 1))
        }
    }
}
