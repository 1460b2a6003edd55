import Testing
@testable import RealPool
@testable import RealPoolConnection
@testable import RealPoolStatements
@testable import RealPoolNormalizer

/// Direct checks of the normaliser's API that the corpus does not express well.
@Suite struct NormalizerTests {
    @Test func fingerprintIsFNV1aOfTheCanonicalText() {
        let q = Normalizer().normalize("SELECT 42")
        #expect(q.canonical == "select $1")
        #expect(q.fingerprintHex == "6c10d01ac8145628")  // computed independently (Python)
        #expect(Fingerprint.hex(0) == "0000000000000000")
        #expect(Normalizer().normalize("").fingerprintHex == "cbf29ce484222325")
    }

    @Test func executableSQLConvertsOnlyPlaceholders() {
        let question = Normalizer(style: .question).normalize("select '?' , ?, \"?\" -- ?\n, ? /* ? */")
        #expect(question.executableSQL == "select '?' , $1, \"?\" -- ?\n, $2 /* ? */")
        #expect(question.parameterCount == 2)
        let percent = Normalizer(style: .percent).normalize("select %s, '100%%', a %% b")
        #expect(percent.executableSQL == "select $1, '100%', a % b")
        let dollar = Normalizer().normalize("select $1, a ? b, c % d")
        #expect(dollar.executableSQL == dollar.sql)
        #expect(dollar.isLexable)
    }

    @Test func placeholderErrorsAreReportedNotGuessed() {
        let lone = Normalizer(style: .percent).normalize("select a % b")
        #expect(lone.kind == .unlexable)
        #expect(lone.lexError?.contains("%") == true)
        #expect(lone.executableSQL == lone.sql)
        let mixed = Normalizer(style: .question).normalize("select $1, ?")
        #expect(mixed.kind == .unlexable)
    }

    @Test func literalPositionsAreByteOffsetsInTheOriginalText() {
        let sql = "select 'é', ?, 'x' where a = -5"
        let q = Normalizer(style: .question).normalize(sql)
        let bytes = Array(sql.utf8)
        #expect(q.literals.count == 3)
        for literal in q.literals {
            let text = Array(literal.text.utf8)
            #expect(Array(bytes[literal.position..<(literal.position + text.count)]) == text)
        }
        #expect(q.literals.map(\.position) == [7, 16, 30])
        #expect(q.literals.last?.text == "-5")
    }

    @Test func lexErrorSaysWhere() {
        let q = Normalizer().normalize("select 'abc")
        #expect(q.lexError == "unterminated quoted string at byte 7")
        #expect(q.kind == .unlexable)
        #expect(!q.isPreparable)
        #expect(q.literals.isEmpty)
    }

    @Test func transactionCommands() {
        let n = Normalizer()
        #expect(n.normalize("begin").transactionCommand == .begin)
        #expect(n.normalize("END").transactionCommand == .commit)
        #expect(n.normalize("rollback to savepoint a").transactionCommand == .rollbackToSavepoint)
        #expect(n.normalize("commit prepared 'x'").transactionCommand == .commitPrepared)
        #expect(n.normalize("select 1").transactionCommand == nil)
    }

    @Test func classificationExamplesFromTheBrief() {
        let n = Normalizer()
        #expect(n.normalize("select pg_advisory_lock(1)").kind == .sessionState)
        #expect(n.normalize("select pg_advisory_xact_lock(1)").kind == .preparable)
        #expect(n.normalize("SET LOCAL work_mem = '64MB'").kind == .utility)
        #expect(n.normalize("SET work_mem = '64MB'").kind == .sessionState)
        #expect(n.normalize("create temp table x (a int)").kind == .sessionState)
        #expect(n.normalize("select * into temp x from t").kind == .sessionState)
        #expect(n.normalize("declare c cursor with hold for select 1").kind == .sessionState)
        #expect(n.normalize("declare c cursor for select 1").kind == .utility)
        #expect(n.normalize("explain select 1").kind == .utility)
        #expect(n.normalize("select * from t for update").kind == .preparable)
        #expect(n.normalize("with d as (delete from t returning *) select * from d").kind == .preparable)
        #expect(n.normalize("copy t to stdout").kind == .utility)
        #expect(n.normalize("select 1; -- only a comment").kind == .preparable)
        #expect(n.normalize("select 1; select 2").kind == .multiStatement)
    }
}
