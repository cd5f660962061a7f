import Foundation
import Hummingbird
import TechFlunkyCore
import TechFlunkyHTTP
import XCTest

final class CurlHTTPClientTests: XCTestCase {
    private typealias ClientError = TechFlunkyHTTP.HTTPError
    private typealias CurlRequest = TechFlunkyHTTP.HTTPRequest

    func testGetReturnsStatusHeadersAndBody() async throws {
        try await LoopbackServer.run({ router in
            router.get("hello") { _, _ in
                Response(status: .ok, headers: [.contentType: "text/plain", .contentLanguage: "42"],
                         body: .init(byteBuffer: ByteBuffer(string: "hello")))
            }
        }) { base in
            let client = CurlHTTPClient()
            let response = try await client.send(CurlRequest(url: base + "/hello"))
            XCTAssertEqual(response.status, 200)
            XCTAssertEqual(String(decoding: response.body, as: UTF8.self), "hello")
            XCTAssertEqual(response.headers["content-language"], "42")
            XCTAssertEqual(response.headers["Content-Type"], "text/plain")
        }
    }

    func testPostSendsBodyMethodAndHeaders() async throws {
        try await LoopbackServer.run({ router in
            router.on("echo", method: .post) { request, _ in
                var request = request
                let body = try await request.collectBody(upTo: 1 << 20)
                let tag = request.headers[.acceptLanguage] ?? "-"
                return Response(status: .created, headers: [.contentLanguage: tag], body: .init(byteBuffer: body))
            }
            router.on("echo", method: .put) { request, _ in
                var request = request
                let body = try await request.collectBody(upTo: 1 << 20)
                return Response(status: .ok, headers: [.allow: "PUT"], body: .init(byteBuffer: body))
            }
            router.on("echo", method: .delete) { _, _ in Response(status: .noContent) }
        }) { base in
            let client = CurlHTTPClient()
            let payload = Data("{\"a\":1,\"nul\":\"\u{0}\"}".utf8)
            let post = try await client.send(CurlRequest(method: .POST, url: base + "/echo",
                                                         headers: ["Accept-Language": "t1", "Content-Type": "application/json"], body: payload))
            XCTAssertEqual(post.status, 201)
            XCTAssertEqual(post.body, payload)
            XCTAssertEqual(post.headers["Content-Language"], "t1")

            let put = try await client.send(CurlRequest(method: .PUT, url: base + "/echo", body: Data("replace".utf8)))
            XCTAssertEqual(put.headers["Allow"], "PUT")
            XCTAssertEqual(String(decoding: put.body, as: UTF8.self), "replace")

            let delete = try await client.send(CurlRequest(method: .DELETE, url: base + "/echo"))
            XCTAssertEqual(delete.status, 204)
            XCTAssertTrue(delete.body.isEmpty)
        }
    }

    func testNon2xxIsAResponseNotAnError() async throws {
        try await LoopbackServer.run({ router in
            router.get("missing") { _, _ in
                Response(status: .notFound, body: .init(byteBuffer: ByteBuffer(string: "{\"error\":{}}")))
            }
        }) { base in
            let response = try await CurlHTTPClient().send(CurlRequest(url: base + "/missing"))
            XCTAssertEqual(response.status, 404)
            XCTAssertEqual(String(decoding: response.body, as: UTF8.self), "{\"error\":{}}")
        }
    }

    func testRefusedConnectionIsCannotConnect() async throws {
        // A port that was just free: bind, read it, close (nothing listens there now).
        let port = try Self.freePort()
        let client = CurlHTTPClient(configuration: .init(retry: .never))
        do {
            _ = try await client.send(CurlRequest(url: "http://127.0.0.1:\(port)/x"))
            XCTFail("expected an error")
        } catch let error as ClientError {
            guard case .cannotConnect(let url, _) = error else { return XCTFail("got \(error)") }
            XCTAssertEqual(url, "http://127.0.0.1:\(port)/x")
        }
    }

    func testSlowServerTimesOut() async throws {
        try await LoopbackServer.run({ router in
            router.get("slow") { _, _ in
                try await Task.sleep(nanoseconds: 5_000_000_000)
                return "late"
            }
        }) { base in
            let client = CurlHTTPClient(configuration: .init(retry: .never))
            let started = Date()
            do {
                _ = try await client.send(CurlRequest(url: base + "/slow", timeouts: HTTPTimeouts(connect: 2, total: 0.5)))
                XCTFail("expected a timeout")
            } catch let error as ClientError {
                XCTAssertEqual(error, .timedOut(url: base + "/slow"))
            }
            XCTAssertLessThan(Date().timeIntervalSince(started), 4.5, "the total timeout was not applied")
        }
    }

