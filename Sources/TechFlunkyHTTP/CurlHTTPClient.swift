import CCurl
import Foundation
import TechFlunkyCore

/// The project's HTTP client, on libcurl's multi interface: one event thread per client drives
/// every transfer, so connections are reused (and multiplexed over HTTP/2 where the server offers
/// it). TLS verification is always on; compressed responses are decoded; proxy variables
/// (`https_proxy`, `no_proxy`, …) are honoured by libcurl itself. `send` retries retryable requests
/// per `RetryPolicy`; `stream` delivers the body as it arrives. Cancelling the calling task aborts
/// the transfer at once. Create one client and share it: it is cheap to call, not to create.
public final class CurlHTTPClient: HTTPTransport {
    public struct Configuration: Sendable, Hashable {
        /// Limits for requests that do not bring their own.
        public var timeouts: HTTPTimeouts
        /// Largest body `send` accepts; a larger one fails with `HTTPError.responseTooLarge`.
        public var maxResponseBytes: Int
        public var retry: RetryPolicy
        /// Skip certificate checks, honoured only for loopback hosts (local development with a
        /// self-signed certificate). Any other host is always verified.
        public var allowInsecureTLSOnLoopback: Bool
        /// Sent as `User-Agent` unless the request sets its own.
        public var userAgent: String
        /// A PEM file of the certificate authorities to trust instead of the system's (a private CA, or a
        /// test one): `--cacert` / `TECHFLUNKY_CACERT`. Verification stays on either way.
        public var caBundlePath: String?

        public init(timeouts: HTTPTimeouts = .standard, maxResponseBytes: Int = 32 << 20, retry: RetryPolicy = .standard,
                    allowInsecureTLSOnLoopback: Bool = false, userAgent: String = "techflunky/\(TechFlunkyVersion.current)",
                    caBundlePath: String? = nil) {
            self.timeouts = timeouts
            self.maxResponseBytes = maxResponseBytes
            self.retry = retry
            self.allowInsecureTLSOnLoopback = allowInsecureTLSOnLoopback
            self.userAgent = userAgent
            self.caBundlePath = caBundlePath
        }
    }

    public let configuration: Configuration
    private let loop: CurlMultiLoop
    private let ids = TransferCounter()

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
        loop = CurlMultiLoop()
    }

    deinit {
        loop.shutdown()
    }

    /// How many connections this client has opened so far; the rest of its requests reused one.
    public var connectionsOpened: Int { loop.connectionsOpened.withValue { $0 } }

    /// Completed responses by the HTTP version they came over (`"1.1"`, `"2"`).
    public var responsesByHTTPVersion: [String: Int] { loop.responsesByVersion.withValue { $0 } }

    /// Sends a request and returns the whole response. A non-2xx status is a response, not an error;
    /// transport failures throw `HTTPError`.
    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        var attempt = 1
        while true {
            try Task.checkCancellation()
            do {
                let response = try await sendOnce(request)
                if request.retryable, RetryPolicy.retryableStatuses.contains(response.status),
                   let wait = configuration.retry.delay(afterAttempt: attempt, retryAfter: response.headers["Retry-After"]) {
                    try await Self.sleep(wait)
                    attempt += 1
                    continue
                }
                return response
            } catch let error as HTTPError {
                if request.retryable, RetryPolicy.isTransient(error),
                   let wait = configuration.retry.delay(afterAttempt: attempt, retryAfter: nil) {
                    try await Self.sleep(wait)
                    attempt += 1
                    continue
                }
                throw error
            }
        }
    }

    /// Starts a request and returns as soon as the status and headers are in; the body follows as
    /// chunks. Never retried (the caller knows how to resume, e.g. with `Last-Event-ID`). Stopping
    /// iteration of `body`, or cancelling the task, aborts the transfer.
    public func stream(_ request: HTTPRequest) async throws -> HTTPStreamingResponse {
        defer { withExtendedLifetime(self) {} }
        let transfer = makeTransfer(request, defaultTimeouts: .streaming, cap: nil)
        let (body, bodyContinuation) = AsyncThrowingStream<Data, Error>.makeStream()
        let loop = self.loop
        // The closure also keeps this client (and so its event thread) alive for as long as the body
        // stream is: a caller may hold only the response and let the client go.
        bodyContinuation.onTermination = { [self] termination in
            if case .cancelled = termination { loop.cancel(transfer) }
            withExtendedLifetime(self) {}
        }
        let (status, headers) = try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (head: CheckedContinuation<(Int, HTTPHeaders), Error>) in
                transfer.delivery = .streaming(head: head, body: bodyContinuation)
                loop.start(transfer)
            }
        } onCancel: {
            loop.cancel(transfer)
        }
        return HTTPStreamingResponse(status: status, headers: headers, body: body)
    }

    private func sendOnce(_ request: HTTPRequest) async throws -> HTTPResponse {
        // The client's deinit stops its event thread: keep it alive until the answer is in, even if the
        // caller's only reference was a temporary (ARC may otherwise end `self`'s life at its last use).
        defer { withExtendedLifetime(self) {} }
        let transfer = makeTransfer(request, defaultTimeouts: configuration.timeouts, cap: configuration.maxResponseBytes)
        let loop = self.loop
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<HTTPResponse, Error>) in
                transfer.delivery = .buffered(continuation)
                loop.start(transfer)
            }
        } onCancel: {
            loop.cancel(transfer)
        }
    }

    private func makeTransfer(_ request: HTTPRequest, defaultTimeouts: HTTPTimeouts, cap: Int?) -> CurlTransfer {
        var request = request
        if request.headers["User-Agent"] == nil { request.headers["User-Agent"] = configuration.userAgent }
        return CurlTransfer(id: ids.next(), request: request, timeouts: request.timeouts ?? defaultTimeouts,
                            maxResponseBytes: cap, insecureTLS: configuration.allowInsecureTLSOnLoopback,
                            caBundlePath: configuration.caBundlePath)
    }

    private static func sleep(_ seconds: TimeInterval) async throws {
        try await Task.sleep(nanoseconds: UInt64(max(0, seconds) * 1_000_000_000))
    }
}

/// Numbers transfers for diagnostics.
private final class TransferCounter: Sendable {
    private let state = LockedValue(0)
    func next() -> Int { state.withValue { $0 += 1; return $0 } }
}
