import Foundation
import Logging
import NIOCore
import PostgresNIO
import Synchronization

/// What makes caches and streams of several `serve` instances on one PostgreSQL database agree: every instance
/// LISTENs, on a connection of its own, to what `pg_v7_platform`'s triggers announce at each commit —
/// `catalog_changed` (a write to `listings`, or a seller's `display_name`) bumps this instance's
/// `CatalogGeneration`, so no cached listing page outlives a change made through another instance;
/// `notifications_changed` (payload: the account id) rings this instance's `NotificationBell`, so an SSE
/// notification stream here wakes for a notification written there.
///
/// The connection is outside the pool (a LISTEN belongs to one session, and a pooled connection would be handed
/// to queries). When it drops, it is opened again with backoff (0.1 s doubling to 5 s); PostgreSQL does not queue
/// notifications for a session that was not there, so every (re)connection bumps the generation and rings the bell
/// once: a change missed in between is then read like a new one.
final class PostgresChangeFeed: Sendable {
    static let catalogChannel = "catalog_changed"
    static let notificationsChannel = "notifications_changed"

    let url: PostgresURL
    let logger: Logger
    let catalogGeneration: CatalogGeneration
    let notificationBell: NotificationBell
    private let state = Mutex(State())

    private struct State {
        var task: Task<Void, Never>?
        /// The server process id of the listening session while it listens (operators see it in pg_stat_activity).
        var listeningBackend: Int32?
        var sessions = 0
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    init(url: PostgresURL, logger: Logger, catalogGeneration: CatalogGeneration, notificationBell: NotificationBell) {
        self.url = url
        self.logger = logger
        self.catalogGeneration = catalogGeneration
        self.notificationBell = notificationBell
    }

    /// Starts listening in the background (once).
    func start() {
        state.withLock { state in
            guard state.task == nil else { return }
            state.task = Task { [self] in await self.run() }
        }
    }

    /// Stops listening and waits for the connection to close.
    func stop() async {
        let task = state.withLock { state -> Task<Void, Never>? in
            defer { state.task = nil }
            return state.task
        }
        task?.cancel()
        await task?.value
        state.withLock { $0.listeningBackend = nil }
    }

    /// The listening session's server process id, while it listens.
    var listeningBackend: Int32? { state.withLock { $0.listeningBackend } }

    /// How many sessions have started listening so far (1 after the first connection, 2 after a reconnect, …).
    var sessionsStarted: Int { state.withLock { $0.sessions } }

    /// Returns once `sessionsStarted` has reached `count`.
    func waitUntilListening(sessions count: Int = 1) async {
        while sessionsStarted < count {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let ready = state.withLock { state -> Bool in
                    if state.sessions >= count { return true }
                    state.waiters.append(continuation)
                    return false
                }
                if ready { continuation.resume() }
            }
        }
    }

    private func run() async {
        var backoff = 0.1
        while !Task.isCancelled {
            do {
                try await listenOnce()
                backoff = 0.1
            } catch is CancellationError {
                break
            } catch {
                if Task.isCancelled { break }
                logger.warning("PostgreSQL change feed lost its connection; reconnecting", metadata: [
                    "error": "\(PostgresEngineError.reason(error))", "retryIn": "\(backoff)s",
                ])
            }
            state.withLock { $0.listeningBackend = nil }
            if Task.isCancelled { break }
            try? await Task.sleep(for: .milliseconds(Int(backoff * 1000)))
            backoff = min(backoff * 2, 5)
        }
    }

    /// One session: connect, LISTEN on both channels, hand each notification on until the connection ends.
    private func listenOnce() async throws {
        var configuration = try url.connectionConfiguration()
        configuration.options.additionalStartupParameters = [("application_name", "techflunky-change-feed")]
        let connection = try await PostgresConnection.connectUnlessCancelled(configuration: configuration, id: 1, logger: logger)
        // postgres-nio requires a connection to be closed (not just released) before it goes: close it on every path.
        let session = ListeningSession(connection)
        do {
            try await session.run { try await listen(on: session) }
        } catch {
            try? await connection.close()
            throw error
        }
        try? await connection.close()
    }

    private func listen(on session: ListeningSession) async throws {
        let connection = session.connection
        var backend: Int32 = 0
        for try await row in try await connection.query("SELECT pg_backend_pid()", logger: logger) { backend = try row.decode(Int32.self) }
        try await connection.listen(on: Self.catalogChannel) { catalog in
            try await connection.listen(on: Self.notificationsChannel) { notifications in
                try session.listening()
                // Listening from here on: whatever committed while no session listened is caught up now.
                catalogGeneration.bump()
                notificationBell.ring()
                let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
                    state.listeningBackend = backend
                    state.sessions += 1
                    defer { state.waiters = [] }
                    return state.waiters
                }
                for waiter in waiters { waiter.resume() }
                logger.debug("PostgreSQL change feed listening", metadata: ["backend": "\(backend)"])
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        for try await _ in catalog { self.catalogGeneration.bump() }
                    }
                    group.addTask {
                        for try await _ in notifications { self.notificationBell.ring() }
                    }
                    // Either sequence ending means the session is gone: end both and reconnect.
                    try await group.next()
                    group.cancelAll()
                }
            }
        }
    }
}
