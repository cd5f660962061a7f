import Foundation

/// One numbered event of a deployment, as streamed in `GET /api/deploy/{id}/events`
/// (SSE `id:` = `seq`, `event:` = `kind`, `data:` = this value as JSON).
public struct DeploymentEvent: Codable, Sendable, Hashable {
    public enum Kind: String, Codable, Sendable {
        /// The deployment's own state changed (`state` set).
        case deployment
        /// A step's state changed (`step` and `stepState` set).
        case step
        /// A log line of the running step (`step` and `message` set).
        case log
        /// A resource was created or adopted, or removed by a rollback (`resource` set; `removed` true then).
        case resource
    }

    /// 1, 2, 3 … per deployment, without gaps.
    public var seq: Int
    public var deploymentId: String
    public var kind: Kind
    public var at: Date
    public var state: DeploymentState?
    public var step: DeploymentStepKind?
    public var stepState: StepState?
    public var message: String?
    public var errorCode: Int?
    public var resource: CreatedResource?
    /// On a resource event: true when the resource was removed (a rollback), absent when it was created or adopted.
    public var removed: Bool?
    public var url: String?

    public init(seq: Int, deploymentId: String, kind: Kind, at: Date, state: DeploymentState? = nil,
                step: DeploymentStepKind? = nil, stepState: StepState? = nil, message: String? = nil,
                errorCode: Int? = nil, resource: CreatedResource? = nil, removed: Bool? = nil, url: String? = nil) {
        self.seq = seq
        self.deploymentId = deploymentId
        self.kind = kind
        self.at = at
        self.state = state
        self.step = step
        self.stepState = stepState
        self.message = message
        self.errorCode = errorCode
        self.resource = resource
        self.removed = removed
        self.url = url
    }

    /// The stream ends after this event: the deployment reached a final state.
    public var isFinal: Bool { kind == .deployment && (state?.isFinal ?? false) }
}

extension DeploymentEvent {
    /// The SSE frame for this event: `id:` the sequence number (what `Last-Event-ID` resumes after),
    /// `event:` the kind, `data:` the event as wire JSON on one line.
    public static func sseFrame(_ event: DeploymentEvent) throws -> SSEFrame {
        let json = String(decoding: try WireJSON.encode(event), as: UTF8.self)
        return SSEFrame(id: String(event.seq), event: event.kind.rawValue, data: json)
    }

    /// Decodes the event an SSE frame carries (its `data`).
    public init(sseFrame: SSEFrame) throws {
        self = try WireJSON.decode(DeploymentEvent.self, from: Data(sseFrame.data.utf8))
    }
}
