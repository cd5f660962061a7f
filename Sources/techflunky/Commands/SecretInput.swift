import Foundation

/// Reading passwords and API tokens without putting them on the command line (where `ps` shows
/// them) or on the screen.
enum SecretInput {
    struct NoTerminal: Error, CustomStringConvertible {
        let hint: String
        var description: String { "there is no terminal to ask on; \(hint)" }
    }

    /// Prompts on the controlling terminal with echo off, restoring the terminal afterwards.
    static func prompt(_ prompt: String, hint: String) throws -> String {
        let fd = open("/dev/tty", O_RDWR | O_CLOEXEC)
        guard fd >= 0 else { throw NoTerminal(hint: hint) }
        defer { close(fd) }
        var original = termios()
        guard tcgetattr(fd, &original) == 0 else { throw NoTerminal(hint: hint) }
        var silent = original
        silent.c_lflag &= ~tcflag_t(ECHO)
        silent.c_lflag |= tcflag_t(ECHONL)
        _ = prompt.withCString { write(fd, $0, strlen($0)) }
        // Ctrl-C (or a kill) while echo is off must not leave the terminal silent.
        terminalToRestore = (fd, original)
        let previous = [SIGINT, SIGTERM, SIGHUP].map { ($0, signal($0, restoreTerminalAndDie)) }
        tcsetattr(fd, TCSAFLUSH, &silent)
        defer {
            tcsetattr(fd, TCSAFLUSH, &original)
            for (number, handler) in previous { signal(number, handler) }
            terminalToRestore = nil
        }
        return readLine(fd: fd)
    }

    /// Prompts on the terminal with echo on (an email address).
    static func ask(_ prompt: String, hint: String) throws -> String {
        let fd = open("/dev/tty", O_RDWR | O_CLOEXEC)
        guard fd >= 0 else { throw NoTerminal(hint: hint) }
        defer { close(fd) }
        _ = prompt.withCString { write(fd, $0, strlen($0)) }
        return readLine(fd: fd)
    }

    /// The first line of standard input, without its line break (`--password-stdin`, `--token-stdin`).
    static func firstLineOfStandardInput() -> String {
        readLine(fd: STDIN_FILENO)
    }

    private static func readLine(fd: Int32) -> String {
        var bytes: [UInt8] = []
        var byte: UInt8 = 0
        while read(fd, &byte, 1) == 1 {
            if byte == 0x0A { break }
            bytes.append(byte)
        }
        if bytes.last == 0x0D { bytes.removeLast() }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// The terminal state to put back if a signal arrives while a secret is being typed.
/// `nonisolated(unsafe)` is safe here: it is written only on the prompting thread, before the signal
/// handlers are installed and after they are removed, and the handler only reads it.
nonisolated(unsafe) private var terminalToRestore: (fd: Int32, state: termios)?

/// Restores echo, then dies of the same signal with its default action (so the exit status says so).
/// Uses only async-signal-safe calls (tcsetattr, signal, raise).
private func restoreTerminalAndDie(_ number: Int32) {
    if var saved = terminalToRestore {
        tcsetattr(saved.fd, TCSAFLUSH, &saved.state)
    }
    signal(number, SIG_DFL)
    raise(number)
}
