import Foundation
import Synchronization
import TechFlunkyCore

/// Counts deployments as their events are announced: every state change and step result of a run passes
/// through the publisher once, after it is stored, whichever path (deploy, retry, rollback, restart recovery)
/// made it. So the orchestrator needs no metrics calls of its own, and what `/metrics` counts is what the
/// buyer's event stream shows.
///
/// Step durations are wall time between a step's `running` and its end (`waiting` for a certificate keeps
/// the clock running), measured here rather than from event timestamps, which follow the platform clock
/// (moved by the sandbox and the tests).
final class MeteredDeploymentPublisher: DeploymentEventPublisher {
    private let wrapped: any DeploymentEventPublisher
    private let metrics: PlatformMetrics
    private let stepsStarted = Mutex<[String: ContinuousClock.Instant]>([:])

    init(wrapping publisher: any DeploymentEventPublisher, metrics: PlatformMetrics) {
        wrapped = publisher
        self.metrics = metrics
    }

    func publish(_ event: DeploymentEvent) async {
        record(event)
        await wrapped.publish(event)
    }

    private func record(_ event: DeploymentEvent) {
        switch event.kind {
        case .deployment:
            switch event.state {
            case .running?: metrics.deployment("started")
            case .succeeded?: metrics.deployment("succeeded")
            case .failed?: metrics.deployment("failed")
            case .rolledBack?: metrics.deployment("rolled_back")
            case .interrupted?: metrics.deployment("interrupted")
            default: break
            }
        case .step:
            guard let step = event.step, let state = event.stepState else { return }
            let key = "\(event.deploymentId)/\(step.rawValue)"
            switch state {
            case .running:
                stepsStarted.withLock { $0[key] = .now }
            case .succeeded, .failed, .skipped:
                if let started = stepsStarted.withLock({ $0.removeValue(forKey: key) }) {
                    metrics.deploymentStep(step, outcome: state, duration: .now - started)
                }
                if state == .failed { metrics.deploymentStepFailed(step, cloudflareCode: event.errorCode) }
            case .pending, .waiting:
                break
            }
        case .log, .resource:
            break
        }
    }
}
