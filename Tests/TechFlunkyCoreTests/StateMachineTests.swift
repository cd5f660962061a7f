import Foundation
import XCTest
@testable import TechFlunkyCore

final class StateMachineTests: XCTestCase {
    /// Checks the whole transition table of a machine: exactly the listed moves are legal, every other
    /// move throws an error naming both states.
    private func assertTable<S: StateMachineState>(_ legal: [S: Set<S>], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(Set(legal.keys), Set(S.allCases), "the table covers every state", file: file, line: line)
        for from in S.allCases {
            for to in S.allCases {
                let expected = legal[from]?.contains(to) ?? false
                XCTAssertEqual(from.canTransition(to: to), expected, "\(from.rawValue) → \(to.rawValue)", file: file, line: line)
                do {
                    let result = try from.transition(to: to)
                    XCTAssertTrue(expected, "\(from.rawValue) → \(to.rawValue) should throw", file: file, line: line)
                    XCTAssertEqual(result, to, file: file, line: line)
                } catch {
                    XCTAssertFalse(expected, "\(from.rawValue) → \(to.rawValue) should be allowed", file: file, line: line)
                    XCTAssertEqual(error, IllegalStateTransition(machine: S.machineName, from: from.rawValue, to: to.rawValue), file: file, line: line)
                }
            }
        }
    }

    func testOrderTransitions() {
        assertTable([
            OrderState.pendingPayment: [.paid, .expired, .refunded, .disputed],
            .paid: [.inReview, .refunded, .disputed],
            .inReview: [.released, .refunded, .disputed],
            .released: [.refunded, .disputed],
            .disputed: [.inReview, .released, .refunded],
            .expired: [.paid, .refunded, .disputed],
            .refunded: [],
        ])
    }

    func testDeploymentTransitions() {
        assertTable([
            DeploymentState.queued: [.running, .interrupted],
            .running: [.provisioned, .succeeded, .failed, .interrupted],
            .provisioned: [.succeeded, .failed, .interrupted],
            .succeeded: [.rollingBack],
            .failed: [.running, .rollingBack],
            .interrupted: [.running, .rollingBack],
            .rollingBack: [.rolledBack, .failed, .interrupted],
            .rolledBack: [],
        ])
    }

    func testStepTransitions() {
        assertTable([
            StepState.pending: [.running, .skipped],
            .running: [.waiting, .succeeded, .failed, .pending],
            .waiting: [.running, .succeeded, .failed, .pending],
            .failed: [.running],
            .succeeded: [],
            .skipped: [],
        ])
    }

    func testIllegalTransitionNamesBothStates() {
        XCTAssertThrowsError(try OrderState.released.transition(to: .paid)) { error in
            XCTAssertEqual("\(error)", "an order cannot go from released to paid")
            XCTAssertEqual((error as? IllegalStateTransition)?.from, "released")
            XCTAssertEqual((error as? IllegalStateTransition)?.to, "paid")
            XCTAssertEqual((error as? IllegalStateTransition)?.apiError.error.code, APIErrorCode.conflict)
        }
        XCTAssertThrowsError(try StateMachine.transition(DeploymentState.rolledBack, to: .running)) { error in
            XCTAssertEqual("\(error)", "a deployment cannot go from rolled_back to running")
        }
    }

    func testHappyPaths() throws {
        var order = OrderState.pendingPayment
        for next: OrderState in [.paid, .inReview, .released] { order = try order.transition(to: next) }
        XCTAssertEqual(order, .released)
        var deployment = DeploymentState.queued
        for next: DeploymentState in [.running, .failed, .running, .interrupted, .running, .succeeded, .rollingBack, .rolledBack] {
            deployment = try deployment.transition(to: next)
        }
        XCTAssertTrue(deployment.isTerminal)
        var step = StepState.pending
        for next: StepState in [.running, .failed, .running, .succeeded] { step = try step.transition(to: next) }
        XCTAssertTrue(step.isTerminal)
    }

    func testRetryAndRollbackAvailability() {
        XCTAssertEqual(DeploymentState.allCases.filter(\.canRetry), [.failed, .interrupted])
        XCTAssertEqual(DeploymentState.allCases.filter(\.canRollBack), [.succeeded, .failed, .interrupted])
    }

    // MARK: Order events, in and out of order

    func testPaymentMovesPendingAndLateExpiredOrdersToPaid() throws {
        XCTAssertEqual(try OrderState.pendingPayment.applying(.paymentSucceeded), .moved(to: .paid))
        XCTAssertEqual(try OrderState.expired.applying(.paymentSucceeded), .moved(to: .paid))
    }

    func testRepeatedOrLatePaymentEventsAreIgnored() throws {
        for state: OrderState in [.paid, .inReview, .released, .refunded, .disputed] {
            guard case .ignored = try state.applying(.paymentSucceeded) else { return XCTFail("\(state) should ignore a late payment") }
        }
        for state: OrderState in [.paid, .inReview, .released, .expired] {
            guard case .ignored = try state.applying(.sessionExpired) else { return XCTFail("\(state) should ignore a late expiry") }
        }
        XCTAssertEqual(try OrderState.pendingPayment.applying(.sessionExpired), .moved(to: .expired))
    }

    func testRefundIsLegalDuringReviewAndAfterRelease() throws {
        XCTAssertEqual(try OrderState.inReview.applying(.refunded), .moved(to: .refunded))
        XCTAssertEqual(try OrderState.released.applying(.refunded), .moved(to: .refunded))
        XCTAssertEqual(try OrderState.pendingPayment.applying(.refunded), .moved(to: .refunded), "refund seen before the payment event")
        guard case .ignored = try OrderState.refunded.applying(.refunded) else { return XCTFail("a repeated refund is a no-op") }
    }

    func testDisputeDuringReviewAndItsOutcomes() throws {
        XCTAssertEqual(try OrderState.inReview.applying(.disputeOpened), .moved(to: .disputed))
        XCTAssertEqual(try OrderState.released.applying(.disputeOpened), .moved(to: .disputed))
        XCTAssertEqual(try OrderState.disputed.applying(.disputeWon), .moved(to: .inReview))
        XCTAssertEqual(try OrderState.disputed.applying(.disputeWon, wasReleased: true), .moved(to: .released))
        XCTAssertEqual(try OrderState.disputed.applying(.disputeLost), .moved(to: .refunded))
        guard case .ignored = try OrderState.refunded.applying(.disputeOpened) else { return XCTFail("dispute on a refunded order") }
        guard case .ignored = try OrderState.inReview.applying(.disputeWon) else { return XCTFail("no open dispute") }
    }

    func testPlatformEventsInTheWrongStateThrow() {
        XCTAssertThrowsError(try OrderState.pendingPayment.applying(.holdReleased))
        XCTAssertThrowsError(try OrderState.disputed.applying(.holdReleased))
        XCTAssertThrowsError(try OrderState.released.applying(.reviewStarted))
        XCTAssertThrowsError(try OrderState.disputed.applying(.reviewStarted))
        XCTAssertEqual(try OrderState.paid.applying(.reviewStarted), .moved(to: .inReview))
        XCTAssertEqual(try OrderState.inReview.applying(.holdReleased), .moved(to: .released))
    }
}