    func testStalledBodyTripsTheLowSpeedLimit() async throws {
        try await LoopbackServer.run({ router in
            router.get("stall") { _, _ in
                Response(status: .ok, body: ResponseBody { writer in
                    try await writer.write(ByteBuffer(string: "x"))  // one byte, then nothing
                    try await Task.sleep(nanoseconds: 30_000_000_000)
                    try await writer.finish(nil)
                })
            }
        }) { base in
            let started = Date()
            do {
                // No total limit: only the low-speed rule can end this.
                // A temporary client: the stream must keep it (and its event thread) alive.
                let response = try await CurlHTTPClient().stream(CurlRequest(url: base + "/stall",
                    timeouts: HTTPTimeouts(connect: 2, total: nil, lowSpeedBytes: 1, lowSpeedTime: 1)))
                for try await _ in response.body {}
                XCTFail("expected a timeout")
            } catch let error as ClientError {
                XCTAssertEqual(error, .timedOut(url: base + "/stall"))
            }
            // Well before the server would have finished on its own (libcurl averages speed over a few seconds).
            XCTAssertLessThan(Date().timeIntervalSince(started), 20)
        }
    }

    func testResponseLargerThanCapFails() async throws {
        try await LoopbackServer.run({ router in
            router.get("big") { _, _ in
                // No Content-Length, so the cap must be enforced while the body streams in.
                Response(status: .ok, body: ResponseBody { writer in
                    let chunk = ByteBuffer(repeating: UInt8(ascii: "x"), count: 64 * 1024)
                    for _ in 0..<160 { try await writer.write(chunk) }  // 10 MiB
                    try await writer.finish(nil)
                })
            }
        }) { base in
            let capped = CurlHTTPClient(configuration: .init(maxResponseBytes: 1 << 20, retry: .never))
            do {
                _ = try await capped.send(CurlRequest(url: base + "/big"))
                XCTFail("expected responseTooLarge")
            } catch let error as ClientError {
                XCTAssertEqual(error, .responseTooLarge(url: base + "/big", limit: 1 << 20))
            }
            let roomy = CurlHTTPClient(configuration: .init(maxResponseBytes: 16 << 20))
            let whole = try await roomy.send(CurlRequest(url: base + "/big"))
            XCTAssertEqual(whole.body.count, 10 << 20)
        }
    }

    func testCompressedResponseIsDecoded() async throws {
        // gzip of "compressed hello " × 50.
        let gzipped = Data(base64Encoded: "H4sIAAAAAAACA0vOzy0oSi0uTk1RyEjNyclXSB4VGBUYFSBfAABAyuXsUgMAAA==")!
        let seenAcceptEncoding = LockedValue<String?>(nil)
        try await LoopbackServer.run({ router in
            router.get("gz") { request, _ in
                seenAcceptEncoding.withValue { $0 = request.headers[.acceptEncoding] }
                return Response(status: .ok, headers: [.contentEncoding: "gzip"],
                                body: .init(byteBuffer: ByteBuffer(bytes: gzipped)))
            }
        }) { base in
            let response = try await CurlHTTPClient().send(CurlRequest(url: base + "/gz"))
            XCTAssertEqual(String(decoding: response.body, as: UTF8.self), String(repeating: "compressed hello ", count: 50))
        }
        XCTAssertTrue(seenAcceptEncoding.withValue { $0 }?.contains("gzip") ?? false)
    }

    func testRetryableRequestIsRetriedAfter503() async throws {
        let calls = CallCounter()
        try await LoopbackServer.run({ router in
            router.get("flaky") { _, _ in
                calls.increment() < 3 ? Response(status: .serviceUnavailable) : Response(status: .ok)
            }
            router.post("flaky-post") { _, _ in
                _ = calls.increment()
                return Response(status: .serviceUnavailable)
            }
        }) { base in
            let client = CurlHTTPClient(configuration: .init(retry: RetryPolicy(maxAttempts: 4, baseDelay: 0.01)))
            let response = try await client.send(CurlRequest(url: base + "/flaky"))
            XCTAssertEqual(response.status, 200)
            XCTAssertEqual(calls.count, 3)
            // A plain POST is not retried: repeating it could act twice.
            let post = try await client.send(CurlRequest(method: .POST, url: base + "/flaky-post"))
            XCTAssertEqual(post.status, 503)
            XCTAssertEqual(calls.count, 4)
        }
    }

