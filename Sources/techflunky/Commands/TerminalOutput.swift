import Foundation
import TechFlunkyClient
import TechFlunkyCore
import TechFlunkyText

/// Text for people on stdout: aligned columns by display width, colour only on a terminal and only
/// when `NO_COLOR` is unset or empty (no-color.org) and `TERM` is not `dumb`. Every piece of API
/// text goes through `TextSanitizer` (TechFlunkyText, the same sanitiser the TUI draws with) before it is printed:
/// escape sequences removed whole, controls shown as visible pictures, line breaks and separators made spaces,
/// bidi controls, zero-width spaces and byte-order marks dropped. Columns are cut to fit only on a terminal: a pipe gets every value whole.
/// (The QR code of a link is in `TerminalOutputQRCode.swift`, the one part that needs the TUI module.)
struct TerminalOutput {
    enum Tone: String {
        case bold = "1", dim = "2", green = "32", red = "31", yellow = "33", cyan = "36"
    }

    let colour: Bool
    /// Whether standard output is a terminal: a link then gets a QR code.
    let isTerminal: Bool
    /// The width tables fit (`COLUMNS` when set, else the terminal's); nil in a pipe without `COLUMNS`, where every
    /// value is printed whole for scripts.
    let width: Int?
    var truncates: Bool { width != nil }

    init(environment: [String: String] = ProcessInfo.processInfo.environment, isTerminal: Bool = isatty(STDOUT_FILENO) == 1) {
        let noColor = !(environment["NO_COLOR"] ?? "").isEmpty
        colour = isTerminal && !noColor && environment["TERM"] != "dumb"
        self.isTerminal = isTerminal
        width = Self.tableWidth(environment: environment, isTerminal: isTerminal)
    }

    static func tableWidth(environment: [String: String], isTerminal: Bool) -> Int? {
        if let columns = environment["COLUMNS"].flatMap(Int.init), columns > 0 { return columns }
        guard isTerminal else { return nil }
        var size = winsize()
        if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
        return 80
    }

    func paint(_ text: String, _ tone: Tone) -> String {
        colour ? "\u{1B}[\(tone.rawValue)m\(text)\u{1B}[0m" : text
    }

    /// API text on one line, safe for the terminal.
    static func clean(_ text: String?) -> String { TextSanitizer.line(text ?? "") }

    func line(_ text: String = "") {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    /// Notes for people go to stderr, so stdout stays parseable.
    static func note(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    /// Prints any wire value as JSON (pretty, sorted keys, RFC 3339 dates).
    func json<T: Encodable>(_ value: T, pretty: Bool = true) throws {
        let data = try WireJSON.encode(value, pretty: pretty)
        FileHandle.standardOutput.write(Self.escapingTerminalControls(data) + Data("\n".utf8))
    }

    /// JSON with every scalar a terminal would act on written as `\uXXXX`. The encoder escapes C0 controls but
    /// leaves DEL, C1 controls (U+009B is a CSI on many terminals), bidi overrides and line separators raw, so a
    /// script that prints a field of `--json` output would hand the terminal a sequence. Outside strings JSON is
    /// ASCII, so only string contents change, and they decode to the same text.
    static func escapingTerminalControls(_ json: Data) -> Data {
        guard json.contains(where: { $0 >= 0x7F }) else { return json }
        let text = String(decoding: json, as: UTF8.self)
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            let v = scalar.value
            if v >= 0x7F, TextSanitizer.isUnsafe(v) {
                out.append(contentsOf: String(format: "\\u%04X", v).unicodeScalars)
            } else {
                out.append(scalar)
            }
        }
        return Data(String(out).utf8)
    }

    struct Column {
        var title: String
        var alignRight = false
        /// Cells at most on a terminal (longer cells end in `…`); nil for an identifier, which is never cut (a cut
        /// slug names nothing).
        var maxWidth: Int? = 48
    }

    /// Rows under a header, cells sanitised here. Columns share the width by `ColumnFitting` (the rule the TUI's
    /// tables use): identifiers and numbers keep their widest cell, text columns get what is left, the last one
    /// giving first; a row is never wider than `width`, so a terminal never wraps it. Without a width every cell is
    /// whole.
    func table(_ columns: [Column], _ rows: [[String]]) {
        let cleanRows = rows.map { $0.map { TextSanitizer.line($0) } }
        let specs = columns.indices.map { i -> ColumnFitting.Column in
            let header = DisplayWidth.of(columns[i].title)
            let widest = max(header, cleanRows.map { DisplayWidth.of($0[i]) }.max() ?? 0)
            guard truncates, columns[i].maxWidth != nil, !columns[i].alignRight else { return ColumnFitting.Column(.fixed(widest)) }
            // Too narrow even for a text column's minimum: it goes (the last column stays and gives way) rather than
            // show a lone `…`.
            return ColumnFitting.Column(.flexible(min: min(widest, max(header, 10)), natural: widest),
                                        dropPriority: i == columns.count - 1 ? 0 : 1, growOrder: i)
        }
        let fitted = ColumnFitting.fit(specs, width: width, gap: 2)
        func render(_ cells: [String]) -> String {
            var parts: [String] = []
            for (n, (i, w)) in fitted.enumerated() {
                let cell = i < cells.count ? cells[i] : ""
                let last = n == fitted.count - 1
                parts.append(last && !columns[i].alignRight ? (truncates ? TextLayout.truncate(cell, to: w) : cell)
                                                            : TextLayout.fit(cell, to: w, alignRight: columns[i].alignRight))
            }
            let line = parts.joined(separator: "  ")
            // Fixed columns wider than the terminal: cut the row rather than let the terminal wrap it.
            guard let width, DisplayWidth.of(line) > width else { return line }
            return TextLayout.truncate(line, to: width)
        }
        line(paint(render(columns.map(\.title)), .bold))
        for row in cleanRows { line(render(row)) }
    }

    /// `label   value` lines with the labels aligned.
    func fields(_ pairs: [(String, String)]) {
        let width = pairs.map { DisplayWidth.of($0.0) }.max() ?? 0
        for (label, value) in pairs {
            line(paint(TextLayout.fit(label, to: width), .dim) + "  " + TextSanitizer.line(value))
        }
    }

    /// `2026-12-05 19:55` in this machine's time zone, or `—` for no date.
    static func date(_ date: Date?) -> String {
        date.map { DisplayFormat.minute($0, in: .current) } ?? "—"
    }
}
