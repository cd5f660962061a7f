import Foundation
import Hummingbird
import TechFlunkyClient
import TechFlunkyCore
import TechFlunkyHTTP
import XCTest

/// The event stream against fake servers that misbehave the ways networks and servers do.
final class DeploymentEventStreamTests: XCTestCase {
    private static let fast = DeploymentEventStream.Options(initialBackoff: 0.005, maxBackoff: 0.05, unreachableNotice: 0.15, gapAttempts: 3)

    private static func lastEventId(_ request: Request) -> Int {
        request.headers[.init("Last-Event-ID")!].flatMap { Int($0) } ?? 0
    }

    private static func collect(_ stream: DeploymentEventStream) async throws -> (events: [DeploymentEvent], updates: [DeploymentStreamUpdate]) {
        var events: [DeploymentEvent] = []
        var updates: [DeploymentStreamUpdate] = []
        for try await update in stream {
            updates.append(update)
            if case let .event(event) = update { events.append(event) }
        }
        return (events, updates)
    }

    func testConnectionCutAtRandomPointsManyTimesDeliversEveryEventOnceInOrder() async throws {
        let total = 120
        let events = Fixtures.events(deploymentId: "dep_1", count: total)
        let connections = LockedValue(0)
        let resumedFrom = LockedValue<[Int]>([])
        try await LoopbackServer.run({ router in
            router.get("api/deploy/:id/events") { request, _ in
                let after = Self.lastEventId(request)
                resumedFrom.withValue { $0.append(after) }
                let n = connections.withValue { $0 += 1; return $0 }
                // Sometimes replay a few events the client already has (servers may resend on resume).
                let replay = n % 4 == 0 ? min(after, 3) : 0
                let text = events.filter { $0.seq > after - replay }.map(Fixtures.sse).joined(separator: ": heartbeat\n\n")
                let bytes = Array(text.utf8)
                // Cut anywhere: inside a line, inside a UTF-8 sequence, between frames. Every
                // tenth connection gets to the end.
                var generator = SystemRandomNumberGenerator()
                let cut = n % 10 == 0 ? bytes.count : Int.random(in: 0...min(bytes.count, 1500), using: &generator)
                let abrupt = Bool.random()
                return Response(status: .ok, headers: [.contentType: "text/event-stream"], body: ResponseBody { writer in
                    var offset = 0
                    while offset < cut {
                        let size = min(cut - offset, Int.random(in: 1...200))
                        try await writer.write(ByteBuffer(bytes: bytes[offset..<(offset + size)]))
                        offset += size
                    }
                    if abrupt && cut < bytes.count { throw CancellationError() }  // drop the connection mid-body
                    try await writer.finish(nil)
                })
            }
            router.get("api/deploy") { _, _ in
                try Response.wire(Fixtures.deployment(id: "dep_1", state: .running, lastEventId: total))
            }
        }) { base in
            let client = PlatformClient(baseURL: base, token: "t")
            let (received, updates) = try await Self.collect(client.deploymentEvents(id: "dep_1", options: Self.fast))
            XCTAssertEqual(received.map(\.seq), Array(1...total), "every event once, in order")
            XCTAssertEqual(received, events)
            XCTAssertTrue(received.last?.isFinal ?? false)
            XCTAssertFalse(updates.contains { if case .resynchronized = $0 { true } else { false } })
            XCTAssertGreaterThan(connections.withValue { $0 }, 5, "the test should have cut the stream many times")
            XCTAssertTrue(resumedFrom.withValue { $0 }.dropFirst().contains { $0 > 0 }, "reconnects resume with Last-Event-ID")
        }
    }

