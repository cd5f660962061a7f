import Foundation
import Hummingbird
import TechFlunkyCore

/// Questions on listings: a buyer asks (`POST /api/listings/{slug}/questions`), the listing's questions as the caller
/// may see them (`GET` there: answered and published ones for everyone, one's own always, all of them for the
/// seller), the caller's inbox (`GET /api/questions`: asked, and on their listings), and the seller's answer and
/// approval (`POST /api/questions/{id}/answer`, `/publish`, `/unpublish`). Another person's unpublished question is 404.
enum QuestionRoutes {
    static func register(on api: some RouterMethods<PlatformRequestContext>, services: PlatformServices) {
        api.get("listings/:slug/questions") { _, context -> QuestionsResponse in
            let slug = try context.parameters.require("slug")
            guard let listing = try await services.catalog.listingForSale(slug: slug), listing.status != .withdrawn else {
                throw PlatformError.notFound("no listing `\(slug)`")
            }
            let caller = context.account?.id
            let questions = try await services.deals.questions(listingId: listing.id)
            return QuestionsResponse(questions: questions.filter { $0.visible(to: caller) }.map { $0.wire(for: caller) })
        }

        api.post("listings/:slug/questions") { request, context -> EditedResponse<Question> in
            let account = try context.requireAccount()
            let slug = try context.parameters.require("slug")
            let body = try await request.decodeJSON(AskQuestionRequest.self, context: context)
            let listing = try await OfferRoutes.forSale(slug, services: services, field: "slug")
            guard listing.sellerId != account.id else {
                throw PlatformError.conflict("this is your own listing: answer its questions in your inbox (techflunky questions)",
                                             code: APIErrorCode.ownListing)
            }
            if let refusal = DealRules.checkText(body.text, field: "text", max: DealRules.maxQuestionLength, what: "the question") {
                throw PlatformError(refusal)
            }
            let id = PlatformID.make("qst")
            try await services.deals.insertQuestion(id: id, listingId: listing.id, askerId: account.id, sellerId: listing.sellerId,
                                                    text: body.text, now: services.clock.now())
            guard let stored = try await services.deals.question(id: id) else { throw PlatformError.internal() }
            return EditedResponse(status: .created, response: stored.wire(for: account.id))
        }

        api.get("questions") { _, context -> QuestionsResponse in
            let account = try context.requireAccount()
            return QuestionsResponse(questions: try await services.deals.questions(accountId: account.id).map { $0.wire(for: account.id) })
        }

        api.post("questions/:id/answer") { request, context -> Question in
            let account = try context.requireAccount()
            let question = try await sellersQuestion(try context.parameters.require("id"), account: account, services: services)
            let body = try await request.decodeJSON(AnswerQuestionRequest.self, context: context)
            if let refusal = DealRules.checkText(body.answer, field: "answer", max: DealRules.maxAnswerLength, what: "the answer") {
                throw PlatformError(refusal)
            }
            try await services.deals.answerQuestion(id: question.id, answer: body.answer, publish: body.publish, now: services.clock.now())
            guard let answered = try await services.deals.question(id: question.id) else { throw PlatformError.internal() }
            await DealEvents.questionAnswered(answered, services: services)
            return answered.wire(for: account.id)
        }

        for (path, published) in [("publish", true), ("unpublish", false)] {
            api.post(RouterPath("questions/:id/\(path)")) { _, context -> Question in
                let account = try context.requireAccount()
                let question = try await sellersQuestion(try context.parameters.require("id"), account: account, services: services)
                guard question.answer != nil else {
                    throw PlatformError.conflict("answer the question first: only an answered question can be made public", field: "answer")
                }
                try await services.deals.setPublished(questionId: question.id, published, now: services.clock.now())
                guard let updated = try await services.deals.question(id: question.id) else { throw PlatformError.internal() }
                return updated.wire(for: account.id)
            }
        }
    }

    /// A question on the caller's listing; the asker gets a 403-free refusal that says who answers, others a 404.
    static func sellersQuestion(_ id: String, account: Account, services: PlatformServices) async throws -> StoredQuestion {
        guard let question = try await services.deals.question(id: id), question.visible(to: account.id) else {
            throw PlatformError.notFound("no question `\(id)` you can see")
        }
        guard question.sellerId == account.id else {
            throw PlatformError.conflict("only the listing's seller answers and publishes its questions", code: APIErrorCode.notYourTurn)
        }
        return question
    }
}
