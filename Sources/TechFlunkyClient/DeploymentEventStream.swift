import Foundation
import TechFlunkyCore
import TechFlunkyHTTP

/// `GET /api/deploy/{id}/events` as an `AsyncSequence` of `DeploymentStreamUpdate` (Core) that survives broken
/// connections: it reconnects with exponential backoff and jitter, resumes with `Last-Event-ID`, drops any event
/// it has already yielded, treats a jump in `seq` as a gap (`DeploymentEvent.order`; reconnecting from the last
/// event seen),
/// and ends after the deployment's final event. It throws only what retrying cannot fix: signed
/// out, not found, another 4xx, or a stream that keeps sending what is not an event.
public struct DeploymentEventStream: AsyncSequence, Sendable {
    public typealias Element = DeploymentStreamUpdate

    public struct Options: Sendable, Hashable {
        public var initialBackoff: TimeInterval
        public var maxBackoff: TimeInterval
        /// How long the server may be unreachable before a `.reconnecting` update.
        public var unreachableNotice: TimeInterval
        /// Reconnects that fail to close a gap in `seq` before falling back to the snapshot.
        public var gapAttempts: Int
        /// How long the server may stay unreachable before the stream ends with `ClientError.cannotReach` (nil:
        /// keep trying for ever, as the UI does while it shows "reconnecting…").
        public var giveUpAfter: TimeInterval?

        public init(initialBackoff: TimeInterval = 0.25, maxBackoff: TimeInterval = 10, unreachableNotice: TimeInterval = 5, gapAttempts: Int = 3,
                    giveUpAfter: TimeInterval? = nil) {
            self.initialBackoff = initialBackoff
            self.maxBackoff = maxBackoff
            self.unreachableNotice = unreachableNotice
            self.gapAttempts = gapAttempts
            self.giveUpAfter = giveUpAfter
        }
    }

    let client: PlatformClient
    let deploymentId: String
    let afterSeq: Int
    let options: Options

    init(client: PlatformClient, deploymentId: String, after afterSeq: Int, options: Options) {
        self.client = client
        self.deploymentId = deploymentId
        self.afterSeq = afterSeq
        self.options = options
    }

    public func makeAsyncIterator() -> AsyncThrowingStream<Element, Error>.Iterator {
        updates().makeAsyncIterator()
    }

    /// The same updates as a stream of their own (what a `MarketplaceService` hands out); the reconnect loop
    /// runs until the stream finishes or its consumer goes away.
    public func updates() -> AsyncThrowingStream<Element, Error> {
        let (stream, continuation) = AsyncThrowingStream<Element, Error>.makeStream(bufferingPolicy: .unbounded)
        let follower = DeploymentEventFollower(client: client, deploymentId: deploymentId, lastSeq: afterSeq, options: options, output: continuation)
        let task = Task {
            var follower = follower
            await follower.run()
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }
}

/// The reconnect loop behind `DeploymentEventStream`; one per iteration, owned by its task.
private struct DeploymentEventFollower: Sendable {
    let client: PlatformClient
    let deploymentId: String
    var lastSeq: Int
    let options: Options
    let output: AsyncThrowingStream<DeploymentStreamUpdate, Error>.Continuation

    typealias Options = DeploymentEventStream.Options

    private enum Outcome {
        /// The final event was yielded.
        case finished
        /// The connection ended or broke; reconnect. `progressed` when it delivered something new.
        case reconnect(progressed: Bool, reason: String, delay: TimeInterval?)
        /// Events skipped a number: reconnect from `lastSeq` to get the missing ones.
        case gap(expected: Int, got: Int)
    }

    init(client: PlatformClient, deploymentId: String, lastSeq: Int, options: Options,
         output: AsyncThrowingStream<DeploymentStreamUpdate, Error>.Continuation) {
        self.client = client
        self.deploymentId = deploymentId
        self.lastSeq = lastSeq
        self.options = options
        self.output = output
    }

    /// When the current outage began (nil while connected) and whether it has been reported.
    private var unreachableSince: Date?
    private var announcedOutage = false

    mutating func run() async {
        var failures = 0
        var gapRepeats = 0
        var serverRetry: TimeInterval?
        var garbage = 0
        do {
            while true {
                try Task.checkCancellation()
                let outcome: Outcome
                do {
                    outcome = try await connectOnce(serverRetry: &serverRetry, garbage: &garbage)
                } catch let error as ClientError where error.isTransient {
                    outcome = .reconnect(progressed: false, reason: Self.reason(error), delay: nil)
                }
                switch outcome {
                case .finished:
                    output.finish()
                    return
                case .gap:
                    gapRepeats += 1
                    // The server keeps skipping: take the snapshot as the truth and go on from it (when the
                    // snapshot cannot be had just now, keep reconnecting).
                    if gapRepeats >= options.gapAttempts, let snapshot = try? await client.deployment(id: deploymentId) {
                        output.yield(.resynchronized(snapshot))
                        lastSeq = max(lastSeq, snapshot.lastEventId)
                        gapRepeats = 0
                        if snapshot.state.isFinal { output.finish(); return }
                    }
                    try await Self.sleep(jittered(options.initialBackoff))
                case let .reconnect(progressed, reason, delay):
                    if progressed {
                        failures = 0
                        gapRepeats = 0
                    } else {
                        failures += 1
                        let since = unreachableSince ?? Date()
                        unreachableSince = since
                        if !announcedOutage, Date().timeIntervalSince(since) >= options.unreachableNotice {
                            output.yield(.reconnecting(since: since, attempts: failures, reason: reason))
                            announcedOutage = true
                        }
                    }
                    if !progressed, failures > 0, try await finishedAlready() {
                        output.finish()
                        return
                    }
                    let base = serverRetry ?? options.initialBackoff
                    let policy = RetryPolicy(maxAttempts: .max, baseDelay: base, maxDelay: options.maxBackoff, jitter: .upperHalf)
                    var backoff = delay ?? policy.jittered(policy.backoff(afterAttempt: failures))
                    if !progressed, let limit = options.giveUpAfter, let since = unreachableSince {
                        let left = limit - Date().timeIntervalSince(since)
                        guard left > 0 else {
                            throw ClientError.cannotReach(url: client.baseURL,
                                                          detail: "no connection for \(Self.seconds(limit)), last: \(reason)")
                        }
                        // One more attempt at the limit, not a backoff past it.
                        backoff = min(backoff, left)
                    }
                    try await Self.sleep(progressed ? jittered(base) : backoff)
                }
            }
        } catch is CancellationError {
            output.finish(throwing: ClientError.cancelled)
        } catch {
            output.finish(throwing: error)
        }
    }

