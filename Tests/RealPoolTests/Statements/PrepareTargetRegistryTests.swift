import Testing
@testable import RealPool
@testable import RealPoolConnection
@testable import RealPoolStatements
@testable import RealPoolNormalizer

@Suite("Statements: prepare target registry")
struct PrepareTargetRegistryTests {
    @Test func sameShapeTwiceReturnsTheSameHandle() throws {
        let registry = PrepareTargetRegistry()
        let a = try registry.register("SELECT id, name FROM items WHERE id = $1")
        let b = try registry.register("select id,name\nfrom ITEMS -- comment\n where id=$1;")
        let c = try registry.register("SELECT id, name FROM items WHERE id = ?", style: .question)
        #expect(a == b)
        #expect(a == c)
        #expect(registry.targets.count == 1)
        #expect(a.parameterCount == 1)
        #expect(a.sql == "SELECT id, name FROM items WHERE id = $1")
    }

    /// A hot query's match is remembered per shape; the memory must never outlive a change of the
    /// targets, nor answer for another text of the same shape.
    @Test func aRememberedMatchFollowsNewTargetsAndNeverAnswersForAnotherText() throws {
        let registry = PrepareTargetRegistry()
        let five = Normalizer().normalize("SELECT v FROM t WHERE id = 5")
        let six = Normalizer().normalize("SELECT v FROM t WHERE id = 6")
        try registry.register("SELECT v FROM t WHERE id = 7")
        #expect(registry.match(five) == nil)
        #expect(registry.match(five) == nil)
        let general = try registry.register("SELECT v FROM t WHERE id = $1")
        for _ in 1...2 {
            let (target, sources) = try #require(registry.match(five))
            #expect(target == general)
            #expect(sources == [.literal(five.literals[0])])
        }
        let (_, sixSources) = try #require(registry.match(six))
        #expect(sixSources == [.literal(six.literals[0])])
        #expect(six.literals[0].value == "6")
        let (_, again) = try #require(registry.match(five))
        #expect(again == [.literal(five.literals[0])])
        registry.disableRewriting(because: "test")
        #expect(registry.match(five) == nil)
    }

    @Test func namesAreStableAndDerivedFromTheShape() throws {
        let sql = "SELECT id FROM items WHERE id = $1 AND name = $2"
        let shape = Normalizer().normalize(sql)
        let one = try PrepareTargetRegistry().register(sql)
        let two = try PrepareTargetRegistry().register(sql)
        #expect(one.name == two.name)
        #expect(one.name == "rp_" + shape.fingerprintHex)
        #expect(one.fingerprint == shape.fingerprint)
        // FNV-1a of the canonical text: a constant, the same in every process and on every platform.
        #expect(one.name == "rp_" + Fingerprint.hex(Fingerprint.fnv1a(Array("select id from items where id = $1 and name = $2".utf8))))
    }

    @Test func targetsDifferingInLiteralsAreDifferentStatements() throws {
        let registry = PrepareTargetRegistry()
        let active = try registry.register("SELECT id FROM items WHERE status = 'active' AND id = $1")
        let gone = try registry.register("SELECT id FROM items WHERE status = 'gone' AND id = $1")
        let open = try registry.register("SELECT id FROM items WHERE status = $1 AND id = $2")
        #expect(Set([active.name, gone.name, open.name]).count == 3)
        #expect(active.fingerprint == open.fingerprint)

        // A query matches the target that keeps its literal, not the fully parameterised one.
        let query = Normalizer().normalize("select id from items where status = 'gone' and id = 7")
        let (target, sources) = try #require(registry.match(query))
        #expect(target == gone)
        #expect(sources.count == 1)
        let other = Normalizer().normalize("select id from items where status = 'other' and id = 7")
        #expect(registry.match(other)?.0 == open)
    }

    @Test func hashCollisionsGetASuffix() throws {
        let registry = PrepareTargetRegistry()
        let sql = "SELECT name FROM items WHERE id = $1"
        let name = "rp_" + Normalizer().normalize(sql).fingerprintHex
        // Pretend another shape already owns the name (a real 64-bit collision is hard to find).
        registry.state.withLock { $0.nameOwners[name] = "some other canonical text" }
        let target = try registry.register(sql)
        #expect(target.name == name + "_2")
    }

