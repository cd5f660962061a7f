import Foundation
import Hummingbird
import TechFlunkyCore

/// `GET /api/orders` and `GET /api/orders/{id}`: the caller's own orders only (someone else's is 404), each with
/// a summary of its deployments, newest first.
enum OrderRoutes {
    static func register(on api: some RouterMethods<PlatformRequestContext>, services: PlatformServices) {
        let deployments = services.deployments.store
        api.get("orders") { _, context -> OrdersResponse in
            let account = try context.requireAccount()
            let stored = try await services.orders.orders(buyerId: account.id)
            // Every order's deployments in one read, however many orders there are.
            let byOrder = try await deployments.deployments(orderIds: stored.map(\.order.id))
            let versions = try await services.versions.currentVersions(slugs: stored.map(\.order.listingSlug))
            return OrdersResponse(orders: stored.map { withDeployments($0.order, byOrder[$0.order.id] ?? [], latestVersion: versions[$0.order.listingSlug]) })
        }
        api.get("orders/:id") { _, context -> Order in
            let account = try context.requireAccount()
            let id = try context.parameters.require("id")
            guard let order = try await services.orders.order(id: id), order.buyerId == account.id else {
                throw PlatformError.notFound("no order `\(id)` of yours")
            }
            let versions = try await services.versions.currentVersions(slugs: [order.order.listingSlug])
            return withDeployments(order.order, try await deployments.deployments(orderId: order.order.id), latestVersion: versions[order.order.listingSlug])
        }
    }

    /// The order with a summary of each of its deployments, newest first.
    static func withDeployments(_ order: Order, _ stored: [StoredDeployment], latestVersion: String? = nil) -> Order {
        var order = order
        order.latestVersion = latestVersion
        order.deployedVersion = stored.map(\.deployment).filter { $0.state == .succeeded }.max { $0.createdAt < $1.createdAt }?.packageVersion
        order.deployments = stored
            .map(\.deployment)
            .sorted { $0.createdAt > $1.createdAt }
            .map { d in
                DeploymentSummary(id: d.id, state: d.state,
                                  currentStep: d.steps.last(where: { $0.state != .pending })?.kind,
                                  url: d.url, createdAt: d.createdAt, updatedAt: d.updatedAt,
                                  packageVersion: d.packageVersion, updateOf: d.updateOf)
            }
        return order
    }
}
