import Foundation
import Hummingbird
import HummingbirdTesting
import TechFlunkyCore
import XCTest
@testable import TechFlunkyPlatform

/// Questions through the router: who sees a question when (asker always, seller always, everyone once answered and
/// published), who may answer and publish, and the refusals.
final class QuestionRoutesTests: XCTestCase {
    func testAnAnsweredQuestionShowsToOtherBuyersOnlyOnceTheSellerPublishesIt() async throws {
        try await forEachEngine { harness, services, _ in
            let seller = try await CatalogFixtures.seller(services, email: "seller@example.com")
            let asker = try await CatalogFixtures.seller(services, email: "asker@example.com")
            let other = try await CatalogFixtures.seller(services, email: "other@example.com")
            try await CatalogFixtures.list(services, slug: "shop", seller: seller, CatalogFixtures.details(title: "Shop"))
            let sellerToken = try await AccountRoutes.startSession(for: seller, services: services).token
            let askerToken = try await AccountRoutes.startSession(for: asker, services: services).token
            let otherToken = try await AccountRoutes.startSession(for: other, services: services).token
            try await harness.withRouter(services) { client, _ in
                func listed(_ token: String?) async throws -> [Question] {
                    let headers: HTTPFields = token.map(bearer) ?? [:]
                    let response = try await client.execute(uri: "/api/listings/shop/questions", method: .get, headers: headers)
                    XCTAssertEqual(response.status, .ok)
                    return try response.decoded(QuestionsResponse.self).questions
                }
                let text = "How many paying customers\u{1B}[2J are there?"
                let asked = try await client.execute(uri: "/api/listings/shop/questions", method: .post, headers: bearer(askerToken),
                                                     body: jsonBody(AskQuestionRequest(text: text)))
                XCTAssertEqual(asked.status, .created)
                let question = try asked.decoded(Question.self)
                XCTAssertEqual(question.text, text, "kept as written; made safe where it is shown")
                XCTAssertTrue(question.askedByYou)
                XCTAssertFalse(question.published)

                let awaited1 = try await listed(askerToken).map(\.id)
                XCTAssertEqual(awaited1, [question.id])
                let awaited2 = try await listed(sellerToken).map(\.id)
                XCTAssertEqual(awaited2, [question.id])
                let awaited3 = try await listed(otherToken)
                XCTAssertEqual(awaited3, [])
                let awaited4 = try await listed(nil)
                XCTAssertEqual(awaited4, [])

                // Only the seller answers; the asker is told who does, anyone else finds nothing.
                let byAsker = try await client.execute(uri: "/api/questions/\(question.id)/answer", method: .post, headers: bearer(askerToken),
                                                       body: jsonBody(AnswerQuestionRequest(answer: "me")))
                XCTAssertEqual(byAsker.status, .conflict)
                let byOther = try await client.execute(uri: "/api/questions/\(question.id)/answer", method: .post, headers: bearer(otherToken),
                                                       body: jsonBody(AnswerQuestionRequest(answer: "me")))
                XCTAssertEqual(byOther.status, .notFound)
                let early = try await client.execute(uri: "/api/questions/\(question.id)/publish", method: .post, headers: bearer(sellerToken))
                XCTAssertEqual(early.status, .conflict)
                let blank = try await client.execute(uri: "/api/questions/\(question.id)/answer", method: .post, headers: bearer(sellerToken),
                                                     body: jsonBody(AnswerQuestionRequest(answer: " \n\t")))
                XCTAssertEqual(blank.status, .unprocessableContent)
                XCTAssertEqual(blank.errorBody?.error.field, "answer")

                let inbox = try await client.execute(uri: "/api/questions", method: .get, headers: bearer(sellerToken)).decoded(QuestionsResponse.self)
                XCTAssertEqual(inbox.questions.map(\.awaitsYourAnswer), [true])
                let answered = try await client.execute(uri: "/api/questions/\(question.id)/answer", method: .post, headers: bearer(sellerToken),
                                                        body: jsonBody(AnswerQuestionRequest(answer: "412, growing 6 % a month.")))
                XCTAssertEqual(answered.status, .ok)
                XCTAssertEqual(try answered.decoded(Question.self).stateText, "answered · not public")
                let awaited5 = try await listed(askerToken).first?.answer
                XCTAssertEqual(awaited5, "412, growing 6 % a month.")
                let awaited6 = try await listed(otherToken)
                XCTAssertEqual(awaited6, [], "answered but not approved: still private")
                // The asker is told (and only the asker).
                let told = try await client.execute(uri: "/api/notifications", method: .get, headers: bearer(askerToken)).decoded(NotificationsResponse.self)
                XCTAssertEqual(told.notifications.filter { $0.kind == .questionAnswered }.map(\.referenceId), [question.id])
                let others = try await client.execute(uri: "/api/notifications", method: .get, headers: bearer(otherToken)).decoded(NotificationsResponse.self)
                XCTAssertTrue(others.notifications.isEmpty)

                let published = try await client.execute(uri: "/api/questions/\(question.id)/publish", method: .post, headers: bearer(sellerToken))
                XCTAssertEqual(try published.decoded(Question.self).published, true)
                let seen = try await listed(otherToken)
                XCTAssertEqual(seen.map(\.id), [question.id])
                XCTAssertEqual(seen.first?.answer, "412, growing 6 % a month.")
                XCTAssertEqual(seen.first?.askedByYou, false)
                let awaited7 = try await listed(nil).count
                XCTAssertEqual(awaited7, 1, "public to everyone, signed in or not")

                let hidden = try await client.execute(uri: "/api/questions/\(question.id)/unpublish", method: .post, headers: bearer(sellerToken))
                XCTAssertEqual(try hidden.decoded(Question.self).published, false)
                let awaited8 = try await listed(otherToken)
                XCTAssertEqual(awaited8, [])
                let awaited9 = try await listed(askerToken).count
                XCTAssertEqual(awaited9, 1, "the asker always sees their own")
            }
        }
    }

