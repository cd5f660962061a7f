import Foundation
import TechFlunkyCore
import TechFlunkyText

/// Buying a listing: the price breakdown (platform fee, seller's share, review hold), then a Stripe Checkout
/// session, its hosted URL and a QR code of it, and a live wait for the payment. In the sandbox `p` pays with
/// the test card. When paid, Enter opens the deploy form.
///
/// One purchase attempt has one idempotency key, made when the pane opens: pressing the key twice, or retrying
/// after a failed request, sends the same key, so the platform creates one session and one order.
public struct CheckoutPane: Pane {
    public enum Action: Sendable, Hashable { case confirm, payWithTestCard, checkNow, deploy, startOver, copyURL }

    /// Where the purchase stands.
    public enum Phase: Sendable, Hashable {
        /// The breakdown, waiting for the buyer to continue.
        case review
        case creating
        /// Creating the session failed; continuing again retries with the same key.
        case createFailed(String)
        /// The platform refused the purchase itself (already owned, your own listing, gone): no retry.
        case refused(String)
        /// The session exists; polling the order until it is paid.
        case waiting
        case paid
        /// The session expired unpaid, or the order was refunded or disputed.
        case closed(OrderState)
    }

    public let kind = PaneKind.checkout
    public let listingSlug: String
    public let listingTitle: String
    public let price: Money
    /// The accepted offer this checkout buys at (its price is `price`); nil buys at the asking price.
    public let offerId: String?
    let feePolicy: FeePolicy
    public private(set) var idempotencyKey: String
    public private(set) var phase: Phase
    public private(set) var session: CheckoutSessionResponse? { didSet { deriveCheckoutQR() } }
    /// The platform's clock when the session arrived and this machine's then, so the time left is counted on the
    /// platform's clock (the sandbox's can be days from this machine's); nil when the platform did not say.
    public private(set) var sessionClock: PayoutsCountdown?
    public private(set) var order: Order? { didSet { deriveCheckoutQR() } }
    /// The hosted page's QR code, encoded when the URL arrives or changes (not on every frame).
    public private(set) var checkoutQR: FittingQRCode?
    public private(set) var isSandbox = false
    /// A problem with polling or the sandbox payment, shown under the wait (the wait goes on).
    public private(set) var notice: String?
    var createRequest: RequestID?
    var pollRequest: RequestID?
    var pollTimer: TimerID?
    var payRequest: RequestID?
    var meRequest: RequestID?

    /// How often the order is checked while waiting for payment.
    public static let pollInterval: Duration = .seconds(2)

    /// A new purchase of `listing`.
    public init(listing: ListingSummary, feePolicy: FeePolicy = .standard, idempotencyKey: String = UUID().uuidString) {
        listingSlug = listing.slug
        listingTitle = listing.title
        price = listing.askingPrice
        offerId = nil
        self.feePolicy = feePolicy
        self.idempotencyKey = idempotencyKey
        phase = .review
    }

    /// Buying at the price of an accepted offer (from the Inbox): fee and hold come from that price.
    public init(acceptedOffer offer: Offer, feePolicy: FeePolicy = .standard, idempotencyKey: String = UUID().uuidString) {
        listingSlug = offer.listingSlug
        listingTitle = offer.listingTitle
        price = offer.amount
        offerId = offer.id
        self.feePolicy = feePolicy
        self.idempotencyKey = idempotencyKey
        phase = .review
    }

    /// Back to an order already created (from the orders pane): its hosted URL and the wait.
    public init(resuming order: Order, feePolicy: FeePolicy = .standard) {
        listingSlug = order.listingSlug
        listingTitle = order.listingTitle
        price = order.amount
        offerId = nil
        self.feePolicy = feePolicy
        idempotencyKey = ""
        self.order = order
        phase = order.isDeployable ? .paid : (order.state == .pendingPayment ? .waiting : .closed(order.state))
        deriveCheckoutQR()  // property observers do not run in an initialiser
    }

    private mutating func deriveCheckoutQR() {
        guard checkoutQR?.text != checkoutURL else { return }
        checkoutQR = checkoutURL.map(FittingQRCode.init)
    }

    public var title: String { "Checkout" }
    public var isAnimating: Bool { phase == .creating || phase == .waiting }

