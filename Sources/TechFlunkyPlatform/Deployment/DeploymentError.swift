import Foundation
import TechFlunkyCore

/// Why the orchestrator refused a request (the routes turn these into API errors).
public enum DeploymentError: Error, Sendable, Hashable, CustomStringConvertible {
    /// No such deployment or order for this caller (someone else's is reported the same way).
    case notFound(String)
    case orderNotPaid(orderId: String, state: OrderState)
    case invalidRequest(field: String, message: String)
    /// The deployment is running (or rolling back) now.
    case busy(deploymentId: String, state: DeploymentState)
    /// Retry or rollback is not possible from this state.
    case wrongState(deploymentId: String, state: DeploymentState, action: String)
    case accountMismatch(expected: String)
    /// Another request is starting a deployment of this order at this moment.
    case orderBusy(orderId: String)
    case packageUnavailable(String)
    /// An update whose Workers a newer update (still not rolled back) switched again: rolling it back first would
    /// put code older than both on the live business.
    case supersededUpdate(deploymentId: String, newer: String)

    public var description: String {
        switch self {
        case let .notFound(what): "\(what) was not found"
        case let .orderNotPaid(id, state): "order \(id) is \(state.rawValue); only a paid order can be deployed"
        case let .invalidRequest(_, message): message
        case let .busy(id, state): "deployment \(id) is \(state.rawValue) now; wait for it to finish"
        case let .wrongState(id, state, action): "deployment \(id) is \(state.rawValue), so it cannot \(action)"
        case let .accountMismatch(expected):
            "this deployment already made resources in Cloudflare account \(expected); give a token for that account, or roll it back first to deploy into another"
        case let .packageUnavailable(detail): "the package cannot be deployed: \(detail)"
        case let .orderBusy(id): "a deployment of order \(id) is being started already"
        case let .supersededUpdate(id, newer):
            "update \(id) was followed by update \(newer), which still serves: roll \(newer) back first (rolling \(id) back now would serve code older than both)"
        }
    }
}
