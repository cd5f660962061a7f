import Foundation

/// Checks a `PackageManifest` (and, when given, the list of files in its bundle) against the rules a
/// deployment into a buyer's Cloudflare account depends on. Pure: no I/O, no clock (pass `today`).
///
/// It reports every problem at once, each with the JSON path of the offending value
/// (`cloudflare.r2_buckets[1].name`) and a message a seller can act on, so one upload shows them all.
public struct PackageManifestValidator: Sendable {
    /// `YYYY-MM-DD`; when set, a `compatibility_date` after it is a problem (Cloudflare rejects future dates).
    public var today: String?

    public init(today: String? = nil) {
        self.today = today
    }

    /// The DNS record types a package may declare.
    public static let dnsRecordTypes: [String] = ["A", "AAAA", "CNAME", "TXT", "MX", "CAA", "SRV", "NS"]
    /// Placeholders the deployment fills in inside DNS record content.
    public static let dnsPlaceholders: [String: String] = ["{{workers_dev}}": "example.workers.dev", "{{domain}}": "example.com"]
    /// Cloudflare's limit on one plain-text binding's value.
    public static let maxPlainTextBytes = 5 * 1024

    // MARK: Entry points

    /// Every problem of `manifest`, in document order; empty when it is valid. With `bundleFiles` (paths
    /// relative to the bundle root, `/`-separated) it also checks that every referenced file is there.
    public func validate(_ manifest: PackageManifest, bundleFiles: Set<String>? = nil) -> [ManifestProblem] {
        var check = Check(files: bundleFiles, today: today)
        check.manifest(manifest)
        return check.problems
    }

    /// Decodes `techflunky.json`. A malformed document becomes the same problems form as a failed
    /// validation: the path of the bad value and what is wrong with it. Every wrong type and every missing key
    /// is reported, not only the first (`ManifestShapeCheck`).
    public static func decode(_ data: Data) throws(ManifestValidationError) -> PackageManifest {
        let read = read(data)
        guard let manifest = read.manifest, read.shape.problems.isEmpty else {
            throw ManifestValidationError(problems: read.problems)
        }
        return manifest
    }

    /// Every problem of a `techflunky.json` in one run: malformed JSON, or each wrong type and missing key with
    /// its path and what was expected, and then every rule of `validate` on the rest of the document (a rule
    /// about a value that had the wrong shape is not reported twice). The CLI and the platform both call this.
    public func problems(in data: Data, bundleFiles: Set<String>? = nil) -> [ManifestProblem] {
        let read = Self.read(data)
        guard let manifest = read.manifest else { return read.problems }
        let shape = read.shape
        let rules = validate(manifest, bundleFiles: bundleFiles).filter { problem in
            !shape.isCoveredByStandIn(problem.path)
                && !Self.crossReferences.contains { collection, message in
                    problem.message.hasPrefix(message) && shape.standInPaths.contains { $0.hasPrefix(collection) }
                }
        }
        return read.problems + rules
    }

    /// Rules that look a name up in a collection: not reported when a name in that collection is a stand-in.
    private static let crossReferences: [(collection: String, message: String)] = [
        ("cloudflare.d1_databases", "names no database"),
        ("cloudflare.r2_buckets", "names no bucket"),
        ("cloudflare.workers", "names no declared worker"),
    ]

    /// The lenient read: the JSON tree held to `ManifestShape.manifest`, then `PackageManifest` decoded from the
    /// tree with stand-ins in place of the values that had the wrong shape.
    static func read(_ data: Data) -> (manifest: PackageManifest?, shape: ManifestShapeCheck, problems: [ManifestProblem]) {
        let tree: JSONValue
        do {
            tree = try JSONValue.decode(data)
        } catch let error as DecodingError {
            return (nil, ManifestShapeCheck(.object([:]), shape: .object([])), [problem(from: error)])
        } catch {
            return (nil, ManifestShapeCheck(.object([:]), shape: .object([])), [ManifestProblem(path: "", message: "techflunky.json is not valid JSON (\(error))")])
        }
        let shape = ManifestShapeCheck(tree)
        switch MissingKeyDecoding.decode(PackageManifest.self, from: shape.patched.encoded(), decoder: WireJSON.decoder()) {
        case let .success(manifest):
            return (manifest, shape, shape.problems)
        case let .failure(errors):
            // A rule of `PackageManifest`'s decoding the shape does not know (a field added since): its problems too.
            let more = errors.map { problem(from: $0) }.filter { !shape.isCoveredByStandIn($0.path) }
            return (nil, shape, shape.problems + more)
        }
    }

