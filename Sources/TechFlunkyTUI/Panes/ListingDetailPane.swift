import Foundation
import TechFlunkyClient
import TechFlunkyCore
import TechFlunkyText

/// One listing: price and metrics, the wrapped description, what's included (a tree from the package
/// manifest), business assets, the seller, and the price breakdown (platform fee, what the seller receives,
/// the review hold), and the questions buyers asked that the seller answered in public. `b` opens checkout, `o` makes
/// an offer below the asking price (typed in dollars, `40k`), `a` asks the seller a question.
public struct ListingDetailPane: Pane {
    public enum Action: Sendable, Hashable { case up, down, pageUp, pageDown, top, buy, reload, documents, offer, ask, submitPrompt, cancelPrompt, toggleWatch }

    /// An offer or a question being typed at the bottom of the pane; `problem` says why the last try was refused.
    public struct Prompt: Sendable, Hashable {
        public enum Kind: Sendable, Hashable { case offer, question }
        public var kind: Kind
        public var input: TextInput
        public var problem: String?
    }

    public let kind = PaneKind.listingDetail
    public let summary: ListingSummary
    public private(set) var listing: Listing?
    public private(set) var failure: String?
    public private(set) var scroll = ScrollState()
    var request: RequestID?
    var pageHeight = 10
    var contentWidth = 80
    let feePolicy: FeePolicy
    /// The signed-in buyer already bought this business (known from their orders).
    public let owned: Bool
    /// The questions the caller may see (public ones, their own; all of them on their own listing).
    public private(set) var questions: [Question]?
    public private(set) var prompt: Prompt?
    var questionsRequest: RequestID?
    var promptRequest: RequestID?
    var promptDone = ""
    /// On the account's watchlist (kept in step with the app's watched set).
    public private(set) var watched = false
    var watchRequest: RequestID?

    public init(summary: ListingSummary, listing: Listing? = nil, feePolicy: FeePolicy = .standard, owned: Bool = false) {
        self.summary = summary
        self.listing = listing
        self.feePolicy = feePolicy
        self.owned = owned
    }

    public var title: String { summary.title }
    public var isAnimating: Bool { listing == nil && failure == nil }
    public var capturesText: Bool { prompt != nil }
    public var quitWarning: String? {
        guard let prompt, !prompt.input.text.isEmpty else { return nil }
        return prompt.kind == .offer ? "Quit with an offer typed but not sent?" : "Quit with a question typed but not sent?"
    }

    public func keyMap() -> [KeyBinding<Action>] {
        if let prompt {
            return [KeyBinding([.enter], prompt.kind == .offer ? "send offer" : "send question", .submitPrompt),
                    KeyBinding([.escape], "cancel", .cancelPrompt)]
        }
        let buyDisabled: String? = if owned {
            "you already own this business: deploy it from Orders (2)"
        } else if listing == nil {
            "the listing is still loading"
        } else if let l = listing, l.status != .active {
            "this listing is \(l.status.rawValue)"
        } else { nil }
        return [
            KeyBinding([.up, .char("k")], "up", .up, footer: false),
            KeyBinding([.down, .char("j")], "down", .down, footer: false),
            KeyBinding([.pageUp, .ctrl("b")], "page up", .pageUp, footer: false),
            KeyBinding([.pageDown, .ctrl("f"), .char(" ")], "page down", .pageDown, footer: false),
            KeyBinding([.home, .char("g")], "top", .top, footer: false),
            KeyBinding([.char("b")], "buy", .buy, disabled: buyDisabled),
            KeyBinding([.char("o")], "make offer", .offer, disabled: buyDisabled),
            KeyBinding([.char("a")], "ask seller", .ask, disabled: listing == nil ? "the listing is still loading" : nil),
            KeyBinding([.char("w")], watched ? "unwatch" : "watch", .toggleWatch, disabled: watchRequest == nil ? nil : "a moment…"),
            KeyBinding([.char("r")], "reload", .reload, footer: failure != nil),
            KeyBinding([.char("v")], "view documents", .documents, footer: !(listing?.assets.isEmpty ?? true),
                       disabled: listing == nil ? "the listing is still loading" : listing!.assets.isEmpty ? "this listing has no business assets" : nil),
        ]
    }

