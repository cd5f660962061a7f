import ArgumentParser
import Foundation
import TechFlunkyClient
import TechFlunkyCore

/// `techflunky buy SLUG [--wait]`
struct BuyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "buy",
        abstract: "Start checkout for a listing and print the payment link.",
        discussion: "With --wait, waits until the payment arrives (or the session expires: exit 1); with --json it then prints two lines, the session and the paid order."
    )

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "The listing's slug.", completion: CompletionCandidates.completion(.listings)) var slug: String
    @Flag(name: .long, help: "Wait until the order is paid.") var wait = false
    @Flag(name: .long, help: "Sandbox only: pay at once with the test card (implies --wait).") var payWithTestCard = false
    @Option(name: .long, help: "Idempotency key, to repeat a checkout that may have gone through (default: a new one).")
    var idempotencyKey: String?
    @Option(name: .long, help: ArgumentHelp("An accepted offer of yours on this listing: buy at the agreed price.", valueName: "offer-id"))
    var offer: String?

    func run() async throws {
        try await connection.withClient(signedIn: true) { client in try await buy(client) }
    }

    private func buy(_ client: PlatformClient) async throws {
        let session = try await client.createCheckoutSession(listingSlug: slug, offerId: offer, idempotencyKey: idempotencyKey ?? UUID().uuidString)
        let out = TerminalOutput()
        let waiting = wait || payWithTestCard
        if output.json {
            // Waiting: one compact line per document (the session now, the order once paid), so a
            // script can read the checkout URL before the payment arrives.
            try out.json(session, pretty: !waiting)
        } else {
            out.fields([
                ("Order", session.orderId),
                ("Price", session.amount.formatted),
                ("Platform fee", session.platformFee.formatted),
                ("Seller gets", session.sellerShare.formatted + " after a \(session.holdDays)-day review"),
                ("Pay by", TerminalOutput.date(session.expiresAt)),
            ])
            out.line()
            out.line("Pay here: " + out.paint(TerminalOutput.clean(session.checkoutURL), .cyan))
            out.qrCode(session.checkoutURL)
        }
        if payWithTestCard { try await client.sandboxPay(orderId: session.orderId) }
        guard waiting else { return }
        if !output.json { TerminalOutput.note("Waiting for the payment… (Ctrl-C stops waiting; the order stays open)") }
        let order = try await OrderWaiter.waitForPayment(client: client, orderId: session.orderId)
        if output.json { return try out.json(order, pretty: false) }
        switch order.state {
        case .expired:
            throw ClientError.configuration("the checkout session expired before payment; run `techflunky buy \(slug)` again")
        case .pendingPayment:
            break
        default:
            out.line(out.paint("Paid.", .green) + " Deploy it with: techflunky deploy \(TerminalOutput.clean(order.id)) --account-id <cloudflare account id>")
        }
    }
}

enum OrderWaiter {
    /// Polls the order until it leaves `pending_payment`: after 0.5 s, 1 s, 2 s, then every 3 s.
    static let polling = RetryPolicy(maxAttempts: .max, baseDelay: 0.5, maxDelay: 3, jitter: .none)

    static func waitForPayment(client: PlatformClient, orderId: String) async throws -> Order {
        var attempt = 0
        while true {
            attempt += 1
            let order = try await client.order(id: orderId)
            if order.state != .pendingPayment { return order }
            try await Task.sleep(nanoseconds: UInt64(polling.backoff(afterAttempt: attempt) * 1_000_000_000))
        }
    }
}

