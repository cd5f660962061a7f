import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import TechFlunkyCore
import TechFlunkyHTTP
import XCTest
@testable import TechFlunkyPlatform

/// Corners of the contract (docs/openapi.yaml) that hostile or careless clients reach (issue 21).
final class ContractEdgeTests: XCTestCase {
    func testOnboardingReturnAndRefreshPagesSayWhatHappenedAndWhatToDoNext() async throws {
        let harness = try PlatformTestHarness()
        defer { harness.cleanUp() }
        try await harness.withRouter { client, _ in
            let back = try await client.execute(uri: "/seller/onboarding/return", method: .get)
            XCTAssertEqual(back.status, .ok)
            XCTAssertEqual(back.headers[.contentType], "text/plain; charset=utf-8")
            let text = String(buffer: back.body)
            XCTAssertTrue(text.contains("back from Stripe onboarding"), text)
            XCTAssertTrue(text.contains("techflunky seller status"), text)

            let refresh = try await client.execute(uri: "/seller/onboarding/refresh", method: .get)
            XCTAssertEqual(refresh.status, .ok)
            let again = String(buffer: refresh.body)
            XCTAssertTrue(again.contains("expired"), again)
            XCTAssertTrue(again.contains("techflunky seller onboard"), again)
        }
    }

    func testTraceAndConnectAreMethodNotAllowed() async throws {
        let harness = try PlatformTestHarness()
        defer { harness.cleanUp() }
        try await harness.withRouter { client, _ in
            for uri in ["/api/listings", "/healthz", "/api/me", "/nowhere"] {
                let response = try await client.execute(uri: uri, method: .trace)
                XCTAssertEqual(response.status, .methodNotAllowed, uri)
                XCTAssertNotNil(response.headers[.allow], uri)
                XCTAssertTrue(response.errorBody?.error.message.contains("TRACE") ?? false, uri)
            }
        }
    }

    func testASearchLongerThanTheLimitIsRefusedNotCut() async throws {
        let harness = try PlatformTestHarness()
        defer { harness.cleanUp() }
        try await harness.withRouter { client, _ in
            let longest = String(repeating: "é", count: ListingQuery.maxQueryLength)
            let fits = try await client.execute(uri: "/api/listings?q=\(longest.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)", method: .get)
            XCTAssertEqual(fits.status, .ok)
            let tooLong = try await client.execute(uri: "/api/listings?q=\(String(repeating: "a", count: ListingQuery.maxQueryLength + 1))", method: .get)
            XCTAssertEqual(tooLong.status, .badRequest)
            XCTAssertEqual(tooLong.errorBody?.error.field, "q")
            XCTAssertTrue(tooLong.errorBody?.error.message.contains("256") ?? false)
        }
    }

    func testAnInvalidLastEventIdIsABadRequestNotAReplayOfEverything() async throws {
        let live = try await DeploymentRoutesTests.startLive()
        defer { Task { await live.stop() } }
        let accepted = try await Self.call(live, .POST, "/api/deploy", body: DeployRequest(orderId: live.paidOrder, cloudflare: live.cloudflare))
        XCTAssertEqual(accepted.status, 202)
        let id = try WireJSON.decode(DeployAccepted.self, from: accepted.body).deploymentId
        for bad in ["abc", "-1", "1e3", "3 4", "99999999999999999999999"] {
            let response = try await live.http.send(TechFlunkyHTTP.HTTPRequest(url: live.platform.baseURL + "/api/deploy/\(id)/events",
                                                                headers: ["Authorization": "Bearer \(live.buyerToken)", "Last-Event-ID": bad]))
            XCTAssertEqual(response.status, 400, "Last-Event-ID: \(bad)")
            XCTAssertEqual(try? WireJSON.decode(APIErrorBody.self, from: response.body).error.field, "Last-Event-ID", bad)
        }
        let query = try await live.http.send(TechFlunkyHTTP.HTTPRequest(url: live.platform.baseURL + "/api/deploy/\(id)/events?lastEventId=x",
                                                         headers: ["Authorization": "Bearer \(live.buyerToken)"]))
        XCTAssertEqual(query.status, 400)
        // A valid one still resumes (the stream's first frame is after it).
        let (events, _) = try await DeploymentRoutesTests.watchStream(live, id, after: 1, cut: 1)
        XCTAssertEqual(events.first?.seq, 2)
    }

    static func call(_ live: DeploymentRoutesTests.Live, _ method: HTTPMethod, _ path: String, body: some Encodable) async throws -> TechFlunkyHTTP.HTTPResponse {
        try await live.http.send(TechFlunkyHTTP.HTTPRequest(method: method, url: live.platform.baseURL + path,
                                             headers: ["Authorization": "Bearer \(live.buyerToken)", "Content-Type": "application/json"],
                                             body: try WireJSON.encode(body)))
    }
}
