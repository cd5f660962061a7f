import Foundation
import TechFlunkyCore
import TechFlunkyText

/// A seller's payouts: Stripe onboarding state (with the onboarding link and its QR code while incomplete),
/// every sale with date, listing, gross, fee, net, hold state and a live countdown to release, and the totals
/// held, released, refunded and disputed. It refreshes while open. The countdown runs on the platform's clock
/// (`PayoutsResponse.now`, which the sandbox may have moved ahead) plus the time passed here since the answer.
/// In the sandbox `A` moves the platform's clock a day ahead.
public struct PayoutsPane: Pane {
    public enum Action: Sendable, Hashable { case up, down, refresh, onboard, copyLink, advanceClock }

    public let kind = PaneKind.payouts
    public private(set) var payouts: PayoutsResponse?
    public private(set) var countdown: PayoutsCountdown?
    public private(set) var seller: SellerAccountStatus? {
        didSet {
            guard onboardingQR?.text != seller?.onboardingURL else { return }
            onboardingQR = seller?.onboardingURL.map(FittingQRCode.init)
        }
    }
    /// The onboarding link's QR code, encoded when the link arrives or changes (not on every frame).
    public private(set) var onboardingQR: FittingQRCode?
    /// The seller account was asked for and the platform has none (not set up for selling yet).
    public private(set) var noSellerAccount = false
    public private(set) var isSandbox = false
    public private(set) var failure: String?
    public private(set) var notice: String?
    public private(set) var table = TableState()
    var payoutsRequest: RequestID?
    var sellerRequest: RequestID?
    var meRequest: RequestID?
    var onboardRequest: RequestID?
    var advanceRequest: RequestID?
    var refreshTimer: TimerID?

    public static let refreshInterval: Duration = .seconds(10)
    /// How far `A` moves the sandbox clock.
    public static let advanceStep: TimeInterval = 86_400

    public init() {}

    public var title: String { "Payouts" }

    /// The onboarding link while onboarding is unfinished (the one `y` copies and the pane shows).
    var onboardingLink: String? { seller?.onboardingComplete == false ? seller?.onboardingURL : nil }
    public var isAnimating: Bool { payouts == nil && failure == nil }

    public func keyMap() -> [KeyBinding<Action>] {
        let onboarded = seller?.onboardingComplete == true
        return [
            KeyBinding([.up, .char("k")], "up", .up, footer: false),
            KeyBinding([.down, .char("j")], "down", .down, footer: false),
            KeyBinding([.char("r")], "refresh", .refresh),
            KeyBinding([.char("o")], seller?.stripeAccountId == nil ? "start onboarding" : "new onboarding link", .onboard,
                       footer: !onboarded, disabled: onboarded ? "onboarding is complete" : (onboardRequest != nil ? "working…" : nil)),
            // In `?` help, not the footer: at 80 columns it would push out "? help" and "q quit".
            KeyBinding([.char("y")], "copy onboarding link", .copyLink, footer: false,
                       disabled: onboardingLink == nil ? "no onboarding link yet (o makes one)" : nil),
            KeyBinding([.char("A")], "advance clock 1 day", .advanceClock, footer: isSandbox,
                       disabled: !isSandbox ? "only in the sandbox" : (advanceRequest != nil ? "working…" : nil)),
        ]
    }

    public mutating func start(_ ctx: inout PaneContext) -> [PaneCommand] {
        let me = ctx.newRequestID()
        meRequest = me
        let account = ctx.newRequestID()
        sellerRequest = account
        return [.request(me, .me), .request(account, .sellerAccount)] + loadPayouts(&ctx)
    }

    mutating func loadPayouts(_ ctx: inout PaneContext) -> [PaneCommand] {
        refreshTimer = nil
        let id = ctx.newRequestID()
        payoutsRequest = id
        return [.request(id, .payouts)]
    }

