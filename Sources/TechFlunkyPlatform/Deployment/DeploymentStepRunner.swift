import Foundation
import TechFlunkyCore
import TechFlunkyHTTP

/// The nine steps against one buyer account. Each step looks before it creates, records what it
/// created or adopted on the recorder, and so is safe to run again after a failure or a restart.
struct DeploymentStepRunner: Sendable {
    enum Outcome: Sendable {
        case succeeded(String)
        case skipped(String)
    }

    let client: CloudflareClient
    let package: DeploymentPackage
    let recorder: DeploymentRecorder
    let orderId: String
    let domain: String?
    /// For smoke checks (plain GETs to the deployed business).
    let transport: any HTTPTransport
    let smokeCheck: DeploymentOrchestrator.SmokeCheckPolicy
    /// Where generated secret values wait, in memory, to be shown to the buyer once.
    let secrets: DeploymentSecretsVault

    private var manifest: PackageManifest { package.manifest }

    func run(_ step: DeploymentStepKind) async throws -> Outcome {
        switch step {
        case .verifyCredentials: try await verifyCredentials()
        case .createNamespace: try await createNamespace()
        case .createDatabases: try await createDatabases()
        case .createBuckets: try await createBuckets()
        case .uploadWorkers: try await uploadWorkers()
        case .configureDomain: try await configureDomain()
        case .configureDNS: try await configureDNS()
        case .configureEnvironment: try await configureEnvironment()
        case .postDeploy: try await postDeploy()
        }
    }

    // MARK: 1. Credentials

    private func verifyCredentials() async throws -> Outcome {
        let step = DeploymentStepKind.verifyCredentials
        let status = try await client.verifyToken()
        guard status.status == "active" else {
            throw DeploymentStepFailure("The API token is \(status.status); create an active token and retry.", code: CloudflareErrorCode.invalidToken)
        }
        try await recorder.log(step, "API token is active")
        // A wrong account id and a missing permission both answer 403 on the account itself: the list of
        // accounts the token reaches tells them apart.
        if let accounts = try? await client.listAccounts(), !accounts.isEmpty, !accounts.contains(where: { $0.id == client.accountId }) {
            let reached = accounts.prefix(5).map { "\($0.name ?? "unnamed") (\($0.id))" }.joined(separator: ", ")
            throw DeploymentStepFailure(
                "The account id \(client.accountId) is not an account this token can reach; it reaches \(reached). Check the account id (Cloudflare dashboard: Account home → ⋯ → Copy account ID) and retry.",
                code: CloudflareErrorCode.unauthorized)
        }
        let account = try await client.getAccount()
        try await recorder.log(step, "Account \(account.name ?? account.id) is reachable")
        // Write access to every service later steps write to, proved without creating anything: a write to
        // a resource that cannot exist answers "not found" to a token that may write, 403 to one that may not.
        if !manifest.cloudflare.d1Databases.isEmpty {
            try await client.probeD1Write()
            try await recorder.log(step, "\(CloudflareTokenPermission.d1Edit.rawValue) ✓")
        }
        if !manifest.cloudflare.r2Buckets.isEmpty {
            try await client.probeR2Write()
            try await recorder.log(step, "\(CloudflareTokenPermission.r2Edit.rawValue) ✓")
        }
        if !manifest.cloudflare.workers.isEmpty {
            try await client.probeWorkersWrite()
            let sub = try await client.workersSubdomain()
            if domain == nil && sub == nil {
                throw DeploymentStepFailure(
                    "The account has no workers.dev subdomain; open Workers & Pages in the Cloudflare dashboard once to create it, or give a custom domain, then retry.")
            }
            try await recorder.log(step, "\(CloudflareTokenPermission.workersEdit.rawValue) ✓")
        }
        if let domain {
            let zone = try await zone(for: domain)
            try await recorder.log(step, "Zone \(zone.name) holds \(domain)")
            if !packageRecords.isEmpty {
                try await client.probeDNSWrite(zoneId: zone.id)
                try await recorder.log(step, "\(CloudflareTokenPermission.dnsEdit.rawValue) on \(zone.name) ✓")
            }
        }
        return .succeeded("Credentials verified")
    }

