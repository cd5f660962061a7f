import Foundation
import NIOCore
import Synchronization
import TechFlunkyCore

/// The SSE body of `GET /api/deploy/{id}/events`: the stored events after `Last-Event-ID`, then
/// live ones, each exactly once and in order; a comment heartbeat while nothing happens; the end
/// after the final event.
///
/// Order of operations is what makes "no gap, no repeat" hold: subscribe to the hub first (live
/// events buffer in the stream), then replay the store's log, then pass live events through,
/// dropping any `seq` already sent. If a live event arrives ahead of the next expected `seq`
/// (it cannot with one recorder, but a second instance could), the gap is filled from the store.
public struct DeploymentEventStream: Sendable {
    let store: any DeploymentStore
    let hub: DeploymentEventHub
    let heartbeatInterval: Double

    public init(store: any DeploymentStore, hub: DeploymentEventHub, heartbeatInterval: Double = 10) {
        self.store = store
        self.hub = hub
        self.heartbeatInterval = heartbeatInterval
    }

    enum Item: Sendable {
        case event(DeploymentEventHub.Delivery)
        case heartbeat
        /// The watcher fell too far behind (or went away) while the hub was writing to it directly.
        case dropped
    }

    /// Where live events go. While the log is replayed they queue for the watcher's own task; once it has caught
    /// up, the next expected event goes straight from the hub's publish onto the watcher's output (no task woken
    /// per watcher: with 2,000 watchers that wake-up, and the copy into a per-watcher stream, were most of the
    /// cost of an event). Anything unusual — a final event, a gap, a repeat — still goes through the watcher's
    /// task, and so does everything after it until the task has caught up again, so order holds.
    final class Route: Sendable {
        struct State {
            var direct = false
            var sent: Int
        }
        let state: Mutex<State>
        init(sent: Int) { state = Mutex(State(sent: sent)) }
    }

    /// How many chunks a reader of `frames` may leave untaken before it is dropped as too far behind.
    public static let streamBufferLimit = 4096

    /// SSE text chunks. `lastEventId` is the last `seq` the client has (0 for all). A reader that leaves more than
    /// `bufferLimit` chunks untaken is dropped: the stream ends, and it reconnects with `Last-Event-ID`.
    public func frames(deploymentId: String, after lastEventId: Int, bufferLimit: Int = streamBufferLimit) -> AsyncStream<String> {
        let (output, out) = AsyncStream<String>.makeStream(bufferingPolicy: .bufferingOldest(bufferLimit))
        let watcher = Task {
            await self.stream(deploymentId: deploymentId, after: lastEventId, to: StreamSSEOutput(continuation: out))
            out.finish()
        }
        out.onTermination = { _ in watcher.cancel() }
        return output
    }

    /// Writes the stream to `output` and returns when it is over: after the final event, when the watcher is
    /// dropped or gone, when the calling task is cancelled, or when the store fails (the client reconnects with
    /// `Last-Event-ID`).
    public func stream(deploymentId: String, after lastEventId: Int, to output: some SSEWatcherOutput) async {
        let (items, input) = AsyncStream<Item>.makeStream()
        let store = self.store, hub = self.hub, interval = self.heartbeatInterval
        let route = Route(sent: lastEventId)

        let subscription = await hub.subscribe(deploymentId: deploymentId) { delivery in
            let event = delivery.event
            let handled = route.state.withLock { state -> Bool? in
                guard state.direct, !event.isFinal, event.seq == state.sent + 1 else {
                    state.direct = false
                    return nil
                }
                state.sent = event.seq
                let sent = output.send(delivery.bytes)
                if !sent { state.direct = false }
                return sent
            }
            switch handled {
            case nil: input.yield(.event(delivery))
            case false?: input.yield(.dropped)
            case true?: break
            }
        }
        let heartbeat = Task {
            while !Task.isCancelled {
                try? await Task.sleep(nanoseconds: UInt64(interval * 1e9))
                if Task.isCancelled { break }
                input.yield(.heartbeat)
            }
        }
        defer {
            heartbeat.cancel()
            input.finish()
        }
        var sent = lastEventId
        do {
            // Tell the client how soon to reconnect after a cut; the log after `sent` goes with it, in one write.
            var replay = ByteBuffer(string: "retry: 1000\n\n")
            let logged = try await store.events(deploymentId: deploymentId, after: sent)
            for event in logged {
                replay.writeString(Self.encode(event))
                sent = event.seq
            }
            guard output.send(replay) else { await hub.unsubscribe(subscription); return }
            // The log, read after subscribing, ends with a final event: nothing more will come (a final event
            // followed by more — a retry — is not the end). Connected exactly at the end: the store says.
            let ended = if let last = logged.last { last.isFinal } else { try await Self.isFinished(store, deploymentId, sent) }
            if ended { await hub.unsubscribe(subscription); return }
            Self.catchUp(route, sent: sent)
            watching: for await item in items {
                if Task.isCancelled { break }
                switch item {
                case .heartbeat:
                    guard output.send(Self.heartbeatFrame) else { break watching }
                case .dropped:
                    break watching
                case let .event(delivery):
                    // Events sent directly since the task last looked count as sent.
                    sent = max(sent, route.state.withLock { $0.sent })
                    let event = delivery.event
                    if event.seq <= sent { continue }
                    var ended = false
                    var delivered = true
                    if event.seq == sent + 1 {
                        delivered = output.send(delivery.bytes)
                        sent = event.seq
                        if event.isFinal {
                            ended = try await delivery.finished.value { try await Self.isFinished(store, deploymentId, event.seq) }
                        }
                    } else {
                        let missed = try await store.events(deploymentId: deploymentId, after: sent).filter { $0.seq <= event.seq }
                        var filled = ByteBuffer()
                        for e in missed where e.seq == sent + 1 {
                            filled.writeString(Self.encode(e))
                            sent = e.seq
                            if e.isFinal { ended = true }
                        }
                        delivered = output.send(filled)
                        if ended { ended = try await Self.isFinished(store, deploymentId, sent) }
                    }
                    // Dropped, or the deployment ended.
                    guard delivered, !ended else { break watching }
                    Self.catchUp(route, sent: sent)
                }
            }
        } catch {
            // The store failed: end the stream; the client reconnects with Last-Event-ID.
        }
        await hub.unsubscribe(subscription)
    }

    static let heartbeatFrame = ByteBuffer(string: SSEEncoder.comment("heartbeat"))

    /// Hands live delivery back to the hub's handler once the watcher's task has sent everything up to `sent`. An
    /// event still queued for the task cannot be overtaken: the handler sends only the one right after `sent`,
    /// and the queued one is that.
    private static func catchUp(_ route: Route, sent: Int) {
        route.state.withLock { state in
            state.sent = max(state.sent, sent)
            state.direct = true
        }
    }

    /// A final event ends the stream only if nothing followed it (a retry may already have begun).
    private static func isFinished(_ store: any DeploymentStore, _ id: String, _ sent: Int) async throws -> Bool {
        guard let stored = try await store.load(id: id) else { return true }
        return stored.deployment.state.isFinal && stored.deployment.lastEventId <= sent
    }

    static func encode(_ event: DeploymentEvent) -> String {
        let data = (try? WireJSON.encode(event)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        return SSEEncoder.encode(SSEFrame(id: String(event.seq), event: event.kind.rawValue, data: data))
    }
}
