import Foundation
import TechFlunkyCore

/// The order a buyer asks to deploy, as the orchestrator needs it.
public struct DeployableOrder: Sendable, Hashable {
    public var id: String
    public var buyerId: String
    public var listingSlug: String
    public var state: OrderState
    /// The listing's package bundle (a directory with `techflunky.json` at its root).
    public var bundleDirectory: URL

    public init(id: String, buyerId: String, listingSlug: String, state: OrderState, bundleDirectory: URL) {
        self.id = id
        self.buyerId = buyerId
        self.listingSlug = listingSlug
        self.state = state
        self.bundleDirectory = bundleDirectory
    }
}

/// What the orchestrator needs from the orders side of the platform: find a caller's order and
/// freeze or release its payout hold when a deployment fails or recovers in the package's own steps.
public protocol DeploymentOrderAccess: Sendable {
    /// The order if it exists and `buyerId` bought it; nil otherwise (someone else's order is "not found").
    func order(id: String, buyerId: String) async throws -> DeployableOrder?
    /// Freezes the seller's payout hold: a deployment failed in the package's own steps.
    func freezePayoutHold(orderId: String, reason: String) async throws
    /// Lifts that freeze: the deployment succeeded.
    func unfreezePayoutHold(orderId: String) async throws
}