    // MARK: 2. Namespace

    private func createNamespace() async throws -> Outcome {
        let ns = DeploymentNaming.namespace(orderId: orderId)
        try await recorder.setNamespace(ns)
        try await recorder.log(.createNamespace, "Namespace \(ns): every resource is named \(ns)-…")
        return .succeeded("Namespace \(ns)")
    }

    private func namespace() async -> String {
        await recorder.stored.namespace ?? DeploymentNaming.namespace(orderId: orderId)
    }

    private func name(_ base: String) async -> String {
        DeploymentNaming.resourceName(namespace: await namespace(), name: base)
    }

    private func recorded(_ kind: String, name: String) async -> CreatedResource? {
        await recorder.deployment.resources.first { $0.kind == kind && $0.name == name }
    }

    // MARK: 3. D1 and migrations

    private func createDatabases() async throws -> Outcome {
        let step = DeploymentStepKind.createDatabases
        let specs = manifest.cloudflare.d1Databases
        if specs.isEmpty { return .skipped("The package has no D1 databases") }
        var applied = 0
        for spec in specs {
            let dbName = await name(spec.name)
            let database = try await ensureDatabase(dbName)
            applied += try await migrate(database: database, spec: spec, step: step)
        }
        return .succeeded("\(specs.count) database\(specs.count == 1 ? "" : "s") ready, \(applied) migration\(applied == 1 ? "" : "s") applied")
    }

    private func ensureDatabase(_ dbName: String) async throws -> CloudflareD1Database {
        let step = DeploymentStepKind.createDatabases
        if let found = try await client.findD1Database(name: dbName) {
            if await recorded("d1_database", name: dbName) == nil {
                try await recorder.addResource(CreatedResource(kind: "d1_database", id: found.uuid, name: dbName, created: false, step: step))
            } else {
                try await recorder.log(step, "D1 database \(dbName) already created")
            }
            return found
        }
        do {
            let db = try await client.createD1Database(name: dbName)
            try await recorder.addResource(CreatedResource(kind: "d1_database", id: db.uuid, name: dbName, created: true, step: step))
            return db
        } catch let error as CloudflareError where error.has(code: CloudflareErrorCode.d1DatabaseExists) {
            // Created between our look-up and our create (or by an unanswered earlier POST): adopt it.
            guard let found = try await client.findD1Database(name: dbName) else { throw error }
            try await recorder.addResource(CreatedResource(kind: "d1_database", id: found.uuid, name: dbName, created: false, step: step))
            return found
        }
    }

    /// Applies the spec's migrations in order, recording each in `d1_migrations` as wrangler does.
    private func migrate(database: CloudflareD1Database, spec: D1DatabaseSpec, step: DeploymentStepKind) async throws -> Int {
        _ = try await client.queryD1(databaseId: database.uuid, sql: DeploymentMigrations.createTableSQL)
        let rows = try await client.queryD1(databaseId: database.uuid, sql: "SELECT name FROM d1_migrations ORDER BY id")
        let done = Set(rows.flatMap(\.results).compactMap { $0["name"]?.stringValue })
        var applied = 0
        for path in spec.migrations {
            let migrationName = DeploymentMigrations.name(of: path)
            if done.contains(migrationName) {
                try await recorder.log(step, "\(database.name): \(migrationName) already applied")
                continue
            }
            let data = try package.file(path)
            guard let sql = String(data: data, encoding: .utf8) else {
                throw DeploymentStepFailure("Migration \(path) is not UTF-8 text; the seller must fix the package.")
            }
            _ = try await client.queryD1(databaseId: database.uuid, sql: DeploymentMigrations.batch(sql: sql, name: migrationName))
            applied += 1
            try await recorder.log(step, "\(database.name): applied \(migrationName)")
        }
        return applied
    }

    // MARK: 4. R2

