import Foundation

// Deployment: queued → running → succeeded | failed | interrupted; with a custom domain, running →
// provisioned (Worker up, certificate pending) → succeeded (live) | failed | interrupted. A failed or interrupted run goes
// back to running on retry (interrupted: the buyer gave the token again after a restart). A rollback
// (from failed, interrupted or succeeded) goes rolling_back → rolled_back; a rollback that cannot finish
// ends failed or interrupted and may be retried. A queued run whose process restarts before it starts
// is interrupted too (the token lived only in memory).
extension DeploymentState: StateMachineState {
    public static var machineName: String { "deployment" }

    public var allowedNextStates: Set<DeploymentState> {
        switch self {
        case .queued: [.running, .interrupted]
        case .running: [.provisioned, .succeeded, .failed, .interrupted]
        case .provisioned: [.succeeded, .failed, .interrupted]
        case .succeeded: [.rollingBack]
        case .failed: [.running, .rollingBack]
        case .interrupted: [.running, .rollingBack]
        case .rollingBack: [.rolledBack, .failed, .interrupted]
        case .rolledBack: []
        }
    }

    /// Whether `POST /api/deploy/{id}/retry` may resume this deployment.
    public var canRetry: Bool { canTransition(to: .running) && self != .queued }
    /// Whether `POST /api/deploy/{id}/rollback` may start from this state.
    public var canRollBack: Bool { canTransition(to: .rollingBack) }
}

// Step: pending → running → succeeded | failed; running ⇄ waiting (on Cloudflare, e.g. a certificate)
// → succeeded | failed; pending → skipped (nothing to do, e.g. no buckets).
// failed → running on retry. running → pending when the run is interrupted mid-step, so a resumed
// run starts that step again (steps are idempotent and adopt what they already created).
extension StepState: StateMachineState {
    public static var machineName: String { "deployment step" }

    public var allowedNextStates: Set<StepState> {
        switch self {
        case .pending: [.running, .skipped]
        case .running: [.waiting, .succeeded, .failed, .pending]
        case .waiting: [.running, .succeeded, .failed, .pending]
        case .failed: [.running]
        case .succeeded, .skipped: []
        }
    }
}