    /// The hosted checkout page, from the session or the order being resumed.
    public var checkoutURL: String? { session?.checkoutURL ?? order?.checkoutURL }

    public func keyMap() -> [KeyBinding<Action>] {
        var keys: [KeyBinding<Action>] = []
        switch phase {
        case .review, .createFailed:
            keys.append(KeyBinding([.enter, .char("b")], phase == .review ? "continue to payment" : "try again", .confirm))
        case .creating:
            keys.append(KeyBinding([.enter, .char("b")], "continue to payment", .confirm,
                                   disabled: "the checkout session is being created"))
        case .waiting:
            keys.append(KeyBinding([.enter, .char("b")], "continue to payment", .confirm, footer: false,
                                   disabled: "already waiting for your payment"))
            keys.append(KeyBinding([.char("p")], "pay with test card", .payWithTestCard, footer: isSandbox,
                                   disabled: !isSandbox ? "only in the sandbox" : (payRequest != nil ? "paying…" : nil)))
            keys.append(KeyBinding([.char("r")], "check now", .checkNow))
            keys.append(KeyBinding([.char("y")], "copy link", .copyURL, disabled: checkoutURL == nil ? "no link yet" : nil))
        case .paid:
            keys.append(KeyBinding([.enter, .char("d")], "deploy now", .deploy))
        case .closed:
            keys.append(KeyBinding([.char("n")], "start a new checkout", .startOver))
        case .refused:
            break
        }
        return keys
    }

    public mutating func start(_ ctx: inout PaneContext) -> [PaneCommand] {
        let me = ctx.newRequestID()
        meRequest = me
        var commands: [PaneCommand] = [.request(me, .me)]
        if phase == .waiting { commands += poll(&ctx) }
        return commands
    }

    public mutating func perform(_ action: Action, _ ctx: inout PaneContext) -> [PaneCommand] {
        switch action {
        case .copyURL:
            return checkoutURL.map { [.copy($0)] } ?? []
        case .confirm:
            switch phase {
            case .review, .createFailed:
                let id = ctx.newRequestID()
                createRequest = id
                phase = .creating
                if let offerId {
                    return [.request(id, .createOfferCheckoutSession(listingSlug: listingSlug, offerId: offerId, idempotencyKey: idempotencyKey))]
                }
                return [.request(id, .createCheckoutSession(listingSlug: listingSlug, idempotencyKey: idempotencyKey))]
            default:
                return []
            }
        case .payWithTestCard:
            guard phase == .waiting, isSandbox, payRequest == nil, let orderId = currentOrderId else { return [] }
            let id = ctx.newRequestID()
            payRequest = id
            notice = nil
            return [.request(id, .sandboxPay(orderId: orderId))]
        case .checkNow:
            guard phase == .waiting else { return [] }
            return poll(&ctx)
        case .deploy:
            guard phase == .paid, let order else { return [] }
            return [.push(DeployFormPane(order: order))]
        case .startOver:
            guard case .closed = phase else { return [] }
            // A new attempt is a new purchase: a new key.
            idempotencyKey = UUID().uuidString
            session = nil
            order = nil
            notice = nil
            phase = .review
            return []
        }
    }

    var currentOrderId: String? { session?.orderId ?? order?.id }

    mutating func poll(_ ctx: inout PaneContext) -> [PaneCommand] {
        guard let orderId = currentOrderId else { return [] }
        pollTimer = nil
        let id = ctx.newRequestID()
        pollRequest = id
        return [.request(id, .order(id: orderId))]
    }

    mutating func schedulePoll(_ ctx: inout PaneContext) -> [PaneCommand] {
        guard phase == .waiting, pollRequest == nil, pollTimer == nil else { return [] }
        let timer = ctx.newTimerID()
        pollTimer = timer
        return [.timer(timer, after: CheckoutPane.pollInterval)]
    }

