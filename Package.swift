// swift-tools-version:6.0
// TechFlunky: a marketplace of ready-to-run software businesses, in a terminal.
// Module map and import rules: docs/architecture.md (and ../shared/DESIGN.md).
import PackageDescription

let package = Package(
    name: "techflunky",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "techflunky", targets: ["techflunky"]),
        .executable(name: "techflunky-bench", targets: ["TechFlunkyBench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.0.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.80.0"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.24.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.0.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.0.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.0.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.0"),
        // `serve --database postgres://…`: the platform's second storage engine.
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        // System libraries, each with a header of typed static-inline shims for what Swift cannot import.
        .systemLibrary(
            name: "CNCursesW", pkgConfig: "ncursesw",
            providers: [.apt(["libncursesw5-dev"]), .brew(["ncurses"])]
        ),
        .systemLibrary(
            name: "CCurl", pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"]), .brew(["curl"])]
        ),

        .systemLibrary(
            name: "CZlib", pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"]), .brew(["zlib"])]
        ),

        // Domain types and rules. No I/O.
        .target(name: "TechFlunkyCore"),

        // Text for a terminal: sanitising, display width, glyphs, layout, formatting. Shared by the TUI and the CLI.
        .target(name: "TechFlunkyText"),

        // Package bundles as .tar.gz: gzip through zlib, tar, and the checks before anything is extracted.
        .target(name: "TechFlunkyArchive", dependencies: ["CZlib"]),

        // The one HTTP client of the project (libcurl).
        .target(name: "TechFlunkyHTTP", dependencies: ["CCurl", "TechFlunkyCore"]),

        // Service layer: typed platform calls, event streams, configuration.
        .target(
            name: "TechFlunkyClient",
            dependencies: [
                "TechFlunkyHTTP", "TechFlunkyText", "TechFlunkyCore",
                .product(name: "TOMLKit", package: "TOMLKit"),
            ]
        ),

        // The platform API server.
        .target(
            name: "TechFlunkyPlatform",
            dependencies: [
                "TechFlunkyCore", "TechFlunkyHTTP", "TechFlunkyArchive",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "GRDB", package: "GRDB.swift"),
                // SQLite's C API, for the FTS5 ranking function (ListingRankFunction).
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                // HTTP parts as the server pipeline carries them, for ListingPageFastPath.
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                // `GET /metrics`: swift-metrics' API, recorded into a Prometheus registry the platform owns.
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                // `serve --tls-cert/--tls-key`: TLS 1.3 through swift-nio-ssl.
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "HummingbirdHTTP2", package: "hummingbird"),
                // The per-handshake certificate callback, so SIGHUP can swap a renewed certificate in.
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                // The PostgreSQL engine (Storage/Postgres): connections, pool, LISTEN/NOTIFY.
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            exclude: ["README.md"]
        ),

        // The generated demo catalog (scripts/demo_catalog), data only: linked by the executable and the tests,
        // never by the platform, which is handed the directory (`PlatformConfiguration.demoCatalog`).
        .target(name: "TechFlunkyDemoCatalog", resources: [.copy("DemoCatalog")]),

        // Offline Stripe and Cloudflare stand-ins speaking their wire formats.
        .target(
            name: "TechFlunkySandbox",
            dependencies: [
                "TechFlunkyCore",
                // Webhook delivery goes out through the project's one HTTP client.
                "TechFlunkyHTTP",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),

        // The terminal UI.
        .target(
            name: "TechFlunkyTUI",
            dependencies: [
                "CNCursesW", "TechFlunkyClient", "TechFlunkyText", "TechFlunkyCore",
                .product(name: "TOMLKit", package: "TOMLKit"),
            ]
        ),

        // The binary: argument parsing and wiring of the embedded default.
        .executableTarget(
            name: "techflunky",
            dependencies: [
                "TechFlunkyCore", "TechFlunkyHTTP", "TechFlunkyClient", "TechFlunkyPlatform",
                "TechFlunkySandbox", "TechFlunkyText", "TechFlunkyTUI", "TechFlunkyDemoCatalog", "TechFlunkyArchive",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            // The release binary carries the Swift runtime and Foundation inside it (what `--static-swift-stdlib`
            // does, here so `swift build -c release --product techflunky` and `make run` get it): 1.5x faster to
            // start, no ten shared libraries to load and relocate. Foundation's own archives are named: the modules
            // the code was compiled against autolink only the shared libraries' names, not the static ones' parts
            // (CoreFoundation, ICU, the C shims). Linked by lld with packed relative relocations (DT_RELR) and no
            // exported symbol table (the static-stdlib default exports every symbol): the UI then keeps 3.3 MB of
            // relocations and 2 MB of symbols out of memory (issue 20: RSS after scrolling 44 MB -> 35 MB).
            // HotSymbols.order (written by scripts/symbol-order from a callgrind run of the UI scrolling the
            // catalog) puts the code the UI runs together at the front of the text: the kernel maps code 64 KB
            // around each fault, so scattered hot functions kept half of the 36 MB of code resident (issue 20: code
            // resident after scrolling 18.1 MB -> 7 MB, RSS 40 MB -> 30 MB).
            exclude: ["HotSymbols.order"],
            linkerSettings: [.unsafeFlags(["-static-stdlib", "-Xlinker", "--start-group", "-Xlinker", "-lCoreFoundation",
                                           "-Xlinker", "-l_FoundationICU", "-Xlinker", "-l_FoundationCShims",
                                           "-Xlinker", "-l_FoundationCollections", "-Xlinker", "--end-group",
                                           "-use-ld=lld", "-Xlinker", "-z", "-Xlinker", "pack-relative-relocs",
                                           "-Xlinker", "--no-export-dynamic",
                                           "-Xlinker", "--symbol-ordering-file=\(Context.packageDirectory)/Sources/techflunky/HotSymbols.order",
                                           "-Xlinker", "--no-warn-symbol-ordering"],
                                          .when(platforms: [.linux], configuration: .release))]
        ),

        // In-process benchmarks for `make bench` (figures, never assertions).
        .executableTarget(
            name: "TechFlunkyBench",
            dependencies: [
                "TechFlunkyCore", "TechFlunkyClient", "TechFlunkyHTTP", "TechFlunkyPlatform", "TechFlunkyTUI",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]
        ),

        .testTarget(name: "TechFlunkyCoreTests", dependencies: ["TechFlunkyCore"]),
        .testTarget(name: "TechFlunkyTextTests", dependencies: ["TechFlunkyText"]),
        .testTarget(name: "TechFlunkyArchiveTests", dependencies: ["TechFlunkyArchive"]),
        .testTarget(name: "TechFlunkyHTTPTests", dependencies: [
            "TechFlunkyHTTP", "TechFlunkyCore",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdHTTP2", package: "hummingbird"),
        ]),
        .testTarget(name: "TechFlunkyClientTests", dependencies: [
            "TechFlunkyClient", "TechFlunkyPlatform", "TechFlunkySandbox", "TechFlunkyText", "TechFlunkyCore", "TechFlunkyDemoCatalog",
            "TechFlunkyArchive", "TechFlunkyHTTP",
            .product(name: "Hummingbird", package: "hummingbird"),
        ]),
        .testTarget(name: "TechFlunkyPlatformTests", dependencies: [
            "TechFlunkyPlatform", "TechFlunkySandbox", "TechFlunkyHTTP", "TechFlunkyCore", "TechFlunkyDemoCatalog", "TechFlunkyArchive",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdTesting", package: "hummingbird"),
        ]),
        .testTarget(name: "TechFlunkySandboxTests", dependencies: [
            "TechFlunkySandbox", "TechFlunkyHTTP", "TechFlunkyCore",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdTesting", package: "hummingbird"),
        ]),
        .testTarget(name: "TechFlunkyTUITests", dependencies: ["TechFlunkyTUI", "TechFlunkyText", "TechFlunkyClient", "TechFlunkyCore", "TechFlunkyHTTP"],
                    exclude: ["Goldens"]),
        // Drives the real binary in tmux; needs the `techflunky` product built first.
        .testTarget(name: "EndToEndTests", dependencies: ["TechFlunkyCore", "TechFlunkySandbox", "TechFlunkyClient", "TechFlunkyHTTP"]),
    ]
)
