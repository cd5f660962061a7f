import Foundation
import Logging
import TechFlunkyCore

/// Releases sellers' shares when their hold has run out: `POST /v1/transfers` with `destination`,
/// `transfer_group` and `source_transaction`. One release pass at a time per instance (an actor); across
/// instances each pass claims the holds it releases (`OrderStore.claimDueHolds`, until `claimLease` from now), so
/// every instance may run the scheduler and each hold is transferred by one of them. Each transfer is keyed by its
/// order, so a pass repeated after a crash, a restart or a lapsed claim gets Stripe's first answer back instead of
/// paying twice, and a release is written to the database before it counts. A refund after release reverses the
/// transfer.
public actor PayoutHoldService {
    /// How long a claim keeps other instances off a hold: longer than a pass's transfers take (a Stripe call each,
    /// retried by the client), short enough that a dead instance's holds go out the same hour.
    public static let claimLease: TimeInterval = 10 * 60
    /// Holds claimed per round of a pass; a pass claims rounds until none is left, so a backlog is shared out
    /// between instances instead of one claiming it all.
    public static let claimBatch = 25

    let orders: any OrderStore
    let stripe: StripeClient
    let clock: any PlatformClock
    let logger: Logger
    let metrics: PlatformMetrics

    public struct ReleaseReport: Sendable, Equatable {
        public var released: [String] = []
        /// Orders whose transfer failed this pass (tried again on the next one), with why.
        public var failed: [String: String] = [:]
    }

    /// This instance's name on its claims (unique per process: a restarted instance does not inherit a dead one's).
    let claimant: String

    init(orders: any OrderStore, stripe: StripeClient, clock: any PlatformClock, logger: Logger, metrics: PlatformMetrics,
         claimant: String = "hold-release-\(UUID().uuidString.lowercased())") {
        self.claimant = claimant
        self.orders = orders
        self.stripe = stripe
        self.clock = clock
        self.logger = logger
        self.metrics = metrics
    }

    /// Releases every hold that is due now and that no other instance is releasing.
    @discardableResult
    public func releaseDue() async -> ReleaseReport {
        var report = ReleaseReport()
        let now = clock.now()
        var attempted: Set<String> = []
        while true {
            let claimed: [(order: StoredOrder, destination: String)]
            do {
                claimed = try await orders.claimDueHolds(now: now, claimant: claimant, for: Self.claimLease, limit: Self.claimBatch)
            } catch {
                logger.error("hold scan failed", metadata: ["error": "\(error)"])
                return report
            }
            // A hold given back after a failure this pass is claimable again at once: leave it to the next pass.
            let fresh = claimed.filter { !attempted.contains($0.order.id) }
            for (order, _) in claimed where attempted.contains(order.id) {
                try? await orders.releaseHoldClaim(orderId: order.id, claimant: claimant)
            }
            if fresh.isEmpty { return report }
            for (order, destination) in fresh {
                attempted.insert(order.id)
                await release(order, to: destination, now: now, into: &report)
            }
        }
    }

    private func release(_ order: StoredOrder, to destination: String, now: Date, into report: inout ReleaseReport) async {
        guard let charge = order.chargeId else { return }
        do {
            let transfer = try await stripe.createTransfer(orderId: order.id, amount: order.sellerShare, destination: destination,
                                                           sourceTransaction: charge)
            if try await orders.markReleased(orderId: order.id, transferId: transfer, now: now) {
                report.released.append(order.id)
                metrics.payoutReleased(order.sellerShare)
                logger.info("payout released", metadata: ["order": "\(order.id)", "transfer": "\(transfer)", "net": "\(order.sellerShare.minorUnits)"])
            } else if let current = try await orders.order(id: order.id), current.refundedAt != nil {
                // Refunded while the transfer was in flight: take the money back.
                await reverse(transferId: transfer, orderId: order.id)
            }
        } catch {
            report.failed[order.id] = "\(error)"
            metrics.payoutReleaseFailed()
            logger.warning("payout release failed; will retry", metadata: ["order": "\(order.id)", "error": "\(error)"])
            try? await orders.releaseHoldClaim(orderId: order.id, claimant: claimant)
        }
    }

    /// A refund after release: reverse the transfer (keyed by order, so repeating is harmless).
    func reverse(transferId: String, orderId: String) async {
        do {
            let reversal = try await stripe.reverseTransfer(id: transferId, orderId: orderId)
            logger.info("transfer reversed after refund", metadata: ["order": "\(orderId)", "reversal": "\(reversal)"])
        } catch {
            logger.error("transfer reversal failed", metadata: ["order": "\(orderId)", "transfer": "\(transferId)", "error": "\(error)"])
        }
    }
}
