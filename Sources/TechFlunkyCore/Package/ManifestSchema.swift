import Foundation

/// The shape of `techflunky.json`: which keys each object has, which are required, and what type each value is.
///
/// `ManifestShapeCheck` holds a leniently decoded tree (`JSONValue`) to it, so every wrong type and every missing
/// key is reported in one run with its path and what was expected; `docs/packages.md` documents every field named
/// here (a test keeps the two in step). `PackageManifest`'s Codable conformance is still what builds the value.
public indirect enum ManifestShape: Sendable {
    case string
    /// A string that must be one of these values.
    case oneOf([String])
    case integer
    case boolean
    case list(ManifestShape)
    /// An object whose keys are chosen by the seller (`businessAssets`, `vars`), every value of one shape.
    case map(ManifestShape)
    case object([ManifestField])

    /// What a value of this shape is, for a message: "a string", "a list of strings".
    public var expected: String {
        switch self {
        case .string: "a string"
        case let .oneOf(values): "one of \(values.joined(separator: ", "))"
        case .integer: "a whole number"
        case .boolean: "true or false"
        case let .list(element): "a list of \(element.plural)"
        case let .map(value): "an object of \(value.plural)"
        case .object: "an object"
        }
    }

    var plural: String {
        switch self {
        case .string, .oneOf: "strings"
        case .integer: "whole numbers"
        case .boolean: "true/false values"
        case .list: "lists"
        case .map, .object: "objects"
        }
    }
}

/// One key of an object in the manifest.
public struct ManifestField: Sendable {
    public var name: String
    public var shape: ManifestShape
    public var required: Bool

    public init(_ name: String, _ shape: ManifestShape, required: Bool = true) {
        self.name = name
        self.shape = shape
        self.required = required
    }
}

extension ManifestShape {
    /// `techflunky.json`, as `PackageManifest` decodes it.
    public static let manifest: ManifestShape = .object([
        ManifestField("id", .string),
        ManifestField("name", .string),
        ManifestField("slug", .string),
        ManifestField("version", .string),
        ManifestField("cloudflare", .object([
            ManifestField("workers", .list(worker)),
            ManifestField("d1_databases", .list(.object([
                ManifestField("name", .string),
                ManifestField("migrations", .list(.string)),
            ]))),
            ManifestField("r2_buckets", .list(.object([
                ManifestField("name", .string),
                ManifestField("cors", .list(cors), required: false),
            ]))),
            ManifestField("dns_records", .list(.object([
                ManifestField("type", .string),
                ManifestField("name", .string),
                ManifestField("content", .string),
                ManifestField("ttl", .integer, required: false),
                ManifestField("proxied", .boolean, required: false),
                ManifestField("priority", .integer, required: false),
            ]))),
            ManifestField("smoke_checks", .list(.object([
                ManifestField("worker", .string),
                ManifestField("path", .string),
                ManifestField("expect_status", .integer, required: false),
                ManifestField("expect_body", .string, required: false),
            ])), required: false),
        ])),
        ManifestField("businessAssets", .map(.string)),
    ])

    static let worker: ManifestShape = .object([
        ManifestField("name", .string),
        ManifestField("main", .string),
        ManifestField("modules", .list(.string), required: false),
        ManifestField("compatibility_date", .string),
        ManifestField("bindings", .list(.object([
            ManifestField("type", .oneOf(WorkerBinding.Kind.allCases.map(\.rawValue))),
            ManifestField("name", .string),
            ManifestField("database", .string, required: false),
            ManifestField("bucket", .string, required: false),
            ManifestField("text", .string, required: false),
        ]))),
        ManifestField("vars", .map(.string), required: false),
        ManifestField("secrets", .list(.string), required: false),
        ManifestField("routes", .list(.string), required: false),
    ])

    static let cors: ManifestShape = .object([
        ManifestField("allowed", .object([
            ManifestField("origins", .list(.string)),
            ManifestField("methods", .list(.string)),
            ManifestField("headers", .list(.string), required: false),
        ])),
        ManifestField("maxAgeSeconds", .integer, required: false),
    ])

