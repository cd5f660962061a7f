import Foundation
import TechFlunkyCore

/// How numbers, ages and ratios are written in tables and details.
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

    /// `2.4×` or `–` when there is no profit.
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
}
