import Synchronization

/// Messages posted from effect tasks (any thread) and drained by the UI loop, which alone owns the state.
public final class MessageQueue: Sendable {
    private let pending = Mutex<[Message]>([])

    public init() {}

    public func post(_ message: Message) {
        pending.withLock { $0.append(message) }
    }

    /// Everything posted so far, oldest first.
    public func drain() -> [Message] {
        pending.withLock { queue in
            defer { queue.removeAll(keepingCapacity: true) }
            return queue
        }
    }
}
