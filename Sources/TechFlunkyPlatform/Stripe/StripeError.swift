import Foundation

/// A failed Stripe call, carrying Stripe's own `{"error": {type, code, message, param}}` when there was one.
/// Its description never contains the secret key.
public struct StripeError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// Stripe answered with an error envelope.
        case api(status: Int, type: String, code: String?, param: String?)
        /// No HTTP client, a connection failure, or a timeout.
        case unreachable
        /// A 2xx answer that is not what the platform expected.
        case unexpectedResponse
        /// No secret key configured.
        case notConfigured
    }

    public var kind: Kind
    public var operation: String
    public var message: String

    public var description: String {
        switch kind {
        case let .api(status, type, code, param):
            "Stripe refused \(operation) (\(status) \(type)\(code.map { "/\($0)" } ?? "")\(param.map { ", parameter \($0)" } ?? "")): \(message)"
        case .unreachable: "could not reach Stripe for \(operation): \(message)"
        case .unexpectedResponse: "Stripe's answer to \(operation) was not understood: \(message)"
        case .notConfigured: "Stripe is not configured (\(message))"
        }
    }

    /// Whether trying again later may succeed (network trouble, rate limits, Stripe's own 5xx).
    public var isTransient: Bool {
        switch kind {
        case let .api(status, _, _, _): status == 429 || status >= 500
        case .unreachable: true
        case .unexpectedResponse, .notConfigured: false
        }
    }
}
