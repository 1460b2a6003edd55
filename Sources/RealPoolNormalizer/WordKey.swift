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

    init(low: UInt64, high: UInt64) {
        self.low = low
        self.high = high
    }
}

/// The keywords the normaliser looks at, as packed literals (little-endian bytes) so they are
/// compile-time constants and set membership is a `switch`.
enum Keyword {
    static let select = WordKey(low: 0x7463656c6573, high: 0x0)  // select
    static let insert = WordKey(low: 0x747265736e69, high: 0x0)  // insert
    static let update = WordKey(low: 0x657461647075, high: 0x0)  // update
    static let delete = WordKey(low: 0x6574656c6564, high: 0x0)  // delete
    static let merge = WordKey(low: 0x656772656d, high: 0x0)  // merge
    static let values = WordKey(low: 0x7365756c6176, high: 0x0)  // values
    static let table = WordKey(low: 0x656c626174, high: 0x0)  // table
    static let with = WordKey(low: 0x68746977, high: 0x0)  // with
    static let into = WordKey(low: 0x6f746e69, high: 0x0)  // into
    static let by = WordKey(low: 0x7962, high: 0x0)  // by
    static let fetch = WordKey(low: 0x6863746566, high: 0x0)  // fetch
    static let first = WordKey(low: 0x7473726966, high: 0x0)  // first
    static let next = WordKey(low: 0x7478656e, high: 0x0)  // next
    static let order = WordKey(low: 0x726564726f, high: 0x0)  // order
    static let group = WordKey(low: 0x70756f7267, high: 0x0)  // group
    static let partition = WordKey(low: 0x6f69746974726170, high: 0x6e)  // partition
    static let distinct = WordKey(low: 0x74636e6974736964, high: 0x0)  // distinct
    static let on = WordKey(low: 0x6e6f, high: 0x0)  // on
    static let `as` = WordKey(low: 0x7361, high: 0x0)  // as
    static let begin = WordKey(low: 0x6e69676562, high: 0x0)  // begin
    static let start = WordKey(low: 0x7472617473, high: 0x0)  // start
    static let transaction = WordKey(low: 0x746361736e617274, high: 0x6e6f69)  // transaction
    static let work = WordKey(low: 0x6b726f77, high: 0x0)  // work
    static let commit = WordKey(low: 0x74696d6d6f63, high: 0x0)  // commit
    static let end = WordKey(low: 0x646e65, high: 0x0)  // end
    static let abort = WordKey(low: 0x74726f6261, high: 0x0)  // abort
    static let rollback = WordKey(low: 0x6b6361626c6c6f72, high: 0x0)  // rollback
    static let prepared = WordKey(low: 0x6465726170657270, high: 0x0)  // prepared
    static let to = WordKey(low: 0x6f74, high: 0x0)  // to
    static let savepoint = WordKey(low: 0x6e696f7065766173, high: 0x74)  // savepoint
    static let release = WordKey(low: 0x657361656c6572, high: 0x0)  // release
    static let prepare = WordKey(low: 0x65726170657270, high: 0x0)  // prepare
    static let set = WordKey(low: 0x746573, high: 0x0)  // set
    static let local = WordKey(low: 0x6c61636f6c, high: 0x0)  // local
    static let constraints = WordKey(low: 0x69617274736e6f63, high: 0x73746e)  // constraints
    static let reset = WordKey(low: 0x7465736572, high: 0x0)  // reset
    static let listen = WordKey(low: 0x6e657473696c, high: 0x0)  // listen
    static let unlisten = WordKey(low: 0x6e657473696c6e75, high: 0x0)  // unlisten
    static let execute = WordKey(low: 0x65747563657865, high: 0x0)  // execute
    static let deallocate = WordKey(low: 0x61636f6c6c616564, high: 0x6574)  // deallocate
    static let discard = WordKey(low: 0x64726163736964, high: 0x0)  // discard
    static let load = WordKey(low: 0x64616f6c, high: 0x0)  // load
    static let create = WordKey(low: 0x657461657263, high: 0x0)  // create
    static let or = WordKey(low: 0x726f, high: 0x0)  // or
    static let replace = WordKey(low: 0x6563616c706572, high: 0x0)  // replace
    static let global = WordKey(low: 0x6c61626f6c67, high: 0x0)  // global
    static let temp = WordKey(low: 0x706d6574, high: 0x0)  // temp
    static let temporary = WordKey(low: 0x7261726f706d6574, high: 0x79)  // temporary
    static let unlogged = WordKey(low: 0x646567676f6c6e75, high: 0x0)  // unlogged
    static let declare = WordKey(low: 0x6572616c636564, high: 0x0)  // declare
    static let hold = WordKey(low: 0x646c6f68, high: 0x0)  // hold
    static let `for` = WordKey(low: 0x726f66, high: 0x0)  // for
    static let materialized = WordKey(low: 0x6c6169726574616d, high: 0x64657a69)  // materialized

