import ArgumentParser
import Foundation
import TechFlunkyClient
import TechFlunkyCore
import TechFlunkyPlatform
import TechFlunkyText

/// `techflunky sandbox …`: the local marketplace the embedded default runs.
struct SandboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sandbox",
        abstract: "Manage the local sandbox marketplace: where its data is, its clock, starting afresh.",
        subcommands: [Status.self, Advance.self, Reset.self],
        defaultSubcommand: Status.self
    )

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show where the sandbox keeps its data, whether it is running, and how its platform is doing.",
            discussion: """
                When it runs, the platform's health (GET /api/health): up, degraded or down; the database, the Stripe \
                and Cloudflare stand-ins; running deployments, payout holds past due, webhooks refused in the last 15 minutes.
                """
        )

        @OptionGroup var output: OutputOptions

        struct Report: Encodable {
            var dataDir: String
            var logFile: String
            var seeded: Bool
            var clockOffsetSeconds: Double?
            var running: Bool
            var pid: Int32?
            var apiURL: String?
            var sandboxURL: String?
            /// The platform's health when it runs and answers.
            var health: PlatformHealth?
            /// Why the health could not be read, when it runs but does not answer.
            var healthError: String?
        }

        func run() async throws {
            let embedded = EmbeddedMarketplace()
            var report = Report(dataDir: embedded.dataDir.path, logFile: embedded.logFile.path,
                                seeded: FileManager.default.fileExists(atPath: embedded.worldFile.path),
                                clockOffsetSeconds: embedded.readClock(), running: false)
            if embedded.isOwnedElsewhere, let data = try? Data(contentsOf: embedded.instanceFile),
               let instance = try? JSONDecoder().decode(EmbeddedMarketplace.Instance.self, from: data) {
                report.running = true
                report.pid = instance.pid
                report.apiURL = instance.apiURL
                report.sandboxURL = instance.sandboxURL
                do {
                    let client = PlatformClient(baseURL: instance.apiURL)
                    _ = try await EmbeddedMarketplace.signInDemo(client)
                    report.health = try await client.platformHealth()
                } catch {
                    report.healthError = "\(error)"
                }
            }
            if output.json {
                try TerminalOutput().json(report)
                return
            }
            print("data:    \(report.dataDir)")
            print("logs:    \(report.logFile)")
            print("seeded:  \(report.seeded ? "yes" : "no (the first start builds the demo world)")")
            if let offset = report.clockOffsetSeconds {
                print("clock:   \(SandboxCommand.describe(offset: offset))")
            }
            guard report.running, let pid = report.pid, let api = report.apiURL else {
                print("running: no")
                return
            }
            print("running: pid \(pid), API \(api)")
            if let sandbox = report.sandboxURL {
                print("stand-ins: \(sandbox) (Stripe; Cloudflare at \(sandbox)/client/v4; faults at \(sandbox)/sandbox/faults)")
            }
            if let health = report.health {
                for line in SandboxCommand.healthLines(health) { print(line) }
            } else {
                print("health:  unknown (\(TextSanitizer.line(report.healthError ?? "no answer")))")
            }
        }
    }

    struct Advance: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Move the sandbox clock forward (e.g. 3d, 12h, 1d6h) so payout holds can be watched releasing.",
            discussion: "Works on a running sandbox (another terminal's techflunky) at once, or on the stored clock for the next start."
        )

        @Argument(help: "How far: a number with d, h, m or s, e.g. 3d.")
        var duration: String

        func validate() throws {
            do { _ = try SandboxDuration.seconds(duration) } catch { throw ValidationError("\(error)") }
        }

        func run() async throws {
            let seconds = try SandboxDuration.seconds(duration)
            let embedded = EmbeddedMarketplace()
            if embedded.isOwnedElsewhere, let data = try? Data(contentsOf: embedded.instanceFile),
               let instance = try? JSONDecoder().decode(EmbeddedMarketplace.Instance.self, from: data) {
                let client = PlatformClient(baseURL: instance.apiURL)
                try await EmbeddedMarketplace.signInDemo(client)
                let clock = try await client.advanceSandboxClock(seconds: seconds)
                print("sandbox clock moved \(duration) ahead: now \(clock.now.formatted(date: .abbreviated, time: .shortened)) (\(SandboxCommand.describe(offset: clock.offsetSeconds)))")
            } else {
                guard FileManager.default.fileExists(atPath: embedded.worldFile.path) else {
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
            if embedded.isOwnedElsewhere {
                throw CommandRefusal("the sandbox is running in another terminal; quit it first")
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

    /// The health report as `sandbox status` prints it: a verdict line, then one aligned line per check and count.
    /// Everything the platform sent passes `TextSanitizer`.
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
