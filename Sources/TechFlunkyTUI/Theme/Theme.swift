/// A colour a theme gives a role: the terminal's own default, or an xterm-256 index.
public enum ThemeColor: Hashable, Sendable {
    case terminalDefault
    case indexed(UInt8)

    /// The nearest of the eight basic colours, for terminals without 256 colours.
    public var basic: ThemeColor {
        guard case let .indexed(i) = self else { return self }
        switch i {
        case 0..<8: return self
        case 8..<16: return .indexed(i - 8)
        case 16..<232:
            let v = Int(i) - 16
            let (r, g, b) = (v / 36, (v / 6) % 6, v % 6)
            // On/off per channel at the cube's midpoint; a dim grey becomes black, anything bright white.
            let bits = (r >= 3 ? 1 : 0) | (g >= 3 ? 2 : 0) | (b >= 3 ? 4 : 0)
            if bits == 0, max(r, g, b) >= 2 {
                return .indexed(UInt8((r >= 2 ? 1 : 0) | (g >= 2 ? 2 : 0) | (b >= 2 ? 4 : 0)))
            }
            return .indexed(UInt8(bits))
        default:
            return .indexed(i >= 244 ? 7 : 0)
        }
    }
}

/// How a theme draws one role.
public struct RoleStyle: Hashable, Sendable {
    public var fg: ThemeColor
    public var bg: ThemeColor
    /// Explicit 8-colour choices; when nil the nearest basic colour of `fg`/`bg` is used.
    public var fg8: ThemeColor?
    public var bg8: ThemeColor?
    public var bold: Bool
    public var underline: Bool
    public var reverse: Bool
    public var dim: Bool

    public init(fg: ThemeColor = .terminalDefault, bg: ThemeColor = .terminalDefault, fg8: ThemeColor? = nil,
                bg8: ThemeColor? = nil, bold: Bool = false, underline: Bool = false, reverse: Bool = false,
                dim: Bool = false) {
        self.fg = fg
        self.bg = bg
        self.fg8 = fg8
        self.bg8 = bg8
        self.bold = bold
        self.underline = underline
        self.reverse = reverse
        self.dim = dim
    }
}

/// A colour scheme: a style for every semantic role (htop's colour schemes).
public struct Theme: Hashable, Sendable {
    public var name: String
    public var styles: [StyleRole: RoleStyle]

    public init(name: String, styles: [StyleRole: RoleStyle]) {
        self.name = name
        self.styles = styles
    }

    public func style(for role: StyleRole) -> RoleStyle {
        if role == .qrCode { return styles[role] ?? Theme.qrCodeStyle }
        guard var style = styles[role] else { return styles[.text] ?? RoleStyle() }
        // A theme that paints its own background (light on a dark terminal) paints it under every role that
        // does not choose one, or text in those roles would sit on the terminal's background.
        if style.bg == .terminalDefault, let text = styles[.text], text.bg != .terminalDefault, !style.reverse {
            style.bg = text.bg
            if style.bg8 == nil { style.bg8 = text.bg8 }
        }
        return style
    }

    /// Black ink on white for QR codes in every theme (a light-on-dark code scans badly on many phones).
    public static let qrCodeStyle = RoleStyle(fg: .indexed(16), bg: .indexed(231), fg8: .indexed(0), bg8: .indexed(7))

    /// Compiled in so the UI has colours even with no themes directory: the same as `themes/dark.toml`.
    public static let builtinDark: Theme = {
        func c(_ i: UInt8) -> ThemeColor { .indexed(i) }
        return Theme(name: "dark", styles: [
            .text: RoleStyle(fg: c(252)),
            .muted: RoleStyle(fg: c(245)),
            .accent: RoleStyle(fg: c(81), bold: true),
            .selection: RoleStyle(fg: c(16), bg: c(117), fg8: c(0), bg8: c(6)),
            .border: RoleStyle(fg: c(240)),
            .header: RoleStyle(fg: c(255), bg: c(24), fg8: c(7), bg8: c(4), bold: true),
            .success: RoleStyle(fg: c(114)),
            .warning: RoleStyle(fg: c(221)),
            .error: RoleStyle(fg: c(203), bold: true),
            .stepPending: RoleStyle(fg: c(245)),
            .stepRunning: RoleStyle(fg: c(81), bold: true),
            .stepSucceeded: RoleStyle(fg: c(114)),
            .stepFailed: RoleStyle(fg: c(203), bold: true),
            .stepSkipped: RoleStyle(fg: c(240)),
            .holdInReview: RoleStyle(fg: c(221)),
            .holdFrozen: RoleStyle(fg: c(75)),
            .holdReleased: RoleStyle(fg: c(114)),
            .holdRefunded: RoleStyle(fg: c(245)),
            .holdDisputed: RoleStyle(fg: c(203), bold: true),
        ])
    }()
}

/// The themes the UI can cycle through with `t`, the current one, and any problem loading them.
public struct ThemeSet: Hashable, Sendable {
    public private(set) var themes: [Theme]
    public private(set) var index: Int
    /// A bad theme file or an unknown `--theme` name, shown in the status bar.
    public var problem: String?

    public init(themes: [Theme] = [Theme.builtinDark], selected: String? = nil, problem: String? = nil) {
        self.themes = themes.isEmpty ? [Theme.builtinDark] : themes
        self.problem = problem
        index = 0
        if let selected {
            if let i = self.themes.firstIndex(where: { $0.name == selected }) {
                index = i
            } else {
                let names = self.themes.map(\.name).joined(separator: ", ")
                let msg = "No theme named \"\(selected)\" (have \(names)); using \(self.themes[0].name)"
                self.problem = problem.map { $0 + " · " + msg } ?? msg
            }
        }
    }

    public var current: Theme { themes[index] }

    public mutating func cycle() { index = (index + 1) % themes.count }
}
