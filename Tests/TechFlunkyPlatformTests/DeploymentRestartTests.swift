import Foundation
import TechFlunkyCore
import TechFlunkyHTTP
import XCTest

#if canImport(Glibc)
import Glibc
#endif

/// The real `techflunky serve --sandbox`, killed with SIGKILL in the middle of a deployment and
/// started again on the same data directory: the deployment is `interrupted`, and a retry with the
/// token finishes it. Needs the `techflunky` product built (`swift build --product techflunky`).
final class DeploymentRestartTests: XCTestCase {
    /// A running `techflunky serve` child process and the URLs it printed.
    final class Server: @unchecked Sendable {
        // @unchecked: `lock` guards `output`; `process` is only touched by the test's task.
        let process = Process()
        private let lock = NSLock()
        private var output = ""
        private(set) var platformURL = ""
        private(set) var sandboxURL = ""

        init(binary: URL, dataDir: URL) throws {
            // stdout is a pipe, so the child's stdio would hold the "listening" lines in its buffer: unbuffer it.
            process.executableURL = URL(fileURLWithPath: "/usr/bin/stdbuf")
            process.arguments = ["-oL", binary.path, "serve", "--sandbox", "--port", "0", "--host", "127.0.0.1", "--data-dir", dataDir.path]
            var env = ProcessInfo.processInfo.environment
            env["LOG_LEVEL"] = "warning"
            process.environment = env
            let pipe = Pipe()
            process.standardOutput = pipe
            process.standardError = FileHandle.nullDevice
            pipe.fileHandleForReading.readabilityHandler = { [weak self] handle in
                let data = handle.availableData
                guard let self, !data.isEmpty else { return }
                self.lock.withLock { self.output += String(decoding: data, as: UTF8.self) }
            }
            try process.run()
        }

        func waitUntilListening() async throws {
            for _ in 0..<600 {
                let text = lock.withLock { output }
                if let p = Self.url(after: "techflunky platform listening on ", in: text),
                   let s = Self.url(after: "sandbox stand-ins (Stripe, Cloudflare) on ", in: text) {
                    platformURL = p
                    sandboxURL = s
                    return
                }
                if !process.isRunning { throw ServerError("techflunky serve exited: \(text)") }
                try await Task.sleep(nanoseconds: 50_000_000)
            }
            throw ServerError("techflunky serve did not start in 30 s: \(lock.withLock { output })")
        }

        static func url(after marker: String, in text: String) -> String? {
            guard let r = text.range(of: marker) else { return nil }
            let rest = text[r.upperBound...]
            return rest.split(whereSeparator: \.isNewline).first.map { String($0).trimmingCharacters(in: .whitespaces) }
        }

        func kill() {
            Glibc.kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }

        func stop() {
            if process.isRunning {
                process.terminate()
                process.waitUntilExit()
            }
        }
    }

    struct ServerError: Error, CustomStringConvertible {
        var description: String
        init(_ d: String) { description = d }
    }

    let http = CurlHTTPClient()

    func call<T: Decodable>(_ method: HTTPMethod, _ url: String, token: String? = nil, body: (some Encodable)? = Optional<String>.none,
                            headers extra: [(String, String)] = [], as type: T.Type, expect: Int) async throws -> T {
        var headers: HTTPHeaders = ["Content-Type": "application/json", "Accept": "application/json"]
        if let token { headers["Authorization"] = "Bearer \(token)" }
        for (k, v) in extra { headers[k] = v }
        let response = try await http.send(HTTPRequest(method: method, url: url, headers: headers, body: try body.map { try WireJSON.encode($0) }))
        XCTAssertEqual(response.status, expect, "\(method) \(url): \(String(decoding: response.body, as: UTF8.self))")
        return try WireJSON.decode(T.self, from: response.body)
    }

    func snapshot(_ server: Server, _ id: String, token: String) async throws -> Deployment {
        try await call(.GET, "\(server.platformURL)/api/deploy?deploymentId=\(id)", token: token, as: Deployment.self, expect: 200)
    }

