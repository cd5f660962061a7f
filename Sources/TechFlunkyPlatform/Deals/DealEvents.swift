import Foundation
import TechFlunkyCore

/// The one place an answered offer and an answered question are announced: logged, and told to the other side
/// through the per-account notifications (`NotificationService`): the buyer when the seller accepts, declines or
/// counters; the seller when the buyer does (or withdraws); the asker when the seller answers a question. A failure
/// to notify is logged and never undoes the answer, which is already committed.
enum DealEvents {
    /// `offer` was accepted, declined, countered or withdrawn by `by`; `counter` is the new offer when countered.
    static func offerAnswered(_ offer: StoredOffer, with answer: DealRules.Answer, by: OfferParty, counter: StoredOffer?,
                              services: PlatformServices) async {
        services.logger.info("offer answered", metadata: [
            "offer": "\(offer.id)", "answer": "\(answer.rawValue)", "by": "\(by.rawValue)", "listing": "\(offer.listingSlug)",
            "counter": "\(counter?.id ?? "-")",
        ])
        let recipient = by == .seller ? offer.buyerId : offer.sellerId
        let who = by == .seller ? "The seller" : "The buyer"
        let message = switch answer {
        case .accept: "\(who) accepted the offer of \(offer.amount.formatted) for \(offer.listingTitle)"
        case .decline: "\(who) declined the offer of \(offer.amount.formatted) for \(offer.listingTitle)"
        case .counter: "\(who) countered with \(counter?.amount.formatted ?? "a new amount") for \(offer.listingTitle)"
        case .withdraw: "\(who) withdrew the offer of \(offer.amount.formatted) for \(offer.listingTitle)"
        }
        await notify(recipient, .offerAnswered, message, slug: offer.listingSlug, reference: counter?.id ?? offer.id, services: services)
    }

    /// The seller answered `question` (and it may be published); the asker is the one to tell.
    static func questionAnswered(_ question: StoredQuestion, services: PlatformServices) async {
        services.logger.info("question answered", metadata: [
            "question": "\(question.id)", "listing": "\(question.listingSlug)", "published": "\(question.publishedAt != nil)",
        ])
        await notify(question.askerId, .questionAnswered, "The seller answered your question about \(question.listingTitle)",
                     slug: question.listingSlug, reference: question.id, services: services)
    }

    private static func notify(_ accountId: String, _ kind: NotificationKind, _ message: String, slug: String, reference: String,
                               services: PlatformServices) async {
        do {
            try await services.notifications.notify(accountId: accountId, kind: kind, message: message, listingSlug: slug, referenceId: reference)
        } catch {
            services.logger.error("could not notify", metadata: ["account": "\(accountId)", "kind": "\(kind.rawValue)", "error": "\(error)"])
        }
    }
}

extension PlatformError {
    /// A rule's refusal as an API error: a malformed value is 422, a request the state refuses 409.
    init(_ refusal: DealRules.Refusal) {
        let unprocessable = [APIErrorCode.validation, APIErrorCode.offerAtOrAbovePrice].contains(refusal.code)
        self.init(unprocessable ? .unprocessableContent : .conflict, code: refusal.code, message: refusal.message, field: refusal.field)
    }
}
