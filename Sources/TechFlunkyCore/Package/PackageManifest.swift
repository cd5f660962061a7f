import Foundation

/// A business package as the seed defines it (`techflunky.json` at the root of a bundle):
/// `id, name, slug, version, cloudflare.{workers, d1_databases, r2_buckets, dns_records}, businessAssets`.
/// Validation lives in `PackageManifestValidator`.
public struct PackageManifest: Codable, Sendable, Hashable {
    public var id: String
    public var name: String
    public var slug: String
    public var version: String
    public var cloudflare: CloudflareResources
    /// Asset kind (`marketResearch`, `businessPlan`, …) → path inside the bundle.
    public var businessAssets: [String: String]
    /// The business's monthly figures, oldest first (`ListingHistory`: at most 36 contiguous months, minor units).
    public var history: [MonthlyFigures]?
    /// How much of each business asset a buyer may read before buying, in percent of its lines (1–100; absent: 20).
    /// After purchase the buyer reads the whole.
    public var assetPreviewPercent: Int?

    /// The preview share when the manifest does not say.
    public static let defaultAssetPreviewPercent = 20

    public init(id: String, name: String, slug: String, version: String, cloudflare: CloudflareResources,
                businessAssets: [String: String], history: [MonthlyFigures]? = nil, assetPreviewPercent: Int? = nil) {
        self.history = history
        self.assetPreviewPercent = assetPreviewPercent
        self.id = id
        self.name = name
        self.slug = slug
        self.version = version
        self.cloudflare = cloudflare
        self.businessAssets = businessAssets
    }
}

public struct CloudflareResources: Codable, Sendable, Hashable {
    public var workers: [WorkerSpec]
    public var d1Databases: [D1DatabaseSpec]
    public var r2Buckets: [R2BucketSpec]
    public var dnsRecords: [DNSRecordSpec]
    /// Checks run after deployment to show the business is live, not just provisioned.
    public var smokeChecks: [SmokeCheckSpec]?

    public init(workers: [WorkerSpec], d1Databases: [D1DatabaseSpec], r2Buckets: [R2BucketSpec],
                dnsRecords: [DNSRecordSpec], smokeChecks: [SmokeCheckSpec]? = nil) {
        self.workers = workers
        self.d1Databases = d1Databases
        self.r2Buckets = r2Buckets
        self.dnsRecords = dnsRecords
        self.smokeChecks = smokeChecks
    }

    enum CodingKeys: String, CodingKey {
        case workers
        case d1Databases = "d1_databases"
        case r2Buckets = "r2_buckets"
        case dnsRecords = "dns_records"
        case smokeChecks = "smoke_checks"
    }
}

public struct WorkerSpec: Codable, Sendable, Hashable {
    /// Script name (Cloudflare: lower-case letters, digits, `-` and `_`, at most 63 characters).
    public var name: String
    /// The main ES module, a path inside the bundle (e.g. `workers/api/index.js`).
    public var main: String
    /// Further module files the main module imports, paths inside the bundle.
    public var modules: [String]?
    public var compatibilityDate: String
    public var bindings: [WorkerBinding]
    /// Plain-text environment variables.
    public var vars: [String: String]?
    /// Names of secrets the buyer's deployment must set (values are generated at deploy time).
    public var secrets: [String]?
    /// Whether the worker is exposed on the custom domain / workers.dev (one per package).
    public var routes: [String]?

    public init(name: String, main: String, modules: [String]? = nil, compatibilityDate: String,
                bindings: [WorkerBinding], vars: [String: String]? = nil, secrets: [String]? = nil,
                routes: [String]? = nil) {
        self.name = name
        self.main = main
        self.modules = modules
        self.compatibilityDate = compatibilityDate
        self.bindings = bindings
        self.vars = vars
        self.secrets = secrets
        self.routes = routes
    }

    enum CodingKeys: String, CodingKey {
        case name, main, modules
        case compatibilityDate = "compatibility_date"
        case bindings, vars, secrets, routes
    }
}

/// A binding from a worker to a resource, in Cloudflare's metadata vocabulary.
public struct WorkerBinding: Codable, Sendable, Hashable {
    public enum Kind: String, Codable, Sendable, CaseIterable {
        case d1
        case r2Bucket = "r2_bucket"
        case plainText = "plain_text"
        case secretText = "secret_text"