    private func createBuckets() async throws -> Outcome {
        let step = DeploymentStepKind.createBuckets
        let specs = manifest.cloudflare.r2Buckets
        if specs.isEmpty { return .skipped("The package has no R2 buckets") }
        for spec in specs {
            let bucketName = await name(spec.name)
            if try await client.getR2Bucket(name: bucketName) != nil {
                if await recorded("r2_bucket", name: bucketName) == nil {
                    try await recorder.addResource(CreatedResource(kind: "r2_bucket", id: bucketName, name: bucketName, created: false, step: step))
                }
            } else {
                do {
                    _ = try await client.createR2Bucket(name: bucketName)
                    try await recorder.addResource(CreatedResource(kind: "r2_bucket", id: bucketName, name: bucketName, created: true, step: step))
                } catch let error as CloudflareError where error.has(anyOf: CloudflareErrorCode.r2BucketExistsCodes) {
                    try await recorder.addResource(CreatedResource(kind: "r2_bucket", id: bucketName, name: bucketName, created: false, step: step))
                }
            }
            if let cors = spec.cors, !cors.isEmpty {
                try await client.putR2BucketCORS(name: bucketName, rules: cors)
                try await recorder.log(step, "\(bucketName): CORS set (\(cors.count) rule\(cors.count == 1 ? "" : "s"))")
            }
        }
        return .succeeded("\(specs.count) bucket\(specs.count == 1 ? "" : "s") ready")
    }

    // MARK: 5. Workers

    private func uploadWorkers() async throws -> Outcome {
        let step = DeploymentStepKind.uploadWorkers
        let workers = manifest.cloudflare.workers
        if workers.isEmpty { return .skipped("The package has no Workers") }
        let resources = await recorder.deployment.resources
        let updating = await recorder.deployment.updateOf != nil
        var staged: [(script: String, previous: String?, version: String)] = []
        for worker in workers {
            let scriptName = await name(worker.name)
            var bindings: [CloudflareWorkerUpload.Binding] = []
            for b in worker.bindings {
                switch b.type {
                case .d1:
                    let dbName = await name(b.database ?? "")
                    guard let db = resources.first(where: { $0.kind == "d1_database" && $0.name == dbName }) else {
                        throw DeploymentStepFailure("Worker \(worker.name) binds database \(b.database ?? "?") which the package does not declare.")
                    }
                    bindings.append(.d1(name: b.name, databaseId: db.id))
                case .r2Bucket:
                    let bucket = await name(b.bucket ?? "")
                    guard resources.contains(where: { $0.kind == "r2_bucket" && $0.name == bucket }) else {
                        throw DeploymentStepFailure("Worker \(worker.name) binds bucket \(b.bucket ?? "?") which the package does not declare.")
                    }
                    bindings.append(.r2Bucket(name: b.name, bucketName: bucket))
                case .plainText:
                    bindings.append(.plainText(name: b.name, text: b.text ?? ""))
                case .secretText:
                    // Secret values are generated in step 8 and set through the secrets API.
                    continue
                }
            }
            for (key, value) in (worker.vars ?? [:]).sorted(by: { $0.key < $1.key }) where !bindings.contains(where: { $0.name == key }) {
                bindings.append(.plainText(name: key, text: value))
            }
            let upload = CloudflareWorkerUpload(
                scriptName: scriptName, mainModule: DeploymentModules.moduleName(worker.main, main: worker.main),
                modules: try ([worker.main] + (worker.modules ?? [])).map {
                    CloudflareWorkerUpload.Module(name: DeploymentModules.moduleName($0, main: worker.main), source: try package.file($0))
                },
                compatibilityDate: worker.compatibilityDate, bindings: bindings)
            let known = await recorded("worker_script", name: scriptName)
            let existed = known == nil ? try await client.workerExists(name: scriptName) : true
            if updating && existed {
                // An update uploads a new version beside the one serving; none serves until every Worker's is uploaded.
                let previous = try await client.activeWorkerVersion(script: scriptName)
                let version = try await client.uploadWorkerVersion(upload, message: "\(manifest.name) \(manifest.version)", tag: "v\(manifest.version)")
                staged.append((scriptName, previous, version.id))
                try await recorder.log(step, "\(scriptName): version \(version.number.map { String(Int($0)) } ?? version.id) uploaded with \(bindings.count) binding\(bindings.count == 1 ? "" : "s") (not serving yet)")
            } else {
                _ = try await client.uploadWorker(upload)
                try await recorder.log(step, "\(scriptName): uploaded with \(bindings.count) binding\(bindings.count == 1 ? "" : "s")")
            }
            if known == nil {
                try await recorder.addResource(CreatedResource(kind: "worker_script", id: scriptName, name: scriptName, created: !existed, step: step))
            }
        }
        for (scriptName, previous, versionId) in staged {
            // Recorded before the call (a deployment Cloudflare made but did not answer is restored too), as a resource
            // of the update: a failed run, or a rollback later (after a restart, on another instance), deploys it again.
            // A Worker switched by an earlier attempt of this update keeps the version it served before that attempt, and
            // one this update created (an earlier attempt uploaded it) needs none: a rollback removes it.
            let resources = await recorder.deployment.resources
            let ownedOrKnown = resources.contains { ($0.isWorkerVersion || ($0.kind == "worker_script" && $0.created)) && $0.name == scriptName }
            if let previous, !ownedOrKnown {
                try await recorder.addResource(CreatedResource.workerVersion(script: scriptName, previousVersion: previous))
            }
            try await client.deployWorkerVersion(script: scriptName, versionId: versionId, message: "TechFlunky update to \(manifest.version)")
            try await recorder.log(step, "\(scriptName): now serving version \(versionId)\(previous.map { " (was \($0))" } ?? "")")
        }
        if updating { return .succeeded("\(workers.count) Worker\(workers.count == 1 ? "" : "s") at \(manifest.version) (\(staged.count) as new versions)") }
        return .succeeded("\(workers.count) Worker\(workers.count == 1 ? "" : "s") uploaded")
    }

