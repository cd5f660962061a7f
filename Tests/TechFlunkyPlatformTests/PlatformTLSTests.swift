import Foundation
import TechFlunkyCore
import TechFlunkyHTTP
import XCTest
@testable import TechFlunkyPlatform

/// `serve --tls-cert/--tls-key` with a throwaway CA made by openssl: the project's client trusts it through
/// `caBundlePath` (`--cacert`), refuses the server without it or with another CA, and TLS 1.2 is refused.
final class PlatformTLSTests: XCTestCase {
    struct TestPKI {
        let directory: URL
        var ca: String { directory.appendingPathComponent("ca.pem").path }
        var otherCA: String { directory.appendingPathComponent("other-ca.pem").path }
        var certificate: String { directory.appendingPathComponent("server.pem").path }
        var key: String { directory.appendingPathComponent("server.key").path }
    }

    static func run(_ tool: String, _ arguments: [String], in directory: URL) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [tool] + arguments
        process.currentDirectoryURL = directory
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// A CA, a certificate for 127.0.0.1 and localhost signed by it, and an unrelated second CA.
    func makePKI(in directory: URL) throws -> TestPKI {
        let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        func openssl(_ arguments: [String]) throws {
            let status = try Self.run("openssl", arguments, in: directory)
            if status == 127 { throw XCTSkip("openssl is not installed") }
            XCTAssertEqual(status, 0, "openssl \(arguments.joined(separator: " "))")
        }
        for (name, subject) in [("ca", "TechFlunky Test CA"), ("other-ca", "Someone Else's CA")] {
            try openssl(["req", "-x509"] + ec + ["-keyout", "\(name).key", "-out", "\(name).pem", "-days", "2", "-subj", "/CN=\(subject)",
                                                 "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"])
        }
        try "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n"
            .write(to: directory.appendingPathComponent("server.ext"), atomically: true, encoding: .utf8)
        try openssl(["req"] + ec + ["-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=127.0.0.1"])
        try openssl(["x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", "server.pem",
                     "-days", "2", "-extfile", "server.ext"])
        return TestPKI(directory: directory)
    }

    func testTheClientTalksTLS13ToServeWithItsCAAndRefusesOtherwise() async throws {
        var harness = try PlatformTestHarness()
        defer { harness.cleanUp() }
        let pki = try makePKI(in: harness.directory)
        harness.configuration.tls = PlatformTLS(certificatePath: pki.certificate, privateKeyPath: pki.key)
        let platform = try await PlatformServer.start(harness.configuration)
        XCTAssertTrue(platform.baseURL.hasPrefix("https://127.0.0.1:"), platform.baseURL)

        let trusting = CurlHTTPClient(configuration: .init(retry: .never, caBundlePath: pki.ca))
        let health = try await trusting.send(HTTPRequest(method: .GET, url: platform.baseURL + "/healthz", headers: ["X-Request-Id": "tls-1"]))
        XCTAssertEqual(health.status, 200)
        XCTAssertEqual(health.headers["X-Request-Id"], "tls-1")
        XCTAssertEqual(try WireJSON.decode(HealthResponse.self, from: health.body).status, "ok")
        for _ in 0..<2 {
            let page = try await trusting.send(HTTPRequest(method: .GET, url: platform.baseURL + "/api/listings?limit=1"))
            XCTAssertEqual(page.status, 200)
            XCTAssertNotNil(page.headers["X-Request-Id"])
        }
        XCTAssertEqual(platform.services.listingPages.fastHits, 1, "the page cache answers on an HTTP/2 stream too")
        XCTAssertEqual(trusting.responsesByHTTPVersion["2"], 3, "HTTP/2 over TLS: \(trusting.responsesByHTTPVersion)")
        let http1 = try Self.run("curl", ["-sS", "-o", "/dev/null", "--cacert", pki.ca, "--http1.1", platform.baseURL + "/healthz"], in: harness.directory)
        XCTAssertEqual(http1, 0, "HTTP/1.1 over TLS still answers")

        for (name, client) in [("the system's CAs", CurlHTTPClient(configuration: .init(retry: .never))),
                               ("another CA", CurlHTTPClient(configuration: .init(retry: .never, caBundlePath: pki.otherCA)))] {
            do {
                _ = try await client.send(HTTPRequest(method: .GET, url: platform.baseURL + "/healthz"))
                XCTFail("a client trusting \(name) must refuse the server")
            } catch is HTTPError {}
        }

        // Plain HTTP on the TLS port gets no answer, and TLS 1.2 is refused in the handshake (curl's own client).
        let plain = platform.baseURL.replacingOccurrences(of: "https://", with: "http://")
        do {
            let answer = try await CurlHTTPClient(configuration: .init(retry: .never)).send(HTTPRequest(method: .GET, url: plain + "/healthz",
                                                                                                           timeouts: HTTPTimeouts(connect: 2, total: 2)))
            XCTAssertNotEqual(answer.status, 200, "no plain HTTP on the TLS port")
        } catch is HTTPError {}
        let tls12 = try Self.run("curl", ["-sS", "-o", "/dev/null", "--cacert", pki.ca, "--tlsv1.2", "--tls-max", "1.2", platform.baseURL + "/healthz"],
                                 in: harness.directory)
        if tls12 == 127 { throw XCTSkip("curl is not installed") }
        XCTAssertNotEqual(tls12, 0, "TLS 1.2 must be refused")
        let tls13 = try Self.run("curl", ["-sS", "-o", "/dev/null", "--cacert", pki.ca, "--tlsv1.3", platform.baseURL + "/healthz"], in: harness.directory)
        XCTAssertEqual(tls13, 0, "TLS 1.3 with the CA is accepted")
        await platform.stop()
    }