    @Test func unpreparableSQLIsAClearErrorAtRegistration() throws {
        let registry = PrepareTargetRegistry()
        let cases: [(String, String)] = [
            ("SELECT 1; SELECT 2", "more than one statement"),
            ("CREATE TABLE t (a int)", "utility statement"),
            ("VACUUM items", "utility statement"),
            ("BEGIN", "transaction control"),
            ("SET search_path TO x", "session state"),
            ("LISTEN chan", "session state"),
            ("SELECT 'unterminated", "could not be lexed"),
            ("  -- nothing\n", "no statement"),
            ("SELECT $2", "without gaps"),
        ]
        for (sql, why) in cases {
            let error = #expect(throws: PostgresError.self, "\(sql)") { try registry.register(sql) }
            #expect(error?.kind == .invalidInput)
            #expect(error?.message.contains(why) == true, "\(sql): \(error?.message ?? "")")
            #expect(error?.message.contains("cannot register a prepare target") == true)
        }
        #expect(registry.targets.isEmpty)
    }

    @Test func matchReturnsTheParameterSources() throws {
        let registry = PrepareTargetRegistry()
        let target = try registry.register("SELECT * FROM items WHERE a = $1 AND b = $2")
        let query = Normalizer().normalize("SELECT * FROM items WHERE a = 'x' AND b = $1")
        let (matched, sources) = try #require(registry.match(query))
        #expect(matched == target)
        #expect(sources.count == 2)
        if case .literal(let l) = sources[0] { #expect(l.value == "x") } else { Issue.record("expected a literal") }
        #expect(sources[1] == .queryParameter(1))
        #expect(registry.match(Normalizer().normalize("SELECT * FROM items WHERE a = 1 OR b = 2")) == nil)
        #expect(registry.match(Normalizer().normalize("DELETE FROM items")) == nil)
    }

    @Test func automaticPreparationRegistersAHotShapeWithLiteralsLifted() throws {
        let registry = PrepareTargetRegistry(autoPrepareThreshold: 3)
        let texts = ["SELECT name FROM items WHERE id = 1 AND code = 'a'", "SELECT name FROM items WHERE id = 2 AND code = 'b'",
                     "select name from items where id = 3 and code = 'c'"]
        #expect(registry.noteExecution(Normalizer().normalize(texts[0])) == nil)
        #expect(registry.noteExecution(Normalizer().normalize(texts[1])) == nil)
        let target = try #require(registry.noteExecution(Normalizer().normalize(texts[2])))
        #expect(target.parameterCount == 2)
        #expect(Normalizer().normalize(target.sql).literals.isEmpty)
        #expect(registry.match(Normalizer().normalize("SELECT name FROM items WHERE id = 9 AND code = 'z'"))?.0 == target)
        // Utility statements are never counted.
        let off = PrepareTargetRegistry(autoPrepareThreshold: 1)
        #expect(off.noteExecution(Normalizer().normalize("CREATE TABLE x (a int)")) == nil)
        #expect(PrepareTargetRegistry().noteExecution(Normalizer().normalize(texts[0])) == nil)
    }

    @Test func automaticPreparationKeepsItsMemoryBounded() {
        let registry = PrepareTargetRegistry(autoPrepareThreshold: 1_000, maxTrackedShapes: 10)
        for i in 0..<100 {
            _ = registry.noteExecution(Normalizer().normalize("SELECT c\(i) FROM items"))
        }
        #expect(registry.state.withLock { $0.executionCounts.count } <= 10)
        let capped = PrepareTargetRegistry(autoPrepareThreshold: 1, maxAutomaticTargets: 2)
        for i in 0..<5 { _ = capped.noteExecution(Normalizer().normalize("SELECT c\(i) FROM items")) }
        #expect(capped.targets.count == 2)
    }

    @Test func liftingKeepsQuestionStyleParametersInOrder() throws {
        let query = Normalizer(style: .question).normalize("SELECT * FROM t WHERE a = ? AND b = 'x' AND c = ?")
        let lifted = try #require(PrepareTargetRegistry.liftedShape(of: query))
        #expect(lifted.executableSQL.contains("a = $1"))
        #expect(lifted.executableSQL.contains("c = $2"))
        #expect(lifted.executableSQL.contains("$3"))
        let registry = PrepareTargetRegistry()
        let target = try registry.register(lifted.executableSQL)
        let (_, sources) = try #require(registry.match(query))
        #expect(target.parameterCount == 3)
        #expect(sources.first == .queryParameter(1))
        #expect(sources.last.map { if case .literal = $0 { return true } else { return false } } == true)
    }
}
