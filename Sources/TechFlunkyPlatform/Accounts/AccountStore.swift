import Foundation
import TechFlunkyCore

/// An account as stored, with what only the server may see.
public struct StoredCredentials: Sendable {
    public var account: Account
    public var passwordHash: String
}

/// The Stripe Connect side of an account, as last seen from Stripe.
public struct SellerConnectState: Sendable, Hashable {
    public var stripeAccountId: String?
    public var detailsSubmitted: Bool
    public var chargesEnabled: Bool
    public var payoutsEnabled: Bool

    public var onboardingComplete: Bool { stripeAccountId != nil && detailsSubmitted && chargesEnabled && payoutsEnabled }
}

/// Accounts, sessions and sellers' Connect state.
public protocol AccountStore: Sendable {
    /// Throws `PlatformError.conflict` when the email is taken.
    func createAccount(email: String, displayName: String, passwordHash: String, now: Date) async throws -> Account
    func credentials(email: String) async throws -> StoredCredentials?
    func account(id: String) async throws -> Account?
    func createSession(accountId: String, tokenHash: String, now: Date, expiresAt: Date) async throws
    /// The account a live (unexpired, not revoked) token belongs to.
    func account(forSessionToken token: String, now: Date) async throws -> Account?
    /// Returns whether a live session was revoked.
    func revokeSession(token: String, now: Date) async throws -> Bool
    func sellerState(accountId: String) async throws -> SellerConnectState
    /// The account's sessions, oldest first (a person's data export).
    func sessions(accountId: String) async throws -> [ExportedSession]
    func setStripeAccount(accountId: String, stripeAccountId: String) async throws
    /// Records the flags of a Connect account (from `GET /v1/accounts/{id}` or `account.updated`).
    func updateConnectFlags(stripeAccountId: String, detailsSubmitted: Bool, chargesEnabled: Bool, payoutsEnabled: Bool) async throws
}
