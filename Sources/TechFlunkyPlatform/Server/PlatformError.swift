import Foundation
import Hummingbird
import TechFlunkyCore

/// A typed API error: an HTTP status plus the `APIErrorBody` envelope the client shows.
/// Throw it from any route; `APIErrorMiddleware` writes it out.
public struct PlatformError: Error, Sendable, CustomStringConvertible {
    public var status: HTTPResponse.Status
    public var body: APIErrorBody
    /// Extra headers (e.g. `Retry-After`).
    public var headers: [(String, String)]

    public init(_ status: HTTPResponse.Status, code: String, message: String, field: String? = nil,
                problems: [ManifestProblem]? = nil, headers: [(String, String)] = []) {
        self.status = status
        self.body = APIErrorBody(code: code, message: message, field: field, problems: problems)
        self.headers = headers
    }

    public var description: String { "\(status.code) \(body.error.code): \(body.error.message)" }

    public static func badRequest(_ message: String, field: String? = nil) -> PlatformError {
        PlatformError(.badRequest, code: APIErrorCode.badRequest, message: message, field: field)
    }

    public static func validation(_ message: String, field: String? = nil, problems: [ManifestProblem]? = nil) -> PlatformError {
        PlatformError(.unprocessableContent, code: APIErrorCode.validation, message: message, field: field, problems: problems)
    }

    public static func unauthorized(_ message: String = "sign in first: send `Authorization: Bearer <token>` from /api/auth/login") -> PlatformError {
        PlatformError(.unauthorized, code: APIErrorCode.unauthorized, message: message)
    }

    /// Also what someone else's resource answers, so its existence is not revealed.
    public static func notFound(_ message: String) -> PlatformError {
        PlatformError(.notFound, code: APIErrorCode.notFound, message: message)
    }

    public static func conflict(_ message: String, code: String = APIErrorCode.conflict, field: String? = nil) -> PlatformError {
        PlatformError(.conflict, code: code, message: message, field: field)
    }

    public static func payloadTooLarge(_ message: String, field: String? = nil) -> PlatformError {
        PlatformError(.contentTooLarge, code: APIErrorCode.payloadTooLarge, message: message, field: field)
    }

    public static func paymentProvider(_ message: String) -> PlatformError {
        PlatformError(.badGateway, code: APIErrorCode.paymentProvider, message: message)
    }

    public static func `internal`(_ message: String = "something went wrong on the server; it has been logged") -> PlatformError {
        PlatformError(.internalServerError, code: APIErrorCode.internalError, message: message)
    }
}
