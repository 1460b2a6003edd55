import RealPoolConnection
import RealPoolStatements
import RealPoolNormalizer
import RealPoolConnectionPool
/// SQL with bound parameters, built by string interpolation: every interpolated value becomes a
/// `$n` parameter, never text spliced into the SQL.
///
/// ```swift
/// try await db.execute("SELECT name FROM users WHERE id = \(id) AND status = \(status)")
/// // sends: SELECT name FROM users WHERE id = $1 AND status = $2   with [id, status]
/// ```
public struct SQLQuery: Sendable, ExpressibleByStringInterpolation {
    /// The SQL text, with `$n` where values were interpolated.
    public var sql: String
    /// The interpolated values, in `$n` order.
    public var parameters: [PostgresBind]

    /// SQL text built at run time, used as is: never put untrusted input in it; pass values as `parameters`.
    public init(unsafeSQL sql: String, parameters: [PostgresBind] = []) {
        self.sql = sql
        self.parameters = parameters
    }

    /// SQL with no parameters, from a literal.
    public init(stringLiteral value: String) {
        self.sql = value
        self.parameters = []
    }

    /// SQL with `$n` for each interpolated value, which is bound as a parameter.
    public init(stringInterpolation: StringInterpolation) {
        self.sql = stringInterpolation.sql
        self.parameters = stringInterpolation.parameters
    }

    /// Builds the text and the parameters of an interpolated ``SQLQuery``.
    public struct StringInterpolation: StringInterpolationProtocol {
        var sql = ""
        var parameters: [PostgresBind] = []

        public init(literalCapacity: Int, interpolationCount: Int) {
            sql.reserveCapacity(literalCapacity + interpolationCount * 3)
            parameters.reserveCapacity(interpolationCount)
        }

        public mutating func appendLiteral(_ literal: String) { sql += literal }

        /// Binds `value` as the next `$n` parameter.
        public mutating func appendInterpolation(_ value: some PostgresEncodable) {
            parameters.append(value.postgresBind)
            sql += "$\(parameters.count)"
        }

        /// Binds `value` as the next `$n` parameter; nil binds NULL.
        public mutating func appendInterpolation(_ value: (some PostgresEncodable)?) {
            parameters.append(value?.postgresBind ?? .null)
            sql += "$\(parameters.count)"
        }

        /// Splices trusted SQL text (an identifier you built yourself, say). Never pass user input.
        public mutating func appendInterpolation(unsafeRaw sql: String) { self.sql += sql }
    }
}