    public mutating func start(_ ctx: inout PaneContext) -> [PaneCommand] {
        guard listing == nil else { return [] }
        return load(&ctx)
    }

    mutating func load(_ ctx: inout PaneContext) -> [PaneCommand] {
        let id = ctx.newRequestID()
        request = id
        failure = nil
        return [.request(id, .listing(slug: summary.slug))] + loadQuestions(&ctx)
    }

    mutating func loadQuestions(_ ctx: inout PaneContext) -> [PaneCommand] {
        let id = ctx.newRequestID()
        questionsRequest = id
        return [.request(id, .listingQuestions(slug: summary.slug))]
    }

    public mutating func perform(_ action: Action, _ ctx: inout PaneContext) -> [PaneCommand] {
        pageHeight = max(1, ctx.area.height)
        contentWidth = ListingDetailPane.contentWidth(ctx.area)
        let count = lines(width: contentWidth).count
        switch action {
        case .up: scroll.scroll(by: -1, lineCount: count, visible: pageHeight)
        case .down: scroll.scroll(by: 1, lineCount: count, visible: pageHeight)
        case .pageUp: scroll.scroll(by: -pageHeight, lineCount: count, visible: pageHeight)
        case .pageDown: scroll.scroll(by: pageHeight, lineCount: count, visible: pageHeight)
        case .top: scroll.offset = 0
        case .buy:
            guard let listing else { return [] }
            return [.push(PaneFactory.checkout(for: listing))]
        case .reload: return load(&ctx)
        case .toggleWatch:
            let id = ctx.newRequestID()
            watchRequest = id
            return [.request(id, watched ? .unwatch(slug: summary.slug) : .watch(slug: summary.slug))]
        case .documents:
            guard let listing else { return [] }
            return [.push(DocumentViewerPane(listing: listing))]
        case .offer:
            prompt = Prompt(kind: .offer, input: TextInput(placeholder: "e.g. 40k", maxLength: 20))
        case .ask:
            prompt = Prompt(kind: .question, input: TextInput(maxLength: DealRules.maxQuestionLength))
        case .cancelPrompt:
            prompt = nil
        case .submitPrompt:
            return submit(&ctx)
        }
        return []
    }

    /// Checks what was typed as the platform would, then sends it; a refusal keeps the text with the reason.
    mutating func submit(_ ctx: inout PaneContext) -> [PaneCommand] {
        guard var current = prompt, promptRequest == nil else { return [] }
        let request: ServiceRequest
        switch current.kind {
        case .offer:
            let asking = (listing?.summary ?? summary).askingPrice
            guard let minor = Money.parseMajorUnits(current.input.text) else {
                current.problem = "Type an amount in dollars, like 40k or 39,500."
                prompt = current
                return []
            }
            let amount = Money(minorUnits: minor, currency: asking.currency)
            if let refusal = DealRules.checkAmount(amount, askingPrice: asking) {
                current.problem = refusal.message
                prompt = current
                return []
            }
            request = .makeOffer(MakeOfferRequest(listingSlug: summary.slug, amount: amount))
            promptDone = "Offer of \(amount.formatted) sent: the seller has 7 days to answer. Follow it in the Inbox (4)."
        case .question:
            if let refusal = DealRules.checkText(current.input.text, field: "text", max: DealRules.maxQuestionLength, what: "the question") {
                current.problem = refusal.message
                prompt = current
                return []
            }
            request = .askQuestion(slug: summary.slug, text: current.input.text)
            promptDone = "Question sent to the seller; the answer shows here and in the Inbox (4)."
        }
        let id = ctx.newRequestID()
        promptRequest = id
        return [.request(id, request)]
    }

