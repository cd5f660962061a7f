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
    /// Whether standard output is a terminal: long cells are then cut with `…` (in a pipe they are printed whole,
    /// for scripts) and a link gets a QR code.
    let isTerminal: Bool
    var truncates: Bool { isTerminal }

    init(environment: [String: String] = ProcessInfo.processInfo.environment, isTerminal: Bool = isatty(STDOUT_FILENO) == 1) {
        let noColor = !(environment["NO_COLOR"] ?? "").isEmpty
        colour = isTerminal && !noColor && environment["TERM"] != "dumb"
        self.isTerminal = isTerminal
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

    /// Rows under a header, each column as wide as its widest cell; cells are sanitised here.
    func table(_ columns: [Column], _ rows: [[String]]) {
        let cleanRows = rows.map { $0.map { TextSanitizer.line($0) } }
        let widths = columns.indices.map { i in
            let widest = max(DisplayWidth.of(columns[i].title), cleanRows.map { DisplayWidth.of($0[i]) }.max() ?? 0)
            guard truncates, let limit = columns[i].maxWidth else { return widest }
            return min(limit, widest)
        }
        func render(_ cells: [String]) -> String {
            var parts: [String] = []
            for (i, cell) in cells.enumerated() {
                let last = i == cells.count - 1
                parts.append(last && !columns[i].alignRight ? (truncates ? TextLayout.truncate(cell, to: widths[i]) : cell)
                                                            : TextLayout.fit(cell, to: widths[i], alignRight: columns[i].alignRight))
            }
            return parts.joined(separator: "  ")
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
