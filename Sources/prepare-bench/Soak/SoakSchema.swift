import RealPool

/// The soak run's tables, named with a per-run suffix so that a `--dsn` server's own tables are
/// never touched, and the shapes registered on them.
///
/// The ledger has no unique key on purpose: a write applied twice (a retried statement that had
/// in fact run) shows up as a duplicate row instead of being refused by the server.
struct SoakSchema: Sendable {
    let suffix: String
    let accounts: Int

    var ledger: String { "soak_ledger_\(suffix)" }
    var balances: String { "soak_accounts_\(suffix)" }
    /// The table the DDL loop alters while registered shapes read it.
    var side: String { "soak_side_\(suffix)" }

    var create: String {
        """
        CREATE TABLE \(ledger) (request_id bigint NOT NULL, account int NOT NULL, amount int NOT NULL);
        CREATE INDEX ON \(ledger) (account);
        CREATE TABLE \(balances) (id int PRIMARY KEY, balance bigint NOT NULL);
        INSERT INTO \(balances) SELECT g, 0 FROM generate_series(1, \(accounts)) g;
        CREATE TABLE \(side) (id int PRIMARY KEY, a int NOT NULL);
        INSERT INTO \(side) SELECT g, g FROM generate_series(1, 100) g;
        """
    }

    var drop: String { "DROP TABLE IF EXISTS \(ledger), \(balances), \(side)" }

    var insertLedger: String { "INSERT INTO \(ledger) (request_id, account, amount) VALUES ($1, $2, $3)" }
    var addToBalance: String { "UPDATE \(balances) SET balance = balance + $1 WHERE id = $2" }
    /// A transfer in one autocommit statement (ledger row and balance together): a one-shot
    /// `execute`, so with `--pipeline-depth` > 1 it is multiplexed with other callers' statements.
    var transferInOneStatement: String {
        "WITH l AS (INSERT INTO \(ledger) (request_id, account, amount) VALUES ($1, $2, $3)) UPDATE \(balances) SET balance = balance + $3 WHERE id = $2"
    }
    var readBalance: String { "SELECT balance FROM \(balances) WHERE id = $1" }
    var countLedger: String { "SELECT count(*) FROM \(ledger) WHERE account = $1" }
    /// `SELECT *`: adding, dropping and retyping columns changes its result type (0A000 to heal).
    var readSide: String { "SELECT * FROM \(side) WHERE id = $1" }

    var targets: [String] { [insertLedger, addToBalance, transferInOneStatement, readBalance, countLedger, readSide] }

    /// The DDL loop's n-th statement: add a column, retype `a`, drop the column, retype `a` back.
    /// Each is idempotent, so a repeated one (after a failure) does not wedge the cycle.
    func ddl(_ n: Int) -> String {
        switch n % 4 {
        case 0: return "ALTER TABLE \(side) ADD COLUMN IF NOT EXISTS extra int DEFAULT 0"
        case 1: return "ALTER TABLE \(side) ALTER COLUMN a TYPE bigint"
        case 2: return "ALTER TABLE \(side) DROP COLUMN IF EXISTS extra"
        default: return "ALTER TABLE \(side) ALTER COLUMN a TYPE int"
        }
    }
}

extension SoakSchema {
    /// One statement, one snapshot: an account's balance equals the sum of its ledger rows, since
    /// both are written in the same transaction. Must be true at every moment.
    var consistent: String {
        "SELECT b.balance = coalesce((SELECT sum(l.amount) FROM \(ledger) l WHERE l.account = b.id), 0) FROM \(balances) b WHERE b.id = $1"
    }

    var readTargets: [String] { [readBalance, countLedger, readSide, consistent] }
}