    public mutating func handleText(_ key: Key, _ ctx: inout PaneContext) -> [PaneCommand]? {
        guard var current = prompt else { return nil }
        if current.input.handle(key) {
            current.problem = nil
            prompt = current
        }
        return []
    }

    public mutating func receive(_ message: Message, _ ctx: inout PaneContext) -> [PaneCommand] {
        watched = ctx.watchedSlugs.contains(summary.slug)
        switch message {
        case let .response(id, result) where id == watchRequest:
            watchRequest = nil
            switch result {
            case .success(.watched): return [.status(.info("Watching: price drops and status changes come to your notifications (N)"))]
            case .success(.unwatched): return [.status(.info("No longer watching this listing"))]
            case let .failure(f): return [.status(.error("Could not change the watchlist: \(f.message)"))]
            case .success: return []
            }
        case let .response(id, result) where id == request:
            request = nil
            switch result {
            case let .success(.listing(l)): listing = l
            case let .failure(f): failure = f.message
            case .success: failure = "unexpected answer from the platform"
            }
        case let .response(id, result) where id == questionsRequest:
            questionsRequest = nil
            // Q&A is extra: without it the listing still shows (an older platform has no questions).
            if case let .success(.questions(fresh)) = result { questions = fresh }
        case let .response(id, result) where id == promptRequest:
            promptRequest = nil
            switch result {
            case .success:
                prompt = nil
                return [.status(.info(promptDone))] + loadQuestions(&ctx)
            case let .failure(f):
                if var current = prompt {
                    current.problem = f.message
                    prompt = current
                }
            }
        case let .mouse(event):
            let count = lines(width: ListingDetailPane.contentWidth(ctx.area)).count
            if case .wheelUp = event { scroll.scroll(by: -3, lineCount: count, visible: ctx.area.height) }
            if case .wheelDown = event { scroll.scroll(by: 3, lineCount: count, visible: ctx.area.height) }
        default: break
        }
        return []
    }

    static func contentWidth(_ area: Rect) -> Int { max(10, min(100, area.width - 4)) }

    // MARK: Content

