import Hummingbird
import RealPool

/// One row of `todos`, as the API returns it (JSON).
struct Todo: ResponseCodable, Sendable {
    var id: Int
    var title: String
    var done: Bool

    /// The columns every query of `TodoStore` selects: `id, title, done`.
    init(row: Row) throws {
        id = try row.decode(Int.self, column: "id")
        title = try row.decode(String.self, column: "title")
        done = try row.decode(Bool.self, column: "done")
    }
}
