import CLibPQ

/// The complete result of one statement: command tag, affected rows, columns and rows.
///
/// Rows are decoded lazily from libpq's result buffer, so a result costs one allocation no
/// matter how many rows it has until you read them.
public struct QueryResult: Sendable, RandomAccessCollection {
    let handle: ResultHandle?
    /// The command tag, e.g. `SELECT 3`, `INSERT 0 1`, `DISCARD ALL`.
    public let commandTag: String

    init(handle: ResultHandle) {
        self.handle = handle
        self.commandTag = PQcmdStatus(handle.pointer).map { String(cString: $0) } ?? ""
    }

    /// A result with no rows and no columns (used for commands that return nothing).
    package init(commandTag: String) {
        self.handle = nil
        self.commandTag = commandTag
    }

    /// Rows inserted, updated, deleted, selected, ... as reported by the server; nil when the
    /// command reports none.
    public var affectedRows: Int? {
        guard let handle, let p = PQcmdTuples(handle.pointer) else { return nil }
        return Int(String(cString: p))
    }

    /// The number of result columns.
    public var columnCount: Int { handle.map { Int(PQnfields($0.pointer)) } ?? 0 }

    /// Every result column, in order.
    public var columns: [Column] {
        (0..<columnCount).map { column(at: $0) }
    }

    /// The result column at index `i` (0-based).
    public func column(at i: Int) -> Column {
        let p = handle!.pointer
        return Column(
            name: String(cString: PQfname(p, Int32(i))),
            type: PostgresType(PQftype(p, Int32(i))),
            tableOID: UInt32(PQftable(p, Int32(i))),
            typeModifier: Int(PQfmod(p, Int32(i)))
        )
    }

    /// The index of the first column with this name, or nil.
    public func columnIndex(named name: String) -> Int? {
        guard let handle else { return nil }
        let i = name.withCString { PQfnumber(handle.pointer, $0) }
        return i < 0 ? nil : Int(i)
    }

    // MARK: RandomAccessCollection of rows
    public var startIndex: Int { 0 }
    public var endIndex: Int { handle.map { Int(PQntuples($0.pointer)) } ?? 0 }
    public subscript(position: Int) -> Row { Row(result: self, index: position) }

    /// Parameter types of a described prepared statement (`Connection.describePrepared`).
    public var parameterTypes: [PostgresType] {
        guard let handle else { return [] }
        return (0..<Int(PQnparams(handle.pointer))).map { PostgresType(PQparamtype(handle.pointer, Int32($0))) }
    }

    /// The command tag's verb(s) without counts, e.g. `INSERT`, `DISCARD ALL`.
    public var commandVerb: String {
        var words = commandTag.split(separator: " ")
        while let last = words.last, last.allSatisfy(\.isNumber) { words.removeLast() }
        return words.joined(separator: " ")
    }
}

extension QueryResult {
    /// One result column as the server describes it.
    public struct Column: Sendable, Hashable {
        /// The column's name (its alias, if the query gives one).
        public var name: String
        /// The column's type OID.
        public var type: PostgresType
        /// The table the column comes from, or 0 for a computed column.
        public var tableOID: UInt32
        /// The type modifier (`atttypmod`), e.g. a `varchar`'s length; -1 when there is none.
        public var typeModifier: Int
    }
}