    /// After a failed update: every Worker the update switched (its `worker_version` resources) serves the version
    /// it served before again, and the resource is removed. Answers how many were restored and the failures, one
    /// line each (those stay recorded, for a retry or a rollback).
    func restoreSwitchedWorkers(logTo step: DeploymentStepKind) async -> (restored: Int, failures: [String]) {
        var restored = 0
        var failures: [String] = []
        for resource in await recorder.deployment.resources.filter({ $0.isWorkerVersion && $0.created }).reversed() {
            let (script, previous) = resource.switchedWorker
            do {
                try await client.deployWorkerVersion(script: script, versionId: previous, message: "Restored after a failed update")
                restored += 1
                try? await recorder.log(step, "\(script): serving the previous version \(previous) again")
                try? await recorder.removeResource(resource)
            } catch {
                failures.append("\(script): \(DeploymentOrchestrator.explain(error).0)")
            }
        }
        return (restored, failures)
    }

    /// The Worker that answers on the business's URL: the one with routes, else the first.
    private var routedWorker: WorkerSpec? {
        manifest.cloudflare.workers.first { !($0.routes ?? []).isEmpty } ?? manifest.cloudflare.workers.first
    }

    // MARK: 6. Domain

    /// The package's CNAMEs to `{{workers_dev}}`: hostnames meant to reach the main Worker. A CNAME to
    /// workers.dev does not route to a Worker on Cloudflare, so each becomes a Workers Custom Domain.
    private var workerHostnameRecords: [DNSRecordSpec] {
        manifest.cloudflare.dnsRecords.filter { $0.type.uppercased() == "CNAME" && $0.content.trimmingCharacters(in: .whitespaces) == "{{workers_dev}}" }
    }

    /// The records step 7 creates: the package's records but those that became custom domains.
    private var packageRecords: [DNSRecordSpec] {
        manifest.cloudflare.dnsRecords.filter { r in !workerHostnameRecords.contains(r) }
    }

    private func fqdn(_ name: String, in domain: String) -> String {
        name == "@" || name.isEmpty ? domain : "\(name).\(domain)"
    }

