import CNCursesW
import Foundation
import TechFlunkyText
#if canImport(Glibc)
import Glibc
#endif

/// A reason the terminal UI cannot start.
public enum TerminalError: Error, CustomStringConvertible, Sendable {
    case notATerminal
    case initialisationFailed

    public var description: String {
        switch self {
        case .notATerminal: "the terminal UI needs a terminal: standard input and output must be a TTY (use the subcommands for scripting)"
        case .initialisationFailed: "ncurses could not initialise the terminal (check TERM)"
        }
    }
}

/// The only code that touches ncurses. It starts and always restores the terminal, decodes input (keys, mouse,
/// resize) into messages, maps theme roles to colours, and draws a canvas by sending only the cells that changed
/// since the last frame, ending each frame with one `doupdate()`.
///
/// Not `Sendable`: it lives on the UI loop's thread, like ncurses itself.
final class NCursesBackend {
    enum ColorMode { case none, basic, full }

    private var previous: Canvas?
    /// How each cell of `previous` was drawn: a blank's look depends on its neighbours, so an unchanged cell may need
    /// drawing again.
    private var previousLooks: [Look] = []
    private(set) var colorMode = ColorMode.none
    private var pairs: [PairKey: Int32] = [:]
    /// How each cell style is drawn: for text, and for a blank (see `look(for:theme:)`).
    private var lookCache: [CellStyle: (text: Look, blank: Look)] = [:]
    private var cachedTheme: Theme?
    private var noColor: Bool
    private(set) var isActive = false

    private struct PairKey: Hashable { let fg: Int16; let bg: Int16 }
    private struct Look: Equatable { var attrs: attr_t; var pair: Int32 }

    init(noColor: Bool) {
        self.noColor = noColor
    }

    var width: Int { Int(tf_getmaxx(tf_stdscr())) }
    var height: Int { Int(tf_getmaxy(tf_stdscr())) }

    func start() throws {
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else { throw TerminalError.notATerminal }
        // Wide characters are garbled under the C locale: set the user's locale before ncurses starts.
        tf_setlocale_all()
        guard initscr() != nil else { throw TerminalError.initialisationFailed }
        isActive = true
        tf_install_crash_handlers()
        TerminationSignals.install()
        // cbreak, not raw: Ctrl-C raises SIGINT (the loop quits through the normal path) and Ctrl-Z raises SIGTSTP,
        // which ncurses' own handler turns into endwin, stop, and a full repaint on resume.
        cbreak()
        // cbreak keeps XON/XOFF flow control, where Ctrl-S would freeze the screen until Ctrl-Q: turn it off and
        // let ncurses remember that as the program's mode (restored after Ctrl-Z and resize).
        var modes = termios()
        if tcgetattr(STDIN_FILENO, &modes) == 0 {
            modes.c_iflag &= ~tcflag_t(IXON)
            tcsetattr(STDIN_FILENO, TCSANOW, &modes)
            def_prog_mode()
        }
        noecho()
        nonl()
        keypad(tf_stdscr(), true)
        curs_set(0)
        tf_set_escdelay(25)
        _ = mousemask(tf_all_mouse_events(), nil)
        mouseinterval(0)
        if !noColor, has_colors() {
            start_color()
            use_default_colors()
            colorMode = tf_colors() >= 256 ? .full : .basic
        }
    }

    /// Gives the terminal back. Safe to call twice.
    func stop() {
        guard isActive else { return }
        isActive = false
        curs_set(1)
        endwin()
        tf_restore_default_signal_handlers()
    }

    func forceFullRedraw() {
        previous = nil
        clearok(tf_stdscr(), true)
    }

    // MARK: Input

    /// Waits up to `timeoutMs` for input (0: do not wait). Returns nil if nothing arrived.
    func read(timeoutMs: Int32) -> Message? {
        wtimeout(tf_stdscr(), timeoutMs)
        var code: UInt32 = 0
        let rc = tf_get_wch(&code)
        if rc == tf_err() { return nil }
        if rc == tf_key_code_yes() { return decodeFunctionKey(Int32(bitPattern: code)) }
        return .key(NCursesBackend.decodeCharacter(code))
    }

    static func decodeCharacter(_ code: UInt32) -> Key {
        switch code {
        case 27: return .escape
        case 10, 13: return .enter
        case 9: return .tab
        case 8, 127: return .backspace
        case 1...26: return .ctrl(Character(Unicode.Scalar(UInt8(code) + 96)))
        default:
            guard let scalar = Unicode.Scalar(code) else { return .char("\u{FFFD}") }
            return .char(Character(scalar))
        }
    }

