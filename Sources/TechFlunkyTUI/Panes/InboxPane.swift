import Foundation
import TechFlunkyClient
import TechFlunkyCore
import TechFlunkyText

/// Offers and questions for both sides of the marketplace: offers received and made (the latest of each thread, the
/// selected thread's history below), questions to answer and asked. Offers are accepted (`a`), declined (`x`),
/// countered (`c`, an amount in dollars such as `40k`) or withdrawn (`w`); an accepted offer is bought at its price
/// (Enter). Questions on one's listings are answered (`a`, a text field) and published or hidden (`p`). Tab switches
/// between offers and questions; the lists refresh while the pane is open.
public struct InboxPane: Pane {
    public enum Section: Sendable, Hashable { case offers, questions }

    public enum Action: Sendable, Hashable {
        case up, down, top, bottom, switchSection, refresh
        case accept, decline, counter, withdraw, buy
        case answer, togglePublished
        case submitPrompt, cancelPrompt
    }

    /// A value being typed at the bottom of the pane.
    public enum PromptKind: Sendable, Hashable {
        case counter(Offer)
        case answer(Question)
    }

    public struct Prompt: Sendable, Hashable {
        public var kind: PromptKind
        public var input: TextInput
        /// Why the last submission was refused (the typed text stays).
        public var problem: String?
    }

    public let kind = PaneKind.inbox
    public private(set) var section: Section = .offers
    public private(set) var offers: OffersResponse?
    /// The platform's clock at the last answer, so expiry counts on it (the sandbox's can run days ahead).
    public private(set) var clock: PayoutsCountdown?
    public private(set) var questions: [Question]?
    public private(set) var failure: String?
    public private(set) var offerTable = TableState()
    public private(set) var questionTable = TableState()
    public private(set) var prompt: Prompt?
    var offersRequest: RequestID?
    var questionsRequest: RequestID?
    var actionRequest: RequestID?
    /// What the action in flight was, for its status line.
    var actionText = ""
    var refreshTimer: TimerID?

    public static let refreshInterval: Duration = .seconds(10)

    public init(offers: OffersResponse? = nil, questions: [Question]? = nil, section: Section = .offers, receivedAt: Date = Date()) {
        self.offers = offers
        self.questions = questions
        self.section = section
        clock = offers.map { PayoutsCountdown(platformNow: $0.now, receivedAt: receivedAt) }
    }

    public var title: String { "Inbox" }
    public var isAnimating: Bool { (offers == nil || questions == nil) && failure == nil }
    public var capturesText: Bool { prompt != nil }
    public var quitWarning: String? {
        guard let prompt, !prompt.input.text.isEmpty else { return nil }
        if case .counter = prompt.kind { return "Quit with a counter offer typed but not sent?" }
        return "Quit with an answer typed but not sent?"
    }

    /// The newest offer of each thread.
    public var offerRows: [Offer] { offers?.latestPerThread ?? [] }
    public var questionRows: [Question] { questions ?? [] }
    public var selectedOffer: Offer? { offerRows.indices.contains(offerTable.selected) ? offerRows[offerTable.selected] : nil }
    public var selectedQuestion: Question? { questionRows.indices.contains(questionTable.selected) ? questionRows[questionTable.selected] : nil }