    private func configureDomain() async throws -> Outcome {
        let step = DeploymentStepKind.configureDomain
        guard let worker = routedWorker else { return .skipped("No Worker to expose") }
        let scriptName = await name(worker.name)
        // workers.dev is turned on whenever the account has a subdomain: it is the URL that works at once
        // (a custom domain waits for its certificate) and where step 9 first checks the Worker.
        // Workers that smoke checks call get it too, so step 9 can reach them.
        let sub = try await client.workersSubdomain()
        if sub != nil {
            let checked = (manifest.cloudflare.smokeChecks ?? []).map(\.worker)
            let exposed = manifest.cloudflare.workers.filter { $0.name == worker.name || checked.contains($0.name) }
            for spec in exposed {
                let script = await name(spec.name)
                if await recorded("workers_subdomain", name: script) == nil {
                    let wasOn = try await client.workerSubdomainEnabled(script: script)
                    if !wasOn { try await client.setWorkerSubdomainEnabled(script: script, enabled: true) }
                    try await recorder.addResource(CreatedResource(kind: "workers_subdomain", id: script, name: script, created: !wasOn, step: step))
                } else {
                    try await client.setWorkerSubdomainEnabled(script: script, enabled: true)
                }
            }
        }
        if let domain {
            let zone = try await zone(for: domain)
            let hostnames = [domain] + workerHostnameRecords.map { fqdn($0.name, in: domain) }.filter { $0 != domain }
            for hostname in hostnames {
                try await attach(hostname, to: scriptName, zone: zone, step: step)
            }
            try await recorder.setURL("https://\(domain)")
            let also = hostnames.count > 1 ? " (and \(hostnames.dropFirst().joined(separator: ", ")))" : ""
            return .succeeded("\(domain)\(also) attached to \(scriptName) as a custom domain; Cloudflare is issuing the certificate")
        }
        guard let sub else {
            throw DeploymentStepFailure("The account has no workers.dev subdomain; create it in the Cloudflare dashboard (Workers & Pages) or give a custom domain, then retry.")
        }
        let url = "https://\(scriptName).\(sub.subdomain).workers.dev"
        try await recorder.setURL(url)
        return .succeeded("\(scriptName) answers on workers.dev")
    }

    /// Makes `hostname` a Workers Custom Domain of `script`, adopting one that already routes there.
    private func attach(_ hostname: String, to script: String, zone: CloudflareZone, step: DeploymentStepKind) async throws {
        if let existing = try await client.findWorkerDomain(hostname: hostname) {
            guard existing.service == nil || existing.service == script else {
                throw DeploymentStepFailure(
                    "\(hostname) is already a custom domain of the Worker \(existing.service ?? "?"); detach it in the dashboard (Workers & Pages → that Worker → Settings → Domains & Routes) or choose another hostname, then retry.",
                    code: CloudflareErrorCode.workerDomainHostnameTaken)
            }
            if await recorded("worker_domain", name: hostname) == nil {
                try await recorder.addResource(CreatedResource(kind: "worker_domain", id: existing.id, name: hostname, created: false, step: step))
            }
            return
        }
        let made = try await client.attachWorkerDomain(hostname: hostname, service: script, zoneId: zone.id)
        try await recorder.addResource(CreatedResource(kind: "worker_domain", id: made.id, name: hostname, created: true, step: step))
    }

    /// The zone the domain lives in: the domain itself or its nearest parent in the account.
    private func zone(for domain: String) async throws -> CloudflareZone {
        var labels = domain.lowercased().split(separator: ".").map(String.init)
        while labels.count >= 2 {
            if let zone = try await client.findZone(name: labels.joined(separator: ".")) { return zone }
            labels.removeFirst()
        }
        let zones = ((try? await client.listZones()) ?? []).map(\.name).sorted()
        let known = zones.isEmpty
            ? "the token sees no zone in this account (add the domain to the account, or give the token Zone › Zone: Read on it)"
            : "its zones are \(zones.prefix(10).joined(separator: ", "))\(zones.count > 10 ? ", …" : "")"
        throw DeploymentStepFailure("No zone for \(domain) in this Cloudflare account: \(known). Use a hostname in one of them, or add the domain to the account, and retry.")
    }

    // MARK: 7. DNS

