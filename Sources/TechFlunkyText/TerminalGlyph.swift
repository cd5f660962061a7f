/// How a grapheme is drawn on a terminal so that our width, ncurses' width and the terminal's width agree.
///
/// ncurses stores a cell as one spacing character plus a few zero-width ones, and measures it with the C library's
/// `wcwidth` of the spacing character. Terminals disagree about emoji sequences: `❤️` (U+2764 U+FE0F) is one cell by
/// `wcwidth` but two on a terminal that honours the emoji presentation selector (tmux 3.4+, kitty, WezTerm); a ZWJ
/// family is one two-cell glyph on some terminals and four on others; a skin-tone modifier is joined onto the previous
/// glyph by tmux and kitty but is a two-cell swatch by `wcwidth`, and ncurses refuses it inside a cell at all. A cell
/// drawn narrower or wider than ncurses believes shifts everything after it on the row, and ncurses' diffing then
/// leaves old characters on screen.
///
/// The rule: only send what every terminal measures as `wcwidth` does.
/// - variation selectors (U+FE0E, U+FE0F) are dropped: the base is shown in its default presentation (`❤️` → `❤`,
///   one cell);
/// - a zero-width joiner (U+200D) is dropped and each part of the sequence is drawn in its own cells (a family is
///   shown as its four people, eight cells);
/// - skin-tone modifiers (U+1F3FB–U+1F3FF) and tag characters (U+E0020–U+E007F) are dropped: the base emoji is shown
///   without its tone, because no cell layout is right on both the terminals that join a modifier and those that do
///   not;
/// - a scalar `wcwidth` does not know (-1: unassigned, or newer than the C library) becomes U+FFFD, one cell;
/// - other zero-width scalars (combining marks) stay with the spacing character before them, at most four of them
///   (what a cell holds).
public enum TerminalGlyph {
    /// One cell's worth of text: a spacing scalar followed by zero-width scalars, and its width by `wcwidth` (0 only
    /// for a grapheme that starts with a combining mark, which joins the cell before it).
    public struct Part: Equatable, Sendable {
        public var text: String
        public var width: Int
    }

    /// Zero-width scalars kept after the spacing one: ncurses' `CCHARW_MAX` is 5 characters per cell.
    static let maxCombining = 4

    /// The parts a grapheme is drawn as, in order. Printable ASCII is one part of width 1.
    public static func parts(_ c: Character) -> [Part] {
        if let ascii = c.asciiValue { return ascii >= 0x20 && ascii < 0x7F ? [Part(text: String(c), width: 1)] : [] }
        var parts: [Part] = []
        var combining = 0
        for s in c.unicodeScalars {
            let v = s.value
            if isDropped(v) { continue }
            let w = DisplayWidth.wcwidth(v)
            if w == 0 {
                if parts.isEmpty {
                    parts.append(Part(text: String(s), width: 0))
                    combining = 1
                } else if combining < maxCombining {
                    parts[parts.count - 1].text.unicodeScalars.append(s)
                    combining += 1
                }
                continue
            }
            combining = 0
            if w < 0 {
                parts.append(Part(text: "\u{FFFD}", width: 1))
            } else if parts.count == 1, parts[0].width == 0 {
                // A grapheme that began with zero-width scalars (a Prepend, say) before its spacing one: the spacing
                // scalar carries the cell, the leading ones would make ncurses reject it.
                parts[0] = Part(text: String(s), width: w)
            } else {
                parts.append(Part(text: String(s), width: w))
            }
        }
        return parts
    }

    /// Scalars never sent to the terminal (see the type's rule).
    @inline(__always)
    static func isDropped(_ v: UInt32) -> Bool {
        v == 0xFE0F || v == 0xFE0E || v == 0x200D || (v >= 0x1F3FB && v <= 0x1F3FF) || (v >= 0xE0020 && v <= 0xE007F)
    }

    /// The cells ncurses will give a part when it is drawn: `wcwidth` of its first scalar (its only spacing one).
    public static func ncursesWidth(_ part: String) -> Int {
        guard let first = part.unicodeScalars.first else { return 1 }
        if first.value < 0x80 { return 1 }
        return DisplayWidth.wcwidth(first.value)
    }
}