    public func keyMap() -> [KeyBinding<Action>] {
        if let prompt {
            let send: String
            switch prompt.kind {
            case .counter: send = "send counter offer"
            case .answer: send = "send answer"
            }
            return [KeyBinding([.enter], send, .submitPrompt), KeyBinding([.escape], "cancel", .cancelPrompt)]
        }
        let busy = actionRequest != nil ? "wait for the last answer to arrive" : nil
        var keys: [KeyBinding<Action>] = [
            KeyBinding([.up, .char("k")], "up", .up, footer: false),
            KeyBinding([.down, .char("j")], "down", .down, footer: false),
            KeyBinding([.home, .char("g")], "first", .top, footer: false),
            KeyBinding([.end, .char("G")], "last", .bottom, footer: false),
            KeyBinding([.tab, .backTab], section == .offers ? "questions" : "offers", .switchSection),
        ]
        switch section {
        case .offers:
            let offer = selectedOffer
            let answerable: String? = if offer == nil { "no offer selected" }
                else if offer?.awaitsYou != true { offer?.state == .open ? "this offer is yours: the other side answers it" : "this offer is \(offer!.state.rawValue)" }
                else { busy }
            let yourTurn = offer?.awaitsYou == true
            keys.append(KeyBinding([.char("a")], "accept", .accept, footer: yourTurn, disabled: answerable))
            keys.append(KeyBinding([.char("c")], "counter", .counter, footer: yourTurn, disabled: answerable))
            keys.append(KeyBinding([.char("x")], "decline", .decline, footer: yourTurn, disabled: answerable))
            let withdrawable = offer.map { $0.state == .open && $0.from == $0.yourRole } ?? false
            keys.append(KeyBinding([.char("w")], "withdraw", .withdraw, footer: withdrawable,
                                   disabled: withdrawable ? busy : "only your own open offer can be withdrawn"))
            let buyable = offer?.canCheckOut ?? false
            keys.append(KeyBinding([.enter, .char("b")], "buy at agreed price", .buy, footer: buyable,
                                   disabled: buyable ? nil : "only an offer you made and the seller accepted (or a counter you accepted) is bought here"))
        case .questions:
            let question = selectedQuestion
            let mine = question?.yourListing == true
            keys.append(KeyBinding([.char("a"), .enter], question?.answer == nil ? "answer" : "edit answer", .answer, footer: mine,
                                   disabled: question == nil ? "no question selected" : (mine ? busy : "only the listing's seller answers")))
            let publishable = mine && question?.answer != nil
            keys.append(KeyBinding([.char("p")], question?.published == true ? "hide" : "publish", .togglePublished, footer: publishable,
                                   disabled: !mine ? "only the listing's seller publishes" : (publishable ? busy : "answer it first")))
        }
        keys.append(KeyBinding([.char("r")], "refresh", .refresh, footer: false))
        return keys
    }

    public mutating func start(_ ctx: inout PaneContext) -> [PaneCommand] { load(&ctx) }

    mutating func load(_ ctx: inout PaneContext) -> [PaneCommand] {
        refreshTimer = nil
        let o = ctx.newRequestID(), q = ctx.newRequestID()
        offersRequest = o
        questionsRequest = q
        return [.request(o, .offers), .request(q, .questions)]
    }

    public mutating func perform(_ action: Action, _ ctx: inout PaneContext) -> [PaneCommand] {
        let visible = max(1, tableHeight(ctx.area.height) - 1)
        func move(_ change: (inout TableState, Int) -> Void) {
            switch section {
            case .offers: change(&offerTable, offerRows.count); offerTable.clamp(count: offerRows.count, visibleRows: visible)
            case .questions: change(&questionTable, questionRows.count); questionTable.clamp(count: questionRows.count, visibleRows: visible)
            }
        }
        switch action {
        case .up: move { s, _ in s.selected -= 1 }
        case .down: move { s, _ in s.selected += 1 }
        case .top: move { s, _ in s.selected = 0 }
        case .bottom: move { s, n in s.selected = n - 1 }
        case .switchSection:
            // The other list may have changed while this one was shown: look again (the newer answer wins).
            section = section == .offers ? .questions : .offers
            return load(&ctx)
        case .refresh: return load(&ctx)
        case .accept, .decline, .withdraw:
            guard let offer = selectedOffer else { return [] }
            let answer: DealRules.Answer = action == .accept ? .accept : (action == .decline ? .decline : .withdraw)
            actionText = switch answer {
            case .accept: "Accepted \(offer.amount.formatted) for \(offer.listingTitle)" + (offer.yourRole == .buyer ? ": Enter buys it at that price." : ".")
            case .decline: "Declined \(offer.amount.formatted) for \(offer.listingTitle)."
            default: "Withdrew your offer on \(offer.listingTitle)."
            }
            return send(.answerOffer(id: offer.id, answer), &ctx)
        case .counter:
            guard let offer = selectedOffer else { return [] }
            prompt = Prompt(kind: .counter(offer), input: TextInput(placeholder: "e.g. 45k", maxLength: 20))
        case .buy:
            guard let offer = selectedOffer, offer.canCheckOut else { return [] }
            return [.push(CheckoutPane(acceptedOffer: offer))]
        case .answer:
            guard let question = selectedQuestion, question.yourListing else { return [] }
            prompt = Prompt(kind: .answer(question), input: TextInput(text: question.answer ?? "", maxLength: DealRules.maxAnswerLength))
        case .togglePublished:
            guard let question = selectedQuestion, question.yourListing, question.answer != nil else { return [] }
            actionText = question.published ? "Hidden: only the asker sees it now." : "Published: every buyer sees it on the listing."
            return send(.publishQuestion(id: question.id, published: !question.published), &ctx)
        case .cancelPrompt:
            prompt = nil
        case .submitPrompt:
            return submit(&ctx)
        }
        return []
    }