/// `techflunky orders`
struct OrdersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "orders", abstract: "Your orders, their payment state and deployments.")

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let orders = try await connection.withClient(signedIn: true) { try await $0.orders() }
        let out = TerminalOutput()
        if output.json { return try out.json(OrdersResponse(orders: orders)) }
        if orders.isEmpty { return out.line("No orders yet. Find a business with `techflunky listings`.") }
        out.table([
            // Ids, states and dates are never cut (maxWidth nil); on a narrow terminal DEPLOYMENT goes, LISTING gives way.
            .init(title: "ORDER", maxWidth: nil), .init(title: "STATE", maxWidth: nil), .init(title: "AMOUNT", alignRight: true),
            .init(title: "PAID", maxWidth: nil), .init(title: "DEPLOYMENT"), .init(title: "VERSION", maxWidth: nil), .init(title: "LISTING", maxWidth: 50),
        ], orders.map { order in
            let deployment = order.deployments.first.map { "\($0.id) \($0.state.rawValue)" } ?? "—"
            let version = order.updateAvailable ? "\(order.deployedVersion ?? "?") → \(order.latestVersion ?? "?") update available"
                : (order.deployedVersion ?? "—")
            return [order.id, order.state.rawValue, order.amount.formatted, TerminalOutput.date(order.paidAt), deployment, version, order.listingTitle]
        })
        let updatable = orders.filter(\.updateAvailable)
        if !updatable.isEmpty {
            out.line()
            out.line("\(updatable.count) update\(updatable.count == 1 ? "" : "s") available: techflunky update \(TerminalOutput.clean(updatable[0].id))")
        }
    }
}

/// `techflunky payouts`
struct PayoutsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "payouts", abstract: "Your sales: gross, fee, net, hold state and totals.")

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let response = try await connection.withClient(signedIn: true) { try await $0.payouts() }
        let out = TerminalOutput()
        if output.json { return try out.json(response) }
        if response.payouts.isEmpty { return out.line("No sales yet.") }
        out.table([
            .init(title: "ORDER", maxWidth: nil), .init(title: "GROSS", alignRight: true), .init(title: "FEE", alignRight: true),
            .init(title: "NET", alignRight: true), .init(title: "STATE"), .init(title: "HOLD UNTIL", maxWidth: nil),
            .init(title: "LISTING", maxWidth: 40),
        ], response.payouts.map { payout in
            let state = payout.reason.map { "\(payout.state.rawValue) (\($0))" } ?? payout.state.rawValue
            return [payout.orderId, payout.gross.formatted, payout.fee.formatted, payout.net.formatted, state,
                    TerminalOutput.date(payout.holdUntil), payout.listingTitle]
        })
        out.line()
        for total in response.totals where total.count > 0 {
            out.line("\(TerminalOutput.clean(total.state.rawValue)): \(total.count) sale\(total.count == 1 ? "" : "s"), \(total.amount.formatted) net")
        }
    }
}

/// `techflunky seller onboard`, `techflunky seller status`
struct SellerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "seller", abstract: "Selling: Stripe onboarding.",
                                                    subcommands: [SellerOnboardCommand.self, SellerStatusCommand.self])
}

/// The seller's Stripe account as it stands (what the onboarding return page tells them to check).
struct SellerStatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Show where your Stripe seller account stands.")

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let status = try await connection.withClient(signedIn: true) { try await $0.sellerAccount() }
        let out = TerminalOutput()
        if output.json { return try out.json(status) }
        SellerOnboardCommand.print(status, out: out)
        if !status.onboardingComplete, status.onboardingURL == nil {
            out.line()
            out.line("Run `techflunky seller onboard` for a link to finish onboarding.")
        }
    }
}

struct SellerOnboardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "onboard", abstract: "Create your seller account and print the onboarding link.")

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let status = try await connection.withClient(signedIn: true) { try await $0.createSellerAccount() }
        let out = TerminalOutput()
        if output.json { return try out.json(status) }
        Self.print(status, out: out)
    }

    static func print(_ status: SellerAccountStatus, out: TerminalOutput) {
        out.fields([
            ("Stripe account", status.stripeAccountId ?? "—"),
            ("Details", status.detailsSubmitted ? "submitted" : "not submitted"),
            ("Charges", status.chargesEnabled ? "enabled" : "not enabled"),
            ("Payouts", status.payoutsEnabled ? "enabled" : "not enabled"),
        ])
        if status.onboardingComplete {
            out.line(out.paint("Onboarding complete.", .green) + " Publish with `techflunky package publish DIR`.")
        } else if let link = status.onboardingURL {
            out.line()
            out.line("Finish onboarding here: " + out.paint(TerminalOutput.clean(link), .cyan))
            out.qrCode(link)
        }
    }
}
