/// Cloudflare API v4's response envelope: `{success, errors: [{code, message}], messages, result, result_info}`.
enum CloudflareEnvelope {
    static func success(_ result: JSONValue, messages: [(Int, String)] = [], info: JSONValue? = nil) -> JSONValue {
        var body: JSONValue = [
            "success": true, "errors": [],
            "messages": .array(messages.map { ["code": .int(Int64($0.0)), "message": .string($0.1), "type": nil] }),
            "result": result,
        ]
        if let info { body["result_info"] = info }
        return body
    }

    static func failure(_ errors: [(Int, String)]) -> JSONValue {
        ["success": false, "errors": .array(errors.map { ["code": .int(Int64($0.0)), "message": .string($0.1)] }),
         "messages": [], "result": nil]
    }
}

/// A Cloudflare API error: HTTP status plus Cloudflare's numeric code and message.
struct CloudflareAPIError: Error, Sendable, Equatable, CustomStringConvertible {
    var status: Int
    var code: Int
    var message: String
    var retryAfter: Int? = nil

    var description: String { "\(status) [\(code)] \(message)" }
    var envelope: JSONValue { CloudflareEnvelope.failure([(code, message)]) }

    static let invalidToken = CloudflareAPIError(status: 401, code: 1000, message: "Invalid API Token")
    static let authentication = CloudflareAPIError(status: 403, code: 10000, message: "Authentication error")
    static func badRequest(_ code: Int, _ message: String) -> CloudflareAPIError { .init(status: 400, code: code, message: message) }
    static func notFound(_ code: Int, _ message: String) -> CloudflareAPIError { .init(status: 404, code: code, message: message) }
}
