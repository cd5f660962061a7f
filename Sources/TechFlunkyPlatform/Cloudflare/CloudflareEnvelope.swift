import Foundation

/// Cloudflare API v4's answer: `{success, errors: [{code, message}], messages, result, result_info}`.
struct CloudflareEnvelope<Result: Decodable>: Decodable {
    var success: Bool
    var errors: [CloudflareAPIMessage]
    var messages: [CloudflareAPIMessage]
    var result: Result?
    var resultInfo: CloudflareResultInfo?

    enum CodingKeys: String, CodingKey {
        case success, errors, messages, result
        case resultInfo = "result_info"
    }

    init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        success = try c.decodeIfPresent(Bool.self, forKey: .success) ?? false
        errors = (try? c.decodeIfPresent([CloudflareAPIMessage].self, forKey: .errors)) ?? []
        messages = (try? c.decodeIfPresent([CloudflareAPIMessage].self, forKey: .messages)) ?? []
        result = try c.decodeIfPresent(Result.self, forKey: .result)
        resultInfo = try? c.decodeIfPresent(CloudflareResultInfo.self, forKey: .resultInfo)
    }
}

/// Only the error list of an envelope, decoded from any failed answer whatever its `result` holds.
struct CloudflareErrorEnvelope: Decodable {
    var errors: [CloudflareAPIMessage]?
}

/// One entry of `errors` or `messages`.
public struct CloudflareAPIMessage: Codable, Sendable, Hashable {
    public var code: Int
    public var message: String

    public init(code: Int, message: String) {
        self.code = code
        self.message = message
    }

    enum CodingKeys: String, CodingKey { case code, message }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        // Cloudflare sends codes as numbers; be lenient with strings.
        if let n = try? c.decode(Int.self, forKey: .code) { code = n }
        else if let s = try? c.decode(String.self, forKey: .code), let n = Int(s) { code = n }
        else { code = 0 }
        message = (try? c.decode(String.self, forKey: .message)) ?? ""
    }
}

/// Paging of list answers.
public struct CloudflareResultInfo: Codable, Sendable, Hashable {
    public var page: Int?
    public var perPage: Int?
    public var count: Int?
    public var totalCount: Int?
    public var totalPages: Int?

    enum CodingKeys: String, CodingKey {
        case page, count
        case perPage = "per_page"
        case totalCount = "total_count"
        case totalPages = "total_pages"
    }
}
