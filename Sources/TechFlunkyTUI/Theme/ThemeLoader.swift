import Foundation
import TOMLKit

/// A theme file that could not be used: which file, which key, and what is wrong with it.
public struct ThemeFileError: Error, Hashable, Sendable, CustomStringConvertible {
    public var file: String
    /// The dotted key (`roles.accent.fg`), or nil when the file as a whole is unreadable.
    public var key: String?
    public var message: String

    public var description: String { "\(file): " + (key.map { "\($0): " } ?? "") + message }
}

/// Reads `themes/*.toml` files.
///
/// ```toml
/// name = "dark"
/// [roles]
/// text      = { fg = 252 }                    # an xterm-256 index
/// accent    = { fg = "#5fd7ff", bold = true } # hex, mapped to the nearest xterm-256 colour
/// selection = { fg = "black", bg = "cyan" }   # one of the 16 named colours, or "default"
/// header    = { fg = 255, bg = 24, bg8 = "blue" } # fg8/bg8: the choice on 8-colour terminals
/// ```
/// Attributes: `bold`, `underline`, `reverse`, `dim`. A role left out looks like `text`. Unknown keys, roles
/// and colours are errors naming the file and key, so typos never pass silently.
public enum ThemeLoader {
    /// Where themes are looked for, later directories overriding earlier ones by name: `$TECHFLUNKY_THEMES`,
    /// `themes/` in the repository checkout the executable was built in, `./themes`, and
    /// `$XDG_CONFIG_HOME/techflunky/themes` (default `~/.config/techflunky/themes`).
    public static func searchDirectories(environment: [String: String] = ProcessInfo.processInfo.environment,
                                         executablePath: String? = ThemeLoader.currentExecutable(),
                                         currentDirectory: String = FileManager.default.currentDirectoryPath) -> [String] {
        var dirs: [String] = []
        if let exe = executablePath, let checkout = repositoryThemes(near: exe) { dirs.append(checkout) }
        dirs.append((currentDirectory as NSString).appendingPathComponent("themes"))
        if let explicit = environment["TECHFLUNKY_THEMES"], !explicit.isEmpty { dirs.append(explicit) }
        let config = environment["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (environment["HOME"].map { ($0 as NSString).appendingPathComponent(".config") })
        if let config { dirs.append(((config as NSString).appendingPathComponent("techflunky") as NSString).appendingPathComponent("themes")) }
        var seen = Set<String>()
        return dirs.map { ($0 as NSString).standardizingPath }.filter { seen.insert($0).inserted }
    }

    /// The running binary's real path (`/proc/self/exe`), so a `techflunky` found through PATH or a symlink still
    /// finds the checkout it was built in.
    public static func currentExecutable() -> String? {
        if let real = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return real }
        return Bundle.main.executablePath ?? CommandLine.arguments.first
    }

    /// Walks up from the executable (`.build/debug/techflunky`) to a directory holding `themes/dark.toml`.
    static func repositoryThemes(near executable: String) -> String? {
        var dir = ((executable as NSString).resolvingSymlinksInPath as NSString).deletingLastPathComponent
        for _ in 0..<6 {
            let candidate = (dir as NSString).appendingPathComponent("themes")
            if FileManager.default.fileExists(atPath: (candidate as NSString).appendingPathComponent("dark.toml")) { return candidate }
            let parent = (dir as NSString).deletingLastPathComponent
            if parent == dir { break }
            dir = parent
        }
        return nil
    }

    /// Loads every theme found, with the compiled-in dark theme as the fallback, and selects `selected`.
    /// Problems are collected into `ThemeSet.problem` (shown in the status bar); they never stop the UI.
    public static func loadThemes(directories: [String], selected: String?) -> ThemeSet {
        var byName: [String: Theme] = ["dark": Theme.builtinDark]
        var problems: [String] = []
        for dir in directories {
            guard let files = try? FileManager.default.contentsOfDirectory(atPath: dir) else { continue }
            for file in files.sorted() where file.hasSuffix(".toml") {
                let path = (dir as NSString).appendingPathComponent(file)
                do {
                    let theme = try load(path: path)
                    byName[theme.name] = theme
                } catch let error as ThemeFileError {
                    problems.append(error.description)
                } catch {
                    problems.append("\(path): \(error)")
                }
            }
        }
        let preferred = ["dark", "light", "high-contrast", "mono"]
        let ordered = preferred.compactMap { byName[$0] } + byName.keys.filter { !preferred.contains($0) }.sorted().compactMap { byName[$0] }
        let problem = problems.isEmpty ? nil : "Theme problem: " + problems.joined(separator: "; ") + " (using the defaults)"
        return ThemeSet(themes: ordered, selected: selected, problem: problem)
    }

