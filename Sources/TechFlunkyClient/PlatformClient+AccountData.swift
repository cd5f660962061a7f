import Foundation
import TechFlunkyCore

extension PlatformClient {
    /// `GET /api/account/export`: everything the platform holds about the signed-in account.
    public func exportAccount() async throws -> AccountExport {
        try await call(.GET, "/api/account/export")
    }

    /// `DELETE /api/account`: erases the signed-in account. `confirm` must be its email. The session token
    /// stops working, so the client forgets it.
    public func eraseAccount(confirm: String) async throws -> AccountErasureReceipt {
        let receipt: AccountErasureReceipt = try await call(.DELETE, "/api/account", body: DeleteAccountRequest(confirm: confirm), retryable: false)
        token = nil
        return receipt
    }
}
