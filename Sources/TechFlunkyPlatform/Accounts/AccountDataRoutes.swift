import Foundation
import Hummingbird
import TechFlunkyCore

/// `GET /api/account/export` and `DELETE /api/account`: the signed-in person's own data, to take away or erase.
enum AccountDataRoutes {
    static func register(on api: some RouterMethods<PlatformRequestContext>, services: PlatformServices) {
        api.get("account/export") { _, context -> EditedResponse<AccountExport> in
            let account = try context.requireAccount()
            let export = try await AccountData.export(account, services: services)
            services.logger.info("account exported", metadata: ["account": "\(account.id)"])
            return EditedResponse(headers: [.contentDisposition: "attachment; filename=\"techflunky-account-\(account.id).json\"",
                                            .cacheControl: "no-store"],
                                  response: export)
        }

        api.delete("account") { request, context -> AccountErasureReceipt in
            let account = try context.requireAccount()
            let body = try await request.decodeJSON(DeleteAccountRequest.self, context: context)
            let receipt = try await AccountData.erase(account, confirm: body.confirm, services: services)
            services.logger.notice("account erased", metadata: ["account": "\(account.id)", "ordersKept": "\(receipt.ordersKept)"])
            return receipt
        }
    }
}
