import Foundation
import Hummingbird
import NIOCore

/// Small helpers shared by the Stripe, Cloudflare and sandbox routes.
enum ResponseBuilding {
    static let maxBody = 32 << 20

    static func json(_ status: Int, _ data: Data, headers: HTTPFields = [:]) -> Response {
        var h = headers
        h[.contentType] = "application/json"
        return Response(status: .init(code: status), headers: h, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func json(_ status: Int, _ value: JSONValue, headers: HTTPFields = [:]) -> Response {
        json(status, value.encoded(), headers: headers)
    }

    static func html(_ status: Int, _ text: String) -> Response {
        Response(status: .init(code: status), headers: [.contentType: "text/html; charset=utf-8"],
                 body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static func redirect(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location])
    }

    static func body(_ request: Request) async throws -> Data {
        let buffer = try await request.body.collect(upTo: maxBody)
        return Data(buffer.readableBytesView)
    }

    /// A sandbox-API JSON body (an empty body is `{}`); nil when it is not JSON.
    static func jsonBody(_ request: Request) async throws -> JSONValue? {
        let data = try await body(request)
        if data.isEmpty || data.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D }) { return [:] }
        return try? JSONValue.decode(data)
    }

    /// A request header by name, case-insensitively (HTTPTypes' field-name type is not re-exported).
    static func header(_ request: Request, _ name: String) -> String? {
        let lower = name.lowercased()
        return request.headers.first { $0.name.canonicalName == lower }?.value
    }

    /// Response headers from plain name/value pairs.
    static func fields(_ pairs: [(String, String)]) -> HTTPFields {
        var fields = HTTPFields()
        for (name, value) in pairs {
            if let n = HTTPFields.Element.Name(name) { fields.append(HTTPFields.Element(name: n, value: value)) }
        }
        return fields
    }
}
