import Foundation
import TechFlunkyText

/// Markdown drawn simply as styled lines for the document viewer: headings, bullet and numbered lists with hanging
/// indents, `**bold**` and `*emphasis*` (shown bold and underlined, the markers removed), quotes, rules, code
/// blocks and pipe tables (aligned). Everything else is wrapped text. The text is sanitised first, so no byte of a
/// seller's document reaches the terminal unchecked.
public enum MarkdownText {
    public static func lines(_ markdown: String, width: Int) -> [StyledLine] {
        let width = max(10, width)
        var out: [StyledLine] = []
        var inCode = false
        var table: [[String]] = []
        func flushTable() {
            guard !table.isEmpty else { return }
            let columns = table.map(\.count).max() ?? 0
            var widths = (0..<columns).map { c in table.map { c < $0.count ? DisplayWidth.of($0[c]) : 0 }.max() ?? 0 }
            // Too wide: the widest columns give way until the row fits.
            while widths.reduce(0, +) + 2 * max(0, columns - 1) > width, let widest = widths.indices.max(by: { widths[$0] < widths[$1] }), widths[widest] > 4 {
                widths[widest] -= 1
            }
            for (r, row) in table.enumerated() {
                let text = (0..<columns).map { c in TextLayout.fit(c < row.count ? row[c] : "", to: widths[c]) }.joined(separator: "  ")
                out.append(StyledLine(TextLayout.truncate(text, to: width), r == 0 ? CellStyle(.text, bold: true) : .text))
            }
            table = []
        }
        for raw in TextSanitizer.multiline(markdown).split(separator: "\n", omittingEmptySubsequences: false) {
            let line = String(raw)
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("```") {
                flushTable()
                inCode.toggle()
                continue
            }
            if inCode {
                out.append(StyledLine("  " + TextLayout.truncate(line, to: width - 2), .muted))
                continue
            }
            if trimmed.hasPrefix("|") {
                let cells = trimmed.trimmingCharacters(in: CharacterSet(charactersIn: "|")).split(separator: "|", omittingEmptySubsequences: false)
                    .map { inline(String($0).trimmingCharacters(in: .whitespaces)).map(\.text).joined() }
                // `|---|:--:|` separates the header from the rows.
                if !cells.allSatisfy({ $0.allSatisfy { "-: ".contains($0) } }) { table.append(cells) }
                continue
            }
            flushTable()
            if trimmed.isEmpty {
                if out.last != StyledLine.blank, !out.isEmpty { out.append(.blank) }
                continue
            }
            if let level = headingLevel(trimmed) {
                if !out.isEmpty, out.last != StyledLine.blank { out.append(.blank) }
                let text = String(trimmed.dropFirst(level)).trimmingCharacters(in: .whitespaces)
                let style = level == 1 ? CellStyle(.accent, bold: true) : CellStyle(.header, bold: true)
                out += wrap([StyledSpan(inline(text).map(\.text).joined(), style)], width: width)
                if level == 1 { out.append(StyledLine(String(repeating: "─", count: min(width, DisplayWidth.of(text))), .border)) }
                continue
            }
            if trimmed.count >= 3, Set(trimmed.filter { $0 != " " }).count == 1, "-*_".contains(trimmed.first!) {
                out.append(StyledLine(String(repeating: "─", count: width), .border))
                continue
            }
            if trimmed.hasPrefix(">") {
                let text = String(trimmed.dropFirst()).trimmingCharacters(in: .whitespaces)
                out += wrap(inline(text).map { StyledSpan($0.text, CellStyle(.muted, bold: $0.style.bold)) }, width: width, first: "│ ", rest: "│ ",
                            prefixStyle: .border)
                continue
            }
            let indent = String(line.prefix { $0 == " " }).count / 2 * 2
            if let item = listItem(trimmed) {
                let (marker, rest) = item
                let lead = String(repeating: " ", count: indent) + marker + " "
                out += wrap(inline(rest), width: width, first: lead, rest: String(repeating: " ", count: DisplayWidth.of(lead)), prefixStyle: .accent)
                continue
            }
            out += wrap(inline(trimmed), width: width)
        }
        flushTable()
        while out.last == StyledLine.blank { out.removeLast() }
        return out
    }