    public mutating func receive(_ message: Message, _ ctx: inout PaneContext) -> [PaneCommand] {
        switch message {
        case let .response(id, result) where id == meRequest:
            meRequest = nil
            if case let .success(.me(me)) = result { isSandbox = me.sandbox }
            return []
        case let .response(id, result) where id == createRequest:
            createRequest = nil
            switch result {
            case let .success(.checkoutSession(created)):
                session = created
                sessionClock = created.now.map { PayoutsCountdown(platformNow: $0, receivedAt: ctx.now) }
                phase = .waiting
                return schedulePoll(&ctx)
            case let .failure(failure):
                let final = [APIErrorCode.alreadyOwned, APIErrorCode.ownListing, APIErrorCode.notFound, APIErrorCode.validation,
                             APIErrorCode.offerNotAccepted, APIErrorCode.listingNotForSale]
                phase = final.contains(failure.code ?? "") ? .refused(failure.message) : .createFailed(failure.message)
            case .success:
                phase = .createFailed("unexpected answer from the platform")
            }
            return []
        case let .response(id, result) where id == pollRequest:
            pollRequest = nil
            switch result {
            case let .success(.order(fresh)):
                order = fresh
                notice = nil
                if fresh.isDeployable {
                    phase = .paid
                } else if fresh.state != .pendingPayment {
                    phase = .closed(fresh.state)
                }
            case let .failure(failure):
                notice = "Could not check the payment (\(failure.message)); trying again."
            case .success:
                break
            }
            return schedulePoll(&ctx)
        case let .response(id, result) where id == payRequest:
            payRequest = nil
            if case let .failure(failure) = result {
                notice = "The test payment failed: \(failure.message)"
                return []
            }
            // Paid on the hosted page's side; the order turns paid when the webhook lands: look now.
            return pollRequest == nil ? poll(&ctx) : []
        case let .timerFired(id) where id == pollTimer:
            pollTimer = nil
            return phase == .waiting ? poll(&ctx) : []
        default:
            return []
        }
    }

    // MARK: Rendering

    /// The breakdown and the state of the purchase, wrapped to `width`.
    public func lines(width: Int, now: Date, frame: Int) -> [StyledLine] {
        var out: [StyledLine] = []
        out += StyledLine.wrapped(listingTitle, width: width, style: CellStyle(.accent, bold: true))
        if let offerId {
            out += StyledLine.wrapped("At the price agreed in offer \(offerId).", width: width, style: .success)
        }
        out.append(.blank)
        func row(_ name: String, _ value: String, _ style: CellStyle = .text) -> StyledLine {
            StyledLine([StyledSpan(TextLayout.fit(name, to: 20), .muted), StyledSpan(value, style)])
        }
        // The platform's figures once it has them; before that, the same policy computed here.
        typealias Split = (amount: Money, platformFee: Money, sellerShare: Money)
        let split: Split? = session.map { ($0.amount, $0.platformFee, $0.sellerShare) }
            ?? order.map { ($0.amount, $0.platformFee, $0.sellerShare) }
            ?? (try? feePolicy.split(price)).map { ($0.amount, $0.platformFee, $0.sellerShare) }
        let holdDays = session?.holdDays ?? feePolicy.holdDays
        if let split {
            out.append(row("Price", split.amount.formatted, CellStyle(.text, bold: true)))
            out.append(row("Platform fee \(feePolicy.platformFeePercent) %", split.platformFee.formatted, .muted))
            out.append(row("Seller receives", split.sellerShare.formatted))
        }
        out.append(row("Review period", "\(holdDays) days"))
        out += StyledLine.wrapped("The seller is paid \(holdDays) days after your payment if nothing is wrong; a refund "
                                  + "or a failed deployment holds the money.", width: width, style: .muted)
        out.append(.blank)

        switch phase {
        case .review:
            out += StyledLine.wrapped("Press Enter to continue to payment. This opens a Stripe Checkout session; "
                                      + "nothing is charged until you pay on its page.", width: width)
        case .creating:
            out.append(StyledLine([StyledSpan(SpinnerWidget.frame(frame) + " ", .accent),
                                   StyledSpan("Creating the checkout session…", .text)]))
        case let .createFailed(message):
            out += StyledLine.wrapped("Could not create the checkout session: \(message)", width: width, style: .error)
            out += StyledLine.wrapped("Press Enter to try again (you will not be charged twice).", width: width, style: .muted)
        case let .refused(message):
            out += StyledLine.wrapped("This purchase is not possible: \(message)", width: width, style: .error)
            out += StyledLine.wrapped("Your purchases are in the Orders tab (2).", width: width, style: .muted)
        case .waiting:
            // The link itself is drawn whole on the pane's first row (`render`), never wrapped, so it can be copied.
            out += StyledLine.wrapped(checkoutURL == nil ? "Waiting for the checkout page's link…"
                                                         : "Pay on the hosted checkout page linked above (y copies the link).",
                                      width: width)
            out.append(.blank)
            out.append(StyledLine([StyledSpan(SpinnerWidget.frame(frame) + " ", .accent),
                                   StyledSpan("Waiting for your payment…", .text)]))
            if let expires = session?.expiresAt {
                let left = sessionClock?.remaining(until: expires, localNow: now) ?? expires.timeIntervalSince(now)
                out.append(StyledLine(left > 0 ? "The session expires in \(PayoutsCountdown.format(left) ?? "<1m")."
                                               : "The session has expired.", .muted))
            }
            if isSandbox {
                out += StyledLine.wrapped(payRequest == nil ? "Sandbox: press p to pay with the test card 4242 4242 4242 4242."
                                                            : "Paying with the test card…", width: width, style: .warning)
            }
            if let notice { out += StyledLine.wrapped(notice, width: width, style: .warning) }
        case .paid:
            let paid = order?.paidAt.map { " on " + DisplayFormat.minute($0, in: DisplayFormat.utc) + " UTC" } ?? ""
            out.append(StyledLine([StyledSpan("✔ ", .success), StyledSpan("Payment received\(paid).", CellStyle(.success, bold: true))]))
            out += StyledLine.wrapped("Press Enter to deploy the business into your Cloudflare account now, or do it "
                                      + "later from the Orders tab (2).", width: width)
        case let .closed(state):
            let text = switch state {
            case .expired: "This checkout expired before it was paid."
            case .refunded: "This order was refunded."
            case .disputed: "This order's payment is disputed."
            default: "This order is \(state.rawValue)."
            }
            out.append(StyledLine([StyledSpan("✖ ", .error), StyledSpan(text, .error)]))
            out.append(StyledLine("Press n to start a new checkout.", .muted))
        }
        return out
    }

