extension LiftedLiteral {
    /// The OID of the type PostgreSQL gives this literal where it is written: `int4` (23) for an
    /// integer that fits 32 bits, `int8` (20) for one that fits 64 bits, `numeric` (1700) for larger
    /// integers and all decimals and exponent forms, and `unknown` (705) for strings, whose type
    /// comes from context.
    ///
    /// The rules are scan.l's and gram.y's: the lexer reads the unsigned digits (an `int4` constant
    /// if they fit, otherwise a "float" string); a unary minus is folded into the constant
    /// (`doNegate`), and a float string that reads as a 64-bit integer becomes `int4` when it fits
    /// 32 bits, else `int8` (`make_const`). So `-2147483648` is `int4` and `2147483648` is `int8`.
    public var naturalTypeOID: UInt32 {
        switch kind {
        case .string:
            return 705
        case .numeric:
            return 1700
        case .integer:
            guard let signed = Int64(value) else { return 1700 }
            return Int64(Int32.min)...Int64(Int32.max) ~= signed ? 23 : 20
        }
    }

    /// The type the parameter that carries this literal is declared with when the statement is
    /// prepared (Parse's parameter types). A number is declared with its own type, so the server
    /// resolves operators, functions and coercions for the parameter exactly as for the constant:
    /// the statement means what the text means, and the value is read by that type's input
    /// function (`int4in("-8")` is the constant `-8`). A string constant is `unknown`-typed, which
    /// is what an undeclared parameter (0) is too: its type comes from context either way.
    public var declaredTypeOID: UInt32 {
        kind == .string ? 0 : naturalTypeOID
    }
}