    private func decodeFunctionKey(_ code: Int32) -> Message? {
        switch code {
        case tf_key_resize():
            forceFullRedraw()
            return .resize(width: width, height: height)
        case tf_key_mouse():
            var x: Int32 = 0, y: Int32 = 0
            var state: mmask_t = 0
            guard tf_get_mouse(&x, &y, &state) == tf_ok() else { return nil }
            if state & (tf_button1_pressed() | tf_button1_clicked()) != 0 { return .mouse(.click(x: Int(x), y: Int(y))) }
            if state & tf_button4_pressed() != 0 { return .mouse(.wheelUp(x: Int(x), y: Int(y))) }
            if tf_button5_pressed() != 0, state & tf_button5_pressed() != 0 { return .mouse(.wheelDown(x: Int(x), y: Int(y))) }
            return nil
        case tf_key_up(): return .key(.up)
        case tf_key_down(): return .key(.down)
        case tf_key_left(): return .key(.left)
        case tf_key_right(): return .key(.right)
        case tf_key_home(): return .key(.home)
        case tf_key_end(): return .key(.end)
        case tf_key_npage(): return .key(.pageDown)
        case tf_key_ppage(): return .key(.pageUp)
        case tf_key_backspace(): return .key(.backspace)
        case tf_key_dc(): return .key(.delete)
        case tf_key_enter(): return .key(.enter)
        case tf_key_btab(): return .key(.backTab)
        default:
            for n in 1...12 where code == tf_key_f(Int32(n)) { return .key(.function(n)) }
            return nil
        }
    }

    // MARK: Output

    /// Draws a frame: only cells that differ from the previous frame, then one `doupdate()`.
    /// Sets the terminal's clipboard with OSC 52 (xterm, kitty, iTerm2, WezTerm, Windows Terminal; tmux passes
    /// it on with `set-clipboard`). Written straight to the terminal between frames: the sequence moves no
    /// cursor and draws nothing, so ncurses' idea of the screen stays true. The text is sanitised first and
    /// base64-encoded, so it cannot carry a control sequence of its own.
    func copyToClipboard(_ text: String) {
        let payload = Data(TextSanitizer.multiline(text).utf8).base64EncodedString()
        let sequence = "\u{1B}]52;c;\(payload)\u{07}"
        sequence.utf8CString.withUnsafeBufferPointer { buffer in
            _ = Glibc.write(STDOUT_FILENO, buffer.baseAddress, buffer.count - 1)
        }
    }

    func draw(_ canvas: Canvas, theme: Theme) {
        if cachedTheme != theme {
            cachedTheme = theme
            lookCache = [:]
            previous = nil
        }
        let full = previous == nil || previous!.width != canvas.width || previous!.height != canvas.height
        if full {
            werase(tf_stdscr())
            previousLooks = Array(repeating: Look(attrs: 0, pair: -1), count: canvas.width * canvas.height)
        }
        let maxX = min(canvas.width, width), maxY = min(canvas.height, height)
        var wide: [wchar_t] = []
        wide.reserveCapacity(8)
        for y in 0..<maxY {
            var x = 0
            while x < maxX {
                // A run of blanks of one style: drawn as plain blanks (see `look(for:theme:)`) where that lets ncurses
                // skip them — long runs, and runs at either end of the row. Short gaps between words keep the words'
                // look, or ncurses would switch colours around every one of them.
                var end = x + 1
                let isBlank = canvas[x, y].grapheme == " "
                if isBlank {
                    let style = canvas[x, y].style
                    while end < maxX, canvas[end, y].grapheme == " ", canvas[end, y].style == style { end += 1 }
                }
                let plain = isBlank && (end - x >= NCursesBackend.plainBlankRun || x == 0 || end == maxX)
                for cx in x..<end { drawCell(canvas, x: cx, y: y, full: full, plainBlank: plain, theme: theme, wide: &wide) }
                x = end
            }
        }
        previous = canvas
        wnoutrefresh(tf_stdscr())
        doupdate()
    }

    /// Blank runs at least this long are drawn as plain blanks: ncurses moves over them for less than it takes to
    /// write them.
    static let plainBlankRun = 8

    private func drawCell(_ canvas: Canvas, x: Int, y: Int, full: Bool, plainBlank: Bool, theme: Theme, wide: inout [wchar_t]) {
        let cell = canvas[x, y]
        if cell.isContinuation { return }
        let looks = look(for: cell.style, theme: theme)
        let look = plainBlank ? looks.blank : looks.text
        let i = y * canvas.width + x
        if !full, let prev = previous, prev[x, y] == cell, previousLooks[i] == look,
           cell.width == 1 || x + 1 >= prev.width || prev[x + 1, y] == canvas[x + 1, y] { return }
        previousLooks[i] = look
        // Every cell of the glyph must be written, and ncurses must agree on how many there are: the canvas only holds
        // parts that `wcwidth` measures as it does (`TerminalGlyph`), but a cell built by hand could still disagree,
        // and a cell ncurses draws narrower or wider than the canvas shifts the rest of the row on the terminal.
        let cells = Int(cell.width)
        let measured = cell.grapheme.utf8.count == 1 ? 1 : TerminalGlyph.ncursesWidth(cell.grapheme)
        if measured == cells {
            put(cell.grapheme, x: x, y: y, look: look, wide: &wide)
        } else if measured >= 1, measured < cells {
            put(cell.grapheme, x: x, y: y, look: look, wide: &wide)
            for pad in (x + measured)..<min(x + cells, canvas.width) { put(" ", x: pad, y: y, look: look, wide: &wide) }
        } else {
            put("\u{FFFD}", x: x, y: y, look: look, wide: &wide)
            for pad in (x + 1)..<min(x + max(cells, 1), canvas.width) { put(" ", x: pad, y: y, look: look, wide: &wide) }
        }
    }

