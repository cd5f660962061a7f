import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdHTTP2
@testable import TechFlunkyHTTP
import XCTest

/// TLS against a server with a self-signed certificate on 127.0.0.1: verification is on by default,
/// the explicit opt-out works for loopback only, and HTTP/2 is used when the server offers it (ALPN).
final class CurlTLSTests: XCTestCase {
    private typealias CurlRequest = TechFlunkyHTTP.HTTPRequest
    private var directory: URL!

    override func setUpWithError() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl") else { throw XCTSkip("needs /usr/bin/openssl to make a certificate") }
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("tf-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let openssl = Process()
        openssl.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        openssl.arguments = ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                             "-keyout", directory.appendingPathComponent("key.pem").path,
                             "-out", directory.appendingPathComponent("cert.pem").path,
                             "-days", "1", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"]
        openssl.standardError = FileHandle.nullDevice
        openssl.standardOutput = FileHandle.nullDevice
        try openssl.run()
        openssl.waitUntilExit()
        guard openssl.terminationStatus == 0 else { throw XCTSkip("openssl could not make a certificate") }
    }

    override func tearDown() {
        try? FileManager.default.removeItem(at: directory)
    }

    private func server() throws -> HTTPServerBuilder {
        let certificate = try NIOSSLCertificate.fromPEMFile(directory.appendingPathComponent("cert.pem").path)
        let key = try NIOSSLPrivateKey(file: directory.appendingPathComponent("key.pem").path, format: .pem)
        let tls = TLSConfiguration.makeServerConfiguration(certificateChain: certificate.map { .certificate($0) }, privateKey: .privateKey(key))
        return try .http2Upgrade(tlsConfiguration: tls)
    }

    func testSelfSignedCertificateIsRefusedByDefault() async throws {
        try await LoopbackServer.run(server: try server(), scheme: "https", { router in
            router.get("secret") { _, _ in "should not be read" }
        }) { base in
            do {
                _ = try await CurlHTTPClient(configuration: .init(retry: .never)).send(CurlRequest(url: base + "/secret"))
                XCTFail("an unverified certificate must be refused")
            } catch let error as TechFlunkyHTTP.HTTPError {
                guard case .tls = error else { return XCTFail("expected a TLS error, got \(error)") }
            }
        }
    }

    func testLoopbackOptOutAcceptsItAndSpeaksHTTP2() async throws {
        try await LoopbackServer.run(server: try server(), scheme: "https", { router in
            router.get("hello") { _, _ in "over tls" }
        }) { base in
            let client = CurlHTTPClient(configuration: .init(allowInsecureTLSOnLoopback: true))
            for _ in 0..<3 {
                let response = try await client.send(CurlRequest(url: base + "/hello"))
                XCTAssertEqual(String(decoding: response.body, as: UTF8.self), "over tls")
            }
            XCTAssertEqual(client.responsesByHTTPVersion, ["2": 3], "HTTP/2 when the server offers it")
            XCTAssertEqual(client.connectionsOpened, 1)
        }
    }

    func testInsecureOptOutAppliesToLoopbackHostsOnly() {
        XCTAssertTrue(CurlMultiLoop.isLoopback("https://127.0.0.1:8443/x"))
        XCTAssertTrue(CurlMultiLoop.isLoopback("https://127.1.2.3/"))
        XCTAssertTrue(CurlMultiLoop.isLoopback("https://localhost:1/"))
        XCTAssertTrue(CurlMultiLoop.isLoopback("https://[::1]:8443/"))
        XCTAssertFalse(CurlMultiLoop.isLoopback("https://127.0.0.1.example.com/"))
        XCTAssertFalse(CurlMultiLoop.isLoopback("https://api.stripe.com/"))
        XCTAssertFalse(CurlMultiLoop.isLoopback("https://localhost.example.com/"))
        XCTAssertFalse(CurlMultiLoop.isLoopback("https://10.0.0.1/"))
    }
}
