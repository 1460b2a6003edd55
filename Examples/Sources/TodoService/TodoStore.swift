import RealPool

/// The service's SQL, in one place. Each method is one `db.execute` (the connection goes back to
/// the pool before it returns) except `complete`, whose two statements must be atomic and so run
/// in `db.transaction`, on one connection held for the block.
struct TodoStore: Sendable {
    let db: Database

    /// The hot lookup (`GET /todos/:id`). Registered as a prepare target, so every connection
    /// prepares it once and later calls skip parsing and planning. The same text with a literal
    /// (`WHERE id = 42`) would match it too.
    static let byID = "SELECT id, title, done FROM todos WHERE id = $1"

    /// Creates the tables if they are missing and registers the hot lookup.
    func migrate() async throws {
        try await db.execute("""
            CREATE TABLE IF NOT EXISTS todos (
                id bigserial PRIMARY KEY,
                title text NOT NULL,
                done boolean NOT NULL DEFAULT false,
                created_at timestamptz NOT NULL DEFAULT now())
            """)
        try await db.execute("""
            CREATE TABLE IF NOT EXISTS todo_events (
                id bigserial PRIMARY KEY,
                todo_id bigint NOT NULL REFERENCES todos (id),
                event text NOT NULL,
                at timestamptz NOT NULL DEFAULT now())
            """)
        try db.addPrepareTarget(Self.byID)
    }

    func insert(title: String) async throws -> Todo {
        // interpolated values are bound as parameters, never spliced into the SQL
        let rows = try await db.execute("INSERT INTO todos (title) VALUES (\(title)) RETURNING id, title, done")
        return try Todo(row: rows[0])
    }

    func find(id: Int) async throws -> Todo? {
        try await db.execute(Self.byID, id).first.map(Todo.init(row:))
    }

    func list(limit: Int) async throws -> [Todo] {
        try await db.execute("SELECT id, title, done FROM todos ORDER BY id LIMIT \(limit)").map(Todo.init(row:))
    }

    /// Marks a todo done and records the event, atomically: both statements or neither. Nil when
    /// there is no such todo (the transaction then commits nothing).
    func complete(id: Int) async throws -> Todo? {
        try await db.transaction { tx in
            let rows = try await tx.execute("UPDATE todos SET done = true WHERE id = \(id) RETURNING id, title, done")
            guard let row = rows.first else { return nil }
            try await tx.execute("INSERT INTO todo_events (todo_id, event) VALUES (\(id), 'completed')")
            return try Todo(row: row)
        }
    }
}
