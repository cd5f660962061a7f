import Foundation
import Hummingbird
import TechFlunkyCore

/// Decodes request bodies with Core's `WireJSON` (RFC 3339 dates), so client and server agree byte for byte.
/// An empty body is reported as such instead of as a JSON syntax error.
public struct WireRequestDecoder: RequestDecoder {
    public init() {}

    public func decode<T: Decodable>(_ type: T.Type, from request: Request, context: some RequestContext) async throws -> T {
        let buffer = try await request.body.collect(upTo: context.maxUploadSize)
        guard buffer.readableBytes > 0 else { throw PlatformError.badRequest("the request body is empty; send a JSON object") }
        return try WireJSON.decode(type, from: Data(buffer.readableBytesView))
    }
}

/// Encodes responses with Core's `WireJSON`: the one JSON response path of the platform.
///
/// Routes return wire types (`ResponseEncodable`, below) and Hummingbird encodes them through the request
/// context's encoder, this one; another status or extra headers wrap the value in Hummingbird's
/// `EditedResponse` (`EditedResponse(status: .created, response: listing)`). Bytes that are already
/// encoded JSON (a cached listing page, a replayed idempotent answer, the error envelope) become a response
/// through `response(json:status:)`, so every JSON body carries the same headers.
public struct WireResponseEncoder: ResponseEncoder {
    public static let contentType = "application/json; charset=utf-8"

    public init() {}

    public func encode(_ value: some Encodable, from request: Request, context: some RequestContext) throws -> Response {
        Self.response(json: ByteBuffer(bytes: try WireJSON.encode(value)))
    }

    /// A response carrying JSON that is already encoded.
    public static func response(json body: ByteBuffer, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: contentType], body: .init(byteBuffer: body))
    }
}

/// Lets any Core wire type be returned from a route directly.
extension ListingPage: ResponseGenerator, ResponseEncodable {}
extension Listing: ResponseGenerator, ResponseEncodable {}
extension NotificationsResponse: ResponseGenerator, ResponseEncodable {}
extension UnreadCount: ResponseGenerator, ResponseEncodable {}
extension WatchlistResponse: ResponseGenerator, ResponseEncodable {}
extension WatchedListing: ResponseGenerator, ResponseEncodable {}
extension SavedSearch: ResponseGenerator, ResponseEncodable {}
extension SavedSearchesResponse: ResponseGenerator, ResponseEncodable {}
extension PackageVersionsResponse: ResponseGenerator, ResponseEncodable {}
extension SellerListingsResponse: ResponseGenerator, ResponseEncodable {}
extension CategoriesResponse: ResponseGenerator, ResponseEncodable {}
extension AuthResponse: ResponseGenerator, ResponseEncodable {}
extension MeResponse: ResponseGenerator, ResponseEncodable {}
extension CheckoutSessionResponse: ResponseGenerator, ResponseEncodable {}
extension OrdersResponse: ResponseGenerator, ResponseEncodable {}
extension Order: ResponseGenerator, ResponseEncodable {}
extension SellerAccountStatus: ResponseGenerator, ResponseEncodable {}
extension PayoutsResponse: ResponseGenerator, ResponseEncodable {}
extension SandboxClockResponse: ResponseGenerator, ResponseEncodable {}
extension Deployment: ResponseGenerator, ResponseEncodable {}
extension DeployAccepted: ResponseGenerator, ResponseEncodable {}
extension GeneratedSecrets: ResponseGenerator, ResponseEncodable {}
extension HealthResponse: ResponseGenerator, ResponseEncodable {}
extension WebhookReceipt: ResponseGenerator, ResponseEncodable {}
extension AccountExport: ResponseGenerator, ResponseEncodable {}
extension AccountErasureReceipt: ResponseGenerator, ResponseEncodable {}
extension Offer: ResponseGenerator, ResponseEncodable {}
extension OffersResponse: ResponseGenerator, ResponseEncodable {}
extension Question: ResponseGenerator, ResponseEncodable {}
extension QuestionsResponse: ResponseGenerator, ResponseEncodable {}

extension Request {
    /// Decodes the JSON body with `WireJSON`, letting `DecodingError` reach `APIErrorMiddleware` so the
    /// 400 names the offending field (Hummingbird's own `decode(as:)` flattens it into a message).
    public func decodeJSON<T: Decodable>(_ type: T.Type, context: PlatformRequestContext) async throws -> T {
        try await context.requestDecoder.decode(type, from: self, context: context)
    }
}
