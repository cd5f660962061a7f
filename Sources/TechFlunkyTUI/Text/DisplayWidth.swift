import CNCursesW
#if canImport(Glibc)
import Glibc
#endif

/// How many terminal cells text takes, per grapheme (`Character`), by the C library's `wcwidth`.
///
/// Width is per grapheme, not per scalar: 👍🏽 (thumb + skin-tone modifier) is two cells, not four; ❤️ (heart +
/// VS16) is two; é written as e + combining acute is one; a combining mark alone is zero. CJK and emoji
/// are two.
public enum DisplayWidth {
    /// `wcwidth` answers -1 for everything beyond ASCII under the C locale. The backend calls
    /// `setlocale(LC_ALL, "")` before ncurses starts; tests and benchmarks never do, so make sure once that
    /// the character type is UTF-8 before the first measurement.
    private static let localeReady: Bool = {
        if let current = setlocale(LC_CTYPE, nil), String(cString: current).uppercased().contains("UTF") { return true }
        if setlocale(LC_CTYPE, "") != nil, let now = setlocale(LC_CTYPE, nil),
           String(cString: now).uppercased().contains("UTF") { return true }
        return setlocale(LC_CTYPE, "C.UTF-8") != nil
    }()

    /// Cells one grapheme takes: 0, 1 or 2.
    @inline(__always)
    public static func of(_ c: Character) -> Int {
        if let ascii = c.asciiValue { return ascii >= 0x20 && ascii < 0x7F ? 1 : 0 }
        return wide(c)
    }

    /// Cells a string takes.
    public static func of(_ s: String) -> Int {
        var total = 0
        for c in s { total += of(c) }
        return total
    }

    private static func wide(_ c: Character) -> Int {
        _ = localeReady
        let scalars = c.unicodeScalars
        var base = -2
        var anyWide = false
        for s in scalars {
            if s.value == 0xFE0F { return 2 }  // emoji presentation selector: shown as an emoji, two cells
            let w = Int(tf_wcwidth(wchar_t(bitPattern: s.value)))
            if base == -2 { base = w }
            if w == 2 { anyWide = true }
            if s.properties.isEmojiPresentation { anyWide = true }
        }
        if anyWide { return 2 }
        if base == 0 {
            // A grapheme that starts with a zero-width scalar (a lone combining mark) takes no cell.
            return 0
        }
        // Unassigned or unknown scalars (-1) still take a cell on every terminal we draw to.
        return base < 0 ? 1 : base
    }
}
