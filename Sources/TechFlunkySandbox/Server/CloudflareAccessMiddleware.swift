import Foundation
import Hummingbird

/// The request context of a Cloudflare API route: Hummingbird's, plus the token the access middleware accepted.
struct CloudflareRequestContext: ChildRequestContext {
    var coreContext: CoreRequestContextStorage
    /// Set by `CloudflareAccessMiddleware` before the route's handler runs.
    var token: CloudflareStandIn.Token?

    init(context: BasicRequestContext) {
        coreContext = context.coreContext
    }

    /// The `:account` of an account-scoped route ("" where the route has none).
    var account: String { parameters.get("account") ?? "" }

    /// A path parameter of the route ("" when absent, which no route's resource is named).
    func parameter(_ name: String) -> String { parameters.get(name) ?? "" }

    func requireToken() throws -> CloudflareStandIn.Token {
        guard let token else { throw CloudflareAPIError(status: 500, code: 10013, message: "The sandbox failed: a route ran without its access check") }
        return token
    }
}

/// The one access check of a group of Cloudflare API routes, in Cloudflare's order: the call takes as long as
/// Cloudflare would (`CloudflarePace`), then the token must be known and active (10000), within its account's
/// rate limit (971), belong to the route's `:account` if it has one, and hold the group's permission — `read`
/// for GET, `write` for every other method — (9109). Any `CloudflareAPIError` the check or the handler throws
/// becomes Cloudflare's error envelope here.
struct CloudflareAccessMiddleware: RouterMiddleware {
    typealias Context = CloudflareRequestContext

    let cloudflare: CloudflareStandIn
    let read: CloudflarePermission?
    let write: CloudflarePermission?

    init(_ cloudflare: CloudflareStandIn, read: CloudflarePermission? = nil, write: CloudflarePermission? = nil) {
        self.cloudflare = cloudflare
        self.read = read
        self.write = write
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        await cloudflare.paced(method: request.method.rawValue, path: request.uri.path)
        var context = context
        do {
            let (token, _) = try cloudflare.authenticate(authorization: ResponseBuilding.header(request, "Authorization"))
            try cloudflare.countRequest(accountId: token.accountId)
            try cloudflare.authorize(token, account: context.parameters.get("account"), request.method == .get ? read : write)
            context.token = token
        } catch {
            return CloudflareRoutes.failure(CloudflareRoutes.apiError(error))
        }
        do {
            return try await next(request, context)
        } catch let error as CloudflareAPIError {
            return CloudflareRoutes.failure(error)
        }
    }
}
