import Foundation
import TechFlunkyCore

/// The secrets deployments generated, held in this process's memory until the buyer takes them once.
///
/// The platform must not keep them (the same rule as the buyer's Cloudflare token): they are never written
/// to the store, the events or a log, and they are gone after they were shown, after `retention`, or when
/// the process stops. A buyer who lost them sets new ones in the Cloudflare dashboard.
public actor DeploymentSecretsVault {
    public enum Taken: Sendable, Equatable {
        case secrets([GeneratedSecret])
        /// They were shown already (or expired, or the platform restarted since): they are not kept.
        case gone
        /// The deployment generated none.
        case none
    }

    private var held: [String: (secrets: [GeneratedSecret], since: Date)] = [:]
    private var shown: Set<String> = []
    private let retention: TimeInterval

    public init(retention: TimeInterval = 24 * 3600) { self.retention = retention }

    /// Adds what a run generated (a retry may add more to what an earlier run left).
    func deposit(_ deploymentId: String, _ secret: GeneratedSecret, now: Date = Date()) {
        expire(now)
        var entry = held[deploymentId] ?? ([], now)
        entry.secrets.removeAll { $0.worker == secret.worker && $0.name == secret.name }
        entry.secrets.append(secret)
        held[deploymentId] = entry
        shown.remove(deploymentId)
    }

    /// How many are waiting to be shown (the count is not secret).
    public func waiting(_ deploymentId: String) -> Int { held[deploymentId]?.secrets.count ?? 0 }

    /// Hands the secrets over once and forgets them.
    public func take(_ deploymentId: String, now: Date = Date()) -> Taken {
        expire(now)
        if let entry = held.removeValue(forKey: deploymentId) {
            shown.insert(deploymentId)
            return .secrets(entry.secrets)
        }
        return shown.contains(deploymentId) ? .gone : .none
    }

    /// Forgets a deployment's secrets (its Worker and secrets were rolled back).
    func discard(_ deploymentId: String) { held[deploymentId] = nil }

    private func expire(_ now: Date) {
        for (id, entry) in held where now.timeIntervalSince(entry.since) > retention {
            held[id] = nil
            shown.insert(id)
        }
    }
}
