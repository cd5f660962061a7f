import Foundation
import Logging
import PostgresNIO
import TechFlunkyCore

/// Brings the events of deployments run by other instances to this instance's watchers. It `LISTEN`s on
/// `deployment_events` over a connection of its own (not the pool's: a pooled connection goes back to the pool),
/// and for each notice `<deployment id>:<seq>` of a deployment someone here watches, reads the events it has not
/// published yet from the store, oldest first, and hands them to the `DeploymentEventLedger`, which publishes each
/// to the hub once (this instance's own runs' events come through it too).
///
/// A lost connection is opened again with backoff (`reconnectDelay`, 0.1 s, doubling to 5 s); notices sent meanwhile are gone, so after
/// it every watched deployment that changed since the connection was lost gets its latest event published (a
/// watcher's stream reads what it lacks before it from the store).
actor PostgresDeploymentEventRelay {
    private let database: PostgresDatabase
    private let store: PostgresDeploymentStore
    private let hub: DeploymentEventHub
    private let ledger: DeploymentEventLedger
    private let logger: Logger
    private var listening = false
    private let reconnectDelay: Double
    private var backoff: Double
    private var connectedBefore = false
    /// When the last connection was lost (the platform clock: deployments' `updated_at` follows it).
    private var lostAt: Date?
    private let clock: any PlatformClock
    /// How many times it has started listening (1 after the first connection; each reconnect adds one).
    private(set) var connectionsMade = 0
    private var listeningWaiters: [(connections: Int, continuation: CheckedContinuation<Void, Never>)] = []

    init(database: PostgresDatabase, store: PostgresDeploymentStore, hub: DeploymentEventHub, ledger: DeploymentEventLedger, clock: any PlatformClock,
         logger: Logger, reconnectDelay: Double = 0.1) {
        self.reconnectDelay = reconnectDelay
        backoff = reconnectDelay
        self.database = database
        self.store = store
        self.hub = hub
        self.ledger = ledger
        self.logger = logger
        self.clock = clock
    }

    /// Listens until cancelled.
    func run() async {
        while !Task.isCancelled {
            do {
                let connection = try await PostgresConnection.connectUnlessCancelled(configuration: try database.url.connectionConfiguration(), id: 1,
                                                                      logger: logger)
                let session = ListeningSession(connection)
                do {
                    try await session.run {
                        try await connection.listen(on: PostgresDeploymentStore.channel) { notices in
                            try session.listening()
                            await self.listeningStarted()
                            for try await notice in notices { await self.relay(notice.payload) }
                        }
                    }
                } catch {
                    connectionLost()
                    try? await connection.close()
                    throw error
                }
                connectionLost()
                try? await connection.close()
            } catch {
                if Task.isCancelled { break }
                logger.warning("deployment event relay lost its connection; reconnecting",
                               metadata: ["error": "\(PostgresEngineError.reason(error))", "retryIn": "\(backoff)"])
            }
            if Task.isCancelled { break }
            try? await Task.sleep(nanoseconds: UInt64(backoff * 1e9))
            backoff = min(backoff * 2, 5)
        }
        setListening(false)
    }

    private func connectionLost() {
        setListening(false)
        if lostAt == nil { lostAt = clock.now() }
    }

    private func listeningStarted() async {
        connectionsMade += 1
        setListening(true)
        backoff = reconnectDelay
        if connectedBefore { await catchUp() }
        connectedBefore = true
    }

    var isListening: Bool { listening }

    /// Returns once the relay listens on its `connections`th connection or a later one (tests; a start-up that must
    /// not miss a notice).
    func waitUntilListening(connections: Int = 1) async {
        if listening && connectionsMade >= connections { return }
        await withCheckedContinuation { listeningWaiters.append((connections, $0)) }
    }

    private func setListening(_ value: Bool) {
        listening = value
        guard value else { return }
        let ready = listeningWaiters.filter { $0.connections <= connectionsMade }
        listeningWaiters.removeAll { $0.connections <= connectionsMade }
        for waiter in ready { waiter.continuation.resume() }
    }

    /// One notice: `<deployment id>:<seq>` (the id has no colon; the last one separates).
    func relay(_ payload: String) async {
        guard let colon = payload.lastIndex(of: ":"), let seq = Int(payload[payload.index(after: colon)...]) else {
            logger.warning("deployment event relay ignored a notice it cannot read", metadata: ["length": "\(payload.utf8.count)"])
            return
        }
        let id = String(payload[..<colon])
        guard await hub.watcherCount(deploymentId: id) > 0 else { return }
        let after = await ledger.lastDelivered(id) ?? seq - 1
        guard after < seq else { return }
        await read(id, after: after)
    }

    /// After a reconnect: the latest event of every watched deployment that changed while the relay was away (from
    /// a second before, for clocks that disagree a little).
    private func catchUp() async {
        guard let since = lostAt?.addingTimeInterval(-1) else { return }
        lostAt = nil
        do {
            for (id, last) in try await store.deploymentsChanged(since: since) where await hub.watcherCount(deploymentId: id) > 0 {
                let known = await ledger.lastDelivered(id) ?? 0
                if known < last { await read(id, after: max(known, last - 1)) }
            }
        } catch {
            logger.error("deployment event relay could not catch up after reconnecting", metadata: ["error": "\(error)"])
        }
    }

    private func read(_ id: String, after: Int) async {
        do {
            await ledger.deliver(try await store.events(deploymentId: id, after: after))
        } catch {
            // The watchers' streams fill the gap from the store at the next event they see.
            logger.error("deployment event relay could not read events", metadata: ["deployment": "\(id)", "error": "\(error)"])
        }
    }
}
