import Foundation
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
    }

    /// Where live events go. While the log is replayed they queue for the pump; once it has caught up, the next
    /// expected event goes straight from the hub's publish into the client's stream (one task wake-up per
    /// watcher instead of two: with 200 watchers that halved the time to the last one). Anything unusual — a
    /// final event, a gap, a repeat — still goes through the pump, and so does everything after it until the
    /// pump has caught up again, so order holds.
    final class Route: Sendable {
        struct State {
            var direct = false
            var sent: Int
        }
        let state: Mutex<State>
        init(sent: Int) { state = Mutex(State(sent: sent)) }
    }

    /// SSE text chunks. `lastEventId` is the last `seq` the client has (0 for all).
    public func frames(deploymentId: String, after lastEventId: Int) -> AsyncStream<String> {
        let (items, input) = AsyncStream<Item>.makeStream()
        let (output, out) = AsyncStream<String>.makeStream()
        let store = self.store, hub = self.hub, interval = self.heartbeatInterval
        let route = Route(sent: lastEventId)

        let pump = Task {
            let subscription = await hub.subscribe(deploymentId: deploymentId) { delivery in
                let event = delivery.event
                let sentDirectly = route.state.withLock { state -> Bool in
                    guard state.direct, !event.isFinal, event.seq == state.sent + 1 else {
                        state.direct = false
                        return false
                    }
                    state.sent = event.seq
                    out.yield(delivery.frame)
                    return true
                }
                if !sentDirectly { input.yield(.event(delivery)) }
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
                out.finish()
            }
            var sent = lastEventId
            // Tell the client how soon to reconnect after a cut.
            out.yield("retry: 1000\n\n")
            do {
                for event in try await store.events(deploymentId: deploymentId, after: sent) {
                    out.yield(Self.encode(event))
                    sent = event.seq
                    if event.isFinal, try await Self.isFinished(store, deploymentId, sent) { await hub.unsubscribe(subscription); return }
                }
                // Connected after the end: nothing more will come.
                if try await Self.isFinished(store, deploymentId, sent) { await hub.unsubscribe(subscription); return }
                Self.catchUp(route, sent: sent)
                for await item in items {
                    if Task.isCancelled { break }
                    switch item {
                    case .heartbeat:
                        out.yield(SSEEncoder.comment("heartbeat"))
                    case let .event(delivery):
                        // Events sent directly since the pump last looked count as sent.
                        sent = max(sent, route.state.withLock { $0.sent })
                        let event = delivery.event
                        if event.seq <= sent { continue }
                        var ended = false
                        if event.seq == sent + 1 {
                            out.yield(delivery.frame)
                            sent = event.seq
                            ended = event.isFinal
                        } else {
                            let missed = try await store.events(deploymentId: deploymentId, after: sent).filter { $0.seq <= event.seq }
                            for e in missed where e.seq == sent + 1 {
                                out.yield(Self.encode(e))
                                sent = e.seq
                                if e.isFinal { ended = true }
                            }
                        }
                        if ended, try await Self.isFinished(store, deploymentId, sent) {
                            await hub.unsubscribe(subscription)
                            return
                        }
                        Self.catchUp(route, sent: sent)
                    }
                }
            } catch {
                // The store failed: end the stream; the client reconnects with Last-Event-ID.
            }
            await hub.unsubscribe(subscription)
        }
        out.onTermination = { _ in pump.cancel(); input.finish() }
        return output
    }

    /// Hands live delivery back to the hub's handler once the pump has sent everything up to `sent`. An event
    /// still queued for the pump cannot be overtaken: the handler sends only the one right after `sent`, and
    /// the queued one is that.
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