    /// Whether `event` is the deployment's newest (so its final state is the real end). When the snapshot
    /// cannot be had, the event is taken as the end, as before.
    private func isNewest(_ event: DeploymentEvent) async throws -> Bool {
        guard let snapshot = try? await client.deployment(id: deploymentId) else { return true }
        return snapshot.lastEventId <= event.seq
    }

    /// Why a connection failed, without the advice around it (the outage notice and the final error add their own).
    static func reason(_ error: ClientError) -> String {
        if case let .cannotReach(_, detail) = error { return detail }
        return error.description
    }

    static func seconds(_ t: TimeInterval) -> String {
        t == t.rounded() ? "\(Int(t)) s" : String(format: "%.1f s", t)
    }

    /// When a stream ends without the final event and nothing new came, the deployment may already
    /// be over (we resumed after its last event): the snapshot says so.
    private func finishedAlready() async throws -> Bool {
        guard let snapshot = try? await client.deployment(id: deploymentId) else { return false }
        return snapshot.state.isFinal && snapshot.lastEventId <= lastSeq
    }

    private mutating func connectOnce(serverRetry: inout TimeInterval?, garbage: inout Int) async throws -> Outcome {
        let request = client.eventStreamRequest(deploymentId: deploymentId, lastEventId: lastSeq)
        let response: HTTPStreamingResponse
        do {
            response = try await client.transport.stream(request)
        } catch let error as HTTPError {
            if error == .cancelled { throw CancellationError() }
            return .reconnect(progressed: false, reason: Self.reason(ClientError.from(error, base: client.baseURL)), delay: nil)
        }
        guard response.status == 200 else {
            var body = Data()
            for try await chunk in response.body where body.count < 64 * 1024 { body.append(chunk) }
            let error = ClientError.from(status: response.status, body: body)
            if response.status == 429 || response.status >= 500 {
                let wait = response.headers["Retry-After"].flatMap { RetryPolicy.parseRetryAfter($0) }
                return .reconnect(progressed: false, reason: error.description, delay: wait.map { min($0, options.maxBackoff * 3) })
            }
            throw error
        }
        // Connected: the outage (if any) is over, before any event of this connection is yielded.
        if announcedOutage { output.yield(.reconnected) }
        announcedOutage = false
        unreachableSince = nil
        var parser = SSEParser()
        var progressed = false
        do {
            for try await chunk in response.body {
                for frame in parser.feed(chunk) {
                    if let retry = frame.retry { serverRetry = Double(retry) / 1000 }
                    guard frame.event == nil || DeploymentEvent.Kind(rawValue: frame.event!) != nil else { continue }
                    guard let event = try? WireJSON.decode(DeploymentEvent.self, from: Data(frame.data.utf8)) else {
                        garbage += 1
                        if garbage >= 5 {
                            throw ClientError.undecodable(url: request.url, expected: "DeploymentEvent", detail: "the stream keeps sending data that is not an event")
                        }
                        continue
                    }
                    switch event.order(after: lastSeq) {
                    case .duplicate: continue  // already yielded (replayed after a reconnect)
                    case let .gap(expected, received): return .gap(expected: expected, got: received)
                    case .next: break
                    }
                    output.yield(.event(event))
                    lastSeq = event.seq
                    progressed = true
                    // A final event in the history is not the end when a retry (or rollback) followed it: the
                    // run goes on in the same stream. It ends here only if it is the deployment's newest event.
                    if event.isFinal, try await isNewest(event) { return .finished }
                }
            }
        } catch let error as HTTPError {
            if error == .cancelled { throw CancellationError() }
            return .reconnect(progressed: progressed, reason: Self.reason(ClientError.from(error, base: client.baseURL)), delay: nil)
        }
        return .reconnect(progressed: progressed, reason: "the server closed the event stream", delay: nil)
    }

    /// Between half and all of `seconds`, so many clients do not reconnect in step.
    private func jittered(_ seconds: TimeInterval) -> TimeInterval {
        RetryPolicy(jitter: .upperHalf).jittered(seconds)
    }

    private static func sleep(_ seconds: TimeInterval) async throws {
        try await Task.sleep(nanoseconds: UInt64(max(0, seconds) * 1_000_000_000))
    }
}
