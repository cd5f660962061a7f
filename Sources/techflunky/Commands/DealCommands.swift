import ArgumentParser
import Foundation
import TechFlunkyClient
import TechFlunkyCore
import TechFlunkyText

// Offers and questions from the command line (gh style):
//   techflunky offer SLUG --amount 40k [--expires 7d] [--message TEXT]
//   techflunky offer accept|decline|withdraw ID,  techflunky offer counter ID --amount 45k,  techflunky offer show ID
//   techflunky offers [--all] [--json]
//   techflunky ask SLUG TEXT,  techflunky questions [SLUG] [--json],  techflunky answer ID TEXT [--publish]
//   techflunky question publish|unpublish ID
//   techflunky buy SLUG --offer ID   (an accepted offer's checkout, at the agreed price)

/// An amount a person types in dollars (`40k`, `39,500`, `1.2m`), as money in the listing's currency.
struct DollarAmount: ExpressibleByArgument {
    let minorUnits: Int64
    init?(argument: String) {
        guard let value = Money.parseMajorUnits(argument), value > 0 else { return nil }
        minorUnits = value
    }
    static var defaultCompletionKind: CompletionKind { .default }
}

/// A duration like `7d`, `36h`, `1d12h`.
struct ExpiryDuration: ExpressibleByArgument {
    let seconds: Int
    init?(argument: String) {
        guard let value = try? SandboxDuration.seconds(argument) else { return nil }
        seconds = Int(value.rounded())
    }
}

/// `techflunky offer …`
struct OfferCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "offer",
        abstract: "Make an offer on a listing, or answer one (accept, decline, counter, withdraw).",
        discussion: """
            `techflunky offer SLUG --amount 40k` offers $40,000 for a listing (below its asking price); the seller has until
            it expires (--expires, default 7d, on the platform's clock) to accept, decline or counter. `techflunky offers`
            lists yours, made and received. Once accepted, buy at the agreed price with `techflunky buy SLUG --offer ID`.
            """,
        subcommands: [OfferMakeCommand.self, OfferAnswerCommand<Accept>.self, OfferAnswerCommand<Decline>.self,
                      OfferCounterCommand.self, OfferAnswerCommand<Withdraw>.self, OfferShowCommand.self],
        defaultSubcommand: OfferMakeCommand.self
    )

    /// Prints an offer for people: the fields, then what can be done next.
    static func print(_ offer: Offer, now: Date?, out: TerminalOutput) {
        var pairs: [(String, String)] = [
            ("Offer", offer.id),
            ("Listing", "\(offer.listingTitle) (\(offer.listingSlug))"),
            ("Amount", "\(offer.amount.formatted) (asking \(offer.askingPrice.formatted))"),
            ("From", offer.from == .buyer ? "buyer \(offer.buyerName)" : "seller \(offer.sellerName)"),
            ("State", offer.state.rawValue),
        ]
        if offer.state == .open { pairs.append(("Expires", TerminalOutput.date(offer.expiresAt) + (now.map { " (in \(left(offer.expiresAt, now: $0)))" } ?? ""))) }
        if let message = offer.message { pairs.append(("Message", message)) }
        if let order = offer.orderId { pairs.append(("Order", order)) }
        out.fields(pairs)
        if let next = nextStep(offer) { out.line(); out.line(next) }
    }

    static func nextStep(_ offer: Offer) -> String? {
        let id = TerminalOutput.clean(offer.id)
        if offer.awaitsYou { return "Answer it: techflunky offer accept|decline \(id), or techflunky offer counter \(id) --amount AMOUNT" }
        if offer.state == .open { return "Waiting for the \(offer.from == .buyer ? "seller" : "buyer"); techflunky offer withdraw \(id) takes it back." }
        if offer.canCheckOut && offer.orderId == nil {
            return "Agreed. Buy at this price: techflunky buy \(TerminalOutput.clean(offer.listingSlug)) --offer \(id)"
        }
        return nil
    }

    /// `2d 4h`, `35m`, or `expired` (rounded up to the minute, so a fresh 2-day offer reads `2d`).
    static func left(_ date: Date, now: Date) -> String {
        let interval = date.timeIntervalSince(now)
        guard interval > 0 else { return "expired" }
        let minutes = Int((interval / 60).rounded(.up))
        let d = minutes / 1_440, h = minutes % 1_440 / 60, m = minutes % 60
        if d > 0 { return h > 0 ? "\(d)d \(h)h" : "\(d)d" }
        if h > 0 { return m > 0 ? "\(h)h \(m)m" : "\(h)h" }
        return "\(m)m"
    }
}

