/// Makes untrusted text (everything from the API) safe to put on a terminal.
///
/// Terminals act on control characters: ESC starts sequences that recolour, move the cursor, retitle the
/// window or write to the clipboard; `\r` and `\b` move the cursor back so later text overwrites earlier
/// text (spoofing, CWE-150 — kubectl's CVE-2021-25743); bidi overrides and isolates reorder what is shown.
/// None of these may reach the screen. Escape sequences are removed whole (their payload is noise), other
/// C0 controls and DEL become visible control pictures (`␇`), C1 controls become `�`, bidi controls, zero-width
/// spaces and non-joiners, byte-order marks and interlinear annotations are dropped, and line breaks (U+2028 and
/// U+2029 among them) and tabs become spaces (or line breaks, for multi-line text).
///
/// The one sanitiser of the project: the TUI draws and the scripting commands print only what passed it.
public enum TextSanitizer {
    /// Sanitises text that is shown on one line (a table cell, a title).
    public static func line(_ text: String) -> String {
        needsWork(text) ? clean(text, keepNewlines: false) : text
    }

    /// Sanitises text that may span lines (a description): `\n`, `\r\n` and lone `\r` become `\n`.
    public static func multiline(_ text: String) -> String {
        needsWork(text) ? clean(text, keepNewlines: true) : text
    }

    /// Whether a scalar may never be shown as it is.
    @inline(__always)
    public static func isUnsafe(_ v: UInt32) -> Bool {
        if v < 0x20 || (v >= 0x7F && v <= 0x9F) { return true }
        // The Arabic letter mark is a bidi control below the block of the others: test it before the early return.
        if v == 0x061C { return true }
        if v < 0x200B { return false }
        return (v >= 0x200B && v <= 0x200C) || (v >= 0x200E && v <= 0x200F) || (v >= 0x202A && v <= 0x202E)
            || (v >= 0x2066 && v <= 0x2069) || v == 0x2028 || v == 0x2029 || v == 0xFEFF
            || (v >= 0xFFF9 && v <= 0xFFFB)
    }

    static func needsWork(_ text: String) -> Bool {
        // Printable ASCII needs nothing: check the bytes first, the scalars only when there is more.
        var copy = text
        let printableASCII = copy.withUTF8 { utf8 in utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F } }
        if printableASCII { return false }
        for s in text.unicodeScalars where isUnsafe(s.value) { return true }
        return false
    }

    private enum EscapeState { case none, escape, csi, string, stringEscape }

    static func clean(_ text: String, keepNewlines: Bool) -> String {
        var out = String.UnicodeScalarView()
        var state = EscapeState.none
        var lastWasCR = false
        for scalar in text.unicodeScalars {
            let v = scalar.value
            switch state {
            case .escape:
                // ESC [ → CSI; ESC ] P X ^ _ → a string ended by BEL or ESC \; anything else: a two-character sequence.
                switch v {
                case 0x5B: state = .csi
                case 0x5D, 0x50, 0x58, 0x5E, 0x5F: state = .string
                default: state = .none
                }
                continue
            case .csi:
                // Parameters and intermediates until a final byte 0x40–0x7E; a control aborts the sequence.
                if v >= 0x40 && v <= 0x7E { state = .none }
                else if v < 0x20 || v > 0x7E { state = .none }
                continue
            case .string:
                if v == 0x07 || v == 0x9C { state = .none } else if v == 0x1B { state = .stringEscape }
                continue
            case .stringEscape:
                state = v == 0x5C ? .none : .string
                continue
            case .none:
                break
            }
            let wasCR = lastWasCR
            lastWasCR = false
            switch v {
            case 0x1B:
                state = .escape
            case 0x9B:
                state = .csi
            case 0x9D, 0x90, 0x98, 0x9E, 0x9F:
                state = .string
            case 0x0D:
                lastWasCR = true
                out.append(keepNewlines ? "\n" : " ")
            case 0x0A:
                if keepNewlines { if !wasCR { out.append("\n") } } else if !wasCR { out.append(" ") }
            case 0x09:
                out.append(" ")
            case 0x00..<0x20:
                out.append(Unicode.Scalar(0x2400 + v)!)  // ␀…␟: visible, inert
            case 0x7F:
                out.append("\u{2421}")  // ␡
            case 0x80...0x9F:
                out.append("\u{FFFD}")
            case 0x2028:
                out.append(keepNewlines ? "\n" : " ")
            case 0x2029:
                out.append(keepNewlines ? "\n" : " ")
            default:
                if isUnsafe(v) { continue }  // bidi controls, zero-width space, BOM, interlinear annotation
                out.append(scalar)
            }
        }
        return String(out)
    }
}
