import Foundation
import TechFlunkyClient
import TechFlunkyCore
import XCTest

/// `PlatformClient.exportAccount` and `eraseAccount` against the real platform on a loopback port.
final class LiveAccountDataTests: XCTestCase {
    func testExportThenEraseSignsOutAndFreesNothingElse() async throws {
        try await forEachServerEngine { engine in try await LivePlatform.with(on: engine) { platform in
            let client = PlatformClient(baseURL: platform.baseURL)
            let auth = try await client.signup(email: "lin.export@example.com", password: "a long enough password", displayName: "Lin")
            let export = try await client.exportAccount()
            XCTAssertEqual(export.account, auth.account)
            XCTAssertEqual(export.sessions.count, 1)
            XCTAssertTrue(export.orders.isEmpty)

            do {
                _ = try await client.eraseAccount(confirm: "someone-else@example.com")
                XCTFail("a confirmation that is not the email must be refused")
            } catch let error as ClientError {
                guard case let .rejected(status, detail) = error else { return XCTFail("\(error)") }
                XCTAssertEqual(status, 422)
                XCTAssertEqual(detail.field, "confirm")
            }
            XCTAssertEqual(client.token, auth.token, "a refused erasure keeps the session")

            let receipt = try await client.eraseAccount(confirm: "lin.export@example.com")
            XCTAssertEqual(receipt.accountId, auth.account.id)
            XCTAssertEqual(receipt.sessionsRevoked, 1)
            XCTAssertNil(client.token)
            client.token = auth.token
            do {
                _ = try await client.me()
                XCTFail("the erased account's session must not work")
            } catch let error as ClientError {
                guard case .signedOut = error else { return XCTFail("\(error)") }
            }
        } }
    }
}