    mutating func send(_ request: ServiceRequest, _ ctx: inout PaneContext) -> [PaneCommand] {
        let id = ctx.newRequestID()
        actionRequest = id
        return [.request(id, request)]
    }

    /// Checks what was typed as the platform would (so a mistake is named at once) and sends it.
    mutating func submit(_ ctx: inout PaneContext) -> [PaneCommand] {
        guard var current = prompt else { return [] }
        switch current.kind {
        case let .counter(offer):
            guard let minor = Money.parseMajorUnits(current.input.text) else {
                current.problem = "Type an amount in dollars, like 45k or 44,500."
                prompt = current
                return []
            }
            let amount = Money(minorUnits: minor, currency: offer.amount.currency)
            if let refusal = DealRules.checkAmount(amount, askingPrice: offer.askingPrice) {
                current.problem = refusal.message
                prompt = current
                return []
            }
            actionText = "Countered with \(amount.formatted) for \(offer.listingTitle)."
            return send(.counterOffer(id: offer.id, CounterOfferRequest(amount: amount)), &ctx)
        case let .answer(question):
            if let refusal = DealRules.checkText(current.input.text, field: "answer", max: DealRules.maxAnswerLength, what: "the answer") {
                current.problem = refusal.message
                prompt = current
                return []
            }
            actionText = question.published ? "Answer changed; every buyer sees it." : "Answered. Press p to publish it for every buyer."
            return send(.answerQuestion(id: question.id, answer: current.input.text, publish: nil), &ctx)
        }
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
        switch message {
        case let .response(id, result) where id == offersRequest:
            offersRequest = nil
            switch result {
            case let .success(.offers(fresh)):
                let selected = selectedOffer?.threadId
                offers = fresh
                clock = PayoutsCountdown(platformNow: fresh.now, receivedAt: ctx.now)
                if let selected, let i = offerRows.firstIndex(where: { $0.threadId == selected }) { offerTable.selected = i }
                offerTable.clamp(count: offerRows.count, visibleRows: max(1, tableHeight(ctx.area.height) - 1))
                failure = nil
            case let .failure(f): failure = f.message
            case .success: failure = "unexpected answer from the platform"
            }
            return scheduleRefresh(&ctx)
        case let .response(id, result) where id == questionsRequest:
            questionsRequest = nil
            switch result {
            case let .success(.questions(fresh)):
                let selected = selectedQuestion?.id
                questions = fresh
                if let selected, let i = questionRows.firstIndex(where: { $0.id == selected }) { questionTable.selected = i }
                questionTable.clamp(count: questionRows.count, visibleRows: max(1, tableHeight(ctx.area.height) - 1))
            case let .failure(f): failure = f.message
            case .success: failure = "unexpected answer from the platform"
            }
            return scheduleRefresh(&ctx)
        case let .response(id, result) where id == actionRequest:
            actionRequest = nil
            switch result {
            case .success:
                prompt = nil
                return [.status(.info(actionText))] + load(&ctx)
            case let .failure(f):
                // A typed value stays, with the reason; a key's action says why in the status line.
                if var current = prompt {
                    current.problem = f.message
                    prompt = current
                    return load(&ctx)
                }
                return [.status(.error(f.message))] + load(&ctx)
            }
        case let .timerFired(id) where id == refreshTimer:
            refreshTimer = nil
            return load(&ctx)
        case let .mouse(event):
            if case .wheelUp = event { return perform(.up, &ctx) }
            if case .wheelDown = event { return perform(.down, &ctx) }
        default: break
        }
        return []
    }

