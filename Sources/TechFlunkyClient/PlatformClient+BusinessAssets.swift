import Foundation
import TechFlunkyCore
import TechFlunkyHTTP

/// A listing's business assets: as text for the viewer (a preview before purchase), and a paid order's files as
/// they were uploaded, for `techflunky assets download`.
extension PlatformClient {
    /// `GET /api/listings/{slug}/assets/{kind}`, signed in when a session is held (the buyer and the seller read
    /// the whole document).
    public func businessDocument(slug: String, kind: String) async throws -> BusinessDocument {
        try await call(.GET, "/api/listings/\(PercentEncoding.segment(slug))/assets/\(PercentEncoding.segment(kind))")
    }

    /// One downloaded asset: its bytes and the file name the platform suggests (`Content-Disposition`).
    public struct AssetFile: Sendable, Hashable {
        public var kind: String
        public var suggestedName: String?
        public var data: Data
    }

    /// `GET /api/orders/{id}/assets/{kind}`: the asset's bytes for the buyer of a paid order.
    public func orderAsset(orderId: String, kind: String) async throws -> AssetFile {
        let (_, response) = try await perform(.GET, "/api/orders/\(PercentEncoding.segment(orderId))/assets/\(PercentEncoding.segment(kind))",
                                              query: [], body: Optional<String>.none, headers: [:], authenticated: true, retryable: nil)
        let disposition = response.headers["Content-Disposition"]
        return AssetFile(kind: kind, suggestedName: disposition.flatMap(Self.fileName(fromContentDisposition:)), data: response.body)
    }

    /// `attachment; filename="plan.md"` → `plan.md`.
    static func fileName(fromContentDisposition header: String) -> String? {
        guard let range = header.range(of: "filename=") else { return nil }
        var name = header[range.upperBound...].prefix { $0 != ";" }.trimmingCharacters(in: .whitespaces)
        if name.hasPrefix("\""), name.hasSuffix("\""), name.count >= 2 { name = String(name.dropFirst().dropLast()) }
        return name.isEmpty ? nil : name
    }
}
