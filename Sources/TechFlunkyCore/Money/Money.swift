import Foundation

/// An ISO 4217 currency with the number of minor-unit digits it is counted in.
public struct Currency: Hashable, Sendable, Codable, CustomStringConvertible {
    /// Upper-case ISO code, e.g. `USD`.
    public let code: String
    /// Minor-unit digits: 2 for USD, 0 for JPY, 3 for KWD.
    public let exponent: Int

    public init(code: String, exponent: Int) {
        self.code = code.uppercased()
        self.exponent = exponent
    }

    /// The currency for an ISO code (any case). Unknown codes count in two decimals, as Stripe does.
    public init(code: String) {
        let upper = code.uppercased()
        self.init(code: upper, exponent: Currency.zeroDecimal.contains(upper) ? 0 : (Currency.threeDecimal.contains(upper) ? 3 : 2))
    }

    public static let usd = Currency(code: "USD", exponent: 2)
    public static let eur = Currency(code: "EUR", exponent: 2)
    public static let gbp = Currency(code: "GBP", exponent: 2)
    public static let jpy = Currency(code: "JPY", exponent: 0)

    /// Stripe's zero-decimal currencies.
    static let zeroDecimal: Set<String> = ["BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA", "PYG", "RWF", "UGX", "VND", "VUV", "XAF", "XOF", "XPF"]
    static let threeDecimal: Set<String> = ["BHD", "JOD", "KWD", "OMR", "TND"]

    public var symbol: String {
        switch code {
        case "USD": "$"
        case "EUR": "€"
        case "GBP": "£"
        case "JPY": "¥"
        case "CAD": "CA$"
        case "AUD": "A$"
        default: code + " "
        }
    }

    public var description: String { code }

    // Encoded as its code alone: `"USD"`.
    public init(from decoder: Decoder) throws {
        let code = try decoder.singleValueContainer().decode(String.self)
        guard code.count == 3, code.allSatisfy({ $0.isASCII && $0.isLetter }) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "currency must be a three-letter ISO 4217 code, got \(code)"))
        }
        self.init(code: code)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(code)
    }
}

public enum MoneyError: Error, Equatable, CustomStringConvertible {
    case currencyMismatch(Currency, Currency)
    case overflow
    case negativeAmount

    public var description: String {
        switch self {
        case let .currencyMismatch(a, b): "cannot combine amounts in \(a.code) and \(b.code)"
        case .overflow: "amount is too large"
        case .negativeAmount: "amount must not be negative"
        }
    }
}

/// An amount of money: integer minor units (cents) and a currency. Never a floating-point number.
/// Arithmetic checks currencies and overflow and throws instead of wrapping.
public struct Money: Hashable, Sendable, Codable, Comparable, CustomStringConvertible {
    public let minorUnits: Int64
    public let currency: Currency

    public init(minorUnits: Int64, currency: Currency) {
        self.minorUnits = minorUnits
        self.currency = currency
    }

    public static func usd(_ minorUnits: Int64) -> Money { Money(minorUnits: minorUnits, currency: .usd) }
    public static func zero(_ currency: Currency) -> Money { Money(minorUnits: 0, currency: currency) }

    public func adding(_ other: Money) throws -> Money {
        guard currency == other.currency else { throw MoneyError.currencyMismatch(currency, other.currency) }
        let (sum, overflow) = minorUnits.addingReportingOverflow(other.minorUnits)
        guard !overflow else { throw MoneyError.overflow }
        return Money(minorUnits: sum, currency: currency)
    }

    public func subtracting(_ other: Money) throws -> Money {
        guard currency == other.currency else { throw MoneyError.currencyMismatch(currency, other.currency) }
        let (diff, overflow) = minorUnits.subtractingReportingOverflow(other.minorUnits)
        guard !overflow else { throw MoneyError.overflow }
        return Money(minorUnits: diff, currency: currency)
    }

    public func multiplied(by factor: Int64) throws -> Money {
        let (product, overflow) = minorUnits.multipliedReportingOverflow(by: factor)
        guard !overflow else { throw MoneyError.overflow }
        return Money(minorUnits: product, currency: currency)
    }

    /// Orders amounts of one currency; amounts in different currencies order by currency code
    /// so sorting never traps. Use `compare` where a mismatch must be an error.
    public static func < (lhs: Money, rhs: Money) -> Bool {
        lhs.currency == rhs.currency ? lhs.minorUnits < rhs.minorUnits : lhs.currency.code < rhs.currency.code
    }

    public func compare(_ other: Money) throws -> ComparisonResult {
        guard currency == other.currency else { throw MoneyError.currencyMismatch(currency, other.currency) }
        return minorUnits < other.minorUnits ? .orderedAscending : (minorUnits > other.minorUnits ? .orderedDescending : .orderedSame)
    }

    /// `$1,234.00`, `¥1,234`, `-€5.50`: grouped thousands, the currency's own number of decimals.
    public var formatted: String { format(decimals: true) }

    /// `$1,234` with the minor units dropped (rounded toward zero) — for dense tables.
    public var formattedWhole: String { format(decimals: false) }

    /// Compact form for narrow columns: `$950`, `$12.5K`, `$1.2M`.
    public var formattedCompact: String {
        let divisor = Money.pow10(currency.exponent)
        let whole = minorUnits / divisor
        let magnitude = whole.magnitude
        let sign = minorUnits < 0 ? "-" : ""
        func scaled(_ unit: UInt64, _ suffix: String) -> String {
            let tenths = (magnitude * 10 + unit / 2) / unit
            let text = tenths % 10 == 0 || tenths >= 1000 ? "\(tenths / 10)" : "\(tenths / 10).\(tenths % 10)"
            return "\(sign)\(currency.symbol)\(text)\(suffix)"
        }
        if magnitude >= 1_000_000_000 { return scaled(1_000_000_000, "B") }
        if magnitude >= 1_000_000 { return scaled(1_000_000, "M") }
        if magnitude >= 10_000 { return scaled(1_000, "K") }
        return "\(sign)\(currency.symbol)\(Money.grouped(magnitude))"
    }

    public var description: String { formatted }

    private func format(decimals: Bool) -> String {
        let divisor = UInt64(Money.pow10(currency.exponent))
        let magnitude = minorUnits.magnitude
        let whole = magnitude / divisor
        let fraction = magnitude % divisor
        var text = (minorUnits < 0 ? "-" : "") + currency.symbol + Money.grouped(whole)
        if decimals && currency.exponent > 0 {
            let digits = String(fraction)
            text += "." + String(repeating: "0", count: currency.exponent - digits.count) + digits
        }
        return text
    }

    static func grouped(_ value: UInt64) -> String {
        let digits = Array(String(value))
        var out = ""
        out.reserveCapacity(digits.count + digits.count / 3)
        for (i, d) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(d)
        }
        return out
    }

    static func pow10(_ n: Int) -> Int64 {
        var v: Int64 = 1
        for _ in 0..<n { v *= 10 }
        return v
    }

    // Wire form: {"amount": 123400, "currency": "USD"} — amount in minor units.
    enum CodingKeys: String, CodingKey { case minorUnits = "amount", currency }
}
