/// Fitting text into cells: truncation with an ellipsis, padding and word wrapping, all by display width.
/// Callers pass sanitised text (see `TextSanitizer`); `Canvas.write` sanitises again before drawing.
public enum TextLayout {
    public static let ellipsis: Character = "…"

    /// The longest prefix of `text` that fits `width` cells, ending in `…` when something was cut.
    public static func truncate(_ text: String, to width: Int) -> String {
        guard width > 0 else { return "" }
        let cut = cutPoint(text, width: width)
        guard cut.truncated else { return text }
        return String(text[..<text.utf8.index(text.utf8.startIndex, offsetBy: cut.end)]) + String(ellipsis)
    }

    /// Where `truncate` cuts, in UTF-8 bytes: if `text` fits `width` cells, its length and width (`truncated` false);
    /// otherwise the length and width of the longest prefix that fits `width - 1` cells, leaving room for the
    /// ellipsis. One pass that stops as soon as the text is known not to fit, so a 10,000-character title costs no
    /// more than a short one.
    public static func cutPoint(_ text: String, width: Int) -> (end: Int, width: Int, truncated: Bool) {
        var used = 0
        var keepEnd = 0  // end of the prefix that fits in width-1 cells
        var keepWidth = 0
        var end = 0
        var truncated = false
        DisplayWidth.forEachGrapheme(text) { w, bytes, _ in
            if used + w > width { truncated = true; return false }
            used += w
            end = bytes.upperBound
            if used <= width - 1 { keepEnd = end; keepWidth = used }
            return true
        }
        return truncated ? (keepEnd, keepWidth, true) : (end, used, false)
    }

    /// `text` truncated or padded with spaces to exactly `width` cells; `alignRight` pads on the left.
    public static func fit(_ text: String, to width: Int, alignRight: Bool = false) -> String {
        guard width > 0 else { return "" }
        let cut = truncate(text, to: width)
        let w = DisplayWidth.of(cut)
        let pad = String(repeating: " ", count: max(0, width - w))
        return alignRight ? pad + cut : cut + pad
    }

    /// Word-wraps `text` into lines of at most `width` cells. `\n` starts a new line; words longer than a line
    /// are broken by width (never inside a grapheme); runs of spaces at a break are dropped.
    public static func wrap(_ text: String, width: Int) -> [String] {
        guard width > 0 else { return [] }
        var lines: [String] = []
        for paragraph in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = ""
            var lineWidth = 0
            for word in paragraph.split(separator: " ", omittingEmptySubsequences: true) {
                var word = Substring(word)
                var ww = DisplayWidth.of(String(word))
                let gap = line.isEmpty ? 0 : 1
                if lineWidth + gap + ww <= width {
                    if gap == 1 { line.append(" ") }
                    line += word
                    lineWidth += gap + ww
                    continue
                }
                if !line.isEmpty { lines.append(line); line = ""; lineWidth = 0 }
                // Break a word that is longer than a whole line.
                while ww > width {
                    var piece = ""
                    var pw = 0
                    var idx = word.startIndex
                    while idx < word.endIndex {
                        let cw = DisplayWidth.of(word[idx])
                        if pw + cw > width { break }
                        piece.append(word[idx])
                        pw += cw
                        idx = word.index(after: idx)
                    }
                    if idx == word.startIndex { idx = word.index(after: idx) }  // a 2-cell grapheme in a 1-cell line
                    lines.append(piece)
                    word = word[idx...]
                    ww = DisplayWidth.of(String(word))
                }
                line = String(word)
                lineWidth = ww
            }
            lines.append(line)
        }
        return lines
    }
}
