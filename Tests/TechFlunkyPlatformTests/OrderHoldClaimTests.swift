import Foundation
import TechFlunkyCore
import XCTest
@testable import TechFlunkyPlatform

/// The release scheduler's claims on due holds, and the hold counts health and metrics read, on both engines.
final class OrderHoldClaimTests: XCTestCase {
    /// A paid order whose hold ends three days after `services.clock.now()`, its seller able to receive transfers.
    static func paidOrder(_ services: PlatformServices) async throws -> StoredOrder {
        let order = try await Webhook.pendingOrder(services)
        try await services.accounts.setStripeAccount(accountId: order.sellerId, stripeAccountId: "acct_seller")
        try await services.accounts.updateConnectFlags(stripeAccountId: "acct_seller", detailsSubmitted: true, chargesEnabled: true, payoutsEnabled: true)
        _ = try await services.orders.apply(eventId: "evt_p", eventType: "checkout.session.completed",
                                            fact: .paid(orderId: order.id, sessionId: "cs_test_1", paymentIntentId: "pi_1", chargeId: "ch_1"),
                                            holdInterval: 3 * 86_400, now: services.clock.now())
        return order
    }

    func testAClaimedHoldIsNotClaimedAgainUntilItsClaimLapsesOrIsGivenBack() async throws {
        try await forEachEngine { _, services, _ in
            let order = try await Self.paidOrder(services)
            let due = services.clock.now().addingTimeInterval(3 * 86_400 + 1)
            let early = try await services.orders.claimDueHolds(now: due.addingTimeInterval(-2), claimant: "a", for: 600, limit: 10)
            XCTAssertTrue(early.isEmpty, "a hold in review is not claimable")

            let first = try await services.orders.claimDueHolds(now: due, claimant: "a", for: 600, limit: 10)
            XCTAssertEqual(first.map(\.order.id), [order.id])
            XCTAssertEqual(first.first?.destination, "acct_seller")
            let second = try await services.orders.claimDueHolds(now: due.addingTimeInterval(599), claimant: "b", for: 600, limit: 10)
            XCTAssertTrue(second.isEmpty, "a live claim keeps other instances off the hold")
            let stillListed = try await services.orders.dueForRelease(now: due)
            XCTAssertEqual(stillListed.map(\.order.id), [order.id], "claimed is still due until released")

            // Its instance died: the claim lapses and another takes the hold.
            let lapsed = try await services.orders.claimDueHolds(now: due.addingTimeInterval(600), claimant: "b", for: 600, limit: 10)
            XCTAssertEqual(lapsed.map(\.order.id), [order.id])

            // Only the claimant gives a claim back.
            try await services.orders.releaseHoldClaim(orderId: order.id, claimant: "a")
            let notGivenBack = try await services.orders.claimDueHolds(now: due.addingTimeInterval(601), claimant: "c", for: 600, limit: 10)
            XCTAssertTrue(notGivenBack.isEmpty)
            try await services.orders.releaseHoldClaim(orderId: order.id, claimant: "b")
            let givenBack = try await services.orders.claimDueHolds(now: due.addingTimeInterval(601), claimant: "c", for: 600, limit: 10)
            XCTAssertEqual(givenBack.map(\.order.id), [order.id])

            let released = try await services.orders.markReleased(orderId: order.id, transferId: "tr_1", now: due.addingTimeInterval(602))
            XCTAssertTrue(released)
            let again = try await services.orders.markReleased(orderId: order.id, transferId: "tr_1", now: due.addingTimeInterval(603))
            XCTAssertFalse(again, "a release is recorded once")
            let afterRelease = try await services.orders.claimDueHolds(now: due.addingTimeInterval(10_000), claimant: "d", for: 600, limit: 10)
            XCTAssertTrue(afterRelease.isEmpty)
            let stored = try await services.orders.order(id: order.id)
            XCTAssertEqual(stored?.state, .released)
            XCTAssertEqual(stored?.transferId, "tr_1")
        }
    }

    func testHoldCountsSplitPastDueFromAwaitingOnboardingAndSnapshotCountsByState() async throws {
        try await forEachEngine { _, services, _ in
            let order = try await Self.paidOrder(services)
            let due = services.clock.now().addingTimeInterval(3 * 86_400 + 1)
            let before = try await services.orders.holdCounts(dueBefore: due.addingTimeInterval(-2))
            XCTAssertEqual(before, HoldCounts(pastDue: 0, awaitingPayouts: 0))
            let pastDue = try await services.orders.holdCounts(dueBefore: due)
            XCTAssertEqual(pastDue, HoldCounts(pastDue: 1, awaitingPayouts: 0))
            let inReview = try await services.orders.holdSnapshot(now: due)
            XCTAssertEqual(inReview, HoldSnapshot(byState: ["in_review": 1], pastDue: 1))

            try await services.accounts.updateConnectFlags(stripeAccountId: "acct_seller", detailsSubmitted: true, chargesEnabled: true, payoutsEnabled: false)
            let awaiting = try await services.orders.holdCounts(dueBefore: due)
            XCTAssertEqual(awaiting, HoldCounts(pastDue: 0, awaitingPayouts: 1))

            try await services.orders.setHoldFrozen(orderId: order.id, reason: "deployment failed", now: due)
            let frozen = try await services.orders.holdSnapshot(now: due)
            XCTAssertEqual(frozen, HoldSnapshot(byState: ["frozen": 1], pastDue: 0))
        }
    }
}
