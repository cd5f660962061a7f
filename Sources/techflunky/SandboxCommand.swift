import ArgumentParser
import Foundation
import Logging
import TechFlunkyText
import TechFlunkyClient
import TechFlunkyCore
import TechFlunkyPlatform

/// `techflunky sandbox …`: the local marketplace the embedded default runs, in its background daemon.
struct SandboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sandbox",
        abstract: "Manage the local sandbox marketplace: whether it runs, stopping it, its clock, starting afresh.",
        discussion: """
            The first techflunky that needs the local sandbox starts it as a background process (the sandbox \
            daemon) that every terminal shares; quitting a UI never stops it. It stops with `sandbox stop`, or \
            by itself after \(SandboxDaemon.idleTimeoutVariable) (default 30m; off for never) with no request \
            and no deployment running.
            """,
        subcommands: [Status.self, Stop.self, Advance.self, Reset.self, Daemon.self, SandboxStandInsCommand.self],
        defaultSubcommand: Status.self
    )

    /// The daemon as another process finds it: `daemon.json`, its lock and its health check.
    static func discover(_ embedded: EmbeddedMarketplace) async -> LocalSandboxDirectory.Discovery {
        await embedded.directory.discover(answers: SandboxLauncher.answers)
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show whether the sandbox runs (pid, uptime, URLs, running deployments), where its data and log are, and how its platform is doing.",
            discussion: """
                When it runs, the platform's health (GET /api/health): up, degraded or down; the database, the Stripe \
                and Cloudflare stand-ins; running deployments, payout holds past due, webhooks refused in the last 15 minutes.
                """
        )

        @OptionGroup var output: OutputOptions

        struct Report: Encodable {
            var running: Bool
            /// false while it starts, or when it is hung.
            var answering: Bool
            var pid: Int32?
            var startedAt: Date?
            var uptimeSeconds: Int?
            var apiURL: String?
            var sandboxURL: String?
            var dataDir: String
            var logFile: String
            var seeded: Bool
            var clockOffsetSeconds: Double?
            var runningDeployments: [LocalSandboxState.RunningDeployment]
            var idleTimeoutSeconds: Double?
            var lastRequestAt: Date?
            /// The platform's health when it runs and answers.
            var health: PlatformHealth?
            /// Why the health could not be read, when it runs but does not answer.
            var healthError: String?
        }

        func run() async throws {
            let embedded = EmbeddedMarketplace()
            var report = Report(running: false, answering: false, dataDir: embedded.dataDir.path, logFile: embedded.logFile.path,
                                seeded: embedded.isSeeded, clockOffsetSeconds: embedded.readClock(), runningDeployments: [])
            let discovery = await SandboxCommand.discover(embedded)
            var daemon: LocalSandboxState?
            switch discovery {
            case let .running(state):
                report.running = true
                report.answering = true
                daemon = state
            case let .unresponsive(state):
                report.running = true
                daemon = state
            case .stale, .absent:
                break
            }
            if let daemon {
                report.pid = daemon.pid
                report.startedAt = daemon.startedAt
                report.uptimeSeconds = max(0, Int(Date().timeIntervalSince(daemon.startedAt)))
                report.apiURL = daemon.apiURL
                report.sandboxURL = daemon.sandboxURL
                report.runningDeployments = daemon.runningDeployments
                report.idleTimeoutSeconds = daemon.idleTimeoutSeconds
                report.lastRequestAt = daemon.lastRequestAt
                if report.answering {
                    do {
                        let client = PlatformClient(baseURL: daemon.apiURL)
                        _ = try await EmbeddedMarketplace.signInDemo(client)
                        report.health = try await client.platformHealth()
                    } catch {
                        report.healthError = "\(error)"
                    }
                } else {
                    report.healthError = "the daemon does not answer"
                }
            }
            if output.json {
                try TerminalOutput().json(report)
                return
            }
            switch discovery {
            case .running:
                print("running:   yes, pid \(report.pid ?? 0), up \(SandboxCommand.describe(duration: TimeInterval(report.uptimeSeconds ?? 0)))")
            case .unresponsive:
                print("running:   starting or not answering\(report.pid.map { ", pid \($0)" } ?? "") (see the log)")
            case .stale:
                print("running:   no (a stale state file was left by a daemon that is gone)")
            case .absent:
                print("running:   no (the next techflunky starts it)")
            }
            if let api = report.apiURL { print("API:       \(api)") }
            if let sandbox = report.sandboxURL {
                print("stand-ins: \(sandbox) (Stripe; Cloudflare at \(sandbox)/client/v4; faults at \(sandbox)/sandbox/faults)")
            }
            print("data:      \(report.dataDir)")
            print("logs:      \(report.logFile)")
            print("seeded:    \(report.seeded ? "yes" : "no (the first start builds the demo world)")")
            if let offset = report.clockOffsetSeconds {
                print("clock:     \(SandboxCommand.describe(offset: offset))")
            }
            if daemon != nil {
                if report.runningDeployments.isEmpty {
                    print("deployments: none running")
                } else {
                    print("deployments: \(report.runningDeployments.count) running")
                    for deployment in report.runningDeployments {
                        print("  \(TextSanitizer.line(deployment.id))  \(TextSanitizer.line(deployment.listingSlug))  \(deployment.state)\(deployment.domain.map { "  " + TextSanitizer.line($0) } ?? "")")
                    }
                }
                if let idle = report.idleTimeoutSeconds {
                    let last = report.lastRequestAt.map { "last request \(SandboxCommand.describe(duration: Date().timeIntervalSince($0))) ago" } ?? "no request yet"
                    print("idle exit: after \(SandboxCommand.describe(duration: idle)) with no request and nothing running (\(last))")
                } else {
                    print("idle exit: off")
                }
                if let health = report.health {
                    for line in SandboxCommand.healthLines(health) { print(line) }
                } else {
                    print("health:  unknown (\(TextSanitizer.line(report.healthError ?? "no answer")))")
                }
            }
        }
    }

    struct Stop: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Stop the sandbox daemon (every terminal's UI goes offline until the next techflunky starts it again).",
            discussion: """
                With deployments running it refuses unless --force: a stop interrupts them, and each then waits \
                for `techflunky retry <id>` with the Cloudflare token to resume. Exit codes: 0 stopped or not \
                running, 1 refused or it did not stop.
                """
        )

        @Flag(name: .long, help: "Stop even with deployments running (they are marked interrupted), and kill a daemon that does not stop.")
        var force = false

        func run() async throws {
            let embedded = EmbeddedMarketplace()
            let directory = embedded.directory
            let state: LocalSandboxState
            switch await SandboxCommand.discover(embedded) {
            case .absent:
                print("the local sandbox is not running")
                return
            case let .stale(stale):
                directory.removeState(ifOwnedBy: stale.pid)
                print("the local sandbox is not running (removed the state file pid \(stale.pid) left)")
                return
            case .unresponsive(nil):
                throw CommandRefusal("a sandbox daemon is starting in \(directory.url.path); try again when `techflunky sandbox status` shows it running")
            case let .unresponsive(.some(found)), let .running(found):
                state = found
            }
            let running = state.runningDeployments
            if !running.isEmpty, !force {
                let list = running.map { "  \(TextSanitizer.line($0.id))  \(TextSanitizer.line($0.listingSlug))  \($0.state)" }.joined(separator: "\n")
                throw CommandRefusal("""
                    \(running.count) deployment\(running.count == 1 ? " is" : "s are") running:
                    \(list)
                    Stopping now interrupts \(running.count == 1 ? "it" : "them"): each is marked interrupted and resumes with \
                    `techflunky retry <id>` and the Cloudflare token. Wait for \(running.count == 1 ? "it" : "them") to finish, \
                    or pass --force.
                    """)
            }
            guard kill(state.pid, SIGTERM) == 0 || errno == ESRCH else {
                throw CommandFailure("cannot signal the sandbox daemon (pid \(state.pid)): \(String(cString: strerror(errno)))")
            }
            if try await waitForExit(directory, pid: state.pid, seconds: 20) {
                print("stopped the local sandbox (pid \(state.pid))")
                // A techflunky still open (a UI) starts a daemon again when it next needs one, at once if it was
                // asking just then: said, rather than taken for the old one not stopping.
                if let next = directory.readState(), next.pid != state.pid, LocalSandboxDirectory.processExists(next.pid) {
                    print("a techflunky still open has started it again (pid \(next.pid)); quit it first to keep the sandbox stopped")
                }
            } else if force {
                kill(state.pid, SIGKILL)
                guard try await waitForExit(directory, pid: state.pid, seconds: 5) else {
                    throw CommandFailure("the sandbox daemon (pid \(state.pid)) did not stop, even when killed")
                }
                directory.removeState(ifOwnedBy: state.pid)
                print("killed the local sandbox (pid \(state.pid)): it did not stop within 20 s")
            } else {
                throw CommandFailure("the sandbox daemon (pid \(state.pid)) has not stopped after 20 s; see \(directory.logFile.path), or pass --force to kill it")
            }
            if !running.isEmpty {
                print("interrupted: \(running.map { TextSanitizer.line($0.id) }.joined(separator: ", ")) (resume each with `techflunky retry <id>`)")
            }
        }

        /// Waits until the daemon `pid` has gone: exited (or exited and not yet reaped) or let go of the instance lock;
        /// false after `seconds`. Not "until nobody holds the lock": a UI still open may start a new daemon the moment
        /// the old one exits, and that one is not the one asked to stop.
        private func waitForExit(_ directory: LocalSandboxDirectory, pid: Int32, seconds: Double) async throws -> Bool {
            let deadline = Date().addingTimeInterval(seconds)
            while LocalSandboxDirectory.processIsRunning(pid), directory.isInstanceLockHeld {
                guard Date() < deadline else { return false }
                try await Task.sleep(for: .milliseconds(100))
            }
            return true
        }
    }

    /// The daemon itself, started by the first techflunky that needs the local sandbox (not for people).
    struct Daemon: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the local sandbox marketplace in this process until stopped (started by techflunky itself).",
            shouldDisplay: false
        )

        func run() async throws {
            let embedded = EmbeddedMarketplace()
            let idleTimeout = try SandboxDaemon.idleTimeout()
            try embedded.directory.prepare()
            let sink = try FileLogHandler.Sink(url: embedded.logFile)
            LoggingSystem.bootstrap { label in FileLogHandler(label: label, sink: sink) }
            let logger = Logger(label: "techflunky.daemon")
            do {
                let ending = try await SandboxDaemon(embedded: embedded, idleTimeout: idleTimeout).run(logger: logger)
                logger.notice("sandbox daemon exits", metadata: ["reason": "\(ending)"])
            } catch {
                logger.error("sandbox daemon failed", metadata: ["error": "\(error)"])
                throw CommandFailure("the local sandbox daemon failed: \(error)")
            }
        }
    }

    struct Advance: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Move the sandbox clock forward (e.g. 3d, 12h, 1d6h) so payout holds can be watched releasing.",
            discussion: "Works on the running sandbox at once (every terminal sees it), or on the stored clock for the next start."
        )

        @Argument(help: "How far: a number with d, h, m or s, e.g. 3d.")
        var duration: String

        func validate() throws {
            do { _ = try SandboxDuration.seconds(duration) } catch { throw ValidationError("\(error)") }
        }

        func run() async throws {
            let seconds = try SandboxDuration.seconds(duration)
            let embedded = EmbeddedMarketplace()
            if case let .running(instance) = await SandboxCommand.discover(embedded) {
                let client = PlatformClient(baseURL: instance.apiURL)
                try await EmbeddedMarketplace.signInDemo(client)
                let clock = try await client.advanceSandboxClock(seconds: seconds)
                print("sandbox clock moved \(duration) ahead: now \(clock.now.formatted(date: .abbreviated, time: .shortened)) (\(SandboxCommand.describe(offset: clock.offsetSeconds)))")
            } else {
                guard embedded.isSeeded else {
                    throw ValidationError("there is no sandbox at \(embedded.dataDir.path) yet; run techflunky once first")
                }
                let offset = (embedded.readClock() ?? 0) + seconds
                try embedded.saveClock(offset)
                print("sandbox clock moved \(duration) ahead (\(SandboxCommand.describe(offset: offset))); it takes effect at the next start")
            }
        }
    }

    struct Reset: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete the sandbox's data; the next start seeds a fresh demo world.")

        @Flag(name: .shortAndLong, help: "Don't ask for confirmation.")
        var yes = false

        func run() async throws {
            let embedded = EmbeddedMarketplace()
            guard FileManager.default.fileExists(atPath: embedded.dataDir.path) else {
                print("nothing to reset: \(embedded.dataDir.path) does not exist")
                return
            }
            if embedded.directory.isInstanceLockHeld {
                throw CommandRefusal("the local sandbox is running; stop it first with `techflunky sandbox stop`")
            }
            if !yes {
                guard isatty(STDIN_FILENO) != 0 else {
                    throw CommandRefusal("refusing to delete \(embedded.dataDir.path) without --yes when not at a terminal")
                }
                print("Delete every order, deployment and setting of the sandbox in \(embedded.dataDir.path)? [y/N] ", terminator: "")
                guard let answer = readLine(), ["y", "yes"].contains(answer.lowercased()) else {
                    print("kept")
                    return
                }
            }
            try FileManager.default.removeItem(at: embedded.dataDir)
            print("removed \(embedded.dataDir.path); the next start seeds a fresh demo world")
        }
    }

    /// `2d3h`, `5m`, `40s`.
    static func describe(duration: TimeInterval) -> String {
        let total = max(0, Int(duration))
        let d = total / 86_400, h = (total % 86_400) / 3600, m = (total % 3600) / 60
        let text = [d > 0 ? "\(d)d" : nil, h > 0 ? "\(h)h" : nil, m > 0 ? "\(m)m" : nil].compactMap { $0 }.joined()
        return text.isEmpty ? "\(total)s" : text
    }

    static func healthLines(_ health: PlatformHealth) -> [String] {
        let verdict: String = switch health.status {
        case .ok: "up"
        case .degraded: "degraded: " + health.problems.map { TextSanitizer.line($0) }.joined(separator: ", ")
        case .down: "down: " + health.problems.map { TextSanitizer.line($0) }.joined(separator: ", ")
        }
        var lines = ["health:  \(verdict)"]
        let names = ["database": "database", "stripe": "Stripe stand-in", "cloudflare": "Cloudflare stand-in"]
        for check in health.checks {
            let name = names[check.name] ?? TextSanitizer.line(check.name)
            var line = "  \(name.padding(toLength: 20, withPad: " ", startingAt: 0))\(check.ok ? "ok" : "failing")"
            if let ms = check.milliseconds { line += " (\(ms) ms)" }
            if !check.ok, let detail = check.detail { line += ": \(TextSanitizer.line(detail))" }
            lines.append(line)
        }
        lines.append("  \("deployments running".padding(toLength: 20, withPad: " ", startingAt: 0))\(health.deploymentsRunning)")
        lines.append("  \("holds past due".padding(toLength: 20, withPad: " ", startingAt: 0))\(health.holdsPastDue)")
        if let waiting = health.holdsAwaitingPayouts, waiting > 0 {
            lines.append("  \("holds due, waiting".padding(toLength: 20, withPad: " ", startingAt: 0))\(waiting) (their sellers have not finished Stripe onboarding)")
        }
        lines.append("  \("webhooks refused".padding(toLength: 20, withPad: " ", startingAt: 0))\(health.webhooksRejected) in the last \(Int(PlatformHealth.webhookWindow / 60)) minutes")
        return lines
    }

    static func describe(offset: TimeInterval) -> String {
        if abs(offset) < 1 { return "in step with the wall clock" }
        let total = Int(abs(offset))
        let d = total / 86_400, h = (total % 86_400) / 3600, m = (total % 3600) / 60
        let text = [d > 0 ? "\(d)d" : nil, h > 0 ? "\(h)h" : nil, m > 0 ? "\(m)m" : nil].compactMap { $0 }.joined()
        return "\(text.isEmpty ? "\(total)s" : text) \(offset > 0 ? "ahead of" : "behind") the wall clock"
    }
}
