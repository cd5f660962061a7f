import Foundation
import Hummingbird
import HummingbirdCore
import NIOCore
import NIOHTTPTypes
import Synchronization

/// Where one SSE watcher's bytes go. `send` never waits: it queues the bytes in order and returns at once, so the
/// hub can hand one event to thousands of watchers from a single loop. A watcher whose queue is full — a client
/// that stopped reading — is dropped (`send` answers false, and the connection is closed); it reconnects with
/// `Last-Event-ID` and is replayed from the store, so a slow watcher never holds back the others or memory.
public protocol SSEWatcherOutput: Sendable {
    func send(_ bytes: ByteBuffer) -> Bool
}

/// An SSE response written straight to its connection, each `send` one write and flush on the channel's event loop.
/// Sends are queued per event loop (`EventLoopWrites`), so one event to 2,000 watchers is one hop onto each loop,
/// not 2,000, and they keep the order they were made in.
///
/// The bound is the channel's write buffer: once more than its high-water mark (64 KiB, beyond what the kernel's
/// socket buffer already holds) is waiting, the channel turns unwritable and the next `send` drops the watcher.
struct ChannelSSEOutput: SSEWatcherOutput {
    let channel: any Channel
    let writes: EventLoopWrites

    /// Waits until what the framework has queued on the connection (the response head) is written, so that
    /// nothing sent here can overtake it.
    init(channel: any Channel) async throws {
        self.channel = channel
        writes = EventLoopWrites.of(channel.eventLoop)
        try await channel.eventLoop.submit {}.get()
    }

    func send(_ bytes: ByteBuffer) -> Bool {
        guard channel.isActive else { return false }
        guard channel.isWritable else {
            channel.close(promise: nil)
            return false
        }
        writes.enqueue(channel, bytes)
        return true
    }

    /// The connection a request came on, when it is a real one: the in-process test client's channel has no
    /// address and sends nothing written to it, so a response there goes through the framework's body writer.
    static func connection(of context: PlatformRequestContext) -> (any Channel)? {
        guard let channel = context.channel, channel.localAddress != nil else { return nil }
        return channel
    }
}

/// Body writes waiting for one event loop. The first write into an empty queue schedules one task on the loop; that
/// task writes and flushes everything queued by the time it runs, in order.
final class EventLoopWrites: Sendable {
    struct Write: Sendable {
        let channel: any Channel
        let bytes: ByteBuffer
    }

    private let eventLoop: any EventLoop
    private let pending = Mutex<[Write]>([])

    private init(eventLoop: any EventLoop) { self.eventLoop = eventLoop }

    func enqueue(_ channel: any Channel, _ bytes: ByteBuffer) {
        let first = pending.withLock { pending in
            pending.append(Write(channel: channel, bytes: bytes))
            return pending.count == 1
        }
        if first { eventLoop.execute { self.drain() } }
    }

    private func drain() {
        let batch = pending.withLock { pending in
            var batch: [Write] = []
            swap(&batch, &pending)
            return batch
        }
        for write in batch { write.channel.writeAndFlush(HTTPResponsePart.body(write.bytes), promise: nil) }
    }

    /// One queue per event loop, for the life of the process (a server has a loop per core).
    private static let queues = Mutex<[ObjectIdentifier: EventLoopWrites]>([:])

    static func of(_ eventLoop: any EventLoop) -> EventLoopWrites {
        queues.withLock { queues in
            if let queue = queues[ObjectIdentifier(eventLoop)] { return queue }
            let queue = EventLoopWrites(eventLoop: eventLoop)
            queues[ObjectIdentifier(eventLoop)] = queue
            return queue
        }
    }
}

/// An SSE stream as text chunks (an `AsyncStream`), holding at most `limit` chunks the reader has not taken.
struct StreamSSEOutput: SSEWatcherOutput {
    let continuation: AsyncStream<String>.Continuation

    func send(_ bytes: ByteBuffer) -> Bool {
        switch continuation.yield(String(buffer: bytes)) {
        case .enqueued: return true
        case .dropped:
            continuation.finish()
            return false
        case .terminated: return false
        @unknown default: return false
        }
    }
}
