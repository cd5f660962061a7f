import Foundation
import Hummingbird
import TechFlunkyClient
import TechFlunkyCore
import XCTest

/// Dynamic shell completions through the real binary: the hidden `__complete` command and the hook the generated
/// scripts call (argument-parser's `---completion`), against a live platform and a hostile or silent one.
final class CompletionCommandTests: XCTestCase {
    private var home: URL!

    override func setUpWithError() throws {
        guard FileManager.default.isExecutableFile(atPath: CommandOutputTests.binary) else {
            throw XCTSkip("build the techflunky product first (swift build --build-tests builds it)")
        }
        home = FileManager.default.temporaryDirectory.appendingPathComponent("tf-complete-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
    }

    override func tearDown() {
        try? FileManager.default.removeItem(at: home)
    }

    private func run(_ arguments: [String], environment: [String: String] = [:]) throws -> CommandOutputTests.Run {
        try Self.run(arguments, home: home, environment: environment)
    }

    private static func run(_ arguments: [String], home: URL, environment: [String: String] = [:]) throws -> CommandOutputTests.Run {
        // Its own data directory: a Tab must never start a sandbox daemon, and none runs there.
        var env = ["XDG_DATA_HOME": home.appendingPathComponent("data").path]
        for (key, value) in environment { env[key] = value }
        return try CommandOutputTests.run(arguments, home: home, environment: env)
    }

    func testSlugsComeFromThePlatformFilteredByWhatIsTyped() async throws {
        try await forEachServerEngine { engine in try await LivePlatform.with(syntheticListings: 5, on: engine) { platform in
            let slugs = try await PlatformClient(baseURL: platform.baseURL).listings(ListingQuery(limit: 100)).items.map(\.slug)
            XCTAssertEqual(slugs.count, 5)
            let all = try self.run(["__complete", "listings", "--api", platform.baseURL])
            XCTAssertEqual(all.status, 0, all.stderr)
            XCTAssertEqual(Set(all.stdout.split(separator: "\n").map(String.init)), Set(slugs))

            let first = slugs[0]
            let prefix = String(first.prefix(first.count - 1))
            let some = try self.run(["__complete", "listings", prefix, "--api", platform.baseURL])
            XCTAssertEqual(some.stdout.split(separator: "\n").map(String.init), slugs.filter { $0.hasPrefix(prefix) })

            // The hook the generated scripts call for `show <Tab>`, with the command line's own --api.
            let script = try self.run(["--generate-completion-script", "bash"])
            XCTAssertTrue(script.stdout.contains("---completion show -- positional@0"), "the bash script asks the binary for slugs")
            // As bash calls it for `techflunky show --api URL <Tab>`: the word being completed (4), the cursor in it, the words.
            let hook = try self.run(["---completion", "show", "--", "positional@0", "4", "0", "techflunky", "show", "--api", platform.baseURL, ""])
            XCTAssertEqual(hook.status, 0, hook.stderr)
            XCTAssertEqual(Set(hook.stdout.split(separator: "\n").map(String.init)), Set(slugs), hook.stdout)
        } }
    }

    func testOrderAndDeploymentIdsAreTheSignedInBuyersAndHostileOnesAreDropped() async throws {
        let at = Date(timeIntervalSince1970: 1_700_000_000)
        func order(_ id: String, deployments: [String]) -> Order {
            Order(id: id, listingSlug: "shop", listingTitle: "Shop", buyerId: "acct_b", sellerId: "acct_s", state: .paid, amount: .usd(100_00),
                  platformFee: .usd(15_00), sellerShare: .usd(85_00), createdAt: at,
                  deployments: deployments.enumerated().map { i, id in
                      DeploymentSummary(id: id, state: .succeeded, currentStep: nil, url: nil, createdAt: at.addingTimeInterval(Double(i)), updatedAt: at)
                  })
        }
        let orders = OrdersResponse(orders: [
            order("ord_one", deployments: ["dep_old", "dep_new"]),
            order("ord_two\u{1B}]0;pwned\u{07}", deployments: ["dep $(rm -rf ~)"]),
            order("ord three", deployments: []),
        ])
        try await LoopbackServer.run({ router in
            router.get("api/orders") { request, _ -> Response in
                guard request.headers[.authorization] == "Bearer tok_buyer" else {
                    return try Response.wire(APIErrorBody(code: APIErrorCode.unauthorized, message: "sign in"), status: .unauthorized)
                }
                return try Response.wire(orders)
            }
        }) { [home] base in
            let home = home!
            let ids = try Self.run(["__complete", "orders", "--api", base], home: home, environment: ["TECHFLUNKY_TOKEN": "tok_buyer"])
            XCTAssertEqual(ids.status, 0, ids.stderr)
            XCTAssertEqual(ids.stdout, "ord_one\n", "hostile ids are dropped, never printed")
            let deployments = try Self.run(["__complete", "deployments", "--api", base], home: home, environment: ["TECHFLUNKY_TOKEN": "tok_buyer"])
            XCTAssertEqual(deployments.stdout, "dep_new\ndep_old\n", "newest first")
            let signedOut = try Self.run(["__complete", "orders", "--api", base], home: home)
            XCTAssertEqual(signedOut.status, 0)
            XCTAssertEqual(signedOut.stdout, "", "a refusal completes nothing")
            XCTAssertEqual(signedOut.stderr, "", "and says nothing into the shell")
        }
    }

    func testAnUnreachableOrSilentPlatformCompletesNothingAndStartsNoSandbox() async throws {
        let down = try run(["__complete", "listings", "--api", "http://127.0.0.1:\(try PlatformClientErrorTests.freePort())"])
        XCTAssertEqual(down.status, 0)
        XCTAssertEqual(down.stdout, "")
        XCTAssertEqual(down.stderr, "")
        // Nothing configured and no daemon running: nothing, and no daemon started for a Tab.
        let local = try run(["__complete", "listings"])
        XCTAssertEqual(local.status, 0)
        XCTAssertEqual(local.stdout, "")
        let data = home.appendingPathComponent("data/techflunky")
        XCTAssertFalse(FileManager.default.fileExists(atPath: data.appendingPathComponent("daemon.json").path), "no sandbox was started")
        // A platform that accepts the connection and never answers: given up on, nothing printed.
        try await LoopbackServer.run({ router in
            router.get("api/listings") { _, _ -> Response in
                try await Task.sleep(for: .seconds(30))
                return Response(status: .ok)
            }
        }) { [home] base in
            let silent = try Self.run(["__complete", "listings", "--api", base], home: home!)
            XCTAssertEqual(silent.status, 0)
            XCTAssertEqual(silent.stdout, "")
        }
    }
}
