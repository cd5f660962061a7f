import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The last termination request (SIGTERM, SIGHUP, SIGINT) not yet acted on; 0 if none. A lock-free atomic, so
/// storing to it is safe inside a signal handler.
let pendingTerminationSignal = Atomic<Int32>(0)

/// SIGTERM, SIGHUP and SIGINT only set a flag that the UI loop polls every few milliseconds, so the terminal is
/// restored on the normal path (`endwin` is not async-signal-safe).
enum TerminationSignals {
    static func install() {
        for sig in [SIGTERM, SIGHUP, SIGINT] {
            signal(sig) { received in pendingTerminationSignal.store(received, ordering: .relaxed) }
        }
    }

    /// The pending request, cleared by reading.
    static func take() -> Int32 {
        pendingTerminationSignal.exchange(0, ordering: .relaxed)
    }
}
