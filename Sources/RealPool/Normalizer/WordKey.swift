/// An unquoted word of up to 16 bytes, ASCII-lower-cased and packed into two integers, so keyword
/// tests are integer comparisons instead of string operations on the hot path.
struct WordKey: Hashable, Sendable {
    var low: UInt64
    var high: UInt64

    /// Packs `bytes[start..<end]`, lower-cased; nil when longer than 16 bytes (no keyword is).
    @inline(__always) init?(_ bytes: [UInt8], _ start: Int, _ end: Int) {
        guard end - start <= 16 else { return nil }
        var low: UInt64 = 0
        var high: UInt64 = 0
        var shift: UInt64 = 0
        for p in start..<end {
            let c = UInt64(SQLByte.lowercased(bytes[p]))
            if shift < 64 { low |= c << shift } else { high |= c << (shift - 64) }
            shift += 8
        }
        self.low = low
        self.high = high
    }

    init(_ keyword: String) {
        let bytes = Array(keyword.utf8)
        self = WordKey(bytes, 0, bytes.count)!
    }
}

/// The keywords the normaliser looks at.
enum Keyword {
    static let select = WordKey("select")
    static let insert = WordKey("insert")
    static let update = WordKey("update")
    static let delete = WordKey("delete")
    static let merge = WordKey("merge")
    static let values = WordKey("values")
    static let table = WordKey("table")
    static let with = WordKey("with")
    static let into = WordKey("into")
    static let by = WordKey("by")
    static let order = WordKey("order")
    static let group = WordKey("group")
    static let partition = WordKey("partition")
    static let distinct = WordKey("distinct")
    static let on = WordKey("on")
    static let `as` = WordKey("as")
    static let begin = WordKey("begin")
    static let start = WordKey("start")
    static let transaction = WordKey("transaction")
    static let work = WordKey("work")
    static let commit = WordKey("commit")
    static let end = WordKey("end")
    static let abort = WordKey("abort")
    static let rollback = WordKey("rollback")
    static let prepared = WordKey("prepared")
    static let to = WordKey("to")
    static let savepoint = WordKey("savepoint")
    static let release = WordKey("release")
    static let prepare = WordKey("prepare")
    static let set = WordKey("set")
    static let local = WordKey("local")
    static let constraints = WordKey("constraints")
    static let reset = WordKey("reset")
    static let listen = WordKey("listen")
    static let unlisten = WordKey("unlisten")
    static let execute = WordKey("execute")
    static let deallocate = WordKey("deallocate")
    static let discard = WordKey("discard")
    static let load = WordKey("load")
    static let create = WordKey("create")
    static let or = WordKey("or")
    static let replace = WordKey("replace")
    static let global = WordKey("global")
    static let temp = WordKey("temp")
    static let temporary = WordKey("temporary")
    static let unlogged = WordKey("unlogged")
    static let declare = WordKey("declare")
    static let hold = WordKey("hold")
    static let `for` = WordKey("for")
    static let materialized = WordKey("materialized")

    /// Words after which a constant is a value (an operand), not part of typed-literal syntax
    /// (`DATE '...'`) or an option; also the contexts where a `-` before a number is unary.
    static let valueContext: [WordKey] = [
        "select", "distinct", "all", "where", "and", "or", "not", "when", "then", "else", "case",
        "like", "ilike", "between", "symmetric", "return", "returning", "having", "on", "from", "to",
        "for", "limit", "offset", "set", "values", "in", "is", "by",
    ].map(WordKey.init)

    /// Words that end an ORDER BY / GROUP BY / PARTITION BY list at the same parenthesis depth.
    static let listEnd: [WordKey] = [
        "limit", "offset", "having", "window", "fetch", "for", "union", "intersect", "except",
        "returning", "into", "from", "where",
    ].map(WordKey.init)

    /// Types whose parenthesised numbers are type modifiers (`varchar(20)`, `numeric(10,2)`,
    /// `timestamp(3)`, `interval second(3)`), never values.
    static let typeWithModifiers: [WordKey] = [
        "bit", "char", "character", "dec", "decimal", "float", "interval", "nchar", "numeric",
        "second", "time", "timestamp", "timestamptz", "timetz", "varbit", "varchar", "varying",
    ].map(WordKey.init)
}