    public mutating func perform(_ action: Action, _ ctx: inout PaneContext) -> [PaneCommand] {
        let count = payouts?.payouts.count ?? 0
        switch action {
        case .up: table.selected -= 1
        case .down: table.selected += 1
        case .refresh:
            let account = ctx.newRequestID()
            sellerRequest = account
            return [.request(account, .sellerAccount)] + loadPayouts(&ctx)
        case .onboard:
            guard seller?.onboardingComplete != true, onboardRequest == nil else { return [] }
            let id = ctx.newRequestID()
            onboardRequest = id
            return [.request(id, .createSellerAccount)]
        case .copyLink:
            // OSC 52, as `y` copies the checkout URL: the whole link, however much of it the pane shows.
            return onboardingLink.map { [.copy(TextSanitizer.line($0))] } ?? []
        case .advanceClock:
            guard isSandbox, advanceRequest == nil else { return [] }
            let id = ctx.newRequestID()
            advanceRequest = id
            return [.request(id, .advanceSandboxClock(seconds: PayoutsPane.advanceStep))]
        }
        table.clamp(count: count, visibleRows: max(1, ctx.area.height - 8))
        return []
    }

    public mutating func receive(_ message: Message, _ ctx: inout PaneContext) -> [PaneCommand] {
        switch message {
        case let .response(id, result) where id == meRequest:
            meRequest = nil
            if case let .success(.me(me)) = result {
                isSandbox = me.sandbox
                if seller == nil, let status = me.seller { seller = status }
            }
        case let .response(id, result) where id == sellerRequest || id == onboardRequest:
            if id == sellerRequest { sellerRequest = nil } else { onboardRequest = nil }
            switch result {
            case let .success(.sellerAccount(status)):
                noSellerAccount = false
                // Keep a link we already have if a plain status read comes without one.
                let link = status.onboardingURL ?? seller?.onboardingURL
                seller = status
                if !status.onboardingComplete { seller?.onboardingURL = link }
            case let .failure(f) where f.code != APIErrorCode.notFound:
                notice = "Seller account: \(f.message)"
            case .failure:
                noSellerAccount = seller == nil
            default: break
            }
        case let .response(id, result) where id == payoutsRequest:
            payoutsRequest = nil
            switch result {
            case let .success(.payouts(fresh)):
                payouts = PayoutsResponse(payouts: fresh.payouts.sorted { $0.soldAt > $1.soldAt }, totals: fresh.totals, now: fresh.now)
                countdown = PayoutsCountdown(platformNow: fresh.now, receivedAt: ctx.now)
                failure = nil
                table.clamp(count: fresh.payouts.count, visibleRows: max(1, ctx.area.height - 8))
            case let .failure(f):
                failure = f.message
            case .success:
                failure = "unexpected answer from the platform"
            }
            let timer = ctx.newTimerID()
            refreshTimer = timer
            return [.timer(timer, after: PayoutsPane.refreshInterval)]
        case let .response(id, result) where id == advanceRequest:
            advanceRequest = nil
            switch result {
            case let .success(.sandboxClock(clock)):
                let days = clock.offsetSeconds / 86_400
                notice = String(format: "Sandbox clock moved: now %.0f day%@ ahead.", days, abs(days - 1) < 0.01 ? "" : "s")
                // Holds may have been released by the move: look again now.
                return loadPayouts(&ctx)
            case let .failure(f):
                notice = "Could not move the sandbox clock: \(f.message)"
            default: break
            }
        case let .timerFired(id) where id == refreshTimer:
            var commands = loadPayouts(&ctx)
            if seller?.onboardingComplete == false, sellerRequest == nil {
                let account = ctx.newRequestID()
                sellerRequest = account
                commands.append(.request(account, .sellerAccount))
            }
            return commands
        default:
            break
        }
        return []
    }

    // MARK: Rendering

    static func holdRole(_ state: HoldState) -> StyleRole {
        switch state {
        case .inReview: .holdInReview
        case .frozen: .holdFrozen
        case .released: .holdReleased
        case .refunded: .holdRefunded
        case .disputed: .holdDisputed
        }
    }

    static func holdLabel(_ state: HoldState) -> String {
        switch state {
        case .inReview: "in review"
        case .frozen: "frozen"
        case .released: "released"
        case .refunded: "refunded"
        case .disputed: "disputed"
        }
    }