    public static func load(path: String) throws -> Theme {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw ThemeFileError(file: path, key: nil, message: "cannot be read as UTF-8 text")
        }
        let fallbackName = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        return try parse(text, file: path, defaultName: fallbackName)
    }

    public static func parse(_ text: String, file: String, defaultName: String) throws -> Theme {
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw ThemeFileError(file: file, key: nil, message: "line \(error.source.begin.line): \(error.description)")
        }
        for key in table.keys where !["name", "description", "roles"].contains(key) {
            throw ThemeFileError(file: file, key: key, message: "unknown key (expected name, description, roles)")
        }
        var name = defaultName
        if let value = table["name"] {
            guard let s = value.string, !s.isEmpty else { throw ThemeFileError(file: file, key: "name", message: "must be a non-empty string") }
            name = s
        }
        guard let roles = table["roles"]?.table else {
            throw ThemeFileError(file: file, key: "roles", message: "missing: a table of role styles")
        }
        var styles: [StyleRole: RoleStyle] = [:]
        for roleName in roles.keys {
            let keyPath = "roles.\(roleName)"
            guard let role = StyleRole(rawValue: roleName) else {
                throw ThemeFileError(file: file, key: keyPath, message: "unknown role (known: \(StyleRole.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            guard let spec = roles[roleName]?.table else {
                throw ThemeFileError(file: file, key: keyPath, message: "must be a table such as { fg = 252, bold = true }")
            }
            styles[role] = try roleStyle(spec, file: file, keyPath: keyPath)
        }
        return Theme(name: name, styles: styles)
    }

    static func roleStyle(_ spec: TOMLTable, file: String, keyPath: String) throws -> RoleStyle {
        var style = RoleStyle()
        for key in spec.keys {
            let path = "\(keyPath).\(key)"
            guard let value = spec[key] else { continue }
            switch key {
            case "fg": style.fg = try color(value, file: file, key: path)
            case "bg": style.bg = try color(value, file: file, key: path)
            case "fg8": style.fg8 = try color(value, file: file, key: path)
            case "bg8": style.bg8 = try color(value, file: file, key: path)
            case "bold", "underline", "reverse", "dim":
                guard let b = value.bool else { throw ThemeFileError(file: file, key: path, message: "must be true or false") }
                switch key {
                case "bold": style.bold = b
                case "underline": style.underline = b
                case "reverse": style.reverse = b
                default: style.dim = b
                }
            default:
                throw ThemeFileError(file: file, key: path, message: "unknown key (expected fg, bg, fg8, bg8, bold, underline, reverse, dim)")
            }
        }
        return style
    }

    static let namedColors: [String: UInt8] = [
        "black": 0, "red": 1, "green": 2, "yellow": 3, "blue": 4, "magenta": 5, "cyan": 6, "white": 7,
        "bright-black": 8, "gray": 8, "grey": 8, "bright-red": 9, "bright-green": 10, "bright-yellow": 11,
        "bright-blue": 12, "bright-magenta": 13, "bright-cyan": 14, "bright-white": 15,
    ]

    static func color(_ value: TOMLValueConvertible, file: String, key: String) throws -> ThemeColor {
        if let i = value.int {
            guard (0...255).contains(i) else { throw ThemeFileError(file: file, key: key, message: "colour index \(i) is outside 0–255") }
            return .indexed(UInt8(i))
        }
        guard let s = value.string?.lowercased() else {
            throw ThemeFileError(file: file, key: key, message: "must be a colour: 0–255, \"#rrggbb\", a colour name or \"default\"")
        }
        if s == "default" { return .terminalDefault }
        if let i = namedColors[s] { return .indexed(i) }
        if s.hasPrefix("#"), s.count == 7, let rgb = UInt32(s.dropFirst(), radix: 16) {
            return .indexed(nearest256(r: Int(rgb >> 16 & 0xFF), g: Int(rgb >> 8 & 0xFF), b: Int(rgb & 0xFF)))
        }
        throw ThemeFileError(file: file, key: key, message: "unknown colour \"\(s)\" (use 0–255, \"#rrggbb\", a colour name or \"default\")")
    }

    /// The xterm-256 colour closest to an RGB value (the 6×6×6 cube or the grey ramp).
    static func nearest256(r: Int, g: Int, b: Int) -> UInt8 {
        let levels = [0, 95, 135, 175, 215, 255]
        func cubeIndex(_ v: Int) -> Int { levels.enumerated().min { abs($0.element - v) < abs($1.element - v) }!.offset }
        let (ri, gi, bi) = (cubeIndex(r), cubeIndex(g), cubeIndex(b))
        let cube = (levels[ri], levels[gi], levels[bi])
        let grey = min(23, max(0, ((r + g + b) / 3 - 8 + 5) / 10))
        let greyValue = 8 + grey * 10
        func dist(_ a: (Int, Int, Int)) -> Int { (a.0 - r) * (a.0 - r) + (a.1 - g) * (a.1 - g) + (a.2 - b) * (a.2 - b) }
        return dist((greyValue, greyValue, greyValue)) < dist(cube) ? UInt8(232 + grey) : UInt8(16 + 36 * ri + 6 * gi + bi)
    }
}
