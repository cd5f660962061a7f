import Foundation
import Hummingbird
import TechFlunkyCore

/// `GET /api/orders` and `GET /api/orders/{id}`: the caller's own orders only (someone else's is 404).
enum OrderRoutes {
    static func register(on api: some RouterMethods<PlatformRequestContext>, services: PlatformServices) {
        // Read-only view of the deployments of each order, newest first.
        let deployments = GRDBDeploymentStore(database: services.database.pool)
        @Sendable func withDeployments(_ order: Order) async throws -> Order {
            var order = order
            order.deployments = try await deployments.deployments(orderId: order.id)
                .map(\.deployment)
                .sorted { $0.createdAt > $1.createdAt }
                .map { d in
                    DeploymentSummary(id: d.id, state: d.state,
                                      currentStep: d.steps.last(where: { $0.state != .pending })?.kind,
                                      url: d.url, createdAt: d.createdAt, updatedAt: d.updatedAt)
                }
            return order
        }
        api.get("orders") { _, context -> OrdersResponse in
            let account = try context.requireAccount()
            var orders: [Order] = []
            for stored in try await services.orders.orders(buyerId: account.id) {
                orders.append(try await withDeployments(stored.order))
            }
            return OrdersResponse(orders: orders)
        }
        api.get("orders/:id") { _, context -> Order in
            let account = try context.requireAccount()
            let id = try context.parameters.require("id")
            guard let order = try await services.orders.order(id: id), order.buyerId == account.id else {
                throw PlatformError.notFound("no order `\(id)` of yours")
            }
            return try await withDeployments(order.order)
        }
    }
}
