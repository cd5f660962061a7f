import Foundation
import Hummingbird
import HummingbirdTesting
import TechFlunkyCore
import XCTest
@testable import TechFlunkyPlatform

final class SandboxAndSellerRoutesTests: XCTestCase {
    func testSandboxClockMovesOnlyForwardAndOnlyInSandboxMode() async throws {
        try await forEachEngine { harness, services, _ in
            let account = try await CatalogFixtures.seller(services)
            let token = try await AccountRoutes.startSession(for: account, services: services).token
            let start = services.clock.now()
            try await harness.withRouter(services) { client, _ in
                let clock = try await client.execute(uri: "/api/sandbox/clock", method: .get, headers: bearer(token)).decoded(SandboxClockResponse.self)
                XCTAssertEqual(clock.now, start)
                let moved = try await client.execute(uri: "/api/sandbox/advance", method: .post, headers: bearer(token), body: jsonBody(SandboxAdvanceRequest(seconds: 86_400)))
                XCTAssertEqual(try moved.decoded(SandboxClockResponse.self).offsetSeconds, 86_400)
                let backwards = try await client.execute(uri: "/api/sandbox/advance", method: .post, headers: bearer(token), body: jsonBody(SandboxAdvanceRequest(seconds: -5)))
                XCTAssertEqual(backwards.status, .unprocessableContent)
                XCTAssertEqual(backwards.errorBody?.error.field, "seconds")
            }

            var production = harness
            production.configuration.sandboxMode = false
            try await production.withRouter { client, _ in
                let hidden = try await client.execute(uri: "/api/sandbox/clock", method: .get)
                XCTAssertEqual(hidden.status, .notFound)
                let me = try await client.execute(uri: "/healthz", method: .get).decoded(HealthResponse.self)
                XCTAssertEqual(me.status, "ok")
            }
        }
    }

    func testSellerAccountIsNotFoundBeforeCreationAndPayoutsAreEmpty() async throws {
        try await forEachEngine { harness, services, _ in
            let account = try await CatalogFixtures.seller(services)
            let token = try await AccountRoutes.startSession(for: account, services: services).token
            try await harness.withRouter(services) { client, _ in
                let missing = try await client.execute(uri: "/api/seller/account", method: .get, headers: bearer(token))
                XCTAssertEqual(missing.status, .notFound)
                let payouts = try await client.execute(uri: "/api/seller/payouts", method: .get, headers: bearer(token)).decoded(PayoutsResponse.self)
                XCTAssertTrue(payouts.payouts.isEmpty)
                XCTAssertEqual(payouts.totals.map(\.state), HoldState.allCases)
                XCTAssertTrue(payouts.totals.allSatisfy { $0.count == 0 && $0.amount.minorUnits == 0 })
                // Without Stripe configured, creating the Connect account is a clear provider error, not a crash.
                let create = try await client.execute(uri: "/api/seller/create-account", method: .post, headers: bearer(token))
                XCTAssertEqual(create.status, .badGateway)
                XCTAssertEqual(create.errorBody?.error.code, APIErrorCode.paymentProvider)
            }
        }
    }
}