struct OfferMakeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "make", abstract: "Offer less than the asking price for a listing (the default).")

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "The listing's slug.") var slug: String
    @Option(name: .long, help: ArgumentHelp("What you offer, in dollars: 40k, 39500, 1.2m.", valueName: "amount")) var amount: DollarAmount
    @Option(name: .long, help: ArgumentHelp("How long the seller has to answer: 1h to 30d (default 7d).", valueName: "duration"))
    var expires: ExpiryDuration?
    @Option(name: .long, help: "A note to the seller.") var message: String?

    func validate() throws {
        if let expires, case let .failure(refusal) = DealRules.expiry(expires.seconds) { throw ValidationError(refusal.message) }
        if let message, let refusal = DealRules.checkText(message, field: "message", max: DealRules.maxMessageLength, what: "the message") {
            throw ValidationError(refusal.message)
        }
    }

    func run() async throws {
        let (offer, clock) = try await connection.withClient(signedIn: true) { client in
            let listing = try await client.listing(slug: slug)
            let offer = try await client.makeOffer(MakeOfferRequest(listingSlug: slug, amount: Money(minorUnits: amount.minorUnits, currency: listing.summary.askingPrice.currency),
                                                                    expiresInSeconds: expires?.seconds, message: message))
            return (offer, try? await client.offers().now)
        }
        let out = TerminalOutput()
        if output.json { return try out.json(offer) }
        OfferCommand.print(offer, now: clock, out: out)
    }
}

protocol OfferAnswerKind: Sendable {
    static var answer: DealRules.Answer { get }
    static var abstract: String { get }
}
enum Accept: OfferAnswerKind {
    static let answer = DealRules.Answer.accept
    static let abstract = "Accept an offer from the other side (the buyer then checks out at its price)."
}
enum Decline: OfferAnswerKind {
    static let answer = DealRules.Answer.decline
    static let abstract = "Decline an offer from the other side."
}
enum Withdraw: OfferAnswerKind {
    static let answer = DealRules.Answer.withdraw
    static let abstract = "Take back your own open offer before it is answered."
}

/// `techflunky offer accept|decline|withdraw ID`
struct OfferAnswerCommand<Kind: OfferAnswerKind>: AsyncParsableCommand {
    static var configuration: CommandConfiguration { CommandConfiguration(commandName: Kind.answer.rawValue, abstract: Kind.abstract) }

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "The offer's id (off_…).") var id: String

    func run() async throws {
        let offer = try await connection.withClient(signedIn: true) { try await $0.answerOffer(id: id, Kind.answer) }
        let out = TerminalOutput()
        if output.json { return try out.json(offer) }
        OfferCommand.print(offer, now: nil, out: out)
    }
}

/// `techflunky offer counter ID --amount 45k`
struct OfferCounterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "counter", abstract: "Answer an offer with another price.")

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "The offer's id (off_…).") var id: String
    @Option(name: .long, help: ArgumentHelp("Your price, in dollars: 45k, 44500.", valueName: "amount")) var amount: DollarAmount
    @Option(name: .long, help: ArgumentHelp("How long the other side has to answer: 1h to 30d (default 7d).", valueName: "duration"))
    var expires: ExpiryDuration?
    @Option(name: .long, help: "A note with your counter offer.") var message: String?

    func validate() throws {
        if let expires, case let .failure(refusal) = DealRules.expiry(expires.seconds) { throw ValidationError(refusal.message) }
        if let message, let refusal = DealRules.checkText(message, field: "message", max: DealRules.maxMessageLength, what: "the message") {
            throw ValidationError(refusal.message)
        }
    }

    func run() async throws {
        let counter = try await connection.withClient(signedIn: true) { client in
            let offer = try await client.offer(id: id)
            return try await client.counterOffer(id: id, CounterOfferRequest(amount: Money(minorUnits: amount.minorUnits, currency: offer.amount.currency),
                                                                             expiresInSeconds: expires?.seconds, message: message))
        }
        let out = TerminalOutput()
        if output.json { return try out.json(counter) }
        OfferCommand.print(counter, now: nil, out: out)
    }
}

