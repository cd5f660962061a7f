import Foundation
import TechFlunkyCore

/// Offers and questions (`/api/offers`, `/api/questions`, `/api/listings/{slug}/questions`).
extension PlatformClient {
    /// Every offer the signed-in account made or received, and the platform's clock.
    public func offers() async throws -> OffersResponse {
        try await call(.GET, "/api/offers")
    }

    public func offer(id: String) async throws -> Offer {
        try await call(.GET, "/api/offers/\(PercentEncoding.segment(id))")
    }

    /// Offers less than the asking price; `expiresInSeconds` nil is the platform's default (7 days).
    public func makeOffer(_ request: MakeOfferRequest) async throws -> Offer {
        try await call(.POST, "/api/offers", body: request, retryable: false)
    }

    /// Accepts, declines or withdraws an offer; the answer is the offer as it now stands.
    public func answerOffer(id: String, _ answer: DealRules.Answer) async throws -> Offer {
        guard answer != .counter else { throw ClientError.configuration("a counter offer carries an amount: use counterOffer(id:_:)") }
        return try await call(.POST, "/api/offers/\(PercentEncoding.segment(id))/\(answer.rawValue)", body: EmptyBody(), retryable: false)
    }

    /// Answers an offer with another price; the answer is the new (counter) offer.
    public func counterOffer(id: String, _ request: CounterOfferRequest) async throws -> Offer {
        try await call(.POST, "/api/offers/\(PercentEncoding.segment(id))/counter", body: request, retryable: false)
    }

    /// A listing's questions as the caller may see them (public ones; one's own; all of them on one's listing).
    public func listingQuestions(slug: String) async throws -> [Question] {
        let response: QuestionsResponse = try await call(.GET, "/api/listings/\(PercentEncoding.segment(slug))/questions")
        return response.questions
    }

    public func askQuestion(slug: String, text: String) async throws -> Question {
        try await call(.POST, "/api/listings/\(PercentEncoding.segment(slug))/questions", body: AskQuestionRequest(text: text), retryable: false)
    }

    /// Questions the signed-in account asked, and the questions on its listings.
    public func questions() async throws -> [Question] {
        let response: QuestionsResponse = try await call(.GET, "/api/questions")
        return response.questions
    }

    public func answerQuestion(id: String, answer: String, publish: Bool? = nil) async throws -> Question {
        try await call(.POST, "/api/questions/\(PercentEncoding.segment(id))/answer", body: AnswerQuestionRequest(answer: answer, publish: publish))
    }

    /// Makes an answered question public on the listing (`true`) or hides it again.
    public func publishQuestion(id: String, _ published: Bool = true) async throws -> Question {
        try await call(.POST, "/api/questions/\(PercentEncoding.segment(id))/\(published ? "publish" : "unpublish")", body: EmptyBody())
    }
}