    mutating func scheduleRefresh(_ ctx: inout PaneContext) -> [PaneCommand] {
        guard offersRequest == nil, questionsRequest == nil, refreshTimer == nil else { return [] }
        let timer = ctx.newTimerID()
        refreshTimer = timer
        return [.timer(timer, after: InboxPane.refreshInterval)]
    }

    // MARK: Rendering

    /// Rows for the table (with its header) in a pane `height` tall: at most half the room when a detail fits below.
    func tableHeight(_ height: Int) -> Int {
        let room = height - 2 - (prompt == nil ? 0 : 2)
        return room >= 14 ? max(4, room / 2) : max(1, room)
    }

    static func stateLabel(_ o: Offer) -> String {
        switch o.state {
        case .open: o.awaitsYou ? "your answer" : "waiting"
        case .accepted where o.yourRole == .buyer: o.orderId == nil ? "accepted · buy" : "accepted · ordered"
        default: o.state.rawValue
        }
    }

    func expiresLabel(_ o: Offer, now: Date) -> String {
        guard o.state == .open else { return "–" }
        let left = clock?.remaining(until: o.expiresAt, localNow: now) ?? o.expiresAt.timeIntervalSince(now)
        return PayoutsCountdown.format(left) ?? "expired"
    }

    public func render(into canvas: inout Canvas, area: Rect, _ ctx: RenderContext) {
        guard area.width > 4, area.height > 1 else { return }
        let inner = Rect(x: area.x + 1, y: area.y, width: area.width - 2, height: area.height)
        // The section switcher: the current one highlighted, each with what waits for the person.
        let waitingOffers = offerRows.filter(\.awaitsYou).count
        let toAnswer = questionRows.filter(\.awaitsYourAnswer).count
        let offersLabel = " Offers (\(offerRows.count)\(waitingOffers > 0 ? " · \(waitingOffers) for you" : "")) "
        let questionsLabel = " Questions (\(questionRows.count)\(toAnswer > 0 ? " · \(toAnswer) to answer" : "")) "
        var x = inner.x
        x += canvas.write(offersLabel, x: x, y: inner.y, maxWidth: inner.maxX - x,
                          style: section == .offers ? CellStyle(.accent, bold: true, reverse: true) : .muted)
        x += canvas.write("  ", x: x, y: inner.y, maxWidth: max(0, inner.maxX - x))
        _ = canvas.write(questionsLabel, x: x, y: inner.y, maxWidth: max(0, inner.maxX - x),
                         style: section == .questions ? CellStyle(.accent, bold: true, reverse: true) : .muted)

        let body = Rect(x: inner.x, y: inner.y + 1, width: inner.width, height: inner.height - 1 - (prompt == nil ? 0 : 2))
        let loaded = section == .offers ? offers != nil : questions != nil
        if !loaded {
            if let failure {
                canvas.writeFitted("Could not load your inbox: \(failure)", x: body.x, y: body.y + 1, width: body.width, style: .error)
                canvas.writeFitted("Press r to retry.", x: body.x, y: body.y + 2, width: body.width, style: .muted)
            } else {
                canvas.writeFitted(SpinnerWidget.frame(ctx.frame) + " Loading your inbox…", x: body.x, y: body.y + 1, width: body.width, style: .muted)
            }
            return
        }
        switch section {
        case .offers: renderOffers(into: &canvas, body, ctx)
        case .questions: renderQuestions(into: &canvas, body)
        }
        if let failure, body.height > 2 {
            canvas.writeFitted("Refresh failed: \(failure)", x: body.x, y: body.maxY - 1, width: body.width, style: .warning)
        }
        if let prompt { renderPrompt(prompt, into: &canvas, Rect(x: inner.x, y: inner.maxY - 2, width: inner.width, height: 2)) }
    }

