import Foundation
import Hummingbird
import Logging
import TechFlunkyCore

/// Turns every error a route throws into the `{"error": {code, message, field}}` envelope with the right
/// status: typed `PlatformError`s as they are, malformed JSON as 400 with the decoder's explanation,
/// Hummingbird's own errors (unknown route, body too large) by their status, anything else as a logged 500.
struct APIErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    /// Every route, for telling a wrong method on a known path (405) from an unknown path (404).
    var routes: RouteTable?

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound && error.body == nil {
            // The router found no route for this method and path: if the path has others, the method is the mistake.
            let allowed = routes?.methods(for: request.uri.path) ?? []
            guard !allowed.isEmpty else { return Self.response(for: Self.platformError(for: error)) }
            return Self.response(for: PlatformError(.methodNotAllowed, code: APIErrorCode.badRequest,
                                                    message: "\(request.method.rawValue) is not allowed here; use \(allowed.map(\.rawValue).joined(separator: " or "))",
                                                    headers: [("Allow", allowed.map(\.rawValue).joined(separator: ", "))]))
        } catch {
            let failure = Self.platformError(for: error)
            if failure.status.code >= 500 {
                context.logger.error("request failed", metadata: [
                    "method": "\(request.method.rawValue)", "path": "\(request.uri.path)", "error": "\(type(of: error))",
                ])
            }
            return Self.response(for: failure)
        }
    }

    static func platformError(for error: Error) -> PlatformError {
        switch error {
        case let error as PlatformError:
            return error
        case let error as DecodingError:
            return .badRequest("the request body is not valid JSON for this endpoint: \(describe(error))", field: field(of: error))
        case let error as HTTPError:
            switch error.status {
            case .notFound: return .notFound("no such endpoint")
            case .contentTooLarge: return .payloadTooLarge("the request body is too large")
            case .methodNotAllowed: return PlatformError(.methodNotAllowed, code: APIErrorCode.badRequest, message: "method not allowed here")
            default:
                return PlatformError(error.status, code: error.status.code >= 500 ? APIErrorCode.internalError : APIErrorCode.badRequest,
                                     message: error.body ?? error.status.reasonPhrase)
            }
        case let error as any HTTPResponseError:
            return PlatformError(error.status, code: error.status.code >= 500 ? APIErrorCode.internalError : APIErrorCode.badRequest,
                                 message: error.status.reasonPhrase)
        default:
            return .internal()
        }
    }

    static func response(for error: PlatformError) -> Response {
        let data = (try? WireJSON.encode(error.body)) ?? Data(#"{"error":{"code":"internal_error","message":"error"}}"#.utf8)
        var response = WireResponseEncoder.response(json: ByteBuffer(bytes: data), status: error.status)
        for (name, value) in error.headers {
            if let field = HTTPFields.Element.Name(name) { response.headers[field] = value }
        }
        return response
    }

    private static func field(of error: DecodingError) -> String? {
        let path: [any CodingKey]
        switch error {
        case let .keyNotFound(key, context): path = context.codingPath + [key]
        case let .typeMismatch(_, context), let .valueNotFound(_, context), let .dataCorrupted(context): path = context.codingPath
        @unknown default: return nil
        }
        let text = path.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        return text.isEmpty ? nil : text
    }

    private static func describe(_ error: DecodingError) -> String {
        switch error {
        case let .keyNotFound(key, _): return "missing field `\(key.stringValue)`"
        case let .typeMismatch(type, context): return "wrong type at `\(field(of: error) ?? "body")` (expected \(type)): \(context.debugDescription)"
        case let .valueNotFound(type, _): return "missing value at `\(field(of: error) ?? "body")` (expected \(type))"
        case let .dataCorrupted(context):
            let underlying = (context.underlyingError as NSError?)?.userInfo[NSDebugDescriptionErrorKey] as? String
            return underlying ?? context.debugDescription
        @unknown default: return "\(error)"
        }
    }
}