    private func configureDNS() async throws -> Outcome {
        let step = DeploymentStepKind.configureDNS
        let specs = packageRecords
        if manifest.cloudflare.dnsRecords.isEmpty { return .skipped("The package has no DNS records") }
        guard let domain else { return .skipped("No custom domain given, so no DNS records to create") }
        for spec in workerHostnameRecords {
            try await recorder.log(step, "\(fqdn(spec.name, in: domain)) is a custom domain of the Worker (step 6), not a CNAME")
        }
        if specs.isEmpty { return .succeeded("No DNS records beyond the custom domains") }
        let zone = try await zone(for: domain)
        let workersDev = await workersDevHost()
        for spec in specs {
            let fqdn = fqdn(spec.name, in: domain)
            let content = spec.content
                .replacingOccurrences(of: "{{workers_dev}}", with: workersDev ?? domain)
                .replacingOccurrences(of: "{{domain}}", with: domain)
            guard let input = CloudflareDNSRecordInput.fromPackage(type: spec.type, name: fqdn, content: content, ttl: spec.ttl,
                                                                   proxied: spec.proxied, priority: spec.priority) else {
                throw DeploymentStepFailure("The package's \(spec.type) record \(spec.name) has content that does not parse (\(content)); the seller must fix the package.")
            }
            // Several records may share a type and name (two MX): a record is known by its value too.
            let sameName = specs.filter { $0.type.uppercased() == input.type && $0.name == spec.name }.count > 1
            let label = sameName ? "\(input.type) \(fqdn) \(input.display)" : "\(input.type) \(fqdn)"
            let existing = try await client.findDNSRecords(zoneId: zone.id, type: input.type, name: fqdn)
            let ours = await recorder.deployment.resources.first { $0.kind == "dns_record" && $0.name == label }
            if let ours, let record = existing.first(where: { "\(zone.id)/\($0.id)" == ours.id }) {
                if !input.matches(record) {
                    _ = try await client.updateDNSRecord(zoneId: zone.id, recordId: record.id, input)
                    try await recorder.log(step, "\(label): updated to \(input.display)")
                }
                continue
            }
            if let same = existing.first(where: { input.matches($0) }) {
                try await recorder.addResource(CreatedResource(kind: "dns_record", id: "\(zone.id)/\(same.id)", name: label, created: false, step: step))
                continue
            }
            if let other = existing.first, input.type == "CNAME" || other.type.uppercased() == "CNAME" {
                throw DeploymentStepFailure("\(label) already exists pointing at \(other.content ?? "another target"); remove it from the zone and retry.",
                                            code: CloudflareErrorCode.dnsRecordExists)
            }
            do {
                let made = try await client.createDNSRecord(zoneId: zone.id, input)
                try await recorder.addResource(CreatedResource(kind: "dns_record", id: "\(zone.id)/\(made.id)", name: label, created: true, step: step))
            } catch let error as CloudflareError where error.has(code: CloudflareErrorCode.dnsRecordExists) {
                let again = try await client.findDNSRecords(zoneId: zone.id, type: input.type, name: fqdn)
                guard let same = again.first(where: { input.matches($0) }) else { throw error }
                try await recorder.addResource(CreatedResource(kind: "dns_record", id: "\(zone.id)/\(same.id)", name: label, created: false, step: step))
            }
        }
        return .succeeded("\(specs.count) DNS record\(specs.count == 1 ? "" : "s") in \(zone.name)")
    }

    private func workersDevHost() async -> String? {
        guard let worker = routedWorker, let sub = try? await client.workersSubdomain() else { return nil }
        return "\(await name(worker.name)).\(sub.subdomain).workers.dev"
    }

    // MARK: 8. Environment