    /// Decodes one of a package's JSON files (`techflunky.json`, `listing.json`), every missing key and any other
    /// decoding problem as problems naming `file`.
    public static func decode<T: Decodable>(_ type: T.Type, from data: Data, file: String) throws(ManifestValidationError) -> T {
        switch MissingKeyDecoding.decode(T.self, from: data, decoder: WireJSON.decoder()) {
        case let .success(value): return value
        case let .failure(errors): throw ManifestValidationError(problems: errors.map { problem(from: $0, file: file) })
        }
    }

    /// Decodes and validates in one go: the manifest when it has no problem, otherwise every problem.
    public func decodeAndValidate(_ data: Data, bundleFiles: Set<String>? = nil) throws(ManifestValidationError) -> PackageManifest {
        let problems = problems(in: data, bundleFiles: bundleFiles)
        guard problems.isEmpty else { throw ManifestValidationError(problems: problems) }
        return try Self.decode(data)
    }

    /// A decoding error as a manifest problem.
    public static func problem(from error: DecodingError, file: String = "techflunky.json") -> ManifestProblem {
        switch error {
        case let .keyNotFound(key, context):
            return ManifestProblem(path: jsonPath(context.codingPath + [key]), message: "is required but missing")
        case let .valueNotFound(type, context):
            return ManifestProblem(path: jsonPath(context.codingPath), message: "must be \(describe(type)), not null")
        case let .typeMismatch(type, context):
            return ManifestProblem(path: jsonPath(context.codingPath), message: "must be \(describe(type))")
        case let .dataCorrupted(context):
            if context.codingPath.isEmpty {
                let detail = (context.underlyingError as NSError?)?.userInfo[NSDebugDescriptionErrorKey] as? String
                    ?? context.debugDescription
                return ManifestProblem(path: "", message: "\(file) is not valid JSON (\(detail))")
            }
            return ManifestProblem(path: jsonPath(context.codingPath), message: context.debugDescription)
        @unknown default:
            return ManifestProblem(path: "", message: "\(file) could not be decoded: \(error)")
        }
    }

    /// `cloudflare.workers[0].bindings[2].name` from a coding path.
    public static func jsonPath(_ codingPath: [any CodingKey]) -> String {
        var out = ""
        for key in codingPath {
            if let index = key.intValue {
                out += "[\(index)]"
            } else {
                out += out.isEmpty ? key.stringValue : ".\(key.stringValue)"
            }
        }
        return out
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type, is Int64.Type: "a whole number"
        case is Bool.Type: "true or false"
        case is Double.Type: "a number"
        default:
            if "\(type)".hasPrefix("Array") { "a list" } else if "\(type)".hasPrefix("Dictionary") { "an object" } else { "an object" }
        }
    }
}

/// A manifest that could not be decoded or did not validate: every problem found.
public struct ManifestValidationError: Error, Sendable, Hashable, CustomStringConvertible {
    public var problems: [ManifestProblem]

    public init(problems: [ManifestProblem]) {
        self.problems = problems
    }

    public var description: String {
        let count = problems.count == 1 ? "1 problem" : "\(problems.count) problems"
        return "the package manifest has \(count):\n" + problems.map { "  - \($0)" }.joined(separator: "\n")
    }

    /// The API's 422 body for this error (`validation_failed`, the first problem's path as `field`).
    public var apiError: APIErrorBody {
        let count = problems.count == 1 ? "1 problem" : "\(problems.count) problems"
        let first = problems.first.map { ": \($0)" } ?? ""
        return APIErrorBody(code: APIErrorCode.validation, message: "the package manifest has \(count)\(first)",
                            field: problems.first?.path, problems: problems)
    }
}

// MARK: - The checks

/// One validation run: walks the manifest and collects problems.
private struct Check {
    let files: Set<String>?
    let today: String?
    var problems: [ManifestProblem] = []

    init(files: Set<String>?, today: String?) {
        self.files = files
        self.today = today
    }

    mutating func report(_ path: String, _ message: String) {
        problems.append(ManifestProblem(path: path, message: message))
    }

