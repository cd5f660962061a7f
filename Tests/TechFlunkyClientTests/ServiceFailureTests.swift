import Foundation
import Hummingbird
import TechFlunkyClient
import TechFlunkyCore
import TechFlunkyHTTP
import XCTest

/// What the terminal UI sees when a request fails: `PlatformClient.perform` and its one mapping of `ClientError`.
final class ServiceFailureTests: XCTestCase {
    func testARefusalReachesTheUIWithTheRefusedField() async throws {
        try await LoopbackServer.run({ router in
            router.post("api/deploy") { _, _ in
                try Response.apiError(.badRequest, code: APIErrorCode.validation, message: "domain must be a host name such as shop.example.com",
                                      field: "domain")
            }
        }) { base in
            let client = PlatformClient(baseURL: base, token: "t", transport: CurlHTTPClient(configuration: .init(retry: .never)))
            let request = DeployRequest(orderId: "o1", cloudflare: CloudflareCredentials(accountId: "a", apiToken: CloudflareAPIToken("secret")), domain: "x")
            do {
                _ = try await client.perform(.deploy(request))
                XCTFail("expected a refusal")
            } catch let failure as ServiceFailure {
                XCTAssertEqual(failure, ServiceFailure(message: "domain must be a host name such as shop.example.com",
                                                       code: APIErrorCode.validation, field: "domain"))
            }
        }
    }

    func testAPlatformThatIsDownIsAConnectionFailure() async throws {
        let port = try PlatformClientErrorTests.freePort()
        let client = PlatformClient(baseURL: "http://127.0.0.1:\(port)", transport: CurlHTTPClient(configuration: .init(retry: .never)))
        do {
            _ = try await client.perform(.categories)
            XCTFail("expected a connection failure")
        } catch let failure as ServiceFailure {
            XCTAssertTrue(failure.isConnectionFailure)
            XCTAssertNil(failure.code)
            XCTAssertTrue(failure.message.contains("cannot reach"), failure.message)
        }
    }

    func testClientErrorsMapToCodesTheUIDecidesOn() {
        XCTAssertEqual(ServiceFailure(ClientError.signedOut(message: "expired")).code, APIErrorCode.unauthorized)
        XCTAssertEqual(ServiceFailure(ClientError.notFound(message: "no such order")).code, APIErrorCode.notFound)
        XCTAssertTrue(ServiceFailure(ClientError.timedOut(url: "http://x")).isConnectionFailure)
        XCTAssertFalse(ServiceFailure(ClientError.serverError(status: 500, message: "boom")).isConnectionFailure)
        let already = ServiceFailure(message: "kept", code: "c", field: "f")
        XCTAssertEqual(ServiceFailure(already), already, "a ServiceFailure passes through unchanged")
    }
}
