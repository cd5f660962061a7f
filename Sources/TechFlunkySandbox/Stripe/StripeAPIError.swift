import Foundation

/// An error as Stripe answers it: `{"error": {"type", "code", "message", "param", "doc_url"}}` with its status.
public struct StripeAPIError: Error, Sendable, Equatable, CustomStringConvertible {
    public var status: Int
    public var type: String
    public var code: String?
    public var message: String
    public var param: String?
    public var declineCode: String?

    public init(status: Int, type: String = "invalid_request_error", code: String?, message: String, param: String? = nil,
                declineCode: String? = nil) {
        self.status = status
        self.type = type
        self.code = code
        self.message = message
        self.param = param
        self.declineCode = declineCode
    }

    public var description: String { "\(status) \(type)/\(code ?? "-"): \(message)" }

    public var json: JSONValue {
        var error: [String: JSONValue] = ["type": .string(type), "message": .string(message)]
        if let code {
            error["code"] = .string(code)
            error["doc_url"] = .string("https://stripe.com/docs/error-codes/\(code.replacingOccurrences(of: "_", with: "-"))")
        }
        if let param { error["param"] = .string(param) }
        if let declineCode { error["decline_code"] = .string(declineCode) }
        return ["error": .object(error)]
    }

    static func missing(_ param: String) -> StripeAPIError {
        StripeAPIError(status: 400, code: "parameter_missing", message: "Missing required param: \(param).", param: param)
    }

    static func invalidInteger(_ param: String, _ value: String) -> StripeAPIError {
        StripeAPIError(status: 400, code: "parameter_invalid_integer", message: "Invalid integer: \(value)", param: param)
    }

    static func invalid(_ param: String, _ message: String) -> StripeAPIError {
        StripeAPIError(status: 400, code: "parameter_invalid", message: message, param: param)
    }

    static func unknown(_ param: String) -> StripeAPIError {
        StripeAPIError(status: 400, code: "parameter_unknown", message: "Received unknown parameter: \(param)", param: param)
    }

    static func invalidParameterName(_ key: String) -> StripeAPIError {
        StripeAPIError(status: 400, code: "parameter_invalid", message: "Invalid parameter name: \(key)", param: key)
    }

    static func noSuch(_ object: String, _ id: String, param: String = "id") -> StripeAPIError {
        StripeAPIError(status: 404, code: "resource_missing", message: "No such \(object): '\(id)'", param: param)
    }

    static func missingKey() -> StripeAPIError {
        StripeAPIError(status: 401, code: nil, message: "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for details, or we can help at https://support.stripe.com/.")
    }

    static func invalidKey(_ key: String) -> StripeAPIError {
        // Stripe shows only the last four characters of a wrong key; the rest never leaves the server.
        let masked = key.count > 4 ? String(key.prefix(8)) + "****" + String(key.suffix(4)) : "****"
        return StripeAPIError(status: 401, code: nil, message: "Invalid API Key provided: \(masked)")
    }
}
