import Foundation

/// Where an order stands: `pending_payment → paid → in_review → released`, or `refunded`,
/// `disputed`, `expired`. `transition(to:)` (OrderStateMachine.swift) rejects any other move.
public enum OrderState: String, Codable, Sendable, CaseIterable {
    case pendingPayment = "pending_payment"
    case paid
    case inReview = "in_review"
    case released
    case refunded
    case disputed
    case expired
}

/// The payout hold on a sale, as the seller sees it.
public enum HoldState: String, Codable, Sendable, CaseIterable {
    /// Paid, inside the review period.
    case inReview = "in_review"
    /// Review period over but something is open (a failed deployment) — not released yet.
    case frozen
    case released
    case refunded
    case disputed
}

public struct Order: Codable, Sendable, Hashable, Identifiable {
    public var id: String
    public var listingSlug: String
    public var listingTitle: String
    public var buyerId: String
    public var sellerId: String
    public var state: OrderState
    public var amount: Money
    public var platformFee: Money
    public var sellerShare: Money
    public var checkoutSessionId: String?
    public var checkoutURL: String?
    public var createdAt: Date
    public var paidAt: Date?
    public var holdUntil: Date?
    public var releasedAt: Date?
    /// Deployments of this order, newest first.
    public var deployments: [DeploymentSummary]
    /// The listing's current package version.
    public var latestVersion: String?
    /// The version the order's newest succeeded deployment runs.
    public var deployedVersion: String?

    public init(id: String, listingSlug: String, listingTitle: String, buyerId: String, sellerId: String,
                state: OrderState, amount: Money, platformFee: Money, sellerShare: Money,
                checkoutSessionId: String? = nil, checkoutURL: String? = nil, createdAt: Date,
                paidAt: Date? = nil, holdUntil: Date? = nil, releasedAt: Date? = nil,
                deployments: [DeploymentSummary] = []) {
        self.id = id
        self.listingSlug = listingSlug
        self.listingTitle = listingTitle
        self.buyerId = buyerId
        self.sellerId = sellerId
        self.state = state
        self.amount = amount
        self.platformFee = platformFee
        self.sellerShare = sellerShare
        self.checkoutSessionId = checkoutSessionId
        self.checkoutURL = checkoutURL
        self.createdAt = createdAt
        self.paidAt = paidAt
        self.holdUntil = holdUntil
        self.releasedAt = releasedAt
        self.deployments = deployments
    }

    /// A newer version than the one deployed is published: the buyer may deploy it as an update.
    public var updateAvailable: Bool {
        guard isDeployable, let latest = latestVersion.flatMap(SemanticVersion.init),
              let deployed = deployedVersion.flatMap(SemanticVersion.init) else { return false }
        return deployed < latest
    }

    /// The newest deployment that succeeded (what an update builds on).
    public var liveDeployment: DeploymentSummary? { deployments.first { $0.state == .succeeded } }

    /// Whether the buyer may deploy the package: paid, and not refunded, disputed or expired.
    public var isDeployable: Bool { [.paid, .inReview, .released].contains(state) }
}

/// One sale as the seller's payouts show it.
public struct Payout: Codable, Sendable, Hashable, Identifiable {
    public var orderId: String
    public var listingSlug: String
    public var listingTitle: String
    public var soldAt: Date
    public var gross: Money
    public var fee: Money
    public var net: Money
    public var state: HoldState
    public var holdUntil: Date
    public var releasedAt: Date?
    public var transferId: String?
    /// Why a hold is frozen, when it is.
    public var reason: String?

    public var id: String { orderId }

    public init(orderId: String, listingSlug: String, listingTitle: String, soldAt: Date, gross: Money, fee: Money,
                net: Money, state: HoldState, holdUntil: Date, releasedAt: Date? = nil, transferId: String? = nil,
                reason: String? = nil) {
        self.orderId = orderId
        self.listingSlug = listingSlug
        self.listingTitle = listingTitle
        self.soldAt = soldAt
        self.gross = gross
        self.fee = fee
        self.net = net
        self.state = state
        self.holdUntil = holdUntil
        self.releasedAt = releasedAt
        self.transferId = transferId
        self.reason = reason
    }
}
