import Foundation
import TechFlunkyCore
import XCTest
@testable import TechFlunkyPlatform

/// `Idempotency-Key` claims in the order store, on both engines: the first request claims, a repeat of the same body
/// while it runs is told so, afterwards gets the first answer; another body is a mismatch; the key ends with its lifetime.
final class IdempotencyKeyStoreTests: XCTestCase {
    func testAKeyIsClaimedOnceThenReplayedAndEndsWithItsLifetime() async throws {
        try await forEachEngine { _, services, _ in
            let buyer = try await CatalogFixtures.seller(services, email: "buyer@example.com")
            let now = services.clock.now()
            let orders = services.orders
            let claim = { (hash: String, at: Date) in
                try await orders.claimIdempotencyKey(accountId: buyer.id, key: "k1", requestHash: hash, now: at, lifetime: 3600)
            }
            let first = try await claim("h1", now)
            XCTAssertEqual(first, .claimed)
            let whileRunning = try await claim("h1", now)
            XCTAssertEqual(whileRunning, .inProgress)
            let otherBody = try await claim("h2", now)
            XCTAssertEqual(otherBody, .mismatch)

            // A failed first request gives the key back; the next claims it afresh.
            try await orders.releaseIdempotencyKey(accountId: buyer.id, key: "k1")
            let afterFailure = try await claim("h2", now)
            XCTAssertEqual(afterFailure, .claimed)

            let answer = Data(#"{"orderId":"ord_1"}"#.utf8)
            try await orders.completeIdempotentRequest(accountId: buyer.id, key: "k1", status: 200, body: answer)
            try await orders.releaseIdempotencyKey(accountId: buyer.id, key: "k1")
            let replay = try await claim("h2", now.addingTimeInterval(3599))
            XCTAssertEqual(replay, .replay(status: 200, body: answer), "a completed key is kept (and not given back) for its lifetime")
            let anotherAccount = try await orders.claimIdempotencyKey(accountId: (try await CatalogFixtures.seller(services)).id, key: "k1",
                                                                      requestHash: "h9", now: now, lifetime: 3600)
            XCTAssertEqual(anotherAccount, .claimed, "keys are per account")

            let expired = try await claim("h3", now.addingTimeInterval(3600))
            XCTAssertEqual(expired, .claimed, "after its lifetime the key is new again")
        }
    }
}
