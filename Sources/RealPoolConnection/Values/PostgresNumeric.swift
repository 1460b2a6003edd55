import Foundation

/// A `numeric` value kept exactly as the server wrote it, so no digit is lost (PostgreSQL's
/// numeric has up to 131072 digits; `Decimal` keeps 38 and `Double` about 16).
public struct PostgresNumeric: Sendable, Hashable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// The exact decimal text, e.g. `"-12345678901234567890.123456789"` or `"NaN"`.
    public let text: String

    /// Accepts PostgreSQL's numeric input syntax; returns nil for anything else.
    public init?(_ text: String) {
        guard Self.isValid(text) else { return nil }
        self.text = text
    }

    /// A numeric from a literal; traps on text that is not a numeric literal (a programming error).
    public init(stringLiteral value: String) {
        precondition(Self.isValid(value), "not a numeric literal: \(value)")
        self.text = value
    }

    /// The exact text of a `Decimal`.
    public init(_ decimal: Decimal) { self.text = decimal.description }

    public var description: String { text }
    /// Nearest `Decimal` (rounded past 38 significant digits).
    public var decimalValue: Decimal? { Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")) }
    /// Nearest `Double`.
    public var doubleValue: Double? { Double(text) }

    static func isValid(_ s: String) -> Bool {
        if s == "NaN" || s == "Infinity" || s == "-Infinity" { return true }
        var digits = 0, sawDot = false, sawExp = false
        var it = s.utf8.makeIterator()
        var first = true
        var expectExpDigit = false
        while let c = it.next() {
            defer { first = false }
            switch c {
            case UInt8(ascii: "+"), UInt8(ascii: "-"):
                if !first && !expectExpDigit { return false }
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                digits += 1; expectExpDigit = false
            case UInt8(ascii: "."):
                if sawDot || sawExp { return false }
                sawDot = true
            case UInt8(ascii: "e"), UInt8(ascii: "E"):
                if sawExp || digits == 0 { return false }
                sawExp = true; expectExpDigit = true
            default: return false
            }
        }
        return digits > 0 && !expectExpDigit
    }
}

extension PostgresNumeric: PostgresEncodable {
    public var postgresBind: PostgresBind { .text(text, type: .numeric) }
}
