import ArgumentParser
import Foundation
import Logging
import TechFlunkyPlatform
import TechFlunkySandbox

/// `techflunky sandbox stand-ins`: only the offline Stripe and Cloudflare stand-ins, in the foreground, for several
/// `serve` instances to share (scripts/cluster-up): one Stripe with one set of payments and webhooks, one
/// Cloudflare with one set of accounts and resources, whichever instance a request reaches.
struct SandboxStandInsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stand-ins",
        abstract: "Run only the offline Stripe and Cloudflare stand-ins in the foreground, for several serve instances to share.",
        discussion: """
            Start each instance with `serve --stand-ins <printed URL>` (sandbox mode against them), and give the \
            stand-ins and every instance the same STRIPE_SECRET_KEY (sk_test_…) and STRIPE_WEBHOOK_SECRET \
            (whsec_…) through the environment (never flags: they show in process listings). Stripe's webhooks go to \
            --webhook-url, normally the load balancer's …/api/checkout/webhook, so whichever instance is up takes them. \
            Loopback only. Stops on SIGINT or SIGTERM.
            """
    )

    @Option(help: "Where the stand-ins keep their state (sandbox.sqlite, D1 databases); created when missing.") var dataDir: String
    @Option(help: "Port to bind on 127.0.0.1 (0 lets the system choose; the URL is printed).") var port = 0
    @Option(help: "Where the Stripe stand-in delivers webhooks, e.g. http://127.0.0.1:8080/api/checkout/webhook.") var webhookURL: String?
    @Option(help: "How long Cloudflare calls take: `realistic` (as on Cloudflare) or `instant`.") var pace = "realistic"

    func validate() throws {
        guard CloudflarePace(name: pace) != nil else { throw ValidationError("--pace must be realistic or instant") }
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
    }

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        guard let key = environment["STRIPE_SECRET_KEY"], key.hasPrefix("sk_test_") else {
            throw CommandFailure("set STRIPE_SECRET_KEY to an sk_test_… key (the same one every serve instance gets)")
        }
        guard let secret = environment["STRIPE_WEBHOOK_SECRET"], secret.hasPrefix("whsec_") else {
            throw CommandFailure("set STRIPE_WEBHOOK_SECRET to a whsec_… secret (the same one every serve instance gets)")
        }
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
            return handler
        }
        // Signals become an async event; the default action (exit at once) would skip closing the stand-ins' database.
        let (stops, stop) = AsyncStream.makeStream(of: Int32.self)
        var sources: [any DispatchSourceSignal] = []
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber)
            source.setEventHandler { stop.yield(signalNumber) }
            source.resume()
            sources.append(source)
        }
        let server: SandboxServer
        do {
            server = try await SandboxServer.start(SandboxConfiguration(
                dataDir: URL(fileURLWithPath: dataDir), stripeWebhookURL: webhookURL, stripeWebhookSecret: secret, stripeSecretKey: key,
                port: port, logger: Logger(label: "techflunky.sandbox"), cloudflarePace: CloudflarePace(name: pace) ?? .realistic))
        } catch {
            throw CommandFailure("the stand-ins did not start: \(error)")
        }
        print("sandbox stand-ins (Stripe, Cloudflare) on \(server.baseURL)")
        fflush(nil)  // scripts read this line from a file, where stdout is block-buffered
        for await _ in stops { break }
        await server.stop()
        sources.forEach { $0.cancel() }
    }
}