    func testTheSellerCannotAskAndAnEmptyOrUnknownQuestionIsRefused() async throws {
        try await forEachEngine { harness, services, _ in
            let seller = try await CatalogFixtures.seller(services, email: "seller@example.com")
            let buyer = try await CatalogFixtures.seller(services, email: "buyer@example.com")
            try await CatalogFixtures.list(services, slug: "shop", seller: seller, CatalogFixtures.details(title: "Shop"))
            let sellerToken = try await AccountRoutes.startSession(for: seller, services: services).token
            let buyerToken = try await AccountRoutes.startSession(for: buyer, services: services).token
            try await harness.withRouter(services) { client, _ in
                let own = try await client.execute(uri: "/api/listings/shop/questions", method: .post, headers: bearer(sellerToken),
                                                   body: jsonBody(AskQuestionRequest(text: "Is it good?")))
                XCTAssertEqual(own.status, .conflict)
                XCTAssertEqual(own.errorBody?.error.code, APIErrorCode.ownListing)
                let empty = try await client.execute(uri: "/api/listings/shop/questions", method: .post, headers: bearer(buyerToken),
                                                     body: jsonBody(AskQuestionRequest(text: "\u{3000} ")))
                XCTAssertEqual(empty.status, .unprocessableContent)
                XCTAssertEqual(empty.errorBody?.error.field, "text")
                let long = try await client.execute(uri: "/api/listings/shop/questions", method: .post, headers: bearer(buyerToken),
                                                    body: jsonBody(AskQuestionRequest(text: String(repeating: "é", count: DealRules.maxQuestionLength + 1))))
                XCTAssertEqual(long.status, .unprocessableContent)
                let unknown = try await client.execute(uri: "/api/listings/nowhere/questions", method: .get)
                XCTAssertEqual(unknown.status, .notFound)
                let signedOut = try await client.execute(uri: "/api/listings/shop/questions", method: .post, headers: [.contentType: "application/json"],
                                                         body: jsonBody(AskQuestionRequest(text: "Hi?")))
                XCTAssertEqual(signedOut.status, .unauthorized)
            }
        }
    }
}