    /// The release column: a countdown while held, the release date once released.
    func releaseText(_ payout: Payout, localNow: Date) -> String {
        switch payout.state {
        case .inReview:
            guard let countdown else { return "" }
            return PayoutsCountdown.format(countdown.remaining(until: payout.holdUntil, localNow: localNow)) ?? "releasing…"
        case .frozen: return payout.reason.map { "held: " + $0 } ?? "held"
        case .released: return payout.releasedAt.map { DisplayFormat.day($0) } ?? "released"
        case .refunded, .disputed: return "–"
        }
    }

    /// "Held $1,275.00 (1) · Released … · Refunded … · Disputed …" — held is in review plus frozen — in as many
    /// lines of at most `width` cells as it takes: one line with wide separators when it fits, else narrow ones, else
    /// wrapped between totals (never inside one), so no total is cut.
    static func totalsLines(_ totals: [PayoutTotal], width: Int) -> [[StyledSpan]] {
        func sum(_ states: [HoldState]) -> (String, Int) {
            let matching = totals.filter { states.contains($0.state) }
            let count = matching.reduce(0) { $0 + $1.count }
            guard let first = matching.first else { return ("$0.00", 0) }
            let amount = matching.dropFirst().reduce(first.amount) { (try? $0.adding($1.amount)) ?? $0 }
            return (amount.formatted, count)
        }
        let groups: [[StyledSpan]] = [("Held", [HoldState.inReview, .frozen], StyleRole.holdInReview),
                                      ("Released", [.released], .holdReleased),
                                      ("Refunded", [.refunded], .holdRefunded),
                                      ("Disputed", [.disputed], .holdDisputed)].map { label, states, role in
            let (amount, count) = sum(states)
            return [StyledSpan(label + " ", .muted), StyledSpan(amount, CellStyle(role, bold: true)), StyledSpan(" (\(count))", .muted)]
        }
        func cells(_ spans: [StyledSpan]) -> Int { spans.reduce(0) { $0 + DisplayWidth.of($1.text) } }
        for separator in ["  ·  ", " · "] {
            let joined = groups.enumerated().flatMap { i, g in (i == 0 ? [] : [StyledSpan(separator, .muted)]) + g }
            if cells(joined) <= width { return [joined] }
        }
        var lines: [[StyledSpan]] = []
        var line: [StyledSpan] = []
        for group in groups {
            let candidate = line.isEmpty ? group : line + [StyledSpan(" · ", .muted)] + group
            if !line.isEmpty, cells(candidate) > width {
                lines.append(line)
                line = group
            } else {
                line = candidate
            }
        }
        if !line.isEmpty { lines.append(line) }
        return lines
    }