    /// Everything the pane shows, as lines wrapped to `width` (rendering then shows a scrolled slice).
    public func lines(width: Int) -> [StyledLine] {
        var out: [StyledLine] = []
        let s = listing?.summary ?? summary
        out += StyledLine.wrapped(s.title, width: width, style: CellStyle(.accent, bold: true))
        if !s.tagline.isEmpty { out += StyledLine.wrapped(s.tagline, width: width, style: .muted) }
        if owned { out += StyledLine.wrapped("✓ You own this business: deploy it from Orders (2).", width: width, style: CellStyle(.success, bold: true)) }
        switch listing?.saleState {
        case .sold?: out += StyledLine.wrapped("Sold: this business is no longer for sale.", width: width, style: CellStyle(.warning, bold: true))
        case .reserved?:
            let until = listing?.reservedUntil.map { " until \(DisplayFormat.day($0)) \(DisplayFormat.minute($0, in: DisplayFormat.utc)) UTC" } ?? ""
            out += StyledLine.wrapped("Reserved: a buyer's checkout holds it\(until); it is back on sale then if unpaid.", width: width,
                                      style: CellStyle(.warning, bold: true))
        default: break
        }
        if watched { out += StyledLine.wrapped("★ On your watchlist (w stops watching)", width: width, style: .accent) }
        out.append(.blank)
        func metric(_ name: String, _ value: String, _ style: CellStyle = .text) -> StyledLine {
            StyledLine([StyledSpan(TextLayout.fit(name, to: 18), .muted), StyledSpan(value, style)])
        }
        out.append(metric("Asking price", s.askingPrice.formatted, CellStyle(.accent, bold: true)))
        out.append(metric("Revenue / month", s.monthlyRevenue.formatted))
        out.append(metric("Profit / month", s.monthlyProfit.formatted, s.monthlyProfit.minorUnits > 0 ? .success : .text))
        out.append(metric("Multiple", DisplayFormat.multiple(s.multiple) + " annual profit"))
        out.append(metric("Age", DisplayFormat.age(months: s.ageMonths)))
        out.append(metric("Visitors / month", DisplayFormat.grouped(s.monthlyVisitors)))
        out.append(metric("Category", TextSanitizer.line(s.category)))
        if !s.techStack.isEmpty { out.append(metric("Tech", TextSanitizer.line(s.techStack.joined(separator: ", ")))) }
        out.append(.blank)
        if let history = listing?.history, !history.isEmpty {
            out.append(StyledLine("History · \(history.count) month\(history.count == 1 ? "" : "s")", CellStyle(.header, bold: true)))
            out += HistoryCharts.lines(history, currency: s.monthlyRevenue.currency, width: width)
            out.append(.blank)
        }

        out.append(StyledLine("Price breakdown", CellStyle(.header, bold: true)))
        if let split = try? feePolicy.split(s.askingPrice) {
            out.append(metric("You pay", split.amount.formatted, CellStyle(.text, bold: true)))
            out.append(metric("Platform fee \(feePolicy.platformFeePercent) %", split.platformFee.formatted, .muted))
            out.append(metric("Seller receives", split.sellerShare.formatted))
            out += StyledLine.wrapped("The seller's share is held for a \(feePolicy.holdDays)-day review after payment, then released.",
                                      width: width, style: .muted)
        }
        out.append(.blank)

        guard let listing else {
            if let failure {
                out += StyledLine.wrapped("Could not load the listing: \(failure)", width: width, style: .error)
                out.append(StyledLine("Press r to retry.", .muted))
            } else {
                out.append(StyledLine("Loading details…", .muted))
            }
            return out
        }
        out.append(StyledLine("About", CellStyle(.header, bold: true)))
        out += StyledLine.wrapped(listing.description, width: width)
        out.append(.blank)
        out.append(StyledLine("What's included", CellStyle(.header, bold: true)))
        out += TreeWidget(roots: ListingDetailPane.includedTree(listing.package)).lines(width: width)
        out.append(.blank)
        if !listing.assets.isEmpty {
            out.append(StyledLine([StyledSpan("Business assets", CellStyle(.header, bold: true)),
                                   StyledSpan(owned ? "  v to read them" : "  v to read a preview", .muted)]))
            for asset in listing.assets {
                out.append(StyledLine([StyledSpan("• " + TextSanitizer.line(ListingDetailPane.assetName(asset.kind)), .text),
                                       StyledSpan("  " + DisplayFormat.bytes(asset.bytes), .muted)]))
            }
            out.append(.blank)
        }
        out.append(StyledLine("Seller", CellStyle(.header, bold: true)))
        var seller = TextSanitizer.line(s.seller.displayName)
        if let since = s.seller.memberSince { seller += " · member since \(ListingDetailPane.yearMonth(since))" }
        if let count = s.seller.listingsCount { seller += " · \(count) listing\(count == 1 ? "" : "s")" }
        out += StyledLine.wrapped(seller, width: width)
        if let questions {
            out.append(.blank)
            out.append(StyledLine("Questions & answers (\(questions.count))", CellStyle(.header, bold: true)))
            if questions.isEmpty { out.append(StyledLine("No public answers yet. Press a to ask the seller.", .muted)) }
            for q in questions {
                var tags: [String] = []
                if q.askedByYou { tags.append("you asked") }
                if q.answer != nil, !q.published { tags.append("not public") }
                out += StyledLine.wrapped("Q: " + q.text + (tags.isEmpty ? "" : "  (" + tags.joined(separator: ", ") + ")"), width: width,
                                          style: CellStyle(.text, bold: true))
                if let answer = q.answer {
                    out += StyledLine.wrapped("A: " + answer, width: width, indent: 0)
                } else {
                    out.append(StyledLine("   awaiting the seller's answer", .muted))
                }
            }
        }
        return out
    }