    func testGapInSequenceIsRefilledByReconnecting() async throws {
        let events = Fixtures.events(deploymentId: "dep_2", count: 10)
        let connections = LockedValue(0)
        try await LoopbackServer.run({ router in
            router.get("api/deploy/:id/events") { request, _ in
                let after = Self.lastEventId(request)
                let first = connections.withValue { $0 += 1; return $0 == 1 }
                // The first connection skips event 5 (as a buggy fan-out might); later ones are whole.
                let text = events.filter { $0.seq > after && !(first && $0.seq == 5) }.map(Fixtures.sse).joined()
                return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: text)))
            }
        }) { base in
            let (received, _) = try await Self.collect(PlatformClient(baseURL: base).deploymentEvents(id: "dep_2", options: Self.fast))
            XCTAssertEqual(received.map(\.seq), Array(1...10))
            XCTAssertEqual(connections.withValue { $0 }, 2)
        }
    }

    func testPersistentGapFallsBackToSnapshot() async throws {
        let events = Fixtures.events(deploymentId: "dep_3", count: 8)
        try await LoopbackServer.run({ router in
            router.get("api/deploy/:id/events") { request, _ in
                let after = Self.lastEventId(request)
                // Event 4 is lost for good.
                let text = events.filter { $0.seq > after && $0.seq != 4 }.map(Fixtures.sse).joined()
                return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: text)))
            }
            router.get("api/deploy") { _, _ in
                try Response.wire(Fixtures.deployment(id: "dep_3", state: .running, lastEventId: 4))
            }
        }) { base in
            let (received, updates) = try await Self.collect(PlatformClient(baseURL: base).deploymentEvents(id: "dep_3", options: Self.fast))
            XCTAssertEqual(received.map(\.seq), [1, 2, 3, 5, 6, 7, 8])
            XCTAssertEqual(updates.filter { if case .resynchronized = $0 { true } else { false } }.count, 1)
        }
    }

    func testOutageIsReportedThenRecovered() async throws {
        let events = Fixtures.events(deploymentId: "dep_4", count: 6)
        // Timed from the first reconnect, not from the test's start: a slow start on a busy machine used the whole
        // outage up before the client got there, and no outage was seen.
        let outageStarted = LockedValue<Date?>(nil)
        try await LoopbackServer.run({ router in
            router.get("api/deploy/:id/events") { request, _ in
                let after = Self.lastEventId(request)
                // After event 3 the server is unavailable for 0.6 s.
                let started = outageStarted.withValue { value in
                    if after >= 3, value == nil { value = Date() }
                    return value
                }
                if after >= 3, let started, Date().timeIntervalSince(started) < 0.6 {
                    return Response(status: .serviceUnavailable)
                }
                let slice = events.filter { $0.seq > after && (after >= 3 || $0.seq <= 3) }
                return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: slice.map(Fixtures.sse).joined())))
            }
            router.get("api/deploy") { _, _ in
                Response(status: .serviceUnavailable)
            }
        }) { base in
            let (received, updates) = try await Self.collect(PlatformClient(baseURL: base).deploymentEvents(id: "dep_4", options: Self.fast))
            XCTAssertEqual(received.map(\.seq), Array(1...6))
            let reconnecting = updates.firstIndex { if case .reconnecting = $0 { true } else { false } }
            let reconnected = updates.firstIndex(of: .reconnected)
            XCTAssertNotNil(reconnecting, "a long outage is reported")
            XCTAssertNotNil(reconnected)
            if let reconnecting, let reconnected {
                XCTAssertLessThan(reconnecting, reconnected)
                XCTAssertEqual(updates[reconnecting - 1], .event(events[2]))
                XCTAssertEqual(updates[reconnected + 1], .event(events[3]))
            }
        }
    }

    func testResumingAfterTheFinalEventEndsAtOnce() async throws {
        try await LoopbackServer.run({ router in
            router.get("api/deploy/:id/events") { _, _ in Response(status: .ok) }
            router.get("api/deploy") { _, _ in try Response.wire(Fixtures.deployment(id: "dep_5", state: .failed, lastEventId: 9)) }
        }) { base in
            let (received, _) = try await Self.collect(PlatformClient(baseURL: base).deploymentEvents(id: "dep_5", after: 9, options: Self.fast))
            XCTAssertEqual(received, [])
        }
    }

    func testUnknownDeploymentAndSignedOutAreThrown() async throws {
        try await LoopbackServer.run({ router in
            router.get("api/deploy/:id/events") { request, _ in
                request.headers[.authorization] == nil
                    ? try Response.apiError(.unauthorized, code: "unauthorized", message: "sign in")
                    : try Response.apiError(.notFound, code: "not_found", message: "no deployment nope")
            }
        }) { base in
            do {
                _ = try await Self.collect(PlatformClient(baseURL: base).deploymentEvents(id: "nope", options: Self.fast))
                XCTFail("expected signedOut")
            } catch let error as ClientError {
                XCTAssertEqual(error, .signedOut(message: "sign in"))
            }
            do {
                _ = try await Self.collect(PlatformClient(baseURL: base, token: "t").deploymentEvents(id: "nope", options: Self.fast))
                XCTFail("expected notFound")
            } catch let error as ClientError {
                XCTAssertEqual(error, .notFound(message: "no deployment nope"))
            }
        }
    }
}
