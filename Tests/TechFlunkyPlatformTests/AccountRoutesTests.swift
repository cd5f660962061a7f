import Foundation
import Hummingbird
import HummingbirdTesting
import TechFlunkyCore
import XCTest
@testable import TechFlunkyPlatform

final class AccountRoutesTests: XCTestCase {
    func testSignupLoginMeAndLogout() async throws {
        try await forEachEngine { harness, services, _ in
            try await harness.withRouter(services) { client, _ in
                let signup = try await client.execute(uri: "/api/auth/signup", method: .post, headers: [.contentType: "application/json"],
                                                      body: jsonBody(SignupRequest(email: "ada@example.com", password: "correct horse", displayName: "Ada")))
                XCTAssertEqual(signup.status, .created)
                let auth = try signup.decoded(AuthResponse.self)
                XCTAssertEqual(auth.account.email, "ada@example.com")

                let me = try await client.execute(uri: "/api/me", method: .get, headers: bearer(auth.token))
                XCTAssertEqual(me.status, .ok)
                XCTAssertEqual(try me.decoded(MeResponse.self).account.id, auth.account.id)

                let wrong = try await client.execute(uri: "/api/auth/login", method: .post, headers: [.contentType: "application/json"],
                                                     body: jsonBody(LoginRequest(email: "ada@example.com", password: "wrong password")))
                XCTAssertEqual(wrong.status, .unauthorized)
                XCTAssertEqual(wrong.errorBody?.error.code, APIErrorCode.unauthorized)

                let login = try await client.execute(uri: "/api/auth/login", method: .post, headers: [.contentType: "application/json"],
                                                     body: jsonBody(LoginRequest(email: "ADA@example.com", password: "correct horse")))
                XCTAssertEqual(login.status, .ok)
                let second = try login.decoded(AuthResponse.self)
                XCTAssertNotEqual(second.token, auth.token)

                let logout = try await client.execute(uri: "/api/auth/logout", method: .post, headers: bearer(auth.token))
                XCTAssertEqual(logout.status, .noContent)
                let after = try await client.execute(uri: "/api/me", method: .get, headers: bearer(auth.token))
                XCTAssertEqual(after.status, .unauthorized)
                let other = try await client.execute(uri: "/api/me", method: .get, headers: bearer(second.token))
                XCTAssertEqual(other.status, .ok, "signing out one session leaves the others")
            }
        }
    }

    func testExportHoldsTheAccountsSessionsAndListingsOnEitherEngine() async throws {
        try await forEachEngine { harness, services, _ in
            try await harness.withRouter(services) { client, _ in
                let signup = try await client.execute(uri: "/api/auth/signup", method: .post, headers: [.contentType: "application/json"],
                                                      body: jsonBody(SignupRequest(email: "ada@example.com", password: "correct horse", displayName: "Ada")))
                let auth = try signup.decoded(AuthResponse.self)
                harness.clock.advance(by: 60)
                let login = try await client.execute(uri: "/api/auth/login", method: .post, headers: [.contentType: "application/json"],
                                                     body: jsonBody(LoginRequest(email: "ada@example.com", password: "correct horse")))
                let second = try login.decoded(AuthResponse.self)
                let logout = try await client.execute(uri: "/api/auth/logout", method: .post, headers: bearer(auth.token))
                XCTAssertEqual(logout.status, .noContent)
                let start = services.clock.now()
                try await CatalogFixtures.list(services, slug: "older", seller: auth.account, CatalogFixtures.details(title: "Older"), at: start)
                try await CatalogFixtures.list(services, slug: "newer", seller: auth.account, CatalogFixtures.details(title: "Newer", price: 2_500_00),
                                               at: start.addingTimeInterval(5))
                let other = try await CatalogFixtures.seller(services, email: "someone@example.com")
                try await CatalogFixtures.list(services, slug: "theirs", seller: other, CatalogFixtures.details(title: "Theirs"))

                let response = try await client.execute(uri: "/api/account/export", method: .get, headers: bearer(second.token))
                XCTAssertEqual(response.status, .ok)
                let export = try response.decoded(AccountExport.self)
                XCTAssertEqual(export.sessions.count, 2, "both sign-ins, oldest first")
                XCTAssertNotNil(export.sessions.first?.revokedAt, "the first was signed out")
                XCTAssertNil(export.sessions.last?.revokedAt)
                XCTAssertEqual(export.listings.map(\.slug), ["older", "newer"], "only this account's listings, oldest first")
                XCTAssertEqual(export.listings.last?.askingPrice, .usd(2_500_00))
                XCTAssertEqual(export.listings.first?.status, .active)
            }
        }
    }

    func testSessionExpiresWhenTheClockPassesItsLifetime() async throws {
        try await forEachEngine(configure: { $0.configuration.sessionLifetime = 3600 }) { harness, services, _ in
            let clock = harness.clock
            try await harness.withRouter(services) { client, _ in
                let signup = try await client.execute(uri: "/api/auth/signup", method: .post, headers: [.contentType: "application/json"],
                                                      body: jsonBody(SignupRequest(email: "bo@example.com", password: "long enough", displayName: "Bo")))
                let token = try signup.decoded(AuthResponse.self).token
                clock.advance(by: 3599)
                let before = try await client.execute(uri: "/api/me", method: .get, headers: bearer(token))
                XCTAssertEqual(before.status, .ok)
                clock.advance(by: 2)
                let after = try await client.execute(uri: "/api/me", method: .get, headers: bearer(token))
                XCTAssertEqual(after.status, .unauthorized)
            }
        }
    }