    /// The package as a tree: workers with their bindings, D1 databases with migration counts, R2 buckets,
    /// DNS records.
    public static func includedTree(_ m: PackageManifest) -> [TreeNode] {
        let cf = m.cloudflare
        var roots: [TreeNode] = []
        roots.append(TreeNode("Workers (\(cf.workers.count))", style: CellStyle(.accent), children: cf.workers.map { w in
            TreeNode(w.name, children: w.bindings.map { b in
                let target: String = switch b.type {
                case .d1: "D1 " + (b.database ?? "?")
                case .r2Bucket: "R2 " + (b.bucket ?? "?")
                case .plainText: "text"
                case .secretText: "secret"
                }
                return TreeNode("\(b.name) → \(target)", style: .muted)
            })
        }))
        roots.append(TreeNode("D1 databases (\(cf.d1Databases.count))", style: CellStyle(.accent), children: cf.d1Databases.map {
            TreeNode("\($0.name) · \($0.migrations.count) migration\($0.migrations.count == 1 ? "" : "s")")
        }))
        roots.append(TreeNode("R2 buckets (\(cf.r2Buckets.count))", style: CellStyle(.accent), children: cf.r2Buckets.map {
            TreeNode($0.name + ($0.cors == nil ? "" : " · CORS"))
        }))
        roots.append(TreeNode("DNS records (\(cf.dnsRecords.count))", style: CellStyle(.accent), children: cf.dnsRecords.map {
            TreeNode("\($0.type) \($0.name) → \($0.content)")
        }))
        return roots
    }

    static func assetName(_ kind: String) -> String {
        // `marketResearch` → `Market research`
        var out = ""
        for c in kind {
            if c.isUppercase, !out.isEmpty { out += " " + c.lowercased() } else { out.append(c) }
        }
        return out.prefix(1).uppercased() + out.dropFirst()
    }

    static func yearMonth(_ date: Date) -> String {
        let c = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC")!, from: date)
        return String(format: "%04d-%02d", c.year ?? 0, c.month ?? 0)
    }

    public func render(into canvas: inout Canvas, area: Rect, _ ctx: RenderContext) {
        var area = area
        if let prompt, area.height > 3, area.width > 10 {
            area.height -= 2
            let row = Rect(x: area.x + 2, y: area.maxY, width: area.width - 3, height: 2)
            canvas.writeFitted(prompt.problem ?? "Enter sends · Esc cancels", x: row.x, y: row.y, width: row.width,
                               style: prompt.problem == nil ? .muted : .error)
            let asking = (listing?.summary ?? summary).askingPrice
            let label = prompt.kind == .offer ? (row.width >= 60 ? "Your offer (asking \(asking.formatted), open 7 days): $" : "Your offer: $")
                                              : "Ask the seller: "
            let used = canvas.write(label, x: row.x, y: row.y + 1, maxWidth: row.width, style: CellStyle(.accent, bold: true))
            TextFieldWidget(prompt.input, focused: true).render(into: &canvas, area: Rect(x: row.x + used, y: row.y + 1,
                                                                                          width: max(1, row.width - used), height: 1))
        }
        let width = ListingDetailPane.contentWidth(area)
        let all = lines(width: width)
        let body = Rect(x: area.x + 2, y: area.y, width: min(area.width - 2, width + 1), height: area.height)
        var state = scroll
        state.offset = min(state.offset, max(0, all.count - area.height))
        ParagraphWidget(lines: all, scroll: state).render(into: &canvas, area: body)
        if listing == nil, failure == nil, area.width > 4 {
            SpinnerWidget(tick: ctx.frame).render(into: &canvas, area: Rect(x: area.maxX - 2, y: area.y, width: 1, height: 1))
        }
    }
}
