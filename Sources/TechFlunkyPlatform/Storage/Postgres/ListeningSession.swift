import Logging
import NIOCore
import PostgresNIO
import Synchronization

/// Runs a LISTEN session on a connection of its own and closes that connection when the task is cancelled —
/// but only once the session waits for notifications. With postgres-nio 1.33 a query or `LISTEN` sent on a
/// connection whose `close()` has begun can wait forever, and cancellation lands at any moment: during the first
/// query, during the `LISTEN` commands. Closing there hung `PostgresDatabase.close()` — a platform stopped moments
/// after it started; a test in CI that opened and closed the database within milliseconds
/// (`PostgresEngineTests.testClosingAtAnyMomentAfterOpeningFinishes` hangs without this about one run in five).
/// So a cancellation before the session listens is only noted, the setup (short queries) finishes, and
/// `listening()` — called by the session once it waits — throws `CancellationError` for it; a cancellation after
/// that closes the connection, which ends the notification sequences.
///
/// The caller closes the connection itself on every path out of `run` (postgres-nio wants a connection closed,
/// not dropped), as before.
final class ListeningSession: Sendable {
    private enum Phase { case settingUp, listening, cancelled }
    private let phase = Mutex(Phase.settingUp)
    let connection: PostgresConnection

    init(_ connection: PostgresConnection) {
        self.connection = connection
    }

    /// Runs `body` with cancellation handled as above. `body` calls `listening()` once it waits for notifications.
    func run<T>(isolation: isolated (any Actor)? = #isolation, _ body: () async throws -> T) async throws -> T {
        try await withTaskCancellationHandler(operation: body, onCancel: {
            let closeNow = phase.withLock { phase -> Bool in
                defer { phase = .cancelled }
                return phase == .listening
            }
            if closeNow { connection.close().whenComplete { _ in } }
        }, isolation: isolation)
    }

    /// Marks the session as waiting for notifications; throws `CancellationError` if it was cancelled during
    /// the setup (its connection still open: the caller closes it).
    func listening() throws {
        let cancelled = phase.withLock { phase -> Bool in
            if phase == .cancelled { return true }
            phase = .listening
            return false
        }
        if cancelled { throw CancellationError() }
    }
}

extension PostgresConnection {
    /// `connect`, refusing a connection made while the task was being cancelled. postgres-nio's `connect` closes
    /// the socket when cancelled after the TCP connect, yet can still return the connection: a query written to it
    /// then never completes (its promise is dropped with the write). Every direct connection of the platform is
    /// made through this.
    static func connectUnlessCancelled(configuration: PostgresConnection.Configuration, id: Int, logger: Logger) async throws -> PostgresConnection {
        let connection = try await PostgresConnection.connect(configuration: configuration, id: id, logger: logger)
        if Task.isCancelled {
            try? await connection.close()
            throw CancellationError()
        }
        return connection
    }
}
