import Foundation

/// The rules of offers and questions, shared by the platform (which enforces them), the CLI and the TUI (which
/// check what a person typed before sending it). Pure: values in, a refusal or nil out.
public enum DealRules {
    /// How long an offer waits for an answer unless the maker says otherwise, and the bounds.
    public static let defaultExpiry = 7 * 86_400
    public static let minimumExpiry = 3_600
    public static let maximumExpiry = 30 * 86_400
    public static let maxMessageLength = 1_000
    public static let maxQuestionLength = 2_000
    public static let maxAnswerLength = 4_000

    /// Why a person's request cannot be done: an API error code, words that say what to do, the field at fault.
    public struct Refusal: Error, Sendable, Hashable {
        public var code: String
        public var message: String
        public var field: String?
        public init(code: String, message: String, field: String? = nil) {
            self.code = code
            self.message = message
            self.field = field
        }
    }

    /// What a side can do with an offer.
    public enum Answer: String, Sendable, Hashable, CaseIterable {
        case accept, decline, counter, withdraw
    }

    /// An offer's state at `now`: an open offer past its expiry reads `expired`.
    public static func state(_ stored: OfferState, expiresAt: Date, now: Date) -> OfferState {
        stored == .open && now >= expiresAt ? .expired : stored
    }

    /// An offered amount: positive, in the listing's currency, below the asking price.
    public static func checkAmount(_ amount: Money, askingPrice: Money) -> Refusal? {
        guard amount.currency == askingPrice.currency else {
            return Refusal(code: APIErrorCode.validation, message: "the offer must be in \(askingPrice.currency.code), the listing's currency",
                           field: "amount.currency")
        }
        guard amount.minorUnits > 0 else {
            return Refusal(code: APIErrorCode.validation, message: "an offer must be more than \(Money.zero(amount.currency).formatted)", field: "amount")
        }
        guard amount.minorUnits < askingPrice.minorUnits else {
            return Refusal(code: APIErrorCode.offerAtOrAbovePrice,
                           message: "an offer must be below the asking price of \(askingPrice.formatted)",
                           field: "amount")
        }
        return nil
    }

    /// The expiry in seconds (the default when absent) or why it is refused.
    public static func expiry(_ seconds: Int?) -> Result<Int, Refusal> {
        guard let seconds else { return .success(defaultExpiry) }
        guard (minimumExpiry...maximumExpiry).contains(seconds) else {
            return .failure(Refusal(code: APIErrorCode.validation, message: "an offer expires after 1 hour to 30 days (3600 to 2592000 seconds)",
                                    field: "expiresInSeconds"))
        }
        return .success(seconds)
    }

    /// Whether `actor` may answer an offer (made by `from`, stored as `stored`) with `answer` at `now`.
    public static func check(_ answer: Answer, stored: OfferState, from: OfferParty, expiresAt: Date, actor: OfferParty, now: Date) -> Refusal? {
        switch state(stored, expiresAt: expiresAt, now: now) {
        case .open: break
        case .expired:
            return Refusal(code: APIErrorCode.offerExpired, message: "this offer expired unanswered; make a new one")
        case let closed:
            return Refusal(code: APIErrorCode.offerClosed, message: "this offer is already \(closed.rawValue)")
        }
        if answer == .withdraw {
            return actor == from ? nil : Refusal(code: APIErrorCode.notYourTurn, message: "only the side that made an offer can withdraw it; decline it instead")
        }
        guard actor != from else {
            return Refusal(code: APIErrorCode.notYourTurn, message: "this offer is yours: wait for the \(from == .buyer ? "seller" : "buyer")'s answer, or withdraw it")
        }
        return nil
    }

    /// Text a person wrote (a question, an answer, an offer's note): something besides whitespace, at most `max`
    /// characters as JSON Schema counts them (Unicode scalars). The text is kept as written; it is made safe where
    /// it is shown.
    public static func checkText(_ text: String, field: String, max: Int, what: String) -> Refusal? {
        guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            return Refusal(code: APIErrorCode.validation, message: "\(what) is empty", field: field)
        }
        guard text.unicodeScalars.count <= max else {
            return Refusal(code: APIErrorCode.validation, message: "\(what) is longer than \(max) characters", field: field)
        }
        return nil
    }
}