/// `techflunky offer show ID`: the offer and its whole thread.
struct OfferShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Show an offer and the thread it belongs to.")

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "The offer's id (off_…).") var id: String

    func run() async throws {
        let (offer, all) = try await connection.withClient(signedIn: true) { client in (try await client.offer(id: id), try await client.offers()) }
        let out = TerminalOutput()
        if output.json { return try out.json(OffersResponse(offers: all.thread(offer.threadId), now: all.now)) }
        OfferCommand.print(offer, now: all.now, out: out)
        let thread = all.thread(offer.threadId)
        guard thread.count > 1 else { return }
        out.line()
        out.table([.init(title: "OFFER", maxWidth: nil), .init(title: "FROM", maxWidth: nil), .init(title: "AMOUNT", alignRight: true),
                   .init(title: "STATE", maxWidth: nil), .init(title: "MADE", maxWidth: nil), .init(title: "MESSAGE")],
                  thread.map { [$0.id, $0.from.rawValue, $0.amount.formatted, $0.state.rawValue, TerminalOutput.date($0.createdAt), $0.message ?? ""] })
    }
}

/// `techflunky offers`
struct OffersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "offers", abstract: "Your offers, made and received: the latest of each thread (--all: every offer).")

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions
    @Flag(name: .long, help: "Every offer, not only the latest of each thread.") var all = false

    func run() async throws {
        let response = try await connection.withClient(signedIn: true) { try await $0.offers() }
        let offers = all ? response.offers : response.latestPerThread
        let out = TerminalOutput()
        if output.json { return try out.json(OffersResponse(offers: offers, now: response.now)) }
        if offers.isEmpty { return out.line("No offers yet. Make one with `techflunky offer SLUG --amount 40k`.") }
        out.table([
            .init(title: "OFFER", maxWidth: nil), .init(title: "SIDE", maxWidth: nil), .init(title: "AMOUNT", alignRight: true),
            .init(title: "ASKING", alignRight: true), .init(title: "STATE", maxWidth: nil), .init(title: "EXPIRES", maxWidth: nil),
            .init(title: "WITH"), .init(title: "LISTING", maxWidth: 50),
        ], offers.map { o in
            let side = o.yourRole == .buyer ? "buying" : "selling"
            let state = o.awaitsYou ? "open · your turn" : (o.state == .open ? "open · their turn" : o.state.rawValue)
            let expires = o.state == .open ? OfferCommand.left(o.expiresAt, now: response.now) : "—"
            return [o.id, side, o.amount.formatted, o.askingPrice.formatted, state, expires,
                    o.yourRole == .buyer ? o.sellerName : o.buyerName, o.listingTitle]
        })
        let waiting = offers.filter(\.awaitsYou).count
        if waiting > 0 { out.line(); out.line("\(waiting) waiting for your answer: techflunky offer accept|decline|counter ID") }
    }
}

/// `techflunky ask SLUG TEXT`
struct AskCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ask", abstract: "Ask a listing's seller a question.",
                                                    discussion: "The seller answers in their inbox; you see the answer with `techflunky questions`.")

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "The listing's slug.") var slug: String
    @Argument(help: "The question.") var text: String

    func validate() throws {
        if let refusal = DealRules.checkText(text, field: "text", max: DealRules.maxQuestionLength, what: "the question") { throw ValidationError(refusal.message) }
    }

    func run() async throws {
        let question = try await connection.withClient(signedIn: true) { try await $0.askQuestion(slug: slug, text: text) }
        let out = TerminalOutput()
        if output.json { return try out.json(question) }
        out.line("Asked (\(TerminalOutput.clean(question.id))). The seller's answer will show in `techflunky questions`.")
    }
}

