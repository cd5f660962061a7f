import TechFlunkyCore
import TechFlunkyText

/// The platform's health as the sandbox header shows it (`GET /api/health`): a glyph and a few words, fitted to
/// the room left between the platform's name and the account. The glyph carries the meaning on a monochrome
/// terminal; what needs a look is named, most serious first.
enum PlatformHealthBadge {
    /// The badge for `health` in at most `width` cells; nil when there is no room for it.
    static func text(_ health: PlatformHealth, width: Int) -> String? {
        guard width >= 1 else { return nil }
        let full: String
        switch health.status {
        case .ok:
            // All is well: said whole or shorter, never cut ("✓ heal…" reads as a problem).
            let running = health.deploymentsRunning > 0 ? " · \(health.deploymentsRunning) deploying" : ""
            return ["✓ healthy" + running, "✓ healthy", "✓"].first { DisplayWidth.of($0) <= width }
        case .degraded:
            full = "▲ " + health.problems.map(TextSanitizer.line).joined(separator: ", ")
        case .down:
            full = "✕ " + health.problems.map(TextSanitizer.line).joined(separator: ", ")
        }
        return width >= 3 ? TextLayout.truncate(full, to: width) : nil
    }
}
