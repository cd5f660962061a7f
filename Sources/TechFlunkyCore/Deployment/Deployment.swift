import Foundation

public enum DeploymentState: String, Codable, Sendable, CaseIterable {
    /// `provisioned`: every resource is in place and the Worker answers on workers.dev, but the custom
    /// domain's certificate is still being issued; the run goes on checking and turns `succeeded` (live)
    /// when the smoke check passes on the hostname.
    case queued, running, provisioned, succeeded, failed, interrupted
    case rollingBack = "rolling_back"
    case rolledBack = "rolled_back"

    /// No further events follow a deployment in one of these states until someone retries or rolls back.
    public var isFinal: Bool { [.succeeded, .failed, .interrupted, .rolledBack].contains(self) }
}

public enum StepState: String, Codable, Sendable, CaseIterable {
    /// `waiting`: the step has done its part and waits on Cloudflare (a custom domain's certificate);
    /// not a failure.
    case pending, running, waiting, succeeded, failed, skipped
}

/// The nine steps, in an order that respects bindings: a worker binds only a database or bucket that exists.
public enum DeploymentStepKind: String, Codable, Sendable, CaseIterable {
    case verifyCredentials = "verify_credentials"
    case createNamespace = "create_namespace"
    case createDatabases = "create_databases"
    case createBuckets = "create_buckets"
    case uploadWorkers = "upload_workers"
    case configureDomain = "configure_domain"
    case configureDNS = "configure_dns"
    case configureEnvironment = "configure_environment"
    case postDeploy = "post_deploy"

    public var number: Int { DeploymentStepKind.allCases.firstIndex(of: self)! + 1 }

    public var title: String {
        switch self {
        case .verifyCredentials: "Verify Cloudflare credentials"
        case .createNamespace: "Create namespace"
        case .createDatabases: "Create D1 databases and run migrations"
        case .createBuckets: "Create R2 buckets and CORS"
        case .uploadWorkers: "Upload Workers with bindings"
        case .configureDomain: "Custom domain or workers.dev"
        case .configureDNS: "DNS records"
        case .configureEnvironment: "Environment variables and secrets"
        case .postDeploy: "Post-deploy scripts and smoke check"
        }
    }

    /// Steps that run the package's own content; a failure here freezes the seller's payout.
    public var isPackageStep: Bool { [.createDatabases, .uploadWorkers, .postDeploy].contains(self) }
}

/// A Cloudflare resource a step created (or adopted), recorded so a retry adopts it and a rollback removes it.
public struct CreatedResource: Codable, Sendable, Hashable {
    /// `d1_database`, `r2_bucket`, `worker_script`, `workers_subdomain`, `worker_domain` (a Workers Custom Domain),
    /// `dns_record`, `worker_secret`; `custom_hostname` only in deployments made before custom domains; `worker_version`
    /// in an update: an existing Worker it switched to a new version, id `<script>/<version served before>` (removing it
    /// deploys that version again).
    public var kind: String
    /// Cloudflare's id (uuid, record id) or the name where the API addresses by name.
    public var id: String
    public var name: String
    /// Whether this deployment created it (true) or found it there (false); rollback removes only what it created.
    public var created: Bool
    public var step: DeploymentStepKind

    public init(kind: String, id: String, name: String, created: Bool, step: DeploymentStepKind) {
        self.kind = kind
        self.id = id
        self.name = name
        self.created = created
        self.step = step
    }
}

extension CreatedResource {
    /// An update's record of an existing Worker it switched to a new version: id `<script>/<version it served before>`,
    /// name the script. Removing it (a rollback, a failed update) deploys that version again.
    public static let workerVersionKind = "worker_version"

    public static func workerVersion(script: String, previousVersion: String) -> CreatedResource {
        CreatedResource(kind: workerVersionKind, id: "\(script)/\(previousVersion)", name: script, created: true, step: .uploadWorkers)
    }

    public var isWorkerVersion: Bool { kind == Self.workerVersionKind }

    /// Of a `worker_version` record: the script and the version it served before the update.
    public var switchedWorker: (script: String, previousVersion: String) {
        let prefix = name + "/"
        if id.hasPrefix(prefix) { return (name, String(id.dropFirst(prefix.count))) }
        let split = id.split(separator: "/", maxSplits: 1).map(String.init)
        return (split.first ?? name, split.count > 1 ? split[1] : "")
    }
}

public struct DeploymentStep: Codable, Sendable, Hashable {
    public var kind: DeploymentStepKind
    public var state: StepState
    public var startedAt: Date?
    public var finishedAt: Date?
    public var message: String?
    /// Cloudflare's error code when the step failed on a Cloudflare error.
    public var errorCode: Int?
    /// Log lines of this step, oldest first.
    public var log: [String]

    public init(kind: DeploymentStepKind, state: StepState = .pending, startedAt: Date? = nil,
                finishedAt: Date? = nil, message: String? = nil, errorCode: Int? = nil, log: [String] = []) {
        self.kind = kind
        self.state = state
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.message = message
        self.errorCode = errorCode
        self.log = log
    }
}

/// The snapshot `GET /api/deploy?deploymentId=X` returns.
public struct Deployment: Codable, Sendable, Hashable, Identifiable {
    public var id: String
    public var orderId: String
    public var listingSlug: String
    public var accountId: String
    public var domain: String?
    public var state: DeploymentState
    public var steps: [DeploymentStep]
    public var resources: [CreatedResource]
    /// Where the business answers once live (custom domain or workers.dev URL).
    public var url: String?
    public var lastMessage: String?
    /// Sequence number of the newest event; a stream resumed after it misses nothing.
    public var lastEventId: Int
    public var createdAt: Date
    public var updatedAt: Date
    /// The package version this run deploys (absent on deployments made before versions were recorded).
    public var packageVersion: String?
    /// Set on an update: the deployment it updates. An update uploads changed Workers as new Worker versions,
    /// runs only migrations not yet applied, adds new buckets and records, and touches no data.
    public var updateOf: String?

    public init(id: String, orderId: String, listingSlug: String, accountId: String, domain: String?,
                state: DeploymentState, steps: [DeploymentStep], resources: [CreatedResource], url: String?,
                lastMessage: String?, lastEventId: Int, createdAt: Date, updatedAt: Date,
                packageVersion: String? = nil, updateOf: String? = nil) {
        self.packageVersion = packageVersion
        self.updateOf = updateOf
        self.id = id
        self.orderId = orderId
        self.listingSlug = listingSlug
        self.accountId = accountId
        self.domain = domain
        self.state = state
        self.steps = steps
        self.resources = resources
        self.url = url
        self.lastMessage = lastMessage
        self.lastEventId = lastEventId
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

public struct DeploymentSummary: Codable, Sendable, Hashable, Identifiable {
    public var id: String
    public var state: DeploymentState
    public var currentStep: DeploymentStepKind?
    public var url: String?
    public var createdAt: Date
    public var updatedAt: Date
    public var packageVersion: String?
    /// Set when this deployment is an update of another.
    public var updateOf: String?

    public init(id: String, state: DeploymentState, currentStep: DeploymentStepKind?, url: String?, createdAt: Date, updatedAt: Date,
                packageVersion: String? = nil, updateOf: String? = nil) {
        self.packageVersion = packageVersion
        self.updateOf = updateOf
        self.id = id
        self.state = state
        self.currentStep = currentStep
        self.url = url
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}
