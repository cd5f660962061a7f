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
        try await forEachEngine { harness, services, _ in
            try await harness.withRouter(services) { client, _ in
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
    }

    func testAMethodAKnownPathDoesNotAnswerIs405WithAllow() async throws {
        try await forEachEngine { harness, services, _ in
            try await harness.withRouter(services) { client, _ in
                let cases: [(HTTPRequest.Method, String, String)] = [
                    (.trace, "/api/listings", "GET"), (.trace, "/healthz", "GET"), (.trace, "/api/me", "GET"),
                    (.delete, "/api/listings", "GET"), (.post, "/api/listings/some-slug", "GET"),
                    (.get, "/api/seller/listings/some-slug", "PUT, DELETE, PATCH"), (HTTPRequest.Method("QUERY")!, "/seller/onboarding/return", "GET"),
                ]
                for (method, uri, allow) in cases {
                    let response = try await client.execute(uri: uri, method: method)
                    XCTAssertEqual(response.status, .methodNotAllowed, "\(method) \(uri)")
                    XCTAssertEqual(response.headers[.allow], allow, "\(method) \(uri)")
                    XCTAssertTrue(response.errorBody?.error.message.contains(method.rawValue) ?? false, "\(method) \(uri)")
                }
                // A path nothing answers is still a 404, whatever the method.
                for method: HTTPRequest.Method in [.trace, .get] {
                    let response = try await client.execute(uri: "/nowhere/at/all", method: method)
                    XCTAssertEqual(response.status, .notFound)
                }
            }
        }
    }

    func testASearchLongerThanTheLimitIsRefusedNotCut() async throws {
        try await forEachEngine { harness, services, _ in
            try await harness.withRouter(services) { client, _ in
                let longest = String(repeating: "é", count: ListingQuery.maxQueryLength)
                let fits = try await client.execute(uri: "/api/listings?q=\(longest.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)", method: .get)
                XCTAssertEqual(fits.status, .ok)
                let tooLong = try await client.execute(uri: "/api/listings?q=\(String(repeating: "a", count: ListingQuery.maxQueryLength + 1))", method: .get)
                XCTAssertEqual(tooLong.status, .badRequest)
                XCTAssertEqual(tooLong.errorBody?.error.field, "q")
                XCTAssertTrue(tooLong.errorBody?.error.message.contains("256") ?? false)
            }
        }
    }

    func testANumberParameterGivenWithoutAValueIsRefusedNotIgnored() async throws {
        try await forEachEngine { harness, services, _ in
            try await harness.withRouter(services) { client, _ in
                for name in ["minPrice", "maxPrice", "limit", "sort"] {
                    let response = try await client.execute(uri: "/api/listings?\(name)=", method: .get)
                    XCTAssertEqual(response.status, .badRequest, name)
                    XCTAssertEqual(response.errorBody?.error.field, name)
                }
                let emptyText = try await client.execute(uri: "/api/listings?q=&category=", method: .get)
                XCTAssertEqual(emptyText.status, .ok, "an empty text parameter is no filter")
            }
        }
    }

    func testAnInvalidLastEventIdIsABadRequestNotAReplayOfEverything() async throws {
        try await forEachServerEngine { engine in
            let live = try await DeploymentRoutesTests.startLive(on: engine)
            do {
                let accepted = try await Self.call(live, .POST, "/api/deploy", body: DeployRequest(orderId: live.paidOrder, cloudflare: live.cloudflare))
                XCTAssertEqual(accepted.status, 202)
                let id = try WireJSON.decode(DeployAccepted.self, from: accepted.body).deploymentId
                for bad in ["abc", "-1", "1e3", "3 4", "٣"] {
                    let response = try await live.http.send(TechFlunkyHTTP.HTTPRequest(url: live.platform.baseURL + "/api/deploy/\(id)/events",
                                                                        headers: ["Authorization": "Bearer \(live.buyerToken)", "Last-Event-ID": bad]))
                    XCTAssertEqual(response.status, 400, "Last-Event-ID: \(bad)")
                    XCTAssertEqual(try? WireJSON.decode(APIErrorBody.self, from: response.body).error.field, "Last-Event-ID", bad)
                }
                let query = try await live.http.send(TechFlunkyHTTP.HTTPRequest(url: live.platform.baseURL + "/api/deploy/\(id)/events?lastEventId=x",
                                                                 headers: ["Authorization": "Bearer \(live.buyerToken)"]))
                XCTAssertEqual(query.status, 400)
                // Digits past Int's range are still a number: after every event there is (an empty stream that stays open).
                let huge = try await live.http.stream(TechFlunkyHTTP.HTTPRequest(url: live.platform.baseURL + "/api/deploy/\(id)/events?lastEventId=99999999999999999999999",
                                                                                headers: ["Authorization": "Bearer \(live.buyerToken)"],
                                                                                timeouts: .streaming))
                XCTAssertEqual(huge.status, 200)
                // A valid one still resumes (the stream's first frame is after it).
                let (events, _) = try await DeploymentRoutesTests.watchStream(live, id, after: 1, cut: 1)
                XCTAssertEqual(events.first?.seq, 2)
            } catch {
                await live.stop()
                throw error
            }
            await live.stop()
        }
    }

    static func call(_ live: DeploymentRoutesTests.Live, _ method: HTTPMethod, _ path: String, body: some Encodable) async throws -> TechFlunkyHTTP.HTTPResponse {
        try await live.http.send(TechFlunkyHTTP.HTTPRequest(method: method, url: live.platform.baseURL + path,
                                             headers: ["Authorization": "Bearer \(live.buyerToken)", "Content-Type": "application/json"],
                                             body: try WireJSON.encode(body)))
    }
}
