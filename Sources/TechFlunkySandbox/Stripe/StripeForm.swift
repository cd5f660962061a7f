import Foundation

/// A Stripe request body (`application/x-www-form-urlencoded` with bracket keys) or query string, parsed.
///
/// Stripe nests parameters with brackets: `line_items[0][price_data][currency]=usd`, `metadata[order]=o1`,
/// `expand[]=payment_intent`. Keys are kept in their canonical flat form (an empty `[]` becomes the next
/// index, so `expand[]=a&expand[]=b` is `expand[0]`, `expand[1]`), and `tree` gives the nested view.
public struct StripeForm: Sendable, Equatable {
    /// One node of the nested view: a leaf value or a map of children (array indices are keys "0", "1"…).
    public indirect enum Node: Sendable, Equatable {
        case value(String)
        case map([String: Node])

        public var value: String? { if case let .value(v) = self { v } else { nil } }
        public var children: [String: Node]? { if case let .map(m) = self { m } else { nil } }
    }

    /// Canonical flat keys in the order they were sent.
    public private(set) var pairs: [(key: String, value: String)] = []
    private var index: [String: String] = [:]

    public static func == (a: StripeForm, b: StripeForm) -> Bool { a.index == b.index }

    public init() {}

    /// Parses `body`; throws `StripeAPIError` (`parameter_invalid`) for a key whose brackets do not balance.
    public init(encoded body: String) throws {
        var counters: [String: Int] = [:]
        for piece in body.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = piece.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let rawKey = StripeForm.percentDecode(String(parts[0]))
            let value = parts.count > 1 ? StripeForm.percentDecode(String(parts[1])) : ""
            let segments = try StripeForm.segments(of: rawKey)
            // Resolve `[]` into the next free index of its parent.
            var canonical = segments[0]
            for segment in segments.dropFirst() {
                if segment.isEmpty {
                    let next = counters[canonical, default: 0]
                    counters[canonical] = next + 1
                    canonical += "[\(next)]"
                } else {
                    if let i = Int(segment) { counters[canonical] = max(counters[canonical, default: 0], i + 1) }
                    canonical += "[\(segment)]"
                }
            }
            if index[canonical] == nil { pairs.append((canonical, value)) } else {
                pairs.removeAll { $0.key == canonical }
                pairs.append((canonical, value))
            }
            index[canonical] = value
        }
    }

    public subscript(key: String) -> String? { index[key] }

    public var isEmpty: Bool { pairs.isEmpty }
    public var keys: [String] { pairs.map(\.key) }

    /// Entries directly under `prefix` (e.g. `metadata` → `["order": "o1"]`), leaves only.
    public func dictionary(under prefix: String) -> [String: String] {
        guard case let .map(children)? = node(prefix) else { return [:] }
        return children.compactMapValues(\.value)
    }

    /// Indices present under `prefix` (e.g. `line_items` → `[0, 1]`), sorted.
    public func indices(under prefix: String) -> [Int] {
        guard case let .map(children)? = node(prefix) else { return [] }
        return children.keys.compactMap(Int.init).sorted()
    }

    /// The list `expand[]` style, in index order.
    public func list(_ prefix: String) -> [String] {
        indices(under: prefix).compactMap { index["\(prefix)[\($0)]"] }
    }

    /// The nested view of the whole form.
    public var tree: Node {
        var root: [String: Node] = [:]
        for (key, value) in pairs {
            // Canonical keys always parse.
            guard let segments = try? StripeForm.segments(of: key) else { continue }
            StripeForm.insert(value, at: segments[...], into: &root)
        }
        return .map(root)
    }

    /// The node at a canonical key (`line_items[0][price_data]`).
    public func node(_ key: String) -> Node? {
        guard let segments = try? StripeForm.segments(of: key) else { return nil }
        var current: Node = tree
        for s in segments {
            guard case let .map(m) = current, let next = m[s] else { return nil }
            current = next
        }
        return current
    }

    private static func insert(_ value: String, at path: ArraySlice<String>, into map: inout [String: Node]) {
        guard let head = path.first else { return }
        if path.count == 1 { map[head] = .value(value); return }
        var child: [String: Node] = if case let .map(m)? = map[head] { m } else { [:] }
        insert(value, at: path.dropFirst(), into: &child)
        map[head] = .map(child)
    }

    /// `a[b][0]` → `["a", "b", "0"]`; `a[]` → `["a", ""]`.
    static func segments(of key: String) throws -> [String] {
        guard let open = key.firstIndex(of: "[") else {
            guard !key.isEmpty, !key.contains("]") else { throw StripeAPIError.invalidParameterName(key) }
            return [key]
        }
        let name = String(key[..<open])
        guard !name.isEmpty, !name.contains("]") else { throw StripeAPIError.invalidParameterName(key) }
        var result = [name]
        var rest = key[open...]
        while !rest.isEmpty {
            guard rest.first == "[", let close = rest.firstIndex(of: "]") else { throw StripeAPIError.invalidParameterName(key) }
            let inner = rest[rest.index(after: rest.startIndex)..<close]
            guard !inner.contains("[") else { throw StripeAPIError.invalidParameterName(key) }
            result.append(String(inner))
            rest = rest[rest.index(after: close)...]
        }
        return result
    }

    static func percentDecode(_ s: String) -> String {
        let spaced = s.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }

    /// Form-encodes pairs the way Stripe's libraries do (for tests and for building requests).
    public static func encode(_ pairs: [(String, String)]) -> String {
        let unreserved = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~"
        let allowed = CharacterSet(charactersIn: unreserved + "[]")
        return pairs.map { key, value in
            let k = key.addingPercentEncoding(withAllowedCharacters: allowed) ?? key
            let v = value.addingPercentEncoding(withAllowedCharacters: allowed.subtracting(CharacterSet(charactersIn: "[]"))) ?? value
            return "\(k)=\(v)"
        }.joined(separator: "&")
    }
}
