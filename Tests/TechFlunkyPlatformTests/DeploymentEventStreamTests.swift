import Foundation
import GRDB
import Synchronization
import TechFlunkyCore
import XCTest

@testable import TechFlunkyPlatform

/// The event log and its SSE stream on a real SQLite file.
final class DeploymentEventStreamTests: XCTestCase {
    func makeStore() throws -> (GRDBDeploymentStore, DatabaseQueue) {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("deploy-events-\(UUID().uuidString).sqlite")
        let queue = try DatabaseQueue(path: url.path)
        var migrator = DatabaseMigrator()
        DeploymentSchema.register(in: &migrator)
        try migrator.migrate(queue)
        return (GRDBDeploymentStore(database: queue), queue)
    }

    func newDeployment(_ id: String) -> StoredDeployment {
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        return StoredDeployment(deployment: Deployment(
            id: id, orderId: "ord_1", listingSlug: "shop", accountId: "acc", domain: nil, state: .queued,
            steps: DeploymentStepKind.allCases.map { DeploymentStep(kind: $0) }, resources: [], url: nil, lastMessage: nil,
            lastEventId: 1, createdAt: now, updatedAt: now), buyerId: "buyer")
    }

    func testCommitRefusesASequenceGapAndKeepsTheStoreUnchanged() async throws {
        let (store, _) = try makeStore()
        var d = newDeployment("dep_a")
        try await store.insert(d, events: [DeploymentEvent(seq: 1, deploymentId: "dep_a", kind: .deployment, at: Date(), state: .queued)])
        d.deployment.state = .running
        d.deployment.lastEventId = 3
        do {
            try await store.commit(d, events: [DeploymentEvent(seq: 3, deploymentId: "dep_a", kind: .deployment, at: Date(), state: .running)])
            XCTFail("a gap must be refused")
        } catch DeploymentStoreError.sequenceConflict {}
        let loaded = try await store.load(id: "dep_a")
        XCTAssertEqual(loaded?.deployment.state, .queued)
        let events = try await store.events(deploymentId: "dep_a", after: 0)
        XCTAssertEqual(events.map(\.seq), [1])
    }

    func testSnapshotRoundTripsStepsResourcesAndNamespace() async throws {
        let (store, _) = try makeStore()
        var d = newDeployment("dep_b")
        try await store.insert(d, events: [DeploymentEvent(seq: 1, deploymentId: "dep_b", kind: .deployment, at: Date(), state: .queued)])
        d.namespace = "tf-abcd1234"
        d.deployment.updateStep(.createDatabases) { $0.state = .failed; $0.message = "boom"; $0.errorCode = 7502; $0.log = ["a", "b"] }
        d.deployment.resources = [CreatedResource(kind: "d1_database", id: "u1", name: "tf-abcd1234-main", created: true, step: .createDatabases)]
        d.deployment.lastEventId = 2
        try await store.commit(d, events: [DeploymentEvent(seq: 2, deploymentId: "dep_b", kind: .log, at: Date(), message: "x")])
        let loaded = try await store.load(id: "dep_b")
        XCTAssertEqual(loaded, d)
    }

    static func collect(_ stream: AsyncStream<String>, cutAfter: Int? = nil) async -> (events: [DeploymentEvent], heartbeats: Int, ended: Bool) {
        var parser = SSEParser()
        var events: [DeploymentEvent] = []
        var heartbeats = 0
        for await chunk in stream {
            if chunk.hasPrefix(": heartbeat") { heartbeats += 1 }
            for frame in parser.feed(chunk) {
                if let e = try? WireJSON.decode(DeploymentEvent.self, from: Data(frame.data.utf8)) {
                    XCTAssertEqual(frame.id, String(e.seq))
                    events.append(e)
                }
            }
            if let cutAfter, events.count >= cutAfter { return (events, heartbeats, false) }
        }
        return (events, heartbeats, true)
    }

    func testWatcherCutManyTimesSeesEveryEventOnceInOrder() async throws {
        let (store, _) = try makeStore()
        let hub = DeploymentEventHub()
        let d = newDeployment("dep_c")
        try await store.insert(d, events: [DeploymentEvent(seq: 1, deploymentId: "dep_c", kind: .deployment, at: Date(), state: .queued)])
        let recorder = DeploymentRecorder(stored: d, store: store, publisher: hub, clock: SystemClock())
        let streams = DeploymentEventStream(store: store, hub: hub, heartbeatInterval: 60)

        let total = 1 + 300
        let producer = Task { [recorder] () async throws -> Void in
            try await Task.sleep(nanoseconds: 5_000_000)
            try await recorder.setState(.running)
            for i in 0..<298 { try await recorder.log(.verifyCredentials, "line \(i)") }
            try await recorder.setState(.succeeded)
        }
        let (seen, reconnects) = try await withDeadline(60) {
            var seen: [DeploymentEvent] = []
            var reconnects = 0
            while true {
                let cut = Int.random(in: 1...7)
                let result = await Self.collect(streams.frames(deploymentId: "dep_c", after: seen.last?.seq ?? 0), cutAfter: cut)
                seen += result.events
                if result.ended { break }
                reconnects += 1
            }
            return (seen, reconnects)
        }
        try await producer.value
        XCTAssertGreaterThan(reconnects, 20)
        XCTAssertEqual(seen.map(\.seq), Array(1...total), "every event exactly once, in order")
        XCTAssertTrue(seen.last?.isFinal ?? false)
        let watchers = await hub.watcherCount(deploymentId: "dep_c")
        XCTAssertEqual(watchers, 0, "cut streams unsubscribe")
    }