    func renderOffers(into canvas: inout Canvas, _ body: Rect, _ ctx: RenderContext) {
        let rows = offerRows
        if rows.isEmpty {
            for (i, line) in ["No offers yet.", "Open a listing (Browse, 1) and press o to make an offer below its asking price;",
                              "offers on your own listings arrive here."].enumerated() where i + 1 < body.height {
                canvas.writeFitted(line, x: body.x, y: body.y + 1 + i, width: body.width, style: i == 0 ? .text : .muted)
            }
            return
        }
        let now = ctx.now
        // Amounts, states and times are never cut; the listing gives way, then With, Asking and Expires go (in that order).
        func widest(_ texts: [String], _ header: String) -> Int { max(DisplayWidth.of(header), texts.map(DisplayWidth.of).max() ?? 0) }
        let titleWidth = widest(rows.map { TextSanitizer.line($0.listingTitle) }, "Listing")
        let nameWidth = widest(rows.map { TextSanitizer.line($0.yourRole == .buyer ? $0.sellerName : $0.buyerName) }, "With")
        let columns = [
            TableColumn("Listing", .flexible(min: 12, natural: titleWidth), growOrder: 0),
            TableColumn("Side", .fixed(7)),
            TableColumn("Offer", .fixed(widest(rows.map(\.amount.formatted), "Offer")), alignRight: true),
            TableColumn("Asking", .fixed(widest(rows.map(\.askingPrice.formatted), "Asking")), alignRight: true, dropPriority: 2),
            TableColumn("State", .fixed(widest(rows.map(InboxPane.stateLabel), "State"))),
            TableColumn("Expires", .fixed(10), dropPriority: 1),
            TableColumn("With", .flexible(min: 6, natural: min(24, nameWidth)), dropPriority: 3, growOrder: 1),
        ]
        let tableArea = Rect(x: body.x, y: body.y, width: body.width, height: min(body.height, tableHeight(body.height + 1), rows.count + 1))
        let labels = rows.map { ($0, expiresLabel($0, now: now)) }
        TableWidget(columns: columns, rowCount: rows.count, state: offerTable, row: { i in
            let (o, expires) = labels[i]
            return [o.listingTitle, o.yourRole == .buyer ? "buying" : "selling", o.amount.formatted, o.askingPrice.formatted,
                    InboxPane.stateLabel(o), expires, o.yourRole == .buyer ? o.sellerName : o.buyerName]
        }, rowStyle: { i in
            let o = rows[i]
            if o.awaitsYou { return CellStyle(.accent, bold: true) }
            if o.canCheckOut, o.orderId == nil { return .success }
            return o.state == .open || o.state == .accepted ? .text : .muted
        }).render(into: &canvas, area: tableArea)

        // The selected thread, oldest first, below the table when there is room.
        let detail = Rect(x: body.x, y: tableArea.maxY + 1, width: body.width, height: body.maxY - tableArea.maxY - 1)
        guard detail.height >= 2, let selected = selectedOffer, let offers else { return }
        var lines: [StyledLine] = [StyledLine("Thread · \(TextSanitizer.line(selected.listingTitle)) · asking \(selected.askingPrice.formatted)", CellStyle(.header, bold: true))]
        for o in offers.thread(selected.threadId) {
            let who = o.from == o.yourRole ? "You" : (o.from == .buyer ? "Buyer \(TextSanitizer.line(o.buyerName))" : "Seller \(TextSanitizer.line(o.sellerName))")
            lines.append(StyledLine([StyledSpan(DisplayFormat.minute(o.createdAt, in: DisplayFormat.utc) + "  ", .muted),
                                     StyledSpan("\(who) offered \(o.amount.formatted)", o.id == selected.id ? CellStyle(.text, bold: true) : .text),
                                     StyledSpan(" · \(o.state.rawValue)", .muted)]))
            if let message = o.message { lines += StyledLine.wrapped("“" + message + "”", width: detail.width, style: .muted, indent: 18) }
        }
        if selected.awaitsYou { lines.append(StyledLine("a accepts · c counters · x declines", .accent)) }
        else if selected.canCheckOut, selected.orderId == nil { lines.append(StyledLine("Agreed: Enter buys it at \(selected.amount.formatted).", .success)) }
        ParagraphWidget(lines: lines, scroll: ScrollState(offset: max(0, lines.count - detail.height))).render(into: &canvas, area: detail)
    }

