import Hummingbird

/// Answers a request for a path the stand-ins do not serve in the shape of the API it was aimed at:
/// Stripe's "Unrecognized request URL" error or Cloudflare's 7000 "No route for that URI", so a client
/// calling an endpoint the sandbox lacks gets a clear, typed error rather than an empty 404.
struct UnknownRouteMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound || error.status == .methodNotAllowed {
            let path = request.uri.path
            if path.hasPrefix("/client/v4") {
                return ResponseBuilding.json(404, CloudflareEnvelope.failure([(7000, "No route for that URI")]))
            }
            if path.hasPrefix("/v1/") {
                let message = "Unrecognized request URL (\(request.method.rawValue): \(path)). The TechFlunky Stripe stand-in implements only the endpoints the platform calls."
                return ResponseBuilding.json(404, StripeAPIError(status: 404, code: nil, message: message).json)
            }
            throw error
        }
    }
}
