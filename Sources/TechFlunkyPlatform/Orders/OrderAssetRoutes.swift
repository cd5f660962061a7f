import Foundation
import Hummingbird
import TechFlunkyCore

/// `GET /api/orders/{id}/assets/{kind}`: a business asset of the package (the business plan, the market
/// research) for the buyer of a paid order, opened from its sealed file for this answer only. Someone else's
/// order is 404; an order not paid (or refunded, disputed, expired) is 409.
enum OrderAssetRoutes {
    static let paidStates: Set<OrderState> = [.paid, .inReview, .released]

    static func register(on api: some RouterMethods<PlatformRequestContext>, services: PlatformServices) {
        api.get("orders/:id/assets/:kind") { _, context -> Response in
            let account = try context.requireAccount()
            let id = try context.parameters.require("id"), kind = try context.parameters.require("kind")
            guard let order = try await services.orders.order(id: id), order.buyerId == account.id else {
                throw PlatformError.notFound("no order `\(id)` of yours")
            }
            guard paidStates.contains(order.state) else {
                throw PlatformError.conflict("order `\(id)` is \(order.state.rawValue): a package's assets are its buyer's once the order is paid")
            }
            let directory = services.packages.bundleDirectory(slug: order.listingSlug)
            let data: Data, path: String
            do {
                let package = try DeploymentPackage.load(from: directory, key: services.packages.key)
                guard let named = package.manifest.businessAssets[kind] else {
                    let kinds = package.manifest.businessAssets.keys.sorted()
                    throw PlatformError.notFound("the package has no asset `\(kind)`\(kinds.isEmpty ? "" : "; it has \(kinds.joined(separator: ", "))")")
                }
                path = named
                data = try package.file(named)
            } catch let error as DeploymentPackage.LoadError {
                services.logger.error("package asset unavailable", metadata: ["order": "\(id)", "kind": "\(kind)", "error": "\(error)"])
                throw PlatformError.conflict("the package's asset cannot be read right now; the platform's operator has been told")
            }
            let name = (path as NSString).lastPathComponent.filter { $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) }
            return Response(status: .ok,
                            headers: [.contentType: contentType(of: path), .contentDisposition: "attachment; filename=\"\(name.isEmpty ? kind : name)\""],
                            body: .init(byteBuffer: ByteBuffer(bytes: data)))
        }
    }

    static func contentType(of path: String) -> String {
        switch (path as NSString).pathExtension.lowercased() {
        case "md": "text/markdown; charset=utf-8"
        case "txt": "text/plain; charset=utf-8"
        case "pdf": "application/pdf"
        case "csv": "text/csv; charset=utf-8"
        case "json": "application/json"
        case "png": "image/png"
        case "jpg", "jpeg": "image/jpeg"
        default: "application/octet-stream"
        }
    }
}
