import Foundation
import Hummingbird
import TechFlunkyCore

/// Resolves `Authorization: Bearer <token>` to an account and puts it in the context. It never refuses a
/// request itself: routes that need an account call `context.requireAccount()`, which answers 401 with the
/// reason recorded here. Tokens are looked up by their SHA-256 hash; the token itself is never logged.
struct BearerAuthMiddleware: RouterMiddleware {
    typealias Context = PlatformRequestContext
    let accounts: any AccountStore
    let clock: any PlatformClock

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        if let header = request.headers[.authorization] {
            let parts = header.split(separator: " ", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == "bearer" {
                let token = parts[1].trimmingCharacters(in: .whitespaces)
                if let account = try await accounts.account(forSessionToken: token, now: clock.now()) {
                    context.account = account
                } else {
                    context.authFailure = "the session token is unknown, expired or signed out; sign in again"
                }
            } else {
                context.authFailure = "the Authorization header must be `Bearer <token>`"
            }
        }
        return try await next(request, context)
    }
}