    func testTooManyRequestsHonoursRetryAfter() async throws {
        let calls = CallCounter()
        try await LoopbackServer.run({ router in
            router.get("limited") { _, _ in
                calls.increment() == 1 ? Response(status: .tooManyRequests, headers: [.retryAfter: "1"]) : Response(status: .ok)
            }
        }) { base in
            let client = CurlHTTPClient(configuration: .init(retry: RetryPolicy(maxAttempts: 3, baseDelay: 0.01)))
            let started = Date()
            let response = try await client.send(CurlRequest(url: base + "/limited"))
            XCTAssertEqual(response.status, 200)
            XCTAssertEqual(calls.count, 2)
            XCTAssertGreaterThanOrEqual(Date().timeIntervalSince(started), 0.9, "Retry-After was not waited for")
        }
    }

    func testStreamDeliversChunksAsTheyArrive() async throws {
        let release = AsyncStream<Void>.makeStream()
        try await LoopbackServer.run({ router in
            router.get("events") { _, _ in
                Response(status: .ok, headers: [.contentType: "text/event-stream"], body: ResponseBody { writer in
                    try await writer.write(ByteBuffer(string: "first\n"))
                    // The second chunk is only sent once the client has seen the first.
                    for await _ in release.stream { break }
                    try await writer.write(ByteBuffer(string: "second\n"))
                    try await writer.finish(nil)
                })
            }
        }) { base in
            let client = CurlHTTPClient()
            let response = try await client.stream(CurlRequest(url: base + "/events"))
            XCTAssertEqual(response.status, 200)
            XCTAssertEqual(response.headers["content-type"], "text/event-stream")
            var received = ""
            for try await chunk in response.body {
                received += String(decoding: chunk, as: UTF8.self)
                if received == "first\n" { release.continuation.yield() }
            }
            XCTAssertEqual(received, "first\nsecond\n")
        }
    }

    func testCancellingTaskAbortsTransferAtOnce() async throws {
        let (arrived, arrival) = AsyncStream<Void>.makeStream()
        try await LoopbackServer.run({ router in
            router.get("hang") { _, _ in
                arrival.yield()
                try await Task.sleep(nanoseconds: 20_000_000_000)
                return "never"
            }
        }) { base in
            let client = CurlHTTPClient(configuration: .init(timeouts: HTTPTimeouts(connect: 5, total: 30)))
            let task = Task { try await client.send(CurlRequest(url: base + "/hang")) }
            // Cancel once the server holds the request, so the transfer is under way, not still connecting.
            let reachedServer = await firstSignal(of: arrived, within: 10)
            XCTAssertTrue(reachedServer, "the request never reached the server")
            let started = Date()
            task.cancel()
            let result = await task.result
            XCTAssertLessThan(Date().timeIntervalSince(started), 2, "the transfer was not aborted")
            guard case .failure(let error) = result else { return XCTFail("expected cancellation") }
            XCTAssertEqual(error as? ClientError, .cancelled)
        }
    }

    func testCancellingStreamConsumerEndsIteration() async throws {
        try await LoopbackServer.run({ router in
            router.get("forever") { _, _ in
                Response(status: .ok, body: ResponseBody { writer in
                    while true {
                        try await writer.write(ByteBuffer(string: "tick\n"))
                        try await Task.sleep(nanoseconds: 50_000_000)
                    }
                })
            }
        }) { base in
            let client = CurlHTTPClient()
            let (received, receipt) = AsyncStream<Void>.makeStream()
            let task = Task { () -> Int in
                let response = try await client.stream(CurlRequest(url: base + "/forever"))
                var chunks = 0
                for try await _ in response.body {
                    chunks += 1
                    receipt.yield()
                }
                return chunks
            }
            // Cancel once the body is flowing (the server never ends it on its own).
            let flowing = await firstSignal(of: received, within: 10)
            XCTAssertTrue(flowing, "no chunk of the endless body arrived")
            let cancelledAt = Date()
            task.cancel()
            let result = await task.result
            XCTAssertLessThan(Date().timeIntervalSince(cancelledAt), 2, "the iteration did not end when its task was cancelled")
            // Either the iteration ended early after the chunks it had, or it threw cancelled; nothing else.
            switch result {
            case .success(let chunks): XCTAssertGreaterThanOrEqual(chunks, 1)
            case .failure(let error): XCTAssertEqual(error as? ClientError, .cancelled)
            }
        }
    }