    /// Words after which a constant is a value (an operand), not part of typed-literal syntax
    /// (`DATE '...'`) or an option; also the contexts where a `-` before a number is unary.
    static func valueContext(_ key: WordKey) -> Bool {
        switch (key.low, key.high) {
        case (0x7463656c6573, 0x0): return true  // select
        case (0x74636e6974736964, 0x0): return true  // distinct
        case (0x6c6c61, 0x0): return true  // all
        case (0x6572656877, 0x0): return true  // where
        case (0x646e61, 0x0): return true  // and
        case (0x726f, 0x0): return true  // or
        case (0x746f6e, 0x0): return true  // not
        case (0x6e656877, 0x0): return true  // when
        case (0x6e656874, 0x0): return true  // then
        case (0x65736c65, 0x0): return true  // else
        case (0x65736163, 0x0): return true  // case
        case (0x656b696c, 0x0): return true  // like
        case (0x656b696c69, 0x0): return true  // ilike
        case (0x6e656577746562, 0x0): return true  // between
        case (0x697274656d6d7973, 0x63): return true  // symmetric
        case (0x6e7275746572, 0x0): return true  // return
        case (0x6e696e7275746572, 0x67): return true  // returning
        case (0x676e69766168, 0x0): return true  // having
        case (0x6e6f, 0x0): return true  // on
        case (0x6d6f7266, 0x0): return true  // from
        case (0x6f74, 0x0): return true  // to
        case (0x726f66, 0x0): return true  // for
        case (0x74696d696c, 0x0): return true  // limit
        case (0x74657366666f, 0x0): return true  // offset
        case (0x746573, 0x0): return true  // set
        case (0x7365756c6176, 0x0): return true  // values
        case (0x6e69, 0x0): return true  // in
        case (0x7369, 0x0): return true  // is
        case (0x7962, 0x0): return true  // by
        default: return false
        }
    }

    /// Words that end an ORDER BY / GROUP BY / PARTITION BY list at the same parenthesis depth.
    static func listEnd(_ key: WordKey) -> Bool {
        switch (key.low, key.high) {
        case (0x74696d696c, 0x0): return true  // limit
        case (0x74657366666f, 0x0): return true  // offset
        case (0x676e69766168, 0x0): return true  // having
        case (0x776f646e6977, 0x0): return true  // window
        case (0x6863746566, 0x0): return true  // fetch
        case (0x726f66, 0x0): return true  // for
        case (0x6e6f696e75, 0x0): return true  // union
        case (0x6365737265746e69, 0x74): return true  // intersect
        case (0x747065637865, 0x0): return true  // except
        case (0x6e696e7275746572, 0x67): return true  // returning
        case (0x6f746e69, 0x0): return true  // into
        case (0x6d6f7266, 0x0): return true  // from
        case (0x6572656877, 0x0): return true  // where
        default: return false
        }
    }

    /// Types whose parenthesised numbers are type modifiers (`varchar(20)`, `numeric(10,2)`,
    /// `timestamp(3)`, `interval second(3)`), never values.
    static func typeWithModifiers(_ key: WordKey) -> Bool {
        switch (key.low, key.high) {
        case (0x746962, 0x0): return true  // bit
        case (0x72616863, 0x0): return true  // char
        case (0x6574636172616863, 0x72): return true  // character
        case (0x636564, 0x0): return true  // dec
        case (0x6c616d69636564, 0x0): return true  // decimal
        case (0x74616f6c66, 0x0): return true  // float
        case (0x6c61767265746e69, 0x0): return true  // interval
        case (0x726168636e, 0x0): return true  // nchar
        case (0x636972656d756e, 0x0): return true  // numeric
        case (0x646e6f636573, 0x0): return true  // second
        case (0x656d6974, 0x0): return true  // time
        case (0x6d617473656d6974, 0x70): return true  // timestamp
        case (0x6d617473656d6974, 0x7a7470): return true  // timestamptz
        case (0x7a74656d6974, 0x0): return true  // timetz
        case (0x746962726176, 0x0): return true  // varbit
        case (0x72616863726176, 0x0): return true  // varchar
        case (0x676e6979726176, 0x0): return true  // varying
        default: return false
        }
    }
}
