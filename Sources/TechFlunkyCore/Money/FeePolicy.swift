import Foundation

/// How a sale's money is divided and how long the seller's share is held.
public struct FeePolicy: Sendable, Equatable {
    /// The platform's share in percent.
    public let platformFeePercent: Int64
    /// The review period before the seller's share is released.
    public let holdDays: Int

    public init(platformFeePercent: Int64 = 15, holdDays: Int = 3) {
        self.platformFeePercent = platformFeePercent
        self.holdDays = holdDays
    }

    public static let standard = FeePolicy()

    public var holdInterval: TimeInterval { TimeInterval(holdDays) * 86_400 }

    /// `fee = (amount × 15 + 50) / 100` — round half up, in minor units; `seller = amount − fee`.
    /// They always add up to the amount. Throws on a negative amount or overflow.
    public func split(_ amount: Money) throws -> FeeSplit {
        guard amount.minorUnits >= 0 else { throw MoneyError.negativeAmount }
        let (scaled, o1) = amount.minorUnits.multipliedReportingOverflow(by: platformFeePercent)
        let (rounded, o2) = scaled.addingReportingOverflow(50)
        guard !o1, !o2 else { throw MoneyError.overflow }
        let fee = Money(minorUnits: rounded / 100, currency: amount.currency)
        let seller = try amount.subtracting(fee)
        return FeeSplit(amount: amount, platformFee: fee, sellerShare: seller)
    }

    /// When a payment made at `paidAt` becomes releasable.
    public func holdUntil(paidAt: Date) -> Date { paidAt.addingTimeInterval(holdInterval) }

    /// Whether the review period of a payment made at `paidAt` is over at `now` (the boundary counts as over).
    /// Whether the money may then be released also depends on what is open against the order.
    public func isHoldOver(paidAt: Date, now: Date) -> Bool { now >= holdUntil(paidAt: paidAt) }
}

public struct FeeSplit: Sendable, Equatable, Codable {
    public let amount: Money
    public let platformFee: Money
    public let sellerShare: Money

    public init(amount: Money, platformFee: Money, sellerShare: Money) {
        self.amount = amount
        self.platformFee = platformFee
        self.sellerShare = sellerShare
    }
}
