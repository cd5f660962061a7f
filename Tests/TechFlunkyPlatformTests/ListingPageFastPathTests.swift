import Foundation
import TechFlunkyCore
import XCTest
@testable import TechFlunkyPlatform

/// The connection-level answer to `GET /api/listings` over a real socket: the same bytes and headers as the
/// route, never stale, and never out of order with requests the router is still answering.
final class ListingPageFastPathTests: XCTestCase {
    struct Reply {
        var status: Int
        var headers: [String: String]
        var body: String
    }

    func testCachedPagesAreAnsweredOnTheConnectionWithTheRoutesBytes() async throws {
        let harness = try PlatformTestHarness()
        defer { harness.cleanUp() }
        let running = try await PlatformServer.start(harness.configuration)
        let services = running.services
        let seller = try await CatalogFixtures.seller(services)
        try await CatalogFixtures.list(services, slug: "alpha", seller: seller, CatalogFixtures.details(title: "Alpha"))
        let get = "GET /api/listings?limit=5 HTTP/1.1\r\nHost: x\r\n\r\n"

        let first = try exchange(port: running.port, get, replies: 1)[0]
        XCTAssertEqual(services.listingPages.fastHits, 0, "a miss goes to the route, which fills the cache")
        let second = try exchange(port: running.port, get + get, replies: 2)
        XCTAssertEqual(services.listingPages.fastHits, 2, "both hits answered on the connection")
        for reply in second {
            XCTAssertEqual(reply.status, 200)
            XCTAssertEqual(reply.body, first.body, "the route's bytes")
            XCTAssertEqual(reply.headers["content-type"], first.headers["content-type"])
            XCTAssertEqual(reply.headers["content-length"], first.headers["content-length"])
            XCTAssertNotNil(reply.headers["date"])
        }
        XCTAssertEqual(try WireJSON.decode(ListingPage.self, from: Data(second[1].body.utf8)).items.map(\.slug), ["alpha"])

        // A new listing: the next request is not served the old page.
        try await CatalogFixtures.list(services, slug: "beta", seller: seller, CatalogFixtures.details(title: "Beta"))
        let after = try exchange(port: running.port, get, replies: 1)[0]
        XCTAssertEqual(try WireJSON.decode(ListingPage.self, from: Data(after.body.utf8)).items.map(\.slug), ["beta", "alpha"])

        // Behind a request the router is still answering, a hit waits its turn (responses keep their order);
        // a body, HEAD, another path, a bad query and Connection: close all go to the router.
        let hits = services.listingPages.fastHits
        let mixed = try exchange(port: running.port, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n" + get
                                 + "GET /api/listings?limit=5&sort=cheapest HTTP/1.1\r\nHost: x\r\n\r\n"
                                 + "GET /api/listingsx HTTP/1.1\r\nHost: x\r\n\r\n"
                                 + "GET /api/listings?limit=5 HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}"
                                 + "GET /api/listings?limit=5 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", replies: 6)
        XCTAssertEqual(mixed.map(\.status), [200, 200, 400, 404, 200, 200])
        XCTAssertTrue(mixed[0].body.contains(#""status":"ok""#), "healthz answered first")
        XCTAssertEqual(mixed[1].body, after.body)
        XCTAssertTrue(mixed[2].body.contains("sort"), mixed[2].body)
        XCTAssertEqual(mixed[4].body, after.body)
        XCTAssertEqual(mixed[5].body, after.body)
        XCTAssertEqual(services.listingPages.fastHits, hits, "none of those was answered on the connection")
        await running.stop()
    }

    /// A hit answered on the connection echoes `X-Request-Id` (or makes one up) as the router's path does.
    func testCachedPagesEchoTheRequestId() async throws {
        let harness = try PlatformTestHarness()
        defer { harness.cleanUp() }
        let running = try await PlatformServer.start(harness.configuration)
        let seller = try await CatalogFixtures.seller(running.services)
        try await CatalogFixtures.list(running.services, slug: "alpha", seller: seller, CatalogFixtures.details(title: "Alpha"))
        let get = "GET /api/listings?limit=5 HTTP/1.1\r\nHost: x\r\nX-Request-Id: page-%d\r\n\r\n"
        let miss = try exchange(port: running.port, String(format: get, 1), replies: 1)[0]
        XCTAssertEqual(miss.headers["x-request-id"], "page-1")
        let hits = try exchange(port: running.port, String(format: get, 2), replies: 1)
            + exchange(port: running.port, "GET /api/listings?limit=5 HTTP/1.1\r\nHost: x\r\nX-Request-Id: bad id\r\n\r\n", replies: 1)
        XCTAssertEqual(running.services.listingPages.fastHits, 2, "both answered on the connection")
        XCTAssertEqual(hits[0].headers["x-request-id"], "page-2")
        let generated = try XCTUnwrap(hits[1].headers["x-request-id"])
        XCTAssertEqual(generated.count, 32, "an id with a space is replaced")
        await running.stop()
    }

    /// Sends `requests` on one connection and reads `replies` responses (Content-Length framed).
    func exchange(port: Int, _ requests: String, replies: Int) throws -> [Reply] {
        let fd = try connectLoopback(port: port)
        defer { close(fd) }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        _ = requests.withCString { send(fd, $0, strlen($0), 0) }
        var data = [UInt8]()
        var out: [Reply] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while out.count < replies {
            // Parse every complete response at the front of `data`.
            while let headEnd = find(Array("\r\n\r\n".utf8), in: data) {
                let head = String(decoding: data[..<headEnd], as: UTF8.self).components(separatedBy: "\r\n")
                var headers: [String: String] = [:]
                for line in head.dropFirst() {
                    guard let colon = line.firstIndex(of: ":") else { continue }
                    headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                }
                let length = Int(headers["content-length"] ?? "0") ?? 0
                guard data.count >= headEnd + 4 + length else { break }
                let status = Int(head[0].split(separator: " ")[1]) ?? 0
                out.append(Reply(status: status, headers: headers, body: String(decoding: data[(headEnd + 4)..<(headEnd + 4 + length)], as: UTF8.self)))
                data.removeFirst(headEnd + 4 + length)
            }
            if out.count >= replies { break }
            let n = recv(fd, &buffer, buffer.count, 0)
            guard n > 0 else { throw POSIXError(.ECONNRESET) }
            data.append(contentsOf: buffer[0..<n])
        }
        return out
    }

    private func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for i in 0...(haystack.count - needle.count) where haystack[i] == needle[0] && Array(haystack[i..<(i + needle.count)]) == needle {
            return i
        }
        return nil
    }
}
