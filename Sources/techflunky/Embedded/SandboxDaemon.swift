import Dispatch
import Foundation
import Glibc
import Logging
import TechFlunkyClient
import TechFlunkyCore
import TechFlunkyPlatform

/// The local sandbox daemon: one background process per data directory that runs the embedded marketplace
/// (`EmbeddedMarketplace`) for every terminal, as tmux has one server and Docker one daemon.
///
/// It holds `instance.lock` for its life and publishes where it answers in `daemon.json`; it keeps that
/// file current (running deployments, last request) and `clock.json` in step. It stops on SIGTERM or SIGINT
/// (`techflunky sandbox stop`), after `idleTimeout` with no request and no deployment running, or when its
/// state file is removed or taken over by another daemon (nobody could find it any more).
struct SandboxDaemon {
    enum Ending: Equatable {
        case alreadyRunning
        case signal(Int32)
        case idle
        case orphaned
    }

    let embedded: EmbeddedMarketplace
    let idleTimeout: TimeInterval?

    static let idleTimeoutVariable = "TECHFLUNKY_SANDBOX_IDLE_TIMEOUT"
    static let defaultIdleTimeout: TimeInterval = 30 * 60

    /// `TECHFLUNKY_SANDBOX_IDLE_TIMEOUT`: a duration (`30m`, `2h`, `90s`; a bare number is seconds), or `0`,
    /// `off`, `never` for no idle exit. Default 30 minutes.
    static func idleTimeout(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> TimeInterval? {
        guard let raw = environment[idleTimeoutVariable]?.trimmingCharacters(in: .whitespaces), !raw.isEmpty else {
            return defaultIdleTimeout
        }
        if ["0", "off", "never", "none"].contains(raw.lowercased()) { return nil }
        if let seconds = Double(raw), seconds > 0 { return seconds }
        do {
            return try SandboxDuration.seconds(raw)
        } catch {
            throw CommandFailure("\(idleTimeoutVariable)=\(raw) is not a duration; write it like 30m, 2h or 90s, or off")
        }
    }

    /// Runs until stopped; the marketplace's servers are stopped and the state file removed before it returns.
    func run(logger: Logger) async throws -> Ending {
        let directory = embedded.directory
        try directory.prepare()
        guard let lock = directory.acquireInstanceLock() else {
            logger.notice("another sandbox daemon holds \(directory.instanceLockFile.path); this one exits")
            return .alreadyRunning
        }
        defer { lock.release() }

        let stops = SignalStops(signals: [SIGTERM, SIGINT])
        logger.notice("sandbox daemon starting", metadata: ["pid": "\(getpid())", "dataDir": "\(directory.url.path)"])
        let marketplace = try await embedded.start(logger: logger)
        let startedAt = Date()
        var state = LocalSandboxState(pid: getpid(), apiURL: marketplace.apiURL, sandboxURL: marketplace.sandbox.baseURL,
                                      startedAt: startedAt, logFile: directory.logFile.path, idleTimeoutSeconds: idleTimeout)
        do {
            try directory.writeState(state)
        } catch {
            await marketplace.stop()
            throw error
        }
        logger.notice("sandbox daemon ready", metadata: ["api": "\(marketplace.apiURL)", "sandbox": "\(marketplace.sandbox.baseURL)",
                                                         "idleTimeout": "\(idleTimeout.map { "\(Int($0))s" } ?? "off")"])

        var lastClock = marketplace.clock.offsetSeconds
        var lastStateWrite = Date()
        var ending: Ending
        while true {
            if let signal = stops.received {
                ending = .signal(signal)
                break
            }
            // Gone or replaced: no client can find this daemon any more.
            if directory.readState()?.pid != state.pid {
                ending = .orphaned
                break
            }
            let clock = marketplace.clock.offsetSeconds
            if clock != lastClock {
                try? embedded.saveClock(clock)
                lastClock = clock
            }
            let running = (try? await marketplace.platform.services.deployments.store.deployments(inStates: SandboxDaemon.runningStates)) ?? []
            var next = state
            next.runningDeployments = running.map {
                .init(id: $0.deployment.id, listingSlug: $0.deployment.listingSlug, state: $0.deployment.state.rawValue, domain: $0.deployment.domain)
            }
            next.lastRequestAt = marketplace.platform.services.metrics.lastRequestAnsweredAt
            // The running list at once; the last request time at most every 5 s (a UI pings every minute).
            if next.runningDeployments != state.runningDeployments || (next != state && Date().timeIntervalSince(lastStateWrite) >= 5) {
                try? directory.writeState(next)
                state = next
                lastStateWrite = Date()
            }
            if let idleTimeout, SandboxDaemon.isIdle(now: Date(), startedAt: startedAt, lastRequestAt: next.lastRequestAt,
                                                     runningDeployments: next.runningDeployments.count, timeout: idleTimeout) {
                ending = .idle
                break
            }
            await stops.wait(upTo: .seconds(1))
        }

        logger.notice("sandbox daemon stopping", metadata: ["reason": "\(ending)", "running": "\(state.runningDeployments.map(\.id))"])
        await marketplace.stop()
        try? embedded.saveClock(marketplace.clock.offsetSeconds)
        directory.removeState(ifOwnedBy: state.pid)
        logger.notice("sandbox daemon stopped")
        return ending
    }

    /// The deployment states a stop would interrupt.
    static let runningStates: [DeploymentState] = [.queued, .running, .provisioned, .rollingBack]

    /// Idle: nothing running, and no request for `timeout` since the last one (or since the start).
    static func isIdle(now: Date, startedAt: Date, lastRequestAt: Date?, runningDeployments: Int, timeout: TimeInterval) -> Bool {
        guard runningDeployments == 0 else { return false }
        return now.timeIntervalSince(max(startedAt, lastRequestAt ?? startedAt)) >= timeout
    }
}

/// SIGTERM and SIGINT as a flag the daemon's loop reads (dispatch sources, so no work happens in a signal handler).
final class SignalStops: @unchecked Sendable {
    // @unchecked: `signal` is only touched under `lock`; `sources` is written once in `init`.
    private let lock = NSLock()
    private var signal: Int32?
    private var sources: [DispatchSourceSignal] = []

    init(signals: [Int32]) {
        for number in signals {
            Glibc.signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [weak self] in self?.deliver(number) }
            source.resume()
            sources.append(source)
        }
    }

    var received: Int32? { lock.withLock { signal } }

    private func deliver(_ number: Int32) {
        lock.withLock { if signal == nil { signal = number } }
    }

    /// Sleeps for `duration`, looking for a signal every 100 ms.
    func wait(upTo duration: Duration) async {
        let deadline = ContinuousClock.now + duration
        while received == nil, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(100))
        }
    }
}
