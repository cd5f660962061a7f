/// The semantic colour roles a theme gives colours to (htop's colour schemes, by meaning rather than
/// by colour). Panes and widgets name a role; only the theme and the backend know what it looks like.
public enum StyleRole: String, CaseIterable, Sendable, Hashable {
    case text, muted, accent, selection, border, header, success, warning, error
    case stepPending = "step_pending", stepRunning = "step_running", stepSucceeded = "step_succeeded"
    case stepFailed = "step_failed", stepSkipped = "step_skipped"
    case holdInReview = "hold_in_review", holdFrozen = "hold_frozen", holdReleased = "hold_released"
    case holdRefunded = "hold_refunded", holdDisputed = "hold_disputed"
    /// QR codes: dark modules on a light field whatever the theme, so phones scan them (see `Theme.style(for:)`).
    case qrCode = "qr_code"
}

/// How one cell is drawn: a role plus emphasis a widget may add on top of the theme's style for that role.
public struct CellStyle: Hashable, Sendable {
    public var role: StyleRole
    public var bold: Bool
    public var underline: Bool
    public var reverse: Bool
    /// A hyperlink on this cell: an index into the canvas's `links` (0: none), made by `Canvas.hyperlink(_:)`. The
    /// backend wraps the cells in an OSC 8 sequence where the terminal supports it; text never carries one.
    public var link: UInt16

    public init(_ role: StyleRole = .text, bold: Bool = false, underline: Bool = false, reverse: Bool = false,
                link: UInt16 = 0) {
        self.role = role
        self.bold = bold
        self.underline = underline
        self.reverse = reverse
        self.link = link
    }

    public static let text = CellStyle(.text)
    public static let muted = CellStyle(.muted)
    public static let accent = CellStyle(.accent)
    public static let selection = CellStyle(.selection)
    public static let border = CellStyle(.border)
    public static let header = CellStyle(.header)
    public static let success = CellStyle(.success)
    public static let warning = CellStyle(.warning)
    public static let error = CellStyle(.error)

    public var emphasised: CellStyle { var s = self; s.bold = true; return s }

    /// The same style linking to `id` (from `Canvas.hyperlink(_:)`).
    public func linked(_ id: UInt16) -> CellStyle { var s = self; s.link = id; return s }
}
