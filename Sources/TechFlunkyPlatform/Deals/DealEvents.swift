import Foundation
import TechFlunkyCore

/// The one place an answered offer and an answered question are announced. Today it logs; the per-user
/// notifications stream hooks in here (an answer reaches the other side of the thread, or the asker).
enum DealEvents {
    /// `offer` was accepted, declined, countered or withdrawn by `by`; `counter` is the new offer when countered.
    static func offerAnswered(_ offer: StoredOffer, with answer: DealRules.Answer, by: OfferParty, counter: StoredOffer?,
                              services: PlatformServices) {
        services.logger.info("offer answered", metadata: [
            "offer": "\(offer.id)", "answer": "\(answer.rawValue)", "by": "\(by.rawValue)", "listing": "\(offer.listingSlug)",
            "counter": "\(counter?.id ?? "-")",
        ])
    }

    /// The seller answered `question` (and it may be published); the asker is the one to tell.
    static func questionAnswered(_ question: StoredQuestion, services: PlatformServices) {
        services.logger.info("question answered", metadata: [
            "question": "\(question.id)", "listing": "\(question.listingSlug)", "published": "\(question.publishedAt != nil)",
        ])
    }
}

extension PlatformError {
    /// A rule's refusal as an API error: a malformed value is 422, a request the state refuses 409.
    init(_ refusal: DealRules.Refusal) {
        let unprocessable = [APIErrorCode.validation, APIErrorCode.offerAtOrAbovePrice].contains(refusal.code)
        self.init(unprocessable ? .unprocessableContent : .conflict, code: refusal.code, message: refusal.message, field: refusal.field)
    }
}
