import Foundation
import Hummingbird
import TechFlunkyCore

/// `GET /api/health` for a signed-in account: the counts it gives (running deployments, holds past due, refused
/// webhooks) are the platform's, not the public's. `GET /healthz` stays open and cheap for load balancers.
enum PlatformHealthRoutes {
    static func register(on api: some RouterMethods<PlatformRequestContext>, services: PlatformServices) {
        api.get("health") { _, context -> PlatformHealth in
            _ = try context.requireAccount()
            return await PlatformHealthProbe.run(services)
        }
    }
}
extension PlatformHealth: ResponseGenerator, ResponseEncodable {}
