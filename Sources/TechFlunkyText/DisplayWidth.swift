#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How many terminal cells text takes, per grapheme (`Character`), by the C library's `wcwidth`.
///
/// Width is per grapheme as it is drawn (see `TerminalGlyph` for emoji sequences): 👍🏽 is drawn as 👍, two cells;
/// ❤️ (heart + VS16) as ❤, one; a ZWJ family as its four people, eight; é written as e + combining acute is one; a
/// combining mark alone is zero. CJK and most emoji are two.
public enum DisplayWidth {
    /// `wcwidth` answers -1 for everything beyond ASCII under the C locale. The TUI's backend calls
    /// `setlocale(LC_ALL, "")` before ncurses starts; the scripting commands, tests and benchmarks never do, so make
    /// sure once that the character type is UTF-8 before the first measurement.
    private static let localeReady: Bool = {
        if let current = setlocale(LC_CTYPE, nil), String(cString: current).uppercased().contains("UTF") { return true }
        if setlocale(LC_CTYPE, "") != nil, let now = setlocale(LC_CTYPE, nil),
           String(cString: now).uppercased().contains("UTF") { return true }
        return setlocale(LC_CTYPE, "C.UTF-8") != nil
    }()

    /// Cells one grapheme takes: 0, 1 or 2.
    @inlinable
    public static func of(_ c: Character) -> Int {
        if let ascii = c.asciiValue { return ascii >= 0x20 && ascii < 0x7F ? 1 : 0 }
        return wide(c)
    }

    /// Cells a string takes.
    public static func of(_ s: String) -> Int {
        var total = 0
        forEachGrapheme(s) { width, _, _ in total += width; return true }
        return total
    }

    /// Calls `body` with each grapheme of `s` in order: its width, its UTF-8 byte offsets, and its byte when it is a
    /// single printable ASCII byte (so callers can skip building a `Character`). Stops when `body` returns false.
    ///
    /// Same widths as `of(Character)` over `s`, but cheap for ASCII: per UAX #29 a grapheme can only continue past a
    /// scalar if the next scalar extends it (Extend, ZWJ, SpacingMark — never ASCII) or the pair is CR LF, or the
    /// scalar is a Prepend (never ASCII). So a printable ASCII byte followed by an ASCII byte or the end is a whole
    /// grapheme of one cell, and only text next to non-ASCII goes through grapheme segmentation and `wcwidth`. Every
    /// render measures and draws mostly-ASCII table text, where `Character` iteration was most of the frame's cost.
    ///
    /// Inlinable: the canvas calls it for every string it draws, so it is compiled into the caller as it was when the
    /// text layer lived in the TUI module.
    @inlinable
    public static func forEachGrapheme(_ s: String, _ body: (_ width: Int, _ bytes: Range<Int>, _ ascii: UInt8?) -> Bool) {
        var contiguous = s
        contiguous.withUTF8 { utf8 in
            let n = utf8.count
            var i = 0
            while i < n {
                let b = utf8[i]
                if b >= 0x20, b < 0x7F, i + 1 == n || utf8[i + 1] < 0x80 {
                    guard body(1, i..<(i + 1), b) else { return }
                    i += 1
                    continue
                }
                let ch = s[s.utf8.index(s.utf8.startIndex, offsetBy: i)]
                let length = ch.utf8.count
                guard body(of(ch), i..<(i + length), nil) else { return }
                i += length
            }
        }
    }

    /// The cells a grapheme takes as it is drawn (`TerminalGlyph.parts`): what `wcwidth`, and so ncurses and the
    /// terminal, give each part.
    @usableFromInline
    static func wide(_ c: Character) -> Int {
        var total = 0
        for part in TerminalGlyph.parts(c) { total += part.width }
        return total
    }

    /// Makes sure the C library measures UTF-8 before the first `wcwidth`.
    @inline(__always)
    public static func prepareLocale() { _ = localeReady }

    /// The C library's `wcwidth` of one scalar: what ncurses (which calls the same function) and so the terminal
    /// layout agree on. -1 for a scalar it does not know, 0 for a combining mark, 1 or 2 otherwise.
    ///
    /// Swift's Glibc module does not declare `wcwidth` (glibc declares it only under `_XOPEN_SOURCE`), and this
    /// module must not import ncurses for it (only the TUI's backend does), so the function is looked up once in
    /// the C library that every process on Linux has loaded.
    @inline(__always)
    public static func wcwidth(_ scalar: UInt32) -> Int {
        prepareLocale()
        return Int(systemWCWidth(wchar_t(bitPattern: scalar)))
    }

    #if canImport(Glibc)
    private typealias WCWidth = @convention(c) (wchar_t) -> Int32

    private static let systemWCWidth: WCWidth = {
        // RTLD_DEFAULT (a null handle): search the libraries already loaded, the C library among them.
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "wcwidth") else {
            // Not reachable with a dynamically linked C library; if it were, count every printable scalar as one
            // cell, which still keeps our layout and what is drawn in step.
            return { c in c < 0x20 || (c >= 0x7F && c < 0xA0) ? -1 : 1 }
        }
        return unsafeBitCast(symbol, to: WCWidth.self)
    }()
    #else
    @inline(__always)
    private static func systemWCWidth(_ c: wchar_t) -> Int32 { Darwin.wcwidth(c) }
    #endif
}