    func testManyConcurrentRequestsAllComplete() async throws {
        try await LoopbackServer.run({ router in
            router.get("n/:n") { _, context in context.parameters.get("n") ?? "" }
        }) { base in
            let client = CurlHTTPClient()
            let answers = try await withThrowingTaskGroup(of: (Int, String).self) { group in
                for n in 0..<50 {
                    group.addTask {
                        let r = try await client.send(CurlRequest(url: base + "/n/\(n)"))
                        return (n, String(decoding: r.body, as: UTF8.self))
                    }
                }
                var all: [Int: String] = [:]
                for try await (n, body) in group { all[n] = body }
                return all
            }
            XCTAssertEqual(answers.count, 50)
            for (n, body) in answers { XCTAssertEqual(body, String(n)) }
        }
    }

    func testSequentialRequestsReuseOneConnection() async throws {
        try await LoopbackServer.run({ router in
            router.get("ping") { _, _ in "pong" }
        }) { base in
            let client = CurlHTTPClient()
            for _ in 0..<20 {
                let response = try await client.send(CurlRequest(url: base + "/ping"))
                XCTAssertEqual(String(decoding: response.body, as: UTF8.self), "pong")
            }
            XCTAssertEqual(client.connectionsOpened, 1)
        }
    }

    func testProxyVariableIsHonoured() async throws {
        let seen = LockedValue<[String]>([])
        try await LoopbackServer.run({ router in
            // As a forward proxy sees it: the request for another host arrives here.
            router.get("via-proxy") { request, _ in
                seen.withValue { $0.append(request.head.authority ?? "?") }
                return "proxied"
            }
        }) { proxy in
            let saved = ["http_proxy", "no_proxy", "NO_PROXY"].map { ($0, ProcessInfo.processInfo.environment[$0]) }
            setenv("http_proxy", proxy, 1)
            unsetenv("no_proxy")
            unsetenv("NO_PROXY")
            defer { for (name, value) in saved { if let value { setenv(name, value, 1) } else { unsetenv(name) } } }
            let response = try await CurlHTTPClient(configuration: .init(retry: .never)).send(CurlRequest(url: "http://techflunky-proxy-test.invalid/via-proxy"))
            XCTAssertEqual(String(decoding: response.body, as: UTF8.self), "proxied")
        }
        XCTAssertEqual(seen.withValue { $0 }, ["techflunky-proxy-test.invalid"])
    }

    func testServerThatDoesNotSpeakHTTPIsATransportError() async throws {
        // A raw TCP listener on loopback that answers every connection with a line that is not HTTP.
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let listening = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && listen(fd, 4) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        XCTAssertTrue(listening)
        let port = Int(UInt16(bigEndian: address.sin_port))
        let server = Thread {
            let client = accept(fd, nil, nil)
            guard client >= 0 else { return }
            var request = [UInt8](repeating: 0, count: 1024)
            _ = read(client, &request, request.count)
            let reply = "SSH-2.0-OpenSSH_9.2 not http at all\r\n"
            _ = reply.withCString { write(client, $0, strlen($0)) }
            close(client)
        }
        server.start()
        let url = "http://127.0.0.1:\(port)/x"
        do {
            _ = try await CurlHTTPClient(configuration: .init(retry: .never)).send(CurlRequest(url: url))
            XCTFail("expected a transport error")
        } catch let error as ClientError {
            guard case let .transport(failedURL, _, detail) = error else { return XCTFail("got \(error)") }
            XCTAssertEqual(failedURL, url)
            XCTAssertFalse(detail.isEmpty)
        }
    }

    func testNonHTTPURLIsRejected() async throws {
        do {
            _ = try await CurlHTTPClient().send(CurlRequest(url: "file:///etc/passwd"))
            XCTFail("expected invalidURL")
        } catch let error as ClientError {
            XCTAssertEqual(error, .invalidURL("file:///etc/passwd"))
        }
    }

    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw CocoaError(.fileReadUnknown) }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// Waits for the first element of `signal`, up to `seconds`; false when none came in time.
func firstSignal(of signal: AsyncStream<Void>, within seconds: Double) async -> Bool {
    await withTaskGroup(of: Bool.self) { group in
        group.addTask {
            var iterator = signal.makeAsyncIterator()
            return await iterator.next() != nil
        }
        group.addTask {
            try? await Task.sleep(nanoseconds: UInt64(seconds * 1e9))
            return false
        }
        let came = await group.next() ?? false
        group.cancelAll()
        return came
    }
}
