import CLibPQ

/// One row of a ``QueryResult``. Values decode on demand.
public struct Row: Sendable {
    let result: QueryResult
    /// The row's position in its result (0-based).
    public let index: Int

    var pointer: OpaquePointer { result.handle!.pointer }

    /// The number of columns.
    public var count: Int { result.columnCount }

    /// Whether the value in column `column` (0-based) is NULL.
    public func isNull(_ column: Int) -> Bool { PQgetisnull(pointer, Int32(index), Int32(column)) == 1 }

    /// The value's text as the server sent it, or nil for NULL.
    public func text(_ column: Int) -> String? {
        if isNull(column) { return nil }
        return String(cString: PQgetvalue(pointer, Int32(index), Int32(column)))
    }

    /// Decodes column `column` as `T`; throws an error naming the column and both types when the
    /// value does not fit (including NULL into a non-optional type).
    public func decode<T: PostgresDecodable>(_: T.Type = T.self, column: Int) throws -> T {
        guard column >= 0, column < count else {
            throw PostgresError(.decoding, "column index \(column) out of range: the row has \(count) columns")
        }
        let type = PostgresType(PQftype(pointer, Int32(column)))
        guard let text = text(column) else {
            if let v = T.decodesNull { return v }
            throw PostgresError(.decoding, "column \"\(columnName(column))\" (\(type)) is NULL; decode it as \(T.self)? to accept NULL")
        }
        guard let v = T.decode(text: text, type: type) else {
            let shown = text.count > 60 ? String(text.prefix(60)) + "…" : text
            throw PostgresError(.decoding, "column \"\(columnName(column))\" of type \(type) cannot be decoded as \(T.self) (value \"\(shown)\")")
        }
        return v
    }

    /// Decodes the column with this name (the first, if several share it).
    public func decode<T: PostgresDecodable>(_: T.Type = T.self, column name: String) throws -> T {
        guard let i = result.columnIndex(named: name) else {
            throw PostgresError(.decoding, "no column named \"\(name)\"; columns are \(result.columns.map(\.name))")
        }
        return try decode(T.self, column: i)
    }

    /// The text of column `column` (0-based), or nil for NULL.
    public subscript(_ column: Int) -> String? { text(column) }

    /// The text of the first column with this name, or nil for NULL or no such column.
    public subscript(_ name: String) -> String? {
        result.columnIndex(named: name).flatMap { text($0) }
    }

    func columnName(_ i: Int) -> String { String(cString: PQfname(pointer, Int32(i))) }
}
