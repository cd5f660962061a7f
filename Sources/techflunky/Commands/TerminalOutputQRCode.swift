import Foundation
// The QR encoder and its half-block renderer live with the TUI, which draws the same code in the checkout pane.
import TechFlunkyTUI

extension TerminalOutput {
    /// A QR code of `url` for a phone to scan, when standard output is a terminal wide enough for it (never
    /// into a pipe or a file, where it would be noise). Dark modules on a light field, as scanners expect,
    /// whatever the terminal's colours (or as plain blocks, which scan on a light terminal, under NO_COLOR).
    func qrCode(_ url: String) {
        guard isTerminal, let code = try? QRCode.encode(url) else { return }
        let rows = QRHalfBlockRenderer.lines(code)
        var size = winsize()
        let columns = ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0 && size.ws_col > 0 ? Int(size.ws_col) : 80
        guard let width = rows.first?.count, width <= columns else {
            line("(the QR code of this link needs \(rows.first?.count ?? 0) columns; widen the terminal to scan it)")
            return
        }
        for row in rows { line(colour ? "\u{1B}[38;5;16;48;5;231m\(row)\u{1B}[0m" : row) }
    }
}
