import Foundation
import Logging
import TechFlunkyCore

/// Releases sellers' shares when their hold has run out: `POST /v1/transfers` with `destination`,
/// `transfer_group` and `source_transaction`. One release pass at a time (an actor), each transfer keyed by
/// its order so a pass repeated after a crash or restart gets Stripe's first answer back instead of paying
/// twice, and a release is written to the database before it counts. A refund after release reverses the
/// transfer.
public actor PayoutHoldService {
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

    init(orders: any OrderStore, stripe: StripeClient, clock: any PlatformClock, logger: Logger, metrics: PlatformMetrics) {
        self.orders = orders
        self.stripe = stripe
        self.clock = clock
        self.logger = logger
        self.metrics = metrics
    }

    /// Releases every hold that is due now.
    @discardableResult
    public func releaseDue() async -> ReleaseReport {
        var report = ReleaseReport()
        let now = clock.now()
        let due: [(order: StoredOrder, destination: String)]
        do { due = try await orders.dueForRelease(now: now) } catch {
            logger.error("hold scan failed", metadata: ["error": "\(error)"])
            return report
        }
        for (order, destination) in due {
            guard let charge = order.chargeId else { continue }
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
            }
        }
        return report
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
