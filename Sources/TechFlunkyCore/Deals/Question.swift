import Foundation

// Questions: a buyer asks the seller about a listing; the seller answers, and an answered question becomes public
// (every buyer sees it on the listing) once the seller publishes it. The asker always sees their own.

/// A question on a listing, as the caller may see it: the asker's identity is never shown to others.
public struct Question: Codable, Sendable, Hashable {
    public var id: String
    public var listingSlug: String
    public var listingTitle: String
    public var text: String
    public var askedAt: Date
    public var answer: String?
    public var answeredAt: Date?
    /// Shown to every buyer on the listing (the seller approved the answer for everyone).
    public var published: Bool
    public var publishedAt: Date?
    /// The caller asked it.
    public var askedByYou: Bool
    /// The caller sells the listing (and so answers it).
    public var yourListing: Bool

    public init(id: String, listingSlug: String, listingTitle: String, text: String, askedAt: Date, answer: String? = nil,
                answeredAt: Date? = nil, published: Bool = false, publishedAt: Date? = nil, askedByYou: Bool, yourListing: Bool) {
        self.id = id
        self.listingSlug = listingSlug
        self.listingTitle = listingTitle
        self.text = text
        self.askedAt = askedAt
        self.answer = answer
        self.answeredAt = answeredAt
        self.published = published
        self.publishedAt = publishedAt
        self.askedByYou = askedByYou
        self.yourListing = yourListing
    }

    /// A question on the caller's listing still waiting for their answer.
    public var awaitsYourAnswer: Bool { yourListing && answer == nil }
    /// Where it stands, in words.
    public var stateText: String {
        if answer == nil { return "awaiting answer" }
        return published ? "public" : "answered · not public"
    }
}

/// `GET /api/listings/{slug}/questions` and `GET /api/questions`.
public struct QuestionsResponse: Codable, Sendable, Hashable {
    public var questions: [Question]
    public init(questions: [Question]) { self.questions = questions }
}

/// `POST /api/listings/{slug}/questions`
public struct AskQuestionRequest: Codable, Sendable, Hashable {
    public var text: String
    public init(text: String) { self.text = text }
}

/// `POST /api/questions/{id}/answer`: the seller's answer; `publish` also approves it for every buyer at once.
public struct AnswerQuestionRequest: Codable, Sendable, Hashable {
    public var answer: String
    public var publish: Bool?
    public init(answer: String, publish: Bool? = nil) {
        self.answer = answer
        self.publish = publish
    }
}
