import Foundation

/// A Swift type that a column value can be decoded to from PostgreSQL's text format.
public protocol PostgresDecodable: Sendable {
    /// Decodes a non-NULL value. Return nil when the text or the type does not fit; the caller
    /// turns that into an error naming the column and both types.
    static func decode(text: String, type: PostgresType) -> Self?
    /// How NULL decodes: only `Optional` accepts it.
    static var decodesNull: Self? { get }
}

extension PostgresDecodable {
    public static var decodesNull: Self? { nil }
}

extension Optional: PostgresDecodable where Wrapped: PostgresDecodable {
    public static func decode(text: String, type: PostgresType) -> Wrapped?? {
        Wrapped.decode(text: text, type: type).map { .some($0) }
    }
    public static var decodesNull: Wrapped?? { .some(nil) }
}

@inline(__always)
private func integer<T: FixedWidthInteger>(_ text: String, _ type: PostgresType) -> T? {
    guard type.isInteger else { return nil }
    return T(text)
}

extension Int: PostgresDecodable {
    public static func decode(text: String, type: PostgresType) -> Int? { integer(text, type) }
}
extension Int16: PostgresDecodable {
    public static func decode(text: String, type: PostgresType) -> Int16? { integer(text, type) }
}
extension Int32: PostgresDecodable {
    public static func decode(text: String, type: PostgresType) -> Int32? { integer(text, type) }
}
extension Int64: PostgresDecodable {
    public static func decode(text: String, type: PostgresType) -> Int64? { integer(text, type) }
}

extension Bool: PostgresDecodable {
    public static func decode(text: String, type: PostgresType) -> Bool? {
        guard type == .bool, text.utf8.count == 1 else { return nil }
        switch text.utf8.first {
        case UInt8(ascii: "t"): return true
        case UInt8(ascii: "f"): return false
        default: return nil
        }
    }
}

extension Double: PostgresDecodable {
    /// From float4/float8, integers, and numeric (rounded to the nearest Double).
    public static func decode(text: String, type: PostgresType) -> Double? {
        guard type.isFloat || type.isInteger || type == .numeric else { return nil }
        return Double(text)
    }
}

extension Float: PostgresDecodable {
    public static func decode(text: String, type: PostgresType) -> Float? {
        guard type.isFloat || type.isInteger || type == .numeric else { return nil }
        return Float(text)
    }
}

extension String: PostgresDecodable {
    /// Any column decodes to its PostgreSQL text representation.
    public static func decode(text: String, type: PostgresType) -> String? {
        text
    }
}

extension PostgresNumeric: PostgresDecodable {
    public static func decode(text: String, type: PostgresType) -> PostgresNumeric? {
        guard type == .numeric || type.isInteger else { return nil }
        return PostgresNumeric(text)
    }
}

extension Decimal: PostgresDecodable {
    /// From numeric and integers. Values with more than 38 significant digits are rounded; use
    /// ``PostgresNumeric`` to keep every digit.
    public static func decode(text: String, type: PostgresType) -> Decimal? {
        guard type == .numeric || type.isInteger else { return nil }
        return Decimal(string: text, locale: Locale(identifier: "en_US_POSIX"))
    }
}

extension UUID: PostgresDecodable {
    public static func decode(text: String, type: PostgresType) -> UUID? {
        guard type == .uuid else { return nil }
        return UUID(uuidString: text)
    }
}

extension Date: PostgresDecodable {
    /// From timestamptz, timestamp (read as UTC) and date (midnight UTC). `infinity` does not decode.
    public static func decode(text: String, type: PostgresType) -> Date? {
        guard type == .timestamptz || type == .timestamp || type == .date else { return nil }
        return PostgresDateFormat.parse(text)
    }
}

extension PostgresBytes: PostgresDecodable {
    /// From bytea's hex output format (`\x0001ff`), the server default since 9.0.
    public static func decode(text: String, type: PostgresType) -> PostgresBytes? {
        guard type == .bytea else { return nil }
        var it = text.utf8.makeIterator()
        guard it.next() == UInt8(ascii: "\\"), it.next() == UInt8(ascii: "x") else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity((text.utf8.count - 2) / 2)
        func nibble(_ c: UInt8) -> UInt8? {
            switch c {
            case 48...57: return c - 48
            case 97...102: return c - 87
            case 65...70: return c - 55
            default: return nil
            }
        }
        while let hi = it.next() {
            guard let lo = it.next(), let h = nibble(hi), let l = nibble(lo) else { return nil }
            out.append(h << 4 | l)
        }
        return PostgresBytes(out)
    }
}

extension Data: PostgresDecodable {
    public static func decode(text: String, type: PostgresType) -> Data? {
        PostgresBytes.decode(text: text, type: type).map { Data($0.bytes) }
    }
}

/// The raw text of a `json` or `jsonb` column, decodable further with `JSONDecoder`.
public struct PostgresJSON: PostgresDecodable, PostgresEncodable, Hashable {
    /// The JSON text as the server sent it.
    public var text: String
    /// Wraps JSON text to send or decode.
    public init(text: String) { self.text = text }
    /// Encodes `value` with `JSONEncoder`, to send as `jsonb`.
    public init<T: Encodable>(encoding value: T) throws {
        self.text = String(decoding: try JSONEncoder().encode(value), as: UTF8.self)
    }
    public static func decode(text: String, type: PostgresType) -> PostgresJSON? {
        guard type == .json || type == .jsonb else { return nil }
        return PostgresJSON(text: text)
    }
    /// Decodes the JSON text with `JSONDecoder`.
    public func decode<T: Decodable>(_: T.Type) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(text.utf8))
    }
    public var postgresBind: PostgresBind { .text(text, type: .jsonb) }
}
