import Foundation

/// Any JSON value, for the parts of Cloudflare's answers whose shape depends on the data
/// (D1 rows, `result_info`, query params).
public enum CloudflareJSONValue: Codable, Sendable, Hashable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([CloudflareJSONValue])
    case object([String: CloudflareJSONValue])

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let i = try? c.decode(Int64.self) { self = .int(i) }
        else if let d = try? c.decode(Double.self) { self = .double(d) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let a = try? c.decode([CloudflareJSONValue].self) { self = .array(a) }
        else { self = .object(try c.decode([String: CloudflareJSONValue].self)) }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .null: try c.encodeNil()
        case let .bool(b): try c.encode(b)
        case let .int(i): try c.encode(i)
        case let .double(d): try c.encode(d)
        case let .string(s): try c.encode(s)
        case let .array(a): try c.encode(a)
        case let .object(o): try c.encode(o)
        }
    }

    public var stringValue: String? {
        switch self {
        case let .string(s): s
        case let .int(i): String(i)
        case let .double(d): String(d)
        case let .bool(b): String(b)
        default: nil
        }
    }

    public var intValue: Int64? {
        switch self {
        case let .int(i): i
        case let .double(d): Int64(exactly: d)
        case let .string(s): Int64(s)
        default: nil
        }
    }
}
