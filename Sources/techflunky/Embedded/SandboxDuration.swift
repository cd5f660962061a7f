import Foundation

/// Parses the durations `techflunky sandbox advance` takes: `3d`, `12h`, `90m`, `45s`, `1d6h30m`.
enum SandboxDuration {
    struct ParseError: Error, CustomStringConvertible {
        let text: String
        var description: String { "“\(text)” is not a duration; write it like 3d, 12h, 90m, 1d6h" }
    }

    static func seconds(_ text: String) throws -> TimeInterval {
        var total: TimeInterval = 0
        var number = ""
        var sawUnit = false
        for ch in text.lowercased() where ch != " " {
            if ch.isNumber || ch == "." {
                number.append(ch)
                continue
            }
            guard let value = Double(number) else { throw ParseError(text: text) }
            switch ch {
            case "d": total += value * 86_400
            case "h": total += value * 3_600
            case "m": total += value * 60
            case "s": total += value
            default: throw ParseError(text: text)
            }
            number = ""
            sawUnit = true
        }
        guard number.isEmpty, sawUnit, total > 0 else { throw ParseError(text: text) }
        return total
    }
}
