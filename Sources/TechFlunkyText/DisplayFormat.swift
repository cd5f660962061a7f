import Foundation

/// How numbers, ages, ratios, sizes and dates are written in the TUI's tables and details and in the scripting
/// commands' text output. (Money writes itself: `Money.formatted` in Core.)
public enum DisplayFormat {
    /// `12,345`
    public static func grouped(_ n: Int) -> String {
        let digits = Array(String(n.magnitude))
        var out = n < 0 ? "-" : ""
        for (i, d) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(d)
        }
        return out
    }

    /// `8 mo`, `2 yr`, `2 yr 3 mo`.
    public static func age(months: Int) -> String {
        guard months >= 12 else { return "\(max(0, months)) mo" }
        let (y, m) = (months / 12, months % 12)
        return m == 0 ? "\(y) yr" : "\(y) yr \(m) mo"
    }

    /// `8m`, `2y`, `2y 3m`: for narrow table columns.
    public static func shortAge(months: Int) -> String {
        guard months >= 12 else { return "\(max(0, months))m" }
        let (y, m) = (months / 12, months % 12)
        return m == 0 ? "\(y)y" : "\(y)y \(m)m"
    }

    /// How long ago, compactly: `today`, `3d`, `5w`, `4mo`, `2y`.
    public static func since(_ date: Date, now: Date) -> String {
        let days = Int(now.timeIntervalSince(date) / 86_400)
        switch days {
        case ..<1: return "today"
        case ..<14: return "\(days)d"
        case ..<60: return "\(days / 7)w"
        case ..<730: return "\(days / 30)mo"
        default: return "\(days / 365)y"
        }
    }

    /// `2.4×` or `–` when there is no profit.
    public static func multiple(_ m: Double?) -> String {
        guard let m, m.isFinite else { return "–" }
        let tenths = Int((m * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)×"
    }

    /// `1.2 MB`
    public static func bytes(_ n: Int) -> String {
        let units = ["B", "KB", "MB", "GB"]
        var value = Double(max(0, n))
        var unit = 0
        while value >= 1024, unit < units.count - 1 { value /= 1024; unit += 1 }
        if unit == 0 { return "\(Int(value)) B" }
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10) \(units[unit])"
    }

    /// `2026-12-05`: the calendar day in `timeZone` (UTC unless told).
    public static func day(_ date: Date, in timeZone: TimeZone = utc) -> String {
        let c = Calendar(identifier: .gregorian).dateComponents(in: timeZone, from: date)
        return String(format: "%04d-%02d-%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0)
    }

    /// `2026-12-05 19:55`: the day and the minute in `timeZone`, which the caller names (the scripting commands
    /// print this machine's time, the TUI says UTC).
    public static func minute(_ date: Date, in timeZone: TimeZone) -> String {
        let c = Calendar(identifier: .gregorian).dateComponents(in: timeZone, from: date)
        return String(format: "%04d-%02d-%02d %02d:%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0, c.hour ?? 0, c.minute ?? 0)
    }

    public static let utc = TimeZone(identifier: "UTC")!
}
