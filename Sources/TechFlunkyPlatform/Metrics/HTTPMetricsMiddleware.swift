import Foundation
import Hummingbird

/// Counts every answered request by method, route template and status, and times it to the response head
/// (an SSE stream's length is the watcher's, not the server's latency). Sits outside the error middleware so
/// errors are counted with the status the caller saw.
struct HTTPMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: PlatformMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        // The route template, set by the router once it matched; paths of unknown routes are not labels.
        func record(_ status: Int) {
            metrics.httpRequest(method: request.method.rawValue, route: context.endpointPath ?? "unmatched", status: status,
                                duration: ContinuousClock.now - started)
        }
        do {
            let response = try await next(request, context)
            record(response.status.code)
            return response
        } catch {
            record(APIErrorMiddleware<Context>.platformError(for: error).status.code)
            throw error
        }
    }
}
