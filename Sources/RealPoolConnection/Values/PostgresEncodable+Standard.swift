import Foundation

// Integers and floats are sent as text with no type, so the server reads them exactly as it would
// read the same digits written in the SQL: `id = $1` works whether `id` is int4 or int8.

extension Int: PostgresEncodable { public var postgresBind: PostgresBind { .text(String(self)) } }
extension Int16: PostgresEncodable { public var postgresBind: PostgresBind { .text(String(self)) } }
extension Int32: PostgresEncodable { public var postgresBind: PostgresBind { .text(String(self)) } }
extension Int64: PostgresEncodable { public var postgresBind: PostgresBind { .text(String(self)) } }
extension UInt32: PostgresEncodable { public var postgresBind: PostgresBind { .text(String(self)) } }

extension Bool: PostgresEncodable {
    public var postgresBind: PostgresBind { .text(self ? "t" : "f", type: .bool) }
}

extension Double: PostgresEncodable {
    // Swift's description is the shortest text that reads back to the same Double; PostgreSQL
    // spells the specials its own way.
    public var postgresBind: PostgresBind {
        if isNaN { return .text("NaN", type: .float8) }
        if isInfinite { return .text(self < 0 ? "-Infinity" : "Infinity", type: .float8) }
        return .text(description, type: .float8)
    }
}

extension Float: PostgresEncodable {
    public var postgresBind: PostgresBind {
        if isNaN { return .text("NaN", type: .float4) }
        if isInfinite { return .text(self < 0 ? "-Infinity" : "Infinity", type: .float4) }
        return .text(description, type: .float4)
    }
}

extension String: PostgresEncodable {
    public var postgresBind: PostgresBind { .text(self) }
}

extension Substring: PostgresEncodable {
    public var postgresBind: PostgresBind { .text(String(self)) }
}

extension Decimal: PostgresEncodable {
    public var postgresBind: PostgresBind { .text(description, type: .numeric) }
}

extension UUID: PostgresEncodable {
    public var postgresBind: PostgresBind { .text(uuidString.lowercased(), type: .uuid) }
}

extension Date: PostgresEncodable {
    /// Sent as `timestamptz` in UTC with microsecond precision (PostgreSQL's own resolution).
    public var postgresBind: PostgresBind { .text(PostgresDateFormat.timestamptzText(self), type: .timestamptz) }
}

extension Data: PostgresEncodable {
    /// Sent in binary format as `bytea`: every byte, zero bytes included, arrives unchanged.
    public var postgresBind: PostgresBind { PostgresBind(bytes: Array(self), format: .binary, type: .bytea) }
}

/// Raw bytes for a `bytea` parameter (an `[UInt8]` would be ambiguous with arrays).
public struct PostgresBytes: PostgresEncodable, Hashable {
    /// The bytes, sent unchanged.
    public var bytes: [UInt8]
    /// Wraps bytes to send as `bytea`.
    public init(_ bytes: [UInt8]) { self.bytes = bytes }
    public var postgresBind: PostgresBind { PostgresBind(bytes: bytes, format: .binary, type: .bytea) }
}

extension Optional: PostgresEncodable where Wrapped: PostgresEncodable {
    public var postgresBind: PostgresBind {
        switch self {
        case .none: return .null
        case .some(let v): return v.postgresBind
        }
    }
}

extension PostgresBind: PostgresEncodable {
    public var postgresBind: PostgresBind { self }
}