    public func render(into canvas: inout Canvas, area: Rect, _ ctx: RenderContext) {
        guard area.width > 4, area.height > 0 else { return }
        var area = area
        if phase == .waiting, let url = checkoutURL, area.height > 1 {
            // One line, never wrapped: a terminal can only open or copy a link it sees whole. Wider than the pane it is
            // cut at the edge with `…`; the hyperlink (OSC 8) and `y` still carry all of it.
            let safe = TextSanitizer.line(url)
            let id = canvas.hyperlink(safe)
            canvas.write(TextLayout.truncate(safe, to: area.width - 3), x: area.x + 2, y: area.y, maxWidth: area.width - 3,
                         style: CellStyle(.accent, underline: true, link: id))
            area = Rect(x: area.x, y: area.y + 1, width: area.width, height: area.height - 1)
        }
        let qrCode = phase == .waiting ? checkoutQR : nil
        // The QR code goes to the right of the text when both fit, else below it, else a hint says how much room it needs.
        let textMin = 36
        var textArea = Rect(x: area.x + 2, y: area.y, width: min(72, area.width - 3), height: area.height)
        var qr: (widget: QRCodeWidget, area: Rect)?
        var qrHint: String?
        if let qrCode {
            if let drawing = qrCode.fitting(width: area.width - textMin - 4, height: area.height) {
                let extent = drawing.extent
                textArea.width = min(72, area.width - extent.width - 4)
                qr = (drawing, Rect(x: area.maxX - extent.width - 1, y: area.y, width: extent.width, height: extent.height))
            } else {
                let below = lines(width: textArea.width, now: ctx.now, frame: ctx.frame).count + 1
                if let drawing = qrCode.fitting(width: area.width - 2, height: area.height - below) {
                    qr = (drawing, Rect(x: area.x + 2, y: area.y + below, width: drawing.extent.width, height: drawing.extent.height))
                } else if let need = qrCode.minimumExtent {
                    qrHint = "A QR code of this link needs \(need.width)×\(need.height) cells; enlarge the terminal to scan it."
                }
            }
        }
        var all = lines(width: textArea.width, now: ctx.now, frame: ctx.frame)
        if let qrHint { all += StyledLine.wrapped(qrHint, width: textArea.width, style: .muted) }
        ParagraphWidget(lines: all).render(into: &canvas, area: textArea)
        if let qr { qr.widget.render(into: &canvas, area: qr.area) }
    }
}