    /// The subject of the certificate a new TLS 1.3 connection is shown (openssl's own client).
    static func presentedSubject(port: Int, ca: String, in directory: URL) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["openssl", "s_client", "-connect", "127.0.0.1:\(port)", "-tls1_3", "-CAfile", ca, "-verify_return_error"]
        process.currentDirectoryURL = directory
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return text.split(separator: "\n").first { $0.hasPrefix("subject=") }.map(String.init) ?? text
    }

    /// A renewed certificate is picked up by `reload()` (what SIGHUP calls): new connections get it, an open
    /// connection goes on, and a broken file leaves the one in use.
    func testAReloadedCertificateIsShownToNewConnectionsWithoutDroppingOpenOnes() async throws {
        var harness = try PlatformTestHarness()
        defer { harness.cleanUp() }
        let pki = try makePKI(in: harness.directory)
        harness.configuration.tls = PlatformTLS(certificatePath: pki.certificate, privateKeyPath: pki.key)
        let platform = try await PlatformServer.start(harness.configuration)
        let client = CurlHTTPClient(configuration: .init(retry: .never, caBundlePath: pki.ca))
        let before = try await client.send(HTTPRequest(method: .GET, url: platform.baseURL + "/healthz"))
        XCTAssertEqual(before.status, 200)
        XCTAssertTrue(try Self.presentedSubject(port: platform.port, ca: pki.ca, in: harness.directory).contains("CN = 127.0.0.1"))

        // Renew: same CA, a new subject, written over the files serve was started with.
        let renew = ["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", "server.key", "-out", "server.csr",
                     "-subj", "/CN=renewed.localhost"]
        XCTAssertEqual(try Self.run("openssl", renew, in: harness.directory), 0)
        XCTAssertEqual(try Self.run("openssl", ["x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                                                "-out", "server.pem", "-days", "2", "-extfile", "server.ext"], in: harness.directory), 0)
        let certificates = try XCTUnwrap(platform.services.tlsCertificates)
        try certificates.reload()
        XCTAssertTrue(try Self.presentedSubject(port: platform.port, ca: pki.ca, in: harness.directory).contains("CN = renewed.localhost"))
        let after = try await client.send(HTTPRequest(method: .GET, url: platform.baseURL + "/healthz"))
        XCTAssertEqual(after.status, 200)
        XCTAssertEqual(client.connectionsOpened, 1, "the open connection went on through the reload")

        try Data("not a certificate".utf8).write(to: URL(fileURLWithPath: pki.certificate))
        XCTAssertThrowsError(try certificates.reload()) { XCTAssertTrue("\($0)".contains("--tls-cert"), "\($0)") }
        XCTAssertTrue(try Self.presentedSubject(port: platform.port, ca: pki.ca, in: harness.directory).contains("CN = renewed.localhost"),
                      "a broken file leaves the certificate in use")
        await platform.stop()
    }

    func testAMissingCertificateStopsTheStartWithTheFlagsName() async throws {
        var harness = try PlatformTestHarness()
        defer { harness.cleanUp() }
        harness.configuration.tls = PlatformTLS(certificatePath: harness.directory.appendingPathComponent("nope.pem").path,
                                                privateKeyPath: harness.directory.appendingPathComponent("nope.key").path)
        do {
            let platform = try await PlatformServer.start(harness.configuration)
            await platform.stop()
            XCTFail("a platform without its certificate must not start")
        } catch {
            XCTAssertTrue("\(error)".contains("--tls-cert"), "\(error)")
            XCTAssertTrue("\(error)".contains("nope.pem"), "\(error)")
        }
    }
}
