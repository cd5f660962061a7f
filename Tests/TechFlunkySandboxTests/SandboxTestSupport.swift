import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import XCTest
@testable import TechFlunkySandbox

/// A sandbox on a live loopback port with a fresh data directory, and a client for it.
struct LiveSandbox {
    let server: SandboxServer
    let dataDir: URL
    let client: TestClient
    /// A directory the helper made itself is removed on stop; one a test passed in (restarts) is kept.
    let ownsDataDir: Bool

    static func start(dataDir: URL? = nil, webhookURL: String? = nil, secret: String = "whsec_test_secret",
                      maxAttempts: Int = 12, rateLimit: Int = 1_200, clock: MovableClock = MovableClock()) async throws -> LiveSandbox {
        let dir = dataDir ?? FileManager.default.temporaryDirectory.appendingPathComponent("sandbox-test-\(UUID().uuidString)")
        let server = try await SandboxServer.start(SandboxConfiguration(
            dataDir: dir, stripeWebhookURL: webhookURL, stripeWebhookSecret: secret, webhookMaxAttempts: maxAttempts,
            cloudflareRateLimit: rateLimit, clock: clock))
        let client = TestClient(host: "127.0.0.1", port: server.port)
        client.connect()
        return LiveSandbox(server: server, dataDir: dir, client: client, ownsDataDir: dataDir == nil)
    }

    func stop() async {
        try? await client.shutdown()
        await server.stop()
        if ownsDataDir { try? FileManager.default.removeItem(at: dataDir) }
    }

    func request(_ method: HTTPRequest.Method, _ uri: String, headers: [(String, String)] = [], body: String? = nil) async throws -> (status: Int, headers: HTTPFields, json: JSONValue, text: String) {
        var fields = HTTPFields()
        for (name, value) in headers { fields.append(HTTPFields.Element(name: .init(name)!, value: value)) }
        let response = try await client.execute(TestClient.Request(uri, method: method, headers: fields,
                                                                    body: body.map { ByteBuffer(string: $0) }))
        let text = response.body.map { String(buffer: $0) } ?? ""
        let json = (try? JSONValue.decode(Data(text.utf8))) ?? .null
        return (Int(response.status.code), response.headers, json, text)
    }

    static let key = "sk_test_sandbox_key"

    func stripe(_ method: HTTPRequest.Method, _ path: String, _ pairs: [(String, String)] = [], idempotencyKey: String? = nil,
                key: String? = LiveSandbox.key) async throws -> (status: Int, headers: HTTPFields, json: JSONValue) {
        var headers: [(String, String)] = []
        if let key { headers.append(("Authorization", "Bearer \(key)")) }
        if let idempotencyKey { headers.append(("Idempotency-Key", idempotencyKey)) }
        let encoded = StripeForm.encode(pairs)
        if method == .get {
            let r = try await request(method, encoded.isEmpty ? path : "\(path)?\(encoded)", headers: headers)
            return (r.status, r.headers, r.json)
        }
        headers.append(("Content-Type", "application/x-www-form-urlencoded"))
        let r = try await request(method, path, headers: headers, body: encoded)
        return (r.status, r.headers, r.json)
    }

    func sandbox(_ path: String, _ body: JSONValue = [:]) async throws -> (status: Int, json: JSONValue) {
        let r = try await request(.post, path, headers: [("Content-Type", "application/json")],
                                  body: String(decoding: body.encoded(), as: UTF8.self))
        return (r.status, r.json)
    }

    static let sessionForm: [(String, String)] = [
        ("mode", "payment"),
        ("line_items[0][price_data][currency]", "usd"),
        ("line_items[0][price_data][unit_amount]", "250000"),
        ("line_items[0][price_data][product_data][name]", "Invoice SaaS <starter>"),
        ("line_items[0][quantity]", "1"),
        ("payment_intent_data[transfer_group]", "ord_123"),
        ("client_reference_id", "ord_123"),
        ("metadata[order_id]", "ord_123"),
        ("success_url", "http://127.0.0.1:9/success?session={CHECKOUT_SESSION_ID}"),
        ("cancel_url", "http://127.0.0.1:9/cancel"),
    ]

    func createSession(_ extra: [(String, String)] = []) async throws -> JSONValue {
        let r = try await stripe(.post, "/v1/checkout/sessions", LiveSandbox.sessionForm + extra)
        XCTAssertEqual(r.status, 200, "\(r.json)")
        return r.json
    }

    func createSessionId() async throws -> String {
        let session = try await createSession()
        return try XCTUnwrap(session["id"]?.stringValue)
    }

    /// Creates an Express account and completes its onboarding.
    func onboardedAccount() async throws -> String {
        let a = try await stripe(.post, "/v1/accounts", [("type", "express"), ("capabilities[transfers][requested]", "true")])
        let id = try XCTUnwrap(a.json["id"]?.stringValue)
        let done = try await sandbox("/sandbox/accounts/\(id)/complete-onboarding")
        XCTAssertEqual(done.status, 200)
        return id
    }
}

/// A loopback HTTP endpoint that records what it receives (the platform's webhook route, in tests).
actor WebhookReceiver {
    struct Delivery: Sendable {
        var body: Data
        var signature: String?
    }

    private(set) var deliveries: [Delivery] = []
    private var failuresLeft: Int
    private var task: Task<Void, Error>?
    private(set) var url = ""

    init(failFirst: Int = 0) { failuresLeft = failFirst }

    func start() async throws {
        let router = Router()
        router.post("/webhook") { request, _ -> Response in
            let buffer = try await request.body.collect(upTo: 1 << 20)
            let signature = request.headers.first { $0.name.canonicalName == "stripe-signature" }?.value
            let status = await self.record(Delivery(body: Data(buffer.readableBytesView), signature: signature))
            return Response(status: .init(code: status))
        }
        let (stream, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                              onServerRunning: { channel in
                                  continuation.yield(channel.localAddress?.port ?? 0)
                                  continuation.finish()
                              })
        task = Task { try await app.run() }
        var port = 0
        for await p in stream { port = p }
        url = "http://127.0.0.1:\(port)/webhook"
    }

    func stop() async {
        task?.cancel()
        _ = await task?.result
    }

    private func record(_ delivery: Delivery) -> Int {
        deliveries.append(delivery)
        if failuresLeft > 0 {
            failuresLeft -= 1
            return 500
        }
        return 200
    }

    /// Waits (up to `seconds`) until at least `count` deliveries arrived.
    func waitFor(_ count: Int, seconds: Double = 10) async -> [Delivery] {
        let deadline = Date().addingTimeInterval(seconds)
        while deliveries.count < count && Date() < deadline {
            try? await Task.sleep(for: .milliseconds(50))
        }
        return deliveries
    }
}

func temporaryDirectory() -> URL {
    FileManager.default.temporaryDirectory.appendingPathComponent("sandbox-test-\(UUID().uuidString)")
}
