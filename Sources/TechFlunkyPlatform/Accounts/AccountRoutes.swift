import Foundation
import Hummingbird
import TechFlunkyCore

/// `POST /api/auth/signup`, `POST /api/auth/login`, `POST /api/auth/logout`, `GET /api/me`.
enum AccountRoutes {
    static func register(on api: some RouterMethods<PlatformRequestContext>, services: PlatformServices) {
        api.post("auth/signup") { request, context -> EditedResponse<AuthResponse> in
            let body = try await request.decodeJSON(SignupRequest.self, context: context)
            let email = body.email.trimmingCharacters(in: .whitespacesAndNewlines)
            let name = body.displayName.trimmingCharacters(in: .whitespacesAndNewlines)
            try AccountValidation.check(email: email, password: body.password, displayName: name)
            let hash = try services.passwordHasher.hash(body.password)
            let account = try await services.accounts.createAccount(email: email, displayName: name, passwordHash: hash, now: services.clock.now())
            services.logger.info("account created", metadata: ["account": "\(account.id)"])
            return EditedResponse(status: .created, response: try await startSession(for: account, services: services))
        }

        api.post("auth/login") { request, context -> AuthResponse in
            let body = try await request.decodeJSON(LoginRequest.self, context: context)
            let email = body.email.trimmingCharacters(in: .whitespacesAndNewlines)
            let now = services.clock.now()
            if let wait = await services.loginThrottle.retryAfter(email: email, now: now) {
                throw PlatformError(.tooManyRequests, code: APIErrorCode.rateLimited,
                                    message: "too many failed sign-ins for this email; try again in \(wait) seconds",
                                    headers: [("Retry-After", String(wait))])
            }
            guard let stored = try await services.accounts.credentials(email: email) else {
                // Spend the same time as a wrong password so response times do not reveal which emails exist.
                _ = services.passwordHasher.verify(body.password, against: AccountValidation.decoyHash)
                await services.loginThrottle.recordFailure(email: email, now: now)
                throw PlatformError.unauthorized("email or password is wrong")
            }
            guard services.passwordHasher.verify(body.password, against: stored.passwordHash) else {
                await services.loginThrottle.recordFailure(email: email, now: now)
                services.logger.notice("sign-in refused", metadata: ["account": "\(stored.account.id)"])
                throw PlatformError.unauthorized("email or password is wrong")
            }
            await services.loginThrottle.recordSuccess(email: email)
            return try await startSession(for: stored.account, services: services)
        }

        api.post("auth/logout") { request, context -> Response in
            _ = try context.requireAccount()
            if let header = request.headers[.authorization], let token = header.split(separator: " ", maxSplits: 1).last {
                _ = try await services.accounts.revokeSession(token: String(token), now: services.clock.now())
            }
            return Response(status: .noContent)
        }

        api.get("me") { _, context -> MeResponse in
            let account = try context.requireAccount()
            let seller = try await services.accounts.sellerState(accountId: account.id)
            let status = seller.stripeAccountId.map {
                SellerAccountStatus(stripeAccountId: $0, detailsSubmitted: seller.detailsSubmitted,
                                    chargesEnabled: seller.chargesEnabled, payoutsEnabled: seller.payoutsEnabled)
            }
            return MeResponse(account: account, seller: status, sandbox: services.configuration.sandboxMode)
        }
    }

    static func startSession(for account: Account, services: PlatformServices) async throws -> AuthResponse {
        let token = SessionToken.generate()
        let now = services.clock.now()
        let expires = StoredTime.decode(StoredTime.encode(now.addingTimeInterval(services.configuration.sessionLifetime)))
        try await services.accounts.createSession(accountId: account.id, tokenHash: SessionToken.hash(token), now: now, expiresAt: expires)
        return AuthResponse(token: token, expiresAt: expires, account: account)
    }
}

/// What signup accepts.
enum AccountValidation {
    static let minimumPasswordLength = 8
    static let maximumPasswordLength = 1024

    /// A well-formed hash of a random password, verified against when an email is unknown.
    static let decoyHash: String = (try? PasswordHasher().hash(SessionToken.generate())) ?? ""

    static func check(email: String, password: String, displayName: String) throws {
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        guard email.count <= 254, parts.count == 2, !parts[0].isEmpty, parts[1].contains("."),
              !email.contains(where: { $0.isWhitespace || $0.isNewline })
        else { throw PlatformError.validation("enter an email address like name@example.com", field: "email") }
        // Counted in Unicode scalars, as JSON Schema's minLength/maxLength count (docs/openapi.yaml): a "\r\n" or
        // an accented letter written with a combining mark is one Character but two scalars.
        let scalars = password.unicodeScalars.count
        guard scalars >= minimumPasswordLength else {
            throw PlatformError.validation("the password needs at least \(minimumPasswordLength) characters", field: "password")
        }
        guard scalars <= maximumPasswordLength else {
            throw PlatformError.validation("the password is longer than \(maximumPasswordLength) characters", field: "password")
        }
        guard (1...100).contains(displayName.count) else {
            throw PlatformError.validation("the display name needs 1 to 100 characters", field: "displayName")
        }
    }
}
