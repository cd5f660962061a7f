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

/// Encodes responses with Core's `WireJSON`.
public struct WireResponseEncoder: ResponseEncoder {
    public init() {}

    public func encode(_ value: some Encodable, from request: Request, context: some RequestContext) throws -> Response {
        let data = try WireJSON.encode(value)
        return Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
                        body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// A JSON body with an explicit status (201, 202) — routes return this when 200 is not the answer.
public struct JSONResponse<Value: Encodable & Sendable>: ResponseGenerator, Sendable {
    public var status: HTTPResponse.Status
    public var value: Value

    public init(_ value: Value, status: HTTPResponse.Status = .ok) {
        self.value = value
        self.status = status
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = try context.responseEncoder.encode(value, from: request, context: context)
        response.status = status
        return response
    }
}

/// Lets any Core wire type be returned from a route directly.
extension ListingPage: ResponseGenerator, ResponseEncodable {}
extension Listing: ResponseGenerator, ResponseEncodable {}
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

extension Request {
    /// Decodes the JSON body with `WireJSON`, letting `DecodingError` reach `APIErrorMiddleware` so the
    /// 400 names the offending field (Hummingbird's own `decode(as:)` flattens it into a message).
    public func decodeJSON<T: Decodable>(_ type: T.Type, context: PlatformRequestContext) async throws -> T {
        try await context.requestDecoder.decode(type, from: self, context: context)
    }
}
