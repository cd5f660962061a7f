import Foundation
import XCTest
@testable import TechFlunkyCore

final class PayoutHoldTests: XCTestCase {
    private func order(_ state: OrderState, paidAt: Date? = Fixtures.date) -> Order {
        var o = Fixtures.order
        o.state = state
        o.paidAt = paidAt
        return o
    }

    private let paid = Fixtures.date
    private var during: Date { paid.addingTimeInterval(2 * 86_400) }
    private var after: Date { paid.addingTimeInterval(3 * 86_400) }

    func testReleasableOnlyInReviewAfterThreeDaysWithNothingOpen() {
        XCTAssertFalse(PayoutHold.isReleasable(order(.inReview), now: during, openIssue: nil))
        XCTAssertTrue(PayoutHold.isReleasable(order(.inReview), now: after, openIssue: nil))
        XCTAssertFalse(PayoutHold.isReleasable(order(.inReview), now: after, openIssue: "deployment failed in upload_workers"))
        for state: OrderState in [.paid, .released, .refunded, .disputed, .expired, .pendingPayment] {
            XCTAssertFalse(PayoutHold.isReleasable(order(state), now: after, openIssue: nil), "\(state)")
        }
        XCTAssertFalse(PayoutHold.isReleasable(order(.inReview, paidAt: nil), now: after, openIssue: nil))
    }

    func testHoldStateFollowsTheOrder() {
        XCTAssertNil(PayoutHold.state(of: order(.pendingPayment), now: after, openIssue: nil))
        XCTAssertNil(PayoutHold.state(of: order(.expired), now: after, openIssue: nil))
        XCTAssertEqual(PayoutHold.state(of: order(.inReview), now: during, openIssue: nil), .inReview)
        XCTAssertEqual(PayoutHold.state(of: order(.inReview), now: during, openIssue: "failed"), .inReview, "still inside the period")
        XCTAssertEqual(PayoutHold.state(of: order(.inReview), now: after, openIssue: "failed"), .frozen)
        XCTAssertEqual(PayoutHold.state(of: order(.released), now: after, openIssue: nil), .released)
        XCTAssertEqual(PayoutHold.state(of: order(.refunded), now: after, openIssue: nil), .refunded)
        XCTAssertEqual(PayoutHold.state(of: order(.disputed), now: during, openIssue: nil), .disputed)
    }
}
