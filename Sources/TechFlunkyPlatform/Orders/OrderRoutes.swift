import Foundation
import Hummingbird
import TechFlunkyCore

/// `GET /api/orders` and `GET /api/orders/{id}`: the caller's own orders only (someone else's is 404).
enum OrderRoutes {
    static func register(on api: RouterGroup<PlatformRequestContext>, services: PlatformServices) {
        api.get("orders") { _, context -> OrdersResponse in
            let account = try context.requireAccount()
            return OrdersResponse(orders: try await services.orders.orders(buyerId: account.id).map(\.order))
        }
        api.get("orders/:id") { _, context -> Order in
            let account = try context.requireAccount()
            let id = try context.parameters.require("id")
            guard let order = try await services.orders.order(id: id), order.buyerId == account.id else {
                throw PlatformError.notFound("no order `\(id)` of yours")
            }
            return order.order
        }
    }
}