    public func render(into canvas: inout Canvas, area: Rect, _ ctx: RenderContext) {
        guard area.width > 10, area.height > 2 else { return }
        let x = area.x + 1
        let width = area.width - 2
        var y = area.y

        // Onboarding.
        var qrCode: FittingQRCode?
        if seller == nil && noSellerAccount {
            canvas.writeFitted("Not set up to receive payouts yet — press o to start Stripe onboarding.", x: x, y: y, width: width, style: .warning)
            y += 1
            // Publishing refuses a live listing until then (409 payouts_required); say so where onboarding starts.
            canvas.writeFitted("Until then your listings stay drafts (techflunky package publish --draft).",
                               x: x, y: y, width: width, style: .muted)
            y += 1
        }
        if let seller {
            if seller.onboardingComplete {
                canvas.writeFitted("✔ Stripe payouts are set up" + (seller.stripeAccountId.map { " (\($0))" } ?? ""),
                                   x: x, y: y, width: width, style: .success)
                y += 1
            } else {
                func mark(_ ok: Bool) -> String { ok ? "✔" : "✖" }
                canvas.writeFitted("Stripe onboarding incomplete — details \(mark(seller.detailsSubmitted))  charges \(mark(seller.chargesEnabled))  payouts \(mark(seller.payoutsEnabled))",
                                   x: x, y: y, width: width, style: .warning)
                y += 1
                if let url = seller.onboardingURL {
                    // The link on one line as an OSC 8 hyperlink (as the checkout URL): cut at the edge with `…` when the
                    // pane is narrower, while the hyperlink and `y` carry all of it.
                    let safe = TextSanitizer.line(url)
                    let label = x + canvas.write("Finish it at: ", x: x, y: y, maxWidth: width, style: .accent)
                    let room = x + width - label
                    if room > 0 {
                        canvas.write(TextLayout.truncate(safe, to: room), x: label, y: y, maxWidth: room,
                                     style: CellStyle(.accent, underline: true, link: canvas.hyperlink(safe)))
                    }
                    qrCode = onboardingQR  // derived from this same link when it arrived
                } else {
                    canvas.writeFitted("Press o for an onboarding link. Sales are held, and new listings stay drafts, until it is complete.",
                                       x: x, y: y, width: width, style: .muted)
                }
                y += 1
            }
        }

        // Totals.
        if let payouts {
            for line in PayoutsPane.totalsLines(payouts.totals, width: width) {
                var tx = x
                for span in line where tx < x + width {
                    tx += canvas.write(span.text, x: tx, y: y, maxWidth: x + width - tx, style: span.style)
                }
                y += 1
            }
        }
        if let notice {
            canvas.writeFitted(notice, x: x, y: y, width: width, style: .accent)
            y += 1
        }
        y += 1

        // The onboarding QR code to the right of the sales when it fits, else nothing (the link is above).
        var tableWidth = width
        if let drawing = qrCode?.fitting(width: width - 50, height: area.maxY - y) {
            let extent = drawing.extent
            drawing.render(into: &canvas, area: Rect(x: x + width - extent.width, y: y, width: extent.width, height: extent.height))
            tableWidth = width - extent.width - 1
        }

        guard let payouts else {
            let text = failure.map { "Could not load payouts: \($0). Press r to retry." } ?? SpinnerWidget.frame(ctx.frame) + " Loading payouts…"
            canvas.writeFitted(text, x: x, y: y, width: tableWidth, style: failure == nil ? .muted : .error)
            return
        }
        guard tableWidth >= 34, y + 2 <= area.maxY else {
            if y < area.maxY {
                canvas.writeFitted("Widen the terminal to see each sale", x: x, y: y, width: tableWidth, style: .muted)
            }
            return
        }
        if payouts.payouts.isEmpty {
            canvas.writeFitted("No sales yet.", x: x, y: y, width: tableWidth, style: .muted)
            return
        }
        let rows = payouts.payouts
        let now = ctx.now
        let release = rows.map { releaseText($0, localNow: now) }
        // Dropped when narrow: Sold first, then Gross, then Fee. Release is made whole before Listing grows.
        let listingWidth = rows.map { DisplayWidth.of(TextSanitizer.line($0.listingTitle)) }.max() ?? 0
        let releaseWidth = release.map { DisplayWidth.of($0) }.max() ?? 0
        let columns = [
            TableColumn("Sold", .fixed(10), dropPriority: 3),
            TableColumn("Listing", .flexible(min: 12, natural: listingWidth), growOrder: 1),
            TableColumn("Gross", .fixed(12), alignRight: true, dropPriority: 2),
            TableColumn("Fee", .fixed(11), alignRight: true, dropPriority: 1),
            TableColumn("Net", .fixed(12), alignRight: true),
            TableColumn("State", .fixed(9)),
            TableColumn("Release", .flexible(min: 12, natural: min(32, max(12, releaseWidth)))),
        ]
        TableWidget(columns: columns, rowCount: rows.count, state: table, row: { i in
            let p = rows[i]
            return [DisplayFormat.day(p.soldAt), p.listingTitle, p.gross.formatted, p.fee.formatted, p.net.formatted,
                    PayoutsPane.holdLabel(p.state), release[i]]
        }, rowStyle: { i in CellStyle(PayoutsPane.holdRole(rows[i].state)) })
            .render(into: &canvas, area: Rect(x: x, y: y, width: tableWidth, height: area.maxY - y - (failure == nil ? 0 : 1)))
        if let failure {
            canvas.writeFitted("Refresh failed: \(failure)", x: x, y: area.maxY - 1, width: tableWidth, style: .warning)
        }
    }
}