    mutating func manifest(_ m: PackageManifest) {
        if m.id.isEmpty || m.id.count > 64 || !m.id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) {
            report("id", "must be 1–64 letters, digits, `-` or `_` (got \(quoted(m.id)))")
        }
        let name = m.name.trimmingCharacters(in: .whitespaces)
        if name.isEmpty || m.name.count > 80 {
            report("name", "must be 1–80 characters")
        } else if m.name.unicodeScalars.contains(where: isControl) {
            report("name", "must not contain control characters")
        }
        if !Check.isSemver(m.version) {
            report("version", "must be a semantic version such as 1.0.0 or 2.1.0-beta.1 (got \(quoted(m.version)))")
        }
        if !Check.isSlug(m.slug) {
            report("slug", "must be 3–64 lower-case letters, digits and `-`, not starting or ending with `-` (got \(quoted(m.slug)))")
        }
        cloudflare(m.cloudflare)
        for key in m.businessAssets.keys.sorted() {
            let path = "businessAssets.\(key)"
            if !Check.isIdentifier(key) {
                report(path, "asset names must be identifiers such as marketResearch or businessPlan")
            }
            file(m.businessAssets[key] ?? "", at: path, kinds: nil)
        }
        if let history = m.history { problems += ListingHistory.problems(history) }
        if let percent = m.assetPreviewPercent, !(1...100).contains(percent) {
            report("assetPreviewPercent", "must be 1 to 100 (the share of each asset a buyer reads before buying; got \(percent))")
        }
    }

    mutating func cloudflare(_ cf: CloudflareResources) {
        if cf.workers.isEmpty {
            report("cloudflare.workers", "a package needs at least one worker")
        }
        let databases = Set(cf.d1Databases.map(\.name))
        let buckets = Set(cf.r2Buckets.map(\.name))
        let workerNames = Set(cf.workers.map(\.name))

        var seen: [String: Int] = [:]
        for (i, worker) in cf.workers.enumerated() {
            let path = "cloudflare.workers[\(i)]"
            if !Check.isWorkerName(worker.name) {
                report("\(path).name", "worker script names are 1–63 lower-case letters, digits, `-` or `_`, starting with a letter or digit and not ending with `-` (got \(quoted(worker.name)))")
            }
            if let first = seen[worker.name] {
                report("\(path).name", "\(quoted(worker.name)) is already the name of cloudflare.workers[\(first)]; worker names must be unique")
            } else {
                seen[worker.name] = i
            }
            self.worker(worker, at: path, databases: databases, buckets: buckets)
        }
        let routed = cf.workers.indices.filter { !(cf.workers[$0].routes ?? []).isEmpty }
        if routed.count > 1 {
            for i in routed.dropFirst() {
                report("cloudflare.workers[\(i)].routes", "only one worker per package answers on the domain; cloudflare.workers[\(routed[0])] already has routes")
            }
        }

        seen = [:]
        for (i, db) in cf.d1Databases.enumerated() {
            let path = "cloudflare.d1_databases[\(i)]"
            if !Check.isD1Name(db.name) {
                report("\(path).name", "D1 database names are 1–64 lower-case letters, digits, `-` or `_`, starting with a letter or digit (got \(quoted(db.name)))")
            }
            if let first = seen[db.name] {
                report("\(path).name", "\(quoted(db.name)) is already the name of cloudflare.d1_databases[\(first)]; database names must be unique")
            } else {
                seen[db.name] = i
            }
            migrations(db.migrations, at: "\(path).migrations")
        }

        seen = [:]
        for (i, bucket) in cf.r2Buckets.enumerated() {
            let path = "cloudflare.r2_buckets[\(i)]"
            if !Check.isBucketName(bucket.name) {
                report("\(path).name", "R2 bucket names are 3–63 characters of lower-case letters, digits and `-`, not starting or ending with `-` (got \(quoted(bucket.name)))")
            }
            if let first = seen[bucket.name] {
                report("\(path).name", "\(quoted(bucket.name)) is already the name of cloudflare.r2_buckets[\(first)]; bucket names must be unique")
            } else {
                seen[bucket.name] = i
            }
            for (j, rule) in (bucket.cors ?? []).enumerated() {
                cors(rule, at: "\(path).cors[\(j)]")
            }
        }

        var recordTypesByName: [String: [(Int, String)]] = [:]
        for (i, record) in cf.dnsRecords.enumerated() {
            dns(record, at: "cloudflare.dns_records[\(i)]")
            recordTypesByName[record.name.lowercased(), default: []].append((i, record.type.uppercased()))
            // The buyer's hostname is a Workers Custom Domain of the package's Worker: Cloudflare keeps its DNS.
            if ["@", ""].contains(record.name) && ["A", "AAAA", "CNAME"].contains(record.type.uppercased()) {
                report("cloudflare.dns_records[\(i)].name", "an \(record.type.uppercased()) record at @ would take the buyer's hostname, which becomes a Workers Custom Domain of the package's Worker (Cloudflare makes its DNS record); give the record another name")
            }
        }
        for (name, records) in recordTypesByName.sorted(by: { $0.key < $1.key }) where records.count > 1 {
            for (i, type) in records where type == "CNAME" {
                report("cloudflare.dns_records[\(i)]", "a CNAME record cannot share its name \(quoted(name)) with any other record")
            }
        }

        for (i, smoke) in (cf.smokeChecks ?? []).enumerated() {
            let path = "cloudflare.smoke_checks[\(i)]"
            if !workerNames.contains(smoke.worker) {
                report("\(path).worker", "names no declared worker (got \(quoted(smoke.worker)); declared: \(list(workerNames)))")
            }
            if !smoke.path.hasPrefix("/") || smoke.path.unicodeScalars.contains(where: { isControl($0) || $0 == " " }) {
                report("\(path).path", "must be a URL path starting with `/`, such as /health (got \(quoted(smoke.path)))")
            }
            if !(100...599).contains(smoke.expectStatus) {
                report("\(path).expect_status", "must be an HTTP status between 100 and 599 (got \(smoke.expectStatus))")
            }
        }
    }

    mutating func worker(_ w: WorkerSpec, at path: String, databases: Set<String>, buckets: Set<String>) {
        file(w.main, at: "\(path).main", kinds: ["js", "mjs"])
        for (i, module) in (w.modules ?? []).enumerated() {
            file(module, at: "\(path).modules[\(i)]", kinds: ["js", "mjs", "cjs", "wasm", "txt", "bin"])
        }
        if !Check.isCalendarDate(w.compatibilityDate) {
            report("\(path).compatibility_date", "must be a real date written YYYY-MM-DD, such as 2024-09-23 (got \(quoted(w.compatibilityDate)))")
        } else if let today, w.compatibilityDate > today {
            report("\(path).compatibility_date", "\(w.compatibilityDate) is in the future; Cloudflare accepts dates up to today (\(today))")
        }

        // Bindings, vars and secrets all become properties of `env`, so their names share one namespace.
        var envNames: [String: String] = [:]
        func claim(_ name: String, _ where_: String, into problems: inout Check) {
            if let first = envNames[name] {
                problems.report(where_, "\(quoted(name)) is already used by \(first); names in a worker's env must be unique")
            } else {
                envNames[name] = where_
            }
        }
        for (i, b) in w.bindings.enumerated() {
            let bp = "\(path).bindings[\(i)]"
            if !Check.isIdentifier(b.name) {
                report("\(bp).name", "binding names must be JavaScript identifiers such as DB or PHOTOS (got \(quoted(b.name)))")
            }
            claim(b.name, "\(bp).name", into: &self)
            switch b.type {
            case .d1:
                if let db = b.database {
                    if !databases.contains(db) {
                        report("\(bp).database", "names no database in cloudflare.d1_databases (got \(quoted(db)); declared: \(list(databases)))")
                    }
                } else {
                    report("\(bp).database", "a d1 binding needs `database`: the name of one of cloudflare.d1_databases")
                }
                extra(b.bucket, "bucket", b.type, bp)
                extra(b.text, "text", b.type, bp)
            case .r2Bucket:
                if let bucket = b.bucket {
                    if !buckets.contains(bucket) {
                        report("\(bp).bucket", "names no bucket in cloudflare.r2_buckets (got \(quoted(bucket)); declared: \(list(buckets)))")
                    }
                } else {
                    report("\(bp).bucket", "an r2_bucket binding needs `bucket`: the name of one of cloudflare.r2_buckets")
                }
                extra(b.database, "database", b.type, bp)
                extra(b.text, "text", b.type, bp)
            case .plainText:
                if let text = b.text {
                    if text.utf8.count > PackageManifestValidator.maxPlainTextBytes {
                        report("\(bp).text", "is \(text.utf8.count) bytes; Cloudflare allows at most 5 KB per variable")
                    }
                } else {
                    report("\(bp).text", "a plain_text binding needs `text`")
                }
                extra(b.database, "database", b.type, bp)
                extra(b.bucket, "bucket", b.type, bp)
            case .secretText:
                if b.text != nil {
                    report("\(bp).text", "a secret's value must never be in the package; remove `text` — the value is generated at deployment")
                }
                extra(b.database, "database", b.type, bp)
                extra(b.bucket, "bucket", b.type, bp)
            }
        }
        for key in (w.vars ?? [:]).keys.sorted() {
            let vp = "\(path).vars.\(key)"
            if !Check.isIdentifier(key) {
                report(vp, "variable names must be JavaScript identifiers such as SITE_NAME")
            }
            claim(key, vp, into: &self)
            if let value = w.vars?[key], value.utf8.count > PackageManifestValidator.maxPlainTextBytes {
                report(vp, "is \(value.utf8.count) bytes; Cloudflare allows at most 5 KB per variable")
            }
        }
        for (i, secret) in (w.secrets ?? []).enumerated() {
            let sp = "\(path).secrets[\(i)]"
            if !Check.isIdentifier(secret) {
                report(sp, "secret names must be JavaScript identifiers such as SESSION_SECRET (got \(quoted(secret)))")
            }
            claim(secret, sp, into: &self)
        }
        for (i, route) in (w.routes ?? []).enumerated() where !route.hasPrefix("/") {
            report("\(path).routes[\(i)]", "routes are URL path patterns starting with `/`, such as /* or /api/* (got \(quoted(route)))")
        }
    }

    mutating func extra(_ value: String?, _ field: String, _ type: WorkerBinding.Kind, _ path: String) {
        if value != nil {
            report("\(path).\(field)", "a \(type.rawValue) binding takes no `\(field)`; remove it")
        }
    }

    mutating func migrations(_ paths: [String], at path: String) {
        var previous = 0
        var seen: [Int: Int] = [:]
        for (i, migration) in paths.enumerated() {
            let mp = "\(path)[\(i)]"
            file(migration, at: mp, kinds: ["sql"])
            let fileName = migration.split(separator: "/").last.map(String.init) ?? migration
            guard let number = Check.migrationNumber(fileName) else {
                report(mp, "migration files are named NNNN_description.sql, such as 0001_init.sql (got \(quoted(fileName)))")
                continue
            }
            let label = String(format: "%04d", number)
            if let first = seen[number] {
                report(mp, "migration number \(label) is used twice (also \(path)[\(first)]); each number appears once")
            } else if number != previous + 1 {
                if previous == 0 {
                    report(mp, "migrations are numbered from 0001; the first is \(label)")
                } else if number < previous {
                    report(mp, "\(label) comes after \(String(format: "%04d", previous)); list migrations in number order")
                } else {
                    let missing = (previous + 1..<number).map { String(format: "%04d", $0) }.joined(separator: ", ")
                    report(mp, "\(label) follows \(String(format: "%04d", previous)): \(missing) is missing; migrations are numbered with no gap")
                }
            }
            seen[number] = seen[number] ?? i
            previous = max(previous, number)
        }
    }

    mutating func cors(_ rule: CORSRule, at path: String) {
        if rule.allowed.origins.isEmpty {
            report("\(path).allowed.origins", "list at least one origin, such as * or https://example.com")
        }
        for (i, origin) in rule.allowed.origins.enumerated()
        where origin != "*" && !(origin.hasPrefix("https://") || origin.hasPrefix("http://")) {
            report("\(path).allowed.origins[\(i)]", "origins are * or a scheme and host such as https://example.com (got \(quoted(origin)))")
        }
        let methods: Set<String> = ["GET", "PUT", "POST", "DELETE", "HEAD"]
        if rule.allowed.methods.isEmpty {
            report("\(path).allowed.methods", "list at least one method")
        }
        for (i, method) in rule.allowed.methods.enumerated() where !methods.contains(method) {
            report("\(path).allowed.methods[\(i)]", "R2 CORS allows GET, PUT, POST, DELETE and HEAD (got \(quoted(method)))")
        }
        if let age = rule.maxAgeSeconds, age < 0 || age > 86_400 {
            report("\(path).maxAgeSeconds", "must be between 0 and 86400 seconds (got \(age))")
        }
    }

    mutating func dns(_ r: DNSRecordSpec, at path: String) {
        let type = r.type
        guard PackageManifestValidator.dnsRecordTypes.contains(type) else {
            report("\(path).type", "must be one of \(PackageManifestValidator.dnsRecordTypes.joined(separator: ", ")) (got \(quoted(type)))")
            return
        }
        if !Check.isRecordName(r.name, type: type) {
            let hint = type == "SRV" ? "SRV names start with _service._proto, such as _sip._tcp" : "use @ for the apex or a relative name such as www or api.v2"
            report("\(path).name", "\(quoted(r.name)) is not a valid record name; \(hint)")
        }
        if type == "NS" && r.name == "@" {
            report("\(path).name", "NS records delegate a subdomain; they cannot be set on the apex")
        }
        content(r, at: "\(path).content")
        if r.ttl != 1 && !(60...86_400).contains(r.ttl) {
            report("\(path).ttl", "must be 1 (automatic) or between 60 and 86400 seconds (got \(r.ttl))")
        }
        if r.proxied == true {
            if !["A", "AAAA", "CNAME"].contains(type) {
                report("\(path).proxied", "only A, AAAA and CNAME records can be proxied")
            } else if r.ttl != 1 {
                report("\(path).ttl", "proxied records always use automatic TTL; set ttl to 1")
            }
        }
        let needsPriority = type == "MX" || type == "SRV"
        if let priority = r.priority {
            if !needsPriority {
                report("\(path).priority", "only MX and SRV records take a priority; remove it")
            } else if !(0...65_535).contains(priority) {
                report("\(path).priority", "must be between 0 and 65535 (got \(priority))")
            }
        } else if needsPriority {
            report("\(path).priority", "\(type) records need a priority between 0 and 65535")
        }
    }

    mutating func content(_ r: DNSRecordSpec, at path: String) {
        var content = r.content
        for (placeholder, sample) in PackageManifestValidator.dnsPlaceholders {
            content = content.replacingOccurrences(of: placeholder, with: sample)
        }
        let hasPlaceholder = content != r.content
        if content.contains("{{") {
            report(path, "unknown placeholder; only {{workers_dev}} and {{domain}} are filled in at deployment")
            return
        }
        switch r.type {
        case "A":
            if hasPlaceholder || !Check.isIPv4(content) {
                report(path, "an A record's content is an IPv4 address such as 192.0.2.10 (got \(quoted(r.content)))")
            }
        case "AAAA":
            if hasPlaceholder || !Check.isIPv6(content) {
                report(path, "an AAAA record's content is an IPv6 address such as 2001:db8::10 (got \(quoted(r.content)))")
            }
        case "CNAME", "NS", "MX":
            if !Check.isHostname(content) {
                report(path, "a \(r.type) record's content is a host name such as mail.example.net (got \(quoted(r.content)))")
            }
        case "TXT":
            if content.isEmpty || content.count > 2_048 {
                report(path, "a TXT record's content is 1–2048 characters")
            } else if content.unicodeScalars.contains(where: isControl) {
                report(path, "a TXT record's content must not contain control characters")
            }
        case "CAA":
            let parts = content.split(separator: " ", maxSplits: 2).map(String.init)
            let valid = parts.count == 3 && UInt8(parts[0]) != nil && ["issue", "issuewild", "iodef"].contains(parts[1])
                && parts[2].count >= 2 && parts[2].hasPrefix("\"") && parts[2].hasSuffix("\"")
            if !valid {
                report(path, "a CAA record's content is `flags tag \"value\"` with tag issue, issuewild or iodef, such as 0 issue \"letsencrypt.org\" (got \(quoted(r.content)))")
            }
        case "SRV":
            let parts = content.split(separator: " ").map(String.init)
            let valid = parts.count == 3 && UInt16(parts[0]) != nil && UInt16(parts[1]).map { $0 > 0 } == true
                && (parts[2] == "." || Check.isHostname(parts[2]))
            if !valid {
                report(path, "an SRV record's content is `weight port target`, such as 5 5060 sip.example.com (priority goes in `priority`) (got \(quoted(r.content)))")
            }
        default:
            break
        }
    }

    /// A path inside the bundle: relative, no `..`, and present when the bundle's files are known.
    mutating func file(_ file: String, at path: String, kinds: Set<String>?) {
        if file.isEmpty {
            report(path, "needs a file path inside the package, such as workers/api/index.js")
            return
        }
        if file.hasPrefix("/") || file.hasPrefix("~") || (file.count > 1 && Array(file)[1] == ":") {
            report(path, "must be a path relative to the package root, not an absolute path (got \(quoted(file)))")
            return
        }
        let components = file.split(separator: "/", omittingEmptySubsequences: false)
        if components.contains("..") || components.contains(".") || components.contains("") {
            report(path, "must not contain `..`, `.` or empty segments; name the file from the package root (got \(quoted(file)))")
            return
        }
        if file.contains("\\") || file.unicodeScalars.contains(where: isControl) || file.utf8.count > 255 {
            report(path, "must use `/` separators, no control characters, at most 255 bytes (got \(quoted(file)))")
            return
        }
        if let kinds {
            let ext = file.split(separator: ".").count > 1 ? String(file.split(separator: ".").last!).lowercased() : ""
            if !kinds.contains(ext) {
                report(path, "must be a \(kinds.sorted().map { "." + $0 }.joined(separator: ", ")) file (got \(quoted(file)))")
            }
        }
        if let files, !files.contains(file) {
            report(path, "\(quoted(file)) is not in the package bundle; add the file or fix the path")
        }
    }

    // MARK: Rules as predicates

    static func isSemver(_ s: String) -> Bool {
        var core = Substring(s)
        var build: Substring?
        var pre: Substring?
        if let plus = core.firstIndex(of: "+") {
            build = core[core.index(after: plus)...]
            core = core[..<plus]
        }
        if let dash = core.firstIndex(of: "-") {
            pre = core[core.index(after: dash)...]
            core = core[..<dash]
        }
        let numbers = core.split(separator: ".", omittingEmptySubsequences: false)
        guard numbers.count == 3, numbers.allSatisfy(isNumericIdentifier) else { return false }
        func identifiers(_ part: Substring?, numericLeadingZeroAllowed: Bool) -> Bool {
            guard let part else { return true }
            let ids = part.split(separator: ".", omittingEmptySubsequences: false)
            return ids.allSatisfy { id in
                !id.isEmpty && id.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
                    && (numericLeadingZeroAllowed || !id.allSatisfy(\.isNumber) || isNumericIdentifier(id))
            }
        }
        return identifiers(pre, numericLeadingZeroAllowed: false) && identifiers(build, numericLeadingZeroAllowed: true)
    }

    private static func isNumericIdentifier(_ s: Substring) -> Bool {
        !s.isEmpty && s.allSatisfy { $0.isASCII && $0.isNumber } && (s == "0" || s.first != "0")
    }

    static func isSlug(_ s: String) -> Bool {
        (3...64).contains(s.count) && s.allSatisfy(isLowerAlnumOrDash) && s.first != "-" && s.last != "-"
    }

    static func isBucketName(_ s: String) -> Bool {
        (3...63).contains(s.count) && s.allSatisfy(isLowerAlnumOrDash) && s.first != "-" && s.last != "-"
    }

    static func isWorkerName(_ s: String) -> Bool {
        (1...63).contains(s.count) && s.allSatisfy { isLowerAlnumOrDash($0) || $0 == "_" }
            && s.first.map(isLowerAlnum) == true && s.last != "-"
    }

    static func isD1Name(_ s: String) -> Bool {
        (1...64).contains(s.count) && s.allSatisfy { isLowerAlnumOrDash($0) || $0 == "_" } && s.first.map(isLowerAlnum) == true
    }

    /// A JavaScript identifier (ASCII): how a worker reads `env.NAME`.
    static func isIdentifier(_ s: String) -> Bool {
        guard let first = s.first, first.isASCII, first.isLetter || first == "_" || first == "$" else { return false }
        return s.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "$") }
    }

    static func migrationNumber(_ fileName: String) -> Int? {
        let chars = Array(fileName)
        guard chars.count > 9, fileName.hasSuffix(".sql"), chars[4] == "_",
              chars[0..<4].allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        let description = chars[5..<(chars.count - 4)]
        guard !description.isEmpty, description.allSatisfy({ isLowerAlnum($0) || $0 == "_" || $0 == "-" }) else { return nil }
        return Int(String(chars[0..<4]))
    }

    /// `YYYY-MM-DD` naming a day that exists in the Gregorian calendar.
    static func isCalendarDate(_ s: String) -> Bool {
        let parts = s.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
              let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
              year >= 2000, (1...12).contains(month) else { return false }
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        return (1...days).contains(day)
    }

    static func isIPv4(_ s: String) -> Bool {
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts.allSatisfy { p in
            (1...3).contains(p.count) && p.allSatisfy { $0.isASCII && $0.isNumber } && (p == "0" || p.first != "0")
                && (Int(p) ?? 256) <= 255
        }
    }

    static func isIPv6(_ s: String) -> Bool {
        guard !s.isEmpty, s.count <= 45 else { return false }
        var text = Substring(s)
        var groupsAvailable = 8
        // An embedded IPv4 address takes the last two groups.
        if let lastColon = text.lastIndex(of: ":"), text[text.index(after: lastColon)...].contains(".") {
            guard isIPv4(String(text[text.index(after: lastColon)...])) else { return false }
            text = text[...lastColon]
            if text.hasSuffix(":") && !text.hasSuffix("::") { text = text.dropLast() }
            groupsAvailable = 6
        }
        func isGroup(_ g: Substring) -> Bool { (1...4).contains(g.count) && g.allSatisfy(\.isHexDigit) && g.allSatisfy(\.isASCII) }
        let halves = text.components(separatedBy: "::")
        switch halves.count {
        case 1:
            let groups = halves[0].split(separator: ":", omittingEmptySubsequences: false)
            return groups.count == groupsAvailable && groups.allSatisfy(isGroup)
        case 2:
            let head = halves[0].isEmpty ? [] : halves[0].split(separator: ":", omittingEmptySubsequences: false)
            let tail = halves[1].isEmpty ? [] : halves[1].split(separator: ":", omittingEmptySubsequences: false)
            return head.allSatisfy(isGroup) && tail.allSatisfy(isGroup) && head.count + tail.count < groupsAvailable
        default:
            return false
        }
    }

    /// A DNS host name (`Hostname`), a final dot allowed, `_` in labels and a numeric top level too (record
    /// targets such as `_sip._tcp.example.com` or a reverse name).
    static func isHostname(_ s: String) -> Bool {
        Hostname.isValid(s.hasSuffix(".") ? s.dropLast() : Substring(s), syntax: recordSyntax)
    }

    private static let recordSyntax: Hostname.Syntax = [.underscores, .numericTopLevel]

    /// A record name relative to the buyer's domain: `@`, `www`, `*.app`, `_sip._tcp`.
    static func isRecordName(_ s: String, type: String) -> Bool {
        if s == "@" { return type != "SRV" }
        guard !s.isEmpty, s.count <= 200, !s.hasSuffix(".") else { return false }
        let labels = s.split(separator: ".", omittingEmptySubsequences: false)
        for (i, label) in labels.enumerated() {
            if label == "*" && i == 0 { continue }
            if !Hostname.isLabel(label, syntax: recordSyntax) { return false }
        }
        if type == "SRV" {
            return labels.count >= 2 && labels[0].hasPrefix("_") && labels[1].hasPrefix("_")
        }
        return true
    }

    private static func isLowerAlnum(_ c: Character) -> Bool {
        c.isASCII && (c.isNumber || (c.isLetter && c.isLowercase))
    }

    private static func isLowerAlnumOrDash(_ c: Character) -> Bool { isLowerAlnum(c) || c == "-" }
}

private func isControl(_ scalar: Unicode.Scalar) -> Bool {
    scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
}

private func quoted(_ s: String) -> String { quotedForMessage(s) }

/// A value quoted for a message, with control characters made visible so the message itself is safe.
func quotedForMessage(_ s: String) -> String {
    var out = "\""
    for scalar in s.unicodeScalars.prefix(80) {
        if isControl(scalar) { out += "\\u{\(String(scalar.value, radix: 16))}" } else { out.unicodeScalars.append(scalar) }
    }
    return out + (s.unicodeScalars.count > 80 ? "…\"" : "\"")
}

private func list(_ names: Set<String>) -> String {
    names.isEmpty ? "none" : names.sorted().joined(separator: ", ")
}
