import Foundation
@testable import TechFlunkyCore

/// Sample values shared by the Core tests. Dates sit on whole milliseconds, the wire's precision.
enum Fixtures {
    static let date = Date(timeIntervalSince1970: 1_795_000_000.125)
    static let later = Date(timeIntervalSince1970: 1_795_259_200.5)

    static let seller = SellerSummary(id: "acc_seller", displayName: "Nadia Flores", memberSince: date, listingsCount: 4)

    static let manifest = PackageManifest(
        id: "pkg_recipebox",
        name: "RecipeBox",
        slug: "recipebox",
        version: "1.4.2",
        cloudflare: CloudflareResources(
            workers: [
                WorkerSpec(
                    name: "recipebox-api", main: "workers/api/index.js", modules: ["workers/api/lib.js"],
                    compatibilityDate: "2024-09-23",
                    bindings: [
                        WorkerBinding(type: .d1, name: "DB", database: "recipebox-db"),
                        WorkerBinding(type: .r2Bucket, name: "PHOTOS", bucket: "recipebox-photos"),
                        WorkerBinding(type: .plainText, name: "PLAN", text: "pro"),
                    ],
                    vars: ["SITE_NAME": "RecipeBox"], secrets: ["SESSION_SECRET"], routes: ["/*"]
                ),
            ],
            d1Databases: [D1DatabaseSpec(name: "recipebox-db", migrations: ["migrations/0001_init.sql", "migrations/0002_tags.sql"])],
            r2Buckets: [
                R2BucketSpec(name: "recipebox-photos", cors: [
                    CORSRule(allowed: .init(origins: ["*"], methods: ["GET", "PUT"], headers: ["content-type"]), maxAgeSeconds: 3600),
                ]),
            ],
            dnsRecords: [
                DNSRecordSpec(type: "CNAME", name: "www", content: "{{workers_dev}}", ttl: 1, proxied: true),
                DNSRecordSpec(type: "MX", name: "@", content: "mx1.mail.example.net", ttl: 3600, priority: 10),
            ],
            smokeChecks: [SmokeCheckSpec(worker: "recipebox-api", path: "/health", expectStatus: 200, expectBody: "ok")]
        ),
        businessAssets: ["marketResearch": "assets/market-research.md", "businessPlan": "assets/business-plan.md"]
    )

    /// The files a bundle for `manifest` holds.
    static let manifestFiles: Set<String> = [
        "techflunky.json", "workers/api/index.js", "workers/api/lib.js", "migrations/0001_init.sql",
        "migrations/0002_tags.sql", "assets/market-research.md", "assets/business-plan.md",
    ]

    static let summary = ListingSummary(
        id: "lst_1", slug: "recipebox", title: "RecipeBox — meal planning SaaS", tagline: "Plans, lists, photos",
        category: "SaaS", askingPrice: .usd(4_500_000), monthlyRevenue: .usd(310_000), monthlyProfit: .usd(190_000),
        ageMonths: 27, techStack: ["Workers", "D1", "R2"], monthlyVisitors: 18_400, seller: seller, createdAt: date
    )

    static let listing = Listing(
        summary: summary, description: "Café-grade recipes.\n\nSecond paragraph — with an em dash.", package: manifest,
        assets: [BusinessAsset(kind: "marketResearch", path: "assets/market-research.md", bytes: 2_048)],
        status: .active, updatedAt: later
    )

    static let deploymentSummary = DeploymentSummary(
        id: "dep_1", state: .running, currentStep: .uploadWorkers, url: nil, createdAt: date, updatedAt: later
    )

    static let order = Order(
        id: "ord_1", listingSlug: "recipebox", listingTitle: "RecipeBox", buyerId: "acc_buyer", sellerId: "acc_seller",
        state: .inReview, amount: .usd(4_500_000), platformFee: .usd(675_000), sellerShare: .usd(3_825_000),
        checkoutSessionId: "cs_test_1", checkoutURL: "http://127.0.0.1:4242/c/pay/cs_test_1", createdAt: date,
        paidAt: date, holdUntil: later, releasedAt: nil, deployments: [deploymentSummary]
    )

    static let resource = CreatedResource(kind: "d1_database", id: "9f1c0a2e", name: "tf-ord1-recipebox-db", created: true, step: .createDatabases)

    static let deployment = Deployment(
        id: "dep_1", orderId: "ord_1", listingSlug: "recipebox", accountId: "023e105f4ecef8ad9ca31a8372d0c353",
        domain: "recipes.example.com", state: .failed,
        steps: DeploymentStepKind.allCases.map { kind in
            kind.number < 3 ? DeploymentStep(kind: kind, state: .succeeded, startedAt: date, finishedAt: later, log: ["ok"])
                : kind == .createDatabases ? DeploymentStep(kind: kind, state: .failed, startedAt: date, finishedAt: later,
                                                            message: "migration 0002 failed", errorCode: 7500, log: ["running 0001", "running 0002"])
                : DeploymentStep(kind: kind)
        },
        resources: [resource], url: nil, lastMessage: "migration 0002 failed", lastEventId: 12, createdAt: date, updatedAt: later
    )

    static let payout = Payout(
        orderId: "ord_1", listingSlug: "recipebox", listingTitle: "RecipeBox", soldAt: date, gross: .usd(4_500_000),
        fee: .usd(675_000), net: .usd(3_825_000), state: .frozen, holdUntil: later, releasedAt: nil, transferId: nil,
        reason: "deployment failed in create_databases"
    )

    static let event = DeploymentEvent(
        seq: 7, deploymentId: "dep_1", kind: .step, at: date, step: .createDatabases, stepState: .failed,
        message: "migration 0002 failed", errorCode: 7500
    )
}
