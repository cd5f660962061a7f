import Foundation
import Hummingbird
import Logging

/// Gives each request its id (`PlatformRequestID`): puts it in the request's logger and in the task-local
/// the platform's log handler reads, and echoes it in the response as `X-Request-Id`, errors included.
/// It runs outermost so that every other middleware and route logs under the id.
struct RequestIDMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let id = PlatformRequestID.resolve(request.headers[.requestID])
        var context = context
        // Hummingbird's own per-request lines use this key; make them name the same id.
        context.logger[metadataKey: "hb.request.id"] = .string(id)
        var response: Response
        do {
            response = try await PlatformRequestID.$current.withValue(id) { try await next(request, context) }
        } catch {
            // The error middleware answers almost everything; whatever escapes it still gets an envelope and the id.
            response = APIErrorMiddleware<Context>.response(for: APIErrorMiddleware<Context>.platformError(for: error))
        }
        response.headers[.requestID] = id
        return response
    }
}