/// `techflunky questions [SLUG]`
struct QuestionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "questions",
        abstract: "Questions: a listing's (public ones and yours), or without SLUG your inbox (asked, and on your listings).")

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "A listing's slug.") var slug: String?

    func run() async throws {
        let questions = try await connection.withClient(signedIn: slug == nil) { client in
            if let slug { try await client.listingQuestions(slug: slug) } else { try await client.questions() }
        }
        let out = TerminalOutput()
        if output.json { return try out.json(QuestionsResponse(questions: questions)) }
        if questions.isEmpty {
            return out.line(slug == nil ? "No questions yet. Ask one with `techflunky ask SLUG \"…\"`."
                                        : "No questions answered in public yet. Ask one with `techflunky ask \(TerminalOutput.clean(slug)) \"…\"`.")
        }
        for (n, q) in questions.enumerated() {
            if n > 0 { out.line() }
            var header = "\(q.id)  \(q.stateText)"
            if slug == nil { header += "  \(q.listingTitle)" }
            if q.askedByYou { header += "  (you asked)" } else if q.awaitsYourAnswer { header += "  (your listing: techflunky answer \(q.id) \"…\")" }
            out.line(out.paint(TerminalOutput.clean(header), .bold))
            Self.paragraph("Q: ", q.text, out: out)
            if let answer = q.answer { Self.paragraph("A: ", answer, out: out) }
        }
    }

    /// Text a person wrote, its lines kept (each made safe), the first after `label`.
    static func paragraph(_ label: String, _ text: String, out: TerminalOutput) {
        for (i, line) in TextSanitizer.multiline(text).split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            out.line((i == 0 ? label : String(repeating: " ", count: label.count)) + line)
        }
    }
}

/// `techflunky answer ID TEXT [--publish]`
struct AnswerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "answer", abstract: "Answer a question on your listing (--publish: and show it to every buyer).",
        discussion: "Without --publish only the asker sees the answer until you run `techflunky question publish ID`.")

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "The question's id (qst_…).") var id: String
    @Argument(help: "Your answer.") var text: String
    @Flag(name: .long, help: "Also publish it on the listing.") var publish = false

    func validate() throws {
        if let refusal = DealRules.checkText(text, field: "answer", max: DealRules.maxAnswerLength, what: "the answer") { throw ValidationError(refusal.message) }
    }

    func run() async throws {
        let question = try await connection.withClient(signedIn: true) { try await $0.answerQuestion(id: id, answer: text, publish: publish ? true : nil) }
        let out = TerminalOutput()
        if output.json { return try out.json(question) }
        out.line(question.published ? "Answered; every buyer sees it on the listing."
                                    : "Answered; the asker sees it. Publish it for every buyer: techflunky question publish \(TerminalOutput.clean(question.id))")
    }
}

/// `techflunky question publish|unpublish ID`
struct QuestionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "question", abstract: "Publish an answered question on your listing, or hide it again.",
                                                    subcommands: [QuestionPublishCommand<Publish>.self, QuestionPublishCommand<Unpublish>.self])
}

protocol PublishKind: Sendable {
    static var name: String { get }
    static var published: Bool { get }
    static var abstract: String { get }
}
enum Publish: PublishKind {
    static let name = "publish", abstract = "Show an answered question to every buyer on the listing."
    static let published = true
}
enum Unpublish: PublishKind {
    static let name = "unpublish", abstract = "Hide a published question again (its asker still sees it)."
    static let published = false
}

struct QuestionPublishCommand<Kind: PublishKind>: AsyncParsableCommand {
    static var configuration: CommandConfiguration { CommandConfiguration(commandName: Kind.name, abstract: Kind.abstract) }

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "The question's id (qst_…).") var id: String

    func run() async throws {
        let question = try await connection.withClient(signedIn: true) { try await $0.publishQuestion(id: id, Kind.published) }
        let out = TerminalOutput()
        if output.json { return try out.json(question) }
        out.line(question.published ? "Published: every buyer sees it on the listing." : "Hidden: only its asker sees it now.")
    }
}
