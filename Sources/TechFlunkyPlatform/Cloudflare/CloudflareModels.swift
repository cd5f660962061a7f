import Foundation
import TechFlunkyCore

// The `result` shapes of the Cloudflare API v4 calls `CloudflareClient` makes, decoded leniently:
// only the fields the platform uses, everything else ignored.

/// `GET /user/tokens/verify`, `GET /accounts/{id}/tokens/verify`.
public struct CloudflareTokenStatus: Codable, Sendable, Hashable {
    public var id: String
    /// `active`, `disabled` or `expired`.
    public var status: String
    public var expiresOn: String?

    enum CodingKeys: String, CodingKey {
        case id, status
        case expiresOn = "expires_on"
    }
}

public struct CloudflareAccount: Codable, Sendable, Hashable {
    public var id: String
    public var name: String?
}

public struct CloudflareD1Database: Codable, Sendable, Hashable {
    public var uuid: String
    public var name: String
    public var createdAt: String?

    enum CodingKeys: String, CodingKey {
        case uuid, name
        case createdAt = "created_at"
    }
}

/// One statement's answer of `POST …/d1/database/{id}/query` (the result is an array of these).
public struct CloudflareD1QueryResult: Codable, Sendable, Hashable {
    public var results: [[String: JSONValue]]
    public var success: Bool
    public var meta: [String: JSONValue]?

    enum CodingKeys: String, CodingKey { case results, success, meta }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        results = try c.decodeIfPresent([[String: JSONValue]].self, forKey: .results) ?? []
        success = try c.decodeIfPresent(Bool.self, forKey: .success) ?? true
        meta = try c.decodeIfPresent([String: JSONValue].self, forKey: .meta)
    }
}

public struct CloudflareR2Bucket: Codable, Sendable, Hashable {
    public var name: String
    public var creationDate: String?
    public var location: String?

    enum CodingKeys: String, CodingKey {
        case name, location
        case creationDate = "creation_date"
    }
}

/// `GET /accounts/{id}/r2/buckets` answers `{buckets: [...]}`.
struct CloudflareR2BucketList: Decodable {
    var buckets: [CloudflareR2Bucket]
}

/// R2's CORS policy body: `{"rules": [{"allowed": {...}, "maxAgeSeconds": n}]}`.
struct CloudflareR2CORSPolicy: Codable {
    var rules: [CORSRule]
}

public struct CloudflareWorkerScript: Codable, Sendable, Hashable {
    public var id: String?
    public var etag: String?
}

/// A Worker version (`POST …/workers/scripts/{name}/versions`): uploaded, not serving until a deployment names it.
public struct CloudflareWorkerVersion: Codable, Sendable, Hashable {
    public var id: String
    public var number: Double?
}

/// A Worker deployment: which versions serve, and what share of the traffic each gets (`strategy: percentage`).
public struct CloudflareWorkerDeployment: Codable, Sendable, Hashable {
    public struct Share: Codable, Sendable, Hashable {
        public var versionId: String
        public var percentage: Double

        enum CodingKeys: String, CodingKey {
            case versionId = "version_id"
            case percentage
        }
    }

    public var id: String?
    public var strategy: String?
    public var versions: [Share]
    public var createdOn: String?

    /// The version that takes the most traffic (all of it after an all-at-once deployment).
    public var mainVersionId: String? { versions.max { $0.percentage < $1.percentage }?.versionId }

    enum CodingKeys: String, CodingKey {
        case id, strategy, versions
        case createdOn = "created_on"
    }
}

/// The account's workers.dev subdomain: scripts answer at `https://<script>.<subdomain>.workers.dev`.
public struct CloudflareWorkersSubdomain: Codable, Sendable, Hashable {
    public var subdomain: String
}

public struct CloudflareWorkerSecret: Codable, Sendable, Hashable {
    public var name: String
    public var type: String?
}

public struct CloudflareZone: Codable, Sendable, Hashable {
    public var id: String
    public var name: String
    public var status: String?
}

public struct CloudflareDNSRecord: Codable, Sendable, Hashable {
    public var id: String
    public var type: String
    public var name: String
    /// For CAA and SRV this is Cloudflare's formatted, read-only rendering of `data`.
    public var content: String?
    /// The record's components for the types that have them (CAA `{flags, tag, value}`, SRV
    /// `{priority, weight, port, target}`).
    public var data: JSONValue?
    public var ttl: Int?
    public var proxied: Bool?
    public var priority: Int?
}

