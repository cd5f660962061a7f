import Foundation

/// A command that ran but failed: argument-parser prints `Error: …` and exits 1 (no usage text, which is
/// for errors in how the command was called).
struct CommandFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Sends this process's stderr to a log file while the UI owns the terminal, and back afterwards, so a
/// library that prints never draws over the screen and a final error still reaches the person.
enum StandardError {
    private static let saved = SavedDescriptor()

    final class SavedDescriptor: @unchecked Sendable {
        // @unchecked: `fd` is only touched under `lock`.
        let lock = NSLock()
        var fd: Int32 = -1
    }

    static func redirect(to fd: Int32) {
        saved.lock.withLock {
            if saved.fd < 0 { saved.fd = dup(STDERR_FILENO) }
            dup2(fd, STDERR_FILENO)
        }
    }

    static func restore() {
        saved.lock.withLock {
            guard saved.fd >= 0 else { return }
            dup2(saved.fd, STDERR_FILENO)
            close(saved.fd)
            saved.fd = -1
        }
    }
}
