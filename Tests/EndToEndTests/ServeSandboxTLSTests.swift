import Foundation
import XCTest

/// `techflunky serve --sandbox --tls-cert --tls-key`: the platform speaks TLS 1.3 and the Stripe stand-in delivers
/// its signed webhooks over HTTPS, verifying the certificate: a test-card payment reaches the order.
final class ServeSandboxTLSTests: XCTestCase {
    func tool(_ name: String, _ arguments: [String], in directory: URL, environment: [String: String] = [:]) throws -> (status: Int32, output: Data) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [name] + arguments
        process.currentDirectoryURL = directory
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        process.environment = env
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, data)
    }

    func json(_ data: Data) throws -> [String: Any] {
        try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any], String(decoding: data, as: UTF8.self))
    }

    func testServeSandboxWithTLSDeliversWebhooksOverHTTPSAndAPaymentArrives() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tf-tls-sbx-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        // A throwaway CA and a certificate for 127.0.0.1 signed by it (docs/operations.md).
        let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        try "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n".write(to: dir.appendingPathComponent("server.ext"), atomically: true, encoding: .utf8)
        for step in [["req", "-x509"] + ec + ["-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=Test CA",
                                             "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"],
                     ["req"] + ec + ["-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=127.0.0.1"],
                     ["x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", "server.pem",
                      "-days", "2", "-extfile", "server.ext"]] {
            let status = try tool("openssl", step, in: dir).status
            if status == 127 { throw XCTSkip("openssl is not installed") }
            XCTAssertEqual(status, 0, "openssl \(step.joined(separator: " "))")
        }
        let ca = dir.appendingPathComponent("ca.pem").path

        let serve = Process()
        serve.executableURL = URL(fileURLWithPath: BuiltBinary.path)
        serve.arguments = ["serve", "--sandbox", "--pace", "instant", "--port", "0", "--data-dir", dir.appendingPathComponent("data").path,
                           "--tls-cert", dir.appendingPathComponent("server.pem").path, "--tls-key", dir.appendingPathComponent("server.key").path]
        var env = ProcessInfo.processInfo.environment
        env["TECHFLUNKY_CACERT"] = ca
        env["LOG_LEVEL"] = "warning"
        serve.environment = env
        let stdout = dir.appendingPathComponent("serve.out")
        FileManager.default.createFile(atPath: stdout.path, contents: nil)
        serve.standardOutput = try FileHandle(forWritingTo: stdout)
        serve.standardError = FileHandle.nullDevice
        try serve.run()
        defer {
            serve.terminate()
            serve.waitUntilExit()
        }
        // The demo catalog is loaded before the port opens.
        var base: String?
        let deadline = Date().addingTimeInterval(120)
        while base == nil, Date() < deadline, serve.isRunning {
            let text = (try? String(contentsOf: stdout, encoding: .utf8)) ?? ""
            if let range = text.range(of: #"listening on https://127\.0\.0\.1:\d+"#, options: .regularExpression) {
                base = String(text[range].dropFirst("listening on ".count))
            } else {
                Thread.sleep(forTimeInterval: 0.2)
            }
        }
        let api = try XCTUnwrap(base, "serve printed its https address: \((try? String(contentsOf: stdout, encoding: .utf8)) ?? "")")

        func curl(_ method: String, _ path: String, token: String? = nil, body: String? = nil, extra: [String] = []) throws -> Data {
            var arguments = ["-sS", "--fail-with-body", "--cacert", ca, "--tlsv1.3", "-X", method, api + path, "-H", "Content-Type: application/json"]
            if let token { arguments += ["-H", "Authorization: Bearer \(token)"] }
            if let body { arguments += ["-d", body] }
            let result = try tool("curl", arguments + extra, in: dir)
            XCTAssertEqual(result.status, 0, "\(method) \(path): \(String(decoding: result.output, as: UTF8.self))")
            return result.output
        }
        let token = try XCTUnwrap(try json(try curl("POST", "/api/auth/signup",
                                                    body: #"{"email":"tls-buyer@example.com","password":"long enough pw","displayName":"TLS buyer"}"#))["token"] as? String)
        let items = try XCTUnwrap(try json(try curl("GET", "/api/listings?limit=1"))["items"] as? [[String: Any]])
        let slug = try XCTUnwrap(items.first?["slug"] as? String)
        let session = try json(try curl("POST", "/api/checkout/create-session", token: token, body: #"{"listingSlug":"\#(slug)"}"#,
                                        extra: ["-H", "Idempotency-Key: tls-1"]))
        let orderId = try XCTUnwrap(session["orderId"] as? String)
        // The sandbox's pay answers once the stand-in's webhook has been delivered (over HTTPS) and processed.
        let paid = try json(try curl("POST", "/api/sandbox/pay", token: token, body: #"{"orderId":"\#(orderId)"}"#))
        XCTAssertEqual(paid["state"] as? String, "in_review", "the checkout.session.completed webhook arrived over TLS: \(paid)")
        let order = try json(try curl("GET", "/api/orders/\(orderId)", token: token))
        XCTAssertEqual(order["state"] as? String, "in_review")
        // Plain HTTP on the platform's port is not served.
        let plain = try tool("curl", ["-sS", "-o", "/dev/null", "--max-time", "3", api.replacingOccurrences(of: "https://", with: "http://") + "/healthz"], in: dir)
        XCTAssertNotEqual(plain.status, 0)
    }
}