    static func headingLevel(_ line: String) -> Int? {
        let hashes = line.prefix { $0 == "#" }.count
        guard (1...6).contains(hashes), line.dropFirst(hashes).first == " " else { return nil }
        return hashes
    }

    /// `- item`, `* item`, `+ item` → `•`; `3. item` → `3.`.
    static func listItem(_ line: String) -> (String, String)? {
        if let first = line.first, "-*+".contains(first), line.dropFirst().first == " " { return ("•", String(line.dropFirst(2))) }
        let digits = line.prefix { $0.isASCII && $0.isNumber }
        if !digits.isEmpty, digits.count <= 3, line.dropFirst(digits.count).hasPrefix(". ") {
            return (String(digits) + ".", String(line.dropFirst(digits.count + 2)))
        }
        return nil
    }

    /// Inline emphasis: `**bold**`/`__bold__` bold, `*em*`/`_em_` underlined, `` `code` `` muted; markers removed.
    static func inline(_ text: String) -> [StyledSpan] {
        var spans: [StyledSpan] = []
        var current = ""
        var bold = false, em = false, code = false
        func flush() {
            guard !current.isEmpty else { return }
            spans.append(StyledSpan(current, code ? .muted : CellStyle(.text, bold: bold, underline: em)))
            current = ""
        }
        let chars = Array(text)
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c == "`" { flush(); code.toggle(); i += 1; continue }
            if !code, (c == "*" || c == "_"), i + 1 < chars.count, chars[i + 1] == c { flush(); bold.toggle(); i += 2; continue }
            // A single `*`/`_` is emphasis only at a word's edge (snake_case and 2*3 stay as they are).
            if !code, c == "*" || c == "_" {
                let before = i > 0 ? chars[i - 1] : " ", after = i + 1 < chars.count ? chars[i + 1] : " "
                if (em && !before.isWhitespace) || (!em && !after.isWhitespace && (before.isWhitespace || before.isPunctuation)) {
                    flush(); em.toggle(); i += 1; continue
                }
            }
            current.append(c)
            i += 1
        }
        flush()
        return spans
    }

    /// Styled words filled into lines of `width`, with a first-line and a continuation prefix.
    static func wrap(_ spans: [StyledSpan], width: Int, first: String = "", rest: String = "", prefixStyle: CellStyle = .text) -> [StyledLine] {
        var lines: [StyledLine] = []
        var line: [StyledSpan] = first.isEmpty ? [] : [StyledSpan(first, prefixStyle)]
        var used = DisplayWidth.of(first)
        var lineHasWord = false
        func newLine() {
            lines.append(StyledLine(line))
            line = rest.isEmpty ? [] : [StyledSpan(rest, prefixStyle)]
            used = DisplayWidth.of(rest)
            lineHasWord = false
        }
        for span in spans {
            for word in span.text.split(separator: " ", omittingEmptySubsequences: true) {
                var word = String(word)
                let room = width - used - (lineHasWord ? 1 : 0)
                if DisplayWidth.of(word) > room, lineHasWord { newLine() }
                let available = width - used - (lineHasWord ? 1 : 0)
                if DisplayWidth.of(word) > available { word = TextLayout.truncate(word, to: max(1, available)) }
                if lineHasWord { line.append(StyledSpan(" ", span.style)); used += 1 }
                line.append(StyledSpan(word, span.style))
                used += DisplayWidth.of(word)
                lineHasWord = true
            }
        }
        if lineHasWord || lines.isEmpty { lines.append(StyledLine(line)) }
        return lines
    }
}
