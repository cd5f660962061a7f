import Foundation
import GRDB
import TechFlunkyCore
import TechFlunkyDemoCatalog
import TechFlunkyHTTP
import XCTest

@testable import TechFlunkyPlatform

/// Figures, not assertions: the wall time of a demo deployment on the stand-in, and the latency from
/// a state change (the event's `at`, stamped as it is recorded) to its arrival at each of 200 SSE
/// watchers. Runs only with `TECHFLUNKY_BENCHMARK=1`; prints its figures.
final class DeploymentBenchmarkTests: XCTestCase {
    func testBenchmarkDeploymentWallTimeAndEventLatencyWith200Watchers() async throws {
        guard ProcessInfo.processInfo.environment["TECHFLUNKY_BENCHMARK"] == "1" else {
            throw XCTSkip("a benchmark: run with TECHFLUNKY_BENCHMARK=1")
        }
        let catalog = try XCTUnwrap(DemoCatalog.directory, "the TechFlunkyDemoCatalog resource bundle")
        let demo = try FileManager.default.contentsOfDirectory(at: catalog, includingPropertiesForKeys: nil)
            .filter { FileManager.default.fileExists(atPath: $0.appendingPathComponent("techflunky.json").path) }
            .sorted { $0.path < $1.path }.first
        let runs = 5
        let live = try await DeploymentRoutesTests.startLive(bundle: demo, orders: runs + 1, clock: SystemClock())
        defer { Task { await live.stop() } }
        let watchers = 200

        func deploy(_ order: String) async throws -> String {
            var headers: HTTPHeaders = ["Authorization": "Bearer \(live.buyerToken)", "Content-Type": "application/json"]
            headers["Accept"] = "application/json"
            let r = try await live.http.send(HTTPRequest(method: .POST, url: live.platform.baseURL + "/api/deploy", headers: headers,
                                                         body: try WireJSON.encode(DeployRequest(orderId: order, cloudflare: live.cloudflare))))
            XCTAssertEqual(r.status, 202)
            return try WireJSON.decode(DeployAccepted.self, from: r.body).deploymentId
        }

        /// Watches to the end; answers when each `seq` arrived (kept cheap: no JSON decoding on the
        /// watcher, whose work would otherwise queue behind the other 199 and count as latency).
        @Sendable func arrivals(_ id: String) async throws -> (firstFrame: Date, arrivals: [Int: Date]) {
            let response = try await live.http.stream(HTTPRequest(
                url: live.platform.baseURL + "/api/deploy/\(id)/events",
                headers: ["Authorization": "Bearer \(live.buyerToken)", "Accept": "text/event-stream"], timeouts: .streaming))
            var seen: [Int: Date] = [:]
            var first: Date?
            var carry = ""
            for try await chunk in response.body {
                let now = Date()
                // Each frame starts with its `id:` line; a line split across chunks is carried over.
                let text = carry + String(decoding: chunk, as: UTF8.self)
                var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
                carry = String(lines.removeLast())
                for line in lines where line.hasPrefix("id: ") {
                    if first == nil { first = now }
                    if let seq = Int(line.dropFirst(4)) { seen[seq] = now }
                }
            }
            return (first ?? Date(), seen)
        }

        /// Watches to the end; answers each event's latency in milliseconds and when the stream ended.
        @Sendable func watch(_ id: String) async throws -> (firstFrame: Date, events: [(at: Date, ms: Double)]) {
            let response = try await live.http.stream(HTTPRequest(
                url: live.platform.baseURL + "/api/deploy/\(id)/events",
                headers: ["Authorization": "Bearer \(live.buyerToken)", "Accept": "text/event-stream"], timeouts: .streaming))
            var parser = SSEParser()
            var latencies: [(at: Date, ms: Double)] = []
            var first: Date?
            for try await chunk in response.body {
                let now = Date()
                for frame in parser.feed(chunk) {
                    let event = try WireJSON.decode(DeploymentEvent.self, from: Data(frame.data.utf8))
                    if first == nil { first = now }
                    latencies.append((event.at, now.timeIntervalSince(event.at) * 1000))
                }
            }
            return (first ?? Date(), latencies)
        }

        // Wall time: sequential deployments, each timed from the POST to the final event.
        var walls: [Double] = []
        for i in 1...runs {
            let started = Date()
            let id = try await deploy("ord_paid\(String(format: "%05d", i))")
            _ = try await watch(id)
            walls.append(Date().timeIntervalSince(started) * 1000)
        }

        // Latency: the first Cloudflare call is held 3 s so all 200 watchers are connected before
        // the steps run, and every Cloudflare call takes 50 ms (a realistic round trip; without it
        // the stand-in answers in microseconds and the benchmark measures burst throughput). Only
        // events recorded after the last watcher got its first frame count (earlier ones are replay).
        struct Fault: Encodable { var match: String; var status = 0; var delayMs: Int; var times: Int? }
        for fault in [Fault(match: "GET /client/v4/user/tokens/verify", delayMs: 3000, times: 1), Fault(match: "/client/v4/**", delayMs: 50, times: nil)] {
            _ = try await live.http.send(HTTPRequest(method: .POST, url: live.sandbox.baseURL + "/sandbox/faults",
                                                     headers: ["Content-Type": "application/json"], body: try JSONEncoder().encode(fault)))
        }
        let id = try await deploy("ord_paid12345")
        let all = try await withThrowingTaskGroup(of: (firstFrame: Date, arrivals: [Int: Date]).self) { group in
            for _ in 0..<watchers { group.addTask { try await arrivals(id) } }
            var out: [(firstFrame: Date, arrivals: [Int: Date])] = []
            for try await l in group { out.append(l) }
            return out
        }
        let recorded = try await live.platform.services.database.pool.read { db in
            try String.fetchAll(db, sql: "SELECT body FROM deployment_events WHERE deployment_id = ? ORDER BY seq", arguments: [id])
        }.map { try WireJSON.decode(DeploymentEvent.self, from: Data($0.utf8)) }
        let at = Dictionary(uniqueKeysWithValues: recorded.map { ($0.seq, $0.at) })
        let connected = all.map(\.firstFrame).max() ?? Date()
        let live1 = all.flatMap { w in
            w.arrivals.compactMap { seq, arrived -> Double? in
                guard let t = at[seq], t > connected else { return nil }
                return arrived.timeIntervalSince(t) * 1000
            }
        }.sorted()
        func pct(_ p: Double, _ xs: [Double]) -> Double { xs.isEmpty ? .nan : xs[min(xs.count - 1, Int(Double(xs.count) * p))] }
        let sortedWalls = walls.sorted()
        print("""
            DEPLOY BENCHMARK (\(demo?.lastPathComponent ?? "test bundle"), \(runs) runs): wall time median \(String(format: "%.0f", pct(0.5, sortedWalls))) ms, \
            min \(String(format: "%.0f", sortedWalls.first ?? .nan)) ms, max \(String(format: "%.0f", sortedWalls.last ?? .nan)) ms
            SSE LATENCY (\(watchers) watchers, \(live1.count) deliveries): p50 \(String(format: "%.2f", pct(0.5, live1))) ms, \
            p99 \(String(format: "%.2f", pct(0.99, live1))) ms, max \(String(format: "%.2f", live1.last ?? .nan)) ms
            """)
        XCTAssertEqual(all.count, watchers)
    }
}