    func renderQuestions(into canvas: inout Canvas, _ body: Rect) {
        let rows = questionRows
        if rows.isEmpty {
            for (i, line) in ["No questions yet.", "Open a listing (Browse, 1) and press a to ask its seller;",
                              "questions on your own listings arrive here."].enumerated() where i + 1 < body.height {
                canvas.writeFitted(line, x: body.x, y: body.y + 1 + i, width: body.width, style: i == 0 ? .text : .muted)
            }
            return
        }
        let titleWidth = rows.map { DisplayWidth.of(TextSanitizer.line($0.listingTitle)) }.max() ?? 0
        let columns = [
            TableColumn("Listing", .flexible(min: 14, natural: min(40, titleWidth))),
            TableColumn("Side", .fixed(8)),
            TableColumn("State", .fixed(21), dropPriority: 1),
            TableColumn("Question", .flexible(min: 12, natural: 200), growOrder: 1),
        ]
        let tableArea = Rect(x: body.x, y: body.y, width: body.width, height: min(body.height, tableHeight(body.height + 1), rows.count + 1))
        TableWidget(columns: columns, rowCount: rows.count, state: questionTable, row: { i in
            let q = rows[i]
            return [q.listingTitle, q.yourListing ? "selling" : "buying", q.stateText, q.text]
        }, rowStyle: { i in rows[i].awaitsYourAnswer ? CellStyle(.accent, bold: true) : (rows[i].answer == nil ? .muted : .text) })
            .render(into: &canvas, area: tableArea)

        let detail = Rect(x: body.x, y: tableArea.maxY + 1, width: body.width, height: body.maxY - tableArea.maxY - 1)
        guard detail.height >= 2, let q = selectedQuestion else { return }
        var lines: [StyledLine] = [StyledLine("\(TextSanitizer.line(q.listingTitle)) · asked \(DisplayFormat.minute(q.askedAt, in: DisplayFormat.utc)) UTC",
                                              CellStyle(.header, bold: true))]
        lines += StyledLine.wrapped("Q: " + q.text, width: detail.width)
        if let answer = q.answer {
            lines += StyledLine.wrapped("A: " + answer, width: detail.width, style: CellStyle(.success))
            lines.append(StyledLine(q.published ? "Public: every buyer sees it on the listing." : "Only the asker sees this answer" + (q.yourListing ? "; p publishes it." : "."), .muted))
        } else if q.yourListing {
            lines.append(StyledLine("a answers it.", .accent))
        }
        ParagraphWidget(lines: lines).render(into: &canvas, area: detail)
    }

    func renderPrompt(_ prompt: Prompt, into canvas: inout Canvas, _ area: Rect) {
        let label: String
        switch prompt.kind {
        case let .counter(o):
            label = area.width >= 64 ? "Counter \(o.amount.formatted) (asking \(o.askingPrice.formatted)) with: $" : "Counter with: $"
        case .answer:
            label = "Answer: "
        }
        let problemStyle = CellStyle.error
        if let problem = prompt.problem {
            canvas.writeFitted(problem, x: area.x, y: area.y, width: area.width, style: problemStyle)
        } else {
            canvas.writeFitted("Enter sends · Esc cancels", x: area.x, y: area.y, width: area.width, style: .muted)
        }
        let used = canvas.write(label, x: area.x, y: area.y + 1, maxWidth: area.width, style: CellStyle(.accent, bold: true))
        TextFieldWidget(prompt.input, focused: true).render(into: &canvas, area: Rect(x: area.x + used, y: area.y + 1,
                                                                                      width: max(1, area.width - used), height: 1))
    }
}
