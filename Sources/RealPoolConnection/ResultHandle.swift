import CLibPQ

/// Owns one libpq `PGresult` and frees it when the last reference goes.
///
/// A result is never modified after libpq hands it over, and libpq documents reading one from
/// several threads as safe, so sharing it across tasks is sound.
final class ResultHandle: @unchecked Sendable {
    let pointer: OpaquePointer

    init(_ pointer: OpaquePointer) { self.pointer = pointer }
    deinit { PQclear(pointer) }

    var status: ExecStatusType { PQresultStatus(pointer) }

    func errorField(_ code: UInt8) -> String? {
        guard let p = PQresultErrorField(pointer, Int32(code)) else { return nil }
        return String(cString: p)
    }

    /// The server error this result reports, with every diagnostic field.
    func serverError() -> PostgresError {
        var e = PostgresError(
            .server,
            errorField(UInt8(ascii: "M")) ?? String(cString: PQresultErrorMessage(pointer)).trimmingTrailingNewlines,
            sqlState: errorField(UInt8(ascii: "C")),
            severity: errorField(UInt8(ascii: "V")) ?? errorField(UInt8(ascii: "S")),
            detail: errorField(UInt8(ascii: "D")),
            hint: errorField(UInt8(ascii: "H")),
            position: errorField(UInt8(ascii: "P")).flatMap { Int($0) },
            routine: errorField(UInt8(ascii: "R"))
        )
        e.schemaName = errorField(UInt8(ascii: "s"))
        e.tableName = errorField(UInt8(ascii: "t"))
        e.columnName = errorField(UInt8(ascii: "c"))
        e.constraintName = errorField(UInt8(ascii: "n"))
        e.context = errorField(UInt8(ascii: "W"))
        if e.sqlState == nil {
            // libpq reports client-side failures (a lost connection) through a result without SQLSTATE
            e.kind = .connectionLost
        }
        return e
    }
}

extension String {
    var trimmingTrailingNewlines: String {
        var s = self
        while s.last == "\n" { s.removeLast() }
        return s
    }
}
