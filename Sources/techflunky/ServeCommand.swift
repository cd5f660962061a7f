import ArgumentParser
import Foundation
import Logging
import TechFlunkyDemoCatalog
import TechFlunkyHTTP
import TechFlunkyPlatform
import TechFlunkySandbox

/// `techflunky serve`: the platform API server in the foreground. Secrets come from the environment only,
/// never from flags (flags show up in process listings).
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the platform API server.",
        discussion: """
            Environment: STRIPE_API_BASE (default https://api.stripe.com), STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET, \
            CLOUDFLARE_API_BASE (default https://api.cloudflare.com/client/v4), LOG_LEVEL (default info). Secrets are \
            read from the environment only, never from flags.

            With --sandbox the offline Stripe and Cloudflare stand-ins run in this process on loopback ports (their \
            state under <data-dir>/sandbox), the Stripe settings above are ignored, the demo catalog is loaded, and \
            /api/sandbox/* can move the clock and pay with the test card. With --tls-cert too, the Stripe stand-in \
            delivers its webhooks over HTTPS and checks the certificate against TECHFLUNKY_CACERT, or the \
            certificate file itself when that is unset (a self-signed certificate).

            Stops gracefully on SIGINT or SIGTERM.
            """
    )

    @Option(help: "Address to bind.") var host = "127.0.0.1"
    @Option(help: "Port to bind (0 lets the system choose; the chosen port is printed).") var port = 8080
    @Option(name: .customLong("db"), help: "SQLite database file (default: <data-dir>/platform.sqlite).") var dbPath: String?
    @Option(help: ArgumentHelp("PostgreSQL instead of SQLite: postgres://user[:password]@host[:port]/database[?sslmode=…] (default: DATABASE_URL).",
                               discussion: "Applies the PostgreSQL migrations at start (instances starting together apply each once) and keeps every record there; several instances may serve one database (docs/operations.md)."))
    var database: String?
    @Option(help: "Data directory for the database and the package store (default: $XDG_DATA_HOME/techflunky/server).")
    var dataDir: String?
    @Flag(help: "Load the demo catalog and demo account into an empty database.") var demo = false
    @Flag(help: "Start the offline Stripe and Cloudflare stand-ins in this process and use them.") var sandbox = false
    @Option(help: ArgumentHelp("Use stand-ins already running at this URL (`techflunky sandbox stand-ins`), shared by several instances.",
                               discussion: "Sandbox mode against them: their STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET come from the environment (scripts/cluster-up)."))
    var standIns: String?
    @Option(help: "Fill this many generated listings (scale work).") var synthetic = 0
    @Option(help: "With --sandbox: how long Cloudflare calls take, `realistic` (as on Cloudflare) or `instant`.")
    var pace = "realistic"
    @Option(help: "The key of <data-dir>/secrets.json, where `techflunky admin secrets set` seals the Stripe secrets (default: TECHFLUNKY_SECRETS_KEY).")
    var secretsKeyFile: String?
    @Option(help: "Serve HTTPS (TLS 1.3 only) with this PEM certificate chain; needs --tls-key.") var tlsCert: String?
    @Option(help: "The PEM private key of --tls-cert (keep it mode 0600).") var tlsKey: String?
    @Option(help: "Serve Prometheus metrics at GET /metrics on this port (off unless given; 0 lets the system choose).")
    var metricsPort: Int?
    @Option(help: "Address of the metrics listener (loopback by default; see docs/operations.md before opening it).")
    var metricsHost = "127.0.0.1"
    @Option(help: "Take a backup at start and then every --backup-every into this directory (see `techflunky admin restore`).")
    var backupDir: String?
    @Option(help: "How often to back up with --backup-dir, e.g. 24h, 6h, 30m.") var backupEvery = "24h"
    @Option(help: "How many backups to keep in --backup-dir (oldest removed first).") var backupKeep = 14
    @Option(help: ArgumentHelp(
        "Seconds a deployment's lease lasts without renewal (default 15).",
        discussion: "The instance running a deployment renews its lease every third of this; when that instance dies, another marks the deployment interrupted within about twice this. Shorter notices a dead instance sooner and writes more often.",
        valueName: "seconds"))
    var deploymentLease: Double?

    func validate() throws {
        guard CloudflarePace(name: pace) != nil else { throw ValidationError("--pace must be realistic or instant") }
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
        if (tlsCert == nil) != (tlsKey == nil) { throw ValidationError("--tls-cert and --tls-key go together: give both, or neither for plain HTTP") }
        if let metricsPort, !(0...65535).contains(metricsPort) { throw ValidationError("--metrics-port must be between 0 and 65535") }
        guard ((try? SandboxDuration.seconds(backupEvery)) ?? 0) >= 60 else {
            throw ValidationError("--backup-every must be a duration of at least a minute, such as 24h, 6h or 30m")
        }
        guard backupKeep >= 1 else { throw ValidationError("--backup-keep must be at least 1") }
        if let deploymentLease, !(deploymentLease.isFinite && (1...3600).contains(deploymentLease)) {
            throw ValidationError("--deployment-lease must be between 1 and 3600 seconds")
        }
        guard synthetic >= 0 else { throw ValidationError("--synthetic must not be negative") }
        if let standIns {
            if sandbox { throw ValidationError("--sandbox starts stand-ins of its own; --stand-ins uses running ones: give one") }
            guard let url = URL(string: standIns), ["http", "https"].contains(url.scheme ?? ""), url.host != nil else {
                throw ValidationError("--stand-ins takes the URL `techflunky sandbox stand-ins` printed, e.g. http://127.0.0.1:43125")
            }
        }
        if let database {
            do { _ = try PostgresURL(parsing: database) } catch { throw ValidationError(error.description) }
            if dbPath != nil { throw ValidationError("--db (SQLite) and --database (PostgreSQL) name two engines: give one") }
        }
    }

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
            return handler
        }
        let dataDir = dataDir ?? Self.defaultDataDir(environment)
        var databaseURL: PostgresURL?
        if let text = database ?? (dbPath == nil ? environment["DATABASE_URL"].flatMap({ $0.isEmpty ? nil : $0 }) : nil) {
            let source = database == nil ? "DATABASE_URL" : "--database"
            do { databaseURL = try PostgresURL(parsing: text) } catch { throw CommandFailure("\(source): \(error.message)") }
            if backupDir != nil {
                throw CommandFailure(PlatformEngineError.sqliteOnly(
                    operation: "--backup-dir", instead: "back up the database with pg_dump and the data directory's packages/ with your file backups").description)
            }
        }
        // Sealed secrets fill in what the environment does not set (the environment wins, for one-off overrides).
        let sealed: [String: String]
        let secretsKey: SecretKey?
        do {
            secretsKey = try SecretKey.resolve(file: secretsKeyFile, environment: environment)
            sealed = try SecretStore(dataDir: dataDir).secretsForServe(key: secretsKey)
        } catch let error as SecretsError {
            throw CommandFailure(error.description)
        }
        var configuration = PlatformConfiguration(
            host: host,
            port: port,
            dbPath: dbPath ?? URL(fileURLWithPath: dataDir).appendingPathComponent("platform.sqlite").path,
            dataDir: dataDir,
            stripeAPIBase: environment["STRIPE_API_BASE"] ?? "https://api.stripe.com",
            stripeSecretKey: environment["STRIPE_SECRET_KEY"] ?? sealed["STRIPE_SECRET_KEY"] ?? "",
            stripeWebhookSecret: environment["STRIPE_WEBHOOK_SECRET"] ?? sealed["STRIPE_WEBHOOK_SECRET"] ?? "",
            cloudflareAPIBase: environment["CLOUDFLARE_API_BASE"] ?? "https://api.cloudflare.com/client/v4",
            demoCatalog: demo || sandbox ? DemoCatalog.directory : nil,
            syntheticListings: synthetic,
            httpTransport: CurlHTTPClient()
        )
        configuration.databaseURL = databaseURL
        configuration.metricsPort = metricsPort
        configuration.secretsKey = secretsKey
        if let tlsCert, let tlsKey { configuration.tls = PlatformTLS(certificatePath: tlsCert, privateKeyPath: tlsKey) }
        configuration.metricsHost = metricsHost
        if let deploymentLease { configuration.deploymentLeaseDuration = deploymentLease }
        if let backupDir {
            configuration.backupSchedule = BackupSchedule(directory: URL(fileURLWithPath: backupDir),
                                                          interval: (try? SandboxDuration.seconds(backupEvery)) ?? 86_400, keep: backupKeep)
        }
        var standIns: SandboxServer?
        if let shared = self.standIns {
            // Shared stand-ins: sandbox mode (smoke checks through the stand-in's workers.dev, /api/sandbox/*), each
            // instance on its own clock; the key and webhook secret are the ones the stand-ins were started with.
            let base = shared.hasSuffix("/") ? String(shared.dropLast()) : shared
            configuration.sandboxMode = true
            // Movable, as with --sandbox: `POST /api/sandbox/advance` moves this instance's clock (and releases what is
            // then due), so holds can come due in a test with several instances (MultiInstanceServeTests).
            configuration.clock = MovableClock()
            configuration.stripeAPIBase = base
            configuration.cloudflareAPIBase = base + "/client/v4"
            guard configuration.stripeSecretKey.hasPrefix("sk_test_"), configuration.stripeWebhookSecret.hasPrefix("whsec_") else {
                throw CommandFailure("--stand-ins: set STRIPE_SECRET_KEY (sk_test_…) and STRIPE_WEBHOOK_SECRET (whsec_…) to the stand-ins' own")
            }
        } else if sandbox {
            let clock = MovableClock()
            // With TLS the stand-in delivers webhooks over HTTPS and verifies this server's certificate: against
            // TECHFLUNKY_CACERT when set (a private CA), else against the certificate chain itself (self-signed).
            let webhookCA = tlsCert.map { environment["TECHFLUNKY_CACERT"].flatMap { $0.isEmpty ? nil : $0 } ?? $0 }
            let started = try await StandIns.start(dataDir: URL(fileURLWithPath: dataDir), clock: clock,
                                                   logger: Logger(label: "techflunky.sandbox"), webhookCABundle: webhookCA)
            started.configure(&configuration, clock: clock)
            started.server.setCloudflarePace(CloudflarePace(name: pace) ?? .realistic)
            standIns = started.server
        } else {
            if let mode = StripeConfigurationCheck.mode(secretKey: configuration.stripeSecretKey) {
                FileHandle.standardError.write(Data("techflunky serve: Stripe in \(mode) mode\(mode == "test" ? " (payments are not real)" : "")\n".utf8))
            }
            for problem in StripeConfigurationCheck.problems(secretKey: configuration.stripeSecretKey,
                                                             webhookSecret: configuration.stripeWebhookSecret,
                                                             apiBase: configuration.stripeAPIBase) {
                FileHandle.standardError.write(Data("techflunky serve: Stripe: \(problem)\n".utf8))
            }
        }
        do {
            try await serve(configuration, standIns: standIns)
        } catch let error as SealedBundleError {
            if let standIns { await standIns.stop() }
            throw CommandFailure(error.description)
        } catch let error as PlatformEngineError {
            if let standIns { await standIns.stop() }
            throw CommandFailure(error.description)
        } catch let error as PostgresEngineError {
            if let standIns { await standIns.stop() }
            throw CommandFailure(error.description)
        }
    }

    private func serve(_ configuration: PlatformConfiguration, standIns: SandboxServer?) async throws {
        let host = host
        let running = standIns
        let webhookSecret = configuration.stripeWebhookSecret
        let tlsCert = tlsCert
        try await PlatformServer.run(configuration) { port in
            if let running {
                await running.setStripeWebhook(url: "\(tlsCert == nil ? "http" : "https")://\(host):\(port)/api/checkout/webhook", secret: webhookSecret)
                print("sandbox stand-ins (Stripe, Cloudflare) on \(running.baseURL)")
            }
            print("techflunky platform listening on \(tlsCert == nil ? "http" : "https")://\(host):\(port)")
            // Scripts and supervisors read these lines from a pipe or file, where stdout is block-buffered.
            fflush(nil)  // every output stream; naming `stdout` is a data-race error in Swift 6
        }
        if let standIns { await standIns.stop() }
    }

    static func defaultDataDir(_ environment: [String: String]) -> String {
        let base = environment["XDG_DATA_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (NSHomeDirectory() as NSString).appendingPathComponent(".local/share")
        return ((base as NSString).appendingPathComponent("techflunky") as NSString).appendingPathComponent("server")
    }
}