/// What the platform sends to create or update a DNS record: `content` for most types, `data` for CAA
/// and SRV, whose `content` Cloudflare treats as read-only.
public struct CloudflareDNSRecordInput: Codable, Sendable, Hashable {
    public var type: String
    public var name: String
    public var content: String?
    public var data: JSONValue?
    public var ttl: Int
    public var proxied: Bool?
    public var priority: Int?

    public init(type: String, name: String, content: String? = nil, data: JSONValue? = nil, ttl: Int,
                proxied: Bool? = nil, priority: Int? = nil) {
        self.type = type
        self.name = name
        self.content = content
        self.data = data
        self.ttl = ttl
        self.proxied = proxied
        self.priority = priority
    }

    /// The record for a package's DNS line, with its content already filled in: CAA's `flags tag "value"`
    /// and SRV's `weight port target` (with `priority`) become `data`. Nil when the content does not parse
    /// (the package validator refuses such content before a package is published).
    public static func fromPackage(type rawType: String, name: String, content: String, ttl: Int, proxied: Bool?,
                                   priority: Int?) -> CloudflareDNSRecordInput? {
        let type = rawType.uppercased()
        switch type {
        case "CAA":
            let parts = content.split(separator: " ", maxSplits: 2).map(String.init)
            guard parts.count == 3, let flags = UInt8(parts[0]) else { return nil }
            var value = parts[2]
            if value.count >= 2 && value.hasPrefix("\"") && value.hasSuffix("\"") { value = String(value.dropFirst().dropLast()) }
            return CloudflareDNSRecordInput(type: type, name: name, data: .object([
                "flags": .int(Int64(flags)), "tag": .string(parts[1]), "value": .string(value),
            ]), ttl: ttl)
        case "SRV":
            let parts = content.split(separator: " ").map(String.init)
            guard parts.count == 3, let weight = UInt16(parts[0]), let port = UInt16(parts[1]) else { return nil }
            return CloudflareDNSRecordInput(type: type, name: name, data: .object([
                "priority": .int(Int64(priority ?? 0)), "weight": .int(Int64(weight)), "port": .int(Int64(port)),
                "target": .string(parts[2]),
            ]), ttl: ttl)
        default:
            return CloudflareDNSRecordInput(type: type, name: name, content: content, ttl: ttl, proxied: proxied,
                                            priority: type == "MX" ? priority : nil)
        }
    }

    /// Whether an existing record already says what this input says (by `data` where the type has it).
    public func matches(_ record: CloudflareDNSRecord) -> Bool {
        guard record.type.uppercased() == type else { return false }
        if let data {
            guard let other = record.data else { return false }
            return CloudflareDNSRecordInput.sameComponents(data, other)
        }
        return record.content == content
    }

    /// The value to show in logs: the content, or the data's components.
    public var display: String {
        if let content { return content }
        guard case let .object(fields)? = data else { return "" }
        return fields.keys.sorted().map { "\($0)=\(fields[$0].map(CloudflareDNSRecordInput.text) ?? "")" }.joined(separator: " ")
    }

    static func text(_ value: JSONValue) -> String {
        switch value {
        case let .string(s): s
        case let .int(i): String(i)
        case let .double(d): d.rounded() == d && abs(d) < 1e15 ? String(Int64(d)) : String(d)
        case let .bool(b): String(b)
        default: ""
        }
    }

    /// Compares two component objects field by field, numbers by value and text case-insensitively
    /// (Cloudflare may echo `0` as `0.0` or a tag in another case).
    static func sameComponents(_ a: JSONValue, _ b: JSONValue) -> Bool {
        guard case let .object(x) = a, case let .object(y) = b else { return false }
        for (key, value) in x {
            guard let other = y[key] else { return false }
            if text(value).lowercased() != text(other).lowercased() { return false }
        }
        return true
    }
}

/// A Workers Custom Domain (`/accounts/{a}/workers/domains`): a hostname in one of the account's zones
/// routed to a Worker; Cloudflare makes its DNS record and certificate.
public struct CloudflareWorkerDomain: Codable, Sendable, Hashable {
    public var id: String
    public var hostname: String
    public var service: String?
    public var zoneId: String?
    public var zoneName: String?
    public var environment: String?

    enum CodingKeys: String, CodingKey {
        case id, hostname, service, environment
        case zoneId = "zone_id"
        case zoneName = "zone_name"
    }
}

/// `{id}` answers of deletes.
struct CloudflareIdentifier: Decodable {
    var id: String?
}