    /// Every key path of the shape, lists as `[]` and chosen keys as `*`: `cloudflare.workers[].bindings[].type`.
    public func fieldPaths(prefix: String = "") -> [String] {
        switch self {
        case .string, .oneOf, .integer, .boolean: return []
        case let .list(element): return element.fieldPaths(prefix: prefix + "[]")
        case let .map(value): return [prefix + ".*"] + value.fieldPaths(prefix: prefix + ".*")
        case let .object(fields):
            return fields.flatMap { field -> [String] in
                let path = prefix.isEmpty ? field.name : "\(prefix).\(field.name)"
                return [path] + field.shape.fieldPaths(prefix: path)
            }
        }
    }
}

/// Holds a decoded JSON tree to a `ManifestShape`: every value of the wrong type and every missing required key,
/// each with its path and what was expected, and a copy of the tree with each of them replaced by a stand-in of
/// the right shape, so `PackageManifest` can be decoded from it and the validator's rules run on the rest.
public struct ManifestShapeCheck: Sendable {
    public var problems: [ManifestProblem] = []
    /// Paths whose value is a stand-in; the validator's problems at or under them are not reported (the shape
    /// problem already is). For a value that had to be one of a list, its whole object is a stand-in.
    public var standInPaths: [String] = []
    public var patched: JSONValue = .null

    public init(_ value: JSONValue, shape: ManifestShape = .manifest) {
        patched = check(value, shape, path: "", parent: "")
    }

    /// Whether the validator's problem at `path` follows from a stand-in (and so is not reported).
    public func isCoveredByStandIn(_ path: String) -> Bool {
        standInPaths.contains { stand in
            stand.isEmpty || path == stand || path.hasPrefix(stand + ".") || path.hasPrefix(stand + "[")
        }
    }

    private mutating func check(_ value: JSONValue, _ shape: ManifestShape, path: String, parent: String) -> JSONValue {
        switch (shape, value) {
        case (.string, .string), (.integer, .int), (.boolean, .bool):
            return value
        case let (.oneOf(values), .string(s)):
            if values.contains(s) { return value }
            report(path, "must be one of \(values.joined(separator: ", ")) (got \(describeValue(value)))")
            standInPaths.append(parent)
            return .string(values[0])
        case let (.list(element), .array(items)):
            return .array(items.enumerated().map { i, item in check(item, element, path: "\(path)[\(i)]", parent: path) })
        case let (.map(valueShape), .object(object)):
            var out: [String: JSONValue] = [:]
            for key in object.keys.sorted() {
                out[key] = check(object[key]!, valueShape, path: join(path, key), parent: path)
            }
            return .object(out)
        case let (.object(fields), .object(object)):
            var out = object
            for field in fields {
                let fieldPath = join(path, field.name)
                switch object[field.name] {
                case nil where field.required, .null? where field.required:
                    let how = object[field.name] == nil ? "is required but missing" : "is required and cannot be null"
                    report(fieldPath, "\(how): \(field.shape.expected)")
                    standInPaths.append(fieldPath)
                    out[field.name] = Self.standIn(for: field.shape)
                case nil, .null?:
                    out[field.name] = nil
                case let child?:
                    out[field.name] = check(child, field.shape, path: fieldPath, parent: path)
                }
            }
            return .object(out)
        default:
            report(path, "must be \(shape.expected) (got \(describeValue(value)))")
            standInPaths.append(path)
            return Self.standIn(for: shape)
        }
    }

    private mutating func report(_ path: String, _ message: String) {
        problems.append(ManifestProblem(path: path, message: message))
    }

    private func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// A value of `shape`: empty, with stand-ins for an object's required keys.
    static func standIn(for shape: ManifestShape) -> JSONValue {
        switch shape {
        case .string: .string("")
        case let .oneOf(values): .string(values.first ?? "")
        case .integer: .int(0)
        case .boolean: .bool(false)
        case .list: .array([])
        case .map: .object([:])
        case let .object(fields):
            .object(Dictionary(uniqueKeysWithValues: fields.filter(\.required).map { ($0.name, standIn(for: $0.shape)) }))
        }
    }
}

/// What a JSON value is, for a message: `a number (3.5)`, `a string ("an hour")`, `null`.
func describeValue(_ value: JSONValue) -> String {
    switch value {
    case .null: return "null"
    case let .bool(b): return b ? "true" : "false"
    case let .int(i): return "a number (\(i))"
    case let .double(d): return "a number (\(d))"
    case let .string(s): return "a string (\(quotedForMessage(s)))"
    case let .array(a): return a.isEmpty ? "an empty list" : "a list"
    case .object: return "an object"
    }
}