        // A clearer error than Foundation's for an unknown type: it names the types that are accepted.
        public init(from decoder: Decoder) throws {
            let container = try decoder.singleValueContainer()
            let raw = try container.decode(String.self)
            guard let kind = Kind(rawValue: raw) else {
                throw DecodingError.dataCorruptedError(
                    in: container,
                    debugDescription: "unknown binding type \"\(raw)\"; use one of \(Kind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            self = kind
        }
    }

    public var type: Kind
    /// The variable name the worker sees (`DB`, `ASSETS`).
    public var name: String
    /// For `d1`: the `name` of a database in `d1_databases`.
    public var database: String?
    /// For `r2_bucket`: the `name` of a bucket in `r2_buckets`.
    public var bucket: String?
    /// For `plain_text`.
    public var text: String?

    public init(type: Kind, name: String, database: String? = nil, bucket: String? = nil, text: String? = nil) {
        self.type = type
        self.name = name
        self.database = database
        self.bucket = bucket
        self.text = text
    }
}

public struct D1DatabaseSpec: Codable, Sendable, Hashable {
    public var name: String
    /// Migration files in order, paths inside the bundle named `NNNN_name.sql` (`migrations/0001_init.sql`).
    public var migrations: [String]

    public init(name: String, migrations: [String]) {
        self.name = name
        self.migrations = migrations
    }
}

public struct R2BucketSpec: Codable, Sendable, Hashable {
    public var name: String
    public var cors: [CORSRule]?

    public init(name: String, cors: [CORSRule]? = nil) {
        self.name = name
        self.cors = cors
    }
}

/// R2's CORS rule shape (`allowed.{origins, methods, headers}`, `maxAgeSeconds`).
public struct CORSRule: Codable, Sendable, Hashable {
    public struct Allowed: Codable, Sendable, Hashable {
        public var origins: [String]
        public var methods: [String]
        public var headers: [String]?

        public init(origins: [String], methods: [String], headers: [String]? = nil) {
            self.origins = origins
            self.methods = methods
            self.headers = headers
        }
    }

    public var allowed: Allowed
    public var maxAgeSeconds: Int?

    public init(allowed: Allowed, maxAgeSeconds: Int? = nil) {
        self.allowed = allowed
        self.maxAgeSeconds = maxAgeSeconds
    }
}

public struct DNSRecordSpec: Codable, Sendable, Hashable {
    /// `A`, `AAAA`, `CNAME`, `TXT`, `MX`, `CAA`, `SRV`, `NS`.
    public var type: String
    /// Relative to the buyer's domain; `@` is the apex.
    public var name: String
    /// Record content; `{{workers_dev}}` and `{{domain}}` are filled in at deployment.
    public var content: String
    /// 1 means automatic; otherwise 60–86400 seconds.
    public var ttl: Int
    public var proxied: Bool?
    public var priority: Int?

    public init(type: String, name: String, content: String, ttl: Int = 1, proxied: Bool? = nil, priority: Int? = nil) {
        self.type = type
        self.name = name
        self.content = content
        self.ttl = ttl
        self.proxied = proxied
        self.priority = priority
    }

    enum CodingKeys: String, CodingKey { case type, name, content, ttl, proxied, priority }

    /// `ttl` may be left out of a manifest: it then means automatic (1).
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        type = try c.decode(String.self, forKey: .type)
        name = try c.decode(String.self, forKey: .name)
        content = try c.decode(String.self, forKey: .content)
        ttl = try c.decodeIfPresent(Int.self, forKey: .ttl) ?? 1
        proxied = try c.decodeIfPresent(Bool.self, forKey: .proxied)
        priority = try c.decodeIfPresent(Int.self, forKey: .priority)
    }
}

/// After deployment, `GET {path}` on the business's URL must answer `expectStatus`
/// (and contain `expectBody` when given).
public struct SmokeCheckSpec: Codable, Sendable, Hashable {
    public var worker: String
    public var path: String
    public var expectStatus: Int
    public var expectBody: String?

    public init(worker: String, path: String, expectStatus: Int = 200, expectBody: String? = nil) {
        self.worker = worker
        self.path = path
        self.expectStatus = expectStatus
        self.expectBody = expectBody
    }

    enum CodingKeys: String, CodingKey {
        case worker, path
        case expectStatus = "expect_status"
        case expectBody = "expect_body"
    }

    /// `expect_status` may be left out: it then means 200.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        worker = try c.decode(String.self, forKey: .worker)
        path = try c.decode(String.self, forKey: .path)
        expectStatus = try c.decodeIfPresent(Int.self, forKey: .expectStatus) ?? 200
        expectBody = try c.decodeIfPresent(String.self, forKey: .expectBody)
    }
}

/// One problem found in a manifest: where (`cloudflare.r2_buckets[1].name`) and what to do.
public struct ManifestProblem: Codable, Sendable, Hashable, CustomStringConvertible {
    public var path: String
    public var message: String

    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { "\(path): \(message)" }
}