    func testStreamSendsHeartbeatsWhileIdleAndEndsAfterTheFinalEvent() async throws {
        let (store, _) = try makeStore()
        let hub = DeploymentEventHub()
        let d = newDeployment("dep_d")
        try await store.insert(d, events: [DeploymentEvent(seq: 1, deploymentId: "dep_d", kind: .deployment, at: Date(), state: .queued)])
        let recorder = DeploymentRecorder(stored: d, store: store, publisher: hub, clock: SystemClock())
        let streams = DeploymentEventStream(store: store, hub: hub, heartbeatInterval: 0.02)
        // The deployment ends once the idle stream has sent a heartbeat (not after a fixed wait that a slow machine
        // could spend before the watcher even connects).
        let (heartbeatSeen, heartbeat) = AsyncStream<Void>.makeStream()
        let frames = streams.frames(deploymentId: "dep_d", after: 0)
        let tapped = AsyncStream<String> { continuation in
            let relay = Task {
                for await chunk in frames {
                    if chunk.hasPrefix(": heartbeat") { heartbeat.yield() }
                    continuation.yield(chunk)
                }
                continuation.finish()
            }
            continuation.onTermination = { _ in relay.cancel() }
        }
        let producer = Task { [recorder] () async throws -> Void in
            var seen = heartbeatSeen.makeAsyncIterator()
            guard await seen.next() != nil else { return }
            try await recorder.setState(.failed, message: "x")
        }
        defer { producer.cancel() }
        let result = try await withDeadline(30) { await Self.collect(tapped) }
        try await producer.value
        XCTAssertTrue(result.ended)
        XCTAssertGreaterThan(result.heartbeats, 0)
        XCTAssertEqual(result.events.map(\.seq), [1, 2])
        // Connecting after the end replays nothing and ends at once.
        let again = try await withDeadline(30) { await Self.collect(streams.frames(deploymentId: "dep_d", after: 2)) }
        XCTAssertTrue(again.ended)
        XCTAssertTrue(again.events.isEmpty)
    }

    /// A watcher that stops reading is dropped once its buffer is full, without holding back another watcher of
    /// the same deployment; reconnecting with the last id it got, it receives the rest, each once, in order.
    func testWatcherThatStopsReadingIsDroppedAndResumesFromItsLastEventId() async throws {
        let (store, _) = try makeStore()
        let hub = DeploymentEventHub()
        let d = newDeployment("dep_s")
        try await store.insert(d, events: [DeploymentEvent(seq: 1, deploymentId: "dep_s", kind: .deployment, at: Date(), state: .queued)])
        let recorder = DeploymentRecorder(stored: d, store: store, publisher: hub, clock: SystemClock())
        let streams = DeploymentEventStream(store: store, hub: hub, heartbeatInterval: 60)
        let total = 1 + 200

        let reader = streams.frames(deploymentId: "dep_s", after: 0)
        let stalled = streams.frames(deploymentId: "dep_s", after: 0, bufferLimit: 8)
        // Both are subscribed before anything is recorded, so every event after the first is live for both.
        try await withDeadline(30) {
            while await hub.watcherCount(deploymentId: "dep_s") < 2 { try await Task.sleep(nanoseconds: 1_000_000) }
        }
        let reading = Task { await DeploymentEventStreamTests.collect(reader) }
        try await recorder.setState(.running)
        for i in 0..<198 { try await recorder.log(.verifyCredentials, "line \(i)") }
        try await recorder.setState(.succeeded)

        let all = try await withDeadline(30) { await reading.value }
        XCTAssertTrue(all.ended)
        XCTAssertEqual(all.events.map(\.seq), Array(1...total), "the reading watcher got everything")

        let cut = try await withDeadline(30) { await Self.collect(stalled) }
        XCTAssertTrue(cut.ended, "the stalled watcher's stream ended (dropped)")
        XCTAssertFalse(cut.events.isEmpty)
        XCTAssertLessThan(cut.events.count, 20, "no more than its buffer was kept for it")
        XCTAssertEqual(cut.events.map(\.seq), Array(1...(cut.events.last?.seq ?? 0)))
        XCTAssertFalse(cut.events.last?.isFinal ?? true)
        let watchers = await hub.watcherCount(deploymentId: "dep_s")
        XCTAssertEqual(watchers, 0, "the dropped watcher unsubscribed")

        let rest = try await withDeadline(30) { await Self.collect(streams.frames(deploymentId: "dep_s", after: cut.events.last?.seq ?? 0)) }
        XCTAssertTrue(rest.ended)
        XCTAssertEqual((cut.events + rest.events).map(\.seq), Array(1...total), "every event exactly once, in order")
        XCTAssertTrue(rest.events.last?.isFinal ?? false)
    }

    /// Every watcher of a final event asks whether it ended the deployment; the store is read once for all.
    func testFinalEventCheckRunsOnceHoweverManyWatchersAsk() async throws {
        let check = DeploymentEventHub.SharedCheck()
        final class Calls: Sendable { let count = Mutex(0) }
        let calls = Calls()
        let answers = try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<50 {
                group.addTask {
                    try await check.value {
                        calls.count.withLock { $0 += 1 }
                        await Task.yield()
                        return true
                    }
                }
            }
            return try await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        XCTAssertEqual(answers, Array(repeating: true, count: 50))
        XCTAssertEqual(calls.count.withLock { $0 }, 1)
    }
}
