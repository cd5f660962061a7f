import Foundation

/// One file of a package bundle: its path from the bundle root and its bytes (base64 in JSON).
public struct BundleFile: Codable, Sendable, Hashable {
    public var path: String
    public var content: Data

    public init(path: String, content: Data) {
        self.path = path
        self.content = content
    }
}

/// A package bundle as uploaded: every file, `techflunky.json` among them. JSON rather than an archive so
/// the client needs no zip or tar support and the server sees each path before writing anything.
public struct PackageBundle: Codable, Sendable, Hashable {
    /// The manifest's path inside every bundle.
    public static let manifestPath = "techflunky.json"
    /// Upload limits (the server answers 413 beyond them).
    public static let maxFiles = 500
    public static let maxTotalBytes = 20 * 1024 * 1024

    public var files: [BundleFile]

    public init(files: [BundleFile]) {
        self.files = files
    }

    /// Every path, for `PackageManifestValidator.validate(_:bundleFiles:)`.
    public var paths: Set<String> { Set(files.map(\.path)) }

    public var totalBytes: Int { files.reduce(0) { $0 + $1.content.count } }

    /// The bytes of `techflunky.json`, when the bundle has one.
    public var manifestData: Data? { files.first { $0.path == Self.manifestPath }?.content }
}

/// `POST /api/seller/listings` (bundle required) and `PUT /api/seller/listings/{slug}` (bundle optional:
/// without it only the listing text and metrics change).
public struct ListingUploadRequest: Codable, Sendable, Hashable {
    public var listing: PublishListingRequest
    public var bundle: PackageBundle?

    public init(listing: PublishListingRequest, bundle: PackageBundle?) {
        self.listing = listing
        self.bundle = bundle
    }
}

/// The answer to a Stripe webhook the platform accepted (processed now, or a repeat it had seen).
public struct WebhookReceipt: Codable, Sendable, Hashable {
    public var received: Bool
    /// True when the event id had been processed before, so nothing changed.
    public var duplicate: Bool

    public init(received: Bool = true, duplicate: Bool = false) {
        self.received = received
        self.duplicate = duplicate
    }
}

/// `GET /healthz`.
public struct HealthResponse: Codable, Sendable, Hashable {
    public var status: String
    public var version: String

    public init(status: String = "ok", version: String = TechFlunkyVersion.current) {
        self.status = status
        self.version = version
    }
}
