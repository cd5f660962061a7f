import Foundation
import Hummingbird
import NIOCore
import TechFlunkyCore

/// The request context every platform route gets: Hummingbird's core storage, the account the bearer token
/// belongs to (set by `BearerAuthMiddleware`), and Core's JSON coding.
public struct PlatformRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The signed-in account, when the request carried a valid session token.
    public var account: Account?
    /// Why the token was refused, when one was sent but is not valid (expired, signed out, unknown).
    public var authFailure: String?
    /// The connection the request came on: streamed responses (SSE) write their events to it directly.
    public let channel: (any Channel)?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        account = nil
        authFailure = nil
        channel = source.channel
    }

    public var requestDecoder: WireRequestDecoder { WireRequestDecoder() }
    public var responseEncoder: WireResponseEncoder { WireResponseEncoder() }

    /// Bodies larger than this are refused with 413 before decoding; bundle uploads have their own, larger cap.
    public var maxUploadSize: Int { PackageStore.maxBundleBytes + 1_048_576 }

    /// The caller's account, or a 401 saying why there is none.
    public func requireAccount() throws -> Account {
        guard let account else { throw PlatformError.unauthorized(authFailure ?? "sign in first: send `Authorization: Bearer <token>` from /api/auth/login") }
        return account
    }
}