    private func configureEnvironment() async throws -> Outcome {
        let step = DeploymentStepKind.configureEnvironment
        var set = 0, kept = 0, vars = 0
        for worker in manifest.cloudflare.workers {
            let scriptName = await name(worker.name)
            vars += (worker.vars ?? [:]).count + worker.bindings.filter { $0.type == .plainText }.count
            let wanted = Array(Set((worker.secrets ?? []) + worker.bindings.filter { $0.type == .secretText }.map(\.name))).sorted()
            if wanted.isEmpty { continue }
            let present = Set(try await client.listWorkerSecrets(script: scriptName).map(\.name))
            for secret in wanted {
                if present.contains(secret) {
                    kept += 1
                    if await recorder.deployment.resources.first(where: { $0.kind == "worker_secret" && $0.id == "\(scriptName)/\(secret)" }) == nil {
                        try await recorder.addResource(CreatedResource(kind: "worker_secret", id: "\(scriptName)/\(secret)", name: secret, created: false, step: step))
                    }
                    continue
                }
                // Generated here, sent once to Cloudflare and held in memory until the buyer takes it; never
                // stored or logged.
                let value = DeploymentSecrets.generate()
                try await client.putWorkerSecret(script: scriptName, name: secret, value: value)
                await secrets.deposit(await recorder.id, GeneratedSecret(worker: worker.name, name: secret, value: value))
                try await recorder.addResource(CreatedResource(kind: "worker_secret", id: "\(scriptName)/\(secret)", name: secret, created: true, step: step))
                set += 1
            }
        }
        if set == 0 && kept == 0 && vars == 0 { return .skipped("The package has no variables or secrets") }
        try await recorder.log(step, "\(vars) variable\(vars == 1 ? "" : "s") bound at upload; \(set) secret\(set == 1 ? "" : "s") generated, \(kept) kept")
        if set > 0 {
            try await recorder.log(step, "The generated secret\(set == 1 ? " is" : "s are") shown to you once when the deployment is live, and kept nowhere")
        }
        return .succeeded("Environment ready")
    }

    // MARK: 9. Post-deploy

    private func postDeploy() async throws -> Outcome {
        let step = DeploymentStepKind.postDeploy
        guard let url = await recorder.deployment.url else { return .skipped("Nothing deployed to check") }
        let ns = await namespace()
        var checks = manifest.cloudflare.smokeChecks ?? []
        if checks.isEmpty, let worker = routedWorker {
            checks = [SmokeCheckSpec(worker: worker.name, path: "/health", expectStatus: 200)]
        }
        let sub = try? await client.workersSubdomain()
        var onDomain: [(check: SmokeCheckSpec, path: String)] = []
        for check in checks {
            let path = check.path.hasPrefix("/") ? check.path : "/" + check.path
            let workersDev = sub.map { "https://\(DeploymentNaming.resourceName(namespace: ns, name: check.worker)).\($0.subdomain).workers.dev" }
            if domain != nil && check.worker == routedWorker?.name {
                // The Worker itself first, where it answers at once; the hostname waits for its certificate.
                if let workersDev { try await smoke(url: workersDev + path, workersDevURL: workersDev + path, check: check, step: step) }
                onDomain.append((check, path))
                continue
            }
            let base = check.worker == routedWorker?.name ? url : (workersDev ?? url)
            try await smoke(url: base + path, workersDevURL: workersDev.map { $0 + path }, check: check, step: step)
        }
        if let domain, !onDomain.isEmpty {
            try await recorder.setState(.provisioned, message: "Provisioned: the Worker is up; waiting for the certificate of \(domain)")
            try await recorder.stepWaiting(step, "Waiting for Cloudflare to issue the certificate of \(domain)")
            for (check, path) in onDomain {
                try await awaitCertificate(url: url + path, domain: domain, check: check, step: step)
            }
        }
        return .succeeded("Live: \(checks.count) smoke check\(checks.count == 1 ? "" : "s") passed at \(url)")
    }

    private func smoke(url: String, workersDevURL: String?, check: SmokeCheckSpec, step: DeploymentStepKind) async throws {
        let target = smokeCheck.rewrite(url, workersDevURL)
        var last = ""
        for attempt in 1...max(1, smokeCheck.attempts) {
            switch await probe(target, check) {
            case .passed(let status):
                try await recorder.log(step, "GET \(url) → \(status) ✓")
                return
            case let .answered(text), let .unreachable(text):
                last = text
            }
            if attempt < smokeCheck.attempts {
                try await recorder.log(step, "GET \(url): \(last); trying again")
                try await Task.sleep(nanoseconds: UInt64(smokeCheck.delay * 1e9))
            }
        }
        throw DeploymentStepFailure("Smoke check GET \(url) \(last). The business is provisioned but not live; retry, or ask the seller if it persists.")
    }

