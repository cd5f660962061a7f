import Foundation

/// A Stripe API object as it arrives: any JSON, read by key path (`object["payment_intent"]["latest_charge"]`).
/// Stripe objects are wide and versioned, so the platform reads the few fields it needs rather than
/// decoding whole types that would break on every new field.
public enum StripeJSON: Sendable, Hashable, Decodable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([StripeJSON])
    case object([String: StripeJSON])

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let n = try? c.decode(Double.self) { self = .number(n) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let a = try? c.decode([StripeJSON].self) { self = .array(a) }
        else { self = .object(try c.decode([String: StripeJSON].self)) }
    }

    public static func parse(_ data: Data) throws -> StripeJSON { try JSONDecoder().decode(StripeJSON.self, from: data) }

    public subscript(key: String) -> StripeJSON {
        if case let .object(fields) = self { return fields[key] ?? .null }
        return .null
    }

    public var string: String? { if case let .string(s) = self { return s } else { return nil } }
    public var bool: Bool? { if case let .bool(b) = self { return b } else { return nil } }
    public var int: Int64? { if case let .number(n) = self, n.rounded() == n, abs(n) < 9e15 { return Int64(n) } else { return nil } }
    public var isNull: Bool { self == .null }

    /// The id of an expandable field, whether it came as an id or as the expanded object.
    public var id: String? { string ?? self["id"].string }
}
