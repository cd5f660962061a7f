import Foundation
import TechFlunkyCore
import TechFlunkyHTTP
import TechFlunkyText

/// What went wrong talking to the platform, phrased so a person knows what to do next.
public enum ClientError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Nothing answered at the platform's URL (refused, DNS, unreachable).
    case cannotReach(url: String, detail: String)
    case timedOut(url: String)
    /// 401: no session, or it expired or was revoked.
    case signedOut(message: String)
    /// 404, with the server's message.
    case notFound(message: String)
    /// Any other 4xx, with the server's own error (code, message, field, manifest problems).
    case rejected(status: Int, error: APIErrorBody.Detail)
    /// 5xx.
    case serverError(status: Int, message: String)
    /// A 2xx whose body is not what the API promises.
    case undecodable(url: String, expected: String, detail: String)
    /// TLS, size cap, invalid URL and other transport failures.
    case transport(HTTPError)
    case cancelled
    /// Local configuration that cannot be used (config file, token file, API URL).
    case configuration(String)

    /// Safe to print on a terminal: the server's words (messages, fields) pass through `TextSanitizer.line`, the
    /// sanitiser the TUI draws with, so a hostile or broken server cannot send escape sequences (nor their payload
    /// text), controls or bidi overrides through an error.
    public var description: String { TextSanitizer.line(unsanitizedDescription) }

    private var unsanitizedDescription: String {
        switch self {
        case let .cannotReach(url, detail):
            "cannot reach the TechFlunky platform at \(url) (\(detail)). Is it running? Check --api or TECHFLUNKY_API."
        case let .timedOut(url):
            "the platform at \(url) did not answer in time; try again"
        case let .signedOut(message):
            "signed out (\(message)); run `techflunky login`"
        case let .notFound(message):
            "not found: \(message)"
        case let .rejected(_, error):
            // The refused field stays on the error for code (`field`); people read the message, which names
            // the thing in their words (an API name such as `listingSlug` is not theirs).
            error.message
        case let .serverError(status, message):
            "the platform failed (HTTP \(status)): \(message)"
        case let .undecodable(url, expected, detail):
            "the answer from \(url) is not a valid \(expected): \(detail)"
        case let .transport(error):
            error.description
        case .cancelled:
            "cancelled"
        case let .configuration(message):
            message
        }
    }

    /// The server's error code (`validation_failed`, `order_not_paid`, …) when it sent one.
    public var apiCode: String? {
        if case let .rejected(_, error) = self { return error.code }
        return nil
    }

    /// Whether trying again later may succeed (the UI's retry hint, the event stream's reconnect).
    public var isTransient: Bool {
        switch self {
        case .cannotReach, .timedOut, .serverError: true
        case let .transport(error): RetryPolicy.isTransient(error)
        default: false
        }
    }

    /// Maps a transport failure; `base` names the platform rather than one endpoint.
    static func from(_ error: HTTPError, base: String) -> ClientError {
        switch error {
        case let .cannotConnect(_, detail): .cannotReach(url: base, detail: detail)
        case .timedOut: .timedOut(url: base)
        case .cancelled: .cancelled
        default: .transport(error)
        }
    }

    /// Maps a non-2xx response, reading the platform's error envelope when there is one.
    static func from(status: Int, body: Data) -> ClientError {
        let envelope = try? WireJSON.decode(APIErrorBody.self, from: body)
        let message = envelope?.error.message ?? Self.fallbackMessage(status: status, body: body)
        switch status {
        case 401: return .signedOut(message: message)
        case 404: return .notFound(message: message)
        case 400..<500:
            return .rejected(status: status, error: envelope?.error ?? .init(code: "http_\(status)", message: message))
        default:
            return .serverError(status: status, message: message)
        }
    }

    private static func fallbackMessage(status: Int, body: Data) -> String {
        let text = TextSanitizer.line(String(decoding: body.prefix(200), as: UTF8.self)).trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? "HTTP \(status)" : text
    }
}
