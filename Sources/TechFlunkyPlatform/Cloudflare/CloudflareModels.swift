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
    public var results: [[String: CloudflareJSONValue]]
    public var success: Bool
    public var meta: [String: CloudflareJSONValue]?

    enum CodingKeys: String, CodingKey { case results, success, meta }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        results = try c.decodeIfPresent([[String: CloudflareJSONValue]].self, forKey: .results) ?? []
        success = try c.decodeIfPresent(Bool.self, forKey: .success) ?? true
        meta = try c.decodeIfPresent([String: CloudflareJSONValue].self, forKey: .meta)
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
    public var content: String
    public var ttl: Int?
    public var proxied: Bool?
    public var priority: Int?
}

/// What the platform sends to create or update a DNS record.
public struct CloudflareDNSRecordInput: Codable, Sendable, Hashable {
    public var type: String
    public var name: String
    public var content: String
    public var ttl: Int
    public var proxied: Bool?
    public var priority: Int?

    public init(type: String, name: String, content: String, ttl: Int, proxied: Bool? = nil, priority: Int? = nil) {
        self.type = type
        self.name = name
        self.content = content
        self.ttl = ttl
        self.proxied = proxied
        self.priority = priority
    }
}

public struct CloudflareCustomHostname: Codable, Sendable, Hashable {
    public var id: String
    public var hostname: String
    public var status: String?
}

/// `{id}` answers of deletes.
struct CloudflareIdentifier: Decodable {
    var id: String?
}