    func testSignupErrorsAreTypedWithTheirField() async throws {
        try await forEachEngine { harness, services, _ in
            try await harness.withRouter(services) { client, _ in
                func signup(_ body: String) async throws -> TestResponse {
                    try await client.execute(uri: "/api/auth/signup", method: .post, headers: [.contentType: "application/json"],
                                             body: ByteBuffer(string: body))
                }
                let malformed = try await signup(#"{"email": "x@y.z", "password": "#)
                XCTAssertEqual(malformed.status, .badRequest)
                XCTAssertEqual(malformed.errorBody?.error.code, APIErrorCode.badRequest)

                let missing = try await signup(#"{"email": "x@y.z", "password": "long enough"}"#)
                XCTAssertEqual(missing.status, .badRequest)
                XCTAssertEqual(missing.errorBody?.error.field, "displayName")

                let short = try await signup(#"{"email": "x@y.z", "password": "short", "displayName": "X"}"#)
                XCTAssertEqual(short.status, .unprocessableContent)
                XCTAssertEqual(short.errorBody?.error.field, "password")

                let badEmail = try await signup(#"{"email": "not-an-email", "password": "long enough", "displayName": "X"}"#)
                XCTAssertEqual(badEmail.errorBody?.error.field, "email")

                // Lengths are counted as docs/openapi.yaml counts them (code points, JSON Schema's minLength): four
                // "é" written with a combining accent are four characters on screen but eight code points.
                let combining = try await signup(#"{"email": "c@y.z", "password": "e\u0301e\u0301e\u0301e\u0301", "displayName": "C"}"#)
                XCTAssertEqual(combining.status, .created)
                let tooLong = try await signup(#"{"email": "l@y.z", "password": "\#(String(repeating: "p", count: 1025))", "displayName": "L"}"#)
                XCTAssertEqual(tooLong.errorBody?.error.field, "password")
                // A display name of whitespace alone is empty once trimmed (the schema's pattern says so too).
                let blankName = try await signup(#"{"email": "b@y.z", "password": "long enough", "displayName": "\u000b"}"#)
                XCTAssertEqual(blankName.status, .unprocessableContent)
                XCTAssertEqual(blankName.errorBody?.error.field, "displayName")

                let first = try await signup(#"{"email": "x@y.z", "password": "long enough", "displayName": "X"}"#)
                XCTAssertEqual(first.status, .created)
                let duplicate = try await signup(#"{"email": "X@y.z", "password": "long enough", "displayName": "X"}"#)
                XCTAssertEqual(duplicate.status, .conflict)
                XCTAssertEqual(duplicate.errorBody?.error.field, "email")
            }
        }
    }

    func testMissingOrMalformedTokenIs401() async throws {
        try await forEachEngine { harness, services, _ in
            try await harness.withRouter(services) { client, _ in
                let none = try await client.execute(uri: "/api/me", method: .get)
                XCTAssertEqual(none.status, .unauthorized)
                let basic = try await client.execute(uri: "/api/me", method: .get, headers: [.authorization: "Basic abc"])
                XCTAssertEqual(basic.status, .unauthorized)
                let unknown = try await client.execute(uri: "/api/me", method: .get, headers: bearer("nope"))
                XCTAssertEqual(unknown.status, .unauthorized)
                XCTAssertEqual(unknown.errorBody?.error.code, APIErrorCode.unauthorized)
            }
        }
    }

    func testPasswordHashesVerifyAndNeverContainThePassword() throws {
        let hasher = PasswordHasher()
        let hash = try hasher.hash("s3cret pass")
        XCTAssertTrue(hash.hasPrefix("pbkdf2-sha256$210000$"))
        XCTAssertFalse(hash.contains("s3cret"))
        XCTAssertTrue(hasher.verify("s3cret pass", against: hash))
        XCTAssertFalse(hasher.verify("s3cret pas", against: hash))
        XCTAssertFalse(hasher.verify("s3cret pass", against: "pbkdf2-sha256$1000$AAAA$AAAA"), "too few rounds is refused")
    }

    func testRepeatedFailedSignInsAreThrottledWithRetryAfter() async throws {
        try await forEachEngine { harness, services, _ in
            let clock = harness.clock
            try await harness.withRouter(services) { client, _ in
                _ = try await client.execute(uri: "/api/auth/signup", method: .post, headers: [.contentType: "application/json"],
                                             body: jsonBody(SignupRequest(email: "cy@example.com", password: "right password", displayName: "Cy")))
                for _ in 0..<10 {
                    let wrong = try await client.execute(uri: "/api/auth/login", method: .post, headers: [.contentType: "application/json"],
                                                         body: jsonBody(LoginRequest(email: "cy@example.com", password: "wrong password")))
                    XCTAssertEqual(wrong.status, .unauthorized)
                }
                let blocked = try await client.execute(uri: "/api/auth/login", method: .post, headers: [.contentType: "application/json"],
                                                       body: jsonBody(LoginRequest(email: "cy@example.com", password: "right password")))
                XCTAssertEqual(blocked.status, .tooManyRequests)
                XCTAssertEqual(blocked.errorBody?.error.code, APIErrorCode.rateLimited)
                XCTAssertNotNil(blocked.headers[.retryAfter])
                clock.advance(by: 15 * 60)
                let later = try await client.execute(uri: "/api/auth/login", method: .post, headers: [.contentType: "application/json"],
                                                     body: jsonBody(LoginRequest(email: "cy@example.com", password: "right password")))
                XCTAssertEqual(later.status, .ok)
            }
        }
    }
}
