import Foundation
import Logging
import TechFlunkyCore
import TechFlunkyHTTP

/// Runs deployments into buyers' Cloudflare accounts: the nine steps in binding order, rollback,
/// and recovery after a restart.
///
/// Many deployments run at once, each in its own task with its own `DeploymentRecorder`; the only
/// thing they share is the per-account `CloudflareRateLimiter`. The buyer's token lives in the
/// run's task and its `CloudflareClient` and nowhere else: not in the store, the events, the logs or
/// the errors.
///
/// The orchestrator that runs a deployment holds its lease in the store (`DeploymentLease`: this instance's id,
/// renewed every third of `LeasePolicy.duration` while the run goes on). Every instance scans for lapsed leases
/// (`runLeaseScans`): a deployment under way whose holder stopped renewing — the process died — is marked
/// `interrupted` once (the scan claims the lapsed lease with a conditional update first), and waits for the buyer to
/// give the token again (`retry`), which any instance may take. On SQLite (one process) the scan at start-up
/// (`recoverInterrupted`) takes every lease a previous process left, without waiting for it to lapse.
public actor DeploymentOrchestrator {
    /// How the post-deploy smoke check reaches the deployed business.
    public struct SmokeCheckPolicy: Sendable {
        public var attempts: Int
        /// Seconds between attempts (a fresh deployment may take a moment to answer).
        public var delay: Double
        /// Where to send the check: given the public URL (custom domain or workers.dev) and the
        /// Worker's workers.dev URL when it has one. The default is the public URL; the sandbox,
        /// which answers workers.dev hosts itself under its own base URL, maps the second.
        public var rewrite: @Sendable (_ publicURL: String, _ workersDevURL: String?) -> String

        /// Longest wait for a custom domain's certificate before step 9 fails (a retry checks again).
        public var certificateWait: Double
        /// Seconds between checks of the custom domain while its certificate is pending.
        public var certificatePoll: Double

        public init(attempts: Int = 5, delay: Double = 0.5, certificateWait: Double = 900, certificatePoll: Double = 5,
                    rewrite: @escaping @Sendable (_ publicURL: String, _ workersDevURL: String?) -> String = { url, _ in url }) {
            self.attempts = attempts
            self.delay = delay
            self.certificateWait = certificateWait
            self.certificatePoll = certificatePoll
            self.rewrite = rewrite
        }
    }

    /// The smoke-check target in the Cloudflare sandbox stand-in, which answers
    /// `GET {base}/workers.dev/<script>.<subdomain>.workers.dev/health` for a published Worker.
    public static func sandboxSmokeCheckRewrite(sandboxBaseURL: String) -> @Sendable (String, String?) -> String {
        var base = sandboxBaseURL
        if base.hasSuffix("/client/v4") { base.removeLast("/client/v4".count) }
        while base.hasSuffix("/") { base.removeLast() }
        let root = base
        return { url, workersDev in
            let target = workersDev ?? url
            guard let range = target.range(of: "://") else { return target }
            return "\(root)/workers.dev/" + target[range.upperBound...]
        }
    }

    /// How long a lease lasts without renewal, and whose it is.
    public struct LeasePolicy: Sendable {
        /// Seconds. The holder renews every third of it; another instance interrupts the run within about twice it
        /// after the holder stopped (a lease lapses after `duration`, and scans run every third of it).
        public var duration: Double
        /// This orchestrator's name in the leases it holds (one per process; a fresh one each start).
        public var owner: String

        /// `owner` nil: a fresh random name.
        public init(duration: Double = 15, owner: String? = nil) {
            self.duration = duration
            self.owner = owner ?? "inst_" + DeploymentSecrets.generate().prefix(16)
        }
    }

    public struct Configuration: Sendable {
        public var cloudflareAPIBase: String
        public var transport: any HTTPTransport
        public var retry: RetryPolicy
        public var rateLimiter: CloudflareRateLimiter
        public var smokeCheck: SmokeCheckPolicy
        /// Opens the bundle files `PackageStore` sealed (the platform's secrets key); nil when it has none.
        public var bundleKey: SecretKey?
        public var lease: LeasePolicy

        public init(cloudflareAPIBase: String, transport: any HTTPTransport, retry: RetryPolicy = .cloudflare,
                    rateLimiter: CloudflareRateLimiter = CloudflareRateLimiter(), smokeCheck: SmokeCheckPolicy = SmokeCheckPolicy(),
                    bundleKey: SecretKey? = nil, lease: LeasePolicy = LeasePolicy()) {
            self.lease = lease
            self.cloudflareAPIBase = cloudflareAPIBase
            self.transport = transport
            self.retry = retry
            self.rateLimiter = rateLimiter
            self.smokeCheck = smokeCheck
            self.bundleKey = bundleKey
        }
    }

    /// Secrets generated at deploy time, until the buyer takes them (memory only).
    public let secretsVault = DeploymentSecretsVault()
    private let store: any DeploymentStore
    private let publisher: any DeploymentEventPublisher
    private let clock: any PlatformClock
    private let orders: any DeploymentOrderAccess
    private let configuration: Configuration
    private let logger: Logger
    private var runs: [String: Task<Void, Never>] = [:]
    private var recovered = false
    /// Orders between the start of `start` and the launch of their run: the actor is reentrant at
    /// every `await`, so this (not `runs`) is what stops two simultaneous requests for one order.
    private var startingOrders: Set<String> = []

    public init(store: any DeploymentStore, publisher: any DeploymentEventPublisher, clock: any PlatformClock,
                orders: any DeploymentOrderAccess, configuration: Configuration, logger: Logger) {
        self.store = store
        self.publisher = publisher
        self.clock = clock
        self.orders = orders
        self.configuration = configuration
        self.logger = logger
    }

    // MARK: Requests

    /// Creates a deployment of a paid order of `buyerId` and starts it; returns at once (queued).
    public func start(_ request: DeployRequest, buyerId: String) async throws -> Deployment {
        try await ensureRecovered()
        let credentials = try Self.validated(request.cloudflare)
        let domain = try Self.normalizedDomain(request.domain)
        guard !startingOrders.contains(request.orderId) else {
            throw DeploymentError.orderBusy(orderId: request.orderId)
        }
        startingOrders.insert(request.orderId)
        defer { startingOrders.remove(request.orderId) }
        guard let order = try await orders.order(id: request.orderId, buyerId: buyerId) else {
            throw DeploymentError.notFound("order \(request.orderId)")
        }
        guard [.paid, .inReview, .released].contains(order.state) else {
            throw DeploymentError.orderNotPaid(orderId: order.id, state: order.state)
        }
        for existing in try await store.deployments(orderId: order.id) where runs[existing.deployment.id] != nil {
            throw DeploymentError.busy(deploymentId: existing.deployment.id, state: existing.deployment.state)
        }
        let package = try loadPackage(order)
        let now = clock.now()
        let id = "dep_" + DeploymentSecrets.generate().prefix(24)
        let event = DeploymentEvent(seq: 1, deploymentId: id, kind: .deployment, at: now, state: .queued,
                                    message: "Deployment of \(order.listingSlug) queued")
        let deployment = Deployment(
            id: id, orderId: order.id, listingSlug: order.listingSlug, accountId: credentials.accountId, domain: domain,
            state: .queued, steps: DeploymentStepKind.allCases.map { DeploymentStep(kind: $0) }, resources: [], url: nil,
            lastMessage: event.message, lastEventId: 1, createdAt: now, updatedAt: now, packageVersion: package.manifest.version)
        let stored = StoredDeployment(deployment: deployment, buyerId: buyerId)
        try await store.insert(stored, events: [event], lease: newLease())
        await publisher.publish(event)
        logger.info("deployment queued", metadata: ["deployment": "\(id)", "order": "\(order.id)", "account": "\(credentials.accountId)"])
        launch(stored, package: package, token: credentials.apiToken, mode: .deploy(resume: false))
        return deployment
    }

    /// Deploys the listing's current package version over the order's live deployment, as a deployment of its
    /// own (`updateOf`) that runs the same steps: it adopts what the live deployment holds (so rolling the update
    /// back never removes those), uploads the Workers that exist as new Worker versions and switches them over
    /// only once every upload succeeded, runs only the migrations `d1_migrations` lacks, adds new buckets, records
    /// and secrets, and touches no data. When a step fails, the Workers it switched serve their previous version again.
    public func update(deploymentId: String, buyerId: String, credentials: CloudflareCredentials) async throws -> Deployment {
        try await ensureRecovered()
        let (base, credentials) = try await owned(deploymentId, buyerId: buyerId, credentials: credentials)
        guard base.deployment.state == .succeeded else {
            throw DeploymentError.wrongState(deploymentId: deploymentId, state: base.deployment.state, action: "be updated (only a live deployment can)")
        }
        let orderId = base.deployment.orderId
        guard !startingOrders.contains(orderId) else { throw DeploymentError.orderBusy(orderId: orderId) }
        startingOrders.insert(orderId)
        defer { startingOrders.remove(orderId) }
        guard let order = try await orders.order(id: orderId, buyerId: buyerId) else {
            throw DeploymentError.notFound("order \(orderId)")
        }
        guard [.paid, .inReview, .released].contains(order.state) else {
            throw DeploymentError.orderNotPaid(orderId: order.id, state: order.state)
        }
        let siblings = try await store.deployments(orderId: orderId)
        for existing in siblings where runs[existing.deployment.id] != nil {
            throw DeploymentError.busy(deploymentId: existing.deployment.id, state: existing.deployment.state)
        }
        if let live = siblings.filter({ $0.deployment.state == .succeeded }).max(by: { $0.deployment.createdAt < $1.deployment.createdAt }),
           live.deployment.id != deploymentId {
            throw DeploymentError.invalidRequest(field: "deploymentId", message: "\(live.deployment.id) is the order's live deployment now; update that one")
        }
        let package = try loadPackage(order)
        let target = package.manifest.version
        if let from = base.deployment.packageVersion, let old = SemanticVersion(from), let new = SemanticVersion(target), !(old < new) {
            throw DeploymentError.invalidRequest(field: "deploymentId", message: "\(deploymentId) already runs \(from), the listing's current version; there is nothing to update")
        }
        let now = clock.now()
        let id = "dep_" + DeploymentSecrets.generate().prefix(24)
        let fromText = base.deployment.packageVersion.map { " from \($0)" } ?? ""
        let event = DeploymentEvent(seq: 1, deploymentId: id, kind: .deployment, at: now, state: .queued,
                                    message: "Update of \(order.listingSlug)\(fromText) to \(target) queued")
        // What the live deployment holds is adopted, never owned: a rollback of the update removes only what it adds.
        // A switch of Worker versions is the base's own to undo (rolling the base back), not something to adopt.
        let adopted = base.deployment.resources.filter { !$0.isWorkerVersion }.map { r in CreatedResource(kind: r.kind, id: r.id, name: r.name, created: false, step: r.step) }
        let deployment = Deployment(
            id: id, orderId: orderId, listingSlug: order.listingSlug, accountId: base.deployment.accountId, domain: base.deployment.domain,
            state: .queued, steps: DeploymentStepKind.allCases.map { DeploymentStep(kind: $0) }, resources: adopted, url: base.deployment.url,
            lastMessage: event.message, lastEventId: 1, createdAt: now, updatedAt: now, packageVersion: target, updateOf: base.deployment.id)
        let stored = StoredDeployment(deployment: deployment, buyerId: buyerId, namespace: base.namespace)
        try await store.insert(stored, events: [event], lease: newLease())
        await publisher.publish(event)
        logger.info("deployment update queued", metadata: ["deployment": "\(id)", "updates": "\(deploymentId)", "version": "\(target)"])
        launch(stored, package: package, token: credentials.apiToken, mode: .deploy(resume: false))
        return deployment
    }

    /// Resumes a failed or interrupted deployment from its first unfinished step (step 1 always
    /// runs again: the token is new).
    ///
    /// A retry may correct what the first attempt got wrong: another account id while the deployment has
    /// created nothing (a wrong id fails in step 1), and another custom domain (`""`: workers.dev) while it
    /// holds no custom domain or DNS record of its own.
    public func retry(deploymentId: String, buyerId: String, credentials: CloudflareCredentials, domain: String? = nil) async throws -> Deployment {
        try await ensureRecovered()
        let (found, credentials) = try await owned(deploymentId, buyerId: buyerId, credentials: credentials, allowOtherAccount: true)
        var stored = found
        if stored.deployment.updateOf != nil, credentials.accountId != stored.deployment.accountId || (domain.map { (try? Self.normalizedDomain($0)) != stored.deployment.domain } ?? false) {
            throw DeploymentError.invalidRequest(field: "cloudflare.accountId", message: "an update goes into the account and domain of the deployment it updates; retry it with those")
        }
        if credentials.accountId != stored.deployment.accountId {
            guard !stored.deployment.resources.contains(where: \.created) else {
                throw DeploymentError.accountMismatch(expected: stored.deployment.accountId)
            }
            stored.deployment.accountId = credentials.accountId
        }
        if let domain {
            let corrected = try Self.normalizedDomain(domain)
            if corrected != stored.deployment.domain {
                let holdsDomain = stored.deployment.resources.contains { ["worker_domain", "dns_record", "custom_hostname"].contains($0.kind) && $0.created }
                guard !holdsDomain else {
                    throw DeploymentError.invalidRequest(field: "domain", message: "this deployment already attached \(stored.deployment.domain ?? "its domain"); roll it back before deploying to another domain")
                }
                stored.deployment.domain = corrected
                // The URL came from the old domain; step 6 sets it again.
                stored.deployment.url = nil
            }
        }
        let state = stored.deployment.state
        guard state == .failed || state == .interrupted else {
            throw DeploymentError.wrongState(deploymentId: deploymentId, state: state, action: "be retried (only failed or interrupted ones can)")
        }
        guard let order = try await orders.order(id: stored.deployment.orderId, buyerId: buyerId) else {
            throw DeploymentError.notFound("order \(stored.deployment.orderId)")
        }
        guard [.paid, .inReview, .released].contains(order.state) else {
            throw DeploymentError.orderNotPaid(orderId: order.id, state: order.state)
        }
        let package = try loadPackage(order)
        // Whichever instance ran it before, this one takes it over; of two retries racing on two instances, one does.
        try await takeLease(stored)
        // The run's opening is recorded before the retry is answered: a watcher that connects as soon as it is
        // accepted must find the deployment under way, not its old failure as the last word (and end there).
        let recorder = DeploymentRecorder(stored: stored, store: store, publisher: publisher, clock: clock)
        let begun: (steps: [DeploymentStepKind], updateTo: String?)
        do {
            begun = try await Self.begin(recorder: recorder, resume: true)
        } catch {
            try? await store.releaseLease(deploymentId: deploymentId, owner: configuration.lease.owner)
            throw error
        }
        launch(stored, package: package, token: credentials.apiToken, mode: .deploy(resume: true), recorder: recorder, begun: begun)
        return await recorder.deployment
    }

    /// Removes what this deployment created, newest first; an update's switched Workers serve their previous version again.
    public func rollback(deploymentId: String, buyerId: String, credentials: CloudflareCredentials) async throws -> Deployment {
        try await ensureRecovered()
        let (stored, credentials) = try await owned(deploymentId, buyerId: buyerId, credentials: credentials)
        let state = stored.deployment.state
        guard state.isFinal else {
            throw DeploymentError.wrongState(deploymentId: deploymentId, state: state, action: "be rolled back now")
        }
        guard let order = try await orders.order(id: stored.deployment.orderId, buyerId: buyerId) else {
            throw DeploymentError.notFound("order \(stored.deployment.orderId)")
        }
        // An update's rollback serves the Worker versions from before it again: under a newer update that switched
        // them since (and was not rolled back), that would serve code older than both. The newest goes first.
        if stored.deployment.resources.contains(where: { $0.isWorkerVersion }) {
            let siblings = try await store.deployments(orderIds: [order.id])[order.id] ?? []
            if let newer = siblings.first(where: {
                $0.deployment.id != deploymentId && $0.deployment.createdAt > stored.deployment.createdAt
                    && $0.deployment.resources.contains { $0.isWorkerVersion }
            }) {
                throw DeploymentError.supersededUpdate(deploymentId: deploymentId, newer: newer.deployment.id)
            }
        }
        let package = try loadPackage(order)
        try await takeLease(stored)
        // Recorded before the rollback is answered, as a retry's opening is: a watcher resuming after the old final
        // event must find the rollback under way, not that event as the last word.
        let recorder = DeploymentRecorder(stored: stored, store: store, publisher: publisher, clock: clock)
        do {
            try await Self.beginRollback(recorder: recorder)
        } catch {
            try? await store.releaseLease(deploymentId: deploymentId, owner: configuration.lease.owner)
            throw error
        }
        launch(stored, package: package, token: credentials.apiToken, mode: .rollback, recorder: recorder, rollbackBegun: true)
        return await recorder.deployment
    }

    /// The secrets the deployment generated, handed to its buyer once and then forgotten.
    public func revealSecrets(deploymentId: String, buyerId: String) async throws -> DeploymentSecretsVault.Taken {
        let deployment = try await deployment(id: deploymentId, buyerId: buyerId)
        let taken = await secretsVault.take(deploymentId)
        // After a restart the vault is empty: secrets the deployment made are then gone, not "none".
        if taken == .none, deployment.resources.contains(where: { $0.kind == "worker_secret" && $0.created }) { return .gone }
        return taken
    }

    /// The snapshot, for the buyer only.
    public func deployment(id: String, buyerId: String) async throws -> Deployment {
        try await ensureRecovered()
        guard let stored = try await store.load(id: id), stored.buyerId == buyerId else {
            throw DeploymentError.notFound("deployment \(id)")
        }
        return stored.deployment
    }

    /// The scan at start-up, before serving requests. On a store one process uses (SQLite) every deployment under way
    /// that this orchestrator does not run was left by a previous process and is marked `interrupted` now; on a shared
    /// store only those whose lease lapsed are (the others belong to live instances).
    @discardableResult
    public func recoverInterrupted() async throws -> [String] {
        recovered = true
        return try await interruptLapsed(now: store.sharedByInstances ? Date() : .distantFuture)
    }

    /// Scans for lapsed leases every third of the lease's duration until cancelled (every instance runs this).
    public func runLeaseScans() async {
        let interval = configuration.lease.duration / 3
        while !Task.isCancelled {
            do {
                try await ensureRecovered()
                try await interruptLapsed(now: Date())
            } catch {
                if Task.isCancelled { return }
                logger.error("deployment lease scan failed", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(nanoseconds: UInt64(max(interval, 0.01) * 1e9))
        }
    }

    /// Marks `interrupted` each deployment under way whose lease lapsed before `now` and that this orchestrator does not
    /// run. The scan first takes the lapsed lease (a conditional update), so of several instances scanning at once one
    /// marks it, and gives it up once the deployment is marked.
    @discardableResult
    func interruptLapsed(now: Date) async throws -> [String] {
        let restart = !store.sharedByInstances
        var ids: [String] = []
        for candidate in try await store.deploymentsWithLapsedLeases(inStates: DeploymentState.underWay, now: now) {
            let id = candidate.deployment.id
            guard runs[id] == nil, try await store.acquireLease(deploymentId: id, newLease(), now: now) else { continue }
            do {
                // Read again under the lease: the holder may have finished just before it lapsed.
                guard let stored = try await store.load(id: id), DeploymentState.underWay.contains(stored.deployment.state) else {
                    try await store.releaseLease(deploymentId: id, owner: configuration.lease.owner)
                    continue
                }
                let cause = restart ? "Interrupted by a platform restart" : "Interrupted: the platform instance running it stopped"
                let recorder = DeploymentRecorder(stored: stored, store: store, publisher: publisher, clock: clock)
                for step in stored.deployment.steps where step.state == .running || step.state == .waiting {
                    try await recorder.stepFinished(step.kind, state: .failed, message: "\(cause); give your token again to resume")
                }
                let next = stored.deployment.state == .rollingBack
                    ? "roll back again with your Cloudflare token to finish removing what it created"
                    : "retry with your Cloudflare token to resume"
                try await recorder.setState(.interrupted, message: "\(cause); \(next)")
                try await store.releaseLease(deploymentId: id, owner: configuration.lease.owner)
                ids.append(id)
                logger.notice(restart ? "deployment interrupted by restart" : "deployment interrupted: its instance's lease lapsed",
                              metadata: ["deployment": "\(id)"])
            } catch {
                try? await store.releaseLease(deploymentId: id, owner: configuration.lease.owner)
                // The old holder wrote after all (a sequence conflict): it is alive; the next scan looks again.
                logger.warning("could not mark deployment interrupted", metadata: ["deployment": "\(id)", "error": "\(error)"])
            }
        }
        return ids
    }

    /// Recovery runs once, before the first request this orchestrator serves.
    public func ensureRecovered() async throws {
        if !recovered { try await recoverInterrupted() }
    }

    /// Waits until the deployment's current run (if any) ends.
    public func waitUntilIdle(_ deploymentId: String) async {
        await runs[deploymentId]?.value
    }

    public var runningDeploymentIds: [String] { Array(runs.keys) }

    /// Stops every run where it is, writing nothing more (as a crash would; used by tests and
    /// shutdown): leases are neither renewed nor given up, so the runs stay `running` in the store until a
    /// lease scan (here after a restart, or on another instance once they lapse) marks them interrupted.
    public func abandonRuns() async {
        let tasks = Array(runs.values)
        for task in tasks { task.cancel() }
        for task in tasks { await task.value }
        runs.removeAll()
    }

    // MARK: Runs

    enum Mode: Sendable {
        case deploy(resume: Bool)
        case rollback
    }

    private func owned(_ id: String, buyerId: String, credentials: CloudflareCredentials,
                       allowOtherAccount: Bool = false) async throws -> (StoredDeployment, CloudflareCredentials) {
        guard let stored = try await store.load(id: id), stored.buyerId == buyerId else {
            throw DeploymentError.notFound("deployment \(id)")
        }
        if runs[id] != nil { throw DeploymentError.busy(deploymentId: id, state: stored.deployment.state) }
        let credentials = try Self.validated(credentials)
        guard allowOtherAccount || credentials.accountId == stored.deployment.accountId else {
            throw DeploymentError.accountMismatch(expected: stored.deployment.accountId)
        }
        return (stored, credentials)
    }

    private func loadPackage(_ order: DeployableOrder) throws -> DeploymentPackage {
        do {
            return try DeploymentPackage.load(from: order.bundleDirectory, key: configuration.bundleKey)
        } catch {
            throw DeploymentError.packageUnavailable(String(describing: error))
        }
    }

    private func newLease() -> DeploymentLease {
        DeploymentLease(owner: configuration.lease.owner, expiresAt: Date().addingTimeInterval(configuration.lease.duration))
    }

    /// Takes the deployment's lease for this orchestrator, or `busy` when another instance holds it (and runs it).
    /// A run or a lease scan that has just recorded a final state gives its lease up a moment after announcing it: a
    /// retry that quick waits for that (up to ten seconds, or the lease's length if shorter) rather than being refused.
    /// (Two seconds were not always enough on a loaded machine: a retry right after a failure was refused.)
    private func takeLease(_ stored: StoredDeployment) async throws {
        let id = stored.deployment.id
        let deadline = Date().addingTimeInterval(min(10, configuration.lease.duration))
        while true {
            if try await store.acquireLease(deploymentId: id, newLease(), now: Date()) { return }
            let current = try await store.load(id: id)
            guard let current, !DeploymentState.underWay.contains(current.deployment.state), Date() < deadline else {
                throw DeploymentError.busy(deploymentId: id, state: current?.deployment.state ?? stored.deployment.state)
            }
            try await Task.sleep(nanoseconds: 20_000_000)
        }
    }

    /// Renews the run's lease every third of its duration until cancelled; when another instance has taken it (this one
    /// stalled past its lapse and the deployment was interrupted), the run stops where it is.
    private static func renewLease(_ id: String, store: any DeploymentStore, policy: LeasePolicy, logger: Logger,
                                   lost: @escaping @Sendable () async -> Void) async {
        while !Task.isCancelled {
            try? await Task.sleep(nanoseconds: UInt64(policy.duration / 3 * 1e9))
            if Task.isCancelled { return }
            do {
                if try await !store.renewLease(deploymentId: id, owner: policy.owner, until: Date().addingTimeInterval(policy.duration)) {
                    logger.warning("deployment lease lost to another instance; stopping this run", metadata: ["deployment": "\(id)"])
                    await lost()
                    return
                }
            } catch {
                // The store did not answer: try again at the next renewal, while the lease still runs.
                logger.error("could not renew deployment lease", metadata: ["deployment": "\(id)", "error": "\(error)"])
            }
        }
    }

    private func cancelRun(_ id: String) { runs[id]?.cancel() }

    private func launch(_ stored: StoredDeployment, package: DeploymentPackage, token: CloudflareAPIToken, mode: Mode,
                        recorder given: DeploymentRecorder? = nil, begun: (steps: [DeploymentStepKind], updateTo: String?)? = nil,
                        rollbackBegun: Bool = false) {
        let id = stored.deployment.id
        let recorder = given ?? DeploymentRecorder(stored: stored, store: store, publisher: publisher, clock: clock)
        let client = CloudflareClient(baseURL: configuration.cloudflareAPIBase, accountId: stored.deployment.accountId, token: token,
                                      transport: configuration.transport, limiter: configuration.rateLimiter, retry: configuration.retry)
        let runner = DeploymentStepRunner(client: client, package: package, recorder: recorder, orderId: stored.deployment.orderId,
                                          domain: stored.deployment.domain, transport: configuration.transport,
                                          smokeCheck: configuration.smokeCheck, secrets: secretsVault)
        let orders = self.orders
        let logger = self.logger
        let store = self.store, policy = configuration.lease
        runs[id] = Task {
            let renewal = Task { await Self.renewLease(id, store: store, policy: policy, logger: logger) { await self.cancelRun(id) } }
            switch mode {
            case let .deploy(resume): await Self.deploy(runner: runner, recorder: recorder, orders: orders, logger: logger, resume: resume, begun: begun)
            case .rollback:
                await secretsVault.discard(id)
                await Self.rollback(client: client, recorder: recorder, logger: logger, begun: rollbackBegun)
            }
            renewal.cancel()
            // A run cancelled (the process stopping, or the lease lost) keeps its lease: it lapses, and a scan takes it.
            if !Task.isCancelled {
                do { try await store.releaseLease(deploymentId: id, owner: policy.owner) } catch {
                    logger.error("could not give up deployment lease", metadata: ["deployment": "\(id)", "error": "\(error)"])
                }
            }
            self.finished(id)
        }
    }

    private func finished(_ id: String) { runs[id] = nil }

    /// The opening of a deploy run: the steps it runs reset, and `running` recorded and announced.
    private static func begin(recorder: DeploymentRecorder, resume: Bool) async throws -> (steps: [DeploymentStepKind], updateTo: String?) {
        let before = await recorder.deployment
        // After a rollback emptied the deployment (a refused permission), a retry starts over.
        let startOver = !resume || before.resources.isEmpty
        let steps: [DeploymentStepKind] = DeploymentStepKind.allCases.filter { kind in
            guard !startOver else { return true }
            if kind == .verifyCredentials { return true }
            let state = before.step(kind)?.state ?? .pending
            return state != .succeeded && state != .skipped
        }
        await recorder.resetSteps(steps)
        let updateTo = before.updateOf != nil ? before.packageVersion : nil
        let starting = updateTo.map { "Updating to \($0)" } ?? "Deploying"
        try await recorder.setState(.running, message: resume ? "Resuming from step \(steps.dropFirst().first?.number ?? 1)" : starting)
        return (steps, updateTo)
    }

    private static func deploy(runner: DeploymentStepRunner, recorder: DeploymentRecorder, orders: any DeploymentOrderAccess,
                               logger: Logger, resume: Bool, begun: (steps: [DeploymentStepKind], updateTo: String?)? = nil) async {
        let id = await recorder.id
        do {
            let opened: (steps: [DeploymentStepKind], updateTo: String?)
            if let begun { opened = begun } else { opened = try await begin(recorder: recorder, resume: resume) }
            let (steps, updateTo) = opened
            for kind in steps {
                try await recorder.stepStarted(kind)
                do {
                    switch try await runner.run(kind) {
                    case let .succeeded(message): try await recorder.stepFinished(kind, state: .succeeded, message: message)
                    case let .skipped(message): try await recorder.stepFinished(kind, state: .skipped, message: message)
                    }
                } catch {
                    if Task.isCancelled || error is CancellationError { return }
                    let (message, code) = Self.explain(error)
                    try await recorder.stepFinished(kind, state: .failed, message: message, errorCode: code)
                    // A failed update leaves the business on the Workers it ran before.
                    let (restored, restoreFailures) = await runner.restoreSwitchedWorkers(logTo: kind)
                    var restoreNote = restored == 0 ? "" : " The Workers serve their previous version again."
                    // Step 5 switched them and they are switched back: a retry runs it again rather than skip it.
                    if restored > 0, kind != .uploadWorkers, await recorder.deployment.step(.uploadWorkers)?.state == .succeeded {
                        try await recorder.stepFinished(.uploadWorkers, state: .pending, message: "Switched back to the previous versions; a retry switches again")
                    }
                    if !restoreFailures.isEmpty {
                        restoreNote += " Restoring the previous Worker version failed (\(restoreFailures.joined(separator: "; "))); retry the update or roll back."
                    } else if updateTo != nil && restored == 0 && kind.number <= DeploymentStepKind.uploadWorkers.number {
                        restoreNote = " The Workers still serve the previous version."
                    }
                    // A permission Cloudflare could not be asked about up front was refused: remove what this
                    // run made, so the buyer's account is as it was while they fix the token.
                    if let refusal = error as? CloudflareError, refusal.isPermissionRefusal, kind != .verifyCredentials,
                       await recorder.deployment.resources.contains(where: \.created) {
                        let failures = try await removeCreated(client: runner.client, recorder: recorder).failures
                        let undone = failures.isEmpty
                            ? "What it had created was removed; fix the token and retry."
                            : "Removing what it had created failed too (\(failures.joined(separator: "; "))); roll back after fixing the token."
                        try await recorder.setState(.failed, message: "Step \(kind.number) (\(kind.title)) failed: \(message) \(undone)")
                        logger.warning("deployment refused a permission; rolled back", metadata: ["deployment": "\(id)", "step": "\(kind.rawValue)"])
                        return
                    }
                    // The hold is frozen before the failure is announced: whoever sees "failed" sees the payout waiting.
                    if kind.isPackageStep {
                        let orderId = await recorder.deployment.orderId
                        do {
                            try await orders.freezePayoutHold(orderId: orderId, reason: "Deployment \(id) failed at step \(kind.number): \(kind.title)")
                        } catch {
                            logger.error("could not freeze payout hold", metadata: ["order": "\(orderId)", "error": "\(error)"])
                        }
                    }
                    try await recorder.setState(.failed, message: "Step \(kind.number) (\(kind.title)) failed: \(message)\(restoreNote)")
                    logger.warning("deployment step failed", metadata: ["deployment": "\(id)", "step": "\(kind.rawValue)", "code": "\(code.map(String.init) ?? "-")"])
                    return
                }
            }
            // Likewise the freeze is lifted before success is announced.
            let orderId = await recorder.deployment.orderId
            do { try await orders.unfreezePayoutHold(orderId: orderId) } catch {
                logger.error("could not lift payout freeze", metadata: ["order": "\(orderId)", "error": "\(error)"])
            }
            let url = await recorder.deployment.url
            let waiting = await runner.secrets.waiting(id)
            let secretsNote = waiting == 0 ? "" : "; \(waiting) generated secret\(waiting == 1 ? " is" : "s are") ready to be shown once"
            let done = updateTo.map { "Updated to \($0); " } ?? ""
            try await recorder.setState(.succeeded, message: done + (url.map { "Live at \($0)" } ?? "Deployed") + secretsNote)
            logger.info("deployment succeeded", metadata: ["deployment": "\(id)"])
        } catch {
            // The store refused a write (or the run was cancelled): nothing more can be recorded.
            if !(Task.isCancelled || error is CancellationError) {
                logger.error("deployment run stopped: could not record its state", metadata: ["deployment": "\(id)", "error": "\(error)"])
            }
        }
    }

    /// The opening of a rollback: `rollingBack` recorded and announced.
    private static func beginRollback(recorder: DeploymentRecorder) async throws {
        let switched = await recorder.deployment.resources.contains { $0.isWorkerVersion && $0.created }
        try await recorder.setState(.rollingBack, message: "Removing what this deployment created"
                                        + (switched ? " and serving the Workers' previous versions again" : ""))
    }

    private static func rollback(client: CloudflareClient, recorder: DeploymentRecorder, logger: Logger, begun: Bool = false) async {
        let id = await recorder.id
        do {
            if !begun { try await beginRollback(recorder: recorder) }
            let created = await recorder.deployment.resources.filter { $0.created && !$0.isWorkerVersion }
            let outcome = try await removeCreated(client: client, recorder: recorder)
            if Task.isCancelled { return }
            var parts: [String] = []
            // An update that added nothing but switched Workers says only that they are switched back.
            if !created.isEmpty || outcome.restored == 0 { parts.append("\(created.count) resource\(created.count == 1 ? "" : "s") removed") }
            if outcome.restored > 0 {
                parts.append("\(outcome.restored) Worker\(outcome.restored == 1 ? " serves its" : "s serve their") previous version again")
            }
            let message = (parts + outcome.notes).joined(separator: "; ")
            if outcome.failures.isEmpty {
                try await recorder.setState(.rolledBack, message: "Rolled back: \(message)")
            } else {
                try await recorder.setState(.failed, message: "Rollback incomplete: \(outcome.failures.joined(separator: "; "))")
            }
            let failures = outcome.failures
            logger.info("deployment rolled back", metadata: ["deployment": "\(id)", "failures": "\(failures.count)"])
        } catch {
            if !(Task.isCancelled || error is CancellationError) {
                logger.error("rollback stopped: could not record its state", metadata: ["deployment": "\(id)", "error": "\(error)"])
            }
        }
    }

    /// Removes what the deployment created, newest first (an update's switched Workers are deployed at their previous
    /// version again), and forgets what it adopted (that stays in the account). Answers the failures, one line each,
    /// how many Workers serve their previous version again, and what could not be restored and was let go.
    private static func removeCreated(client: CloudflareClient, recorder: DeploymentRecorder) async throws
        -> (failures: [String], restored: Int, notes: [String])
    {
        var failures: [String] = []
        var notes: [String] = []
        var restored = 0
        for resource in await recorder.deployment.resources.filter(\.created).reversed() {
            do {
                if resource.isWorkerVersion {
                    let (script, previous) = resource.switchedWorker
                    // A version Cloudflare no longer has (or a Worker gone) cannot serve again: said, not fatal.
                    guard try await client.workerVersionExists(script: script, versionId: previous) else {
                        let note = "\(script): its previous version \(previous) no longer exists on Cloudflare, so it keeps serving the updated version"
                        notes.append(note)
                        try await recorder.log(resource.step, note)
                        try await recorder.removeResource(resource)
                        continue
                    }
                    try await client.deployWorkerVersion(script: script, versionId: previous, message: "Restored by a rollback")
                    try await recorder.log(resource.step, "\(script): serving the previous version \(previous) again")
                    restored += 1
                } else {
                    try await remove(resource, client: client)
                }
                try await recorder.removeResource(resource)
            } catch let error as CloudflareError where error.isNotFound {
                if resource.isWorkerVersion {
                    let (script, previous) = resource.switchedWorker
                    let note = "\(script): could not serve its previous version \(previous) again (\(error.message))"
                    notes.append(note)
                    try await recorder.log(resource.step, note)
                }
                try await recorder.removeResource(resource)
            } catch {
                if Task.isCancelled || error is CancellationError { return (failures, restored, notes) }
                failures.append(Self.explain(error).0)
            }
        }
        for resource in await recorder.deployment.resources where !resource.created {
            try await recorder.removeResource(resource)
        }
        return (failures, restored, notes)
    }

    private static func remove(_ resource: CreatedResource, client: CloudflareClient) async throws {
        func split(_ id: String) -> (String, String) {
            let parts = id.split(separator: "/", maxSplits: 1).map(String.init)
            return (parts.first ?? "", parts.count > 1 ? parts[1] : "")
        }
        switch resource.kind {
        case "d1_database": try await client.deleteD1Database(id: resource.id)
        case "r2_bucket": try await client.deleteR2Bucket(name: resource.id)
        case "worker_script": try await client.deleteWorker(name: resource.id)
        case "workers_subdomain": try await client.setWorkerSubdomainEnabled(script: resource.id, enabled: false)
        case "worker_secret":
            let (script, name) = split(resource.id)
            try await client.deleteWorkerSecret(script: script, name: name)
        case "worker_domain": try await client.detachWorkerDomain(id: resource.id)
        case "custom_hostname":
            let (zone, id) = split(resource.id)
            try await client.deleteCustomHostname(zoneId: zone, id: id)
        case "dns_record":
            let (zone, id) = split(resource.id)
            try await client.deleteDNSRecord(zoneId: zone, recordId: id)
        default: break
        }
    }

    /// A message for the step and the Cloudflare code, if any. Never contains the token: neither
    /// error type is built from it.
    static func explain(_ error: Error) -> (String, Int?) {
        switch error {
        case let e as CloudflareError: (e.message, e.code)
        case let e as DeploymentStepFailure: (e.message, e.code)
        case let e as DeploymentPackage.LoadError: ("The package is broken: \(e.description)", nil)
        default: ("Unexpected error: \(String(describing: error))", nil)
        }
    }

    // MARK: Validation

    /// The credentials normalised by Core's `DeployRequestValidator` (the form and the CLI check the same), or
    /// `invalidRequest` naming the field.
    static func validated(_ credentials: CloudflareCredentials) throws -> CloudflareCredentials {
        try DeployRequestValidator.credentials(credentials).mapError(Self.refusal).get()
    }

    static func normalizedDomain(_ domain: String?) throws -> String? {
        try DeployRequestValidator.domain(domain).mapError(Self.refusal).get()
    }

    private static func refusal(_ problem: DeployRequestValidator.Problem) -> DeploymentError {
        .invalidRequest(field: problem.field.requestPath, message: problem.message)
    }
}
