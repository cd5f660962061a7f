import TechFlunkyCore

/// A failed `ServiceRequest` (or deployment feed), reduced to what the UI shows and decides on. `init(_:)` is the
/// one place a `ClientError` becomes what the UI sees.
public struct ServiceFailure: Error, Hashable, Sendable {
    /// What went wrong, in the platform's words where it gave some; safe to print (`ClientError.description`).
    public var message: String
    /// The platform's `error.code` when it answered with an error envelope.
    public var code: String?
    /// The request field the platform refused (`error.field`: `domain`, `cloudflare.accountId`, …), so a form can
    /// point at its own field.
    public var field: String?
    /// True when the platform could not be reached at all (the header then shows the connection down).
    public var isConnectionFailure: Bool

    public init(message: String, code: String? = nil, field: String? = nil, isConnectionFailure: Bool = false) {
        self.message = message
        self.code = code
        self.field = field
        self.isConnectionFailure = isConnectionFailure
    }

    /// What the UI shows for any error a service call or feed throws: a `ServiceFailure` as it is, a
    /// `ClientError` with the platform's message, code and field (unreachable or timed out: a connection
    /// failure), and anything else as the platform being unreachable.
    public init(_ error: any Error) {
        switch error {
        case let failure as ServiceFailure:
            self = failure
        case let client as ClientError:
            let unreachable: Bool = switch client {
            case .cannotReach, .timedOut: true
            default: false
            }
            let code: String? = switch client {
            case let .rejected(_, detail): detail.code
            case .signedOut: APIErrorCode.unauthorized
            case .notFound: APIErrorCode.notFound
            default: nil
            }
            let field: String? = if case let .rejected(_, detail) = client { detail.field } else { nil }
            self.init(message: client.description, code: code, field: field, isConnectionFailure: unreachable)
        default:
            self.init(message: String(describing: error), isConnectionFailure: true)
        }
    }
}
