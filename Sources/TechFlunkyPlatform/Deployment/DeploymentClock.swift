import Foundation

/// The time the orchestrator stamps on steps and events; tests pass a fixed or movable one.
public protocol DeploymentClock: Sendable {
    func now() -> Date
}

public struct SystemDeploymentClock: DeploymentClock {
    public init() {}
    public func now() -> Date { Date() }
}