    func testKilledServerLeavesTheDeploymentInterruptedAndRetryFinishesIt() async throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let binary = root.appendingPathComponent(".build/debug/techflunky")
        guard FileManager.default.isExecutableFile(atPath: binary.path), FileManager.default.isExecutableFile(atPath: "/usr/bin/stdbuf") else {
            throw XCTSkip("build the binary first: swift build --product techflunky")
        }
        let dataDir = FileManager.default.temporaryDirectory.appendingPathComponent("deploy-restart-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dataDir, withIntermediateDirectories: true)

        var server = try Server(binary: binary, dataDir: dataDir)
        defer { server.stop() }
        try await server.waitUntilListening()
        let api = server.platformURL

        // A buyer pays for a demo listing with the test card.
        let auth = try await call(.POST, "\(api)/api/auth/signup",
                                  body: SignupRequest(email: "restart@example.com", password: "correct horse battery staple", displayName: "Restart"),
                                  as: AuthResponse.self, expect: 201)
        let page = try await call(.GET, "\(api)/api/listings?limit=1&sort=newest", token: auth.token, as: ListingPage.self, expect: 200)
        let slug = try XCTUnwrap(page.items.first?.slug)
        let checkout = try await call(.POST, "\(api)/api/checkout/create-session", token: auth.token, body: CreateCheckoutSessionRequest(listingSlug: slug),
                                      headers: [("Idempotency-Key", UUID().uuidString)], as: CheckoutSessionResponse.self, expect: 200)
        _ = try await call(.POST, "\(api)/api/sandbox/pay", token: auth.token, body: SandboxPayRequest(orderId: checkout.orderId), as: Order.self, expect: 200)
        var paid = false
        for _ in 0..<100 where !paid {
            let order = try await call(.GET, "\(api)/api/orders/\(checkout.orderId)", token: auth.token, as: Order.self, expect: 200)
            paid = order.isDeployable
            if !paid { try await Task.sleep(nanoseconds: 100_000_000) }
        }
        XCTAssertTrue(paid, "the webhook marked the order paid")

        // The stand-in's demo account, with every Cloudflare call slowed so the kill lands mid-run.
        struct Demo: Decodable { var accountId: String; var token: String }
        let demo = try await call(.GET, "\(server.sandboxURL)/sandbox/cloudflare/demo", as: Demo.self, expect: 200)
        struct Fault: Encodable { var match = "/client/v4/**"; var status = 0; var delayMs = 150; var times: Int? = nil }
        _ = try await http.send(HTTPRequest(method: .POST, url: "\(server.sandboxURL)/sandbox/faults", headers: ["Content-Type": "application/json"],
                                            body: try JSONEncoder().encode(Fault())))
        let credentials = CloudflareCredentials(accountId: demo.accountId, apiToken: CloudflareAPIToken(demo.token))
        let accepted = try await call(.POST, "\(api)/api/deploy", token: auth.token, body: DeployRequest(orderId: checkout.orderId, cloudflare: credentials),
                                      as: DeployAccepted.self, expect: 202)

        var midway = try await snapshot(server, accepted.deploymentId, token: auth.token)
        for _ in 0..<600 where !midway.steps.contains(where: { $0.state == .running && $0.kind.number >= 3 }) {
            try await Task.sleep(nanoseconds: 20_000_000)
            midway = try await snapshot(server, accepted.deploymentId, token: auth.token)
        }
        XCTAssertEqual(midway.state, .running)
        server.kill()

        server = try Server(binary: binary, dataDir: dataDir)
        try await server.waitUntilListening()
        let interrupted = try await snapshot(server, accepted.deploymentId, token: auth.token)
        XCTAssertEqual(interrupted.state, .interrupted, interrupted.lastMessage ?? "")
        XCTAssertTrue(interrupted.steps.contains { $0.state == .failed }, "the step that was running says it was interrupted")

        _ = try await call(.POST, "\(server.platformURL)/api/deploy/\(accepted.deploymentId)/retry", token: auth.token,
                           body: DeployCredentialsRequest(cloudflare: credentials), as: DeployAccepted.self, expect: 202)
        var done = interrupted
        for _ in 0..<600 where !(done.state == .succeeded || done.state == .failed) {
            try await Task.sleep(nanoseconds: 50_000_000)
            done = try await snapshot(server, accepted.deploymentId, token: auth.token)
        }
        XCTAssertEqual(done.state, .succeeded, done.lastMessage ?? "")
        let keys = done.resources.map { "\($0.kind) \($0.name)" }
        XCTAssertEqual(Set(keys).count, keys.count, "no resource twice")
        XCTAssertTrue(done.steps.allSatisfy { $0.state == .succeeded || $0.state == .skipped })

        // The token is nowhere under the data directory (platform database, stand-in state aside from its own token store).
        server.stop()
        let needle = Data(demo.token.utf8)
        let platformFiles = FileManager.default.enumerator(at: dataDir, includingPropertiesForKeys: nil)?.compactMap { $0 as? URL }
            .filter { !$0.path.contains("/sandbox") } ?? []
        XCTAssertFalse(platformFiles.isEmpty)
        for file in platformFiles {
            XCTAssertNil(((try? Data(contentsOf: file)) ?? Data()).range(of: needle), "token in \(file.path)")
        }
    }
}