    private func put(_ grapheme: String, x: Int, y: Int, look: Look, wide: inout [wchar_t]) {
        wide.removeAll(keepingCapacity: true)
        for s in grapheme.unicodeScalars { wide.append(wchar_t(bitPattern: s.value)) }
        if wide.isEmpty { wide.append(32) }
        _ = wide.withUnsafeBufferPointer { buf in
            tf_put_cell(Int32(y), Int32(x), buf.baseAddress, Int32(buf.count), look.attrs, look.pair)
        }
    }

    // MARK: Tests

    /// Runs `body` with a backend drawing into an ncurses screen of `width` × `height` that writes to /dev/null, so
    /// tests can draw canvases and read back what ncurses believes is on the terminal (`screenRow`).
    static func withOffscreenScreen<T>(width: Int, height: Int, _ body: (NCursesBackend) throws -> T) throws -> T {
        DisplayWidth.prepareLocale()
        guard let screen = tf_start_offscreen("xterm-256color", Int32(height), Int32(width)) else {
            throw TerminalError.initialisationFailed
        }
        defer { tf_end_offscreen(screen) }
        let backend = NCursesBackend(noColor: true)
        backend.isActive = true
        return try body(backend)
    }

    /// One row as ncurses holds it: the text of each cell, the right halves of wide characters skipped (what
    /// `Canvas.rowText` gives for the canvas).
    func screenRow(_ y: Int) -> String {
        var buf = [wchar_t](repeating: 0, count: width * 6 + 1)
        let n = buf.withUnsafeMutableBufferPointer { tf_row_text(Int32(y), $0.baseAddress, Int32($0.count - 1)) }
        guard n > 0 else { return "" }
        var scalars = String.UnicodeScalarView()
        for c in buf.prefix(Int(n)) { if let s = Unicode.Scalar(UInt32(bitPattern: c)) { scalars.append(s) } }
        return String(scalars)
    }

    /// The attributes and colour pair of a style, for text and for a blank. A space shows only its background (and
    /// reverse or underline), so a blank drops its foreground colour and bold/dim: blanks of every style on the
    /// terminal's own background then equal the blanks ncurses clears lines to, and it skips them (a cursor move)
    /// instead of writing spaces and switching colours around them — most of a table row is blank.
    private func look(for cellStyle: CellStyle, theme: Theme) -> (text: Look, blank: Look) {
        if let cached = lookCache[cellStyle] { return cached }
        let s = theme.style(for: cellStyle.role)
        var attrs = tf_a_normal()
        if s.bold || cellStyle.bold { attrs |= tf_a_bold() }
        if s.underline || cellStyle.underline { attrs |= tf_a_underline() }
        if s.reverse || cellStyle.reverse { attrs |= tf_a_reverse() }
        if s.dim { attrs |= tf_a_dim() }
        if colorMode == .none {
            // Without colour, roles that only differed by colour must still be told apart.
            switch cellStyle.role {
            case .selection, .header: attrs |= tf_a_reverse()
            case .accent, .error, .stepFailed, .stepRunning, .holdDisputed: attrs |= tf_a_bold()
            case .muted, .border, .stepPending, .stepSkipped: attrs |= tf_a_dim()
            default: break
            }
        }
        let (fg, bg): (Int16, Int16) = switch colorMode {
        case .none: (-1, -1)
        case .basic: (number(s.fg8 ?? s.fg.basic), number(s.bg8 ?? s.bg.basic))
        case .full: (number(s.fg), number(s.bg))
        }
        let text = Look(attrs: attrs, pair: pair(fg: fg, bg: bg))
        // Reversed, the foreground (and bold, on terminals that brighten it) is what a blank shows: keep it all.
        let blank = attrs & tf_a_reverse() != 0 ? text : Look(attrs: attrs & tf_a_underline(), pair: pair(fg: -1, bg: bg))
        lookCache[cellStyle] = (text, blank)
        return (text, blank)
    }

    private func number(_ c: ThemeColor) -> Int16 {
        switch c {
        case .terminalDefault: -1
        case let .indexed(i): Int16(i)
        }
    }

    private func pair(fg: Int16, bg: Int16) -> Int32 {
        if fg == -1 && bg == -1 { return 0 }
        let key = PairKey(fg: fg, bg: bg)
        if let p = pairs[key] { return p }
        let next = Int32(pairs.count + 1)
        guard next < tf_color_pairs(), next < Int32(Int16.max) else { return 0 }
        init_pair(Int16(next), fg, bg)
        pairs[key] = next
        return next
    }
}