    /// Checks the hostname until it answers as the check expects. While the certificate is being issued
    /// the hostname does not complete a TLS handshake (or Cloudflare answers 52x): that is waiting, not
    /// failing, up to `certificateWait`. A wrong answer from the Worker itself fails after `attempts`.
    private func awaitCertificate(url: String, domain: String, check: SmokeCheckSpec, step: DeploymentStepKind) async throws {
        let target = smokeCheck.rewrite(url, nil)
        let started = ContinuousClock.now
        var wrongAnswers = 0
        var lastReport = started
        var last = ""
        while true {
            switch await probe(target, check) {
            case .passed(let status):
                try await recorder.log(step, "GET \(url) → \(status) ✓ (certificate active)")
                return
            case let .answered(text):
                wrongAnswers += 1
                last = text
                if wrongAnswers >= max(1, smokeCheck.attempts) {
                    throw DeploymentStepFailure("Smoke check GET \(url) \(last). The Worker answers on the custom domain but not as the package expects; retry, or ask the seller if it persists.")
                }
            case let .unreachable(text):
                last = text
            }
            let waited = started.duration(to: .now)
            if waited >= .seconds(smokeCheck.certificateWait) {
                throw DeploymentStepFailure("The certificate of \(domain) was not active after \(Int(smokeCheck.certificateWait)) s (last: \(last)). The Worker is up; retry later to check again.")
            }
            if lastReport.duration(to: .now) >= .seconds(30) {
                lastReport = .now
                try await recorder.log(step, "Still waiting for the certificate of \(domain) (\(Int(waited.components.seconds)) s)")
            }
            try await Task.sleep(nanoseconds: UInt64(smokeCheck.certificatePoll * 1e9))
        }
    }

    private enum SmokeResult {
        case passed(Int)
        /// The business answered, but not as expected.
        case answered(String)
        /// No answer from the business: no TLS yet, or Cloudflare's own 52x.
        case unreachable(String)
    }

    private func probe(_ target: String, _ check: SmokeCheckSpec) async -> SmokeResult {
        do {
            let response = try await transport.send(HTTPRequest(method: .GET, url: target, timeouts: HTTPTimeouts(connect: 5, total: 15)))
            let body = String(decoding: response.body, as: UTF8.self)
            if response.status == check.expectStatus && (check.expectBody.map { body.contains($0) } ?? true) {
                return .passed(response.status)
            }
            let text = "answered \(response.status)\(check.expectBody.map { " without “\($0)”" } ?? "") (expected \(check.expectStatus))"
            return (520...530).contains(response.status) ? .unreachable(text) : .answered(text)
        } catch let error as HTTPError {
            return .unreachable(error.description)
        } catch {
            return .unreachable(String(describing: error))
        }
    }
}

/// wrangler's migrations table and how a migration is applied with its record.
enum DeploymentMigrations {
    /// The table wrangler creates (`wrangler d1 migrations apply`).
    static let createTableSQL = """
        CREATE TABLE IF NOT EXISTS d1_migrations(
            id         INTEGER PRIMARY KEY AUTOINCREMENT,
            name       TEXT UNIQUE,
            applied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL
        );
        """

    /// The file name, as wrangler records it (`0001_init.sql`).
    static func name(of path: String) -> String { path.split(separator: "/").last.map(String.init) ?? path }

    /// The migration and its record in one batch, so they apply together.
    static func batch(sql: String, name: String) -> String {
        let quoted = name.replacingOccurrences(of: "'", with: "''")
        var body = sql.trimmingCharacters(in: .whitespacesAndNewlines)
        if !body.hasSuffix(";") { body += ";" }
        return body + "\nINSERT INTO d1_migrations (name) VALUES ('\(quoted)');"
    }
}

/// Module part names: paths relative to the main module's folder, so relative imports resolve.
enum DeploymentModules {
    static func moduleName(_ path: String, main: String) -> String {
        let folder = main.split(separator: "/").dropLast().joined(separator: "/")
        if !folder.isEmpty && path.hasPrefix(folder + "/") { return String(path.dropFirst(folder.count + 1)) }
        return path
    }
}

/// Secret values for a buyer's Worker: 32 random bytes, hex.
enum DeploymentSecrets {
    static func generate() -> String {
        var g = SystemRandomNumberGenerator()
        return (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &g)) }.joined()
    }
}
